#!/bin/bash
# Pins: a pinned link is detached when its pin goes (rm, or the bpffs
# unmounted). The daemon holds every link and map itself, so enforcement
# outlives a lost pin while it runs, and pins them again within a second.
# Without a daemon, 'status' says the hooks are lost instead of 'enforce'.
# A bpffs is mounted only in the host's mount namespace (unshare -m).
#
#   a         10.77.0.2   fd77::2    instance A: lan0 (tcx, else clsact) and a
#                                    cgroup scope for the friend's clients; tcp :80
#   b         10.77.0.4   fd77::4    instance U, applied from 'unshare -m'; tcp :80
#   friend    10.77.0.3   fd77::3    allowed http on lan0; its cgroup clients may not
#   stranger  10.77.0.66  fd77::66
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root socat unshare mountpoint bpftool

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

# The "service manager" of test_notify.sh: STATUS= lines land in a file.
NOTES=$T/notify.log
export NOTIFY_SOCKET=$T/notify.sock
bg "$A" socat -u "UNIX-RECV:$NOTIFY_SOCKET" "OPEN:$NOTES,creat,append"
wait_for 5 test -S "$NOTIFY_SOCKET" || { not_ok "the notify socket is there"; exit 1; }

daemon_start "$A" || { not_ok "daemon A starts"; exit 1; }
unset NOTIFY_SOCKET
ERR=$(inst_dir "$A")/daemon.err
check "A made its bpffs on its pin dir" mountpoint -q "$PIN"
PINS=$(pins)
check "links, maps and programs are pinned" \
	sh -c "[ -n \"\$(ls '$PIN/links')\" ] && [ -n \"\$(ls '$PIN/maps')\" ] && [ -n \"\$(ls '$PIN/progs')\" ]"
enforced "with the daemon"
check "status is clean" status_clean

# --- with the daemon: a lost pin detaches nothing, and comes back ---------------------

repaired() { grep -c 'again from the daemon' "$ERR"; }
n=$(repaired)
rm -rf "$PIN"/links/*
enforced "link pins removed, daemon running"
check "the daemon pins the links again within seconds, and status is clean" wait_for 5 pins_back
check_ge "the daemon said what it pinned again" $((n + 1)) "$(repaired)"
check "and said so in sd_notify STATUS" wait_for 3 grep -q 'STATUS=.*pins restored in .*links' "$NOTES"

rm -rf "$PIN"/links "$PIN"/maps "$PIN"/progs
enforced "every pin removed (maps, programs, links), daemon running"
check "the daemon pins maps, programs and links again" wait_for 5 pins_back
check "mode still switches through the pinned maps" pc "$A" mode enforce

umount "$PIN"
check "the test unmounted A's bpffs" sh -c "! mountpoint -q '$PIN'"
enforced "bpffs unmounted, daemon running"
check "the daemon mounts the bpffs again and pins everything" wait_for 5 pins_back
check "it said it mounted the bpffs again" grep -q 'its bpffs too: mounted again' "$ERR"
check "the bpffs is mounted again" mountpoint -q "$PIN"

# Repair impossible: a read-only bpffs mounted over the pin dir hides every
# pin, and nothing can be made in it. Enforcement is held by the daemon
# alone; it says so loudly, once, and says so again when the pins are back.
mount -t bpf -o ro,mode=0700 bpf "$PIN"
check "pins hidden under a read-only bpffs: the daemon says it cannot pin again" \
	wait_for 5 grep -q 'error: .* pins are gone from .* cannot be made again' "$ERR"
check "and says so in sd_notify STATUS" wait_for 3 grep -q 'STATUS=.*PINS LOST' "$NOTES"
enforced "pins impossible to make again, daemon running"
sleep 2
check_eq "the failure is said once, not every second" 1 "$(grep -c 'cannot be made again' "$ERR")"
check "the daemon keeps running" daemon_running "$A"
umount "$PIN"	# the read-only one: the pins under it are back
check "the pins back: status is clean" wait_for 5 pins_back
check "the daemon says the pins are back" wait_for 3 grep -q 'pins in .* are back' "$ERR"
check "and so does sd_notify STATUS" wait_for 3 grep -q 'STATUS=.*pins back in' "$NOTES"

# An apply from the command line swaps the links' programs: the daemon holds
# the new pins (it follows the state file) and still repairs them.
check "apply from the command line" pc "$A" apply
rm -rf "$PIN"/links/*
enforced "after a command-line apply, link pins removed"
check "the daemon pins the links of that apply again" wait_for 5 pins_back

# A scope an apply drops loses its links (they pass without a scope key, but
# must not stay attached): the daemon lets go of what it held for them.
cg_link_ids() {
	local f
	for f in "$PIN"/links/cg_*; do
		bpftool -j link show pinned "$f" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2
	done
}
links_freed() {	# IDS...: no such link exists any more
	local id
	for id in "$@"; do
		bpftool link show id "$id" >/dev/null 2>&1 && { echo "link $id still exists"; return 1; }
	done
	return 0
}
CG_LINKS=$(cg_link_ids)
check "the cgroup scope has its 6 links" test "$(wc -w <<<"$CG_LINKS")" = 6
sed "/attach cgroup/d" "$(inst_dir "$A")/portcullis.conf" >"$T/no-cgroup.conf"
check "apply a config without the cgroup scope" pc "$A" -c "$T/no-cgroup.conf" apply
# shellcheck disable=SC2086
check "the dropped scope's links are detached and freed, though the daemon held them" \
	wait_for 5 links_freed $CG_LINKS
check "apply the config with the cgroup scope again" pc "$A" apply
PINS=$(pins)	# new cgroup links

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

# --- a bpffs only in the host's mount namespace -----------------------------------------

instance_add "$B"	# its pin dir, $T/$B/pin, is unmounted at cleanup
conf "$(inst_dir "$B")/portcullis.conf"
sed -i "/attach cgroup/d" "$(inst_dir "$B")/portcullis.conf"
# portcullis for instance B from a mount namespace of its own (unshare and
# nsenter exec it: a pid taken with $! is the daemon's).
UNSHARED=(unshare -m nsenter --net="/run/netns/$B" "$PORTCULLIS"
	-c "$(inst_dir "$B")/portcullis.conf" --pin-dir "$(inst_dir "$B")/pin"
	--run-dir "$(inst_dir "$B")/run" --log-dir "$(inst_dir "$B")/log")
check_eq "unshare -m: a daemon that would have to mount a bpffs exits 1" 1 \
	"$(timeout 10 "${UNSHARED[@]}" daemon >"$T/out" 2>&1; echo $?)"
check "it says why and how to mount one from the host" \
	grep -q "runs in a mount namespace of its own.*mount -t bpf" "$T/out"
check "nothing was mounted at B's pin dir" sh -c "! mountpoint -q '$(inst_dir "$B")/pin'"
check "the stranger still reaches b:80 (nothing half-made)" tcp_ok "$STR" $B4 80

mkdir -p "$(inst_dir "$B")/pin" && mount -t bpf -o mode=0700 bpf "$(inst_dir "$B")/pin"
"${UNSHARED[@]}" daemon 2>"$T/unshared.err" &
DAEMON_PID[$B]=$!
check "unshare -m over a bpffs the host mounted: the daemon runs" \
	wait_for 10 grep -q '^portcullis: running' "$T/unshared.err"
check "the stranger is denied b:80" tcp_denied "$STR" $B4 80
daemon_stop "$B" TERM
check "the host sees its pins" test -n "$(ls "$(inst_dir "$B")/pin/maps")"
check "the daemon and its namespace gone, enforcement stays: the stranger is denied b:80" \
	tcp_denied "$STR" $B4 80
check "unload B from the host" pc "$B" unload
check "after unload: the stranger reaches b:80" tcp_ok "$STR" $B4 80

finish
