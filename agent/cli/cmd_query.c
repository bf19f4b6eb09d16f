// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cmd_query.c - 'portcullis query [--scope S] in|out PROTO/PORT
 *                [from|to ADDR[/LEN]|PEER]'
 *
 * Judges with the compiled tables (query.c), so the answer is the one the
 * kernel would give to the first packet of the flow. A prefix is judged
 * for all its addresses at once (allow: every one, partial: some, deny:
 * none); a peer name is each of its prefixes, one line each. Exit 0 when
 * every judged scope allows every address, 1 when not or the config is
 * bad.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/config.h"
#include "lib/addr.h"
#include "lib/json.h"
#include "lib/names.h"
#include "policy/print.h"
#include "policy/query.h"
#include "policy/resolve.h"

#define UNJUDGED "never judged (IPv6 neighbour discovery and MLD always pass)"

static const char *reason_text(uint8_t reason)
{
	switch (reason) {
	case PC_REASON_NO_RULE: return "no rule for this direction, protocol and port";
	case PC_REASON_PEER: return "a rule has this port, but not for this peer";
	}
	return "denied";
}

static const char *const cover_words[] = {
	[PC_COVER_NONE] = "deny", [PC_COVER_SOME] = "partial", [PC_COVER_ALL] = "allow",
};

/* One verdict: the flow FLOW in scope S, COVER of its peers allowed. */
static void print_verdict(struct pc_ctx *ctx, struct pc_json *j, const struct pc_tables *t,
			  const struct pc_scope_info *s, const char *flow, const char *peer,
			  const struct pc_verdict *v, enum pc_cover cover)
{
	const struct pc_rule_origin *o = cover != PC_COVER_NONE && !v->unjudged ?
					 &t->origins[v->rule_id] : NULL;
	const char *word = cover_words[cover];
	char where[512];

	if (o)
		pc_origin_format(o, where, sizeof(where));
	if (ctx->json) {
		pc_json_begin_object(j);
		pc_json_key(j, "scope"); pc_json_string(j, s->name);
		if (peer) {
			pc_json_key(j, "addresses"); pc_json_string(j, peer);
		}
		pc_json_key(j, "verdict"); pc_json_string(j, word);
		if (v->unjudged) {
			pc_json_key(j, "reason"); pc_json_string(j, UNJUDGED);
		} else if (o) {
			pc_json_key(j, "rule"); pc_json_string(j, where);
			pc_json_key(j, "role"); pc_json_string(j, o->role);
			pc_json_key(j, "service"); pc_json_string(j, o->service);
			pc_json_key(j, "peer"); pc_json_string(j, o->peer);
		}
		if (cover == PC_COVER_SOME) {
			pc_json_key(j, "reason");
			pc_json_string(j, "some addresses of the prefix are allowed, not all");
		} else if (!o && !v->unjudged) {
			pc_json_key(j, "reason"); pc_json_string(j, reason_text(v->reason));
		}
		pc_json_end_object(j);
		return;
	}
	if (v->unjudged)
		fprintf(ctx->out, "allow %s %s: %s\n", s->name, flow, UNJUDGED);
	else if (o)
		fprintf(ctx->out, "%-5s %s %s: %s%s (role %s, service %s, %s %s)\n", word, s->name,
			flow, cover == PC_COVER_SOME ? "only some addresses: " : "", where, o->role,
			o->service, o->dir == PC_DIR_IN ? "from" : "to", o->peer);
	else
		fprintf(ctx->out, "deny  %s %s: %s\n", s->name, flow, reason_text(v->reason));
}

/*
 * Each malformed PROTO/PORT its own message: what is wrong with it, and
 * the nearest right one where there is one. Returns PC_EXIT_USAGE.
 */
static int bad_flow(struct pc_ctx *ctx, const char *arg, int err)
{
	const char *slash = strchr(arg, '/'), *near;
	const struct pc_names *icmp;
	struct pc_flow f = { 0 };
	char proto[32], lower[32];
	unsigned int p;
	size_t i, n;

	if (!slash || !slash[1] || slash == arg)
		return pc_usage(ctx, "'%s': give PROTO/PORT, e.g. tcp/443, udp/53, icmp/echo-request",
				arg);
	n = (size_t)(slash - arg);
	snprintf(proto, sizeof(proto), "%.*s", (int)n, arg);
	if (err == -EPROTONOSUPPORT) {
		for (i = 0; proto[i]; i++)
			lower[i] = (char)tolower((unsigned char)proto[i]);
		lower[i] = '\0';
		near = !pc_name_parse(&pc_names_proto, lower, &p) ? pc_name_of(&pc_names_proto, p) :
		       pc_name_suggest(&pc_names_proto, proto);
		if (near)
			return pc_usage(ctx, "unknown protocol '%s' in '%s'; did you mean '%s'?",
					proto, arg, near);
		return pc_usage(ctx, "unknown protocol '%s' in '%s': query judges tcp, udp, icmp "
				"and icmpv6", proto, arg);
	}
	pc_name_parse(&pc_names_proto, proto, &p);
	f.proto = (uint8_t)p;
	icmp = pc_names_icmp_of(f.proto);
	if (err == -ERANGE)
		return icmp ? pc_usage(ctx, "%s type %s is out of range (0-255)", proto, slash + 1)
			    : pc_usage(ctx, "port %s is out of range (1-65535)", slash + 1);
	if (icmp) {
		near = pc_name_suggest(icmp, slash + 1);
		if (near)
			return pc_usage(ctx, "unknown %s type '%s'; did you mean '%s'?", proto,
					slash + 1, near);
		return pc_usage(ctx, "unknown %s type '%s': give a name, e.g. echo-request, or "
				"0-255", proto, slash + 1);
	}
	return pc_usage(ctx, "'%s' is not a port number: give 1-65535 ('portcullis catalogue' "
			"lists the ports of each service)", slash + 1);
}

/* The peers a query is about: one address, one prefix, or a peer's
 * prefixes. */
struct peers {
	const char *name;		/* a peer name, else NULL */
	struct pc_prefix *prefixes;
	size_t n;
};

/* ARG after from/to, before the config is read: an address or a prefix
 * here, a name later (needs the config). Returns 0 or PC_EXIT_USAGE. */
static int parse_peer_arg(struct pc_ctx *ctx, const char *arg, struct peers *out)
{
	char mean[64];
	struct pc_addr a;
	int err;

	memset(out, 0, sizeof(*out));
	if (!(arg[0] >= '0' && arg[0] <= '9') && !strchr(arg, ':')) {
		out->name = arg;
		return 0;
	}
	err = pc_addr_parse(arg, strlen(arg), &a);
	if (err == -EADDRNOTAVAIL) {
		struct pc_prefix net = { .plen = a.plen };

		memcpy(net.addr, a.addr, 16);
		pc_addr_mask(net.addr, net.plen);
		pc_prefix_format(&net, mean, sizeof(mean));
		return pc_usage(ctx, "%s has host bits set; did you mean %s?", arg, mean);
	}
	if (err)
		return pc_usage(ctx, "'%s' is not an address, a prefix or a peer name", arg);
	out->prefixes = calloc(1, sizeof(*out->prefixes));
	if (!out->prefixes)
		return pc_fail(ctx, "out of memory");
	memcpy(out->prefixes[0].addr, a.addr, 16);
	out->prefixes[0].plen = a.plen;
	out->n = 1;
	return 0;
}

/* A peer name's prefixes from the config: 'any' is every address. */
static int resolve_peer_name(struct pc_ctx *ctx, const struct pc_policy *pol, struct peers *out)
{
	const struct pc_peer *peer;
	const char **names, *near;
	size_t i;

	if (!strcmp(out->name, "any")) {
		out->prefixes = calloc(1, sizeof(*out->prefixes));
		out->n = 1;
		return out->prefixes ? 0 : pc_fail(ctx, "out of memory");
	}
	peer = pc_policy_peer(pol, out->name);
	if (peer)
		return pc_resolve_peer(pol, peer, &ctx->lib.diag, &out->prefixes, &out->n) ?
		       pc_fail(ctx, "peer '%s' does not resolve; run 'portcullis check'",
			       out->name) : 0;
	names = calloc(pol->n_peers + 1, sizeof(*names));
	if (!names)
		return pc_fail(ctx, "out of memory");
	for (i = 0; i < pol->n_peers; i++)
		names[i] = pol->peers[i].name;
	names[i++] = "any";
	near = pc_suggest(out->name, names, i);
	if (near)
		pc_fail(ctx, "no peer '%s' in %s; did you mean '%s'?", out->name, ctx->config, near);
	else
		pc_fail(ctx, "no peer '%s' in %s: give an address, a prefix or a peer it defines",
			out->name, ctx->config);
	free(names);
	return PC_EXIT_FAIL;
}

enum { OPT_SCOPE = 1 };

const struct pc_opt pc_opts_query[] = {
	{ OPT_SCOPE, 0, "scope", "SCOPE", "judge in this scope only (as mode --scope)", NULL },
	{ 0 },
};

/* The words of 'query': *SCOPE, and the flow's 2 or 4 words in W. */
static int parse_args(struct pc_ctx *ctx, int argc, char **argv, const char **scope,
		      const char *w[4], int *n)
{
	struct pc_opt_parser args;
	int opt;

	*n = 0;
	pc_opt_begin(&args, ctx, "query", argc, argv);
	while ((opt = pc_opt_next(&args)) != PC_OPT_END) {
		if (opt == OPT_SCOPE)
			*scope = args.arg;
		else if (opt != PC_OPT_WORD)
			return PC_EXIT_USAGE;
		else if (*n == 4)
			return pc_opt_usage(&args, "'%s': a flow is at most 4 words", args.arg);
		else
			w[(*n)++] = args.arg;
	}
	if (*n != 2 && *n != 4)
		return pc_opt_usage(&args, "give the flow: in|out PROTO/PORT, and from|to ADDR");
	return 0;
}

int cmd_query(struct pc_ctx *ctx, int argc, char **argv)
{
	const char *w[4];
	const char *scope = NULL;
	struct peers peers = { 0 };
	struct pc_flow f = { 0 };
	struct pc_config cfg;
	struct pc_json j;
	char flow[256], pfx[64], peer_text[128];
	unsigned int dir;
	int n, judged = 0, denied = 0, err, ret;
	size_t s, k;

	ret = parse_args(ctx, argc, argv, &scope, w, &n);
	if (ret)
		return ret;
	if (pc_name_parse(&pc_names_dir, w[0], &dir))
		return pc_usage(ctx, "direction '%s': give 'in' or 'out'", w[0]);
	f.dir = (int)dir;
	err = pc_flow_parse_proto_port(w[1], &f);
	if (err)
		return bad_flow(ctx, w[1], err);
	if (n == 4) {
		const char *word = f.dir == PC_DIR_IN ? "from" : "to";

		if (strcmp(w[2], word))
			return pc_usage(ctx, "'%s': a flow %s is judged '%s ADDR'", w[2],
					w[0], word);
		ret = parse_peer_arg(ctx, w[3], &peers);
		if (ret)
			return ret;
		f.has_addr = true;
	}

	err = pc_config_load(ctx, ctx->config, true, &cfg);
	if (err) {
		ret = PC_EXIT_FAIL;
		goto out;
	}
	if (peers.name) {
		ret = resolve_peer_name(ctx, &cfg.policy, &peers);
		if (ret)
			goto out;
	}
	pc_json_init(&j, ctx->out);
	if (ctx->json)
		pc_json_begin_array(&j);
	for (s = 0; s < cfg.tables.n_scopes; s++) {
		if (!pc_scope_matches(cfg.tables.scopes[s].name, scope))
			continue;
		/* Without a peer, one verdict for "from any address". */
		for (k = 0; k < (f.has_addr ? peers.n : 1); k++) {
			enum pc_cover cover;
			struct pc_verdict v;

			snprintf(flow, sizeof(flow), "%s %s", w[0], w[1]);
			peer_text[0] = '\0';
			if (f.has_addr) {
				memcpy(f.addr, peers.prefixes[k].addr, 16);
				pc_prefix_format(&peers.prefixes[k], pfx, sizeof(pfx));
				snprintf(peer_text, sizeof(peer_text), "%s%s%s",
					 peers.name ? peers.name : "", peers.name ? " " : "", pfx);
				snprintf(flow, sizeof(flow), "%s %s %s %s", w[0], w[1],
					 w[2], peer_text);
			}
			pc_query_prefix(&cfg.tables, (uint32_t)s, &f,
					f.has_addr ? peers.prefixes[k].plen : 128, &v, &cover);
			print_verdict(ctx, &j, &cfg.tables, &cfg.tables.scopes[s], flow,
				      f.has_addr ? peer_text : NULL, &v, cover);
			judged++;
			denied += cover != PC_COVER_ALL;
		}
	}
	if (ctx->json)
		pc_json_end_array(&j);
	if (peers.name && !peers.n)
		ret = pc_fail(ctx, "peer '%s' has no addresses: nothing to judge", peers.name);
	else if (!judged)
		ret = scope ? pc_fail(ctx, "no attached scope '%s' in %s", scope, ctx->config)
			    : pc_fail(ctx, "%s attaches nothing; query judges attached scopes",
				      ctx->config);
	else
		ret = denied ? PC_EXIT_FAIL : PC_EXIT_OK;
	if (judged && !f.has_addr && denied)
		fprintf(ctx->err, "portcullis: rules for some peers may exist: give '%s ADDR' to judge one\n",
			f.dir == PC_DIR_IN ? "from" : "to");
out:
	free(peers.prefixes);
	pc_config_free(&cfg);
	return ret;
}
