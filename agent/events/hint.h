/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * hint.h - the config lines that would allow a denied flow, one statement
 * a line, each as 'check' takes it when pasted: the 'peer' the rule
 * names (a rule never names an address), and the 'allow' for a role:
 *
 *   peer host-10.0.3.7 10.0.3.7
 *   allow in smb from host-10.0.3.7  # catalogue: smb (tcp 445), CRM 2013 connectivity paper
 *
 * The service is chosen by who is asking: one the roles of the event's
 * scope use, else one a role attached anywhere uses, else the catalogue's
 * most specific (an exact port beats a range, a narrower range a wider
 * one, ties go to the service defined first). A port no service has gets
 * a plain 'service tcp-4444 tcp 4444' line first. SSH and RDP in from an
 * address on the internet get no rule, only a comment that says why.
 *
 * The index is built once per config load and owns copies of what it
 * needs, so the policy may be freed; a hint costs an array lookup, a walk
 * over the scope's roles' services and a snprintf per event.
 */
#ifndef PC_EVENT_HINT_H
#define PC_EVENT_HINT_H

#include <stddef.h>

#include "policy/policy.h"
#include "policy/tables.h"
#include "portcullis.h"

struct pc_hint_index;

/* Build the index of P's current services (overrides win) into *OUT. T:
 * the tables applied from P, whose scope ids events carry (NULL: the ids
 * are the attachments' positions, as the compiler gives them).
 * Returns 0 or -ENOMEM. */
int pc_hint_index_build(const struct pc_policy *p, const struct pc_tables *t,
			struct pc_hint_index **out);
void pc_hint_index_free(struct pc_hint_index *h);

/*
 * The hint for E into BUF: lines separated by '\n', as above; "allow out
 * NAME to host-DST" for dir out. Returns BUF, or NULL when the event has
 * no port to judge (malformed packets, protocols the language lacks). H
 * may be NULL (no hints).
 */
const char *pc_event_hint(const struct pc_hint_index *h, const struct pc_event *e,
			  char *buf, size_t len);

/* The short title of the document a catalogue citation names ("CRM 2013
 * connectivity paper"), or NULL when SOURCE cites none. The primary
 * citation counts: the first document title not introduced by "also:". */
const char *pc_hint_source_title(const char *source);

#endif /* PC_EVENT_HINT_H */
