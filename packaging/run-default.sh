#!/bin/sh
# make run: the daemon in the foreground, in AUDIT mode, with the shipped
# default host config attached to the default-route interface. Audit mode
# drops nothing, so this is safe on any host: it only reports what an
# enforcing policy would deny.
#
# Once attached it prints what it attached and the one command that undoes
# it. Ctrl-C stops the daemon and leaves the programs attached, in audit,
# as stopping the daemon always does (a restart or an upgrade has no gap
# in enforcement); the printed command removes them.
#
# The tests run it inside a network namespace with their own directories;
# unset, each is the host's default:
#   PORTCULLIS_RUN_IFACE      interface (default: the default route's)
#   PORTCULLIS_RUN_PIN_DIR    --pin-dir, PORTCULLIS_RUN_RUN_DIR --run-dir,
#   PORTCULLIS_RUN_LOG_DIR    --log-dir, PORTCULLIS_RUN_TC_ATTACH --tc-attach
#   PORTCULLIS_RUN_CONF_DIR   where the config goes (default build/run)
# The binary is the first argument (default build/portcullis).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/build/portcullis}

if [ "$(id -u)" != 0 ]; then
	echo "portcullis: make run needs root (it loads BPF programs); try: sudo make run" >&2
	exit 1
fi
if [ ! -x "$bin" ]; then
	echo "portcullis: no $bin; build it first: make" >&2
	exit 1
fi
# Absolute: the undo command must work from any directory.
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

default_dev() {	# $1: -4 or -6
	ip -o "$1" route show default 2>/dev/null |
		awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }'
}
ifname=${PORTCULLIS_RUN_IFACE:-}
[ -n "$ifname" ] || ifname=$(default_dev -4)
[ -n "$ifname" ] || ifname=$(default_dev -6)
if [ -z "$ifname" ]; then
	echo "portcullis: no default route here; give the interface: PORTCULLIS_RUN_IFACE=eth0 make run" >&2
	exit 1
fi

# The options every command below takes; only the ones set, so the printed
# commands stay as short as they can be.
opts=""
pin_dir=${PORTCULLIS_RUN_PIN_DIR:-}
run_dir=${PORTCULLIS_RUN_RUN_DIR:-/run/portcullis}
log_dir=${PORTCULLIS_RUN_LOG_DIR:-/var/log/portcullis}
[ -n "$pin_dir" ] && opts="$opts --pin-dir $pin_dir"
[ -n "${PORTCULLIS_RUN_RUN_DIR:-}" ] && opts="$opts --run-dir $run_dir"
[ -n "${PORTCULLIS_RUN_LOG_DIR:-}" ] && opts="$opts --log-dir $log_dir"
pin_dir=${pin_dir:-/sys/fs/bpf/portcullis}
tc=""
[ -n "${PORTCULLIS_RUN_TC_ATTACH:-}" ] && tc="--tc-attach $PORTCULLIS_RUN_TC_ATTACH"
case "$bin$opts" in
*[!A-Za-z0-9_./:@%+=\ -]*)
	echo "portcullis: the paths must be plain (letters, digits, . _ - / : @ % + =):" \
		"the undo command is printed for copying" >&2
	exit 1 ;;
esac

conf_dir=${PORTCULLIS_RUN_CONF_DIR:-$top/build/run}
conf=$conf_dir/portcullis.conf
mkdir -p "$conf_dir"
cat > "$conf" <<CONF
# Written by make run. The default host policy, in audit mode, on the
# interface of the default route ($ifname).
include "$top/policies/examples/default.conf"
mode audit
attach interface $ifname role linux-host
CONF

# shellcheck disable=SC2086
"$bin" -c "$conf" $opts check
# shellcheck disable=SC2086
"$bin" -c "$conf" $opts $tc daemon &
pid=$!
# Ctrl-C reaches the daemon too (one process group); a TERM or HUP sent to
# this script is passed on. Either way the script waits for it to stop.
trap 'kill -INT "$pid" 2>/dev/null || :' INT
trap 'kill -TERM "$pid" 2>/dev/null || :' TERM HUP

# Attached when the daemon has written its pid file: it does after its
# first apply.
while [ "$(cat "$run_dir/daemon.pid" 2>/dev/null)" != "$pid" ]; do
	if ! kill -0 "$pid" 2>/dev/null; then
		rc=0
		wait "$pid" || rc=$?
		echo "portcullis: the daemon did not start (exit $rc); nothing of it runs" >&2
		exit 1
	fi
	sleep 0.2
done
# shellcheck disable=SC2086
hook=$("$bin" $opts status --json 2>/dev/null |
	sed -n 's/.*"name":"interface:'"$ifname"'","attach":"\([a-z]*\)".*/\1/p')
undo="$bin$opts unload"
cat <<MSG
portcullis: attached to $ifname (${hook:-tc} hooks), mode audit: nothing is dropped
portcullis:   config     $conf
portcullis:   pins       $pin_dir
portcullis:   event log  $log_dir/events.log; watch it: $bin$opts events -f
portcullis: Ctrl-C stops the daemon; the programs stay attached, in audit, until:
portcullis:   $undo
MSG

while :; do
	rc=0
	wait "$pid" || rc=$?
	# A trapped signal ends 'wait' early (status > 128): wait again.
	[ "$rc" -gt 128 ] && kill -0 "$pid" 2>/dev/null && continue
	break
done
echo "portcullis: the daemon stopped; the programs stay attached, in audit. To remove them:"
echo "portcullis:   $undo"
exit "$rc"
