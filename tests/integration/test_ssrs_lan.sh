#!/bin/bash
# The acceptance scenario: an SSRS report server on a LAN of network
# namespaces, enforcing the shipped 'ssrs' role at its interface.
#
#   crm front end 10.77.0.3   fd77::3    nginx client; crmsdklistener :808
#   ssrs host     10.77.0.2   fd77::2    nginx :80 :443, ssh :22, echo :7777; portcullis on lan0
#   sql server    10.77.0.5   fd77::5    :1433
#   dc            10.77.0.9   fd77::9    dnsmasq :53 udp+tcp; also 'admin'
#   stranger      10.77.0.66  fd77::66   :1433, udp :53 (for the outbound checks)
#
# all on one bridge in its own namespace.
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root curl dig dnsmasq nginx ping ss

SSRS4=10.77.0.2 SSRS6=fd77::2
FE4=10.77.0.3 FE6=fd77::3
SQL4=10.77.0.5 SQL6=fd77::5
DC4=10.77.0.9 DC6=fd77::9
STR4=10.77.0.66 STR6=fd77::66

lan_create || { not_ok "build the LAN"; exit 1; }
host_add ssrs $SSRS4 $SSRS6 &&
host_add fe $FE4 $FE6 &&
host_add sql $SQL4 $SQL6 &&
host_add dc $DC4 $DC6 &&
host_add str $STR4 $STR6 || { not_ok "build the LAN"; exit 1; }
SSRS=$(ns_of ssrs) FE=$(ns_of fe) SQL=$(ns_of sql) DC=$(ns_of dc) STR=$(ns_of str)

# --- servers -----------------------------------------------------------------

mkdir -p "$T/nginx"
cat >"$T/nginx/nginx.conf" <<EOF
worker_processes 1;
user root;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    default_type text/plain;
    server {
        listen 80;
        listen [::]:80;
        listen 443;
        listen [::]:443;
        location / { return 200 "pc-ok\n"; }
    }
}
EOF
bg "$SSRS" nginx -c "$T/nginx/nginx.conf" -g 'daemon off;'
wait_for 5 listening "$SSRS" tcp 443 || { not_ok "nginx runs on the ssrs host"; diag "$(cat "$T/nginx/error.log")"; exit 1; }

bg "$DC" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--bind-interfaces --listen-address=$DC4,$DC6 --user=root --group=root \
	--pid-file="$T/dnsmasq.pid" --host-record=ssrs.pc.test,$SSRS4,$SSRS6
wait_for 5 listening "$DC" tcp 53 || { not_ok "dnsmasq runs on the dc"; exit 1; }

tcp_server "$SSRS" 22 pc-ssh &&
bg "$SSRS" socat TCP6-LISTEN:7777,ipv6only=0,reuseaddr,fork EXEC:cat &&
wait_for 5 listening "$SSRS" tcp 7777 &&
tcp_server "$SQL" 1433 &&
tcp_server "$FE" 808 &&
tcp_server "$STR" 1433 &&
udp_server "$STR" 53 || { not_ok "start the servers"; exit 1; }

http_ok() {	# NS URL-HOST PORT
	local got
	got=$(in_ns "$1" curl -gsS --max-time 3 "http://$(sock_addr "$2" "$3")/") || return 1
	[ "$got" = pc-ok ] || { echo "got '$got'"; return 1; }
}
http_denied() {
	local got
	if got=$(in_ns "$1" curl -gsS --connect-timeout "$DENY_WAIT" --max-time 3 \
		"http://$(sock_addr "$2" "$3")/" 2>&1); then
		echo "got through: $got"
		return 1
	fi
}
dns_ok() {	# NS SERVER TYPE WANT [+tcp]
	local got
	got=$(in_ns "$1" dig +time=2 +tries=1 +short ${5:+"$5"} @"$2" ssrs.pc.test "$3") || return 1
	[ "$got" = "$4" ] || { echo "got '$got'"; return 1; }
}

# --- before enforcement: the LAN works ---------------------------------------

check "baseline: the stranger reaches the ssrs host on 80 without portcullis" http_ok "$STR" $SSRS4 80
check "baseline: the stranger pings the ssrs host without portcullis" ping_ok "$STR" $SSRS4

# --- the host config ---------------------------------------------------------

instance_add "$SSRS"
CONF=$(inst_dir "$SSRS")/portcullis.conf
write_conf() {	# $1: extra lines; $2: the roles of lan0 (default ssrs)
	cat >"$CONF" <<EOF
# The ssrs host of the integration LAN (tests/integration/test_ssrs_lan.sh).
include "$POLICIES/catalogue.conf"
include "$POLICIES/roles/*.conf"

peer crm-frontend       $FE4, $FE6
peer sql-server         $SQL4, $SQL6
peer domain-controller  $DC4, $DC6
peer admin              $DC4/32, $DC6/128     # the dc doubles as the jump host

mode enforce
attach interface lan0 role ${2:-ssrs}
$1
EOF
}
write_conf ""
check "check accepts the ssrs host config" pc "$SSRS" check

if ! daemon_start "$SSRS"; then
	not_ok "the daemon starts in the ssrs namespace"
	exit 1
fi
ok "the daemon starts in the ssrs namespace"

# --- allowed: in from the front end, out to sql, the front end and the dc -----

check "front end -> ssrs http/80 over IPv4" http_ok "$FE" $SSRS4 80
check "front end -> ssrs https/443 over IPv4" http_ok "$FE" $SSRS4 443
check "front end -> ssrs http/80 over IPv6" http_ok "$FE" $SSRS6 80
check "front end -> ssrs https/443 over IPv6" http_ok "$FE" $SSRS6 443
check "ssrs -> sql server mssql/1433 over IPv4" tcp_ok "$SSRS" $SQL4 1433
check "ssrs -> sql server mssql/1433 over IPv6" tcp_ok "$SSRS" $SQL6 1433
check "ssrs -> front end crm-sdk/808 over IPv4" tcp_ok "$SSRS" $FE4 808
check "ssrs -> front end crm-sdk/808 over IPv6" tcp_ok "$SSRS" $FE6 808
check "ssrs -> dc dns over udp/IPv4" dns_ok "$SSRS" $DC4 A $SSRS4
check "ssrs -> dc dns over tcp/IPv4" dns_ok "$SSRS" $DC4 A $SSRS4 +tcp
check "ssrs -> dc dns over udp/IPv6" dns_ok "$SSRS" $DC6 AAAA $SSRS6
check "ssrs -> dc dns over tcp/IPv6" dns_ok "$SSRS" $DC6 AAAA $SSRS6 +tcp

# Errors of allowed flows come back: a RST from a closed port, and the ICMP
# port unreachable for a datagram to one (nothing listens on the dc's 389, 88).
# NS tcp|udp ADDR PORT: "Connection refused", which only a RST or an ICMP
# error gives; a dropped one would time out instead (no timing needed).
refused_at_once() {
	local out
	if [ "$2" = tcp ]; then
		out=$(tcp_get "$1" "$3" "$4" 2 2>&1)
	else
		out=$(udp_get "$1" "$3" "$4" 2 2>&1)
	fi
	echo "$out"
	[ "${out#*Connection refused}" != "$out" ]
}
check "ssrs -> dc ldap/389 (allowed, closed): the RST comes back" refused_at_once "$SSRS" tcp $DC4 389
check "ssrs -> dc kerberos udp/88 (allowed, closed): the ICMP error comes back" \
	refused_at_once "$SSRS" udp $DC4 88
check "ssrs -> dc kerberos udp/88 over IPv6: the ICMPv6 error comes back" \
	refused_at_once "$SSRS" udp $DC6 88

# --- denied ------------------------------------------------------------------

check "stranger -> ssrs http/80 over IPv4 is denied" http_denied "$STR" $SSRS4 80
check "stranger -> ssrs http/80 over IPv6 is denied" http_denied "$STR" $SSRS6 80
check "stranger -> ssrs https/443 over IPv4 is denied" http_denied "$STR" $SSRS4 443
check "sql server (a peer, but not crm-frontend) -> ssrs http/80 is denied" http_denied "$SQL" $SSRS4 80
check "ssrs -> stranger tcp/1433 (not sql-server) is denied" tcp_denied "$SSRS" $STR4 1433
check "ssrs -> stranger tcp/1433 over IPv6 is denied" tcp_denied "$SSRS" $STR6 1433
check "stranger ping -> ssrs over IPv4 is denied (ssrs has no ping)" ping_denied "$STR" $SSRS4
check "stranger ping -> ssrs over IPv6 is denied" ping_denied "$STR" $SSRS6
check "front end ping -> ssrs is denied too" ping_denied "$FE" $SSRS4

# The failsafe (on by default): ssh in from any, dns out to any.
check "failsafe: stranger -> ssrs ssh/22 passes" tcp_ok "$STR" $SSRS4 22 pc-ssh
check "failsafe: ssrs -> stranger dns udp/53 passes" udp_ok "$SSRS" $STR4 53

# --- status and events -------------------------------------------------------

st=$(status_json "$SSRS")
check "status --json says running" grep -q '"running":true' <<<"$st"
check "status --json lists scope interface:lan0 in enforce" \
	grep -q '"name":"interface:lan0","attach":"[a-z]*","mode":"enforce"' <<<"$st"
denied=$(json_field "$st" denied)
check_ge "status --json counts denied packets" 1 "$denied"
check_ge "status --json counts allowed packets" 1 "$(json_field "$st" allowed)"
check "status --json shows the failsafe on" grep -q '"failsafe":true' <<<"$st"

LOG=$(inst_dir "$SSRS")/log/events.log
has_event() {	# VERDICT SRC DPORT: a matching line in the event log
	grep '"verdict":"'"$1"'"' "$LOG" | grep '"src":"'"$2"'"' | grep -q '"dport":'"$3"'[,}]'
}
check "events.log has a deny of the stranger's IPv4 to dport 80" wait_for 2 has_event deny $STR4 80
check "events.log has a deny of the stranger's IPv6 to dport 80" wait_for 2 has_event deny $STR6 80
check "the deny event names the scope and role" \
	grep -q '"verdict":"deny","scope":"interface:lan0","roles":\["ssrs"\]' "$LOG"

# --- audit lets it through at once; enforce stops it again -------------------

check "mode audit --scope interface:lan0" pc "$SSRS" mode audit --scope interface:lan0
check "audit: stranger -> ssrs http/80 over IPv4 passes at once" http_ok "$STR" $SSRS4 80
check "audit: stranger -> ssrs http/80 over IPv6 passes" http_ok "$STR" $SSRS6 80
check "audit: stranger ping -> ssrs passes" ping_ok "$STR" $SSRS4
st=$(status_json "$SSRS")
check "status --json shows the scope in audit" grep -q '"mode":"audit"' <<<"$st"
audited=$(json_field "$st" audited)
check_ge "status --json counts audited packets" 1 "$audited"
check "events.log has an audit of the stranger's IPv4 to dport 80" wait_for 2 has_event audit $STR4 80

# A connection the stranger opened in audit (to an echo server on 7777)
# carries on while audit lasts, and stops when the scope enforces.
mkfifo "$T/echo.in"
exec 7<>"$T/echo.in"		# read-write: opening it never blocks
in_ns "$STR" socat -T 20 STDIO "TCP:$SSRS4:7777,connect-timeout=2" <&7 >"$T/echo.out" &
ECHO_PID=$!
BG_PIDS+=("$ECHO_PID")
echo first-line >&7
check "audit: the stranger's echo connection to 7777 works" wait_for 2 grep -q first-line "$T/echo.out"
sleep 0.5
echo second-line >&7
check "audit: later packets of that flow pass too" wait_for 2 grep -q second-line "$T/echo.out"

check "mode enforce" pc "$SSRS" mode enforce
echo third-line >&7
sleep "$DENY_WAIT"
check "enforce: the connection opened in audit is cut at once" \
	sh -c "! grep -q third-line '$T/echo.out'"
exec 7>&-
kill_pid "$ECHO_PID"	# its retransmissions would keep the log from going quiet
check "enforce again: stranger -> ssrs http/80 over IPv4 is denied" http_denied "$STR" $SSRS4 80
check "enforce again: stranger -> ssrs http/80 over IPv6 is denied" http_denied "$STR" $SSRS6 80
check "enforce again: front end -> ssrs https/443 still passes" http_ok "$FE" $SSRS4 443
check "status --json shows enforce again" grep -q '"mode":"enforce"' <<<"$(status_json "$SSRS")"

# --- removing a rule cuts the flows it allowed ----------------------------------

# A config that also lets the front end reach the echo server on 7777, a
# connection opened through it, then the config without that rule: the
# next bytes on the open connection do not get through, in either
# direction, and the event log has the deny.
write_conf 'service pc-echo tcp 7777 "the test echo server"
role echo-test {
    allow in pc-echo from crm-frontend
}' "ssrs, echo-test"
check "apply a config that lets the front end reach 7777" pc "$SSRS" apply
mkfifo "$T/keep.in"
exec 8<>"$T/keep.in"
in_ns "$FE" socat -T 20 STDIO "TCP:$SSRS4:7777,connect-timeout=2" <&8 >"$T/keep.out" &
KEEP_PID=$!
BG_PIDS+=("$KEEP_PID")
echo before-apply >&8
check "the front end's connection to 7777 works" wait_for 2 grep -q before-apply "$T/keep.out"
write_conf ""
check "apply the config without that rule" pc "$SSRS" apply
echo after-apply >&8
sleep "$DENY_WAIT"
check "the open connection is cut: the next bytes do not get through" \
	sh -c "! grep -q after-apply '$T/keep.out'"
check "events.log has a deny of the front end's open connection to 7777" \
	wait_for 2 has_event deny $FE4 7777
exec 8>&-
kill_pid "$KEEP_PID"	# its retransmissions would keep the log from going quiet
check_ge "stats counts the revoked flow" 1 "$(json_field "$(pc "$SSRS" stats --json)" revoked)"
check "the front end still reaches https/443" http_ok "$FE" $SSRS4 443

# --- without the failsafe the role alone decides -------------------------------

write_conf "failsafe off"
check "apply the config with 'failsafe off'" pc "$SSRS" apply
check "status --json shows the failsafe off" grep -q '"failsafe":false' <<<"$(status_json "$SSRS")"
check "no failsafe: stranger -> ssrs ssh/22 is denied" tcp_denied "$STR" $SSRS4 22
check "no failsafe: admin (dc) -> ssrs ssh/22 passes by ad-member" tcp_ok "$DC" $SSRS4 22 pc-ssh
check "no failsafe: ssrs -> stranger dns udp/53 is denied" udp_denied "$SSRS" $STR4 53
check "no failsafe: ssrs -> dc dns over udp passes by ad-member" dns_ok "$SSRS" $DC4 A $SSRS4
check "no failsafe: ssrs -> dc dns over tcp/IPv6 passes by ad-member" dns_ok "$SSRS" $DC6 AAAA $SSRS6 +tcp
check "no failsafe: front end -> ssrs https/443 over IPv6 passes" http_ok "$FE" $SSRS6 443

# --- the event accounting adds up once quiet (cli.md, Event) -------------------

sum_of() { grep -o "\"$1\":[0-9]*" | cut -d: -f2 | awk '{ s += $1 } END { print s + 0 }'; }
# Quiet means no packet judged for a while: a late retransmission judged
# between reading the counters and reading the log would break the sums
# without anything being wrong. Wait until two snapshots 2 s apart agree
# (held-back repeats are flushed within 1.2 s of a flow going quiet).
sleep 2
stats=$(pc "$SSRS" stats --json)
for _ in 1 2 3 4 5 6 7 8 9 10; do
	sleep 2
	again=$(pc "$SSRS" stats --json)
	[ "$again" = "$stats" ] && break
	stats=$again
done
check "stats --json works" test -n "$stats"
# each scope's denied and audited (not the same keys of its reasons)
judged=$(/usr/bin/python3 -c 'import json, sys
print(sum(s["denied"] + s["audited"] for s in json.load(sys.stdin)["scopes"].values()))' <<<"$stats")
check_eq "the reasons of every scope add up to its denied and audited" "$judged" \
	"$(/usr/bin/python3 -c 'import json, sys
print(sum(r["denied"] + r["audited"] for s in json.load(sys.stdin)["scopes"].values()
	  for r in s["reasons"].values()))' <<<"$stats")"
delivered=$(sum_of delivered <<<"$stats")
suppressed=$(sum_of suppressed <<<"$stats")
lost=$(sum_of lost <<<"$stats")
counted=$(sum_of count <"$LOG")
diag "denied+audited $judged, delivered $delivered, suppressed $suppressed, lost $lost, sum of count $counted"
check_ge "the run denied and audited packets" 1 "$judged"
check_eq "events: sum of count in events.log + lost = denied + audited" "$judged" "$((counted + lost))"
check_eq "events: delivered + suppressed = sum of count in events.log" "$counted" "$((delivered + suppressed))"
check_eq "events: every delivered event is a line of events.log" "$delivered" "$(wc -l <"$LOG")"

check "the daemon is still running" daemon_running "$SSRS"
finish
