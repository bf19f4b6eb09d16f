/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hint.h - the rule that would allow a denied flow, from the
 * catalogue: "allow in smb from 10.0.3.7  # catalogue: smb (tcp 445), CRM
 * 2013 connectivity paper".
 *
 * The index maps (proto, port) to the most specific service of the loaded
 * policy that has that port: an exact port beats a range, a narrower range
 * a wider one, and ties go to the service defined first. It is built once
 * per config load and owns copies of what it needs, so a hint costs one
 * array lookup and one snprintf per event and the policy may be freed.
 */
#ifndef PC_EVENT_HINT_H
#define PC_EVENT_HINT_H

#include <stddef.h>

#include "policy/policy.h"
#include "portcullis.h"

struct pc_hint_index;

/* Build the index of P's current services (overrides win) into *OUT.
 * Returns 0 or -ENOMEM. */
int pc_hint_index_build(const struct pc_policy *p, struct pc_hint_index **out);
void pc_hint_index_free(struct pc_hint_index *h);

/*
 * The hint for E into BUF: "allow in NAME from SRC  # catalogue: NAME
 * (PORTS), TITLE" for dir in, "allow out NAME to DST ..." for dir out.
 * Returns BUF, or NULL when no service has the port (or the event has no
 * port to judge: malformed packets). H may be NULL (no hints).
 */
const char *pc_event_hint(const struct pc_hint_index *h, const struct pc_event *e,
			  char *buf, size_t len);

/* The short title of the seed document a catalogue citation names
 * ("CRM 2013 connectivity paper"), or NULL when SOURCE cites none. The
 * primary citation counts: the first seed file not introduced by "also:". */
const char *pc_hint_source_title(const char *source);

#endif /* PC_EVENT_HINT_H */
