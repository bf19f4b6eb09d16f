// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_lockout.c - the lock-out judgement (policy/lockout.c) over compiled
 * tables, with the host's facts made up: the session, the way in, sshd's
 * cgroup; errors in enforce, warnings in audit or with --force.
 */
#include "compile_helpers.h"
#include "policy/lockout.h"

#define CAT "service ssh tcp 22\nservice rdp tcp 3389\nservice http tcp 80\n" \
	    "service alt-ssh tcp 2222\n"

struct judged {
	unsigned int errors, warnings;
	char *text;
	size_t len;
};

/* Judge C with the facts in LS (one per scope); render what was said. */
static struct judged run(const struct compiled *c, const struct pc_lockout_scope *ls,
			 const char *ssh_connection, bool all_ifaces, bool force)
{
	struct pc_lockout_host h = { .scopes = ls, .all_ifaces_scoped = all_ifaces };
	struct pc_session s;
	struct judged j = { 0 };
	struct pc_diag d;
	FILE *f;

	assert_int_equal(c->err, 0);
	if (ssh_connection) {
		assert_int_equal(pc_session_parse(ssh_connection, &s), 0);
		h.session = &s;
	}
	pc_diag_init(&d);
	j.errors = pc_lockout_judge(&c->tables, &h, force, &d);
	assert_int_equal(j.errors, d.n_errors);
	j.warnings = d.n_warnings;
	f = open_memstream(&j.text, &j.len);
	pc_diag_render_text(&d, f);
	fclose(f);
	pc_diag_free(&d);
	return j;
}

static const struct pc_lockout_scope IFACE_ENFORCE = {
	.mode = PC_MODE_ENFORCE, .changes = true, .sees_session = true, .way_in = true,
};

static void test_session_parse(void **state)
{
	struct pc_session s;

	(void)state;
	assert_int_equal(pc_session_parse("10.0.0.9 50022 10.0.0.2 22", &s), 0);
	assert_string_equal(s.client, "10.0.0.9");
	assert_string_equal(s.server, "10.0.0.2");
	assert_int_equal(s.server_port, 22);
	assert_int_equal(s.client_addr[10], 0xff);	/* IPv4 mapped, as the tables */
	assert_int_equal(s.client_addr[15], 9);
	assert_int_equal(pc_session_parse("fe80::9%eth0 50022 fe80::2%eth0 2222", &s), 0);
	assert_string_equal(s.client, "fe80::9");
	assert_int_equal(s.server_port, 2222);
	assert_int_equal(pc_session_parse("10.0.0.9 50022 10.0.0.2 22\n", &s), 0);
	assert_int_equal(pc_session_parse("", &s), -EINVAL);
	assert_int_equal(pc_session_parse("10.0.0.9 50022 10.0.0.2", &s), -EINVAL);
	assert_int_equal(pc_session_parse("10.0.0.9 50022 10.0.0.2 22 x", &s), -EINVAL);
	assert_int_equal(pc_session_parse("10.0.0.9 50022 10.0.0.2 0", &s), -EINVAL);
	assert_int_equal(pc_session_parse("10.0.0.9 50022 10.0.0.2 65536", &s), -EINVAL);
	assert_int_equal(pc_session_parse("10.0.0.0/24 50022 10.0.0.2 22", &s), -EINVAL);
	assert_int_equal(pc_session_parse("host 50022 10.0.0.2 22", &s), -EINVAL);
}

/* The failsafe lets tcp 22 in from anywhere: a session on 22 is never cut. */
static void test_session_failsafe(void **state)
{
	struct compiled c;
	struct pc_lockout_scope ls[1] = { IFACE_ENFORCE };
	struct judged j;

	(void)state;
	compile_text(&c, "t.conf", CAT "role r { allow in http }\n"
		     "mode enforce\nattach interface eth0 role r\n", NULL);
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 22", true, false);
	assert_int_equal(j.errors + j.warnings, 0);
	free(j.text);
	/* sshd on 2222: nothing lets it in */
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 2222", true, false);
	assert_int_equal(j.errors, 1);
	assert_non_null(strstr(j.text, "error: interface:eth0: enforce would cut this SSH "
				       "session (SSH_CONNECTION): nothing lets 10.0.0.9 in to tcp 2222"));
	assert_non_null(strstr(j.text, "'peer admin 10.0.0.9'"));
	assert_non_null(strstr(j.text, "or pass --force"));
	free(j.text);
	/* --force: said, as a warning */
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 2222", true, true);
	assert_int_equal(j.errors, 0);
	assert_int_equal(j.warnings, 1);
	free(j.text);
	/* a scope that does not see the session, or that the command leaves alone
	 * (the failsafe gives them ssh: no finding about a way in either) */
	ls[0].sees_session = false;
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 2222", true, false);
	assert_int_equal(j.errors + j.warnings, 0);
	free(j.text);
	ls[0] = IFACE_ENFORCE;
	ls[0].changes = false;
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 2222", true, false);
	assert_int_equal(j.errors + j.warnings, 0);
	free(j.text);
	/* audit: what enforce would do, as a warning */
	ls[0] = IFACE_ENFORCE;
	ls[0].mode = PC_MODE_AUDIT;
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 2222", true, false);
	assert_int_equal(j.errors, 0);
	assert_int_equal(j.warnings, 1);
	assert_non_null(strstr(j.text, "warning: interface:eth0: in audit now, but enforce would cut"));
	free(j.text);
	compiled_free(&c);
}

/* A rule that names the client's peer admits the session; another peer does not. */
static void test_session_peer(void **state)
{
	struct compiled c;
	struct pc_lockout_scope ls[2] = { IFACE_ENFORCE, IFACE_ENFORCE };
	struct judged j;

	(void)state;
	compile_text(&c, "t.conf", CAT "peer admin 10.0.0.0/28, 2001:db8::9\n"
		     "role r { allow in alt-ssh from admin }\nrole s { allow in http }\n"
		     "failsafe off\nmode enforce\n"
		     "attach interface eth0 role r\nattach interface eth1 role s\n", NULL);
	ls[1].sees_session = false;
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 2222", true, false);
	assert_int_equal(j.errors + j.warnings, 0);
	free(j.text);
	j = run(&c, ls, "2001:db8::9 50022 2001:db8::2 2222", true, false);
	assert_int_equal(j.errors + j.warnings, 0);
	free(j.text);
	/* the session's port is a way in while it is the session's */
	j = run(&c, ls, NULL, true, false);
	assert_int_equal(j.errors, 1);
	assert_non_null(strstr(j.text, "would leave no SSH"));
	free(j.text);
	j = run(&c, ls, "10.0.0.17 50022 10.0.0.2 2222", true, false);
	assert_int_equal(j.errors, 1);
	assert_non_null(strstr(j.text, "nothing lets 10.0.0.17 in to tcp 2222"));
	free(j.text);
	/* eth1 sees it too (asymmetric addressing): its role forgets it */
	ls[1].sees_session = true;
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 2222", true, false);
	assert_int_equal(j.errors, 1);
	assert_non_null(strstr(j.text, "interface:eth1: enforce would cut"));
	free(j.text);
	compiled_free(&c);
}

/* Failsafe off: some SSH or RDP rule must be left, unless an interface is unjudged. */
static void test_way_in(void **state)
{
	struct compiled c;
	struct pc_lockout_scope ls[2] = { IFACE_ENFORCE, IFACE_ENFORCE };
	struct judged j;

	(void)state;
	compile_text(&c, "t.conf", CAT "role r { allow in http }\n"
		     "failsafe off\nmode enforce\n"
		     "attach interface eth0 role r\nattach interface eth1 role r\n", NULL);
	j = run(&c, ls, NULL, true, false);
	assert_int_equal(j.errors, 1);
	assert_non_null(strstr(j.text, "error: enforce would leave no SSH (tcp 22) or RDP "
				       "(tcp 3389) in from anywhere ('failsafe off'): every interface "
				       "of this host is judged (interface:eth0, interface:eth1)"));
	free(j.text);
	/* an interface no scope judges is a way in */
	j = run(&c, ls, NULL, false, false);
	assert_int_equal(j.errors + j.warnings, 0);
	free(j.text);
	/* one interface in audit still lets the operator in: a warning */
	ls[1].mode = PC_MODE_AUDIT;
	j = run(&c, ls, NULL, true, false);
	assert_int_equal(j.errors, 0);
	assert_int_equal(j.warnings, 1);
	free(j.text);
	/* an interface that is down or absent is no way in: eth0 alone counts */
	ls[1] = IFACE_ENFORCE;
	ls[1].way_in = false;
	j = run(&c, ls, NULL, true, false);
	assert_int_equal(j.errors, 1);
	assert_non_null(strstr(j.text, "judged (interface:eth0) and"));
	free(j.text);
	/* a switch that leaves every scope alone changes nothing */
	ls[0].changes = ls[1].changes = false;
	j = run(&c, ls, NULL, true, false);
	assert_int_equal(j.errors + j.warnings, 0);
	free(j.text);
	compiled_free(&c);

	/* an SSH or RDP rule from any one peer is a way in */
	ls[0] = ls[1] = IFACE_ENFORCE;
	compile_text(&c, "t.conf", CAT "peer admin 10.9.0.0/16\n"
		     "role r { allow in http }\nrole a { allow in rdp from admin }\n"
		     "failsafe off\nmode enforce\n"
		     "attach interface eth0 role r\nattach interface eth1 role a\n", NULL);
	j = run(&c, ls, NULL, true, false);
	assert_int_equal(j.errors + j.warnings, 0);
	free(j.text);
	compiled_free(&c);
}

/* A cgroup scope that holds sshd judges every login. */
static void test_sshd_cgroup(void **state)
{
	struct compiled c;
	struct pc_lockout_scope ls[1] = { {
		.mode = PC_MODE_ENFORCE, .changes = true, .sees_session = true, .holds_sshd = true,
	} };
	struct judged j;

	(void)state;
	compile_text(&c, "t.conf", CAT "role r { allow in http }\n"
		     "failsafe off\nmode enforce\n"
		     "attach cgroup /system.slice/ssh.service role r\n", NULL);
	j = run(&c, ls, NULL, false, false);
	assert_int_equal(j.errors, 1);
	assert_non_null(strstr(j.text, "error: cgroup:/system.slice/ssh.service: enforce would let "
				       "no SSH (tcp 22) in to the sshd in this cgroup"));
	free(j.text);
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 22", false, false);
	assert_int_equal(j.errors, 2);	/* the session and sshd */
	free(j.text);
	ls[0].holds_sshd = ls[0].sees_session = false;
	j = run(&c, ls, "10.0.0.9 50022 10.0.0.2 22", false, false);
	assert_int_equal(j.errors + j.warnings, 0);
	free(j.text);
	compiled_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session_parse),
		cmocka_unit_test(test_session_failsafe),
		cmocka_unit_test(test_session_peer),
		cmocka_unit_test(test_way_in),
		cmocka_unit_test(test_sshd_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
