#!/bin/bash
# --json: every command prints exactly one JSON document on stdout, on
# success and on failure; a failure's document carries "errors". The
# streams (events, daemon) print one JSON object a line instead.
# Needs root for the running instance (a namespace with a veth lan0).
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
[ -x "$PORTCULLIS" ] || { not_ok "$PORTCULLIS is built ('make' first)"; exit 1; }
need_root

PY=/usr/bin/python3

# one_doc FILE: FILE holds exactly one JSON document (json.load refuses
# trailing data, and an empty file).
one_doc() { "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
# has_errors FILE: the document is an object with a non-empty "errors" array.
has_errors() {
	"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (isinstance(d, dict) and d.get("errors")))' "$1" 2>/dev/null
}
# lines_json FILE: every line of FILE is a JSON document (a stream).
lines_json() {
	"$PY" -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]' "$1" 2>/dev/null
}

# ok_json NAME CMD...: CMD exits 0 and prints one document without "errors".
ok_json() {
	local name=$1 rc
	shift
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = 0 ] && one_doc "$T/out" && ! has_errors "$T/out"; then
		ok "-j $name: exit 0, one document"
	else
		not_ok "-j $name: exit 0, one document (exit $rc)"
		diag "stdout:" "$(cat "$T/out")" "stderr:" "$(cat "$T/err")"
	fi
}

# fail_json NAME RC CMD...: CMD exits RC and prints one document with "errors".
fail_json() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = "$want" ] && one_doc "$T/out" && has_errors "$T/out"; then
		ok "-j $name: exit $want, one document with errors"
	else
		not_ok "-j $name: exit $want, one document with errors (exit $rc)"
		diag "stdout:" "$(cat "$T/out")" "stderr:" "$(cat "$T/err")"
	fi
}

P=$PORTCULLIS
BAD=$T/bad.conf
cat >"$BAD" <<EOF
include "$POLICIES/catalogue.conf"
peer web  10.77.1.0/24
role mine {
    allow in  htps  from web
}
mode enforce
attach interface lan0 role mine
EOF
Q=$T/query.conf
cat >"$Q" <<EOF
include "$POLICIES/catalogue.conf"
peer web  10.77.1.0/24
role shop {
    allow in  https  from web
}
mode enforce
attach interface lan0 role shop
EOF

# --- offline commands ----------------------------------------------------------

ok_json   "check good.conf" "$P" -j check "$Q"
fail_json "check bad.conf" 1 "$P" -j check "$BAD"
check "check bad.conf: the error has its file, line, col, and the hint apart" \
	"$PY" -c 'import json,sys
e=[x for x in json.load(open(sys.argv[1]))["errors"] if x["severity"]=="error"][0]
sys.exit(not (e["file"]==sys.argv[2] and e["line"]==4 and e["col"]==15 and
	e["message"].startswith("unknown service") and e["hint"]=="did you mean '"'"'https'"'"'?"))' \
	"$T/out" "$BAD"
check "check bad.conf: the summary is an entry, not a second document" \
	grep -q 'nothing was changed' "$T/out"
fail_json "check missing file" 1 "$P" -j check "$T/no-such.conf"
ok_json   "query allowed" "$P" -j -c "$Q" query in tcp/443 from 10.77.1.7
# A denied flow is an answer, not an error: exit 1 and the verdicts.
"$P" -j -c "$Q" query in tcp/25 from 10.77.1.7 >"$T/out" 2>"$T/err"
check_eq "-j query denied exits 1" 1 $?
check "-j query denied: one document" one_doc "$T/out"
fail_json "query --scope nope" 1 "$P" -j -c "$Q" query --scope nope in tcp/443
ok_json   "query from a peer name" "$P" -j -c "$Q" query in tcp/443 from web
check "-j query from a peer: the addresses judged and the verdict" \
	"$PY" -c 'import json,sys
v=json.load(open(sys.argv[1]))[0]
sys.exit(not (v["addresses"]=="web 10.77.1.0/24" and v["verdict"]=="allow" and v["peer"]=="web"))' "$T/out"
"$P" -j -c "$Q" query in tcp/443 from 10.77.0.0/16 >"$T/out" 2>"$T/err"
check_eq "-j query of a prefix web is part of exits 1" 1 $?
check "-j query of the prefix says partial" \
	"$PY" -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))[0]["verdict"]!="partial")' "$T/out"
fail_json "query from an unknown peer" 1 "$P" -j -c "$Q" query in tcp/443 from wbe
# A config with escape sequences and bytes that are no UTF-8: one valid document.
printf 'include "%s/catalogue.conf"\nservice "\033[2J\377" tcp 80\n' "$POLICIES" >"$T/binary.conf"
fail_json "check of a config with control bytes" 1 "$P" -j check "$T/binary.conf"
check "-j check of it: the document is UTF-8 with no raw control byte" \
	"$PY" -c 'import sys; b=open(sys.argv[1],"rb").read(); b.decode("utf-8")
sys.exit(any(c < 0x20 and c != 0x0a for c in b))' "$T/out"
fail_json "query bad flow" 2 "$P" -j -c "$Q" query in tcp/99999
fail_json "query bad config" 1 "$P" -j -c "$BAD" query in tcp/443
ok_json   "catalogue" "$P" -j -c "$Q" catalogue
ok_json   "catalogue https" "$P" -j -c "$Q" catalogue https
fail_json "catalogue nosuch" 1 "$P" -j -c "$Q" catalogue nosuch
ok_json   "roles" "$P" -j -c "$Q" roles
ok_json   "roles shop" "$P" -j -c "$Q" roles shop
fail_json "roles nosuch" 1 "$P" -j -c "$Q" roles nosuch
fail_json "usage error (check a b)" 2 "$P" -j check a b
fail_json "unknown command" 2 "$P" -j frobnicate
fail_json "bad --tc-attach" 2 "$P" -j --tc-attach nope check
fail_json "confirm" 1 "$P" -j confirm

# --- nothing running -------------------------------------------------------------

NONE=(--pin-dir "$T/none/pin" --run-dir "$T/none/run" --log-dir "$T/none/log")
fail_json "status, nothing loaded" 1 "$P" -j "${NONE[@]}" status
fail_json "stats, nothing loaded" 1 "$P" -j "${NONE[@]}" stats
fail_json "mode, nothing loaded" 1 "$P" -j "${NONE[@]}" mode audit
fail_json "unload, nothing loaded" 1 "$P" -j "${NONE[@]}" unload
fail_json "apply, no daemon" 1 "$P" -j -c "$Q" "${NONE[@]}" apply
fail_json "events, no log dir" 1 "$P" -j "${NONE[@]}" events

# --- a running instance ------------------------------------------------------------

NS=$(ns_of j)
netns_add "$NS"
in_ns "$NS" ip link add lan0 type veth peer name lan0p
in_ns "$NS" ip link set lan0 up
instance_add "$NS"
cp "$Q" "$(inst_dir "$NS")/portcullis.conf"
daemon_start "$NS" || { not_ok "the daemon starts"; finish; exit 1; }
ok_json   "status" pc "$NS" -j status
ok_json   "status --json" pc "$NS" status --json
ok_json   "stats" pc "$NS" -j stats
ok_json   "mode audit" pc "$NS" -j mode audit
fail_json "mode --scope nope" 1 pc "$NS" -j mode audit --scope nope
ok_json   "apply" pc "$NS" -j apply
fail_json "apply bad.conf" 1 pc "$NS" -j -c "$BAD" apply
# The event log is a stream: one object a line, or one errors document.
pc "$NS" -j events >"$T/out" 2>"$T/err"
check "-j events: every line is a JSON document" lines_json "$T/out"
daemon_stop "$NS"
ok_json   "unload" pc "$NS" -j unload
fail_json "status after unload" 1 pc "$NS" -j status

finish
