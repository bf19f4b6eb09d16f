#!/bin/sh
# The guest's second stage: PID 1 on the overlay root that guest-init.sh
# built. It sets up what a booted Debian system would have and the tests
# rely on (cgroup2, bpffs, lo, module autoloading; guest-init.sh mounted
# /run, /tmp and /lib/modules/VERSION), runs tests/run.sh, and powers the
# machine off.
#
# Settings come from the kernel command line, as environment variables:
#   pc_repo    the repository (it is mounted there)
#   pc_build   the build directory, relative to the repository
#   pc_suites  the suites for tests/run.sh, separated by commas
#
# The host reads /dev/ttyS1, which carries only the tests' output and the
# harness's own lines, without the kernel's console messages:
#   KT-READY SECONDS         userspace is up, SECONDS after boot
#   ... tests/run.sh ...
#   KT-EXIT N                tests/run.sh ended with status N
#   KT-HARNESS-FAIL: WHY     the guest could not be set up
# Everything also goes to the console, which the host logs.
# POSIX sh: it runs under the machine's /bin/sh.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
RESULT=/dev/ttyS1

off() {
	# stty waits until the serial port has sent what it holds (TCSADRAIN),
	# so the last result line is not cut off by the power-off.
	stty -F "$RESULT" raw -echo 2>/dev/null
	sync
	busybox poweroff -f
	echo o >/proc/sysrq-trigger	# if poweroff could not run
	sleep 60
}

fail() {
	echo "KT-HARNESS-FAIL: $*" | tee "$RESULT"
	off
}

: "${pc_repo:=}" "${pc_build:=build}" "${pc_suites:=all}"
# The result channel carries bytes as written: no CR before each LF.
stty -F "$RESULT" raw -echo 2>/dev/null

# The "service" suite: systemd as PID 1 runs packaging/portcullis.service
# (guest-service.sh is its test). systemd mounts cgroup2 itself; it boots
# only pc-kt.target, not the machine's own services.
if [ "$pc_suites" = service ]; then
	# busybox's modprobe as the kernel's helper (the machine may have no kmod)
	mkdir -p /run/kt /etc/systemd/system
	ln -s "$(command -v busybox)" /run/kt/modprobe
	echo /run/kt/modprobe >/proc/sys/kernel/modprobe
	# systemd mounts /sys/fs/bpf at boot, but not where it believes it
	# runs in a container, as here (the machine's /.dockerenv): mount it
	# as a booted host has it.
	mount -t bpf -o mode=0700 bpf /sys/fs/bpf || fail "mount bpffs"
	cp "$pc_repo/$pc_build/portcullis" /usr/sbin/portcullis || fail "install the binary"
	cp "$pc_repo/packaging/portcullis.service" /etc/systemd/system/ || fail "install the unit"
	# The daemon's lines on the console too, which the host logs.
	mkdir -p /etc/systemd/system/portcullis.service.d
	printf '[Service]\nStandardOutput=journal+console\nStandardError=journal+console\n' \
		>/etc/systemd/system/portcullis.service.d/kt.conf || fail "write the unit's drop-in"
	cat >/etc/systemd/system/pc-kt.target <<UNIT || fail "write pc-kt.target"
[Unit]
Description=portcullis kernel test
Requires=pc-kt.service
Wants=systemd-journald.socket
After=pc-kt.service
UNIT
	cat >/etc/systemd/system/pc-kt.service <<UNIT || fail "write pc-kt.service"
[Unit]
Description=portcullis kernel test: the unit under systemd
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/bin/sh $pc_repo/tests/kernels/guest-service.sh $pc_repo
StandardOutput=file:$RESULT
StandardError=inherit
UNIT
	read -r up _ </proc/uptime
	echo "KT-READY $up" | tee "$RESULT"
	exec /lib/systemd/systemd --unit=pc-kt.target
fi

# Mounts a booted system has. cgroup2 and bpffs where the agent looks.
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts || fail "mount /dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm || fail "mount /dev/shm"
mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
mount -t bpf bpf /sys/fs/bpf || fail "mount bpffs"
# For a test that reads bpf_printk output; not fatal, nothing needs it yet.
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true

# busybox's modprobe (the machine may have no kmod) as the kernel's helper,
# so 'ip link add type veth', a clsact qdisc or a bridge load their modules
# from /lib/modules/VERSION on demand as on a real system.
mkdir -p /run/kt
ln -s "$(command -v busybox)" /run/kt/modprobe
echo /run/kt/modprobe >/proc/sys/kernel/modprobe
# Device nodes that load their module when opened, as systemd's
# kmod-static-nodes makes them on a booted system.
mkdir -p /dev/net
[ -e /dev/net/tun ] || mknod -m 0666 /dev/net/tun c 10 200

ip link set lo up || fail "bring lo up"
hostname portcullis-kt

# Autoloading must work, or every network test fails for the harness's
# sake: check it once with the modules the tests need most.
ip link add kt-v0 type veth peer name kt-v1 || fail "module autoload: veth pair"
ip link del kt-v0
tc qdisc add dev lo clsact || fail "module autoload: clsact qdisc"
tc qdisc del dev lo clsact

read -r up _ </proc/uptime
echo "KT-READY $up" | tee "$RESULT"

cd "$pc_repo" || fail "cd $pc_repo"
suites=$(echo "$pc_suites" | tr ',' ' ')
# shellcheck disable=SC2086  # one suite per word
{ BUILD=$pc_build ./tests/run.sh $suites </dev/null; echo "$?" >/run/kt/rc; } 2>&1 |
	tee "$RESULT"
echo "KT-EXIT $(cat /run/kt/rc 2>/dev/null || echo 255)" | tee "$RESULT"
off
