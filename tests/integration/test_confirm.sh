#!/bin/bash
# Commit-confirmed: 'mode enforce --confirm N' and 'apply --confirm N' go
# back by themselves unless 'portcullis confirm' comes in time: with no
# daemon (the waiter the command leaves behind), with a daemon (its
# once-a-second check, the waiter killed), with the daemon killed -9 and
# started again meanwhile; 'status' shows what is pending; the revert is an
# event. And the lock-out it exists for: a long TCP session from a peer the
# policy forgets is cut by the unconfirmed enforce and carries data again,
# on the same connection, once the change went back.
#
#   a       10.77.0.2   fd77::2    the instance: tcp :80 (http), :22 (an echo, ssh-like)
#   friend  10.77.0.3   fd77::3    allowed http
#   admin   10.77.0.9   fd77::9    the operator's session to :22; the policy forgets it
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root ss

A4=10.77.0.2 A6=fd77::2
FR4=10.77.0.3 FR6=fd77::3
AD4=10.77.0.9 AD6=fd77::9
WAIT=3		# --confirm SECONDS: short, the test waits it out

lan_create &&
host_add a $A4 $A6 &&
host_add fr $FR4 $FR6 &&
host_add ad $AD4 $AD6 || { not_ok "build the LAN"; exit 1; }
A=$(ns_of a) FR=$(ns_of fr) AD=$(ns_of ad)

tcp_server "$A" 80 || { not_ok "start the http server"; exit 1; }
bg "$A" socat TCP6-LISTEN:22,ipv6only=0,reuseaddr,fork EXEC:cat
wait_for 5 listening "$A" tcp 22 || { not_ok "start the echo server on :22"; exit 1; }

# conf FILE MODE [EXTRA RULE]: the friend gets http; the admin nothing
# unless EXTRA gives it; no failsafe, so nothing lets ssh in behind the test.
conf() {
	cat >"$1" <<EOF
include "$POLICIES/catalogue.conf"
peer friend  $FR4, $FR6
peer admin   $AD4, $AD6
role web {
    allow in http from friend
    ${3:-}
}
failsafe off
mode $2
attach interface lan0 role web
EOF
}
instance_add "$A"
CONF=$(inst_dir "$A")/portcullis.conf
RUN=$(inst_dir "$A")/run
LOG=$(inst_dir "$A")/log/events.log
conf "$CONF" audit

mode_is() {	# MODE: the one scope runs in MODE
	grep -q "\"mode\":\"$1\"" <<<"$(status_json "$A")"
}
reverts() {	# the number of revert events in the log
	grep -c '"kind":"revert"' "$LOG" 2>/dev/null || true
}
nothing_pending() {
	test ! -e "$RUN/confirm/pending" && ! grep -q '"pending"' <<<"$(status_json "$A")"
}
# confirm_cmd NAME ARGS...: check that 'pc A ARGS' succeeds, and keep the
# pid of the waiter it names in WAITER (not in a subshell, unlike 'check').
confirm_cmd() {
	local name=$1 out
	shift
	WAITER=
	if out=$(pc "$A" "$@" 2>&1); then
		WAITER=$(grep -o 'waiter pid [0-9]*' <<<"$out" | grep -o '[0-9]*$')
	fi
	CONFIRM_OUT=$out
	if [ -n "$WAITER" ] && [ "$WAITER" != 0 ]; then
		BG_PIDS+=("$WAITER")
		ok "$name"
	else
		not_ok "$name"
		diag "$out"
	fi
}

# The instance is loaded once by a daemon, which then stops: enforcement
# stays in the pins, and nothing but the waiter can revert.
daemon_start "$A" || { not_ok "daemon starts"; exit 1; }
daemon_stop "$A"

# --- no daemon: the waiter reverts ---------------------------------------------

# The policy lets no SSH in (failsafe off): the lock-out check refuses a
# plain 'mode enforce', and --confirm, whose revert is the way back, goes
# through with the finding as a warning.
check_eq "plain mode enforce is refused: it would let no SSH in (exit 1)" 1 \
	"$(pc "$A" mode enforce >"$T/out" 2>&1; echo $?)"
check "the refusal names the lock-out" grep -q "no SSH (tcp 22) or RDP" "$T/out"
confirm_cmd "mode enforce --confirm $WAIT succeeds (no daemon)" mode enforce --confirm $WAIT
check "the lock-out is a warning under --confirm" grep -q "warning: .*no SSH (tcp 22)" \
	<<<"$CONFIRM_OUT"
check "status shows the pending change and its deadline" grep -q \
	"^pending:  mode enforce, reverts at [0-9:]* (in [0-9]* s) unless 'portcullis confirm'" \
	<<<"$(pc "$A" status)"
check "status --json has pending.change" grep -q '"pending":{"change":"mode enforce","reverts_at":"' \
	<<<"$(status_json "$A")"
check "the pending record is root's alone (0600)" test "$(stat -c %a "$RUN/confirm/pending")" = 600
check "enforce runs meanwhile: the admin's new connection is dropped" tcp_denied "$AD" $A4 80
check_fails "a second --confirm change while one is pending is refused" \
	pc "$A" mode audit --confirm 30
check "the waiter reverts to audit after $WAIT s" wait_for $((WAIT + 5)) mode_is audit
check "nothing is pending after the revert" wait_for 2 nothing_pending
check "the waiter exited" wait_for 3 sh -c "! kill -0 $WAITER 2>/dev/null"
check_eq "one revert event" 1 "$(reverts)"
check "the event says what went back to what" grep -q \
	'"kind":"revert","change":"mode enforce","restored":"mode audit"' "$LOG"
check "'events' shows the revert" grep -q \
	'revert mode enforce: not confirmed in time, restored: mode audit' <<<"$(pc "$A" events)"
check "'events --json' prints the revert record" grep -q '"kind":"revert"' <<<"$(pc "$A" events --json)"
check "'events --verdict deny' leaves the revert out" \
	sh -c "! nsenter --net=/run/netns/$A $PORTCULLIS --log-dir $(inst_dir "$A")/log events --verdict deny | grep -q revert"
check "audit again: the admin's http passes" tcp_ok "$AD" $A4 80

# --- confirm in time -------------------------------------------------------------

confirm_cmd "mode enforce --confirm $WAIT again" mode enforce --confirm $WAIT
check "confirm says what it confirmed" grep -q '^confirmed: mode enforce' <<<"$(pc "$A" confirm)"
check "nothing is pending after confirm" nothing_pending
sleep $((WAIT + 2))
check "confirmed: still enforce after the deadline" mode_is enforce
check_eq "confirmed: no revert event" 1 "$(reverts)"
check "confirmed: the waiter went away" wait_for 3 sh -c "! kill -0 $WAITER 2>/dev/null"
check_fails "a second confirm has nothing to confirm" pc "$A" confirm
check "back to audit by hand" pc "$A" mode audit

# --- apply --confirm: the previous policy comes back --------------------------------

NEW=$T/forgets-admin.conf
conf "$CONF" enforce "allow in ssh from admin"
conf "$NEW" enforce
check "apply the config that lets the admin in on ssh, enforced" pc "$A" apply
D0=$(json_field "$(status_json "$A")" digest)
check "the admin reaches a:22" in_ns "$AD" socat -T2 -u /dev/null TCP:$A4:22,connect-timeout=2
confirm_cmd "apply --confirm $WAIT of a config that forgets the admin" -c "$NEW" apply --confirm $WAIT
check "status: the pending change names the new policy" grep -q '"pending":{"change":"apply ' \
	<<<"$(status_json "$A")"
check "meanwhile the admin is denied a:22" tcp_denied "$AD" $A4 22
check "the previous policy is back after $WAIT s" \
	wait_for $((WAIT + 8)) sh -c "nsenter --net=/run/netns/$A $PORTCULLIS --pin-dir $(inst_dir "$A")/pin --run-dir $RUN status --json | grep -q '\"digest\":\"$D0\"'"
check "the admin reaches a:22 again" in_ns "$AD" socat -T2 -u /dev/null TCP:$A4:22,connect-timeout=2
check "the revert event names the policy restored" grep -q "\"restored\":\"policy $D0 from " "$LOG"
check "state names the config that runs again" grep -q "^config $CONF\$" "$RUN/state"

# Every apply keeps the text of its config: the usual way to make a change
# is to edit the running config in place, and the revert goes back to the
# text from before the edit.
check "every apply keeps the text it applied, root's alone" \
	test "$(stat -c %a "$RUN/confirm/running.conf")" = 600
conf "$CONF" enforce	# edited in place: the admin is forgotten
confirm_cmd "apply --confirm $WAIT of the running config, edited in place" apply --confirm $WAIT
check "meanwhile the admin is denied a:22" tcp_denied "$AD" $A4 22
check "the text from before the edit runs again after $WAIT s" \
	wait_for $((WAIT + 8)) sh -c "nsenter --net=/run/netns/$A $PORTCULLIS --pin-dir $(inst_dir "$A")/pin --run-dir $RUN status --json | grep -q '\"digest\":\"$D0\"'"
check "the admin reaches a:22 once more" in_ns "$AD" socat -T2 -u /dev/null TCP:$A4:22,connect-timeout=2

# Without the kept text, a config edited since it was applied no longer
# holds what runs: --confirm could not go back, and refuses.
rm -f "$RUN/confirm/running.conf"
check_eq "apply --confirm with nothing that holds what runs exits 1" 1 \
	"$(pc "$A" apply --confirm 30 >"$T/out" 2>&1; echo $?)"
check "it says why, and what to do" grep -q "edited since it was applied.*-c" \
	<<<"$(tr '\n' ' ' <"$T/out")"
check "it changed nothing" grep -q "\"digest\":\"$D0\"" <<<"$(status_json "$A")"
check "nothing is pending after the refusal" nothing_pending

# When the policy from before cannot be put back (here its kept text is
# broken meanwhile), the revert still gives the session back: audit.
conf "$CONF" enforce "allow in ssh from admin"	# holds what runs again
confirm_cmd "apply --confirm $WAIT, whose text to go back to then breaks" \
	-c "$NEW" apply --confirm $WAIT
echo "frobnicate the policy" >"$RUN/confirm/previous.conf"
check "the revert switches every scope to audit instead" wait_for $((WAIT + 8)) mode_is audit
check "the revert event says so" grep -q \
	'"restored":"mode audit (the policy before could not be put back)"' "$LOG"
check "the admin reaches a:22 in audit" in_ns "$AD" socat -T2 -u /dev/null TCP:$A4:22,connect-timeout=2

# --- with a daemon ------------------------------------------------------------------

conf "$CONF" audit
nothing_pending_shown() {
	! grep -q '^pending:' <<<"$(pc "$A" status)" && ! grep -q '"pending"' <<<"$(status_json "$A")"
}
# A record of an earlier boot: the pins it changed died with that boot.
printf 'version 1\nkind mode\nchange mode enforce\ndeadline %s\nboot_id %s\nscope enforce interface:lan0\n' \
	$(($(date +%s) - 10)) 00000000-0000-0000-0000-000000000000 >"$RUN/confirm/pending"
check "status does not show a change of an earlier boot" nothing_pending_shown
daemon_start "$A" || { not_ok "daemon starts again"; exit 1; }
check "the daemon drops it" wait_for 3 test ! -e "$RUN/confirm/pending"
check "and says why" grep -q "dropping 'mode enforce': it was made before the last boot" \
	"$(inst_dir "$A")/daemon.err"
check "and switches nothing" mode_is audit

digest_is() {	# DIGEST: what runs
	grep -q "\"digest\":\"$1\"" <<<"$(status_json "$A")"
}
D1=$(json_field "$(status_json "$A")" digest)
conf "$CONF" audit "allow in ssh from admin"	# edited in place
confirm_cmd "apply --confirm $WAIT under the daemon" apply --confirm $WAIT
kill -KILL "$WAITER" 2>/dev/null
check "the daemon puts back the policy it started with" wait_for $((WAIT + 8)) digest_is "$D1"
check "and warns that the config file still holds the unconfirmed change" grep -q \
	"$CONF still holds the change that was not confirmed" "$(inst_dir "$A")/daemon.err"
conf "$CONF" audit
N=$(reverts)
confirm_cmd "mode enforce --confirm $WAIT under the daemon" mode enforce --confirm $WAIT
kill -KILL "$WAITER" 2>/dev/null
check "the daemon reverts it by itself (waiter killed)" wait_for $((WAIT + 5)) mode_is audit
check "the daemon says so on stderr (the journal)" \
	grep -q "'mode enforce' was not confirmed by .*: back to mode audit" "$(inst_dir "$A")/daemon.err"
check_eq "the daemon's revert is one more event" $((N + 1)) "$(reverts)"

# Killed -9 during the wait, the waiter too, and started again after the
# deadline with a config that now says enforce: the record on disk wins.
confirm_cmd "mode enforce --confirm $WAIT, then the daemon is killed" mode enforce --confirm $WAIT
kill -KILL "$WAITER" 2>/dev/null
daemon_stop "$A" KILL
sleep $((WAIT + 1))
check "past the deadline with nobody to revert: still pending" test -e "$RUN/confirm/pending"
conf "$CONF" enforce
daemon_start "$A" || { not_ok "daemon starts after kill -9"; exit 1; }
check "the new daemon reverts at once to what ran before (audit)" wait_for 5 mode_is audit
check "nothing is pending after the restarted daemon's revert" nothing_pending
check_eq "the restarted daemon's revert is one more event" $((N + 2)) "$(reverts)"
conf "$CONF" audit
daemon_stop "$A"

# --- the lock-out: an ssh-like session from a peer the policy forgets ---------------

check "apply the audit config (forgets the admin)" pc "$A" apply
IN=$T/session.in OUT=$T/session.out
: >"$IN"
: >"$OUT"
bg "$AD" socat -T 120 "GOPEN:$IN,ignoreeof!!OPEN:$OUT,creat,append" TCP:$A4:22
SESSION=$BG_LAST
echo before >>"$IN"
check "the session carries data in audit" wait_for 5 grep -q before "$OUT"
# The operator types in that session, so SSH_CONNECTION names its peer:
# plain enforce is refused (the lock-out check), --confirm goes through
# with the same finding as a warning, as it is the way back.
SESS="$AD4 50022 $A4 22"
session_pc() { SSH_CONNECTION="$SESS" pc "$A" "$@"; }
check_fails "mode enforce from the session the policy forgets is refused (lock-out)" \
	session_pc mode enforce
check "the refused enforce changed nothing" mode_is audit
SSH_CONNECTION="$SESS" confirm_cmd "mode enforce --confirm $WAIT from the session's operator" \
	mode enforce --confirm $WAIT
check "--confirm warns that enforce would cut this session" \
	grep -q "would cut this SSH session" <<<"$CONFIRM_OUT"
echo during >>"$IN"
sleep 1
check "enforce cuts the session: its data does not come back" sh -c "! grep -q during '$OUT'"
check "the mode reverts to audit" wait_for $((WAIT + 5)) mode_is audit
check "the session is alive: what was sent during enforce arrives" wait_for 15 grep -q during "$OUT"
echo after >>"$IN"
check "and it carries new data after the revert" wait_for 5 grep -q after "$OUT"
check "on the same connection (the client never exited)" kill -0 "$SESSION"

finish
