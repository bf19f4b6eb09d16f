#!/bin/bash
# Interfaces without a link-layer header (tun here; WireGuard, ipip, gre
# and sit look the same to TC, but need modules this machine may not load):
# judged from the IP header, never read as Ethernet.
#
#   host  10.77.0.2 on lan0; tun0 10.99.0.1/30, fd99::1/126; portcullis on tun0
#   peer  10.77.0.5 on lan0; tun0 10.99.0.2/30, fd99::2/126
# The two tun0 are joined by socat over UDP on the LAN: a real L3 link.
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"

lan_create &&
host_add host 10.77.0.2 fd77::2 &&
host_add peer 10.77.0.5 fd77::5 || { not_ok "build the LAN"; exit 1; }
H=$(ns_of host) P=$(ns_of peer)

# tun_up NS ADDR4 ADDR6 REMOTE: tun0 in NS, carried over UDP 7000 to REMOTE.
tun_up() {
	bg "$1" socat "TUN:$2/30,tun-name=tun0,tun-type=tun,iff-no-pi,iff-up" \
		"UDP-DATAGRAM:$4:7000,bind=:7000"
	wait_for 5 sh -c "ip -n '$1' link show tun0 >/dev/null 2>&1" || return 1
	ip -n "$1" addr add "$3/126" dev tun0 nodad
}
tun_up "$H" 10.99.0.1 fd99::1 10.77.0.5 &&
tun_up "$P" 10.99.0.2 fd99::2 10.77.0.2 || { not_ok "join the two tun0 over the LAN"; exit 1; }

tcp_server "$H" 8022 pc-secret &&
tcp_server "$H" 8023 pc-open || { not_ok "start the servers"; exit 1; }
check "baseline: the peer reaches tcp/8022 over the tun link" tcp_ok "$P" 10.99.0.1 8022 pc-secret
check "baseline: and over IPv6" tcp_ok "$P" fd99::1 8022 pc-secret

instance_add "$H"
cat >"$(inst_dir "$H")/portcullis.conf" <<EOF
include "$POLICIES/catalogue.conf"
service pc-open  tcp 8023  "open to anyone"
role tunnel {
    allow in pc-open
}
mode enforce
attach interface tun0 role tunnel
EOF
daemon_start "$H" || { not_ok "the daemon starts with tun0 attached"; exit 1; }
ok "the daemon starts with tun0 attached"

check "enforce on tun0: tcp/8023 (allowed) passes" tcp_ok "$P" 10.99.0.1 8023 pc-open
check "enforce on tun0: tcp/8023 passes over IPv6" tcp_ok "$P" fd99::1 8023 pc-open
check "enforce on tun0: tcp/8022 (no rule) is denied" tcp_denied "$P" 10.99.0.1 8022
check "enforce on tun0: tcp/8022 is denied over IPv6" tcp_denied "$P" fd99::1 8022
LOG=$(inst_dir "$H")/log/events.log
check "the denied SYN is in the event log, judged by its IP header (no-rule, tcp)" \
	wait_for 3 sh -c "grep '\"dport\":8022' '$LOG' | grep -q '\"reason\":\"no-rule\".*\"family\":4'"
check_eq "nothing on tun0 was judged malformed" 0 \
	"$(grep -c '"reason":"malformed"' "$LOG" 2>/dev/null || true)"

finish
