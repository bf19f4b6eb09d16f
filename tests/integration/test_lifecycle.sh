#!/bin/bash
# The life of an instance: apply (good, broken, unattachable), SIGHUP,
# kill -9 and takeover without a gap, SIGTERM, unload leaving nothing
# behind, and two instances side by side in two namespaces.
#
#   a         10.77.0.2   fd77::2    instance A (tcx links; clsact, by auto, before 6.6):
#                                    tcp :80 :8080, udp sink :9999
#   b         10.77.0.4   fd77::4    instance B (--tc-attach clsact): tcp :80, udp sink :9999
#   friend    10.77.0.3   fd77::3    allowed http
#   stranger  10.77.0.66  fd77::66
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root bpftool ss tc

A4=10.77.0.2 A6=fd77::2
B4=10.77.0.4 B6=fd77::4
FR4=10.77.0.3 FR6=fd77::3
STR4=10.77.0.66 STR6=fd77::66

lan_create &&
host_add a $A4 $A6 &&
host_add b $B4 $B6 &&
host_add fr $FR4 $FR6 &&
host_add str $STR4 $STR6 || { not_ok "build the LAN"; exit 1; }
A=$(ns_of a) B=$(ns_of b) FR=$(ns_of fr) STR=$(ns_of str)

SINK=$T/sink SINK_B=$T/sink-b
tcp_server "$A" 80 &&
tcp_server "$A" 8080 &&
udp_sink "$A" 9999 "$SINK" &&
tcp_server "$B" 80 &&
udp_sink "$B" 9999 "$SINK_B" || { not_ok "start the servers"; exit 1; }

check "baseline: the stranger reaches a:80 without portcullis" tcp_ok "$STR" $A4 80
check "baseline: the stranger reaches b:80 without portcullis" tcp_ok "$STR" $B4 80
echo baseline | in_ns "$STR" socat -u - UDP:$A4:9999
check "baseline: the stranger's datagram reaches the sink on a:9999" \
	wait_for 2 grep -q baseline "$SINK"

# conf FILE [EXTRA RULE]: the role (named $ROLE, default web) lets the
# friend in on http, and EXTRA.
conf() {
	cat >"$1" <<EOF
include "$POLICIES/catalogue.conf"
service pc-alt  tcp 8080  "the alternate port"
peer friend    $FR4, $FR6
peer stranger  $STR4, $STR6
role ${ROLE:-web} {
    allow in http from friend
    ${2:-}
}
mode enforce
attach interface lan0 role ${ROLE:-web}
EOF
}
instance_add "$A"
instance_add "$B"
# A asks for tcx where the kernel has it, and else tests the fallback of auto.
if kernel_has_tcx; then
	A_HOW=tcx A_FILTERS=0
else
	A_HOW=clsact A_FILTERS=1
fi
PC_OPTS[$A]="--tc-attach $( [ "$A_HOW" = tcx ] && echo tcx || echo auto)"
PC_OPTS[$B]="--tc-attach clsact --ct-entries 4096 --ct-new-entries 2048"
CONF_A=$(inst_dir "$A")/portcullis.conf
conf "$CONF_A"
conf "$(inst_dir "$B")/portcullis.conf"

daemon_start "$A" && ok "daemon A starts in namespace a" || { not_ok "daemon A starts in namespace a"; exit 1; }
daemon_start "$B" && ok "daemon B starts in namespace b" || { not_ok "daemon B starts in namespace b"; exit 1; }
check_eq "the daemon's pid file names the process we started" "${DAEMON_PID[$A]}" \
	"$(cat "$(inst_dir "$A")/run/daemon.pid")"
check_eq "RUN_DIR/state is root's alone (0600)" 600 "$(stat -c %a "$(inst_dir "$A")/run/state")"
check_eq "RUN_DIR/daemon.pid is root's alone (0600)" 600 "$(stat -c %a "$(inst_dir "$A")/run/daemon.pid")"

# --- conntrack sizes: set at load, kept while pinned ------------------------------

max_entries() {	# NS MAP: max_entries of the instance's pinned map
	bpftool -j map show pinned "$(inst_dir "$1")/pin/maps/$2" | grep -o '"max_entries":[0-9]*' |
		cut -d: -f2
}
check_eq "A's conntrack has the default size" 65536 "$(max_entries "$A" pc_ct_v2)"
check_eq "A's table of unreplied flows has the default size" 16384 "$(max_entries "$A" pc_ctnew_v2)"
check_eq "--ct-entries 4096 sized B's conntrack" 4096 "$(max_entries "$B" pc_ct_v2)"
check_eq "--ct-new-entries 2048 sized B's table of unreplied flows" 2048 \
	"$(max_entries "$B" pc_ctnew_v2)"
check_eq "apply with another --ct-entries than the pinned map's exits 1" 1 \
	"$(pc "$B" --ct-entries 8192 apply >"$T/out" 2>&1; echo $?)"
check "the refused resize names the map and both sizes" \
	grep -q 'pc_ct_v2 holds 4096 entries, --ct-entries asks for 8192' "$T/out"
check "the refused resize says how: unload first" grep -q "portcullis unload" "$T/out"
check_eq "the refused resize left the map as it was" 4096 "$(max_entries "$B" pc_ct_v2)"
check "apply without the option keeps the pinned sizes" \
	in_ns "$B" "$PORTCULLIS" -c "$(inst_dir "$B")/portcullis.conf" --pin-dir "$(inst_dir "$B")/pin" \
	--run-dir "$(inst_dir "$B")/run" --log-dir "$(inst_dir "$B")/log" --tc-attach clsact apply
check_eq "B's conntrack still holds 4096" 4096 "$(max_entries "$B" pc_ct_v2)"
check_eq "--ct-entries 12 is a usage error (exit 2)" 2 "$(pc "$B" --ct-entries 12 status >/dev/null 2>&1; echo $?)"

# tc_filters_are NS N-IN N-OUT: lan0 has that many bpf filters per direction.
tc_filters_are() {
	local i o
	i=$(in_ns "$1" tc filter show dev lan0 ingress | grep -c ' bpf .* handle ')
	o=$(in_ns "$1" tc filter show dev lan0 egress | grep -c ' bpf .* handle ')
	[ "$i" = "$2" ] && [ "$o" = "$3" ] || { echo "ingress $i, egress $o bpf filters"; return 1; }
}
check "A is hooked with $A_HOW (${PC_OPTS[$A]} on Linux $(uname -r))" \
	grep -q "\"attach\":\"$A_HOW\"" <<<"$(status_json "$A")"
check "A made $A_FILTERS tc filter(s) per direction" tc_filters_are "$A" $A_FILTERS $A_FILTERS
if [ "$A_HOW" = tcx ]; then
	check "status: A's programs run first in both tcx chains" grep -q \
		'"tcx":{"ingress":{"position":1,"of":1},"egress":{"position":1,"of":1}}' \
		<<<"$(status_json "$A")"
fi
check "B is hooked with clsact filters" grep -q '"attach":"clsact"' <<<"$(status_json "$B")"
check "B has one bpf filter on lan0 ingress and one on egress" tc_filters_are "$B" 1 1
check "B's ingress filter runs tc_ingress" sh -c "nsenter --net=/run/netns/$B tc filter show dev lan0 ingress | grep -q tc_ingress"

# Where B's filters run among the others on lan0's clsact hooks: first,
# alone; then behind a filter someone added at a lower priority, which runs
# first and could pass what portcullis never sees. (The u32 filter matches
# no IP packet, version 1, so it passes nothing here.)
check "status: B's filters run first and alone in both clsact hooks" grep -q \
	'"clsact":{"ingress":{"position":1,"of":1,"filters":\[{[^}]*"portcullis":true}\]},"egress":{"position":1,"of":1,' \
	<<<"$(status_json "$B")"
in_ns "$B" tc filter add dev lan0 ingress pref 1 protocol all u32 match u32 0x12345678 0xffffffff at 0 ||
	not_ok "add a u32 filter before B's on lan0 ingress"
check "status --json: a u32 filter at priority 1 runs before B's bpf filter on ingress" grep -q \
	'"clsact":{"ingress":{"position":2,"of":2,"filters":\[{"priority":1,"handle":[0-9]*,"kind":"u32",[^}]*"portcullis":false},{"priority":49374,"handle":28771,"kind":"bpf",[^}]*"bpf_name":"tc_ingress[^}]*"portcullis":true}\]},"egress":{"position":1,"of":1,' \
	<<<"$(status_json "$B")"
txt=$(pc "$B" status)
check "status lists the ingress filters in the order they run" \
	grep -Pzq '\n  ingress: clsact filters, in the order they run:\n    pref 1 handle 0x[0-9a-f]+ u32\n    pref 49374 handle 0x7063 bpf tc_ingress[^\n]*\(portcullis\)\n' <<<"$txt"
check "status says one filter runs before portcullis on ingress" \
	grep -q "^  ingress: 1 clsact filter(s) run before portcullis and can pass what it never sees" <<<"$txt"
check "and lists nothing for egress, where portcullis is alone" \
	test -z "$(grep '^  egress' <<<"$txt")"
in_ns "$B" tc filter del dev lan0 ingress pref 1 || not_ok "remove the u32 filter again"

check "A: friend -> a:80 passes" tcp_ok "$FR" $A4 80
check "A: stranger -> a:80 is denied" tcp_denied "$STR" $A4 80
check "B: friend -> b:80 passes" tcp_ok "$FR" $B4 80
check "B: stranger -> b:80 is denied" tcp_denied "$STR" $B4 80

check_eq "a second daemon on A's run dir is refused (exit 1)" 1 \
	"$(timeout 10 nsenter --net="/run/netns/$A" "$PORTCULLIS" -c "$CONF_A" \
		--pin-dir "$(inst_dir "$A")/pin" --run-dir "$(inst_dir "$A")/run" \
		--log-dir "$(inst_dir "$A")/log" daemon >/dev/null 2>&1; echo $?)"
check "daemon A keeps running after the refused second daemon" daemon_running "$A"

# Where the kernel has no tcx, asking for it is refused with the way out.
if ! kernel_has_tcx; then
	TCX=$T/tcx-only
	tcx_only() {	# CMD...: portcullis in a's namespace on an instance of its own
		timeout 20 nsenter --net="/run/netns/$A" "$PORTCULLIS" -c "$CONF_A" --pin-dir "$TCX/pin" \
			--run-dir "$TCX/run" --log-dir "$TCX/log" "$@"
	}
	mkdir -p "$TCX"
	check_eq "--tc-attach tcx on Linux $(uname -r) is refused (exit 1)" 1 \
		"$(tcx_only --tc-attach tcx daemon >"$T/out" 2>&1; echo $?)"
	check "the refusal says tcx needs 6.6 and offers clsact" \
		grep -q 'tcx needs Linux 6.6 or later.*--tc-attach clsact' "$T/out"
	check "the refused instance unloads" tcx_only unload
	check "A still denies the stranger after the refused tcx instance" tcp_denied "$STR" $A4 80
fi

# --- two instances side by side -------------------------------------------------

stA=$(status_json "$A") stB=$(status_json "$B")
check "status A names A's pin dir" grep -qF "\"pin_dir\":\"$(inst_dir "$A")/pin\"" <<<"$stA"
check "status B names B's pin dir" grep -qF "\"pin_dir\":\"$(inst_dir "$B")/pin\"" <<<"$stB"
check "mode audit on A" pc "$A" mode audit
check "side by side: A in audit lets the stranger reach a:80" tcp_ok "$STR" $A4 80
check "side by side: B still denies the stranger b:80" tcp_denied "$STR" $B4 80
check "side by side: B's scope is still in enforce" grep -q '"mode":"enforce"' <<<"$(status_json "$B")"
check "mode enforce on A" pc "$A" mode enforce
check "A: stranger -> a:80 is denied again" tcp_denied "$STR" $A4 80

# --- apply ------------------------------------------------------------------------

digest() { json_field "$(status_json "$1")" digest; }
D0=$(digest "$A")
check "status shows a policy digest" test -n "$D0"

BROKEN=$T/broken.conf
conf "$BROKEN" "allow in http from strangers"	# a peer that does not exist
check_eq "apply with a broken config exits 1" 1 "$(pc "$A" -c "$BROKEN" apply >"$T/out" 2>&1; echo $?)"
check "the broken apply says where the error is" grep -qE "^$BROKEN:[0-9]+:[0-9]+: error: .*'strangers'" "$T/out"
check_eq "the broken apply left the digest unchanged" "$D0" "$(digest "$A")"
check "the broken apply left enforcement unchanged: stranger denied" tcp_denied "$STR" $A4 80
check "the broken apply left enforcement unchanged: friend passes" tcp_ok "$FR" $A4 80

# A target that is not here yet (a late wg0, a service not started) is
# pending, not an error: the rest is enforced at once, and the daemon
# attaches the pending scope when its target appears.
PEND=$T/pending.conf
conf "$PEND"
echo "attach interface lan9 role ${ROLE:-web}" >>"$PEND"
check_eq "apply with a scope whose interface is missing exits 0" 0 \
	"$(pc "$A" -c "$PEND" apply >"$T/out" 2>&1; echo $?)"
check "the apply warns that interface:lan9 is pending" grep -q 'interface:lan9: pending' "$T/out"
scope_how() {	# NS SCOPE: how status says SCOPE is attached
	status_json "$1" | grep -o "\"name\":\"$2\",\"attach\":\"[a-z]*\"" | cut -d'"' -f8
}
check_eq "status lists interface:lan9 as pending" pending "$(scope_how "$A" interface:lan9)"
check "the pending scope leaves lan0 enforced: stranger denied" tcp_denied "$STR" $A4 80
ip -n "$A" link add lan9 type veth peer name lan9p
lan9_attached() { [ "$(scope_how "$A" interface:lan9)" = "$A_HOW" ]; }
check "the daemon attaches lan9 within seconds of its appearing" wait_for 10 lan9_attached
check "after it: lan0 still enforced" tcp_denied "$STR" $A4 80
# Deleted, it is pending again; made anew (a new ifindex), attached again.
ip -n "$A" link del lan9
lan9_pending() { [ "$(scope_how "$A" interface:lan9)" = pending ]; }
check "lan9 deleted: the daemon marks it pending" wait_for 10 lan9_pending
ip -n "$A" link add lan9 type veth peer name lan9p
check "lan9 made anew: the daemon attaches it again" wait_for 10 lan9_attached
ip -n "$A" link del lan9

ROLE=web-v2 conf "$CONF_A" "allow in http from stranger"
check "apply with a config that allows the stranger exits 0" pc "$A" apply
D1=$(digest "$A")
check "the digest changed" test "$D1" != "$D0"
check "the new policy holds at once: stranger -> a:80 passes" tcp_ok "$STR" $A4 80
check "the new policy holds over IPv6 too" tcp_ok "$STR" $A6 80
check "B did not change: stranger -> b:80 is denied" tcp_denied "$STR" $B4 80

# The daemon's events describe the policy that runs: after an apply from
# the command line, a deny names the applied role (web-v2), not the old one.
LOG_A=$(inst_dir "$A")/log/events.log
deny_8080_roles() {
	grep '"verdict":"deny"' "$LOG_A" | grep '"src":"'"$STR4"'"' | grep '"dport":8080[,}]' |
		tail -1 | grep -o '"roles":\[[^]]*\]'
}
check "after apply: the stranger is denied a:8080" tcp_denied "$STR" $A4 8080
wait_for 2 deny_8080_roles
check_eq "after apply: the deny event names the applied role" '"roles":["web-v2"]' "$(deny_8080_roles)"

# --- SIGHUP re-reads the config -----------------------------------------------------

applied() { grep -c 'policy .* applied' "$(inst_dir "$A")/daemon.err"; }
applied_at_least() { [ "$(applied)" -ge "$1" ]; }
hup_and_wait() {	# $1: how many 'applied' lines to expect afterwards
	kill -HUP "${DAEMON_PID[$A]}"
	wait_for 5 applied_at_least "$1"
}
conf "$CONF_A" "allow in pc-alt from stranger"
n=$(applied)
check "SIGHUP: the daemon applies the changed config" hup_and_wait $((n + 1))
check "SIGHUP: the stranger is denied a:80 again" tcp_denied "$STR" $A4 80
check "SIGHUP: the stranger now reaches a:8080" tcp_ok "$STR" $A4 8080
check "SIGHUP: the friend still reaches a:80" tcp_ok "$FR" $A4 80
D2=$(digest "$A")
check "SIGHUP: the digest changed" test "$D2" != "$D1"

cp "$BROKEN" "$CONF_A"
errors() { grep -c ': error: ' "$(inst_dir "$A")/daemon.err"; }
errors_more_than() { [ "$(errors)" -gt "$1" ]; }
errs_before=$(errors)
kill -HUP "${DAEMON_PID[$A]}"
check "SIGHUP with a broken config: the daemon reports the error" wait_for 5 errors_more_than "$errs_before"
check "SIGHUP with a broken config: the daemon keeps running" daemon_running "$A"
check_eq "SIGHUP with a broken config: the digest is unchanged" "$D2" "$(digest "$A")"
check "SIGHUP with a broken config: the running policy holds (a:8080 passes)" tcp_ok "$STR" $A4 8080
check "SIGHUP with a broken config: the running policy holds (a:80 denied)" tcp_denied "$STR" $A4 80
conf "$CONF_A" "allow in pc-alt from stranger"

# --- kill -9, and a new daemon takes over without a gap ------------------------------

daemon_stop "$A" KILL
check "kill -9: status says the daemon is not running" \
	grep -q '"running":false' <<<"$(status_json "$A")"
check "kill -9: enforcement stays (stranger -> a:80 denied)" tcp_denied "$STR" $A4 80
check "kill -9: enforcement stays over IPv6" tcp_denied "$STR" $A6 80
check "kill -9: the friend still reaches a:80" tcp_ok "$FR" $A4 80

# takeover NS ADDR SINK: kill -9 the daemon of NS and start a new one, while
# the stranger probes ADDR: TCP connects to :80 (0.3 s each) and a stream of
# datagrams to the sink on :9999. Nothing may get through at any moment.
takeover() {
	local ns=$1 addr=$2 sink=$3 p1 p2 tries hits
	: >"$sink"
	rm -f "$T/stop" "$T/probe_tcp" "$T/probe_udp"
	(
		n=0 hit=0
		while [ ! -e "$T/stop" ] && [ "$n" -lt 200 ]; do
			n=$((n + 1))
			if timeout 2 nsenter --net="/run/netns/$STR" \
				socat -u "TCP:$addr:80,connect-timeout=0.3" STDOUT >/dev/null 2>&1; then
				hit=$((hit + 1))
			fi
		done
		echo "$n $hit" >"$T/probe_tcp"
	) &
	p1=$!
	(
		n=0
		while [ ! -e "$T/stop" ] && [ "$n" -lt 2000 ]; do
			n=$((n + 1))
			echo "dgram $n"
			echo "$n" >"$T/probe_udp"
			sleep 0.005
		done | timeout 60 nsenter --net="/run/netns/$STR" socat -u - "UDP:$addr:9999"
	) &
	p2=$!
	sleep 0.5
	daemon_stop "$ns" KILL
	sleep 0.3
	if daemon_start "$ns"; then
		ok "$4: a new daemon starts over the pinned enforcement"
	else
		not_ok "$4: a new daemon starts over the pinned enforcement"
	fi
	sleep 1
	touch "$T/stop"
	wait "$p1" "$p2"
	read -r tries hits <"$T/probe_tcp"
	check_ge "$4 takeover: the prober made several connect attempts" 3 "${tries:-}"
	check_eq "$4 takeover: none of the stranger's connects to :80 got through" 0 "${hits:-x}"
	check_ge "$4 takeover: the stranger sent datagrams throughout" 50 "$(cat "$T/probe_udp" 2>/dev/null)"
	check_eq "$4 takeover: no datagram reached the sink on :9999" 0 "$(wc -c <"$sink")"
}

# A daemon that cannot start (a broken config) changes nothing either.
check_eq "a new daemon with a broken config exits 1" 1 \
	"$(timeout 20 nsenter --net="/run/netns/$A" "$PORTCULLIS" -c "$BROKEN" \
		--pin-dir "$(inst_dir "$A")/pin" --run-dir "$(inst_dir "$A")/run" \
		--log-dir "$(inst_dir "$A")/log" daemon >/dev/null 2>&1; echo $?)"
check "the failed daemon left enforcement in place (stranger -> a:80 denied)" tcp_denied "$STR" $A4 80
check "the failed daemon left the policy in place (stranger -> a:8080 passes)" tcp_ok "$STR" $A4 8080

daemon_start "$A" && ok "daemon A starts again after kill -9" || not_ok "daemon A starts again after kill -9"
takeover "$A" $A4 "$SINK" A
check "after takeover: the friend reaches a:80" tcp_ok "$FR" $A4 80
check "after takeover: the stranger reaches a:8080 (the config as last applied)" tcp_ok "$STR" $A4 8080
check "after takeover: the stranger is denied a:80" tcp_denied "$STR" $A4 80
check "after takeover: status says running" grep -q '"running":true' <<<"$(status_json "$A")"
check "after takeover: mode still switches" pc "$A" mode enforce

# The same for B's clsact filters.
daemon_stop "$B" KILL
check "B kill -9: enforcement stays (stranger -> b:80 denied)" tcp_denied "$STR" $B4 80
check "B kill -9: the friend still reaches b:80" tcp_ok "$FR" $B4 80
daemon_start "$B" && ok "daemon B starts again after kill -9" || not_ok "daemon B starts again after kill -9"
takeover "$B" $B4 "$SINK_B" B
check "B after takeover: one ingress and one egress filter, still clsact" tc_filters_are "$B" 1 1
check "B after takeover: the friend reaches b:80" tcp_ok "$FR" $B4 80
check "B after takeover: the stranger is denied b:80 over IPv6" tcp_denied "$STR" $B6 80

# --- SIGTERM keeps enforcement; unload removes it, and only A's ----------------------

check_eq "unload while the daemon runs is refused (exit 1)" 1 "$(pc "$A" unload >/dev/null 2>&1; echo $?)"
check "the refused unload left enforcement in place" tcp_denied "$STR" $A4 80

PIN_A=$(inst_dir "$A")/pin PIN_B=$(inst_dir "$B")/pin
ids_of() {	# DIR: the ids of the objects pinned in DIR
	local f
	for f in "$1"/*; do
		bpftool -j "$2" show pinned "$f" 2>/dev/null | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2
	done
}
LINKS_A=$(ids_of "$PIN_A/links" link) PROGS_A=$(ids_of "$PIN_A/progs" prog)
PROGS_B=$(ids_of "$PIN_B/progs" prog)
check "A has pinned programs, B pinned programs" test -n "$PROGS_A" -a -n "$PROGS_B"
if [ "$A_HOW" = tcx ]; then
	check "A has pinned tcx links" test -n "$LINKS_A"
fi

daemon_stop "$A" TERM
check "SIGTERM: the daemon said enforcement stays" \
	grep -q 'enforcement stays in place' "$(inst_dir "$A")/daemon.err"
check "SIGTERM: the stranger is still denied a:80" tcp_denied "$STR" $A4 80

check "unload A exits 0" pc "$A" unload
check "after unload: the stranger reaches a:80" tcp_ok "$STR" $A4 80
check "after unload: the stranger reaches a:80 over IPv6" tcp_ok "$STR" $A6 80
echo after-unload | in_ns "$STR" socat -u - UDP:$A4:9999
check "after unload: the stranger's datagram reaches the sink" wait_for 2 grep -q after-unload "$SINK"

gone() {	# KIND IDS...: none of the objects exists any more
	local kind=$1 id
	shift
	for id in "$@"; do
		bpftool "$kind" show id "$id" >/dev/null 2>&1 && { echo "$kind $id still exists"; return 1; }
	done
	return 0
}
# shellcheck disable=SC2086
check "after unload: A's links are gone" gone link $LINKS_A
# shellcheck disable=SC2086
check "after unload: A's programs are freed" wait_for 5 gone prog $PROGS_A
no_link_to() {	# PROG-IDS...: no link in the system points at one of them
	local all id
	all=$(bpftool -j link show)
	for id in "$@"; do
		grep -q "\"prog_id\":${id}[,}]" <<<"$all" && { echo "a link still runs prog $id"; return 1; }
	done
	return 0
}
# shellcheck disable=SC2086
check "after unload: no link anywhere runs one of A's programs" no_link_to $PROGS_A
check "after unload: A's pin dir is gone" test ! -e "$PIN_A"
check "after unload: nothing is mounted at A's pin dir" sh -c "! grep -qF ' $PIN_A ' /proc/self/mounts"
# With clsact (before 6.6), the qdisc A created goes too: nobody else uses it.
check "after unload: no clsact qdisc on a's lan0" sh -c "! nsenter --net=/run/netns/$A tc qdisc show dev lan0 | grep -q clsact"
check "after unload: no tc filter on a's lan0" test -z "$(in_ns "$A" tc filter show dev lan0 ingress; in_ns "$A" tc filter show dev lan0 egress)"
check "after unload: the state file is gone" test ! -e "$(inst_dir "$A")/run/state"
check_eq "after unload: status A exits 1" 1 "$(pc "$A" status >/dev/null 2>&1; echo $?)"
check "unload again is harmless (exit 0)" pc "$A" unload

# B was never touched.
exist() {	# KIND IDS...: every one of the objects still exists
	local kind=$1 id
	shift
	for id in "$@"; do
		bpftool "$kind" show id "$id" >/dev/null 2>&1 || { echo "$kind $id is gone"; return 1; }
	done
}
# shellcheck disable=SC2086
check "B's programs survive A's unload" exist prog $PROGS_B
check "B's clsact filters survive A's unload" tc_filters_are "$B" 1 1
check "B still denies the stranger b:80" tcp_denied "$STR" $B4 80
check "B still lets the friend reach b:80" tcp_ok "$FR" $B4 80
check "B's status still works and B's daemon runs" grep -q '"running":true' <<<"$(status_json "$B")"

daemon_stop "$B" TERM
PROGS_B=$(ids_of "$PIN_B/progs" prog)	# the programs of B's last daemon
check "unload B exits 0" pc "$B" unload
check "after unload B: the stranger reaches b:80" tcp_ok "$STR" $B4 80
check "after unload B: no bpf filter left on b's lan0" tc_filters_are "$B" 0 0
# shellcheck disable=SC2086
check "after unload B: B's programs are freed" wait_for 5 gone prog $PROGS_B
check "after unload B: B's pin dir is gone" test ! -e "$PIN_B"
check "after unload B: nothing is mounted at B's pin dir" sh -c "! grep -qF ' $PIN_B ' /proc/self/mounts"

finish
