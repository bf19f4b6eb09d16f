#!/bin/busybox sh
# shellcheck shell=dash
# The guest's first stage: /init of the initramfs (initramfs.sh packs it).
#
# It makes the machine's root filesystem the guest's root: the 9p share
# "root" (read-only) under a tmpfs overlay, so the guest runs the host's
# own programs and libraries but none of its writes reach the host. The
# repository is the writable 9p share "repo", mounted at its host path so
# every path of the build is valid inside. Then it hands over to the second
# stage, guest-run.sh from the repository, as PID 1 of the new root.
#
# Whatever comes from a host path is mounted here, after the new root's
# tmpfs /run and /tmp: a repository or kernel cache under /tmp stays
# visible.
#
# Settings come from the kernel command line (the kernel passes unknown
# name=value words to init as environment variables):
#   pc_repo   absolute path of the repository on the host
#   pc_tree   the kernel's tree from fetch.sh: its lib/modules/VERSION
#             becomes /lib/modules/VERSION
# Every failure ends in a KT-HARNESS-FAIL line and a power-off, so the host
# reports a broken boot instead of waiting for its timeout.

/bin/busybox --install -s /bin
export PATH=/bin

fail() {
	echo "KT-HARNESS-FAIL: $*"
	echo "KT-HARNESS-FAIL: $*" >/dev/ttyS1 2>/dev/null
	poweroff -f
	sleep 10
}

mount -t proc proc /proc || fail "mount /proc"
mount -t sysfs sysfs /sys || fail "mount /sys"
mount -t devtmpfs devtmpfs /dev || fail "mount /dev"

while read -r m; do
	modprobe "$m" || fail "modprobe $m"
done </etc/modules.load

# msize: bigger 9p messages, fewer round trips. The root is read-only and
# nobody changes what the guest runs while it runs, so it may be cached.
opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$opts,ro,cache=loose" root /lower || fail "mount the 9p root"
mount -t tmpfs -o mode=0755 tmpfs /rw || fail "mount the overlay's tmpfs"
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work /newroot ||
	fail "mount the overlay root"

case ${pc_repo:-} in
/*) ;;
*) fail "no pc_repo=/PATH on the kernel command line" ;;
esac
kver=$(uname -r)
moddir=${pc_tree:-}/lib/modules/$kver
[ -d "/lower$moddir" ] || fail "no $moddir (pc_tree=${pc_tree:-})"

mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run || fail "mount /run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /newroot/tmp || fail "mount /tmp"
# From the root share itself: the overlay's view of the path may be hidden.
mkdir -p "/newroot/lib/modules/$kver"
mount --bind "/lower$moddir" "/newroot/lib/modules/$kver" || fail "bind $moddir"
mkdir -p "/newroot$pc_repo"
# No cache: the guest's writes reach the host at once, and the guest sees
# the host's edits.
mount -t 9p -o "$opts,cache=mmap" repo "/newroot$pc_repo" || fail "mount the 9p repo at $pc_repo"
stage2=$pc_repo/tests/kernels/guest-run.sh
[ -f "/newroot$stage2" ] || fail "no $stage2 in the repository share"

for d in dev proc sys; do
	mount --move "/$d" "/newroot/$d" || fail "move /$d to the new root"
done
exec switch_root /newroot /bin/sh "$stage2"
