// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * hold.c - the daemon's references to what is pinned (see hold.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "kernel/attach.h"
#include "kernel/bpffs.h"
#include "kernel/hold.h"
#include "lib/array.h"

const char *pc_hold_kind_name(enum pc_pin_sub kind)
{
	return kind == PC_PIN_PROGS ? "programs" : pc_pin_sub_dir(kind);
}

static int pin_path(char *buf, size_t len, const char *pin_dir, const struct pc_hold_pin *p)
{
	return pc_pin_path(buf, len, pin_dir, pc_pin_sub_dir(p->kind), p->name);
}

static void close_all(struct pc_hold_pin *pins, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (pins[i].fd >= 0)
			close(pins[i].fd);
}

void pc_hold_close(struct pc_hold *h)
{
	close_all(h->pins, h->n);
	free(h->pins);
	h->pins = NULL;
	h->n = h->cap = 0;
}

static int add(struct pc_hold_pin **v, size_t *n, size_t *cap, const struct pc_hold_pin *p)
{
	if (pc_array_reserve((void **)v, cap, *n + 1, sizeof(**v)))
		return -ENOMEM;
	(*v)[(*n)++] = *p;
	return 0;
}

/* Every object pinned in PIN_DIR/SUB of KIND, held, onto V. */
static int hold_dir(const char *pin_dir, enum pc_pin_sub kind, struct pc_hold_pin **v,
		    size_t *n, size_t *cap)
{
	char dir[PATH_MAX];
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int err = pc_pin_path(dir, sizeof(dir), pin_dir, pc_pin_sub_dir(kind), NULL);

	if (err)
		return err;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct pc_hold_pin p = { .kind = kind, .fd = -1 };
		char path[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(p.name, sizeof(p.name), "%s", de->d_name);
		err = pin_path(path, sizeof(path), pin_dir, &p);
		if (err)
			break;
		p.fd = bpf_obj_get(path);
		if (p.fd < 0) {
			if (errno == ENOENT)	/* unpinned meanwhile */
				continue;
			err = -errno;
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &sb, 0)) {
			err = -errno;
			close(p.fd);
			break;
		}
		p.dev = sb.st_dev;
		p.ino = sb.st_ino;
		err = add(v, n, cap, &p);
		if (err) {
			close(p.fd);
			break;
		}
	}
	closedir(d);
	return err;
}

static bool pin_gone(const char *pin_dir, struct pc_hold_pin *p)
{
	char path[PATH_MAX];
	struct stat sb;

	if (pin_path(path, sizeof(path), pin_dir, p))
		return true;
	return stat(path, &sb) || sb.st_dev != p->dev || sb.st_ino != p->ino;
}

static bool named_in(const struct pc_hold_pin *p, const struct pc_hold_pin *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].kind == p->kind && !strcmp(v[i].name, p->name))
			return true;
	return false;
}

/* Is P one of the links ST's scopes have? The pins of their hooks are
 * named by the scope's prefix (attach.h), as pc_detach_links() keeps them. */
static bool link_of_state(const struct pc_hold_pin *p, const struct pc_state *st)
{
	char prefix[64];
	int i;

	for (i = 0; i < st->n_scopes; i++) {
		const struct pc_state_scope *s = &st->scopes[i];

		if (pc_scope_link_prefix(s->name, s->how, s->id, prefix, sizeof(prefix)) &&
		    !strncmp(p->name, prefix, strlen(prefix)))
			return true;
	}
	return false;
}

int pc_hold_refresh(struct pc_hold *h, const char *pin_dir, const struct pc_state *st)
{
	struct pc_hold_pin *v = NULL;
	size_t n = 0, cap = 0, opened, i;
	int k, err = 0;

	for (k = 0; k < PC_PIN__COUNT && !err; k++)
		err = hold_dir(pin_dir, (enum pc_pin_sub)k, &v, &n, &cap);
	opened = n;
	/* What the apply put in place but is not pinned now was lost since
	 * (before this refresh): it stays held, for pc_hold_repair(). An apply
	 * unpins only links of scopes it dropped (or of a tcx scope that fell
	 * back to clsact), never a map or a program. */
	for (i = 0; i < h->n && !err; i++) {
		struct pc_hold_pin *p = &h->pins[i];

		p->lost = !named_in(p, v, opened) && pin_gone(h->pin_dir, p) &&
			  (p->kind != PC_PIN_LINKS || link_of_state(p, st));
		if (p->lost)
			err = add(&v, &n, &cap, p);
	}
	if (err) {
		close_all(v, opened);	/* the old set stays as it was */
		free(v);
		return err;
	}
	/* The new set is held before the old goes: no link is without a reference. */
	for (i = 0; i < h->n; i++)
		if (h->pins[i].lost)
			h->pins[i].fd = -1;	/* moved to the new set */
	close_all(h->pins, h->n);
	free(h->pins);
	h->pins = v;
	h->n = n;
	h->cap = cap;
	snprintf(h->pin_dir, sizeof(h->pin_dir), "%s", pin_dir);
	return 0;
}

size_t pc_hold_lost(struct pc_hold *h)
{
	size_t i, lost = 0;

	for (i = 0; i < h->n; i++) {
		h->pins[i].lost = pin_gone(h->pin_dir, &h->pins[i]);
		lost += h->pins[i].lost;
	}
	return lost;
}

static void failed(struct pc_hold_repair *r, int err, const char *what)
{
	if (r->err)
		return;
	r->err = err;
	snprintf(r->failed, sizeof(r->failed), "%s", what);
}

int pc_hold_repair(struct pc_hold *h, struct pc_hold_repair *r)
{
	char path[PATH_MAX];
	struct stat sb;
	size_t i;
	int err;

	memset(r, 0, sizeof(*r));
	r->remade_dir = !pc_is_bpffs(h->pin_dir);
	err = pc_pin_dir_prepare(h->pin_dir, &r->mounted);
	if (err) {
		failed(r, err, h->pin_dir);
		return err;
	}
	for (i = 0; i < h->n; i++) {
		struct pc_hold_pin *p = &h->pins[i];

		if (!p->lost)
			continue;
		err = pin_path(path, sizeof(path), h->pin_dir, p);
		if (!err)
			err = bpf_obj_pin(p->fd, path) ? -errno : 0;
		if (!err)
			err = stat(path, &sb) ? -errno : 0;
		if (err) {
			failed(r, err, err == -ENAMETOOLONG ? p->name : path);
			continue;
		}
		p->dev = sb.st_dev;
		p->ino = sb.st_ino;
		p->lost = false;
		r->repinned[p->kind]++;
	}
	return r->err;
}
