# bash completion for portcullis(8)                      -*- shell-script -*-
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#
# The program completes its own command line: 'portcullis complete WORD...'
# prints the candidates for the last WORD, from the tables it parses with
# and from the config the line names (-c FILE, else the default). So this
# script knows no command, option or name, and cannot go stale.

_portcullis()
{
	# shellcheck disable=SC2034  # _init_completion sets them all
	local cur prev words cword
	# -n : keeps interface:eth0 one word (':' breaks words in bash)
	_init_completion -n : || return

	local IFS=$'\n' out
	out=$("${words[0]}" complete "${words[@]:1:cword}" 2>/dev/null) || return
	case $out in
	@file) _filedir ;;
	@dir) _filedir -d ;;
	?*)
		# one candidate a line; a name is never globbed
		mapfile -t COMPREPLY <<<"$out"
		__ltrim_colon_completions "$cur"
		;;
	esac
} &&
	complete -F _portcullis portcullis

# ex: filetype=sh
