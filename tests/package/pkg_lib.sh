# shellcheck shell=bash
# pkg_lib.sh - what the install and package tests share (sourced, not run):
# reporting in tests/run.sh's format, a scratch dir removed on exit, and
# the file lists the install must produce, written from the source tree.

set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$REPO/$BUILD ;; esac
N_OK=0 N_FAIL=0
T=$(mktemp -d "/tmp/pc-$(basename "$0" .sh).XXXXXX") || exit 1
CLEANUP=()
cleanup() {
	local c
	for c in "${CLEANUP[@]}"; do eval "$c" || true; done
	rm -rf "$T"
}
trap cleanup EXIT

ok() { N_OK=$((N_OK + 1)); echo "ok - $*"; }
not_ok() { N_FAIL=$((N_FAIL + 1)); echo "not ok - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
check() {	# check NAME CMD...: ok when CMD succeeds; its output only on failure
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name"; [ -n "$out" ] && diag "$out"; fi
	return 0
}
check_fails() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then not_ok "$name"; diag "expected failure:" "$out"; else ok "$name"; fi
	return 0
}
# same_list NAME EXPECTED_FILE ACTUAL_FILE: equal as sorted sets; the
# difference on failure.
same_list() {
	local d
	if d=$(diff <(sort -u "$2") <(sort -u "$3")); then ok "$1"
	else not_ok "$1"; diag "< expected, > found:" "$d"; fi
}
finish() {
	echo "# $N_OK passed, $N_FAIL failed"
	[ "$N_FAIL" -eq 0 ]
}

# A Makefile variable as make sees it (MAN_PAGES, BASH_COMPLETION: helper
# "man" defines them; empty, nothing of theirs is installed).
make_var() {
	make -s --no-print-directory -C "$REPO" BUILD="$BUILD" --eval "print-%: ; @echo \$(\$*)" "print-$1"
}

# expected_files SBIN DATA DOC UNIT MAN COMP: one path a line, every
# regular file an install of this tree holds (the docs: where the
# package's own docs, README.Debian and copyright, are added by the caller).
expected_files() {
	local sbin=$1 data=$2 doc=$3 unit=$4 man=$5 comp=$6 f
	echo "$sbin/portcullis"
	echo "/etc/portcullis/portcullis.conf"
	echo "$unit/portcullis.service"
	echo "$data/portcullis/catalogue.conf"
	for f in "$REPO"/policies/roles/*.conf; do echo "$data/portcullis/roles/${f##*/}"; done
	for f in "$REPO"/policies/examples/*.conf; do echo "$data/portcullis/examples/${f##*/}"; done
	echo "$doc/README.md"
	for f in "$REPO"/docs/*.md; do echo "$doc/docs/${f##*/}"; done
	for f in $(make_var MAN_PAGES); do echo "$man/man${f##*.}/${f##*/}"; done
	[ -n "$(make_var BASH_COMPLETION)" ] && echo "$comp/portcullis"
	return 0
}
