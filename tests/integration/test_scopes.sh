#!/bin/bash
# Scope ids by name: reordering attach lines and adding a scope in front
# re-keys neither conntrack nor counters, and 'mode --scope' switches the
# scope it names.
#
#   host  10.78.0.2 on lan0 (scope x); lan1, lan2: spare veths (scopes y, z)
#   peer  10.78.0.5 on lan0, a TCP server on 9000 that answers when told to
# A flow the host opened to the peer through x must keep passing after the
# second apply: its replies pass only through x's conntrack entry.
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root

lan_create &&
host_add host 10.78.0.2 fd78::2 &&
host_add peer 10.78.0.5 fd78::5 || { not_ok "build the LAN"; exit 1; }
H=$(ns_of host) P=$(ns_of peer)
for i in 1 2; do
	ip -n "$H" link add name "lan$i" type veth peer name "lan${i}p" &&
	ip -n "$H" link set "lan$i" up && ip -n "$H" link set "lan${i}p" up ||
		{ not_ok "make lan$i"; exit 1; }
done

# The peer writes "one" at once and "two" when the test writes to the FIFO.
FIFO=$T/fifo GOT=$T/got
mkfifo "$FIFO" || { not_ok "make the fifo"; exit 1; }
bg "$P" socat TCP-LISTEN:9000,reuseaddr "SYSTEM:echo one; cat $FIFO"
wait_for 5 listening "$P" tcp 9000 || { not_ok "start the peer's server"; exit 1; }

instance_add "$H"
CONF=$(inst_dir "$H")/portcullis.conf
ROLES="include \"$POLICIES/catalogue.conf\"
service pc-peer tcp 9000
role x-role {
    allow out pc-peer
}
role quiet {
}
mode enforce"
printf '%s\nattach interface lan0 role x-role\nattach interface lan1 role quiet\n' \
	"$ROLES" >"$CONF"
daemon_start "$H" || { not_ok "the daemon starts with A (x = lan0, y = lan1)"; exit 1; }
ok "the daemon starts with A (x = lan0, y = lan1)"

# scope_id NAME: the scope id RUN_DIR/state records for NAME.
scope_id() {
	awk -v n="$1" '$1 == "attach" && $6 == n { print $5 }' "$(inst_dir "$H")/run/state"
}
# allowed NAME: the scope's allowed counter from 'stats --json'.
allowed() {
	pc "$H" stats --json | grep -o "\"$1\":{\"allowed\":[0-9]*" | grep -o '[0-9]*$'
}

# The host opens the flow; x allows it out, its replies come back through conntrack.
: >"$GOT"
bg "$H" socat -u TCP:10.78.0.5:9000 "OPEN:$GOT,creat,append"
check "through x: the host's flow to the peer is up" wait_for 5 grep -q one "$GOT"
X0=$(scope_id interface:lan0) Y0=$(scope_id interface:lan1)
XA=$(allowed interface:lan0)
check "x counted the flow" test "${XA:-0}" -gt 0
check "the state records x's and y's scope ids" test -n "$X0" -a -n "$Y0"
diag "A: x=$X0 y=$Y0, x allowed $XA"

# B: a new scope first, then y and x swapped.
printf '%s\nattach interface lan2 role quiet\nattach interface lan1 role quiet\nattach interface lan0 role x-role\n' \
	"$ROLES" >"$CONF"
check "apply B (z = lan2 first, then y, then x)" pc "$H" apply
check_eq "x keeps its scope id" "$X0" "$(scope_id interface:lan0)"
check_eq "y keeps its scope id" "$Y0" "$(scope_id interface:lan1)"
Z=$(scope_id interface:lan2)
check "z got an id of its own" test -n "$Z" -a "$Z" != "$X0" -a "$Z" != "$Y0"
XB=$(allowed interface:lan0)
check "x's counter went on from where it was ($XA -> $XB)" test "${XB:-0}" -ge "${XA:-1}"
check_eq "z's counter starts at 0" 0 "$(allowed interface:lan2)"

# The peer answers on the flow x opened: it passes only through x's conntrack entry.
echo two >"$FIFO" &
check "through x's conntrack after B: the peer's answer arrives" wait_for 5 grep -q two "$GOT"

# The daemon did the command line's apply (RUN_DIR/control): its events name
# x by x's kept id.
LOG=$(inst_dir "$H")/log/events.log
check "the daemon did apply B" \
	wait_for 5 grep -q "applied for 'apply'" "$(inst_dir "$H")/daemon.err"
check "after B: the peer's SYN to tcp/9999 on x is denied" tcp_denied "$P" 10.78.0.2 9999
check "the daemon's event names x as its scope" \
	wait_for 3 sh -c "grep '\"dport\":9999' '$LOG' | grep -q '\"scope\":\"interface:lan0\"'"

check "mode audit --scope interface:lan0" pc "$H" mode audit --scope interface:lan0
st=$(status_json "$H")
check "x (lan0) is in audit" grep -q '"name":"interface:lan0"[^}]*"mode":"audit"' <<<"$st"
check "y (lan1) is still in enforce" grep -q '"name":"interface:lan1"[^}]*"mode":"enforce"' <<<"$st"

# A cgroup deeper than the hooks look for a scope would drop everything: refused.
DEEP=$(printf '/d%d' $(seq 1 16))
printf '%s\nattach interface lan0 role x-role\nattach cgroup %s role quiet\n' "$ROLES" "$DEEP" \
	>"$T/deep.conf"
check_eq "apply with a cgroup 16 levels deep exits 1" 1 \
	"$(pc "$H" -c "$T/deep.conf" apply >"$T/out" 2>&1; echo $?)"
check "the refusal says how deep and what to do" \
	grep -q "16 levels deep; portcullis finds scopes down to level 15" "$T/out"
check_eq "the refused apply left x's scope id" "$X0" "$(scope_id interface:lan0)"

# Dropping x detaches its hooks (before its scope key goes: a hook without
# its scope would drop everything): lan0 is not judged any more.
tcp_server "$H" 9999 pc-open || not_ok "start the host's server on 9999"
check "mode enforce --scope interface:lan0" pc "$H" mode enforce --scope interface:lan0
check "with x: the peer's SYN to tcp/9999 is denied" tcp_denied "$P" 10.78.0.2 9999
printf '%s\nattach interface lan1 role quiet\n' "$ROLES" >"$CONF"
bg "$P" ping -q -i 0.002 -c 3000 10.78.0.2	# traffic on x while it goes
PING=$BG_LAST
check "apply C (y alone)" pc "$H" apply
kill "$PING" 2>/dev/null
check "x dropped: the peer reaches tcp/9999 on lan0, unjudged" tcp_ok "$P" 10.78.0.2 9999 pc-open
check_eq "y keeps its scope id" "$Y0" "$(scope_id interface:lan1)"
check_eq "nothing was dropped for want of a scope" 0 \
	"$(pc "$H" stats --json | grep -o '"no_scope":[0-9]*' | cut -d: -f2)"

finish
