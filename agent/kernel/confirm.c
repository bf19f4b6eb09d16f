// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/confirm.h"
#include "lib/file.h"
#include "lib/names.h"

static const char *const kind_names[] = {
	[PC_CONFIRM_MODE] = "mode",
	[PC_CONFIRM_APPLY] = "apply",
};

const char *pc_confirm_kind_name(enum pc_confirm_kind k)
{
	return k <= PC_CONFIRM_APPLY ? kind_names[k] : "?";
}

void pc_confirm_boot_id(char *buf, size_t len)
{
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int confirm_path(char *buf, size_t len, const char *run_dir, const char *name)
{
	int n = snprintf(buf, len, "%s/confirm%s%s", run_dir, name ? "/" : "", name ? name : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* NAME in RUN_DIR/confirm/ made from WRITE, whole or not at all. */
static int write_atomic(const char *run_dir, const char *name,
			int (*write)(FILE *f, const void *arg), const void *arg)
{
	char path[PATH_MAX];
	int err;

	err = confirm_path(path, sizeof(path), run_dir, name);
	return err ? err : pc_write_private_atomic(path, write, arg);
}

static int write_record(FILE *f, const void *arg)
{
	const struct pc_confirm *c = arg;
	int i;

	fprintf(f, "version 1\nkind %s\nchange %s\ndeadline %lld\nboot_id %s\n",
		pc_confirm_kind_name(c->kind), c->change, (long long)c->deadline,
		c->boot_id[0] ? c->boot_id : "-");
	if (c->kind == PC_CONFIRM_APPLY)
		fprintf(f, "digest %s\nconfig %s\n", c->digest, c->config);
	for (i = 0; i < c->n_scopes; i++)
		fprintf(f, "scope %s %s\n", pc_mode_name(c->scopes[i].mode), c->scopes[i].name);
	return ferror(f) ? -EIO : 0;
}

struct text {
	const char *p;
	size_t len;
};

static int write_text(FILE *f, const void *arg)
{
	const struct text *t = arg;

	return fwrite(t->p, 1, t->len, f) == t->len ? 0 : -EIO;
}

/* RUN_DIR/confirm, root's alone. */
static int make_dir(const char *run_dir)
{
	char dir[PATH_MAX];
	int err = confirm_path(dir, sizeof(dir), run_dir, NULL);

	if (err)
		return err;
	if ((mkdir(run_dir, 0700) && errno != EEXIST) || (mkdir(dir, 0700) && errno != EEXIST))
		return -errno;
	return 0;
}

int pc_confirm_keep(const char *run_dir, const char *text, size_t len)
{
	struct text t = { text, len };
	int err = make_dir(run_dir);

	return err ? err : write_atomic(run_dir, "running.conf", write_text, &t);
}

int pc_confirm_write(const char *run_dir, const struct pc_confirm *c, const char *text,
		     size_t len)
{
	struct text t = { text, len };
	int err = make_dir(run_dir);

	if (err)
		return err;
	/* the text first: a record names what it needs only once that is there */
	if (text) {
		err = write_atomic(run_dir, "previous.conf", write_text, &t);
		if (err)
			return err;
	}
	return write_atomic(run_dir, "pending", write_record, c);
}

static int parse_line(struct pc_confirm *c, char *line)
{
	char *val = strchr(line, ' ');
	unsigned int m;

	if (!val)
		return 0;
	*val++ = '\0';
	val[strcspn(val, "\n")] = '\0';
	if (!strcmp(line, "kind")) {
		if (!strcmp(val, kind_names[PC_CONFIRM_MODE]))
			c->kind = PC_CONFIRM_MODE;
		else if (!strcmp(val, kind_names[PC_CONFIRM_APPLY]))
			c->kind = PC_CONFIRM_APPLY;
		else
			return -EINVAL;
	} else if (!strcmp(line, "change")) {
		snprintf(c->change, sizeof(c->change), "%s", val);
	} else if (!strcmp(line, "deadline")) {
		c->deadline = (time_t)atoll(val);
	} else if (!strcmp(line, "boot_id")) {
		snprintf(c->boot_id, sizeof(c->boot_id), "%s", strcmp(val, "-") ? val : "");
	} else if (!strcmp(line, "digest")) {
		snprintf(c->digest, sizeof(c->digest), "%s", val);
	} else if (!strcmp(line, "config")) {
		snprintf(c->config, sizeof(c->config), "%s", val);
	} else if (!strcmp(line, "scope") && c->n_scopes < PC_MAX_SCOPES) {
		struct pc_confirm_scope *s = &c->scopes[c->n_scopes];
		char *name = strchr(val, ' ');

		if (!name)
			return -EINVAL;
		*name++ = '\0';
		if (pc_name_parse(&pc_names_mode, val, &m))
			return -EINVAL;
		s->mode = m;
		snprintf(s->name, sizeof(s->name), "%s", name);
		c->n_scopes++;
	}
	return 0;
}

int pc_confirm_read(const char *run_dir, struct pc_confirm *c)
{
	char path[PATH_MAX], line[8192];
	bool version = false;
	FILE *f;
	int err;

	memset(c, 0, sizeof(*c));
	err = confirm_path(path, sizeof(path), run_dir, "pending");
	if (err)
		return err;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		if (!strcmp(line, "version 1\n"))
			version = true;
		else
			err = parse_line(c, line);
	}
	fclose(f);
	/* a record without its version or deadline is not one we wrote */
	if (!err && (!version || !c->deadline))
		err = -EINVAL;
	if (!err && c->kind == PC_CONFIRM_APPLY && (!c->digest[0] || !c->config[0]))
		err = -EINVAL;
	return err;
}

int pc_confirm_read_text(const char *path, char **text, size_t *len)
{
	struct stat sb;
	ssize_t n;
	int fd, err;

	*text = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	*text = malloc((size_t)sb.st_size + 1);
	if (!*text) {
		close(fd);
		return -ENOMEM;
	}
	n = read(fd, *text, (size_t)sb.st_size);
	err = n < 0 ? -errno : n != sb.st_size ? -EIO : 0;
	close(fd);
	if (err) {
		free(*text);
		*text = NULL;
		return err;
	}
	(*text)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

static int read_kept(const char *run_dir, const char *name, char **text, size_t *len)
{
	char path[PATH_MAX];
	int err = confirm_path(path, sizeof(path), run_dir, name);

	*text = NULL;
	return err ? err : pc_confirm_read_text(path, text, len);
}

int pc_confirm_read_previous(const char *run_dir, char **text, size_t *len)
{
	return read_kept(run_dir, "previous.conf", text, len);
}

int pc_confirm_read_kept(const char *run_dir, char **text, size_t *len)
{
	return read_kept(run_dir, "running.conf", text, len);
}

int pc_confirm_remove(const char *run_dir)
{
	char path[PATH_MAX];
	int err = confirm_path(path, sizeof(path), run_dir, "pending");

	if (err)
		return err;
	/* the record first: without it previous.conf means nothing */
	if (unlink(path) && errno != ENOENT)
		return -errno;
	confirm_path(path, sizeof(path), run_dir, "previous.conf");
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}
