#!/bin/bash
# Metrics: 'stats --prometheus' of a running instance that has passed,
# dropped and audited real traffic is valid exposition (promtool check
# metrics) and counts each packet in exactly the series it belongs to; the
# daemon's --textfile-dir gets the same exposition on its interval,
# written whole with mode 0644, and a write failure is said once, not every
# interval, while enforcement goes on.
#
#   srv  10.77.0.1  portcullis on lan0: tcp :8080 in, nothing else; and on
#                   pcnone0, which does not exist (a pending scope)
#   cli  10.77.0.2  the client
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root promtool
PY=/usr/bin/python3

S4=10.77.0.1 S6=fd77::1
C4=10.77.0.2 C6=fd77::2
lan_create &&
host_add srv $S4 $S6 &&
host_add cli $C4 $C6 || { not_ok "build the LAN"; exit 1; }
S=$(ns_of srv) C=$(ns_of cli)
# The audited datagram goes to a sink: to a closed port, the server's
# ICMP port unreachable would be audited on its way out too.
tcp_server "$S" 8080 && udp_sink "$S" 9998 "$T/sink" || { not_ok "start the servers"; exit 1; }

# --- the daemon's options, refused before anything is loaded -----------------

check_fails "daemon --textfile-interval 0 is refused" \
	"$PORTCULLIS" --run-dir "$T/none" --pin-dir "$T/none" daemon --textfile-dir "$T" \
	--textfile-interval 0
check_fails "daemon --textfile-interval without --textfile-dir is refused" \
	"$PORTCULLIS" --run-dir "$T/none" --pin-dir "$T/none" daemon --textfile-interval 5

instance_add "$S"
PC_OPTS[$S]="--ct-entries 2048"
cat >"$(inst_dir "$S")/portcullis.conf" <<EOF
include "$POLICIES/catalogue.conf"
service pc-web  tcp 8080  "the web server"
role web {
    allow in  pc-web
}
mode enforce
attach interface lan0 role web
attach interface pcnone0 role web
EOF
TF=$T/textfile
mkdir -p "$TF"
daemon_start "$S" --textfile-dir "$TF" --textfile-interval 1 ||
	{ not_ok "the daemon starts with --textfile-dir"; exit 1; }
ok "the daemon starts with --textfile-dir"

prom() { pc "$S" stats --prometheus; }
# value FILE SERIES: the value of the sample SERIES (name{labels}) in FILE.
value() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }
# one UDP datagram from the client to PORT on the server, no answer awaited
udp_one() {
	in_ns "$C" "$PY" -c 'import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", (sys.argv[1], int(sys.argv[2])))' \
		$S4 "$1"
}
SC='scope="interface:lan0"'
# the series a denied or audited packet may move, and the event counters
MOVED="portcullis_verdicts_total{$SC,verdict=\"denied\"}
portcullis_verdicts_total{$SC,verdict=\"audited\"}
portcullis_verdict_reasons_total{$SC,verdict=\"denied\",reason=\"no-rule\"}
portcullis_verdict_reasons_total{$SC,verdict=\"audited\",reason=\"no-rule\"}
portcullis_verdict_reasons_total{$SC,verdict=\"denied\",reason=\"peer\"}
portcullis_verdict_reasons_total{$SC,verdict=\"audited\",reason=\"peer\"}
portcullis_malformed_packets_total{$SC}
portcullis_no_scope_drops_total
portcullis_events_delivered_total
portcullis_events_lost_total"
# deltas BEFORE AFTER: "SERIES +N" for each of MOVED that changed
deltas() {
	local s b a
	while read -r s; do
		b=$(value "$1" "$s") a=$(value "$2" "$s")
		[ "$a" != "$b" ] && echo "$s +$((a - b))"
	done <<<"$MOVED"
}

# delivered_since FILE: an event was delivered since FILE's exposition
delivered_since() {
	prom >"$T/now" &&
	[ "$(value "$T/now" portcullis_events_delivered_total)" != \
	  "$(value "$1" portcullis_events_delivered_total)" ]
}

check "an allowed connection" tcp_ok "$C" $S4 8080

# one_judged VERDICT PORT BEFORE AFTER: one datagram to PORT, with the
# exposition before in BEFORE and after its event in AFTER, moves exactly
# VERDICT's series of the scope and the delivered events, by one each.
one_judged() {
	prom >"$3"
	udp_one "$2"
	wait_for 5 delivered_since "$3"
	prom >"$4"
	check_eq "a datagram $1 moves exactly the $1 series of its scope and its reason, and one event" \
		"portcullis_verdicts_total{$SC,verdict=\"$1\"} +1
portcullis_verdict_reasons_total{$SC,verdict=\"$1\",reason=\"no-rule\"} +1
portcullis_events_delivered_total +1" "$(deltas "$3" "$4")"
}

# A port no rule opens: in enforce mode denied, in audit mode audited;
# nothing else of MOVED moves. (Allowed is left out: the neighbour traffic
# of the veth passes and counts there.)
one_judged denied 9999 "$T/p0" "$T/p1"
check "mode audit --scope interface:lan0" pc "$S" mode audit --scope interface:lan0
one_judged audited 9998 "$T/p1" "$T/p2"
check_eq "the scope's mode is audit" "1 0" \
	"$(value "$T/p2" "portcullis_scope_mode{$SC,mode=\"audit\"}")\
 $(value "$T/p2" "portcullis_scope_mode{$SC,mode=\"enforce\"}")"
# the same reasons in stats' text and JSON
check "stats: a 'why:' line under the scope names no-rule" \
	sh -c "nsenter --net=/run/netns/$S '$PORTCULLIS' --pin-dir '$T/$S/pin' --run-dir '$T/$S/run' stats | grep -A1 '^interface:lan0 ' | grep -E '^  why:.* [0-9]+ no-rule'"
check_eq "stats --json: reasons of the scope, denied and audited by no-rule" "$(value "$T/p2" "portcullis_verdict_reasons_total{$SC,verdict=\"denied\",reason=\"no-rule\"}") $(value "$T/p2" "portcullis_verdict_reasons_total{$SC,verdict=\"audited\",reason=\"no-rule\"}")" \
	"$(pc "$S" -j stats | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin)["scopes"]["interface:lan0"]["reasons"]["no-rule"]; print(r["denied"], r["audited"])')"

# --- the whole exposition -----------------------------------------------------

out=$(promtool check metrics <"$T/p2" 2>&1)
check_eq "promtool check metrics accepts 'stats --prometheus'" "" "$out"
check_ge "allowed counted" 1 "$(value "$T/p2" "portcullis_verdicts_total{$SC,verdict=\"allowed\"}")"
check_eq "the policy digest is status's" \
	"portcullis_policy_info{digest=\"$(json_field "$(status_json "$S")" digest)\"} 1" \
	"$(grep '^portcullis_policy_info' "$T/p2")"
loaded=$(json_field "$(status_json "$S")" loaded)
check_eq "the load time is status's" "$(date -u -d "$loaded" +%s)" \
	"$(value "$T/p2" portcullis_policy_load_timestamp_seconds)"
check_eq "the build is this portcullis" \
	"portcullis_build_info{version=\"$("$PORTCULLIS" --version | cut -d' ' -f2)\"} 1" \
	"$(grep '^portcullis_build_info' "$T/p2")"
check_eq "lan0 is not pending, pcnone0 (no such interface) is" "0 1" \
	"$(value "$T/p2" "portcullis_scope_pending{$SC}")\
 $(value "$T/p2" 'portcullis_scope_pending{scope="interface:pcnone0"}')"
check_eq "the established table's size is --ct-entries" "2048" \
	"$(value "$T/p2" 'portcullis_conntrack_entries_max{table="established"}')"
check_ge "the allowed connection is in the established table" 1 \
	"$(value "$T/p2" 'portcullis_conntrack_entries{table="established"}')"
check_ge "and was promoted there" 1 "$(value "$T/p2" portcullis_conntrack_promoted_total)"

# --- the textfile ---------------------------------------------------------------

F=$TF/portcullis.prom
denied=$(value "$T/p2" "portcullis_verdicts_total{$SC,verdict=\"denied\"}")
# written again on its interval: it catches up with what stats says now
check "the textfile catches up with the counters within a few intervals" \
	wait_for 5 sh -c "grep -qxF 'portcullis_verdicts_total{$SC,verdict=\"denied\"} $denied' '$F'"
check_eq "the textfile is mode 0644" 644 "$(stat -c %a "$F")"
out=$(promtool check metrics <"$F" 2>&1)
check_eq "promtool check metrics accepts the textfile" "" "$out"
check_eq "the textfile holds the same families as stats" \
	"$(grep '^# TYPE' "$T/p2")" "$(grep '^# TYPE' "$F")"
check_eq "no temporary file is left beside it" "portcullis.prom" "$(ls -A "$TF")"

# A directory that cannot be written: said once, not every second, and the
# daemon enforces on.
rm -rf "$TF" && touch "$TF"
sleep 3.5
check_eq "a failing textfile is said once, not every interval" 1 \
	"$(grep -c 'metrics for node_exporter' "$(inst_dir "$S")/daemon.err")"
check "the daemon runs on" daemon_running "$S"
check "mode enforce --scope interface:lan0" pc "$S" mode enforce --scope interface:lan0
check "and enforces: tcp :8081 is denied" tcp_denied "$C" $S4 8081
rm -f "$TF" && mkdir "$TF"
check "once the directory is back, the file is written again" wait_for 5 test -s "$F"
check "and that is said" grep -q 'metrics written to .* again' "$(inst_dir "$S")/daemon.err"

finish
