#!/bin/bash
# The daemon as a systemd Type=notify service would see it: READY=1 once
# enforcement is in place (a stranger is already denied when it arrives),
# RELOADING=1 and READY=1 again around SIGHUP, a STATUS= naming what an
# 'apply' through RUN_DIR/control put in place, STOPPING=1 on SIGTERM;
# READY=1 with a late interface named pending, not held back for it. A
# datagram socket stands in for the service manager ($NOTIFY_SOCKET).
#
#   a         10.77.0.2   fd77::2    portcullis, tcp :80
#   stranger  10.77.0.66  fd77::66
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root socat

A4=10.77.0.2 A6=fd77::2
STR4=10.77.0.66 STR6=fd77::66

lan_create &&
host_add a $A4 $A6 &&
host_add str $STR4 $STR6 || { not_ok "build the LAN"; exit 1; }
A=$(ns_of a) STR=$(ns_of str)
tcp_server "$A" 80 || { not_ok "start the server"; exit 1; }

instance_add "$A"
cat >"$(inst_dir "$A")/portcullis.conf" <<CONF
include "$POLICIES/catalogue.conf"
role web {
    allow in https
}
mode enforce
attach interface lan0 role web
CONF

# The "service manager": every datagram appended to a file.
NOTES=$T/notify.log
export NOTIFY_SOCKET=$T/notify.sock
bg "$A" socat -u "UNIX-RECV:$NOTIFY_SOCKET" "OPEN:$NOTES,creat,append"
wait_for 5 test -S "$NOTIFY_SOCKET" || { not_ok "the notify socket is there"; exit 1; }

ready_count() { grep -c 'READY=1' "$NOTES" 2>/dev/null || true; }

daemon_start "$A" || { not_ok "the daemon starts"; exit 1; }
check "READY=1 arrives" wait_for 5 grep -q 'READY=1' "$NOTES"
check "with a STATUS= naming the policy" grep -q 'STATUS=policy [0-9a-f]*: 1 scopes' "$NOTES"
check "once READY=1 is sent, the stranger is already denied on 80" tcp_denied "$STR" $A4 80
check_eq "READY=1 came once" 1 "$(ready_count)"

kill -HUP "${DAEMON_PID[$A]}"
check "SIGHUP: RELOADING=1 arrives" wait_for 5 grep -q 'RELOADING=1' "$NOTES"
reloaded() { [ "$(ready_count)" -ge 2 ]; }
check "SIGHUP: READY=1 again after the reload" wait_for 5 reloaded
check "still enforcing after the reload" tcp_denied "$STR" $A4 80

# An apply through RUN_DIR/control: the daemon did it, and STATUS says so.
sed -i 's/allow in https/allow in https, http/' "$(inst_dir "$A")/portcullis.conf"
digest=$(pc "$A" apply | sed -n 's/^applied \([0-9a-f]*\):.*/\1/p')
check "apply: STATUS= names the policy it put in place" \
	wait_for 5 grep -q "STATUS=policy ${digest:-none}: 1 scopes" "$NOTES"

daemon_stop "$A"
check "SIGTERM: STOPPING=1 arrives" wait_for 5 grep -q 'STOPPING=1' "$NOTES"

# Boot is protected but not held up by a late target (the unit is ordered
# before network-pre.target): with an interface the config names missing,
# READY=1 still comes, once the rest is enforced, and STATUS= names the
# missing one as pending; when it appears it is attached, and STATUS= says
# nothing is pending any more.
sed -i 's/allow in https, http/allow in https/' "$(inst_dir "$A")/portcullis.conf"
cat >>"$(inst_dir "$A")/portcullis.conf" <<CONF
attach interface late0 role web
CONF
: >"$NOTES"
daemon_start "$A" || { not_ok "the daemon starts with a late interface"; exit 1; }
check "late target: READY=1 arrives all the same" wait_for 5 grep -q 'READY=1' "$NOTES"
check "late target: STATUS= names it pending" \
	grep -q 'STATUS=policy [0-9a-f]*: 2 scopes.*; pending: interface:late0' "$NOTES"
check "late target: the rest is enforced when READY=1 is sent" tcp_denied "$STR" $A4 80
ip -n "$A" link add name late0 type veth peer name late1 &&
ip -n "$A" link set late0 up || not_ok "make late0"
attached() { [ "$(ready_count)" -ge 2 ] && ! tail -1 "$NOTES" | grep -q pending; }
check "late target: attached once it appears, nothing pending in STATUS=" wait_for 5 attached
daemon_stop "$A"
unset NOTIFY_SOCKET

finish
