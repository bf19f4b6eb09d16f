#!/bin/bash
# Evasions, tried as an attacker on the link would: frames built with scapy
# and sent over the veth, and senders on the host itself. Each attempt is
# denied and appears in the event log with its reason. (Loopback addresses
# on the link are covered by test_datapath's test_loopback_judged_off_lo:
# the LAN's bridge does not carry such frames to the host.)
#
#   host      10.77.0.2   fd77::2    portcullis enforcing on lan0; tcp :8022
#                                    (no rule), :8023 (open)
#   receiver  10.77.0.5   fd77::5    udp sinks :5000 (allowed out) and :9999 (not)
#   attacker  10.77.0.66  fd77::66   scapy
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root tcpdump setpriv
PY=/usr/bin/python3	# Debian's, which has python3-scapy
"$PY" -c 'import scapy.all' 2>/dev/null || { not_ok "python3-scapy is installed ('make deps')"; exit 1; }

H4=10.77.0.2 H6=fd77::2
R4=10.77.0.5 R6=fd77::5
X4=10.77.0.66 X6=fd77::66

lan_create &&
host_add host $H4 $H6 &&
host_add rcv $R4 $R6 &&
host_add atk $X4 $X6 || { not_ok "build the LAN"; exit 1; }
H=$(ns_of host) R=$(ns_of rcv) X=$(ns_of atk)

tcp_server "$H" 8022 pc-secret &&
tcp_server "$H" 8023 pc-open &&
udp_sink "$R" 5000 "$T/sink5000" &&
udp_sink "$R" 9999 "$T/sink9999" || { not_ok "start the servers"; exit 1; }
instance_add "$H"
cat >"$(inst_dir "$H")/portcullis.conf" <<EOF
include "$POLICIES/catalogue.conf"
service pc-sink  udp 5000  "the receiver's allowed sink"
service pc-open  tcp 8023  "open to anyone"
peer receiver    $R4, $R6
role evasion {
    allow out pc-sink to receiver
    allow in  pc-open
}
mode enforce
attach interface lan0 role evasion
EOF
daemon_start "$H" || { not_ok "the daemon starts on the host"; exit 1; }
ok "the daemon starts on the host"

HMAC=$(ip -n "$H" -o link show lan0 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)
[ -n "$HMAC" ] || { not_ok "the host's MAC address"; exit 1; }
LOG=$(inst_dir "$H")/log/events.log
# has_reason REASON DPORT: the event log has a deny with that reason and port.
has_reason() {
	grep '"verdict":"deny"' "$LOG" | grep '"reason":"'"$1"'"' | grep -q '"dport":'"$2"'[,}]'
}

# scapy NS SCRIPT: run python with scapy in NS; the script prints its verdict.
scapy() {
	in_ns "$1" "$PY" -c "import sys; from scapy.all import *; conf.verb = 0
$2"
}

# --- VLAN: priority tags the parser does not walk to the end ----------------------

# syn_answered TAGS TPID [PORT]: a SYN from the attacker's source port 53 (the
# failsafe's DNS, which conntrack would then follow) to host:PORT (8022)
# behind TAGS priority tags; prints "answered" when a SYN-ACK comes back.
syn_answered() {
	scapy "$X" "
import time
tags = $1
tpid = $2
port = ${3:-8022}
l2 = Ether(dst='$HMAC', type=tpid if tags else 0x0800)
for i in range(tags):
    l2 = l2 / Dot1Q(vlan=0, type=tpid if i + 1 < tags else 0x0800)
pkt = l2 / IP(src='$X4', dst='$H4') / TCP(sport=53, dport=port, flags='S', seq=1000)
# The answer comes untagged, so srp1() would not pair it: sniff for it.
sn = AsyncSniffer(iface='lan0', count=1, timeout=3,
                  lfilter=lambda p: p.haslayer(TCP) and p[IP].src == '$H4' and p[TCP].dport == 53
                                    and p[TCP].flags & 0x12 == 0x12)
sn.start()
time.sleep(0.5)
sendp(pkt, iface='lan0')
sn.join()
print('answered' if sn.results else 'silent')
"
}
check_eq "baseline: a plain SYN to the open tcp/8023 is answered" answered "$(syn_answered 0 0x8100 8023)"
check_eq "baseline: behind 1 priority tag too" answered "$(syn_answered 1 0x8100 8023)"
check_eq "baseline: a plain SYN to the host's tcp/8022 gets no answer" silent "$(syn_answered 0 0x8100)"
check_eq "baseline: nor behind 2 priority tags" silent "$(syn_answered 2 0x8100)"
check_eq "3 priority tags (802.1Q): the SYN to tcp/8022 gets no answer" silent "$(syn_answered 3 0x8100)"
check_eq "3 priority tags (802.1ad): the SYN to tcp/8022 gets no answer" silent "$(syn_answered 3 0x88a8)"
check_eq "5 priority tags (802.1Q): the SYN to tcp/8022 gets no answer" silent "$(syn_answered 5 0x8100)"
# Tags not walked leave no ports to log: the event says malformed, port 0.
check "the tagged SYNs are in the event log as malformed" wait_for 3 has_reason malformed 0

# --- fragments at egress: an unprivileged sendto() of 8000 bytes ----------------------

# frags_seen PORT BYTES: how many IPv4 fragments of a BYTES-byte datagram from
# an unprivileged user on the host to the receiver's PORT arrive there.
frags_seen() {
	local port=$1 bytes=$2 cap=$T/cap$1 pid n
	in_ns "$R" timeout 6 tcpdump -i lan0 -n -l -c 20 "src host $H4 and (ip[6:2] & 0x3fff != 0)" \
		>"$cap" 2>/dev/null &
	pid=$!
	sleep 1
	in_ns "$H" setpriv --reuid=65534 --regid=65534 --clear-groups "$PY" -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    s.sendto(b'x' * $bytes, ('$R4', $port))
except OSError as e:
    print(e)
"
	sleep 1
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n=$(grep -c . "$cap")
	echo "$n"
}
check_ge "allowed: the 8000-byte datagram to udp/5000 arrives in fragments" 2 "$(frags_seen 5000 8000)"
check "allowed: the receiver got it whole" wait_for 3 sh -c "[ \$(wc -c <'$T/sink5000') -ge 8000 ]"
check_eq "denied: no fragment of the 8000-byte datagram to udp/9999 arrives" 0 "$(frags_seen 9999 8000)"
check_eq "denied: the sink on udp/9999 got nothing" 0 "$(wc -c <"$T/sink9999")"
# Linux stops fragmenting a datagram when its first fragment is dropped, so
# the above holds even without tracking. A sender that makes its own
# fragments (a raw socket, or a host that forwards) sends later ones alone.
later_fragment_sent() {	# PORT: one later fragment, from the host to the receiver
	scapy "$H" "
pkt = IP(src='$H4', dst='$R4', id=4242, frag=185, flags=0, proto=17) / Raw(b'y' * 64)
try:
    send(pkt, iface='lan0')
except OSError:
    pass	# ENOBUFS: dropped at the host's egress
"
}
: >"$T/cap-raw"
in_ns "$R" timeout 5 tcpdump -i lan0 -n -l -c 1 "src host $H4 and ip[4:2] = 4242" >"$T/cap-raw" 2>/dev/null &
CAP=$!
sleep 1
later_fragment_sent
wait "$CAP"
check_eq "a later fragment sent alone by a raw socket does not leave the host" 0 "$(grep -c . "$T/cap-raw")"
check "the lone fragment is in the event log with reason fragment" wait_for 3 has_reason fragment 0

finish
