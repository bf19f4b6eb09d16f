#!/bin/bash
# A SYN flood from spoofed sources, as an attacker sends it with hping3, to a
# port open to everyone, while the host holds an idle established
# connection whose far end speaks first after it: only conntrack lets that
# in. The host's listener
# answers every spoofed SYN with a SYN-ACK; nobody completes those
# handshakes. The flood must cost the established connection nothing.
#
# The instance runs with the smallest conntrack tables (1024 each), so a
# flood of a few thousand SYNs turns both over many times, also on the
# kernel matrix's emulated CPU.
#
#   host      10.77.0.2   portcullis enforcing on lan0; tcp :8023 open to
#                         anyone; out to the receiver's tcp :5001 only;
#                         default route via the attacker (so the SYN-ACKs
#                         to spoofed sources leave, as on a real uplink)
#   receiver  10.77.0.5   tcp :5001: answers, idles, then speaks first
#   attacker  10.77.0.66  hping3 --rand-source
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root hping3
PY=/usr/bin/python3

H4=10.77.0.2 H6=fd77::2
R4=10.77.0.5 R6=fd77::5
X4=10.77.0.66 X6=fd77::66
SYNS=${FLOOD_SYNS:-6000}

lan_create &&
host_add host $H4 $H6 &&
host_add rcv $R4 $R6 &&
host_add atk $X4 $X6 || { not_ok "build the LAN"; exit 1; }
H=$(ns_of host) R=$(ns_of rcv) X=$(ns_of atk)
ip -n "$H" route add default via $X4 || { not_ok "the host's default route"; exit 1; }

# The receiver answers the host's line, then idles until $T/go and then
# speaks first: a server push, an LDAP notice, a keepalive probe of the
# far end. Only conntrack lets that in: no rule admits tcp from :5001.
tcp_server "$H" 8023 pc-open &&
bg "$R" "$PY" -c "
import os, socket, time
l = socket.socket(socket.AF_INET6)
l.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('::', 5001))
l.listen(1)
c, _ = l.accept()
c.recv(64)
c.sendall(b'hello\\n')
while not os.path.exists('$T/go'):
    time.sleep(0.1)
c.sendall(b'pushed\\n')
time.sleep(30)
" &&
wait_for 5 listening "$R" tcp 5001 || { not_ok "start the servers"; exit 1; }

instance_add "$H"
PC_OPTS[$H]="--ct-entries 1024 --ct-new-entries 1024"
cat >"$(inst_dir "$H")/portcullis.conf" <<EOF
include "$POLICIES/catalogue.conf"
service pc-open  tcp 8023  "open to anyone"
service pc-echo  tcp 5001  "the receiver's echo"
peer receiver    $R4, $R6
role flood {
    allow in  pc-open
    allow out pc-echo to receiver
}
mode enforce
attach interface lan0 role flood
EOF
daemon_start "$H" || { not_ok "the daemon starts on the host"; exit 1; }
ok "the daemon starts on the host"

# The established connection: the host opens it and says a line, then
# waits for the receiver to speak first after the flood.
in_ns "$H" "$PY" -c "
import socket
s = socket.create_connection(('$R4', 5001), timeout=5)
s.sendall(b'before\\n')
print('first', s.recv(64).decode().strip(), flush=True)
s.settimeout(20)
try:
    print('second', s.recv(64).decode().strip(), flush=True)
except socket.timeout:
    print('second lost', flush=True)
" >"$T/client.out" 2>&1 &
CLIENT=$!
BG_PIDS+=("$CLIENT")
check "the established connection carries a line each way before the flood" \
	wait_for 5 grep -q '^first hello$' "$T/client.out"

created() { pc "$H" stats --json | grep -o '"created":[0-9]*' | cut -d: -f2; }
before=$(created)
in_ns "$X" hping3 -q -S -p 8023 --rand-source -i u20 -c "$SYNS" $H4 >/dev/null 2>&1
sleep 1
after=$(created)
diag "conntrack entries created during the flood: $((after - before))"
# Each SYN the host saw made an entry: well past both tables' 1024.
check_ge "the flood reached the host: over 3000 new entries" 3000 "$((after - before))"

touch "$T/go"
wait "$CLIENT"
check_eq "after the flood, what the receiver says first still reaches the host" "second pushed" \
	"$(grep '^second' "$T/client.out")"
check "the open port still answers a real client" tcp_ok "$R" $H4 8023 pc-open

finish
