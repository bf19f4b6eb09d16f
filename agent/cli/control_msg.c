// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * control_msg.c - the framing of RUN_DIR/control (control.h): one
 * SOCK_SEQPACKET message a request, one each piece of the answer, so that
 * a message is never split or joined. A request is a header, then
 * NUL-terminated strings that end exactly where the message ends: read
 * whole or refused. A piece of the answer is a header and bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/control.h"

struct req_head {
	uint32_t magic;
	uint32_t flags;
	int32_t verbose;
	uint32_t tc_attach;
	uint32_t ct_entries;
	uint32_t ct_new_entries;
	uint32_t argc;
};

struct ans_head {
	uint32_t magic;
	uint32_t kind;
	int32_t rc;
};

/* The fixed strings of a request, in order, before argv. */
#define REQ_FIXED 5

static int put(char *buf, size_t len, size_t *off, const char *s)
{
	size_t n = strlen(s ? s : "") + 1;

	if (n > len - *off)
		return -ENOSPC;
	memcpy(buf + *off, s ? s : "", n);
	*off += n;
	return 0;
}

ssize_t pc_control_req_encode(const struct pc_control_req *r, char *buf, size_t len)
{
	const char *fixed[REQ_FIXED] = { r->config, r->policy_dir, r->pin_dir, r->log_dir, r->ssh };
	struct req_head h = { PC_CONTROL_MAGIC, r->flags, r->verbose, r->tc_attach, r->ct_entries,
			      r->ct_new_entries, (uint32_t)r->argc };
	size_t off = sizeof(h);
	int i;

	if (r->argc < 1 || r->argc > PC_CONTROL_ARGS_MAX)
		return -EINVAL;
	if (len < sizeof(h))
		return -ENOSPC;
	memcpy(buf, &h, sizeof(h));
	for (i = 0; i < REQ_FIXED; i++)
		if (put(buf, len, &off, fixed[i]))
			return -ENOSPC;
	for (i = 0; i < r->argc; i++)
		if (put(buf, len, &off, r->argv[i]))
			return -ENOSPC;
	return (ssize_t)off;
}

/* The next string at *OFF, which must end inside the message. */
static char *take(char *buf, size_t len, size_t *off)
{
	char *s = buf + *off, *nul;

	if (*off >= len)
		return NULL;
	nul = memchr(s, '\0', len - *off);
	if (!nul)
		return NULL;
	*off += (size_t)(nul - s) + 1;
	return s;
}

int pc_control_req_decode(char *buf, size_t len, struct pc_control_req *r)
{
	const char **fixed[REQ_FIXED] = { &r->config, &r->policy_dir, &r->pin_dir, &r->log_dir,
					  &r->ssh };
	struct req_head h;
	size_t off = sizeof(h);
	int i;

	memset(r, 0, sizeof(*r));
	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != PC_CONTROL_MAGIC || h.argc < 1 || h.argc > PC_CONTROL_ARGS_MAX)
		return -EBADMSG;
	r->argv = calloc(h.argc + 1, sizeof(*r->argv));
	if (!r->argv)
		return -ENOMEM;
	for (i = 0; i < REQ_FIXED; i++)
		if (!(*fixed[i] = take(buf, len, &off)))
			goto bad;
	for (i = 0; i < (int)h.argc; i++)
		if (!(r->argv[i] = take(buf, len, &off)))
			goto bad;
	if (off != len || !r->argv[0][0])
		goto bad;	/* trailing bytes, or no command */
	r->flags = h.flags;
	r->verbose = h.verbose;
	r->tc_attach = h.tc_attach;
	r->ct_entries = h.ct_entries;
	r->ct_new_entries = h.ct_new_entries;
	r->argc = (int)h.argc;
	return 0;
bad:
	free(r->argv);
	memset(r, 0, sizeof(*r));
	return -EBADMSG;
}

ssize_t pc_control_ans_encode(enum pc_control_kind kind, int rc, const char *data, size_t n,
			      char *buf, size_t len)
{
	struct ans_head h = { PC_CONTROL_MAGIC, kind, rc };

	if (n > PC_CONTROL_CHUNK)
		return -EINVAL;
	if (len < sizeof(h) + n)
		return -ENOSPC;
	memcpy(buf, &h, sizeof(h));
	if (n)
		memcpy(buf + sizeof(h), data, n);
	return (ssize_t)(sizeof(h) + n);
}

int pc_control_ans_decode(const char *buf, size_t len, enum pc_control_kind *kind, int *rc,
			  const char **data, size_t *n)
{
	struct ans_head h;

	if (len < sizeof(h) || len - sizeof(h) > PC_CONTROL_CHUNK)
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != PC_CONTROL_MAGIC || h.kind < PC_CONTROL_OUT || h.kind > PC_CONTROL_EXIT)
		return -EBADMSG;
	*kind = (enum pc_control_kind)h.kind;
	*rc = h.rc;
	*data = buf + sizeof(h);
	*n = len - sizeof(h);
	return 0;
}
