// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * commands.c - the tables of cli.h as arrays: the commands and the global
 * options, for main(), the daemon's control socket, help, the man page
 * and the completion.
 */
#include "cli/cli.h"
#include "portcullis.h"

const struct pc_cmd pc_cmds[] = {
#define PC_CMD_ROW(name, args, help, full_word, stream, served) \
	{ #name, cmd_##name, args, help, pc_opts_##name, full_word, stream, served },
	PC_COMMANDS(PC_CMD_ROW)
#undef PC_CMD_ROW
	{ NULL },
};

const struct pc_opt pc_global_opts[] = {
#define PC_OPT_ROW(val, name, arg, help) { val, val < 256 ? val : 0, name, arg, help, NULL },
	PC_OPTIONS(PC_OPT_ROW)
#undef PC_OPT_ROW
	{ 0 },
};
