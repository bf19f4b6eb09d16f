// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kernel/bpffs.h"
#include "kernel/gen.h"
#include "kernel/instance.h"
#include "portcullis.h"
#include "portcullis.skel.h"

static const char *const prog_names[PC_PROG__COUNT] = {
	[PC_PROG_TC_IN] = "tc_ingress",
	[PC_PROG_TC_OUT] = "tc_egress",
	[PC_PROG_CG_IN] = "cg_ingress",
	[PC_PROG_CG_OUT] = "cg_egress",
	[PC_PROG_CONNECT4] = "cg_connect4",
	[PC_PROG_CONNECT6] = "cg_connect6",
	[PC_PROG_SENDMSG4] = "cg_sendmsg4",
	[PC_PROG_SENDMSG6] = "cg_sendmsg6",
};

struct bpf_program *pc_instance_prog(const struct pc_instance *in, enum pc_prog p)
{
	return bpf_object__find_program_by_name(in->skel->obj, prog_names[p]);
}

const struct bpf_object *pc_instance_object(const struct pc_instance *in)
{
	return in->skel->obj;
}

int pc_instance_map_fd(const struct pc_instance *in, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(in->skel->obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

int pc_pinned_map_open(const char *pin_dir, const char *name)
{
	char path[PATH_MAX];
	int err = pc_pin_path(path, sizeof(path), pin_dir, "maps", name);
	int fd;

	if (err)
		return err;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

/* The maps of the table are pinned by name (.rodata and friends are not in
 * it: they belong to one load); libbpf reuses a pinned map whose type, key,
 * value and size match and refuses one that does not (a layout change is
 * a new _vN name, so that means a foreign or corrupt pin). */
static int set_pin_paths(struct pc_instance *in)
{
	const struct pc_map_table *tab = &pc_map_table;
	char path[PATH_MAX];
	size_t i;
	int err;

	for (i = 0; i < tab->n; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(in->skel->obj, tab->rows[i].name);

		if (!m)
			return -ENOENT;
		err = pc_pin_path(path, sizeof(path), in->pin_dir, "maps", tab->rows[i].name);
		if (!err)
			err = bpf_map__set_pin_path(m, path);
		if (err)
			return err;
	}
	return 0;
}

/* Programs are pinned for inspection (bpftool prog show pinned ...); the
 * links keep them alive, so replacing a pin is not a gap. */
static int pin_progs(struct pc_instance *in)
{
	struct bpf_program *p;
	char path[PATH_MAX];
	int err;

	bpf_object__for_each_program(p, in->skel->obj) {
		err = pc_pin_path(path, sizeof(path), in->pin_dir, "progs", bpf_program__name(p));
		if (err)
			return err;
		if (unlink(path) && errno != ENOENT)
			return -errno;
		err = bpf_program__pin(p, path);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Size the object's map NAME to WANT entries before the load. A pinned map
 * keeps its size (the kernel cannot resize a map, and libbpf refuses to
 * reuse a pin of another size without saying why): WANT 0 takes the pin's
 * size, any other size than the pin's is refused here, in words, with
 * OPTION named. No pin: WANT, or the object's default.
 */
static int size_map(struct pc_instance *in, const char *name, const char *option, uint32_t want)
{
	struct bpf_map *m = bpf_object__find_map_by_name(in->skel->obj, name);
	struct bpf_map_info info;
	__u32 len = sizeof(info);
	int fd, err;

	if (!m)
		return -ENOENT;
	fd = pc_pinned_map_open(in->pin_dir, name);
	if (fd >= 0) {
		memset(&info, 0, sizeof(info));
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (err)
			return -errno;
		if (want && want != info.max_entries) {
			snprintf(in->resize, sizeof(in->resize), "the pinned map %s holds %u entries, "
				 "%s asks for %u", name, info.max_entries, option, want);
			return -EEXIST;
		}
		want = info.max_entries;
	} else if (fd != -ENOENT) {
		return fd;
	}
	return want ? bpf_map__set_max_entries(m, want) : 0;
}

int pc_instance_load(struct pc_instance *in, const char *pin_dir,
		     const struct pc_load_sizes *sizes, const char **what)
{
	const struct pc_load_sizes none = { 0 };
	int err;

	if (!sizes)
		sizes = &none;
	memset(in, 0, sizeof(*in));
	in->pin_dir = pin_dir;
	*what = "open the BPF object";
	in->skel = portcullis_bpf__open();
	if (!in->skel)
		return -errno ? -errno : -EINVAL;
	/* Before anything reaches the host or the kernel (no mount, no map): the
	 * maps are what the agent takes them for. */
	*what = "check the BPF object's maps against the agent's map table";
	err = pc_maps_check(&pc_map_table, in->skel->obj, in->mismatch, sizeof(in->mismatch));
	if (err)
		return err;
	*what = "prepare the pin directory";
	err = pc_pin_dir_prepare(pin_dir, &in->bpffs_mounted);
	if (err)
		return err;
	*what = "set the pin paths of the maps";
	err = set_pin_paths(in);
	if (err)
		return err;
	if (sizes->ringbuf_bytes) {
		struct bpf_map *rb = bpf_object__find_map_by_name(in->skel->obj, PC_MAP_EVENTS);

		*what = "size the event ring buffer";
		err = rb ? bpf_map__set_max_entries(rb, sizes->ringbuf_bytes) : -ENOENT;
		if (err)
			return err;
	}
	*what = "size the conntrack tables";
	err = size_map(in, PC_MAP_CT, "--ct-entries", sizes->ct_entries);
	if (!err)
		err = size_map(in, PC_MAP_CTNEW, "--ct-new-entries", sizes->ct_new_entries);
	if (err)
		return err;
	*what = "set up the verifier log";
	err = pc_load_log_attach(&in->log, in->skel->obj);
	if (err)
		return err;
	/* No program refused (pc_load_log_report() says which was): a map failed. */
	*what = "load the BPF programs (a pinned map with another layout is refused: "
		"'portcullis unload' clears the pins)";
	err = portcullis_bpf__load(in->skel);
	if (err)
		return err;
	pc_load_log_free(&in->log);
	*what = "pin the programs";
	return pin_progs(in);
}

int pc_instance_report_refusal(const struct pc_instance *in, int err, int full,
			       struct pc_diag *diag)
{
	if (!in->skel)
		return -ENOENT;
	return pc_load_log_report(&in->log, in->skel->obj, err, full, diag);
}

void pc_instance_close(struct pc_instance *in)
{
	portcullis_bpf__destroy(in->skel);
	in->skel = NULL;
	pc_load_log_free(&in->log);
}
