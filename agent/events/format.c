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

/* S as a JSON string literal; the escapes pc_json_escape() uses. */
static void put_json_str(struct out *o, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	put(o, "\"", 1);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		put(o, run, (size_t)(s - run));
		run = s + 1;
		switch (ch) {
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
	put(o, run, (size_t)(s - run));
	put(o, "\"", 1);
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

/* --- writing ---------------------------------------------------------------- */

static const struct pc_scope_info *scope_of(const struct pc_event_ctx *c,
					    const struct pc_event *e)
{
	return c->tables && e->scope < c->tables->n_scopes ? &c->tables->scopes[e->scope] : NULL;
}

static void put_scope_name(struct out *o, const struct pc_scope_info *s, const struct pc_event *e,
			   bool json)
{
	char buf[32];

	if (s) {
		if (json)
			put_json_str(o, s->name);
		else
			put_str(o, s->name);
		return;
	}
	snprintf(buf, sizeof(buf), json ? "\"scope:%u\"" : "scope:%u", e->scope);
	put_str(o, buf);
}

static void put_proto(struct out *o, uint8_t proto, bool json)
{
	const char *name = pc_name_of(&pc_names_proto, proto);

	if (!name) {
		put_u64(o, proto);
	} else if (json) {
		put(o, "\"", 1);
		put_str(o, name);
		put(o, "\"", 1);
	} else {
		put_str(o, name);
	}
}

static void comm_of(const struct pc_event *e, char comm[17])
{
	memcpy(comm, e->comm, 16);
	comm[16] = '\0';
}

size_t pc_event_format_json(char *buf, size_t cap, const struct pc_event_ctx *c,
			    const struct pc_event *e)
{
	const struct pc_scope_info *s = scope_of(c, e);
	struct out o = { .p = buf, .cap = cap };
	char a[INET6_ADDRSTRLEN], comm[17];
	size_t i;

	PUT_LIT(&o, "{\"ts\":\"");
	pc_event_format_ts(real_ns(c, e->ts_ns), a);
	put(&o, a, PC_EVENT_TS_LEN);
	if (e->verdict == PC_VERDICT_DENY)
		PUT_LIT(&o, "\",\"verdict\":\"deny\",\"scope\":");
	else
		PUT_LIT(&o, "\",\"verdict\":\"audit\",\"scope\":");
	put_scope_name(&o, s, e, true);
	PUT_LIT(&o, ",\"roles\":[");
	for (i = 0; s && i < s->n_roles; i++) {
		if (i)
			put(&o, ",", 1);
		put_json_str(&o, s->roles[i]);
	}
	if (e->dir == PC_DIR_IN)
		PUT_LIT(&o, "],\"dir\":\"in\",\"proto\":");
	else
		PUT_LIT(&o, "],\"dir\":\"out\",\"proto\":");
	put_proto(&o, e->proto, true);
	PUT_LIT(&o, ",\"src\":\"");
	put(&o, a, addr_format(e->saddr, a));
	PUT_LIT(&o, "\",\"sport\":");
	put_u64(&o, e->sport);
	PUT_LIT(&o, ",\"dst\":\"");
	put(&o, a, addr_format(e->daddr, a));
	PUT_LIT(&o, "\",\"dport\":");
	put_u64(&o, e->dport);
	PUT_LIT(&o, ",\"count\":");
	put_u64(&o, e->count);
	if (c->hint) {
		PUT_LIT(&o, ",\"hint\":");
		put_json_str(&o, c->hint);
	}
	if (e->flags & PC_EV_F_TASK) {
		comm_of(e, comm);
		PUT_LIT(&o, ",\"pid\":");
		put_u64(&o, e->pid);
		PUT_LIT(&o, ",\"comm\":");
		put_json_str(&o, comm);
		PUT_LIT(&o, ",\"uid\":");
		put_u64(&o, e->uid);
		PUT_LIT(&o, ",\"cgroup_id\":");
		put_u64(&o, e->cgroup_id);
	}
	/* The socket's cgroup: known at every cgroup hook, with or without a task. */
	if (c->cgroup) {
		PUT_LIT(&o, ",\"cgroup\":");
		put_json_str(&o, c->cgroup);
	}
	PUT_LIT(&o, "}\n");
	return o.n;
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

size_t pc_event_format_kv(char *buf, size_t cap, const struct pc_event_ctx *c,
			  const struct pc_event *e)
{
	const struct pc_scope_info *s = scope_of(c, e);
	struct out o = { .p = buf, .cap = cap };
	char a[INET6_ADDRSTRLEN], comm[17];
	size_t i;

	put_str(&o, e->verdict == PC_VERDICT_DENY ? "verdict=deny scope=" : "verdict=audit scope=");
	put_scope_name(&o, s, e, false);
	PUT_LIT(&o, " roles=");
	for (i = 0; s && i < s->n_roles; i++) {
		if (i)
			put(&o, ",", 1);
		put_str(&o, s->roles[i]);
	}
	if (!s || !s->n_roles)
		put(&o, "-", 1);
	put_str(&o, e->dir == PC_DIR_IN ? " dir=in proto=" : " dir=out proto=");
	put_proto(&o, e->proto, false);
	PUT_LIT(&o, " src=");
	put(&o, a, addr_format(e->saddr, a));
	PUT_LIT(&o, " sport=");
	put_u64(&o, e->sport);
	PUT_LIT(&o, " dst=");
	put(&o, a, addr_format(e->daddr, a));
	PUT_LIT(&o, " dport=");
	put_u64(&o, e->dport);
	PUT_LIT(&o, " count=");
	put_u64(&o, e->count);
	if (e->flags & PC_EV_F_TASK) {
		comm_of(e, comm);
		PUT_LIT(&o, " pid=");
		put_u64(&o, e->pid);
		PUT_LIT(&o, " comm=");
		put_kv_value(&o, comm);
		PUT_LIT(&o, " uid=");
		put_u64(&o, e->uid);
	}
	if (c->hint) {
		PUT_LIT(&o, " hint=");
		put_kv_value(&o, c->hint);
	}
	if (o.n < cap)
		buf[o.n] = '\0';
	else if (cap)
		buf[cap - 1] = '\0';
	return o.n;
}

/* --- reading ---------------------------------------------------------------- */

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

enum { F_TS = 1, F_VERDICT = 2, F_SCOPE = 4, F_DIR = 8, F_PROTO = 16, F_SRC = 32,
       F_DST = 64, F_DPORT = 128, F_COUNT = 256, F_REQUIRED = 511 };

static int parse_field(struct parser *ps, const char *key, struct pc_event_rec *r,
		       unsigned *seen)
{
	static const struct {
		const char *key;
		unsigned flag;
		size_t off;	/* of a const char * in the record */
	} strs[] = {
		{ "ts", F_TS, offsetof(struct pc_event_rec, ts) },
		{ "verdict", F_VERDICT, offsetof(struct pc_event_rec, verdict) },
		{ "scope", F_SCOPE, offsetof(struct pc_event_rec, scope) },
		{ "dir", F_DIR, offsetof(struct pc_event_rec, dir) },
		{ "src", F_SRC, offsetof(struct pc_event_rec, src) },
		{ "dst", F_DST, offsetof(struct pc_event_rec, dst) },
		{ "hint", 0, offsetof(struct pc_event_rec, hint) },
		{ "comm", 0, offsetof(struct pc_event_rec, comm) },
	};
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (!strcmp(key, strs[i].key)) {
			*seen |= strs[i].flag;
			return parse_string(ps, (const char **)((char *)r + strs[i].off));
		}
	if (!strcmp(key, "roles"))
		return parse_strings(ps, r->roles, PC_EVENT_REC_MAX_ROLES, &r->n_roles);
	if (!strcmp(key, "proto")) {
		*seen |= F_PROTO;
		if (*ps->p == '"')
			return parse_string(ps, &r->proto);
		if (parse_uint(ps, 255, &v))
			return -EINVAL;
		snprintf(r->proto_num, sizeof(r->proto_num), "%u", (unsigned)v);
		r->proto = r->proto_num;
		return 0;
	}
	if (!strcmp(key, "sport") || !strcmp(key, "dport")) {
		if (parse_uint(ps, UINT16_MAX, &v))
			return -EINVAL;
		*(key[0] == 's' ? &r->sport : &r->dport) = (uint16_t)v;
		*seen |= key[0] == 'd' ? F_DPORT : 0;
		return 0;
	}
	if (!strcmp(key, "count") || !strcmp(key, "pid") || !strcmp(key, "uid")) {
		if (parse_uint(ps, UINT32_MAX, &v))
			return -EINVAL;
		if (key[0] == 'c')
			r->count = (uint32_t)v;
		else
			*(key[0] == 'p' ? &r->pid : &r->uid) = (uint32_t)v;
		*seen |= key[0] == 'c' ? F_COUNT : 0;
		r->has_task |= key[0] == 'p';
		return 0;
	}
	if (!strcmp(key, "cgroup_id"))
		return parse_uint(ps, UINT64_MAX, &r->cgroup_id);
	return skip_value(ps);
}

int pc_event_parse_json(char *line, struct pc_event_rec *r)
{
	struct parser ps = { .p = line };
	unsigned seen = 0;
	const char *key;

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
		if (parse_field(&ps, key, r, &seen))
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
	if (*ps.p || (seen & F_REQUIRED) != F_REQUIRED)
		return -EINVAL;
	if (strcmp(r->verdict, "deny") && strcmp(r->verdict, "audit"))
		return -EINVAL;
	if (strcmp(r->dir, "in") && strcmp(r->dir, "out"))
		return -EINVAL;
	if (!r->comm)
		r->has_task = false;
	return 0;
}

/* Text from the log, made safe for a terminal: controls become '?'. */
static void put_safe(struct out *o, const char *s)
{
	for (; *s; s++)
		put(o, (unsigned char)*s < 0x20 || *s == 0x7f ? "?" : s, 1);
}

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

size_t pc_event_format_text(char *buf, size_t cap, const struct pc_event_rec *r)
{
	struct out o = { .p = buf, .cap = cap };
	size_t i, ts_len = strlen(r->ts);

	/* milliseconds are enough on a terminal: cut "...:00.123456789Z" */
	if (ts_len == PC_EVENT_TS_LEN && r->ts[19] == '.') {
		put(&o, r->ts, 23);
		put(&o, "Z", 1);
	} else {
		put_safe(&o, r->ts);
	}
	put_str(&o, strcmp(r->verdict, "deny") ? " audit " : " deny  ");
	put_safe(&o, r->scope);
	put(&o, " ", 1);
	put_str(&o, r->dir);
	put(&o, " ", 1);
	put_flow(&o, r);
	for (i = 0; i < r->n_roles; i++) {
		put_str(&o, i ? "," : " roles=");
		put_safe(&o, r->roles[i]);
	}
	PUT_LIT(&o, " count=");
	put_u64(&o, r->count);
	if (r->has_task) {
		PUT_LIT(&o, " pid=");
		put_u64(&o, r->pid);
		PUT_LIT(&o, " comm=");
		put_safe(&o, r->comm);
		PUT_LIT(&o, " uid=");
		put_u64(&o, r->uid);
	}
	if (r->hint) {
		PUT_LIT(&o, " hint: ");
		put_safe(&o, r->hint);
	}
	put(&o, "\n", 1);
	if (o.n < cap)
		buf[o.n] = '\0';
	else if (cap)
		buf[cap - 1] = '\0';
	return o.n;
}
