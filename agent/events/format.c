// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "events/format.h"
#include "lib/names.h"

void pc_event_clock_init(struct pc_event_ctx *c)
{
	struct timespec boot, real;
	long long off;

	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_REALTIME, &real);
	off = (real.tv_sec - boot.tv_sec) * 1000000000ll + (real.tv_nsec - boot.tv_nsec);
	c->boot_to_real.tv_sec = off / 1000000000ll;
	c->boot_to_real.tv_nsec = off % 1000000000ll;
}

void pc_event_clock_follow(struct pc_event_ctx *c)
{
	struct pc_event_ctx now;
	long long d;

	pc_event_clock_init(&now);
	d = (now.boot_to_real.tv_sec - c->boot_to_real.tv_sec) * 1000000000ll +
	    (now.boot_to_real.tv_nsec - c->boot_to_real.tv_nsec);
	if (d > 1000000 || d < -1000000)
		c->boot_to_real = now.boot_to_real;
}

/* --- an append-only buffer that counts what it could not hold --------------- */

struct out {
	char *p;
	size_t n;	/* length so far, also past cap */
	size_t cap;
};

static void put(struct out *o, const char *s, size_t len)
{
	if (o->n < o->cap)
		memcpy(o->p + o->n, s, len <= o->cap - o->n ? len : o->cap - o->n);
	o->n += len;
}

#define PUT_LIT(o, s) put((o), (s), sizeof(s) - 1)

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_u64(struct out *o, uint64_t v)
{
	char d[20];
	int i = (int)sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, d + i, sizeof(d) - (size_t)i);
}

/* The bytes a JSON string escapes ('"', '\\', the controls), and NUL, which
 * ends it: one lookup a byte, which matters at a million lines a second. */
static const bool json_stop[256] = {
	[0x00 ... 0x1f] = true, ['"'] = true, ['\\'] = true,
};

/* S as a JSON string literal; the escapes pc_json_escape() uses. */
static void put_json_str(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t run;

	put(o, "\"", 1);
	for (;;) {
		unsigned char ch;

		for (run = 0; !json_stop[(unsigned char)s[run]]; run++)
			;
		put(o, s, run);
		s += run;
		ch = (unsigned char)*s++;
		switch (ch) {
		case '\0': put(o, "\"", 1); return;
		case '"': PUT_LIT(o, "\\\""); break;
		case '\\': PUT_LIT(o, "\\\\"); break;
		case '\n': PUT_LIT(o, "\\n"); break;
		case '\r': PUT_LIT(o, "\\r"); break;
		case '\t': PUT_LIT(o, "\\t"); break;
		default: {
			char esc[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15] };

			put(o, esc, sizeof(esc));
		}
		}
	}
}

/* A syslog value: bare when it has no space, quote or control, else quoted
 * with \" and \\ escaped and controls as '?', so one event stays one line. */
static void put_kv_value(struct out *o, const char *s)
{
	const char *p;

	for (p = s; *p; p++)
		if (*p == ' ' || *p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
			break;
	if (!*p && p != s) {
		put(o, s, (size_t)(p - s));
		return;
	}
	put(o, "\"", 1);
	for (p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			put(o, "\\", 1);
		put(o, (unsigned char)*p < 0x20 ? "?" : p, 1);
	}
	put(o, "\"", 1);
}

/* Text from the log, made safe for a terminal: controls become '?'. */
static void put_safe(struct out *o, const char *s)
{
	for (; *s; s++)
		put(o, (unsigned char)*s < 0x20 || *s == 0x7f ? "?" : s, 1);
}

/* IPv4-mapped addresses as dotted quads, the rest as IPv6. */
static size_t addr_format(const uint8_t *a, char *buf)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	char *p = buf;
	int i;

	if (memcmp(a, mapped, sizeof(mapped))) {
		inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
		return strlen(buf);
	}
	for (i = 12; i < 16; i++) {
		unsigned v = a[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = '.';
	}
	p[-1] = '\0';
	return (size_t)(p - 1 - buf);
}

/* --- time ------------------------------------------------------------------- */

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm): no
 * gmtime_r(), which costs more than the rest of a line together. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void digits(char *p, uint64_t v, int n)
{
	while (n--) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void pc_event_format_ts(int64_t real_ns, char *buf)
{
	int64_t sec = real_ns / 1000000000ll, ns = real_ns % 1000000000ll, days, sod, y;
	unsigned m, d;

	if (ns < 0) {
		ns += 1000000000ll;
		sec--;
	}
	days = sec / 86400;
	sod = sec % 86400;
	if (sod < 0) {
		sod += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = y < 0 ? 0 : 9999;	/* a broken clock; keep the width */
	memcpy(buf, "0000-00-00T00:00:00.000000000Z", PC_EVENT_TS_LEN + 1);
	digits(buf, (uint64_t)y, 4);
	digits(buf + 5, m, 2);
	digits(buf + 8, d, 2);
	digits(buf + 11, (uint64_t)(sod / 3600), 2);
	digits(buf + 14, (uint64_t)(sod / 60 % 60), 2);
	digits(buf + 17, (uint64_t)(sod % 60), 2);
	digits(buf + 20, (uint64_t)ns, 9);
}

static int64_t real_ns(const struct pc_event_ctx *c, uint64_t boot_ns)
{
	return (int64_t)boot_ns + c->boot_to_real.tv_sec * 1000000000ll + c->boot_to_real.tv_nsec;
}

/* --- the field table --------------------------------------------------------- */

enum ftype {
	T_STR,		/* const char *, a JSON string */
	T_STRS,		/* const char *const * with n_roles beside: an array of strings */
	T_NAME,		/* const char *: a name of the row's table, a JSON string; a
			 * value without a name is its number, a JSON number */
	T_UINT,		/* an unsigned integer of the member's size */
};

/* Where the human line shows a field. */
enum place {
	X_NONE,		/* not at all: the JSON has it (or another field shows it) */
	X_LEAD,		/* the tcpdump-like head: the value alone */
	X_KEY,		/* after the head: " key=value" */
	X_LAST,		/* free text, last: " key: value" (last in syslog too) */
};

#define F_REQUIRED	0x01	/* a log line without it is not an event */
#define F_STRICT	0x02	/* T_NAME: one of the table's names, never a number */
#define F_KV		0x04	/* in the syslog line */
/* Present only when: either condition holds (no condition: always). */
#define F_IF_TASK	0x08	/* the event has PC_EV_F_TASK */
#define F_IF_SET	0x10	/* its value in struct pc_event is not 0 */
#define F_REQ_CHANGE	0x20	/* a change record (with "kind") without it is none */

struct field;
typedef void show_fn(struct out *o, const struct pc_event_rec *r, const struct field *f);

struct field {
	const char *key;		/* JSON key, syslog key, human key */
	const char *json;		/* ",\"key\":", so the writer puts it at once */
	size_t json_len;
	enum ftype type;
	size_t off, size;		/* the member of struct pc_event_rec */
	size_t ev_off, ev_size;		/* the member of struct pc_event; 0 size: made
					 * by pc_event_rec_from from several, or the context */
	const struct pc_names *names;	/* T_NAME */
	unsigned flags;			/* F_* */
	enum place text;
	show_fn *show;			/* the human line's form, when not the default */
};

static show_fn show_ts, show_verdict, show_flow, show_hook, show_change;

#define KEY(k)	k, ",\"" k "\":", sizeof(",\"" k "\":") - 1
#define REC(m)	offsetof(struct pc_event_rec, m), sizeof(((struct pc_event_rec *)0)->m)
#define EV(m)	offsetof(struct pc_event, m), sizeof(((struct pc_event *)0)->m)
#define MADE	0, 0

/* The event record, in the order of the JSON line. */
static const struct field fields[PC_EF_N] = {
	[PC_EF_TS] = { KEY("ts"), T_STR, REC(ts), MADE, NULL, F_REQUIRED | F_REQ_CHANGE, X_LEAD,
		       show_ts },
	/* where a packet's verdict stands: "revert" */
	[PC_EF_KIND] = { KEY("kind"), T_STR, REC(kind), MADE, NULL, F_REQ_CHANGE | F_KV, X_LEAD,
			 show_verdict },
	[PC_EF_VERDICT] = { KEY("verdict"), T_NAME, REC(verdict), EV(verdict), &pc_names_verdict,
			    F_REQUIRED | F_STRICT | F_KV, X_LEAD, show_verdict },
	[PC_EF_SCOPE] = { KEY("scope"), T_STR, REC(scope), MADE, NULL, F_REQUIRED | F_KV, X_LEAD },
	[PC_EF_ROLES] = { KEY("roles"), T_STRS, REC(roles), MADE, NULL, F_KV, X_KEY },
	[PC_EF_DIR] = { KEY("dir"), T_NAME, REC(dir), EV(dir), &pc_names_dir,
			F_REQUIRED | F_STRICT | F_KV, X_LEAD },
	/* the human line's flow: "tcp 10.0.0.7:51234 > 10.0.0.2:80" */
	[PC_EF_PROTO] = { KEY("proto"), T_NAME, REC(proto), EV(proto), &pc_names_proto,
			  F_REQUIRED | F_KV, X_LEAD, show_flow },
	[PC_EF_SRC] = { KEY("src"), T_STR, REC(src), MADE, NULL, F_REQUIRED | F_KV, X_NONE },
	[PC_EF_SPORT] = { KEY("sport"), T_UINT, REC(sport), EV(sport), NULL, F_KV, X_NONE },
	[PC_EF_DST] = { KEY("dst"), T_STR, REC(dst), MADE, NULL, F_REQUIRED | F_KV, X_NONE },
	[PC_EF_DPORT] = { KEY("dport"), T_UINT, REC(dport), EV(dport), NULL, F_REQUIRED | F_KV, X_NONE },
	[PC_EF_COUNT] = { KEY("count"), T_UINT, REC(count), EV(count), NULL, F_REQUIRED | F_KV, X_KEY },
	[PC_EF_HINT] = { KEY("hint"), T_STR, REC(hint), MADE, NULL, F_KV, X_LAST },
	[PC_EF_PID] = { KEY("pid"), T_UINT, REC(pid), EV(pid), NULL, F_IF_TASK | F_KV, X_KEY },
	[PC_EF_COMM] = { KEY("comm"), T_STR, REC(comm), MADE, NULL, F_IF_TASK | F_KV, X_KEY },
	[PC_EF_UID] = { KEY("uid"), T_UINT, REC(uid), EV(uid), NULL, F_IF_TASK | F_KV, X_KEY },
	/* the kernel gives it at every cgroup hook, with a task or not */
	[PC_EF_CGROUP_ID] = { KEY("cgroup_id"), T_UINT, REC(cgroup_id), EV(cgroup_id), NULL,
			      F_IF_TASK | F_IF_SET, X_NONE },
	[PC_EF_CGROUP] = { KEY("cgroup"), T_STR, REC(cgroup), MADE, NULL, 0, X_NONE },
	/* what tells a malformed packet from a policy drop */
	[PC_EF_REASON] = { KEY("reason"), T_NAME, REC(reason), EV(reason), &pc_names_reason, F_KV,
			   X_KEY },
	[PC_EF_HOOK] = { KEY("hook"), T_NAME, REC(hook), EV(hook), &pc_names_hook, F_KV, X_KEY,
			 show_hook },
	[PC_EF_FAMILY] = { KEY("family"), T_UINT, REC(family), EV(family), NULL, 0, X_NONE },
	[PC_EF_IFINDEX] = { KEY("ifindex"), T_UINT, REC(ifindex), EV(ifindex), NULL, F_IF_SET,
			    X_NONE },
	[PC_EF_IFNAME] = { KEY("ifname"), T_STR, REC(ifname), MADE, NULL, 0, X_NONE },
	[PC_EF_CHANGE] = { KEY("change"), T_STR, REC(change), MADE, NULL, F_REQ_CHANGE | F_KV,
			   X_LEAD, show_change },
	[PC_EF_RESTORED] = { KEY("restored"), T_STR, REC(restored), MADE, NULL, F_KV, X_LAST },
};

/* has and plain are masks of 1u << PC_EF_* */
_Static_assert(PC_EF_N <= 32, "struct pc_event_rec: has is 32 bits");

const char *pc_event_field_key(enum pc_event_field_id f)
{
	return f < PC_EF_N ? fields[f].key : NULL;
}

/* The T_STR or T_NAME member of F in R, to read, or to set. */
static const char *str_of(const struct pc_event_rec *r, const struct field *f)
{
	return *(const char *const *)((const char *)r + f->off);
}

static const char **str_ref(struct pc_event_rec *r, const struct field *f)
{
	return (const char **)((char *)r + f->off);
}

static uint64_t uint_at(const void *p, size_t size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1: memcpy(&u8, p, 1); return u8;
	case 2: memcpy(&u16, p, 2); return u16;
	case 4: memcpy(&u32, p, 4); return u32;
	default: memcpy(&u64, p, 8); return u64;
	}
}

static void uint_set(void *p, size_t size, uint64_t v)
{
	uint8_t u8 = (uint8_t)v;
	uint16_t u16 = (uint16_t)v;
	uint32_t u32 = (uint32_t)v;

	switch (size) {
	case 1: memcpy(p, &u8, 1); break;
	case 2: memcpy(p, &u16, 2); break;
	case 4: memcpy(p, &u32, 4); break;
	default: memcpy(p, &v, 8); break;
	}
}

static uint64_t uint_of(const struct pc_event_rec *r, const struct field *f)
{
	return uint_at((const char *)r + f->off, f->size);
}

static uint64_t uint_max(size_t size)
{
	return size >= 8 ? UINT64_MAX : (1ull << (8 * size)) - 1;
}

/* A T_NAME value that had no name: its number, written bare. */
static bool is_number(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* --- writing ---------------------------------------------------------------- */

static const struct pc_scope_info *scope_of(const struct pc_event_ctx *c,
					    const struct pc_event *e)
{
	size_t i;

	for (i = 0; c->tables && i < c->tables->n_scopes; i++)
		if (c->tables->scopes[i].scope == e->scope)
			return &c->tables->scopes[i];
	return NULL;
}

static bool present(const struct field *f, const struct pc_event *e)
{
	if (!(f->flags & (F_IF_TASK | F_IF_SET)))
		return true;
	if ((f->flags & F_IF_TASK) && (e->flags & PC_EV_F_TASK))
		return true;
	return (f->flags & F_IF_SET) && f->ev_size &&
	       uint_at((const char *)e + f->ev_off, f->ev_size);
}

void pc_event_rec_from(struct pc_event_rec *r, const struct pc_event_ctx *c,
		       const struct pc_event *e)
{
	const struct pc_scope_info *s = scope_of(c, e);
	size_t i;

	r->has = 0;
	r->plain = 0;
	/* the fields the kernel gives as they are, or as a name */
	for (i = 0; i < PC_EF_N; i++) {
		const struct field *f = &fields[i];
		uint64_t v;

		if (!f->ev_size || !present(f, e))
			continue;
		v = uint_at((const char *)e + f->ev_off, f->ev_size);
		if (f->type == T_NAME) {
			*str_ref(r, f) = pc_name_or_number(f->names, (unsigned int)v,
							  r->store.num[i],
							  sizeof(r->store.num[i]));
			r->plain |= 1u << i;	/* our names, or digits */
		} else {
			uint_set((char *)r + f->off, f->size, v);
		}
		r->has |= 1u << i;
	}
	/* the fields made from several, or from what the kernel does not know */
	pc_event_format_ts(real_ns(c, e->ts_ns), r->store.ts);
	r->ts = r->store.ts;
	if (s) {
		r->scope = s->name;
		r->roles = (const char *const *)s->roles;
		r->n_roles = s->n_roles;
	} else {
		/* A hook that found no scope for its target (reason no-scope). */
		if (e->scope == PC_SCOPE_NONE)
			snprintf(r->store.scope, sizeof(r->store.scope), "none");
		else
			snprintf(r->store.scope, sizeof(r->store.scope), "scope:%u", e->scope);
		r->scope = r->store.scope;
		r->roles = NULL;
		r->n_roles = 0;
	}
	addr_format(e->saddr, r->store.src);
	r->src = r->store.src;
	addr_format(e->daddr, r->store.dst);
	r->dst = r->store.dst;
	r->has |= 1u << PC_EF_TS | 1u << PC_EF_SCOPE | 1u << PC_EF_ROLES | 1u << PC_EF_SRC |
		  1u << PC_EF_DST;
	/* our timestamp and addresses: nothing to escape */
	r->plain |= 1u << PC_EF_TS | 1u << PC_EF_SRC | 1u << PC_EF_DST;
	if (present(&fields[PC_EF_COMM], e)) {
		memcpy(r->store.comm, e->comm, sizeof(e->comm));
		r->store.comm[sizeof(e->comm)] = '\0';
		r->comm = r->store.comm;
		r->has |= 1u << PC_EF_COMM;
	}
	r->hint = c->hint;
	r->has |= c->hint ? 1u << PC_EF_HINT : 0;
	/* the socket's cgroup: known at every cgroup hook, with or without a task */
	r->cgroup = c->cgroup;
	r->has |= c->cgroup ? 1u << PC_EF_CGROUP : 0;
	/* an interface scope is one interface, by name (kernel/apply.c): the ifindex is it */
	if (s && s->kind == PC_SCOPE_IFACE && s->target && e->ifindex) {
		r->ifname = s->target;
		r->has |= 1u << PC_EF_IFNAME;
	}
}

void pc_event_rec_revert(struct pc_event_rec *r, const char *change, const char *restored)
{
	struct timespec now;

	memset(r, 0, sizeof(*r));
	clock_gettime(CLOCK_REALTIME, &now);
	pc_event_format_ts((int64_t)now.tv_sec * 1000000000ll + now.tv_nsec, r->store.ts);
	r->ts = r->store.ts;
	r->kind = PC_EVENT_KIND_REVERT;
	r->change = change;
	r->restored = restored;
	r->has = 1u << PC_EF_TS | 1u << PC_EF_KIND | 1u << PC_EF_CHANGE | 1u << PC_EF_RESTORED;
	r->plain = 1u << PC_EF_TS | 1u << PC_EF_KIND;
}

static void put_json_value(struct out *o, const struct pc_event_rec *r, const struct field *f)
{
	const char *s;
	size_t i;

	switch (f->type) {
	case T_STR:
	case T_NAME:
		s = str_of(r, f);
		if (f->type == T_NAME && is_number(s)) {
			put_str(o, s);
		} else if (r->plain & (1u << (f - fields))) {
			put(o, "\"", 1);
			put_str(o, s);
			put(o, "\"", 1);
		} else {
			put_json_str(o, s);
		}
		break;
	case T_STRS:
		put(o, "[", 1);
		for (i = 0; i < r->n_roles; i++) {
			if (i)
				put(o, ",", 1);
			put_json_str(o, r->roles[i]);
		}
		put(o, "]", 1);
		break;
	case T_UINT:
		put_u64(o, uint_of(r, f));
		break;
	}
}

size_t pc_event_rec_json(char *buf, size_t cap, const struct pc_event_rec *r)
{
	struct out o = { .p = buf, .cap = cap };
	size_t i;

	put(&o, "{", 1);
	for (i = 0; i < PC_EF_N; i++) {
		const struct field *f = &fields[i];

		if (!pc_event_rec_has(r, (enum pc_event_field_id)i))
			continue;
		/* the first key has no comma before it */
		if (o.n == 1)
			put(&o, f->json + 1, f->json_len - 1);
		else
			put(&o, f->json, f->json_len);
		put_json_value(&o, r, f);
	}
	PUT_LIT(&o, "}\n");
	return o.n;
}

size_t pc_event_format_json(char *buf, size_t cap, const struct pc_event_ctx *c,
			    const struct pc_event *e)
{
	struct pc_event_rec r;

	pc_event_rec_from(&r, c, e);
	return pc_event_rec_json(buf, cap, &r);
}

static void put_kv_field(struct out *o, const struct pc_event_rec *r, const struct field *f)
{
	size_t i;

	put_str(o, f->key);
	put(o, "=", 1);
	switch (f->type) {
	case T_STR:
	case T_NAME:
		put_kv_value(o, str_of(r, f));
		break;
	case T_STRS:
		for (i = 0; i < r->n_roles; i++) {
			if (i)
				put(o, ",", 1);
			put_str(o, r->roles[i]);
		}
		if (!r->n_roles)
			put(o, "-", 1);
		break;
	case T_UINT:
		put_u64(o, uint_of(r, f));
		break;
	}
}

/* The syslog fields of R that are present, free text or the rest. */
static void put_kv_fields(struct out *o, const struct pc_event_rec *r, bool free_text)
{
	size_t i;

	for (i = 0; i < PC_EF_N; i++) {
		const struct field *f = &fields[i];

		if (!(f->flags & F_KV) || (f->text == X_LAST) != free_text ||
		    !pc_event_rec_has(r, (enum pc_event_field_id)i))
			continue;
		if (o->n)
			put(o, " ", 1);
		put_kv_field(o, r, f);
	}
}

/* NUL-terminate what O holds, cut short when it did not fit; its length. */
static size_t out_end(struct out *o)
{
	if (o->n < o->cap)
		o->p[o->n] = '\0';
	else if (o->cap)
		o->p[o->cap - 1] = '\0';
	return o->n;
}

size_t pc_event_rec_kv(char *buf, size_t cap, const struct pc_event_rec *r)
{
	struct out o = { .p = buf, .cap = cap };

	put_kv_fields(&o, r, false);
	/* free text (the hint) last: the one value that is mostly spaces */
	put_kv_fields(&o, r, true);
	return out_end(&o);
}

size_t pc_event_format_kv(char *buf, size_t cap, const struct pc_event_ctx *c,
			  const struct pc_event *e)
{
	struct pc_event_rec r;

	pc_event_rec_from(&r, c, e);
	return pc_event_rec_kv(buf, cap, &r);
}

size_t pc_event_rec_value(char *buf, size_t cap, const struct pc_event_rec *r,
			  enum pc_event_field_id id)
{
	struct out o = { .p = buf, .cap = cap };
	const struct field *f = &fields[id];
	size_t i;

	switch (f->type) {
	case T_STR:
	case T_NAME:
		put_str(&o, str_of(r, f));
		break;
	case T_STRS:
		for (i = 0; i < r->n_roles; i++) {
			if (i)
				put(&o, ",", 1);
			put_str(&o, r->roles[i]);
		}
		break;
	case T_UINT:
		put_u64(&o, uint_of(r, f));
		break;
	}
	return out_end(&o);
}

/* --- reading: the grammar ---------------------------------------------------- */

struct parser {
	char *p;
};

static void skip_ws(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A string at ps->p, decoded in place; *out points at it. Our writer
 * only escapes ASCII, so \u is accepted for code points below 0x80. */
static int parse_string(struct parser *ps, const char **out)
{
	char *w, *r = ps->p;

	if (*r++ != '"')
		return -EINVAL;
	*out = w = r;
	for (;;) {
		char ch = *r++;

		if (ch == '"')
			break;
		if (!ch || (unsigned char)ch < 0x20)
			return -EINVAL;
		if (ch == '\\') {
			int h[4], i;

			switch (*r++) {
			case '"': ch = '"'; break;
			case '\\': ch = '\\'; break;
			case '/': ch = '/'; break;
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'u':
				for (i = 0; i < 4; i++)
					if ((h[i] = hexval(r[i])) < 0)
						return -EINVAL;
				if (h[0] || h[1] || h[2] > 7 || (!h[2] && !h[3]))
					return -EINVAL;
				ch = (char)(h[2] << 4 | h[3]);
				r += 4;
				break;
			default:
				return -EINVAL;
			}
		}
		*w++ = ch;
	}
	*w = '\0';	/* w < r: the closing quote at least is behind us */
	ps->p = r;
	return 0;
}

static int parse_uint(struct parser *ps, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	char *p = ps->p;

	if (*p < '0' || *p > '9' || (*p == '0' && p[1] >= '0' && p[1] <= '9'))
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (max - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	ps->p = p;
	*v = x;
	return 0;
}

static int parse_word(struct parser *ps)
{
	static const char *const words[] = { "true", "false", "null" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strncmp(ps->p, words[i], strlen(words[i]))) {
			ps->p += strlen(words[i]);
			return 0;
		}
	return -EINVAL;
}

/* An array of strings; up to MAX of them land in OUT. */
static int parse_strings(struct parser *ps, const char **out, size_t max, size_t *n)
{
	const char *s;

	*n = 0;
	if (*ps->p++ != '[')
		return -EINVAL;
	skip_ws(ps);
	if (*ps->p == ']') {
		ps->p++;
		return 0;
	}
	for (;;) {
		skip_ws(ps);
		if (parse_string(ps, &s))
			return -EINVAL;
		if (*n < max)
			out[(*n)++] = s;
		skip_ws(ps);
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		if (*ps->p++ != ',')
			return -EINVAL;
	}
}

/* The value of a key we do not use: anything our value grammar allows. */
static int skip_value(struct parser *ps)
{
	const char *tmp[1];
	uint64_t v;
	size_t n;

	if (*ps->p == '"')
		return parse_string(ps, tmp);
	if (*ps->p == '[')
		return parse_strings(ps, tmp, 0, &n);
	if (*ps->p >= '0' && *ps->p <= '9')
		return parse_uint(ps, UINT64_MAX, &v);
	return parse_word(ps);
}

/* --- reading: the record ---------------------------------------------------- */

static const struct field *field_of(const char *key, size_t *id)
{
	size_t i;

	for (i = 0; i < PC_EF_N; i++)
		if (!strcmp(key, fields[i].key)) {
			*id = i;
			return &fields[i];
		}
	return NULL;
}

/* A T_NAME value: a name (of the table, when strict) or, leniently, a number. */
static int parse_name(struct parser *ps, struct pc_event_rec *r, const struct field *f, size_t id)
{
	const char **s = str_ref(r, f);
	unsigned int v;
	uint64_t n;

	if (*ps->p == '"') {
		if (parse_string(ps, s))
			return -EINVAL;
		return (f->flags & F_STRICT) && pc_name_parse(f->names, *s, &v) ? -EINVAL : 0;
	}
	if ((f->flags & F_STRICT) || parse_uint(ps, uint_max(f->ev_size), &n))
		return -EINVAL;
	snprintf(r->store.num[id], sizeof(r->store.num[id]), "%u", (unsigned int)n);
	*s = r->store.num[id];
	return 0;
}

static int parse_field(struct parser *ps, const char *key, struct pc_event_rec *r)
{
	const struct field *f;
	uint64_t v;
	size_t id;
	int err = 0;

	f = field_of(key, &id);
	if (!f)
		return skip_value(ps);	/* a newer daemon's: not ours to judge */
	switch (f->type) {
	case T_STR:
		err = parse_string(ps, str_ref(r, f));
		break;
	case T_NAME:
		err = parse_name(ps, r, f, id);
		break;
	case T_STRS:
		err = parse_strings(ps, r->store.roles, PC_EVENT_REC_MAX_ROLES, &r->n_roles);
		r->roles = r->store.roles;
		break;
	case T_UINT:
		err = parse_uint(ps, uint_max(f->size), &v);
		if (!err)
			uint_set((char *)r + f->off, f->size, v);
		break;
	}
	if (err)
		return -EINVAL;
	r->has |= 1u << id;
	return 0;
}

int pc_event_parse_json(char *line, struct pc_event_rec *r)
{
	struct parser ps = { .p = line };
	const char *key;
	unsigned need;
	size_t i;

	memset(r, 0, sizeof(*r));
	skip_ws(&ps);
	if (*ps.p++ != '{')
		return -EINVAL;
	skip_ws(&ps);
	while (*ps.p != '}') {
		if (parse_string(&ps, &key))
			return -EINVAL;
		skip_ws(&ps);
		if (*ps.p++ != ':')
			return -EINVAL;
		skip_ws(&ps);
		if (parse_field(&ps, key, r))
			return -EINVAL;
		skip_ws(&ps);
		if (*ps.p == ',') {
			ps.p++;
			skip_ws(&ps);
			if (*ps.p == '}')
				return -EINVAL;
		} else if (*ps.p != '}') {
			return -EINVAL;
		}
	}
	ps.p++;
	skip_ws(&ps);
	if (*ps.p == '\r')
		ps.p++;
	if (*ps.p == '\n')
		ps.p++;
	if (*ps.p)
		return -EINVAL;
	/* a packet needs its flow, a change what changed */
	need = pc_event_rec_has(r, PC_EF_KIND) ? F_REQ_CHANGE : F_REQUIRED;
	for (i = 0; i < PC_EF_N; i++)
		if ((fields[i].flags & need) && !pc_event_rec_has(r, (enum pc_event_field_id)i))
			return -EINVAL;
	return 0;
}

/* --- the human line ------------------------------------------------------------ */

/* "10.0.0.7:80" or "[2001:db8::7]:80". */
static void put_endpoint(struct out *o, const char *addr, uint16_t port)
{
	bool v6 = strchr(addr, ':') != NULL;

	if (v6)
		put(o, "[", 1);
	put_safe(o, addr);
	if (v6)
		put(o, "]", 1);
	put(o, ":", 1);
	put_u64(o, port);
}

static void put_flow(struct out *o, const struct pc_event_rec *r)
{
	const struct pc_names *icmp;
	unsigned int proto = 0;
	const char *type;

	pc_name_parse(&pc_names_proto, r->proto, &proto);
	icmp = pc_names_icmp_of((uint8_t)proto);

	put_safe(o, r->proto);
	put(o, " ", 1);
	if (icmp) {
		/* ICMP has no ports: the event's dport is the message type */
		put_safe(o, r->src);
		PUT_LIT(o, " > ");
		put_safe(o, r->dst);
		put(o, " ", 1);
		type = pc_name_of(icmp, r->dport);
		if (type) {
			put_str(o, type);
		} else {
			PUT_LIT(o, "type ");
			put_u64(o, r->dport);
		}
		return;
	}
	put_endpoint(o, r->src, r->sport);
	PUT_LIT(o, " > ");
	put_endpoint(o, r->dst, r->dport);
}

/* milliseconds are enough on a terminal: cut "...:00.123456789Z" */
static void show_ts(struct out *o, const struct pc_event_rec *r, const struct field *f)
{
	if (strlen(r->ts) == PC_EVENT_TS_LEN && r->ts[19] == '.') {
		put(o, r->ts, 23);
		put(o, "Z", 1);
	} else {
		put_safe(o, r->ts);
	}
}

/* "deny " and "audit" (and a change's kind, "revert"): the scopes line up */
static void show_verdict(struct out *o, const struct pc_event_rec *r, const struct field *f)
{
	const char *s = str_of(r, f);
	size_t n = strlen(s);

	put(o, " ", 1);
	put_safe(o, s);
	put(o, "     ", n < 5 ? 5 - n : 0);
}

/* "mode enforce: not confirmed in time," and then "restored: mode audit" */
static void show_change(struct out *o, const struct pc_event_rec *r, const struct field *f)
{
	put(o, " ", 1);
	put_safe(o, r->change);
	if (r->kind && !strcmp(r->kind, PC_EVENT_KIND_REVERT))
		PUT_LIT(o, ": not confirmed in time,");
}

static void show_flow(struct out *o, const struct pc_event_rec *r, const struct field *f)
{
	put(o, " ", 1);
	put_flow(o, r);
}

/* tc-ingress and tc-egress go without saying: an interface scope and the
 * direction say it. A cgroup scope has four hooks, and connect4 is a
 * refused call where cgroup-egress is a dropped packet. */
static void show_hook(struct out *o, const struct pc_event_rec *r, const struct field *f)
{
	unsigned int hook;

	if (!pc_name_parse(&pc_names_hook, r->hook, &hook) &&
	    (hook == PC_HOOK_TC_IN || hook == PC_HOOK_TC_OUT))
		return;
	PUT_LIT(o, " hook=");
	put_safe(o, r->hook);
}

static void put_text_value(struct out *o, const struct pc_event_rec *r, const struct field *f)
{
	size_t i;

	switch (f->type) {
	case T_STR:
	case T_NAME:
		put_safe(o, str_of(r, f));
		break;
	case T_STRS:
		for (i = 0; i < r->n_roles; i++) {
			if (i)
				put(o, ",", 1);
			put_safe(o, r->roles[i]);
		}
		break;
	case T_UINT:
		put_u64(o, uint_of(r, f));
		break;
	}
}

/* The fields of R shown at PLACE, in the table's order. */
static void put_text_fields(struct out *o, const struct pc_event_rec *r, enum place place)
{
	size_t i;

	for (i = 0; i < PC_EF_N; i++) {
		const struct field *f = &fields[i];

		if (f->text != place || !pc_event_rec_has(r, (enum pc_event_field_id)i))
			continue;
		if (f->type == T_STRS && !r->n_roles)
			continue;	/* no roles: nothing to say */
		if (f->show) {
			f->show(o, r, f);
			continue;
		}
		put(o, " ", 1);
		if (place != X_LEAD) {
			put_str(o, f->key);
			put_str(o, place == X_LAST ? ": " : "=");
		}
		put_text_value(o, r, f);
	}
}

size_t pc_event_format_text(char *buf, size_t cap, const struct pc_event_rec *r)
{
	struct out o = { .p = buf, .cap = cap };

	put_text_fields(&o, r, X_LEAD);
	put_text_fields(&o, r, X_KEY);
	put_text_fields(&o, r, X_LAST);
	put(&o, "\n", 1);
	return out_end(&o);
}
