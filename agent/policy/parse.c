// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * parse.c - the grammar of the policy language, into struct pc_policy.
 *
 * Statements are lines; a role body spans lines between '{' and '}'. After
 * an error the parser skips to the end of the line (or through the body of
 * a braced block) and goes on, so one run reports every error of every
 * file. Name resolution is not done here: resolve.c does it over the whole
 * policy once every file is read; source.c reads the files and includes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/addr.h"
#include "lib/names.h"
#include "policy/parser.h"
#include "portcullis.h"

enum statement {
	ST_INCLUDE, ST_SERVICE, ST_PEER, ST_ROLE, ST_OVERRIDE, ST_MODE, ST_ATTACH, ST_FAILSAFE,
	N_STATEMENTS
};

_Static_assert(N_STATEMENTS == PC_N_STATEMENT_WORDS, "policy.h counts the statements");

const char *const pc_statement_words[PC_N_STATEMENT_WORDS] = {
	[ST_INCLUDE] = "include",
	[ST_SERVICE] = "service",
	[ST_PEER] = "peer",
	[ST_ROLE] = "role",
	[ST_OVERRIDE] = "override",
	[ST_MODE] = "mode",
	[ST_ATTACH] = "attach",
	[ST_FAILSAFE] = "failsafe",
};
/* Keywords of the grammar alone. Protocols, ICMP types, directions, modes
 * and attachment kinds are read from lib/names.h, the tables 'query',
 * 'catalogue' and the event log print with. */
static const char *const rule_words[] = { "allow", "use" };
static const char *const override_words[] = { "service", "peer" };
static const char *const failsafe_words[] = { "off", "on" };
static const char *const attach_role_words[] = { "role" };

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* --- memory ---------------------------------------------------------------- */

static char *tok_dup(struct parser *ps, const struct pc_token *t)
{
	char *s = pc_tok_strdup(t);

	if (!s)
		nomem(ps->cx);
	return s;
}

static char *dup_or_nomem(struct ctx *cx, const char *s)
{
	char *d = strdup(s);

	if (!d)
		nomem(cx);
	return d;
}

static char *take(char **p)
{
	char *s = *p;

	*p = NULL;
	return s;
}

/* --- tokens and comments --------------------------------------------------- */

/* Comment text as cited: leading '#'s and blanks stripped, trailing blanks
 * too. */
static void comment_span(const struct pc_token *t, const char **s, size_t *n)
{
	const char *p = t->text, *e = t->text + t->len;

	while (p < e && (*p == '#' || *p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*s = p;
	*n = (size_t)(e - p);
}

/* Append a comment line to *DST, joined by one space. */
static void append_comment(struct parser *ps, char **dst, const struct pc_token *t)
{
	size_t old = *dst ? strlen(*dst) : 0, n;
	const char *s;
	char *d;

	comment_span(t, &s, &n);
	if (!n)
		return;
	d = realloc(*dst, old + (old ? 1 : 0) + n + 1);
	if (!d) {
		nomem(ps->cx);
		return;
	}
	if (old)
		d[old++] = ' ';
	memcpy(d + old, s, n);
	d[old + n] = '\0';
	*dst = d;
}

/* Next non-comment token into ps->cur, keeping the comment state. */
static void advance(struct parser *ps)
{
	struct pc_token t;

	for (;;) {
		pc_lex_next(&ps->lx, &t);
		if (ps->new_line) {
			ps->new_line = false;
			ps->line_has_tokens = false;
			ps->line_has_comment = false;
			free(take(&ps->trailing));
		}
		if (t.kind == PC_TOK_COMMENT) {
			if (!ps->line_has_tokens) {
				append_comment(ps, &ps->pending, &t);
				ps->line_has_comment = true;
			} else {
				free(take(&ps->trailing));
				append_comment(ps, &ps->trailing, &t);
			}
			continue;
		}
		if (t.kind == PC_TOK_NEWLINE) {
			/* A blank line ends a comment block: it then
			 * describes no statement in particular. */
			if (!ps->line_has_tokens && !ps->line_has_comment)
				free(take(&ps->pending));
			ps->new_line = true;
		} else if (t.kind != PC_TOK_EOF && !ps->line_has_tokens) {
			ps->line_has_tokens = true;
			free(ps->lead);
			ps->lead = take(&ps->pending);
		}
		ps->cur = t;
		return;
	}
}

static bool at_eol(const struct parser *ps)
{
	return ps->cur.kind == PC_TOK_NEWLINE || ps->cur.kind == PC_TOK_EOF;
}

static bool is_word(const struct parser *ps, const char *w)
{
	return pc_tok_is(&ps->cur, w);
}

/* Index of the current word in WORDS, or -1. */
static int word_index(const struct parser *ps, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pc_tok_is(&ps->cur, words[i]))
			return (int)i;
	return -1;
}

/* The value the current word names in T: 0, or -ENOENT (and for any
 * token that is not a word). */
static int table_word(const struct parser *ps, const struct pc_names *t, unsigned int *value)
{
	if (ps->cur.kind != PC_TOK_WORD)
		return -ENOENT;
	return pc_name_parse_n(t, ps->cur.text, ps->cur.len, value);
}

/* "tcp, udp, icmp or icmpv6", or with QUOTE "'audit' or 'enforce'": the
 * names of T for "expected ..." messages, so a new row shows up in them. */
static const char *name_choice(const struct pc_names *t, bool quote, char *buf, size_t size)
{
	const char *q = quote ? "'" : "";
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < t->n && off < size; i++) {
		const char *sep = !i ? "" : i + 1 == t->n ? " or " : ", ";
		int n = snprintf(buf + off, size - off, "%s%s%s%s", sep, q, t->v[i].name, q);

		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* How an error names the token it got. */
static const char *describe(const struct pc_token *t, char *buf, size_t size)
{
	int n = t->len > 64 ? 64 : (int)t->len;
	const char *more = t->len > 64 ? "..." : "";

	if (t->kind == PC_TOK_WORD)
		snprintf(buf, size, "'%.*s%s'", n, t->text, more);
	else if (t->kind == PC_TOK_STRING)
		snprintf(buf, size, "\"%.*s%s\"", n, t->text, more);
	else
		return pc_tok_kind_name(t->kind);
	return buf;
}

/* "expected WHAT, got X" at the current token. */
static int expected(struct parser *ps, const char *what)
{
	char buf[80];

	pc_diag_error(ps->cx->diag, &ps->cur.loc, "expected %s, got %s", what,
		      describe(&ps->cur, buf, sizeof(buf)));
	return -EINVAL;
}

/* "unknown WHAT 'x'; did you mean 'y'?" for the word at cur, Y from WORDS
 * or else (WORDS NULL) from table T. */
static int unknown_in(struct parser *ps, const char *what, const char *const *words, size_t n,
		      const struct pc_names *t)
{
	char mean[PC_DIAG_HINT_MAX];
	const char *s;
	char *w;

	if (ps->cur.kind != PC_TOK_WORD)
		return expected(ps, what);
	w = tok_dup(ps, &ps->cur);
	if (!w)
		return -ENOMEM;
	s = words ? pc_suggest(w, words, n) : pc_name_suggest(t, w);
	if (s)
		snprintf(mean, sizeof(mean), "did you mean '%s'?", s);
	pc_diag_error_hint(ps->cx->diag, &ps->cur.loc, s ? mean : NULL, "unknown %s '%s'", what, w);
	free(w);
	return -EINVAL;
}

/* "expected 'a' or 'b' AFTER, got X", the choices the names of T. */
static int expected_choice(struct parser *ps, const struct pc_names *t, const char *after)
{
	char names[128], what[160];

	snprintf(what, sizeof(what), "%s%s", name_choice(t, true, names, sizeof(names)), after);
	return expected(ps, what);
}

/* For a word that is not one of WORDS. */
static int unknown_word(struct parser *ps, const char *what, const char *const *words, size_t n)
{
	return unknown_in(ps, what, words, n, NULL);
}

/* For a word that is not a name of T. */
static int unknown_name(struct parser *ps, const char *what, const struct pc_names *t)
{
	return unknown_in(ps, what, NULL, 0, t);
}

/* --- names ----------------------------------------------------------------- */

/* Names start with a letter or '_' and hold letters, digits, '_', '-', '.':
 * no ':' or '/', so they never read as an address or a path. */
static bool valid_name(const struct pc_token *t)
{
	size_t i;

	if (t->kind != PC_TOK_WORD || !t->len)
		return false;
	for (i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->text[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
		bool other = (c >= '0' && c <= '9') || c == '-' || c == '.';

		if (!alpha && (!i || !other))
			return false;
	}
	return true;
}

static bool looks_like_address(const struct pc_token *t)
{
	return t->kind == PC_TOK_WORD && t->len &&
	       ((t->text[0] >= '0' && t->text[0] <= '9') ||
		memchr(t->text, ':', t->len));
}

/* The name of a definition at cur (not consumed); NULL after an error. */
static char *definition_name(struct parser *ps, const char *kind)
{
	char buf[80];

	if (ps->cur.kind != PC_TOK_WORD) {
		snprintf(buf, sizeof(buf), "a %s name after '%s'", kind, kind);
		expected(ps, buf);
		return NULL;
	}
	if (!valid_name(&ps->cur)) {
		pc_diag_error(ps->cx->diag, &ps->cur.loc,
			      "invalid %s name '%.*s': a name starts with a letter and holds letters, digits, '-', '_' and '.'",
			      kind, (int)ps->cur.len, ps->cur.text);
		return NULL;
	}
	return tok_dup(ps, &ps->cur);
}

/* A list of names: NAME {, NAME}; at least one. */
static int name_list(struct parser *ps, const char *what, struct pc_name **out, size_t *n,
		     size_t *cap)
{
	char buf[80];

	for (;;) {
		struct pc_name *v;

		if (!valid_name(&ps->cur)) {
			snprintf(buf, sizeof(buf), "%s name", what);
			if (ps->cur.kind == PC_TOK_WORD) {
				pc_diag_error(ps->cx->diag, &ps->cur.loc,
					      "invalid %s '%.*s'", buf,
					      (int)ps->cur.len, ps->cur.text);
				return -EINVAL;
			}
			snprintf(buf, sizeof(buf), "a %s name", what);
			return expected(ps, buf);
		}
		if (room_for_one(ps->cx, (void **)out, *n, cap, sizeof(**out)))
			return -ENOMEM;
		v = *out;
		v[*n].loc = ps->cur.loc;
		v[*n].name = tok_dup(ps, &ps->cur);
		if (!v[*n].name)
			return -ENOMEM;
		(*n)++;
		advance(ps);
		if (ps->cur.kind != PC_TOK_COMMA)
			return 0;
		advance(ps);
	}
}

/* --- definitions: duplicates and overrides --------------------------------- */

enum def_kind { DEF_SERVICE, DEF_PEER, DEF_ROLE };

static const char *const def_kind_names[] = { "service", "peer", "role" };

/* The names defined so far of KIND, for suggestions. */
static const char **defined_names(const struct pc_policy *p, enum def_kind kind, size_t *n)
{
	const char **v;
	size_t i;

	*n = kind == DEF_SERVICE ? p->n_services : kind == DEF_PEER ? p->n_peers : p->n_roles;
	v = calloc(*n ? *n : 1, sizeof(*v));
	if (!v)
		return NULL;
	for (i = 0; i < *n; i++)
		v[i] = kind == DEF_SERVICE ? p->services[i].name :
		       kind == DEF_PEER ? p->peers[i].name : p->roles[i].name;
	return v;
}

/* Where NAME of KIND was first defined, or NULL. The index answers the
 * common case (not defined yet); only redefinitions and overrides scan. */
static const struct pc_loc *first_definition(const struct pc_policy *p, enum def_kind kind,
					     const char *name)
{
	const struct pc_name_index *ix = kind == DEF_SERVICE ? &p->service_index
				       : kind == DEF_PEER ? &p->peer_index : &p->role_index;
	size_t i;

	if (pc_name_index_get(ix, name) < 0)
		return NULL;
	switch (kind) {
	case DEF_SERVICE:
		for (i = 0; i < p->n_services; i++)
			if (!strcmp(p->services[i].name, name))
				return &p->services[i].loc;
		break;
	case DEF_PEER:
		for (i = 0; i < p->n_peers; i++)
			if (!strcmp(p->peers[i].name, name))
				return &p->peers[i].loc;
		break;
	case DEF_ROLE:
		for (i = 0; i < p->n_roles; i++)
			if (!strcmp(p->roles[i].name, name))
				return &p->roles[i].loc;
		break;
	}
	return NULL;
}

/*
 * May NAME (written at AT) be defined now? A plain definition must be the
 * first; an override must come after one. 0 or -EINVAL (reported).
 */
static int check_definition(struct parser *ps, enum def_kind kind, const char *name,
			    const struct pc_loc *at, bool override)
{
	char mean[PC_DIAG_HINT_MAX];
	const char *k = def_kind_names[kind];
	const struct pc_loc *first = first_definition(ps->cx->pol, kind, name);
	const char **names, *s;
	size_t n;

	if (kind == DEF_PEER && (!strcmp(name, "any") || !strcmp(name, "none"))) {
		pc_diag_error(ps->cx->diag, at, "peer '%s' is built in (%s) and cannot be %s", name,
			      name[0] == 'a' ? "0.0.0.0/0 and ::/0" : "no address at all",
			      override ? "overridden" : "redefined");
		return -EINVAL;
	}
	if (!override && first) {
		pc_diag_error(ps->cx->diag, at, "%s '%s' redefined", k, name);
		if (kind == DEF_ROLE)
			pc_diag_note(ps->cx->diag, first, "first defined here");
		else
			pc_diag_note(ps->cx->diag, first,
				     "first defined here; 'override %s %s ...' replaces it on purpose",
				     k, name);
		return -EINVAL;
	}
	if (!override || first)
		return 0;
	names = defined_names(ps->cx->pol, kind, &n);
	if (!names) {
		nomem(ps->cx);
		return -ENOMEM;
	}
	s = pc_suggest(name, names, n);
	if (s) {
		snprintf(mean, sizeof(mean), "did you mean '%s'?", s);
		pc_diag_error_hint(ps->cx->diag, at, mean, "override of undefined %s '%s'", k, name);
	} else
		pc_diag_error(ps->cx->diag, at,
			      "override of undefined %s '%s': an override must follow the definition it replaces",
			      k, name);
	free(names);
	return -EINVAL;
}

/* --- service --------------------------------------------------------------- */

/* Decimal digits only, at most MAX. 0, -EINVAL (not a number), -ERANGE. */
static int parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v <= max)
			v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = v;
	return v > max ? -ERANGE : 0;
}

static struct pc_loc sub_loc(const struct pc_token *t, size_t off, size_t len)
{
	struct pc_loc l = t->loc;

	l.col += (int)off;
	l.len = len ? (int)len : 1;
	return l;
}

/* One port bound at OFF..OFF+N of the word: 1..65535. */
static int port_bound(struct parser *ps, size_t off, size_t n, uint16_t *out)
{
	const struct pc_token *t = &ps->cur;
	struct pc_loc l = sub_loc(t, off, n);
	unsigned long v;
	int err = parse_uint(t->text + off, n, 65535, &v);

	if (err == -EINVAL) {
		pc_diag_error(ps->cx->diag, &t->loc,
			      "invalid port '%.*s': expected a number 1-65535 or a range N-M",
			      (int)t->len, t->text);
		return err;
	}
	if (err || v == 0) {
		pc_diag_error(ps->cx->diag, &l, "port %.*s is out of range (1-65535)",
			      (int)n, t->text + off);
		return -ERANGE;
	}
	*out = (uint16_t)v;
	return 0;
}

/* "N" or "N-M" at cur. */
static int port_item(struct parser *ps, struct pc_portspec *ps_out)
{
	const struct pc_token *t = &ps->cur;
	const char *dash = memchr(t->text, '-', t->len);
	size_t lo_len = dash ? (size_t)(dash - t->text) : t->len;
	int err;

	err = port_bound(ps, 0, lo_len, &ps_out->lo);
	if (err)
		return err;
	if (!dash) {
		ps_out->hi = ps_out->lo;
		return 0;
	}
	err = port_bound(ps, lo_len + 1, t->len - lo_len - 1, &ps_out->hi);
	if (err)
		return err;
	if (ps_out->lo > ps_out->hi) {
		char mean[PC_DIAG_HINT_MAX];

		snprintf(mean, sizeof(mean), "did you mean %u-%u?", ps_out->hi, ps_out->lo);
		pc_diag_error_hint(ps->cx->diag, &t->loc, mean, "port range %u-%u is reversed",
				   ps_out->lo, ps_out->hi);
		return -EINVAL;
	}
	return 0;
}

/* An ICMP type at cur, PROTO IPPROTO_ICMP or IPPROTO_ICMPV6: a number 0-255
 * or a name of the family's table. */
static int icmp_item(struct parser *ps, uint8_t proto, struct pc_portspec *out)
{
	char mean[PC_DIAG_HINT_MAX];
	uint8_t other_proto = proto == IPPROTO_ICMP ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	const struct pc_names *tab = pc_names_icmp_of(proto);
	const struct pc_names *other = pc_names_icmp_of(other_proto);
	const char *fam = pc_name_of(&pc_names_proto, proto);
	const char *other_fam = pc_name_of(&pc_names_proto, other_proto), *s;
	unsigned int type;
	unsigned long v;
	char *w;
	int err = parse_uint(ps->cur.text, ps->cur.len, 255, &v);

	if (!err) {
		out->lo = out->hi = (uint16_t)v;
		return 0;
	}
	if (err == -ERANGE) {
		pc_diag_error(ps->cx->diag, &ps->cur.loc, "%s type %.*s is out of range (0-255)",
			      fam, (int)ps->cur.len, ps->cur.text);
		return err;
	}
	if (!table_word(ps, tab, &type)) {
		out->lo = out->hi = (uint16_t)type;
		return 0;
	}
	w = tok_dup(ps, &ps->cur);
	if (!w)
		return -ENOMEM;
	s = pc_name_suggest(tab, w);
	if (!pc_name_parse(other, w, &type))
		pc_diag_error(ps->cx->diag, &ps->cur.loc,
			      "'%s' is an %s type, not an %s type", w, other_fam, fam);
	else if (s) {
		snprintf(mean, sizeof(mean), "did you mean '%s'?", s);
		pc_diag_error_hint(ps->cx->diag, &ps->cur.loc, mean, "unknown %s type '%s'", fam, w);
	} else
		pc_diag_error(ps->cx->diag, &ps->cur.loc,
			      "unknown %s type '%s': expected a number 0-255 or a name like 'echo-request'",
			      fam, w);
	free(w);
	return -EINVAL;
}

static int push_port(struct parser *ps, struct pc_service *s, const struct pc_portspec *p)
{
	if (room_for_one(ps->cx, (void **)&s->ports, s->n_ports, &s->cap_ports, sizeof(*p)))
		return -ENOMEM;
	s->ports[s->n_ports++] = *p;
	return 0;
}

/* A service's port list does not start with a protocol. */
static int no_protocol(struct parser *ps)
{
	const struct pc_token *t = &ps->cur;
	char names[80], what[96];

	if (t->kind == PC_TOK_WORD && t->text[0] >= '0' && t->text[0] <= '9') {
		pc_diag_error(ps->cx->diag, &t->loc,
			      "missing protocol before '%.*s': write 'tcp %.*s' or 'udp %.*s'",
			      (int)t->len, t->text, (int)t->len, t->text, (int)t->len, t->text);
		return -EINVAL;
	}
	if (t->kind == PC_TOK_WORD)
		return unknown_name(ps, "protocol", &pc_names_proto);
	snprintf(what, sizeof(what), "a protocol (%s)",
		 name_choice(&pc_names_proto, false, names, sizeof(names)));
	return expected(ps, what);
}

/* After "tcp 80,", is the word at cur a misspelt protocol ("tpc 81")
 * rather than a bad port? */
static bool misspelt_protocol(struct parser *ps)
{
	const struct pc_token *t = &ps->cur;
	char w[16];

	if (t->kind != PC_TOK_WORD || t->len >= sizeof(w) ||
	    (t->text[0] >= '0' && t->text[0] <= '9'))
		return false;
	memcpy(w, t->text, t->len);
	w[t->len] = '\0';
	return pc_name_suggest(&pc_names_proto, w) != NULL;
}

/*
 * PROTO ITEM {, [PROTO] ITEM}: an item after a comma without a protocol
 * keeps the previous one, so "tcp 80, 443" means what it says.
 */
static int port_list(struct parser *ps, struct pc_service *s)
{
	unsigned int proto = 0, word;
	bool have_proto = false;
	int err, first_err = 0;

	for (;;) {
		struct pc_portspec p = { 0 };
		char buf[80];

		if (!table_word(ps, &pc_names_proto, &word)) {
			proto = word;
			have_proto = true;
			advance(ps);
		} else if (!have_proto) {
			return no_protocol(ps);
		} else if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && misspelt_protocol(ps)) {
			return unknown_name(ps, "protocol", &pc_names_proto);
		}
		p.proto = (uint8_t)proto;
		p.loc = ps->cur.loc;
		if (ps->cur.kind != PC_TOK_WORD) {
			snprintf(buf, sizeof(buf), "%s after '%s'",
				 p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP ?
				 "a port or port range" : "an ICMP type",
				 pc_name_of(&pc_names_proto, p.proto));
			return expected(ps, buf);
		}
		if (p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP)
			err = port_item(ps, &p);
		else
			err = icmp_item(ps, p.proto, &p);
		if (!err)
			err = push_port(ps, s, &p);
		if (err == -ENOMEM)
			return err;
		/* A bad item is one word: go on with the next, so every
		 * bad port of the list is reported. */
		if (err && !first_err)
			first_err = err;
		advance(ps);
		if (ps->cur.kind != PC_TOK_COMMA)
			return first_err;
		advance(ps);
	}
}

/* service NAME PORTS ["description"] */
static int parse_service(struct parser *ps, const struct pc_loc *at, bool override,
			 char *lead)
{
	struct pc_service s = { .loc = *at, .override = override, .source = lead };
	struct ctx *cx = ps->cx;
	struct pc_service *v;
	bool keep;
	unsigned int proto;
	int err;

	if (!table_word(ps, &pc_names_proto, &proto)) {
		pc_diag_error(cx->diag, &ps->cur.loc,
			      "missing service name before '%.*s'", (int)ps->cur.len, ps->cur.text);
		pc_ast_free_service(&s);
		return -EINVAL;
	}
	s.name = definition_name(ps, "service");
	if (!s.name) {
		pc_ast_free_service(&s);
		return -EINVAL;
	}
	/* A definition is kept once its name is known, even when the rest
	 * has errors, so later stages do not cascade "unknown service". */
	keep = !check_definition(ps, DEF_SERVICE, s.name, &ps->cur.loc, override);
	advance(ps);
	err = port_list(ps, &s);
	if (ps->cur.kind == PC_TOK_STRING && !cx->nomem) {
		s.desc = tok_dup(ps, &ps->cur);
		advance(ps);
	}
	if (!at_eol(ps) && !err)
		err = expected(ps, s.desc ? "end of line after the description" :
			       "',', a description or end of line");
	if (!s.source && ps->trailing && at_eol(ps))
		s.source = dup_or_nomem(cx, ps->trailing);
	if (!keep || cx->nomem) {
		pc_ast_free_service(&s);
		return err ? err : -EINVAL;
	}
	if (room_for_one(cx, (void **)&cx->pol->services, cx->pol->n_services,
			 &cx->pol->cap_services, sizeof(s))) {
		pc_ast_free_service(&s);
		return -ENOMEM;
	}
	v = cx->pol->services;
	v[cx->pol->n_services] = s;
	if (pc_name_index_put(&cx->pol->service_index, v[cx->pol->n_services].name,
			      (uint32_t)cx->pol->n_services)) {
		nomem(cx);
		pc_ast_free_service(&v[cx->pol->n_services]);
		return -ENOMEM;
	}
	cx->pol->n_services++;
	return err;
}

/* --- peer ------------------------------------------------------------------ */

/* ADDR[/LEN] at cur into IT: lib/addr.c reads it, this says where it is wrong. */
static int address_item(struct parser *ps, struct pc_peer_item *it)
{
	char mean[PC_DIAG_HINT_MAX];
	const struct pc_token *t = &ps->cur;
	const char *slash = memchr(t->text, '/', t->len);
	size_t alen = slash ? (size_t)(slash - t->text) : t->len;
	const char *fam;
	char net[INET6_ADDRSTRLEN];
	struct pc_addr a;
	int err = pc_addr_parse(t->text, t->len, &a);

	fam = a.family == 6 ? "IPv6" : "IPv4";
	if (err == -EINVAL && alen > PC_ADDR_TEXT_MAX) {
		pc_diag_error(ps->cx->diag, &t->loc, "invalid address '%.*s'",
			      (int)t->len, t->text);
		return err;
	}
	if (err == -EINVAL) {
		struct pc_loc l = sub_loc(t, 0, alen);

		pc_diag_error(ps->cx->diag, &l, "invalid %s address '%.*s'", fam,
			      (int)alen, t->text);
		return err;
	}
	if (err == -ERANGE) {
		size_t off = alen + 1, n = t->len - off;
		struct pc_loc l = sub_loc(t, alen, n + 1);

		pc_diag_error(ps->cx->diag, &l, "invalid prefix length '/%.*s': %s takes 0-%u",
			      (int)n, t->text + off, fam, a.family == 6 ? 128 : 32);
		return -EINVAL;
	}
	/* Host bits set is almost always a typo for the network or for a
	 * host: refuse, and name the network. */
	if (err == -EADDRNOTAVAIL) {
		pc_addr_mask(a.addr, a.plen);
		inet_ntop(a.family == 6 ? AF_INET6 : AF_INET, a.family == 6 ? a.addr : a.addr + 12,
			  net, sizeof(net));
		snprintf(mean, sizeof(mean), "did you mean %s/%u?", net, pc_addr_written_plen(&a));
		pc_diag_error_hint(ps->cx->diag, &t->loc, mean, "%.*s has host bits set",
				   (int)t->len, t->text);
		return -EINVAL;
	}
	if (err)
		return err;
	/* The tree keeps the address as written: IPv4 in addr[0..3]. */
	it->family = a.family;
	it->plen = (uint8_t)pc_addr_written_plen(&a);
	if (a.family == 6)
		memcpy(it->addr, a.addr, 16);
	else
		memcpy(it->addr, a.addr + 12, 4);
	return 0;
}

static int peer_item(struct parser *ps, struct pc_peer_item *it)
{
	it->loc = ps->cur.loc;
	if (looks_like_address(&ps->cur))
		return address_item(ps, it);
	if (!valid_name(&ps->cur)) {
		if (ps->cur.kind == PC_TOK_WORD) {
			pc_diag_error(ps->cx->diag, &ps->cur.loc,
				      "invalid peer name '%.*s'", (int)ps->cur.len, ps->cur.text);
			return -EINVAL;
		}
		return expected(ps, "an address, a prefix or a peer name");
	}
	it->is_name = true;
	it->name = tok_dup(ps, &ps->cur);
	return it->name ? 0 : -ENOMEM;
}

/* peer NAME ITEM {, ITEM} */
static int parse_peer(struct parser *ps, const struct pc_loc *at, bool override)
{
	struct pc_peer p = { .loc = *at, .override = override };
	struct ctx *cx = ps->cx;
	struct pc_peer *v;
	bool keep;
	int err = 0, item_err;

	if (looks_like_address(&ps->cur)) {
		pc_diag_error(cx->diag, &ps->cur.loc, "missing peer name before '%.*s'",
			      (int)ps->cur.len, ps->cur.text);
		return -EINVAL;
	}
	p.name = definition_name(ps, "peer");
	if (!p.name)
		return -EINVAL;
	keep = !check_definition(ps, DEF_PEER, p.name, &ps->cur.loc, override);
	advance(ps);
	for (;;) {
		struct pc_peer_item it = { 0 };

		item_err = peer_item(ps, &it);
		if (item_err == -ENOMEM) {
			err = item_err;
			break;
		}
		if (item_err) {
			/* One bad word: report the rest of the list too. */
			free(it.name);
			if (!err)
				err = item_err;
			/* An empty list or a trailing ',': the next line is
			 * the next statement, with errors of its own. */
			if (at_eol(ps))
				break;
		} else {
			if (room_for_one(cx, (void **)&p.items, p.n_items, &p.cap_items, sizeof(it))) {
				free(it.name);
				err = -ENOMEM;
				break;
			}
			p.items[p.n_items++] = it;
		}
		advance(ps);
		if (ps->cur.kind != PC_TOK_COMMA) {
			if (!at_eol(ps) && !err)
				err = expected(ps, "',' or end of line");
			break;
		}
		advance(ps);
	}
	if (!keep || cx->nomem) {
		pc_ast_free_peer(&p);
		return err ? err : -EINVAL;
	}
	if (room_for_one(cx, (void **)&cx->pol->peers, cx->pol->n_peers, &cx->pol->cap_peers,
			 sizeof(p))) {
		pc_ast_free_peer(&p);
		return -ENOMEM;
	}
	v = cx->pol->peers;
	v[cx->pol->n_peers] = p;
	if (pc_name_index_put(&cx->pol->peer_index, v[cx->pol->n_peers].name,
			      (uint32_t)cx->pol->n_peers)) {
		nomem(cx);
		pc_ast_free_peer(&v[cx->pol->n_peers]);
		return -ENOMEM;
	}
	cx->pol->n_peers++;
	return err;
}

/* --- role ------------------------------------------------------------------ */

static int push_rule(struct parser *ps, struct pc_role *r, struct pc_rule *rule)
{
	if (room_for_one(ps->cx, (void **)&r->rules, r->n_rules, &r->cap_rules, sizeof(*rule))) {
		pc_ast_free_rule(rule);
		return -ENOMEM;
	}
	r->rules[r->n_rules++] = *rule;
	return 0;
}

/* from|to PEER, after the services of an allow rule. */
static int rule_peer(struct parser *ps, struct pc_rule *rule)
{
	const char *want = rule->dir == PC_DIR_IN ? "from" : "to";
	const char *dir = pc_name_of(&pc_names_dir, (unsigned int)rule->dir);
	int err = 0;

	if (!is_word(ps, want)) {
		char mean[PC_DIAG_HINT_MAX];

		snprintf(mean, sizeof(mean), "did you mean '%s'?", want);
		pc_diag_error_hint(ps->cx->diag, &ps->cur.loc, mean, "'%.*s' cannot follow 'allow %s'",
				   (int)ps->cur.len, ps->cur.text, dir);
		err = -EINVAL;	/* reported; the rule is still kept */
	}
	advance(ps);
	if (looks_like_address(&ps->cur)) {
		pc_diag_error(ps->cx->diag, &ps->cur.loc,
			      "a rule names a peer, not an address: define 'peer NAME %.*s' and write '%s NAME'",
			      (int)ps->cur.len, ps->cur.text, want);
		return -EINVAL;
	}
	if (!valid_name(&ps->cur))
		return expected(ps, "a peer name");
	rule->peer.loc = ps->cur.loc;
	rule->peer.name = tok_dup(ps, &ps->cur);
	if (!rule->peer.name)
		return -ENOMEM;
	advance(ps);
	if (ps->cur.kind == PC_TOK_COMMA) {
		pc_diag_error(ps->cx->diag, &ps->cur.loc,
			      "a rule names one peer; define a peer that names the others: 'peer NAME %s, ...'",
			      rule->peer.name);
		return -EINVAL;
	}
	return err;
}

/* allow in|out SERVICES [from|to PEER] */
static int allow_rule(struct parser *ps, struct pc_role *r)
{
	struct pc_rule rule = { .loc = ps->cur.loc, .kind = PC_RULE_ALLOW };
	unsigned int d;
	int err;

	advance(ps);
	if (table_word(ps, &pc_names_dir, &d))
		return ps->cur.kind == PC_TOK_WORD ?
			unknown_name(ps, "direction", &pc_names_dir) :
			expected_choice(ps, &pc_names_dir, " after 'allow'");
	rule.dir = (int)d;
	advance(ps);
	if (is_word(ps, "from") || is_word(ps, "to"))
		return expected(ps, "a service name");
	err = name_list(ps, "service", &rule.services, &rule.n_services, &rule.cap_services);
	if (!err && (is_word(ps, "from") || is_word(ps, "to")))
		err = rule_peer(ps, &rule);
	else if (!err && ps->cur.kind != PC_TOK_RBRACE && !at_eol(ps))
		err = expected(ps, d == PC_DIR_OUT ? "',', 'to' or end of line" :
				   "',', 'from' or end of line");
	if (!rule.n_services) {
		pc_ast_free_rule(&rule);
		return err;
	}
	return push_rule(ps, r, &rule) ? -ENOMEM : err;
}

/* use ROLE */
static int use_rule(struct parser *ps, struct pc_role *r)
{
	struct pc_rule rule = { .loc = ps->cur.loc, .kind = PC_RULE_USE };

	advance(ps);
	if (!valid_name(&ps->cur))
		return expected(ps, "a role name after 'use'");
	rule.role.loc = ps->cur.loc;
	rule.role.name = tok_dup(ps, &ps->cur);
	if (!rule.role.name)
		return -ENOMEM;
	advance(ps);
	if (push_rule(ps, r, &rule))
		return -ENOMEM;
	if (ps->cur.kind == PC_TOK_COMMA) {
		pc_diag_error(ps->cx->diag, &ps->cur.loc,
			      "'use' takes one role; write one 'use' line per role");
		return -EINVAL;
	}
	return 0;
}

static int parse_rule(struct parser *ps, struct pc_role *r)
{
	if (is_word(ps, "allow"))
		return allow_rule(ps, r);
	if (is_word(ps, "use"))
		return use_rule(ps, r);
	if (ps->cur.kind != PC_TOK_WORD)
		return expected(ps, "a rule ('allow' or 'use')");
	return unknown_word(ps, "rule", rule_words, N_ELEMS(rule_words));
}

/* Skip the rest of a bad rule, up to its newline or the closing '}'. */
static void skip_rule(struct parser *ps)
{
	while (!at_eol(ps) && ps->cur.kind != PC_TOK_RBRACE)
		advance(ps);
}

static void missing_brace_note(struct parser *ps, const struct pc_loc *open, const char *name)
{
	if (name)
		pc_diag_note(ps->cx->diag, open, "role '%s' opened here", name);
	else
		pc_diag_note(ps->cx->diag, open, "'{' opened here");
}

/*
 * Rules up to and including the closing '}'. 0 when closed, RESYNCED when
 * the brace is missing: a statement keyword then starts the next
 * statement, rather than every line after it being a bad rule.
 */
static int role_body(struct parser *ps, struct pc_role *r, const struct pc_loc *open)
{
	for (;;) {
		int err;

		if (ps->cx->nomem)
			return -ENOMEM;
		switch (ps->cur.kind) {
		case PC_TOK_NEWLINE:
			advance(ps);
			continue;
		case PC_TOK_RBRACE:
			advance(ps);
			return 0;
		case PC_TOK_EOF:
			pc_diag_error(ps->cx->diag, &ps->cur.loc, "missing '}' at end of file");
			missing_brace_note(ps, open, r->name);
			return RESYNCED;
		default:
			break;
		}
		if (word_index(ps, pc_statement_words, N_ELEMS(pc_statement_words)) >= 0) {
			pc_diag_error(ps->cx->diag, &ps->cur.loc, "missing '}' before '%.*s'",
				      (int)ps->cur.len, ps->cur.text);
			missing_brace_note(ps, open, r->name);
			return RESYNCED;
		}
		err = parse_rule(ps, r);
		if (!err && !at_eol(ps) && ps->cur.kind != PC_TOK_RBRACE)
			err = expected(ps, "end of line or '}'");
		if (err)
			skip_rule(ps);
	}
}

static int push_role(struct parser *ps, struct pc_role *r)
{
	struct pc_policy *p = ps->cx->pol;

	if (room_for_one(ps->cx, (void **)&p->roles, p->n_roles, &p->cap_roles, sizeof(*r))) {
		pc_ast_free_role(r);
		return -ENOMEM;
	}
	p->roles[p->n_roles] = *r;
	if (pc_name_index_put(&p->role_index, p->roles[p->n_roles].name, (uint32_t)p->n_roles)) {
		nomem(ps->cx);
		pc_ast_free_role(&p->roles[p->n_roles]);
		return -ENOMEM;
	}
	p->n_roles++;
	return 0;
}

/* role NAME { RULES } */
static int parse_role(struct parser *ps, const struct pc_loc *at, char *lead)
{
	struct pc_role r = { .loc = *at, .source = lead };
	struct pc_loc open;
	bool keep;
	int header_line, err;

	r.name = definition_name(ps, "role");
	if (!r.name) {
		pc_ast_free_role(&r);
		return -EINVAL;
	}
	keep = !check_definition(ps, DEF_ROLE, r.name, &ps->cur.loc, false);
	advance(ps);
	if (ps->cur.kind != PC_TOK_LBRACE) {
		pc_ast_free_role(&r);
		return expected(ps, "'{' after the role name");
	}
	open = ps->cur.loc;
	header_line = ps->cur.loc.line;
	advance(ps);
	if (!r.source && ps->trailing && ps->cur.kind == PC_TOK_NEWLINE)
		r.source = dup_or_nomem(ps->cx, ps->trailing);
	err = role_body(ps, &r, &open);
	/* "role x { use y }  # why": the comment comes after the '}'. */
	if (!r.source && ps->trailing && ps->cur.loc.line == header_line && at_eol(ps))
		r.source = dup_or_nomem(ps->cx, ps->trailing);
	if (!keep || ps->cx->nomem) {
		pc_ast_free_role(&r);
		return err ? err : -EINVAL;
	}
	if (push_role(ps, &r))
		return -ENOMEM;
	return err;
}

/*
 * Skip the rest of a bad line. A '{' on it opens a body whatever went wrong
 * before, so the body is read as a role's (its errors reported, its rules
 * dropped) instead of each rule reading as a bad statement.
 */
static void skip_line(struct parser *ps)
{
	while (!at_eol(ps) && !ps->cx->nomem) {
		if (ps->cur.kind == PC_TOK_LBRACE) {
			struct pc_role scratch = { 0 };
			struct pc_loc open = ps->cur.loc;

			advance(ps);
			if (role_body(ps, &scratch, &open) == RESYNCED) {
				pc_ast_free_role(&scratch);
				return;
			}
			pc_ast_free_role(&scratch);
			continue;
		}
		advance(ps);
	}
}

/* include "PATH" */
static int parse_include(struct parser *ps)
{
	struct pc_loc at = ps->cur.loc;
	char *pat;

	if (ps->cur.kind != PC_TOK_STRING && ps->cur.kind != PC_TOK_WORD)
		return expected(ps, "a file name after 'include'");
	pat = tok_dup(ps, &ps->cur);
	if (!pat)
		return -ENOMEM;
	advance(ps);
	if (!at_eol(ps)) {
		free(pat);
		return expected(ps, "end of line after the file name");
	}
	if (!*pat) {
		pc_diag_error(ps->cx->diag, &at, "empty file name");
		free(pat);
		return -EINVAL;
	}
	pc_include_path(ps, pat, &at);
	free(pat);
	return 0;
}

/* --- mode, attach, failsafe ------------------------------------------------ */

/* audit|enforce at cur: PC_MODE_* or -EINVAL (reported). */
static int mode_value(struct parser *ps)
{
	unsigned int m;

	if (table_word(ps, &pc_names_mode, &m))
		return ps->cur.kind == PC_TOK_WORD ?
			unknown_name(ps, "mode", &pc_names_mode) :
			expected_choice(ps, &pc_names_mode, "");
	advance(ps);
	return (int)m;
}

/*
 * A second 'mode' or 'failsafe': the same value again is only a warning;
 * a different one is an error, since which of two contradicting lines an
 * operator meant is not the parser's to guess on a firewall.
 */
static void repeated_setting(struct parser *ps, const char *what, const char *val,
			     bool same, const struct pc_loc *at, const struct pc_loc *first)
{
	if (same)
		pc_diag_warning(ps->cx->diag, at, "'%s %s' repeated", what, val);
	else
		pc_diag_error(ps->cx->diag, at, "'%s %s' contradicts an earlier '%s'",
			      what, val, what);
	pc_diag_note(ps->cx->diag, first, "'%s' first set here", what);
}

static int parse_mode(struct parser *ps, const struct pc_loc *at)
{
	struct pc_policy *p = ps->cx->pol;
	int m = mode_value(ps);

	if (m < 0)
		return m;
	if (p->mode_loc.file) {
		repeated_setting(ps, "mode", pc_name_of(&pc_names_mode, (unsigned int)m),
				 p->mode == m, at, &p->mode_loc);
		return 0;
	}
	p->mode = m;
	p->mode_loc = *at;
	return 0;
}

static int parse_failsafe(struct parser *ps, const struct pc_loc *at)
{
	struct pc_policy *p = ps->cx->pol;
	int v = word_index(ps, failsafe_words, N_ELEMS(failsafe_words));

	if (v < 0)
		return ps->cur.kind == PC_TOK_WORD ?
			unknown_word(ps, "failsafe setting", failsafe_words,
				     N_ELEMS(failsafe_words)) :
			expected(ps, "'on' or 'off' after 'failsafe'");
	advance(ps);
	if (p->failsafe_loc.file) {
		repeated_setting(ps, "failsafe", failsafe_words[v], p->failsafe == (v == 1),
				 at, &p->failsafe_loc);
		return 0;
	}
	p->failsafe = v == 1;
	p->failsafe_loc = *at;
	return 0;
}

/* The kernel's rule for interface names (dev_valid_name), and no
 * wildcards: an attachment names one interface. */
static int check_ifname(struct parser *ps, const char *name)
{
	const char *why = NULL;

	if (strlen(name) > 15)
		why = "is longer than 15 characters";
	else if (!strcmp(name, ".") || !strcmp(name, ".."))
		why = "is not a valid name";
	else if (strpbrk(name, "/: \t\n"))
		why = "holds '/', ':' or a blank";
	else if (strpbrk(name, "*?["))
		why = "is a pattern; attach each interface by name";
	if (!why)
		return 0;
	pc_diag_error(ps->cx->diag, &ps->cur.loc, "interface name '%s' %s", name, why);
	return -EINVAL;
}

static int check_cgroup(struct parser *ps, const char *path)
{
	char *mean = NULL;

	if (path[0] == '/')
		return 0;
	/* The path is the user's, of any length: no fixed buffer for it. */
	if (asprintf(&mean, "did you mean '/%s'?", path) < 0)
		mean = NULL;
	pc_diag_error_hint(ps->cx->diag, &ps->cur.loc, mean, "cgroup path '%s' must start with '/'",
			   path);
	free(mean);
	return -EINVAL;
}

static int attach_rest(struct parser *ps, struct pc_attach *a)
{
	unsigned int kind;
	bool k;
	int err;

	/* An attachment makes a scope: the words are the scope kinds. */
	if (table_word(ps, &pc_names_scope_kind, &kind))
		return ps->cur.kind == PC_TOK_WORD ?
			unknown_name(ps, "attachment", &pc_names_scope_kind) :
			expected_choice(ps, &pc_names_scope_kind, " after 'attach'");
	a->kind = (enum pc_attach_kind)kind;
	k = a->kind == PC_ATTACH_CGROUP;
	advance(ps);
	if (ps->cur.kind != PC_TOK_WORD && ps->cur.kind != PC_TOK_STRING)
		return expected(ps, k ? "a cgroup path" : "an interface name");
	a->target.loc = ps->cur.loc;
	a->target.name = tok_dup(ps, &ps->cur);
	if (!a->target.name)
		return -ENOMEM;
	err = k ? check_cgroup(ps, a->target.name) : check_ifname(ps, a->target.name);
	if (err)
		return err;
	advance(ps);
	if (!is_word(ps, "role"))
		return ps->cur.kind == PC_TOK_WORD ?
			unknown_word(ps, "keyword", attach_role_words, 1) :
			expected(ps, "'role' and the roles to attach");
	advance(ps);
	err = name_list(ps, "role", &a->roles, &a->n_roles, &a->cap_roles);
	if (err)
		return err;
	if (is_word(ps, "mode")) {
		advance(ps);
		a->mode = mode_value(ps);
		if (a->mode < 0)
			return a->mode;
	}
	return 0;
}

/* attach interface|cgroup TARGET role R {, R} [mode audit|enforce] */
static int parse_attach(struct parser *ps, const struct pc_loc *at)
{
	struct pc_attach a = { .loc = *at, .mode = -1 };
	struct pc_policy *p = ps->cx->pol;
	int err = attach_rest(ps, &a);

	if (!err && !at_eol(ps))
		err = expected(ps, "',', 'mode' or end of line");
	if (err) {
		pc_ast_free_attach(&a);
		return err;
	}
	if (room_for_one(ps->cx, (void **)&p->attaches, p->n_attaches, &p->cap_attaches,
			 sizeof(a))) {
		pc_ast_free_attach(&a);
		return -ENOMEM;
	}
	p->attaches[p->n_attaches++] = a;
	return 0;
}

/* --- statements ------------------------------------------------------------ */

static int parse_override(struct parser *ps, const struct pc_loc *at, char *lead)
{
	if (is_word(ps, "service")) {
		advance(ps);
		return parse_service(ps, at, true, lead);
	}
	free(lead);
	if (is_word(ps, "peer")) {
		advance(ps);
		return parse_peer(ps, at, true);
	}
	if (is_word(ps, "role")) {
		pc_diag_error(ps->cx->diag, &ps->cur.loc,
			      "roles cannot be overridden: define a new role and attach it instead");
		return -EINVAL;
	}
	return ps->cur.kind == PC_TOK_WORD ?
		unknown_word(ps, "override kind", override_words, N_ELEMS(override_words)) :
		expected(ps, "'service' or 'peer' after 'override'");
}

static int unknown_statement(struct parser *ps)
{
	if (ps->cur.kind == PC_TOK_RBRACE) {
		pc_diag_error(ps->cx->diag, &ps->cur.loc, "unmatched '}'");
		return -EINVAL;
	}
	if (ps->cur.kind != PC_TOK_WORD)
		return expected(ps, "a statement");
	if (word_index(ps, rule_words, N_ELEMS(rule_words)) >= 0) {
		pc_diag_error(ps->cx->diag, &ps->cur.loc,
			      "'%.*s' is a rule: it belongs in a role body ('role NAME { ... }')",
			      (int)ps->cur.len, ps->cur.text);
		return -EINVAL;
	}
	return unknown_word(ps, "statement", pc_statement_words, N_ELEMS(pc_statement_words));
}

/* One statement at cur: 0, RESYNCED, or a negative errno (reported). */
static int parse_statement(struct parser *ps)
{
	struct pc_loc at = ps->cur.loc;
	/* The comment block above this line: only services and roles
	 * keep it, as their 'source'. */
	char *lead = take(&ps->lead);
	int i = word_index(ps, pc_statement_words, N_ELEMS(pc_statement_words));

	if (i < 0) {
		free(lead);
		return unknown_statement(ps);
	}
	advance(ps);
	switch ((enum statement)i) {
	case ST_SERVICE:
		return parse_service(ps, &at, false, lead);
	case ST_ROLE:
		return parse_role(ps, &at, lead);
	case ST_OVERRIDE:
		return parse_override(ps, &at, lead);
	default:
		break;
	}
	free(lead);
	switch ((enum statement)i) {
	case ST_INCLUDE:
		return parse_include(ps);
	case ST_PEER:
		return parse_peer(ps, &at, false);
	case ST_MODE:
		return parse_mode(ps, &at);
	case ST_ATTACH:
		return parse_attach(ps, &at);
	default:
		return parse_failsafe(ps, &at);
	}
}

int pc_parse_src(struct ctx *cx, const struct pc_srcfile *sf)
{
	struct parser ps = { .cx = cx, .file = sf };

	pc_lex_init(&ps.lx, sf, cx->diag);
	advance(&ps);
	while (ps.cur.kind != PC_TOK_EOF && !cx->nomem) {
		int err;

		if (ps.cur.kind == PC_TOK_NEWLINE) {
			advance(&ps);
			continue;
		}
		err = parse_statement(&ps);
		if (err == RESYNCED)
			continue;
		if (!err && !at_eol(&ps))
			err = expected(&ps, "end of line");
		if (err)
			skip_line(&ps);
	}
	free(ps.pending);
	free(ps.lead);
	free(ps.trailing);
	return 0;
}
