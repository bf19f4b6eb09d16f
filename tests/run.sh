#!/bin/bash
# Run test suites and print one closing line "N passed, N failed".
#   tests/run.sh [unit] [bpf] [integration] [package] [all]
# Unit and BPF tests are cmocka binaries in $BUILD/tests; integration and
# package tests are tests/SUITE/test_*.sh, which print "ok - NAME" /
# "not ok - NAME". The package suite (install, the .deb and .rpm, the
# systemd unit, man pages, completion, Ansible) depends on no kernel: the
# kernel matrix (tests/kernels) leaves it out.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export BUILD PORTCULLIS=${PORTCULLIS:-$PWD/$BUILD/portcullis}

suites=("$@")
[ ${#suites[@]} -eq 0 ] && suites=(all)
[ "${suites[*]}" = all ] && suites=(unit bpf integration package)

passed=0 failed=0 failed_names=()

run_cmocka() {	# $1: binary
	local out rc p f
	out=$("$1" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	p=${p:-0} f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi	# crashed before its summary
	passed=$((passed + p)) failed=$((failed + f))
	[ "$f" -gt 0 ] && failed_names+=("$(basename "$1")")
}

run_script() {	# $1: script
	local out rc p f
	out=$(timeout 600 bash "$1" 2>&1); rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok - ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok - ')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	passed=$((passed + p)) failed=$((failed + f))
	[ "$f" -gt 0 ] && failed_names+=("$(basename "$1")")
}

for s in "${suites[@]}"; do
	case $s in
	unit|bpf)
		for src in tests/$s/test_*.c; do
			[ -e "$src" ] || continue
			bin=$BUILD/tests/$(basename "$src" .c)
			echo "== $bin"
			run_cmocka "$bin"
		done ;;
	integration|package)
		for t in tests/$s/test_*.sh; do
			[ -e "$t" ] || continue
			echo "== $t"
			run_script "$t"
		done ;;
	*) echo "tests/run.sh: unknown suite '$s' (unit, bpf, integration, package, all)" >&2; exit 2 ;;
	esac
done

[ ${#failed_names[@]} -gt 0 ] && echo "failed in: ${failed_names[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
