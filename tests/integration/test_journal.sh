#!/bin/bash
# daemon --journal: each event is one datagram of journald's native
# protocol with a field per event field. No journald runs here, so a
# socket of the test's own stands in ($PORTCULLIS_JOURNAL_SOCKET) and every
# datagram it receives is decoded and checked: a denied flow and an
# audited one, their fields against the event log's lines, the hint's
# line breaks in the binary-safe form. Then a daemon whose journal socket
# is missing says so once and logs every event to the file.
#
#   a         10.77.0.2   fd77::2    portcullis, tcp :80 and :443
#   stranger  10.77.0.66  fd77::66
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root /usr/bin/python3

A4=10.77.0.2 A6=fd77::2
STR4=10.77.0.66 STR6=fd77::66
DENY_ID=446da00f4c76449fa3313e1198cad317
AUDIT_ID=4bc65ba243754bdeb926346b322ed6bc

lan_create &&
host_add a $A4 $A6 &&
host_add str $STR4 $STR6 || { not_ok "build the LAN"; exit 1; }
A=$(ns_of a) STR=$(ns_of str)
tcp_server "$A" 80 && tcp_server "$A" 443 || { not_ok "start the servers"; exit 1; }

instance_add "$A"
cat >"$(inst_dir "$A")/portcullis.conf" <<CONF
include "$POLICIES/catalogue.conf"
role web {
    allow in https
}
mode enforce
attach interface lan0 role web
CONF
LOG=$(inst_dir "$A")/log/events.log
ERR=$(inst_dir "$A")/daemon.err

# The journal: every datagram that arrives, in a file of its own (raw bytes:
# the binary-safe form has a length of 8 bytes in it).
DGRAMS=$T/dgrams
mkdir -p "$DGRAMS"
export PORTCULLIS_JOURNAL_SOCKET=$T/journal.sock
bg "$A" /usr/bin/python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
n = 0
while True:
    d = s.recv(1 << 20)
    n += 1
    with open(os.path.join(sys.argv[2], "%06d.tmp" % n), "wb") as f:
        f.write(d)
    os.rename(os.path.join(sys.argv[2], "%06d.tmp" % n), os.path.join(sys.argv[2], "%06d" % n))
' "$PORTCULLIS_JOURNAL_SOCKET" "$DGRAMS"
wait_for 5 test -S "$PORTCULLIS_JOURNAL_SOCKET" || { not_ok "the journal socket is there"; exit 1; }

# journal_py CODE ARGS...: CODE with entries(), the datagrams decoded as
# journald does (strictly: a bad frame fails), each a dict of str -> bytes.
journal_py() {
	local code=$1
	shift
	/usr/bin/python3 -c '
import glob, json, os, struct, sys
def decode(d):
    e, i = {}, 0
    while i < len(d):
        j = i
        while d[j] not in b"=\n":
            j += 1
        name = d[i:j].decode()
        assert name and name == name.upper() and not name.startswith("_"), name
        assert name not in e, "twice: " + name
        if d[j:j + 1] == b"=":
            k = d.index(b"\n", j + 1)
            e[name], i = d[j + 1:k], k + 1
        else:
            n = struct.unpack("<Q", d[j + 1:j + 9])[0]
            e[name] = d[j + 9:j + 9 + n]
            assert d[j + 9 + n:j + 10 + n] == b"\n", "binary field " + name + " unterminated"
            e["binary:" + name] = b"1"
            i = j + 10 + n
    return e
def entries():
    return [decode(open(p, "rb").read())
            for p in sorted(glob.glob(os.path.join(sys.argv[1], "[0-9]*")))]
'"$code" "$DGRAMS" "$@"
}

# has_entry NAME=VALUE...: some entry has every one of these fields.
has_entry() {
	journal_py '
want = [a.encode().split(b"=", 1) for a in sys.argv[2:]]
ok = [e for e in entries() if all(e.get(k.decode()) == v for k, v in want)]
if not ok:
    print("no entry with", sys.argv[2:]); [print(e) for e in entries()]; sys.exit(1)
' "$@"
}

daemon_start "$A" --journal || { not_ok "the daemon starts with --journal"; exit 1; }
check_eq "the daemon says nothing about the journal when it is there" 0 \
	"$(grep -c 'the journal' "$ERR")"

# A denied flow: 80 is not in role web.
check "a stranger is denied on 80" tcp_denied "$STR" $A4 80
check "its entry arrives" wait_for 5 has_entry PORTCULLIS_VERDICT=deny
check "with the flow's fields" has_entry PORTCULLIS_VERDICT=deny PORTCULLIS_DPORT=80 \
	PORTCULLIS_SRC=$STR4 PORTCULLIS_DST=$A4 PORTCULLIS_DIR=in PORTCULLIS_PROTO=tcp \
	PORTCULLIS_SCOPE=interface:lan0 PORTCULLIS_ROLES=web PORTCULLIS_REASON=no-rule \
	PORTCULLIS_HOOK=tc-ingress PORTCULLIS_FAMILY=4 PORTCULLIS_IFNAME=lan0
check "and the journal's own: priority, identifier, MESSAGE_ID of a deny" \
	has_entry PORTCULLIS_DPORT=80 PRIORITY=4 SYSLOG_IDENTIFIER=portcullis MESSAGE_ID=$DENY_ID
check "MESSAGE is the syslog line" journal_py '
e = [e for e in entries() if e.get("PORTCULLIS_DPORT") == b"80"][0]
m = e["MESSAGE"].decode()
assert m.startswith("verdict=deny scope=interface:lan0 roles=web dir=in proto=tcp src=" +
                    sys.argv[2] + " "), m
assert " dport=80 " in m and "\n" not in m, m
' $STR4
check "the hint keeps its line breaks, in the binary-safe form" journal_py '
e = [e for e in entries() if e.get("PORTCULLIS_DPORT") == b"80"][0]
h = e["PORTCULLIS_HINT"].decode()
assert "binary:PORTCULLIS_HINT" in e and "\n" in h, e
assert h.startswith("peer host-" + sys.argv[2] + " ") and "\nallow in http from" in h, h
' $STR4

# An audited flow: the whole host in audit, 80 goes through and is logged.
check "mode audit" pc "$A" mode audit
check "the stranger gets through on 80 in audit" tcp_ok "$STR" $A4 80
check "its entry arrives, an audit with its MESSAGE_ID and priority notice" \
	wait_for 5 has_entry PORTCULLIS_VERDICT=audit PORTCULLIS_DPORT=80 PORTCULLIS_SRC=$STR4 \
	PRIORITY=5 MESSAGE_ID=$AUDIT_ID
check "over IPv6 too" tcp_ok "$STR" $A6 80
check "its entry arrives with family 6" wait_for 5 has_entry PORTCULLIS_VERDICT=audit \
	PORTCULLIS_SRC=$STR6 PORTCULLIS_DST=$A6 PORTCULLIS_FAMILY=6
check "the allowed port sends nothing" tcp_ok "$STR" $A4 443
check_fails "no entry for 443" has_entry PORTCULLIS_DPORT=443

# Every entry is an event of the log, field for field: the same facts.
sleep 0.3	# the log is written after each batch, within 200 ms
check "every entry matches a line of the log, each key as PORTCULLIS_KEY" journal_py '
log = [json.loads(l) for l in open(sys.argv[2])]
def as_journal(ev):
    return {"PORTCULLIS_" + k.upper(): (",".join(v) if isinstance(v, list) else str(v)).encode()
            for k, v in ev.items()}
ents = [{k: v for k, v in e.items() if k.startswith("PORTCULLIS_")} for e in entries()]
assert ents and len(ents) == len(log), (len(ents), len(log))
for e in ents:
    assert e in [as_journal(ev) for ev in log], e
' "$LOG"
daemon_stop "$A"

# A real journald, if this machine has one: systemd-journald runs without
# systemd as PID 1, in a mount namespace of its own where $T/jrun is /run
# (so its socket and its journal files land under $T, visible from here) and
# an empty $T/jvar is /var/log/journal (so nothing reaches the host's).
jd_deny() {	# the deny entries on port 80, journalctl's export format
	journalctl --directory="$T/jrun/log/journal" -o export \
		PORTCULLIS_VERDICT=deny PORTCULLIS_DPORT=80 SYSLOG_IDENTIFIER=portcullis
}
jd_has() {	# jd_has NAME=VALUE...: the deny entries have each of these
	local out f
	out=$(jd_deny | tr -c '[:print:]\n' '?')
	for f in "$@"; do
		grep -qx "$f" <<<"$out" || { echo "no $f in:"; echo "$out"; return 1; }
	done
}
jd_hint_lines() {
	journalctl --directory="$T/jrun/log/journal" -o json PORTCULLIS_DPORT=80 |
		/usr/bin/python3 -c '
import json, sys
h = json.loads(sys.stdin.readline())["PORTCULLIS_HINT"]
assert "\nallow in http from host-" in h, h'
}
jd_message() {
	journalctl --directory="$T/jrun/log/journal" -o cat PORTCULLIS_DPORT=80 |
		grep "^verdict=deny scope=interface:lan0 roles=web dir=in proto=tcp src=$STR4 "
}
pc "$A" mode enforce >/dev/null
JOURNALD=$(command -v /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald | head -1)
if [ -n "$JOURNALD" ] && command -v journalctl unshare >/dev/null; then
	mkdir -p "$T/jrun" "$T/jvar"
	(exec unshare -m --propagation private sh -c '
		mount --bind "$1" /run || exit 1
		if [ -d /var/log/journal ]; then mount --bind "$2" /var/log/journal || exit 1; fi
		exec "$3"' sh "$T/jrun" "$T/jvar" "$JOURNALD" >"$T/journald.out" 2>&1) &
	BG_PIDS+=("$!")
	if wait_for 5 test -S "$T/jrun/systemd/journal/socket"; then
		export PORTCULLIS_JOURNAL_SOCKET=$T/jrun/systemd/journal/socket
		daemon_start "$A" --journal || { not_ok "the daemon starts with journald"; exit 1; }
		check "journald: a stranger is denied on 80" tcp_denied "$STR" $A4 80
		check "journald stores the entry: journalctl finds it by its fields" \
			wait_for 5 jd_has MESSAGE_ID=$DENY_ID
		check "with the source, the reason and the hook" \
			jd_has PORTCULLIS_SRC=$STR4 PORTCULLIS_REASON=no-rule PORTCULLIS_HOOK=tc-ingress
		check "the hint keeps its line breaks in the journal" jd_hint_lines
		check "journalctl shows MESSAGE, the syslog line" jd_message
		daemon_stop "$A"
	else
		not_ok "systemd-journald runs standalone"
		diag "$(cat "$T/journald.out")"
	fi
else
	ok "journald # SKIP no systemd-journald here"
fi

# No journald: said once, and the daemon runs on with every event in the log.
export PORTCULLIS_JOURNAL_SOCKET=$T/no-journal.sock
daemon_start "$A" --journal || { not_ok "the daemon starts with --journal and no journal"; exit 1; }
check "it says the journal socket is missing" \
	grep -q "cannot send events to the journal at $PORTCULLIS_JOURNAL_SOCKET: No such file" "$ERR"
before=$(wc -l <"$LOG")
tcp_denied "$STR" $A4 80 >/dev/null
tcp_denied "$STR" $A4 80 >/dev/null
logged() { [ "$(wc -l <"$LOG")" -ge $((before + 2)) ]; }
check "the events are in the log" wait_for 5 logged
check "said once, however many events" test "$(grep -c 'cannot send events to the journal' "$ERR")" = 1
check "still running" daemon_running "$A"
daemon_stop "$A"
unset PORTCULLIS_JOURNAL_SOCKET

finish
