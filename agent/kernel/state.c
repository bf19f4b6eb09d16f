// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/state.h"
#include "lib/file.h"
#include "lib/names.h"

/* The file spells modes and directions with the tables' names: 'enforce'
 * or 'audit' (pc_mode_name()) and 'in' or 'out'. */
static const char *dir_word(bool egress)
{
	return pc_name_of(&pc_names_dir, egress ? PC_DIR_OUT : PC_DIR_IN);
}

static int state_path(char *buf, size_t len, const char *run_dir, const char *suffix)
{
	int n = snprintf(buf, len, "%s/state%s", run_dir, suffix);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int write_state(FILE *f, const void *arg)
{
	const struct pc_state *s = arg;
	int i;

	fprintf(f, "version 2\npin_dir %s\nbpffs_mounted %d\nconfig %s\ndigest %s\n"
		"loaded %lld\nfailsafe %d\n", s->pin_dir, s->bpffs_mounted, s->config,
		s->digest[0] ? s->digest : "-", (long long)s->loaded, s->failsafe);
	for (i = 0; i < s->n_scopes; i++)
		fprintf(f, "attach %s %s %" PRIu64 " %u %s\n", pc_mode_name(s->scopes[i].mode),
			s->scopes[i].how, s->scopes[i].id, s->scopes[i].scope, s->scopes[i].name);
	for (i = 0; i < s->n_clsact; i++)
		fprintf(f, "clsact %d %s %u %u %d\n", s->clsact[i].ifindex,
			dir_word(s->clsact[i].egress), s->clsact[i].handle,
			s->clsact[i].priority, s->clsact[i].created_qdisc);
	return 0;
}

int pc_state_write(const char *run_dir, const struct pc_state *s)
{
	char path[PATH_MAX];
	int err;

	if (mkdir(run_dir, 0700) && errno != EEXIST)
		return -errno;
	err = state_path(path, sizeof(path), run_dir, "");
	return err ? err : pc_write_private_atomic(path, write_state, s);
}

static void parse_line(struct pc_state *s, char *line)
{
	char *sp = strchr(line, ' ');
	char *val;

	if (!sp)
		return;
	*sp = '\0';
	val = sp + 1;
	val[strcspn(val, "\n")] = '\0';
	if (!strcmp(line, "version"))
		s->version = atoi(val);
	else if (!strcmp(line, "pin_dir"))
		snprintf(s->pin_dir, sizeof(s->pin_dir), "%s", val);
	else if (!strcmp(line, "config"))
		snprintf(s->config, sizeof(s->config), "%s", val);
	else if (!strcmp(line, "bpffs_mounted"))
		s->bpffs_mounted = atoi(val);
	else if (!strcmp(line, "digest"))
		snprintf(s->digest, sizeof(s->digest), "%s", val);
	else if (!strcmp(line, "loaded"))
		s->loaded = (time_t)atoll(val);
	else if (!strcmp(line, "failsafe"))
		s->failsafe = atoi(val);
	else if (!strcmp(line, "attach") && s->n_scopes < PC_MAX_SCOPES) {
		struct pc_state_scope *sc = &s->scopes[s->n_scopes];
		char mode[16];
		unsigned int m;
		int ok;

		if (s->version >= 2) {
			ok = sscanf(val, "%15s %7s %" SCNu64 " %u %299[^\n]", mode, sc->how,
				    &sc->id, &sc->scope, sc->name) == 5;
		} else {	/* the scope id was the position */
			ok = sscanf(val, "%15s %7s %" SCNu64 " %299[^\n]", mode, sc->how, &sc->id,
				    sc->name) == 4;
			sc->scope = (uint32_t)s->n_scopes;
		}
		if (ok) {
			/* An unknown word reads as audit, the safe mode. */
			sc->mode = !pc_name_parse(&pc_names_mode, mode, &m) && m == PC_MODE_ENFORCE
				   ? PC_MODE_ENFORCE : PC_MODE_AUDIT;
			s->n_scopes++;
		}
	} else if (!strcmp(line, "clsact") && s->n_clsact < 2 * PC_MAX_SCOPES) {
		struct pc_clsact *c = &s->clsact[s->n_clsact];
		char dir[4];
		unsigned int d;
		int created;

		if (sscanf(val, "%d %3s %u %u %d", &c->ifindex, dir, &c->handle, &c->priority,
			   &created) == 5) {
			c->egress = !pc_name_parse(&pc_names_dir, dir, &d) && d == PC_DIR_OUT;
			c->created_qdisc = created;
			s->n_clsact++;
		}
	}
}

int pc_state_read(const char *run_dir, struct pc_state *s)
{
	char path[PATH_MAX], line[8192];
	FILE *f;
	int err;

	memset(s, 0, sizeof(*s));
	err = state_path(path, sizeof(path), run_dir, "");
	if (err)
		return err;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		parse_line(s, line);
	fclose(f);
	return 0;
}

int pc_state_remove(const char *run_dir)
{
	char path[PATH_MAX];
	int err = state_path(path, sizeof(path), run_dir, "");

	if (err)
		return err;
	return unlink(path) && errno != ENOENT ? -errno : 0;
}
