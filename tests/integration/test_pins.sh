#!/bin/bash
# Pins: a pinned link is detached when its pin goes (rm, or the bpffs
# unmounted). Without a daemon, 'status' says the hooks are lost instead
# of 'enforce'.
#
#   a         10.77.0.2   fd77::2    instance A: lan0 (tcx, else clsact) and a
#                                    cgroup scope for the friend's clients; tcp :80
#   b         10.77.0.4   fd77::4    instance U, applied from 'unshare -m'; tcp :80
#   friend    10.77.0.3   fd77::3    allowed http on lan0; its cgroup clients may not
#   stranger  10.77.0.66  fd77::66
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root socat mountpoint

A4=10.77.0.2 A6=fd77::2
B4=10.77.0.4 B6=fd77::4
FR4=10.77.0.3 FR6=fd77::3
STR4=10.77.0.66 STR6=fd77::66

cgroup_root || skip_all "no cgroup2 mount"
CGNAME=pc-pins-$$
cgroup_add "$CGNAME" || { not_ok "create the test cgroup $CG_ROOT/$CGNAME"; exit 1; }
CG=$CG_ROOT/$CGNAME

lan_create &&
host_add a $A4 $A6 &&
host_add b $B4 $B6 &&
host_add fr $FR4 $FR6 &&
host_add str $STR4 $STR6 || { not_ok "build the LAN"; exit 1; }
A=$(ns_of a) B=$(ns_of b) FR=$(ns_of fr) STR=$(ns_of str)
tcp_server "$A" 80 && tcp_server "$B" 80 || { not_ok "start the servers"; exit 1; }

# Two kinds of link, so every kernel has one: lan0's tcx links (Linux 6.6+;
# before, clsact filters, which hold their program and lose nothing), and
# the cgroup links of the friend's clients, which may not connect to http.
conf() {
	cat >"$1" <<EOF
include "$POLICIES/catalogue.conf"
peer friend    $FR4, $FR6
peer a         $A4, $A6
role web {
    allow in http from friend
}
role client {
    allow out https to a
}
mode enforce
attach interface lan0 role web
attach cgroup /$CGNAME role client
EOF
}
instance_add "$A"
conf "$(inst_dir "$A")/portcullis.conf"
PIN=$(inst_dir "$A")/pin
kernel_has_tcx && TCX=1 || TCX=

# cg_denied: the friend's client in the cgroup may not connect to a:80 (EPERM at once).
cg_denied() {
	local out
	if out=$(in_cgroup "$CG" "$FR" timeout 8 socat -T 2 -u \
		"TCP:$A4:80,connect-timeout=2" STDOUT 2>&1); then
		echo "connected and got: $out"
		return 1
	fi
	grep -q 'Operation not permitted' <<<"$out" || { echo "$out"; return 1; }
}
cg_ok() { in_cgroup "$CG" "$FR" timeout 8 socat -T 2 -u "TCP:$A4:80,connect-timeout=2" STDOUT; }

enforced() {	# $1: when
	check "$1: the stranger is denied a:80 (lan0)" tcp_denied "$STR" $A4 80
	check "$1: the friend's client in the cgroup is denied a:80 (cgroup link)" cg_denied
	check "$1: the friend reaches a:80" tcp_ok "$FR" $A4 80
}
pins() { find "$PIN" -mindepth 2 2>/dev/null | sort; }
# status_clean: every scope live and hooked, no lost link pin.
status_clean() {
	local txt
	txt=$(pc "$A" status) || { echo "$txt"; return 1; }
	grep -q '"live":false' <<<"$(status_json "$A")" && { echo "a scope is not live"; return 1; }
	grep -qE ' lost |link pins are gone' <<<"$txt" && { echo "$txt"; return 1; }
	return 0
}
pins_back() { [ "$(pins)" = "$PINS" ] && status_clean; }


daemon_start "$A" || { not_ok "daemon A starts"; exit 1; }
unset NOTIFY_SOCKET
ERR=$(inst_dir "$A")/daemon.err
check "A made its bpffs on its pin dir" mountpoint -q "$PIN"
PINS=$(pins)
check "links, maps and programs are pinned" \
	sh -c "[ -n \"\$(ls '$PIN/links')\" ] && [ -n \"\$(ls '$PIN/maps')\" ] && [ -n \"\$(ls '$PIN/progs')\" ]"
enforced "with the daemon"
check "status is clean" status_clean

# --- without a daemon: a lost pin is a detached hook, and status says so ------------

daemon_stop "$A" TERM
enforced "daemon stopped"
rm -rf "$PIN"/links/*
if [ -n "$TCX" ]; then
	check "no daemon, link pins removed: the stranger reaches a:80 (tcx detached)" \
		tcp_ok "$STR" $A4 80
fi
check "no daemon, link pins removed: the cgroup client reaches a:80 (detached)" cg_ok
TXT=$(pc "$A" status)
check "status shows the cgroup scope's hooks as lost, not enforcing" \
	grep -qE "^cgroup:/$CGNAME +lost " <<<"$TXT"
check "status says how many link pins are gone and what to do" \
	grep -q '6 of its link pins are gone .*apply again' <<<"$TXT"
check "status --json: the cgroup scope is not live" \
	grep -q "\"name\":\"cgroup:/$CGNAME\",[^}]*\"live\":false" <<<"$(status_json "$A")"
check "apply attaches again" pc "$A" apply
check "after apply: status is clean" status_clean
enforced "after apply"

umount "$PIN"
check_eq "no daemon, bpffs unmounted: status exits 1" 1 "$(pc "$A" status >"$T/out" 2>&1; echo $?)"
check "status says nothing loaded there is enforced any more" \
	grep -q 'pins in .* are gone .*nothing loaded there is enforced' "$T/out"
check "no daemon, bpffs unmounted: the cgroup client reaches a:80 (detached)" cg_ok
check "apply loads and attaches again" pc "$A" apply
enforced "after apply on a new bpffs"

finish
