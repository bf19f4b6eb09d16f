// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * pinned.c - open the pinned maps of a loaded instance (see pinned.h).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kernel/instance.h"
#include "kernel/lock.h"
#include "kernel/pinned.h"

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void pc_pinned_close(struct pc_pinned *p)
{
	size_t i;

	for (i = 0; i < PC_MAPS_MAX; i++)
		close_fd(&p->maps.fd[i]);
	close_fd(&p->stats_fd);
	close_fd(&p->evstats_fd);
	close_fd(&p->ctstats_fd);
	close_fd(&p->reasons_fd);
}

int pc_pinned_open(const char *pin_dir, struct pc_pinned *p)
{
	const struct pc_map_table *tab = &pc_map_table;
	size_t i;
	int fd;

	*p = (struct pc_pinned)PC_PINNED_INIT;
	for (i = 0; i < tab->n; i++) {
		if (!(tab->rows[i].use & PC_MAP_USE_GEN))
			continue;
		fd = pc_pinned_map_open(pin_dir, tab->rows[i].name);
		if (fd < 0)
			goto fail;
		p->maps.fd[i] = fd;
	}
	fd = pc_pinned_map_open(pin_dir, PC_MAP_STATS);
	if (fd < 0)
		goto fail;
	p->stats_fd = fd;
	/* Optional: an instance loaded before event accounting has none. */
	fd = pc_pinned_map_open(pin_dir, PC_MAP_EVSTATS);
	p->evstats_fd = fd < 0 ? -1 : fd;
	fd = pc_pinned_map_open(pin_dir, PC_MAP_CTSTATS);
	p->ctstats_fd = fd < 0 ? -1 : fd;
	fd = pc_pinned_map_open(pin_dir, PC_MAP_REASONS);
	p->reasons_fd = fd < 0 ? -1 : fd;
	return 0;
fail:
	pc_pinned_close(p);
	return fd;
}

int pc_open_instance(struct pc_lib *lib, struct pc_state *st, struct pc_pinned *p)
{
	int err = pc_state_read(lib->run_dir, st);

	if (err == -ENOENT)
		return pc_lib_error(lib, err, "start 'portcullis daemon'",
				    "nothing is loaded for --run-dir %s", lib->run_dir);
	if (err)
		return pc_lib_error(lib, err, NULL, "cannot read %s/state: %s", lib->run_dir,
				    strerror(-err));
	err = pc_pinned_open(lib->pin_dir, p);
	/* The state says something was loaded here: its pins went since (removed,
	 * or the bpffs unmounted), and with them every link nothing else held. */
	if (err == -ENOENT && !pc_pidfile_live(lib->run_dir))
		return pc_lib_error(lib, err, "apply again (or start the daemon) to load and "
				    "attach; or give the --pin-dir the daemon uses",
				    "the pins in %s are gone (removed, or its bpffs unmounted): "
				    "nothing loaded there is enforced any more", lib->pin_dir);
	if (err)
		return pc_lib_error(lib, err, "run as root, or give the --pin-dir the daemon uses",
				    "cannot open the pinned maps in %s: %s", lib->pin_dir,
				    strerror(-err));
	return 0;
}
