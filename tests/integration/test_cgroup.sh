#!/bin/bash
# Per-service scope: a role attached to a test cgroup judges only the
# sockets of the processes in it, at connect()/sendmsg() (EPERM at once)
# and per packet at cgroup ingress/egress.
#
#   app     10.77.0.2  fd77::2   the cgroup's processes run here; portcullis
#   web     10.77.0.3  fd77::3   tcp :80 :81, udp :5300 :5301
#   client  10.77.0.4  fd77::4   tcp :80 (not 'web'); calls the app's :8080 :9090
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root ss

APP4=10.77.0.2 APP6=fd77::2
WEB4=10.77.0.3 WEB6=fd77::3
CLI4=10.77.0.4 CLI6=fd77::4

cgroup_root || skip_all "no cgroup2 mount"
CGNAME=pc-test-$$
cgroup_add "$CGNAME" || { not_ok "create the test cgroup $CG_ROOT/$CGNAME"; exit 1; }
CG=$CG_ROOT/$CGNAME
SCOPE=cgroup:/$CGNAME

lan_create &&
host_add app $APP4 $APP6 &&
host_add web $WEB4 $WEB6 &&
host_add cli $CLI4 $CLI6 || { not_ok "build the LAN"; exit 1; }
APP=$(ns_of app) WEB=$(ns_of web) CLI=$(ns_of cli)

tcp_server "$WEB" 80 &&
tcp_server "$WEB" 81 &&
udp_server "$WEB" 5300 &&
udp_server "$WEB" 5301 &&
tcp_server "$CLI" 80 || { not_ok "start the servers"; exit 1; }

# Servers of the app, inside the cgroup: 8080 is allowed in, 9090 is not.
bg_cgroup "$CG" "$APP" socat TCP6-LISTEN:8080,ipv6only=0,reuseaddr,fork "SYSTEM:echo pc-ok"
bg_cgroup "$CG" "$APP" socat TCP6-LISTEN:9090,ipv6only=0,reuseaddr,fork "SYSTEM:echo pc-ok"
wait_for 5 listening "$APP" tcp 8080 && wait_for 5 listening "$APP" tcp 9090 ||
	{ not_ok "start the app's servers in the cgroup"; exit 1; }
check_ge "the app's servers run in the test cgroup" 2 "$(wc -l <"$CG/cgroup.procs")"

instance_add "$APP"
cat >"$(inst_dir "$APP")/portcullis.conf" <<EOF
# One service in a cgroup (tests/integration/test_cgroup.sh).
include "$POLICIES/catalogue.conf"

service pc-app  tcp 8080  "the test app's listener"
service pc-udp  udp 5300  "a udp service of web"

peer web  $WEB4, $WEB6

role pc-app {
    allow out http, pc-udp  to web
    allow in  pc-app
}

mode enforce
attach cgroup /$CGNAME role pc-app
EOF

# cg_tcp ADDR PORT [WAIT]: connect from inside the cgroup (in namespace app).
cg_tcp() {
	in_cgroup "$CG" "$APP" timeout 8 socat -T "${3:-$ALLOW_WAIT}" -u \
		"TCP:$(sock_addr "$1" "$2"),connect-timeout=${3:-$ALLOW_WAIT}" STDOUT
}
cg_tcp_ok() {
	local got
	got=$(cg_tcp "$1" "$2") || return 1
	[ "$got" = pc-ok ] || { echo "got '$got'"; return 1; }
}
# cg_udp ADDR PORT: one unconnected sendto() from inside the cgroup, print the answer.
cg_udp() {
	echo probe | in_cgroup "$CG" "$APP" timeout 8 socat -T "$ALLOW_WAIT" - \
		"UDP-SENDTO:$(sock_addr "$1" "$2")"
}
cg_udp_ok() {	# two tries, as udp_ok (lib.sh) says why
	local got try
	for try in 1 2; do
		got=$(cg_udp "$1" "$2") && [ "$got" = pc-ok ] && return 0
	done
	echo "got '$got'"
	return 1
}

# eperm_at_once KIND ADDR PORT: the call itself fails with EPERM. A dropped
# packet would instead end in a timeout, with another error, so the error
# proves the answer came at once without timing it (timings belong in
# benchmarks: the kernel matrix runs on an emulated CPU).
eperm_at_once() {
	local kind=$1 out rc
	if [ "$kind" = tcp ]; then
		out=$(cg_tcp "$2" "$3" 3 2>&1)
	else
		out=$(cg_udp "$2" "$3" 2>&1)
	fi
	rc=$?
	echo "rc=$rc: $out"
	[ "$rc" -ne 0 ] && [ "${out#*Operation not permitted}" != "$out" ]
}

# --- before the daemon: everything works from the cgroup ----------------------

check "baseline: from the cgroup, web tcp/81 answers without portcullis" cg_tcp_ok $WEB4 81
check "baseline: from the cgroup, web udp/5301 answers without portcullis" cg_udp_ok $WEB4 5301

if ! daemon_start "$APP"; then
	not_ok "the daemon attaches to the test cgroup"
	exit 1
fi
ok "the daemon attaches to the test cgroup"

st=$(status_json "$APP")
check "status --json lists cgroup:/pc-test-PID, attached as cgroup, in enforce" \
	grep -q "\"name\":\"$SCOPE\",\"attach\":\"cgroup\",\"mode\":\"enforce\"" <<<"$st"

# --- sockets made outside the cgroup ------------------------------------------------

# A socket keeps the cgroup it was made in: servers started outside the
# cgroup and moved into it (as socket activation hands a service sockets
# systemd made) are never judged by the scope's hooks. status and check
# name them; the servers started inside the cgroup are not named.
tcp_server "$APP" 7070 || not_ok "start a tcp server outside the cgroup"
MOVED_TCP=$BG_LAST
udp_sink "$APP" 5399 "$T/moved-udp" || not_ok "start a udp server outside the cgroup"
MOVED_UDP=$BG_LAST
MADE_IN=$(sed -n 's/^0:://p' "/proc/$MOVED_TCP/cgroup")
echo "$MOVED_TCP" >"$CG/cgroup.procs" && echo "$MOVED_UDP" >"$CG/cgroup.procs" ||
	not_ok "move the servers into the test cgroup"
st=$(status_json "$APP")
unjudged() {	# the scope's unjudged_sockets array
	grep -o "\"name\":\"$SCOPE\"[^[]*\"unjudged_sockets\":\[[^]]*\]" <<<"$st"
}
check "status --json names the moved tcp listener :7070, its pid and where it was made" \
	grep -q "{\"proto\":\"tcp\",\"address\":\"::\",\"port\":7070,\"state\":\"listen\",\"pid\":$MOVED_TCP,\"comm\":\"socat\",\"cgroup\":\"$MADE_IN\"" \
	<<<"$(unjudged)"
check "status --json names the moved udp socket :5399" \
	grep -q "{\"proto\":\"udp\",\"address\":\"::\",\"port\":5399,\"state\":\"bound\",\"pid\":$MOVED_UDP," \
	<<<"$(unjudged)"
check_fails "status --json does not name the listeners started in the cgroup (8080, 9090)" \
	grep -Eq '"port":(8080|9090),' <<<"$(unjudged)"
txt=$(pc "$APP" status)
check "status names the moved listener in text, with the interface scope as the answer" \
	grep -q "^  not judged: tcp \[::\]:7070 listen, pid $MOVED_TCP (socat), made in cgroup $MADE_IN\$" <<<"$txt"
check "status says why, and what to attach" grep -q "^  why: .*attach the host's interface too" <<<"$txt"
check "check warns of the moved listener too" \
	grep -q "warning: $SCOPE never judges tcp \[::\]:7070 listen, pid $MOVED_TCP (socat)" \
	<<<"$(pc "$APP" check 2>&1)"
# What the warning is about: 7070 has no rule, and still answers.
check "client -> app tcp/7070 (no rule) answers: its socket is outside the scope" \
	tcp_ok "$CLI" $APP4 7070

# The other way round: a server started in the cgroup and moved out stays
# judged by the scope, though its process no longer is in it.
bg_cgroup "$CG" "$APP" socat TCP6-LISTEN:7171,ipv6only=0,reuseaddr,fork "SYSTEM:echo pc-ok"
MOVED_OUT=$BG_LAST
wait_for 5 listening "$APP" tcp 7171 || not_ok "start a tcp server in the cgroup"
echo "$MOVED_OUT" >"$CG_ROOT$MADE_IN/cgroup.procs" || not_ok "move it out, back to $MADE_IN"
check "status --json names the listener made in the scope and held outside it" \
	grep -q "\"sockets_held_outside\":\[{\"proto\":\"tcp\",\"address\":\"::\",\"port\":7171,\"state\":\"listen\",\"pid\":$MOVED_OUT,\"comm\":\"socat\",\"cgroup\":\"$MADE_IN\"" \
	<<<"$(status_json "$APP")"
check "status names it in text as held outside" \
	grep -q "^  held outside: tcp \[::\]:7171 listen, held by pid $MOVED_OUT (socat) in cgroup $MADE_IN\$" \
	<<<"$(pc "$APP" status)"
check "client -> app tcp/7171 (no rule) is dropped: the scope still judges its socket" \
	tcp_denied "$CLI" $APP4 7171

# --- out from the cgroup ---------------------------------------------------------

check "cgroup -> web http/80 over IPv4 passes" cg_tcp_ok $WEB4 80
check "cgroup -> web http/80 over IPv6 passes" cg_tcp_ok $WEB6 80
check "cgroup -> web udp/5300 over IPv4 passes, and the answer comes back" cg_udp_ok $WEB4 5300
check "cgroup -> web udp/5300 over IPv6 passes, and the answer comes back" cg_udp_ok $WEB6 5300
check "cgroup -> web tcp/81: connect fails at once with EPERM (IPv4)" eperm_at_once tcp $WEB4 81
check "cgroup -> web tcp/81: connect fails at once with EPERM (IPv6)" eperm_at_once tcp $WEB6 81
check "cgroup -> client tcp/80 (not peer web): EPERM at once" eperm_at_once tcp $CLI4 80
check "cgroup -> client tcp/80 over IPv6 (not peer web): EPERM at once" eperm_at_once tcp $CLI6 80
check "cgroup -> web udp/5301: sendto fails at once with EPERM (IPv4)" eperm_at_once udp $WEB4 5301
check "cgroup -> web udp/5301: sendto fails at once with EPERM (IPv6)" eperm_at_once udp $WEB6 5301
# An IPv6 socket to an IPv4-mapped address is an IPv4 connection: judged as IPv4.
check "cgroup -> web http/80 via a dual-stack socket (::ffff:$WEB4) passes" cg_tcp_ok "::ffff:$WEB4" 80
check "cgroup -> web tcp/81 via a dual-stack socket is EPERM at once" eperm_at_once tcp "::ffff:$WEB4" 81
check "cgroup -> web udp/5301 via a dual-stack socket: sendto is EPERM at once" \
	eperm_at_once udp "::ffff:$WEB4" 5301

# A child cgroup is judged by its nearest ancestor with a scope.
cgroup_add "$CGNAME/child" || not_ok "create a child cgroup"
child_tcp() {
	in_cgroup "$CG/child" "$APP" timeout 8 socat -T 3 -u "TCP:$(sock_addr "$1" "$2"),connect-timeout=3" STDOUT
}
check "child cgroup -> web http/80 passes" child_tcp $WEB4 80
child_eperm() {
	local out
	out=$(child_tcp "$1" "$2" 2>&1) && { echo "connected: $out"; return 1; }
	[ "${out#*Operation not permitted}" != "$out" ] || { echo "$out"; return 1; }
}
check "child cgroup -> web tcp/81 is EPERM" child_eperm $WEB4 81
check "cgroup -> loopback is never judged" \
	in_cgroup "$CG" "$APP" timeout 5 socat -u "TCP:127.0.0.1:8080,connect-timeout=2" STDOUT

# --- the same namespace outside the cgroup is not affected -------------------------

check "outside the cgroup, same namespace: web tcp/81 answers" tcp_ok "$APP" $WEB4 81
check "outside the cgroup, same namespace: web tcp/81 over IPv6 answers" tcp_ok "$APP" $WEB6 81
check "outside the cgroup, same namespace: web udp/5301 answers" udp_ok "$APP" $WEB4 5301
check "outside the cgroup, same namespace: client tcp/80 answers" tcp_ok "$APP" $CLI4 80

# --- in to the cgroup's servers --------------------------------------------------

check "client -> app tcp/8080 (allowed in) passes over IPv4" tcp_ok "$CLI" $APP4 8080
check "client -> app tcp/8080 (allowed in) passes over IPv6" tcp_ok "$CLI" $APP6 8080
check "client -> app tcp/9090 (no rule) is dropped over IPv4" tcp_denied "$CLI" $APP4 9090
check "client -> app tcp/9090 (no rule) is dropped over IPv6" tcp_denied "$CLI" $APP6 9090

# --- events and counters -------------------------------------------------------------

LOG=$(inst_dir "$APP")/log/events.log
conn_event() {	# a deny at connect, with the task's pid and comm, to web:81
	grep '"verdict":"deny"' "$LOG" | grep "\"scope\":\"$SCOPE\"" | grep '"dst":"'"$WEB4"'"' |
		grep '"dport":81[,}]' | grep -q '"comm":"socat"'
}
check "events.log has the connect deny to web:81 with comm socat" wait_for 2 conn_event
cgroup_path_event() {	# the socket's cgroup by path, as operators write it
	grep '"dport":81[,}]' "$LOG" | grep -q "\"cgroup\":\"/$CGNAME\""
}
check "the connect deny names the cgroup path /$CGNAME" cgroup_path_event
in_event() {
	grep '"verdict":"deny"' "$LOG" | grep '"src":"'"$CLI4"'"' | grep -q '"dport":9090[,}]'
}
check "events.log has the inbound deny from the client to :9090" wait_for 2 in_event
denied=$(json_field "$(status_json "$APP")" denied)
check_ge "status --json counts denied calls and packets" 1 "$denied"

# --- audit for this scope lets it through; enforce stops it again ------------------

check "mode audit --scope cgroup:/pc-test-PID" pc "$APP" mode audit --scope "$SCOPE"
check "audit: cgroup -> web tcp/81 passes" cg_tcp_ok $WEB4 81
check "audit: cgroup -> web tcp/81 over IPv6 passes" cg_tcp_ok $WEB6 81
check "audit: cgroup -> web udp/5301 passes" cg_udp_ok $WEB4 5301
check "audit: client -> app tcp/9090 passes" tcp_ok "$CLI" $APP4 9090
audit_event() {
	grep '"verdict":"audit"' "$LOG" | grep '"dst":"'"$WEB4"'"' | grep -q '"dport":81[,}]'
}
check "events.log has an audit event for web:81" wait_for 2 audit_event
audited=$(json_field "$(status_json "$APP")" audited)
check_ge "status --json counts audited calls and packets" 1 "$audited"

check "mode enforce --scope /pc-test-PID (the target alone)" pc "$APP" mode enforce --scope "${SCOPE#cgroup:}"
check "enforce again: cgroup -> web tcp/81 is EPERM at once" eperm_at_once tcp $WEB4 81
check "enforce again: client -> app tcp/9090 is dropped" tcp_denied "$CLI" $APP4 9090
check "enforce again: cgroup -> web http/80 still passes" cg_tcp_ok $WEB4 80
check "a scope that does not exist is refused (exit 1)" test "$(pc "$APP" mode audit --scope cgroup:/no-such >/dev/null 2>&1; echo $?)" = 1

# --- 'systemctl restart': the service's cgroup is removed and made anew ---------------

# A new cgroup has a new id: the old key and hooks are dead, and the daemon
# must enforce the new cgroup before its traffic flows (within a second or two).
for pid in $(cat "$CG/cgroup.procs" "$CG/child/cgroup.procs" 2>/dev/null); do
	kill "$pid" 2>/dev/null
done
wait_for 5 sh -c "[ -z \"\$(cat '$CG/cgroup.procs')\" ]" || not_ok "empty the test cgroup"
rmdir "$CG/child" "$CG" && mkdir "$CG" || { not_ok "remove and make the test cgroup again"; exit 1; }
check "the cgroup made anew is enforced within seconds: web tcp/81 is EPERM" \
	wait_for 10 eperm_at_once tcp $WEB4 81
check "the cgroup made anew: web http/80 still passes" cg_tcp_ok $WEB4 80
check "the daemon said it applied again for the new cgroup" \
	grep -q "$SCOPE: its target was made anew" "$(inst_dir "$APP")/daemon.err"

check "the daemon is still running" daemon_running "$APP"
check "status: the scope is live" \
	grep -q "\"name\":\"$SCOPE\",\"attach\":\"cgroup\",\"mode\":\"enforce\",\"live\":true" \
	<<<"$(status_json "$APP")"

# Without a daemon to follow it, a cgroup made anew leaves the scope's
# hooks on the old one: status says so.
daemon_stop "$APP" TERM
rmdir "$CG" && mkdir "$CG" || not_ok "make the test cgroup anew once more"
check "without the daemon, status says the re-made cgroup's scope is not live" \
	grep -q "\"name\":\"$SCOPE\",\"attach\":\"cgroup\",\"mode\":\"[a-z]*\",\"live\":false" \
	<<<"$(status_json "$APP")"
check "and its text marks the scope stale" grep -q "^$SCOPE *stale " <<<"$(pc "$APP" status)"
finish
