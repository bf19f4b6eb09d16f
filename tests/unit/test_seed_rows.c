// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * test_seed_rows.c - walk the tables of the documents the catalogue cites
 * (docs/sources.md), as tests/data/seed_rows.tsv lists them: every row's
 * flow is allowed by the role it belongs to, in its direction, from or to
 * its peer, over IPv4 and IPv6; strangers and other ports are denied unless
 * the role's own rules (resolved independently of the compiler) allow them
 * from any address; a row between two shipped roles is listed from both
 * ends; every service and role cites a document.
 */
#include <netinet/in.h>

#include "compile_helpers.h"
#include "events/hint.h"
#include "lib/names.h"

#define ROWS "tests/data/seed_rows.tsv"

/* Peer names the shipped roles use (each role file lists the peers it needs). */
static const char *const peers[] = {
	"crm-frontend", "crm-backend", "crm-deployment", "crm-sandbox", "ssrs", "sql-server",
	"exchange", "domain-controller", "admin", "clients", "adfs", "wap", "entra-connect",
	"mps-client", "mps-engine", "sharepoint", "crm-online", "ssrs-proxy",
};
#define N_PEERS (sizeof(peers) / sizeof(peers[0]))
#define STRANGER4 "198.51.100.77"
#define STRANGER6 "2001:db8:ffff::77"

struct row {
	char doc[128], table[256], desc[256], role[64], dir[8], proto[8], peer[64];
	unsigned int port;
	int line;
};

static struct row *rows;
static size_t n_rows;
static char *roles[64];
static size_t n_roles;
static struct compiled comp;

static int role_scope(const char *role)
{
	for (size_t i = 0; i < n_roles; i++)
		if (!strcmp(roles[i], role))
			return (int)i;
	return -1;
}

static int peer_index(const char *peer)
{
	for (size_t i = 0; i < N_PEERS; i++)
		if (!strcmp(peers[i], peer))
			return (int)i;
	return -1;
}

static void load_rows(void)
{
	FILE *f = fopen(ROWS, "r");
	char line[2048];
	int lineno = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		struct row r = { .line = ++lineno };
		char *fields[8], *save = NULL, *tok;
		int n = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		for (tok = strtok_r(line, "\t", &save); tok && n < 8; tok = strtok_r(NULL, "\t", &save))
			fields[n++] = tok;
		if (n != 8)
			fail_msg("%s:%d: expected 8 tab-separated fields, got %d", ROWS, lineno, n);
		snprintf(r.doc, sizeof(r.doc), "%s", fields[0]);
		snprintf(r.table, sizeof(r.table), "%s", fields[1]);
		snprintf(r.desc, sizeof(r.desc), "%s", fields[2]);
		snprintf(r.role, sizeof(r.role), "%s", fields[3]);
		snprintf(r.dir, sizeof(r.dir), "%s", fields[4]);
		snprintf(r.proto, sizeof(r.proto), "%s", fields[5]);
		r.port = (unsigned int)atoi(fields[6]);
		snprintf(r.peer, sizeof(r.peer), "%s", fields[7]);
		rows = realloc(rows, (n_rows + 1) * sizeof(*rows));
		assert_non_null(rows);
		rows[n_rows++] = r;
		if (role_scope(r.role) < 0) {
			assert_true(n_roles < 64);
			roles[n_roles++] = strdup(r.role);
		}
	}
	fclose(f);
}

/* Every peer gets its own /24 and /64; every seed role its own scope. */
static int setup(void **state)
{
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	load_rows();
	f = open_memstream(&text, &len);
	fprintf(f, "include \"catalogue.conf\"\ninclude \"roles/*.conf\"\nfailsafe off\n");
	for (i = 0; i < N_PEERS; i++)
		fprintf(f, "peer %s 10.200.%zu.0/24, fd00:200:%zx::/64\n", peers[i], i, i);
	for (i = 0; i < n_roles; i++)
		fprintf(f, "attach cgroup /seed/%s role %s\n", roles[i], roles[i]);
	fclose(f);
	/* Named inside policies/ so the includes resolve beside it. */
	compile_text(&comp, "policies/seed-test.conf", text, NULL);
	free(text);
	if (comp.err)
		fprintf(stderr, "%s", comp.diag_text);
	assert_int_equal(comp.err, 0);
	return 0;
}

static int teardown(void **state)
{
	compiled_free(&comp);
	for (size_t i = 0; i < n_roles; i++)
		free(roles[i]);
	free(rows);
	return 0;
}

static void peer_addr(const char *peer, int v6, char *buf, size_t len)
{
	int i = peer_index(peer);

	if (!strcmp(peer, "any") || i < 0)
		snprintf(buf, len, "%s", v6 ? STRANGER6 : STRANGER4);
	else if (v6)
		snprintf(buf, len, "fd00:200:%x::5", i);
	else
		snprintf(buf, len, "10.200.%d.5", i);
}

/*
 * The oracle: does ROLE, resolved on its own (not compiled), allow this
 * from PEER (a peer name; NULL: a stranger)? Test peers are disjoint
 * prefixes, so an address is in a peer exactly when the names match.
 */
static bool role_allows(const char *role, int dir, uint8_t proto, unsigned int port,
			const char *peer)
{
	const struct pc_role *r = pc_policy_role(&comp.policy, role);
	struct pc_flat_rule *fr = NULL;
	struct pc_diag d;
	size_t n = 0, i, k;
	bool hit = false;
	int rc;

	pc_diag_init(&d);
	assert_non_null(r);
	rc = pc_resolve_role(&comp.policy, r, &d, &fr, &n);
	pc_diag_render_text(&d, stderr);
	pc_diag_free(&d);
	assert_int_equal(rc, 0);
	for (i = 0; i < n && !hit; i++) {
		if (fr[i].rule->dir != dir)
			continue;
		if (fr[i].peer && (!peer || strcmp(fr[i].peer->name, peer)))
			continue;
		for (k = 0; k < fr[i].service->n_ports; k++) {
			const struct pc_portspec *ps = &fr[i].service->ports[k];

			hit |= ps->proto == proto && port >= ps->lo && port <= ps->hi;
		}
	}
	free(fr);
	return hit;
}

static void test_every_row_is_allowed(void **state)
{
	char pp[32], addr[64];
	size_t i;
	int v6, bad = 0;

	assert_true(n_rows >= 50);
	for (i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];
		int scope = role_scope(r->role);

		if (peer_index(r->peer) < 0 && strcmp(r->peer, "any"))
			fail_msg("%s:%d: peer '%s' is not a spec peer name", ROWS, r->line, r->peer);
		snprintf(pp, sizeof(pp), "%s/%u", r->proto, r->port);
		for (v6 = 0; v6 <= 1; v6++) {
			struct pc_verdict v;

			peer_addr(r->peer, v6, addr, sizeof(addr));
			v = judge(&comp, (uint32_t)scope, r->dir, pp, addr);
			if (!v.allowed) {
				fprintf(stderr, "%s:%d: role %s denies %s %s %s %s (%s, %s: %s)\n", ROWS,
					r->line, r->role, r->dir, pp, strcmp(r->dir, "in") ? "to" : "from",
					addr, r->doc, r->table, r->desc);
				bad++;
			}
		}
	}
	assert_int_equal(bad, 0);
}

static void test_strangers_are_denied(void **state)
{
	char pp[32];
	size_t i;
	int v6, checked = 0;

	for (i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];
		int dir = strcmp(r->dir, "in") ? PC_DIR_OUT : PC_DIR_IN;
		unsigned int proto = 0;
		bool expect;

		if (!strcmp(r->peer, "any"))
			continue;
		assert_int_equal(pc_name_parse(&pc_names_proto, r->proto, &proto), 0);
		expect = role_allows(r->role, dir, (uint8_t)proto, r->port, NULL);
		snprintf(pp, sizeof(pp), "%s/%u", r->proto, r->port);
		for (v6 = 0; v6 <= 1; v6++) {
			struct pc_verdict v = judge(&comp, (uint32_t)role_scope(r->role), r->dir, pp,
						    v6 ? STRANGER6 : STRANGER4);

			if (v.allowed != expect)
				fail_msg("%s:%d: role %s: stranger %s %s: got %s, the role's rules say %s",
					 ROWS, r->line, r->role, r->dir, pp, v.allowed ? "allow" : "deny",
					 expect ? "allow" : "deny");
			checked++;
		}
	}
	assert_true(checked > 0);
}

static void test_other_ports_are_denied(void **state)
{
	static const unsigned int sample[] = { 7, 9, 19, 1434, 2049, 6000, 8081, 31337 };
	static const char *const protos[] = { "tcp", "udp" };
	static const char *const dirs[] = { "in", "out" };
	char pp[32], addr[64];
	size_t r, p, k, d, i;

	for (r = 0; r < n_roles; r++)
		for (p = 0; p < 2; p++)
			for (k = 0; k < sizeof(sample) / sizeof(sample[0]); k++)
				for (d = 0; d < 2; d++) {
					int dir = d ? PC_DIR_OUT : PC_DIR_IN;
					uint8_t proto = p ? IPPROTO_UDP : IPPROTO_TCP;
					bool expect = role_allows(roles[r], dir, proto, sample[k], NULL);

					snprintf(pp, sizeof(pp), "%s/%u", protos[p], sample[k]);
					for (i = 0; i < N_PEERS; i++) {
						struct pc_verdict v;

						peer_addr(peers[i], (int)(i & 1), addr, sizeof(addr));
						v = judge(&comp, (uint32_t)r, dirs[d], pp, addr);
						assert_int_equal(v.allowed,
							role_allows(roles[r], dir, proto, sample[k], peers[i]));
					}
					assert_int_equal(judge(&comp, (uint32_t)r, dirs[d], pp,
							       STRANGER4).allowed, expect);
				}
}

/* Does a host of ROLE play AS: is it AS, or does it use AS (at any depth)? */
static bool role_plays(const char *role, const char *as, int depth)
{
	const struct pc_role *r = pc_policy_role(&comp.policy, role);
	size_t i;

	if (!strcmp(role, as))
		return true;
	if (!r || depth > 16)
		return false;
	for (i = 0; i < r->n_rules; i++)
		if (r->rules[i].kind == PC_RULE_USE &&
		    role_plays(r->rules[i].role.name, as, depth + 1))
			return true;
	return false;
}

/*
 * A row whose peer is itself a shipped role is a flow between two roles: it
 * must be listed from both ends, from the same document, table, protocol
 * and port, in the opposite direction, on the peer's role (or a role that
 * uses it), so that each end's rule is checked above. The other end names
 * the sender by its own peer name, a role it uses, or 'any'; a sender with
 * no peer name of its own (ad-member, crm-full, crm-proxy, ...) may be
 * named by the peer its hosts go in. Only rows whose other end no shipped
 * role plays (clients, admin, exchange, ...) are one-sided.
 */
static void test_two_sided_rows_have_both_ends(void **state)
{
	size_t i, j;
	int missing = 0;

	for (i = 0; i < n_rows; i++) {
		const struct row *r = &rows[i];
		bool found = false;

		if (!pc_policy_role(&comp.policy, r->peer))
			continue;
		for (j = 0; j < n_rows && !found; j++) {
			const struct row *m = &rows[j];

			found = !strcmp(m->doc, r->doc) && !strcmp(m->table, r->table) &&
				strcmp(m->dir, r->dir) && !strcmp(m->proto, r->proto) &&
				m->port == r->port && role_plays(m->role, r->peer, 0) &&
				(!strcmp(m->peer, "any") || role_plays(r->role, m->peer, 0) ||
				 peer_index(r->role) < 0);
		}
		if (!found) {
			fprintf(stderr, "%s:%d: %s %s %s/%u %s %s has no row for the other end "
				"(%s, %s: %s)\n", ROWS, r->line, r->role, r->dir, r->proto, r->port,
				strcmp(r->dir, "in") ? "to" : "from", r->peer, r->doc, r->table,
				r->desc);
			missing++;
		}
	}
	assert_int_equal(missing, 0);
}

/*
 * Every shipped service and role cites a document of docs/sources.md by its
 * title (which is also how an event's hint names it), or says that it comes
 * from none of them.
 */
static void test_everything_cites_a_document(void **state)
{
	size_t i;

	assert_true(comp.policy.n_services > 0);
	for (i = 0; i < comp.policy.n_services; i++) {
		const struct pc_service *s = &comp.policy.services[i];

		if (!s->source || (!pc_hint_source_title(s->source) &&
				   !strstr(s->source, "not from the cited documents")))
			fail_msg("%s:%d: service %s cites no document by title", s->loc.file->path,
				 s->loc.line, s->name);
	}
	for (i = 0; i < comp.policy.n_roles; i++) {
		const struct pc_role *r = &comp.policy.roles[i];

		if (!r->source || !pc_hint_source_title(r->source))
			fail_msg("%s:%d: role %s cites no document by title", r->loc.file->path,
				 r->loc.line, r->name);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_row_is_allowed),
		cmocka_unit_test(test_strangers_are_denied),
		cmocka_unit_test(test_other_ports_are_denied),
		cmocka_unit_test(test_two_sided_rows_have_both_ends),
		cmocka_unit_test(test_everything_cites_a_document),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
