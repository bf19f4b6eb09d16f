// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_control_msg.c - the framing of RUN_DIR/control (control.h): a
 * request comes back as it was sent, and anything but exactly one request
 * (short, trailing bytes, an unterminated string, another magic, no
 * command) is refused rather than half read.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/control.h"

static char *words[] = { "mode", "enforce", "--scope", "interface:eth0", NULL };

static const struct pc_control_req sample = {
	.flags = PC_CONTROL_JSON | PC_CONTROL_SSH,
	.verbose = 2,
	.tc_attach = PC_TC_CLSACT,
	.ct_entries = 4096,
	.ct_new_entries = 2048,
	.config = "/etc/portcullis/portcullis.conf",
	.policy_dir = "/usr/share/portcullis",
	.pin_dir = "/sys/fs/bpf/portcullis",
	.log_dir = "/var/log/portcullis",
	.ssh = "10.0.0.1 50000 10.0.0.2 22",
	.argc = 4,
	.argv = words,
};

static void test_round_trip(void **state)
{
	struct pc_control_req r;
	char buf[512];
	ssize_t n = pc_control_req_encode(&sample, buf, sizeof(buf));
	int i;

	assert_true(n > 0);
	assert_int_equal(pc_control_req_decode(buf, (size_t)n, &r), 0);
	assert_int_equal(r.flags, sample.flags);
	assert_int_equal(r.verbose, 2);
	assert_int_equal(r.tc_attach, PC_TC_CLSACT);
	assert_int_equal(r.ct_entries, 4096);
	assert_int_equal(r.ct_new_entries, 2048);
	assert_string_equal(r.config, sample.config);
	assert_string_equal(r.policy_dir, sample.policy_dir);
	assert_string_equal(r.pin_dir, sample.pin_dir);
	assert_string_equal(r.log_dir, sample.log_dir);
	assert_string_equal(r.ssh, sample.ssh);
	assert_int_equal(r.argc, 4);
	for (i = 0; i < 4; i++)
		assert_string_equal(r.argv[i], words[i]);
	assert_null(r.argv[4]);
	free(r.argv);
}

/* An unset SSH_CONNECTION travels as "" with the flag clear. */
static void test_null_strings(void **state)
{
	struct pc_control_req in = sample, r;
	char buf[512];
	ssize_t n;

	in.ssh = NULL;
	in.flags = 0;
	n = pc_control_req_encode(&in, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(pc_control_req_decode(buf, (size_t)n, &r), 0);
	assert_string_equal(r.ssh, "");
	assert_int_equal(r.flags & PC_CONTROL_SSH, 0);
	free(r.argv);
}

static void test_refused(void **state)
{
	struct pc_control_req r;
	char buf[512], big[600];
	ssize_t n = pc_control_req_encode(&sample, buf, sizeof(buf));
	size_t cut;
	uint32_t bad = 0;

	assert_true(n > 0);
	/* every shorter prefix: a header, or strings, cut short */
	for (cut = 0; cut < (size_t)n; cut++)
		assert_int_equal(pc_control_req_decode(buf, cut, &r), -EBADMSG);
	/* one byte too many */
	memcpy(big, buf, (size_t)n);
	big[n] = 'x';
	assert_int_equal(pc_control_req_decode(big, (size_t)n + 1, &r), -EBADMSG);
	/* the last NUL gone: the string runs past the end */
	buf[n - 1] = 'x';
	assert_int_equal(pc_control_req_decode(buf, (size_t)n, &r), -EBADMSG);
	buf[n - 1] = '\0';
	/* another magic: another version of the framing */
	memcpy(big, buf, (size_t)n);
	memcpy(big, &bad, sizeof(bad));
	assert_int_equal(pc_control_req_decode(big, (size_t)n, &r), -EBADMSG);
	/* argc (the header's last word) beyond the strings sent */
	memcpy(big, buf, (size_t)n);
	bad = 5;
	memcpy(big + 6 * sizeof(uint32_t), &bad, sizeof(bad));
	assert_int_equal(pc_control_req_decode(big, (size_t)n, &r), -EBADMSG);
	assert_int_equal(pc_control_req_decode(buf, (size_t)n, &r), 0);
	free(r.argv);
}

static void test_no_command(void **state)
{
	char *none[] = { "", NULL };
	struct pc_control_req in = sample, r;
	char buf[512];
	ssize_t n;

	in.argc = 0;
	assert_int_equal(pc_control_req_encode(&in, buf, sizeof(buf)), -EINVAL);
	in.argc = 1;
	in.argv = none;
	n = pc_control_req_encode(&in, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(pc_control_req_decode(buf, (size_t)n, &r), -EBADMSG);
}

static void test_too_long(void **state)
{
	char buf[64];

	assert_int_equal(pc_control_req_encode(&sample, buf, sizeof(buf)), -ENOSPC);
}

static void test_answer(void **state)
{
	static char buf[64 + PC_CONTROL_CHUNK + 1], chunk[PC_CONTROL_CHUNK + 1];
	enum pc_control_kind kind;
	const char *data;
	size_t len;
	ssize_t n;
	int rc;

	/* the exit code, and no word of the daemon's own */
	n = pc_control_ans_encode(PC_CONTROL_EXIT, 2, "", 0, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(pc_control_ans_decode(buf, (size_t)n, &kind, &rc, &data, &len), 0);
	assert_int_equal(kind, PC_CONTROL_EXIT);
	assert_int_equal(rc, 2);
	assert_int_equal(len, 0);
	/* output is bytes, NULs and all */
	n = pc_control_ans_encode(PC_CONTROL_OUT, 0, "a\0b\n", 4, buf, sizeof(buf));
	assert_int_equal(pc_control_ans_decode(buf, (size_t)n, &kind, &rc, &data, &len), 0);
	assert_int_equal(kind, PC_CONTROL_OUT);
	assert_int_equal(len, 4);
	assert_memory_equal(data, "a\0b\n", 4);
	/* a whole chunk goes; one byte more does not */
	memset(chunk, 'x', sizeof(chunk));
	n = pc_control_ans_encode(PC_CONTROL_ERR, 0, chunk, PC_CONTROL_CHUNK, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(pc_control_ans_decode(buf, (size_t)n, &kind, &rc, &data, &len), 0);
	assert_int_equal(len, PC_CONTROL_CHUNK);
	assert_int_equal(pc_control_ans_encode(PC_CONTROL_ERR, 0, chunk, sizeof(chunk), buf,
					       sizeof(buf)), -EINVAL);
	buf[n] = 'x';
	assert_int_equal(pc_control_ans_decode(buf, (size_t)n + 1, &kind, &rc, &data, &len),
			 -EBADMSG);
	/* short of a header, another kind, another magic */
	assert_int_equal(pc_control_ans_decode(buf, 11, &kind, &rc, &data, &len), -EBADMSG);
	n = pc_control_ans_encode(PC_CONTROL_EXIT, 0, "", 0, buf, sizeof(buf));
	buf[4] = 9;
	assert_int_equal(pc_control_ans_decode(buf, (size_t)n, &kind, &rc, &data, &len), -EBADMSG);
	buf[4] = PC_CONTROL_EXIT;
	buf[0] ^= 1;
	assert_int_equal(pc_control_ans_decode(buf, (size_t)n, &kind, &rc, &data, &len), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_null_strings),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_no_command),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_answer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
