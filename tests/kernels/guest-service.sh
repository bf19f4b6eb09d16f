#!/bin/sh
# The "service" suite (KERNEL_SUITES=service): packaging/portcullis.service
# under systemd as PID 1. guest-run.sh installs the unit and the build into
# the guest's overlay root and boots systemd into pc-kt.target, whose one
# service runs this script; it prints "ok - NAME" / "not ok - NAME" and the
# closing lines run.sh reads on ttyS1, then powers the guest off.
#
#   host side  kt-a  10.79.0.1   servers on tcp 80 and 443
#   client     kt-b  10.79.0.2   in the network namespace "client"
# The config attaches kt-a with a role that allows 443 only.
# POSIX sh: it runs under the machine's /bin/sh.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
RESULT=/dev/ttyS1
repo=$1 pass=0 fail=0

ok() { pass=$((pass + 1)); echo "ok - $*"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $*"; }
check() { name=$1; shift; if "$@" >/dev/null 2>&1; then ok "$name"; else not_ok "$name"; fi; }
check_fails() { name=$1; shift; if "$@" >/dev/null 2>&1; then not_ok "$name"; else ok "$name"; fi; }

# A connection from the client to the host's PORT: the server answers
# "pc-ok". Denied means no answer within 2 s.
reach() {
	[ "$(nsenter --net=/run/netns/client socat -T2 - "TCP:10.79.0.1:$1,connect-timeout=2" \
		</dev/null 2>/dev/null)" = pc-ok ]
}
denied() { ! reach "$1"; }
state() { systemctl show -p ActiveState --value portcullis; }

run() {
	ip netns add client &&
	ip link add name kt-a type veth peer name kt-b &&
	ip link set kt-b netns client &&
	ip addr add 10.79.0.1/24 dev kt-a && ip link set kt-a up &&
	ip -n client addr add 10.79.0.2/24 dev kt-b && ip -n client link set kt-b up &&
	ip -n client link set lo up || { not_ok "build the veth pair"; return; }
	for p in 80 443; do
		socat "TCP-LISTEN:$p,fork,reuseaddr" SYSTEM:'echo pc-ok' &
	done
	sleep 1
	check "before the unit starts, 80 answers" reach 80

	mkdir -p /etc/portcullis
	cat >/etc/portcullis/portcullis.conf <<CONF
include "$repo/policies/catalogue.conf"
role web {
    allow in https
}
mode enforce
attach interface kt-a role web
CONF
	check "systemctl start portcullis" systemctl start portcullis
	# start returned: READY=1 was sent, so enforcement is in place now
	check "active once started" test "$(state)" = active
	check "active means enforcing: 80 is denied at once" denied 80
	check "and 443 answers" reach 443
	check "STATUS= names the policy" sh -c \
		"systemctl show -p StatusText --value portcullis | grep -q '^policy [0-9a-f]*: 1 scopes'"
	check "the pins are in the host's bpffs" test -d /sys/fs/bpf/portcullis/links

	sed -i 's/allow in https/allow in https, http/' /etc/portcullis/portcullis.conf
	check "systemctl reload applies the changed config" systemctl reload portcullis
	check "after reload, 80 answers" reach 80
	echo 'role web { allow in nosuchservice }' >>/etc/portcullis/portcullis.conf
	check_fails "systemctl reload fails on a config that does not compile" \
		systemctl reload portcullis
	check "the running policy stays: 80 still answers" reach 80
	check "and the unit stays active" test "$(state)" = active
	sed -i '$d' /etc/portcullis/portcullis.conf
	sed -i 's/allow in https, http/allow in https/' /etc/portcullis/portcullis.conf
	check "reload back to 443 only" systemctl reload portcullis

	check "systemctl stop portcullis" systemctl stop portcullis
	check "stopped: inactive" test "$(state)" = inactive
	check "the pins outlive the unit: 80 still denied" denied 80
	check "and 443 still answers" reach 443
	check "systemctl start takes the pins over" systemctl start portcullis
	check "active again, 80 still denied" denied 80
	check "portcullis status, served by the new daemon, names kt-a" sh -c \
		"portcullis status | grep -q 'kt-a'"
	systemctl stop portcullis
	portcullis unload >/dev/null 2>&1
}

run 2>&1
echo "$pass passed, $fail failed"
echo "KT-EXIT $([ "$fail" -eq 0 ] && echo 0 || echo 1)"
# What the daemon said, for the console log the host keeps.
{ systemctl status portcullis --no-pager -l -n 60; journalctl -b --no-pager | grep -i portcullis | tail -60; } >/dev/console 2>&1
stty -F "$RESULT" raw -echo 2>/dev/null
sync
busybox poweroff -f
