// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <arpa/inet.h>
#include <string.h>

#include "event_format.h"
#include "json.h"
#include "proto.h"

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

static void addr_format(const uint8_t *a, char *buf, size_t len)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (!memcmp(a, mapped, sizeof(mapped)))
		inet_ntop(AF_INET, a + 12, buf, (socklen_t)len);
	else
		inet_ntop(AF_INET6, a, buf, (socklen_t)len);
}

static void ts_format(const struct pc_event_ctx *c, uint64_t ns, char *buf, size_t len)
{
	long long t = (long long)ns + c->boot_to_real.tv_sec * 1000000000ll + c->boot_to_real.tv_nsec;
	time_t sec = (time_t)(t / 1000000000ll);
	struct tm tm;
	char d[32];

	gmtime_r(&sec, &tm);
	strftime(d, sizeof(d), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09lldZ", d, t % 1000000000ll);
}

void pc_event_write_json(FILE *f, const struct pc_event_ctx *c, const struct pc_event *e)
{
	const struct pc_scope_info *s = c->tables && e->scope < c->tables->n_scopes
					? &c->tables->scopes[e->scope] : NULL;
	const char *proto = pc_proto_name(e->proto);
	char buf[64], comm[17];
	struct pc_json j;
	size_t i;

	pc_json_init(&j, f);
	pc_json_begin_object(&j);
	ts_format(c, e->ts_ns, buf, sizeof(buf));
	pc_json_key(&j, "ts"); pc_json_string(&j, buf);
	pc_json_key(&j, "verdict");
	pc_json_string(&j, e->verdict == PC_VERDICT_DENY ? "deny" : "audit");
	pc_json_key(&j, "scope");
	if (s) {
		pc_json_string(&j, s->name);
	} else {
		snprintf(buf, sizeof(buf), "scope:%u", e->scope);
		pc_json_string(&j, buf);
	}
	pc_json_key(&j, "roles");
	pc_json_begin_array(&j);
	for (i = 0; s && i < s->n_roles; i++)
		pc_json_string(&j, s->roles[i]);
	pc_json_end_array(&j);
	pc_json_key(&j, "dir"); pc_json_string(&j, e->dir == PC_DIR_IN ? "in" : "out");
	if (proto) {
		pc_json_key(&j, "proto"); pc_json_string(&j, proto);
	} else {
		pc_json_key(&j, "proto"); pc_json_uint(&j, e->proto);
	}
	addr_format(e->saddr, buf, sizeof(buf));
	pc_json_key(&j, "src"); pc_json_string(&j, buf);
	pc_json_key(&j, "sport"); pc_json_uint(&j, e->sport);
	addr_format(e->daddr, buf, sizeof(buf));
	pc_json_key(&j, "dst"); pc_json_string(&j, buf);
	pc_json_key(&j, "dport"); pc_json_uint(&j, e->dport);
	pc_json_key(&j, "count"); pc_json_uint(&j, e->count);
	if (c->hint) {
		pc_json_key(&j, "hint"); pc_json_string(&j, c->hint);
	}
	if (e->flags & PC_EV_F_TASK) {
		memcpy(comm, e->comm, 16);
		comm[16] = '\0';
		pc_json_key(&j, "pid"); pc_json_uint(&j, e->pid);
		pc_json_key(&j, "comm"); pc_json_string(&j, comm);
		pc_json_key(&j, "uid"); pc_json_uint(&j, e->uid);
		pc_json_key(&j, "cgroup_id"); pc_json_uint(&j, e->cgroup_id);
	}
	pc_json_end_object(&j);
}
