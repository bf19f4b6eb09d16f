// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * control_msg.c - the framing of RUN_DIR/control (control.h): one
 * SOCK_SEQPACKET message a request, one an answer, so that a message is
 * never split or joined. A header, then NUL-terminated strings that end
 * exactly where the message ends: a request is read whole or refused.
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
	uint32_t argc;
};

struct ans_head {
	uint32_t magic;
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
	struct req_head h = { PC_CONTROL_MAGIC, r->flags, r->verbose, (uint32_t)r->argc };
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
	r->argc = (int)h.argc;
	return 0;
bad:
	free(r->argv);
	memset(r, 0, sizeof(*r));
	return -EBADMSG;
}

ssize_t pc_control_ans_encode(int rc, const char *msg, char *buf, size_t len)
{
	struct ans_head h = { PC_CONTROL_MAGIC, rc };
	size_t off = sizeof(h);

	if (len < sizeof(h))
		return -ENOSPC;
	memcpy(buf, &h, sizeof(h));
	return put(buf, len, &off, msg) ? -ENOSPC : (ssize_t)off;
}

int pc_control_ans_decode(char *buf, size_t len, int *rc, const char **msg)
{
	struct ans_head h;
	size_t off = sizeof(h);

	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, buf, sizeof(h));
	if (h.magic != PC_CONTROL_MAGIC)
		return -EBADMSG;
	*msg = take(buf, len, &off);
	if (!*msg || off != len)
		return -EBADMSG;
	*rc = h.rc;
	return 0;
}
