// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/textfile.h"
#include "kernel/pinned.h"
#include "lib/diag.h"
#include "lib/file.h"

int pc_textfile_init(struct pc_textfile *tf, const char *dir, unsigned int interval)
{
	memset(tf, 0, sizeof(*tf));
	tf->dir = dir;
	tf->interval = interval;
	if (!dir)
		return 0;
	tf->st = calloc(1, sizeof(*tf->st));
	tf->m = calloc(1, sizeof(*tf->m));
	if (!tf->st || !tf->m) {
		pc_textfile_free(tf);
		return -ENOMEM;
	}
	return 0;
}

void pc_textfile_free(struct pc_textfile *tf)
{
	free(tf->st);
	free(tf->m);
	tf->st = NULL;
	tf->m = NULL;
}

static int write_metrics(FILE *f, const void *arg)
{
	const struct pc_textfile *tf = arg;

	pc_metrics_write(f, tf->st, tf->m);
	return ferror(f) ? -EIO : 0;
}

/* The first line of what DIAG says, without "portcullis: " and its newline. */
static void diag_line(const struct pc_diag *diag, char *why, size_t len)
{
	char *text = NULL, *nl;
	size_t n;
	FILE *f = open_memstream(&text, &n);

	if (f) {
		pc_diag_render_text(diag, f);
		fclose(f);
	}
	if (!text || !*text) {
		snprintf(why, len, "cannot read the instance's counters");
	} else {
		nl = strchr(text, '\n');
		if (nl)
			*nl = '\0';
		snprintf(why, len, "%s", strncmp(text, "portcullis: ", 12) ? text : text + 12);
	}
	free(text);
}

int pc_textfile_write(struct pc_textfile *tf, const struct pc_lib *lib, char *why, size_t len)
{
	/* Its errors are the textfile's: said by the caller, once per change. */
	struct pc_lib quiet = *lib;
	struct pc_pinned p = PC_PINNED_INIT;
	char path[PATH_MAX];
	int err;

	pc_diag_init(&quiet.diag);
	memset(tf->m, 0, sizeof(*tf->m));
	err = pc_open_instance(&quiet, tf->st, &p);
	if (!err)
		err = pc_metrics_read(&quiet, tf->st, &p, tf->m);
	pc_pinned_close(&p);
	if (err) {
		diag_line(&quiet.diag, why, len);
		pc_diag_free(&quiet.diag);
		return err;
	}
	pc_diag_free(&quiet.diag);
	if (snprintf(path, sizeof(path), "%s/%s", tf->dir, PC_TEXTFILE_NAME) >= (int)sizeof(path)) {
		snprintf(why, len, "%s/%s: the path is too long", tf->dir, PC_TEXTFILE_NAME);
		return -ENAMETOOLONG;
	}
	err = pc_write_atomic(path, 0644, write_metrics, tf);
	if (err)
		snprintf(why, len, "cannot write %s: %s", path, strerror(-err));
	return err;
}

void pc_textfile_tick(struct pc_textfile *tf, const struct pc_lib *lib, FILE *err, time_t now)
{
	char why[sizeof(tf->failed)];

	if (!tf->dir || now < tf->next)
		return;
	tf->next = now + tf->interval;
	if (!pc_textfile_write(tf, lib, why, sizeof(why))) {
		if (tf->failed[0])
			fprintf(err, "portcullis: metrics written to %s/%s again\n", tf->dir,
				PC_TEXTFILE_NAME);
		tf->failed[0] = '\0';
		return;
	}
	if (!strcmp(why, tf->failed))
		return;		/* said already: once per change, not every interval */
	fprintf(err, "portcullis: metrics for node_exporter: %s; enforcement goes on, and the "
		"daemon tries again every %u s\n", why, tf->interval);
	snprintf(tf->failed, sizeof(tf->failed), "%s", why);
}
