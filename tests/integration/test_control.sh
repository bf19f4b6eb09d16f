#!/bin/bash
# RUN_DIR/control: the running daemon does 'apply', 'mode', 'confirm' and
# 'status' for the command line. The socket is root's (0600, and the peer's
# uid checked); an apply through it renames events from the first packet
# after the flip; with no daemon listening (killed -9, socket file left)
# the commands do the work themselves.
#
#   a         10.78.0.2   fd78::2    the instance: tcp :80 for the friend only
#   friend    10.78.0.3   fd78::3
#   stranger  10.78.0.66  fd78::66   its datagrams are denied, one event each
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root setpriv socat

A4=10.78.0.2 A6=fd78::2
FR4=10.78.0.3 FR6=fd78::3
STR4=10.78.0.66 STR6=fd78::66

lan_create &&
host_add a $A4 $A6 &&
host_add fr $FR4 $FR6 &&
host_add str $STR4 $STR6 || { not_ok "build the LAN"; exit 1; }
A=$(ns_of a) STR=$(ns_of str)
tcp_server "$A" 80 || { not_ok "start the server"; exit 1; }

# conf ROLE: the same rules under the role name ROLE (the digest covers the
# rules, not the names: only the daemon's tables tell the two apart).
conf() {
	cat >"$(inst_dir "$A")/portcullis.conf" <<EOF
include "$POLICIES/catalogue.conf"
peer friend    $FR4, $FR6
role $1 {
    allow in http from friend
}
mode enforce
attach interface lan0 role $1
EOF
}
instance_add "$A"
conf web
D=$(inst_dir "$A")
SOCK=$D/run/control
LOG=$D/log/events.log
ERR=$D/daemon.err

daemon_start "$A" || { not_ok "daemon starts"; exit 1; }
DPID=${DAEMON_PID[$A]}

# --- the socket ---------------------------------------------------------------

check "RUN_DIR/control is a socket while the daemon runs" test -S "$SOCK"
check_eq "RUN_DIR/control is root's alone (0600)" 600 "$(stat -c %a "$SOCK")"
check_eq "RUN_DIR/control belongs to root" 0 "$(stat -c %u "$SOCK")"

# --- root only ----------------------------------------------------------------

# nobody may run our copy of the binary, and no more: $T itself opens to
# the search bit, the run dir (0700) stays closed.
chmod o+x "$T"
as_nobody() {
	in_ns "$A" setpriv --reuid=65534 --regid=65534 --clear-groups "$PORTCULLIS" -c "$D/portcullis.conf" --pin-dir "$D/pin" --run-dir "$D/run" \
		--log-dir "$D/log" "$@"
}
rc=$(as_nobody mode audit >"$T/out" 2>&1; echo $?)
check_eq "a non-root 'mode audit' fails (exit 1)" 1 "$rc"
check "it is told the control socket is root's" grep -q "control: Permission denied (the control socket is root's alone)" "$T/out"
# With the file modes opened, the daemon's own check (SO_PEERCRED) still refuses.
chmod o+x "$D" "$D/run"
chmod 666 "$SOCK"
rc=$(as_nobody mode audit >"$T/out" 2>&1; echo $?)
check_eq "with the socket opened to all, a non-root 'mode audit' still fails (exit 1)" 1 "$rc"
check "the daemon refuses it: root only" grep -q "the daemon takes requests from root only" "$T/out" ||
	diag "$(cat "$T/out")"
check "the daemon's journal names the refused pid and uid" \
	grep -q "control: refused pid [0-9]*: uid 65534 is not root" "$ERR"
chmod 600 "$SOCK"
chmod o-x "$D/run" "$D" "$T"
check "enforce still runs: nothing was switched" \
	grep -q '"name":"interface:lan0","attach":"[a-z]*","mode":"enforce"' <<<"$(status_json "$A")"

# --- apply renames events from the first packet after the flip --------------------

# dport_event PORT: the event log line of the stranger's datagram to PORT.
dport_event() { grep '"src":"'$STR4'"' "$LOG" | grep '"dport":'"$1"'[,}]' | head -1; }
renamed=0
for i in 1 2 3 4 5 6; do
	role=$([ $((i % 2)) -eq 1 ] && echo alpha || echo web)
	conf "$role"
	pc "$A" apply >"$T/out" 2>&1 || { diag "apply $i:" "$(cat "$T/out")"; break; }
	# At once: on main the daemon notices the apply only after this event.
	echo "x" | in_ns "$STR" socat -u - UDP:$A4:$((9100 + i))
	wait_for 3 test -n "$(dport_event $((9100 + i)))" || { diag "no event for $((9100 + i))"; break; }
	if dport_event $((9100 + i)) | grep -q '"roles":\["'"$role"'"\]'; then
		renamed=$((renamed + 1))
	else
		diag "apply $i ($role): $(dport_event $((9100 + i)))"
	fi
done
check_eq "after each of 6 applies the first event names the new role" 6 "$renamed"
check "the daemon did the applies itself" grep -q "applied for 'apply'" "$ERR"
check "the daemon's journal names the client's pid" grep -q "control: pid [0-9]*: apply: exit 0" "$ERR"
check "apply's own output reached the client" grep -q "^applied [0-9a-f]*: 1 scopes" "$T/out"
# A relative -c is the client's, not the daemon's working directory's.
check "apply -c with a relative path goes through" \
	sh -c "cd '$D' && nsenter --net=/run/netns/$A '$PORTCULLIS' -c portcullis.conf --pin-dir pin \
		--run-dir run --log-dir log apply"
check "state records the config by its absolute path" \
	grep -q "\"config\":\"$D/portcullis.conf\"" <<<"$(status_json "$A")"
rc=$(pc "$A" --json apply --bogus >"$T/out" 2>"$T/err"; echo $?)
check_eq "a usage error through the daemon exits 2" 2 "$rc"
check "under --json it is the one document on the client's stdout" \
	grep -q '^{"errors":\[{"severity":"error","message":"apply has no option .--bogus.' "$T/out"

# --- mode, status, confirm through the daemon --------------------------------------

check "mode audit through the daemon" grep -q "^interface:lan0: audit" <<<"$(pc "$A" mode audit)"
check "the daemon ran it" grep -q "control: pid [0-9]*: mode ...: exit 0" "$ERR"
check "status -v says the daemon answered" \
	grep -q "^daemon:   running (pid $DPID); this answer came through $D/run/control" \
	<<<"$(pc "$A" -v status)"
st=$(status_json "$A")
check "status --json: running, the daemon's pid" grep -q "\"running\":true,\"pid\":$DPID," <<<"$st"
check "status --json: the scope in audit" \
	grep -q '"name":"interface:lan0","attach":"[a-z]*","mode":"audit"' <<<"$st"
check "mode enforce --confirm 60 through the daemon" pc "$A" mode enforce --confirm 60
check "status shows it pending" grep -q "^pending:  mode enforce" <<<"$(pc "$A" status)"
check "confirm through the daemon" grep -q "^confirmed: mode enforce" <<<"$(pc "$A" confirm)"
check "the daemon ran confirm" grep -q "control: pid [0-9]*: confirm: exit 0" "$ERR"
check "nothing pending after confirm" test ! -e "$D/run/confirm/pending"
# The waiter that would have reverted it was forked by the daemon: it goes,
# and the daemon reaps it (no zombie left behind).
no_children() { [ -z "$(ps --ppid "$DPID" -o pid= 2>/dev/null)" ]; }
check "the daemon reaped the confirmed change's waiter" wait_for 5 no_children
check "the friend reaches http" tcp_ok "$(ns_of fr)" $A4 80
check "the stranger does not" tcp_denied "$STR" $A4 80

# --- the socket gone under a running daemon: apply falls back, the daemon follows ---------

mv "$SOCK" "$SOCK.away"
conf beta
check "with RUN_DIR/control gone, apply does the work itself" pc "$A" apply
check "the daemon follows it by RUN_DIR/state" \
	wait_for 5 grep -q "events now name the scopes, roles and hints" "$ERR"
echo "x" | in_ns "$STR" socat -u - UDP:$A4:9200
check "its events name the new role" wait_for 3 sh -c "grep -q '\"roles\":\\[\"beta\"\\].*\"dport\":9200[,}]' '$LOG'"
mv "$SOCK.away" "$SOCK"
check "the socket back, status goes through the daemon again" \
	grep -q "this answer came through" <<<"$(pc "$A" -v status)"

# --- no daemon: the commands do the work themselves ----------------------------------

daemon_stop "$A" KILL
check "killed -9, the daemon leaves RUN_DIR/control behind" test -S "$SOCK"
check "status -v falls back: not running" grep -q "^daemon:   not running" <<<"$(pc "$A" -v status)"
check "mode audit falls back and works" grep -q "^interface:lan0: audit" <<<"$(pc "$A" mode audit)"
check "apply falls back and works" pc "$A" apply
check "mode enforce --confirm 60 falls back and works" pc "$A" mode enforce --confirm 60
check "confirm falls back and works" grep -q "^confirmed: mode enforce" <<<"$(pc "$A" confirm)"
check "enforce runs" grep -q '"mode":"enforce"' <<<"$(status_json "$A")"

# --- a new daemon replaces the stale socket; SIGTERM removes it -------------------------

daemon_start "$A" || { not_ok "daemon starts again"; exit 1; }
check "the new daemon answers on RUN_DIR/control" \
	grep -q "this answer came through" <<<"$(pc "$A" -v status)"
daemon_stop "$A"
check "stopped, the daemon removed RUN_DIR/control" test ! -e "$SOCK"

finish
