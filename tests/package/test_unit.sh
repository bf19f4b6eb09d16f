#!/bin/bash
# The systemd unit, packaging/portcullis.service, as systemd 252 (Debian
# 12) reads it, without systemd as PID 1: 'systemd-analyze verify' in a
# scratch root where every command the unit names exists (and prints no
# diagnostic at all: a misspelt directive is only a warning to systemd),
# 'systemd-analyze security --offline' under the exposure score
# docs/systemd.md records, and docs/systemd.md saying why for every
# directive the unit sets and every check it leaves open.
set -u
cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
UNIT=packaging/portcullis.service
DOC=docs/systemd.md
# The exposure score measured for this unit (systemd 252); above it fails.
MAX_EXPOSURE=3.2

N_OK=0 N_FAIL=0
ok() { N_OK=$((N_OK + 1)); echo "ok - $*"; }
not_ok() { N_FAIL=$((N_FAIL + 1)); echo "not ok - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
finish() {
	echo "# test_unit: $N_OK passed, $N_FAIL failed, ${SECONDS}s"
	[ "$N_FAIL" -eq 0 ]
	exit
}

command -v systemd-analyze >/dev/null || { not_ok "systemd-analyze is installed"; finish; }
T=$(mktemp -d /tmp/pc-unit.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT

# A scratch root: the unit where the package installs it, and every
# program its Exec*= lines name at that path (the built portcullis for
# its own, the host's for /bin/sh), so verify checks the paths it names.
ROOT=$T/root
mkdir -p "$ROOT/lib/systemd/system"
make_root() {	# $1: the unit file to install as portcullis.service
	local exe
	cp "$1" "$ROOT/lib/systemd/system/portcullis.service"
	# Exec*=[+-@:!]PATH ...: the PATH
	for exe in $(sed -n 's/^Exec[A-Za-z]*=[-+@:!]*\([^ ]*\).*/\1/p' "$1" | sort -u); do
		mkdir -p "$ROOT$(dirname "$exe")"
		case $exe in
		*/portcullis) cp "$BUILD/portcullis" "$ROOT$exe" ;;
		*) cp "$(readlink -f "$exe")" "$ROOT$exe" ;;
		esac
	done
}
# --man=no: the pages are checked in test_man.sh, by the build's own man.
verify() { (cd / && systemd-analyze verify --man=no --root="$ROOT" \
	/lib/systemd/system/portcullis.service 2>&1); }

make_root "$UNIT"
out=$(verify); rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
	ok "systemd-analyze verify: no error, no warning"
else
	not_ok "systemd-analyze verify: no error, no warning (exit $rc)"
	diag "$out"
fi

# That check can fail: a misspelt directive, a bad value, a missing binary.
sed 's/^ProtectClock=/ProtectClok=/; s/^RestartSec=.*/RestartSec=2x/' "$UNIT" >"$T/typo.service"
make_root "$T/typo.service"
out=$(verify)
if grep -q "Unknown key 'ProtectClok'" <<<"$out" && grep -q 'Failed to parse sec value' <<<"$out"; then
	ok "verify reports a misspelt directive and a bad value"
else
	not_ok "verify reports a misspelt directive and a bad value"
	diag "$out"
fi
make_root "$UNIT"
rm "$ROOT/usr/sbin/portcullis"
if verify | grep -q '/usr/sbin/portcullis is not executable'; then
	ok "verify reports an ExecStart= binary that is not there"
else
	not_ok "verify reports an ExecStart= binary that is not there"
fi
make_root "$UNIT"

# The exposure score: --threshold takes tenths (30 is 3.0) and fails above.
sec=$(cd / && systemd-analyze security --offline=true --no-pager --root="$ROOT" \
	--threshold="${MAX_EXPOSURE/./}" portcullis.service 2>&1); rc=$?
score=$(sed -n 's/.*Overall exposure level for portcullis.service: \([0-9.]*\).*/\1/p' <<<"$sec")
diag "exposure level: ${score:-?} (at most $MAX_EXPOSURE)"
if [ "$rc" -eq 0 ] && [ -n "$score" ]; then
	ok "systemd-analyze security: exposure $score, at most $MAX_EXPOSURE"
else
	not_ok "systemd-analyze security: exposure ${score:-?}, at most $MAX_EXPOSURE (exit $rc)"
	diag "$(grep '✗' <<<"$sec")"
fi
check_doc() {	# $1: name, $2: fixed string docs/systemd.md must hold
	if grep -qF -- "$2" "$DOC"; then ok "$1"; else not_ok "$1"; fi
}
check_doc "$DOC records the exposure score $score" "exposure level ${score:-?}"

# Every check 'security' finds open is one docs/systemd.md says why of
# (its tables write '|' as '\|').
open=$(sed -n 's/^✗ \([^ ]*\) .*/\1/p' <<<"$sec")
[ -n "$open" ] || not_ok "systemd-analyze security lists the checks it finds open"
missing=()
for o in $open; do
	sed 's/\\|/|/g' "$DOC" | grep -qF -- "\`$o\`" || missing+=("$o")
done
if [ ${#missing[@]} -eq 0 ]; then
	ok "$DOC says why of each of the $(wc -w <<<"$open") checks left open"
else
	not_ok "$DOC says why of each check left open"
	diag "not in $DOC: ${missing[*]}"
fi

# And of every directive the unit sets.
missing=()
for k in $(sed -n 's/^\([A-Z][A-Za-z]*\)=.*/\1/p' "$UNIT" | sort -u); do
	grep -qF -- "\`$k=" "$DOC" || missing+=("$k")
done
if [ ${#missing[@]} -eq 0 ]; then
	ok "$DOC explains every directive of the unit"
else
	not_ok "$DOC explains every directive of the unit"
	diag "not in $DOC: ${missing[*]}"
fi

finish
