#!/bin/bash
# run.sh: boot Debian's stock kernels under qemu and run the project's test
# suites inside each (make test-kernels). Build on the host first: the
# guest runs the host's build of the agent and the tests.
#
# Environment:
#   KERNELS         kernel series to boot (default "6.1 6.12")
#   KERNEL_CACHE    packages, unpacked kernels and logs (default build/kernels)
#   KERNEL_SUITES   suites for tests/run.sh (default "unit bpf integration"),
#                   or "service" alone: systemd as PID 1 runs the shipped
#                   unit (guest-service.sh)
#   KERNEL_TIMEOUT  wall-clock seconds one VM may take (default 1500)
#   KERNEL_MEM      guest memory (default 2G)
#   BUILD           the build directory the tests use (default build)
#
# Prints one line per kernel and then the total as "N passed, N failed";
# exits 1 when any kernel failed a test or could not run them.
#
# The guest sees the machine's root filesystem read-only (writes go to a
# tmpfs overlay in guest memory) and has no network card; only the
# repository is shared writable. qemu runs without KVM (TCG): the
# machine's /dev/kvm need not be able to run a stock kernel.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Physical paths (pwd -P): the guest mounts them below its own root, where
# an absolute symlink of the host would point elsewhere.
repo=$(cd "$here/../.." && pwd -P)
cd "$repo"

KERNELS=${KERNELS:-6.1 6.12}
KERNEL_CACHE=${KERNEL_CACHE:-build/kernels}
KERNEL_SUITES=${KERNEL_SUITES:-unit bpf integration}
KERNEL_TIMEOUT=${KERNEL_TIMEOUT:-1500}
KERNEL_MEM=${KERNEL_MEM:-2G}
BUILD=${BUILD:-build}

die() { echo "test-kernels: $*" >&2; exit 2; }

# The kernel command line carries paths as name=value words and the 9p
# option strings take commas as separators.
case $repo in
*[[:space:],]*) die "the repository path '$repo' has a space or comma" ;;
esac
[ -x "$BUILD/portcullis" ] || die "$BUILD/portcullis is not built (make test-kernels builds it)"

"$here/../../packaging/deps.sh" kernels
mkdir -p "$KERNEL_CACHE/logs"
cache=$(cd "$KERNEL_CACHE" && pwd -P)
case $cache in
*[[:space:],]*) die "the cache path '$cache' has a space or comma" ;;
esac

tmp=$(mktemp -d)
vm=
cleanup() {
	# timeout(1) runs qemu in its own process group, out of reach of the
	# terminal's ^C: stop it here.
	if [ -n "$vm" ]; then kill -TERM "$vm" 2>/dev/null || true; wait "$vm" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

show() { case $1 in "$repo"/*) echo "${1#"$repo"/}" ;; *) echo "$1" ;; esac; }

# boot TREE KVER INITRD OUT LOG: run the suites in a VM of that kernel;
# OUT gets the guest's result channel (ttyS1), LOG its console (ttyS0), then
# qemu's own messages. Returns qemu's (or timeout's) exit status.
boot() {
	local tree=$1 kver=$2 initrd=$3 out=$4 log=$5 rc=0
	timeout --kill-after=10 "$KERNEL_TIMEOUT" \
		qemu-system-x86_64 -nodefaults -no-user-config \
		-accel tcg,thread=multi -cpu max -smp 2 -m "$KERNEL_MEM" \
		-display none -monitor none -nic none -no-reboot \
		-serial "file:$log" -serial "file:$out" \
		-kernel "$tree/boot/vmlinuz-$kver" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 pc_repo=$repo pc_tree=$tree pc_build=$BUILD pc_suites=${KERNEL_SUITES// /,}" \
		-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$repo,mount_tag=repo,security_model=none,multidevs=remap" \
		</dev/null >"$tmp/qemu.err" 2>&1 &
	vm=$!
	wait "$vm" || rc=$?
	vm=
	if [ -s "$tmp/qemu.err" ]; then
		{ echo "--- qemu:"; cat "$tmp/qemu.err"; } >>"$log"
	fi
	return "$rc"
}

total_p=0 total_f=0 bad=0
for series in $KERNELS; do
	start=$SECONDS
	if ! tree=$("$here/fetch.sh" "$series" "$cache"); then
		echo "kernel $series: could not be fetched"
		total_f=$((total_f + 1)) bad=1
		continue
	fi
	kver=$(basename "$tree")
	log=$cache/logs/$kver.log out=$tmp/out
	rm -f "$log" "$out"
	initrd=$tmp/initrd-$kver
	if ! "$here/initramfs.sh" "$tree" "$initrd"; then
		echo "kernel $kver: could not make its initramfs"
		total_f=$((total_f + 1)) bad=1
		continue
	fi
	qrc=0
	boot "$tree" "$kver" "$initrd" "$out" "$log" || qrc=$?
	secs=$((SECONDS - start))
	# In case the guest's tty still ends lines with CR LF.
	touch "$out"
	sed -i 's/\r$//' "$out"

	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -1 || true)
	exit_rc=$(sed -n 's/^KT-EXIT \([0-9]*\).*/\1/p' "$out" | tail -1)
	ready=$(sed -n 's/^KT-READY \([0-9.]*\).*/\1/p' "$out" | head -1)
	harness=$(sed -n 's/^KT-HARNESS-FAIL: //p' "$out" | head -1)
	failed_in=$(sed -n 's/^failed in: //p' "$out" | tail -1)
	where="log: $(show "$log"), booted in ${ready:-?}s, ${secs}s"

	if [ -n "$summary" ] && [ -n "$exit_rc" ]; then
		p=${summary%% passed*} f=${summary#*passed, } f=${f%% failed}
		# run.sh failing with no failure counted is still a failure.
		if [ "$exit_rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		total_p=$((total_p + p)) total_f=$((total_f + f))
		echo "kernel $kver: $p passed, $f failed ($where)"
		[ "$f" -eq 0 ] && continue
		[ -n "$failed_in" ] && echo "  failed in: $failed_in"
		grep -E '^(not ok - |\[  FAILED  \] [^0-9])' "$out" | head -n 20 | sed 's/^/  /' || true
	else
		if [ -n "$harness" ]; then
			why="guest setup failed: $harness"
		elif [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
			why="timed out after ${KERNEL_TIMEOUT}s"
		else
			why="the VM stopped without a result (qemu status $qrc)"
		fi
		echo "kernel $kver: $why ($where)"
		total_f=$((total_f + 1))
	fi
	bad=1
	echo "  --- last 40 lines of $(show "$log"):"
	tail -n 40 "$log" | tr -d '\r' | sed 's/^/  | /'
done

echo "$total_p passed, $total_f failed"
[ "$bad" -eq 0 ]
