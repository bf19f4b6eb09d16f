#!/bin/bash
# make run on a host: packaging/run-default.sh, run inside a namespace whose
# default route goes out of lan0, with the test's own directories. It
# attaches in audit, says what it attached and the one command that undoes
# it; Ctrl-C (SIGINT to its process group) stops the daemon; the printed
# command, run as printed, leaves the namespace as it was: no programs, no
# pins, no bpffs mount, no clsact qdisc portcullis created (one that was
# there before stays, with its filter), no daemon. And 'make run' installs
# only what building and running need.
#
#   host  10.77.0.2   fd77::2    make run on lan0 (default route via the client);
#                                tcp :8081.. (no rule in the default policy)
#   cli   10.77.0.3   fd77::3
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root socat setsid bpftool tc

RUN=$REPO/packaging/run-default.sh

# --- make run installs the build set only -------------------------------------------

if command -v make >/dev/null 2>&1; then	# not in test-kernels' guest
dry=$(make -s -n -C "$REPO" run 2>&1)
check "'make -n run' installs with 'deps.sh build'" grep -q 'packaging/deps.sh build$' <<<"$dry"
check_fails "'make -n run' runs no deps-test and no test set" grep -qE 'deps-test|deps.sh.* test' <<<"$dry"
# The sets 'make run' names, as packaging/deps.sh spells them.
sets=$(sed -n 's|.*packaging/deps.sh \(.*\)$|\1|p' <<<"$dry" | head -1)
pkgs=$(for s in $sets; do
	tr '\n' ' ' <"$REPO/packaging/deps.sh" | sed -n "s/.*set_$s=\"\([^\"]*\)\".*/\1/p"
done | tr -s ' \t\n' '\n')
check "the build set has the compiler (the sets parse)" grep -qx clang <<<"$pkgs"
for p in nginx-light dnsmasq-base python3-scapy socat tcpdump iperf3; do
	check_fails "'make run' does not install $p" grep -qx "$p" <<<"$pkgs"
done
fi

# run-default.sh must take the test's directories: without that it would
# attach with the host's pin, run and log directories.
grep -q PORTCULLIS_RUN_PIN_DIR "$RUN" ||
	{ not_ok "run-default.sh takes its directories from PORTCULLIS_RUN_*"; finish; }

# --- the LAN ---------------------------------------------------------------------------

H4=10.77.0.2 H6=fd77::2
C4=10.77.0.3 C6=fd77::3
lan_create &&
host_add host $H4 $H6 &&
host_add cli $C4 $C6 || { not_ok "build the LAN"; exit 1; }
H=$(ns_of host) C=$(ns_of cli)
ip -n "$H" route add default via $C4 dev lan0 || { not_ok "the host's default route"; exit 1; }
instance_add "$H"	# cleanup unloads it when a check below fails
D=$(inst_dir "$H")
LOG=$D/log/events.log

# make_run LABEL PORT TC-ATTACH EXPECT-HOOK: one 'make run', Ctrl-C, the undo.
make_run() {
	local label=$1 port=$2 tc=$3 hook=$4 out=$D/run-$1.out pid dpid undo progs p
	tcp_server "$H" "$port" || { not_ok "$label: a server on :$port"; return; }
	# setsid: its own process group, as a terminal's foreground job is
	setsid nsenter --net="/run/netns/$H" env PORTCULLIS_RUN_PIN_DIR="$D/pin" \
		PORTCULLIS_RUN_RUN_DIR="$D/run" PORTCULLIS_RUN_LOG_DIR="$D/log" \
		PORTCULLIS_RUN_CONF_DIR="$D/conf" PORTCULLIS_RUN_TC_ATTACH="$tc" \
		"$RUN" "$PORTCULLIS" >"$out" 2>&1 &
	pid=$!
	BG_PIDS+=("$pid")
	if ! wait_for 20 grep -q 'programs stay attached, in audit, until:' "$out"; then
		not_ok "$label: make run attaches and says so"
		diag "$(cat "$out")"
		return
	fi
	ok "$label: make run attaches and says so"
	check "$label: it names the interface, the hooks and audit mode" \
		grep -q "attached to lan0 ($hook hooks), mode audit" "$out"
	check "$label: it names the config it wrote" grep -qF "config     $D/conf/portcullis.conf" "$out"
	check "$label: it names the pin dir" grep -qF "pins       $D/pin" "$out"
	check "$label: it names the event log and how to watch it" \
		grep -qF "event log  $LOG; watch it: $PORTCULLIS --pin-dir $D/pin --run-dir $D/run --log-dir $D/log events -f" "$out"
	undo=$(sed -n 's/^portcullis:   \(.* unload\)$/\1/p' "$out" | head -1)
	check_eq "$label: the undo command names the binary and the directories" \
		"$PORTCULLIS --pin-dir $D/pin --run-dir $D/run --log-dir $D/log unload" "$undo"
	check "$label: audit: the client reaches :$port, which no rule allows" tcp_ok "$C" $H4 "$port"
	audited() { grep '"verdict":"audit"' "$LOG" | grep -q '"dport":'"$port"'[,}]'; }
	check "$label: the connection to :$port is in the event log as audited" wait_for 3 audited
	dpid=$(cat "$D/run/daemon.pid" 2>/dev/null)

	# an apply after the first finds the clsact qdisc there: still ours
	check "$label: apply again while it runs" in_ns "$H" "$PORTCULLIS" -c "$D/conf/portcullis.conf" \
		--pin-dir "$D/pin" --run-dir "$D/run" --log-dir "$D/log" --tc-attach "$tc" apply
	progs=$(for p in "$D"/pin/progs/*; do
		bpftool -j prog show pinned "$p" 2>/dev/null | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2
	done)
	check "$label: its programs are pinned" test -n "$progs"

	kill -INT -- "-$pid"	# Ctrl-C: the whole foreground process group
	check "$label: Ctrl-C ends make run" wait_for 10 sh -c "! kill -0 $pid 2>/dev/null"
	check "$label: the daemon is gone" sh -c "[ -n '$dpid' ] && ! kill -0 '$dpid' 2>/dev/null"
	check "$label: after Ctrl-C it prints the undo command again" \
		grep -qF "portcullis:   $undo" <<<"$(sed -n '/daemon stopped/,$p' "$out")"
	check "$label: its programs stay loaded after Ctrl-C" bpftool prog show id "${progs%%[!0-9]*}"

	# exactly as printed, on the host (here: in its network namespace)
	in_ns "$H" sh -c "$undo" >"$D/undo-$label.out" 2>&1
	check_eq "$label: the undo command exits 0" 0 $?
	check "$label: it says the event log stays" grep -qF "the event log stays in $D/log" "$D/undo-$label.out"
	gone_progs() {
		local id
		for id in $progs; do
			bpftool prog show id "$id" >/dev/null 2>&1 && { echo "prog $id still exists"; return 1; }
		done
		return 0
	}
	check "$label: after undo: no program of it is left (none runs on lan0)" wait_for 5 gone_progs
	check "$label: after undo: no tc filter on lan0 is a BPF one" \
		sh -c "! nsenter --net=/run/netns/$H bpftool net show dev lan0 | grep -q 'lan0('"
	check "$label: after undo: the pin dir is gone" test ! -e "$D/pin"
	check "$label: after undo: no bpffs mount under the test dir" sh -c "! grep -qF ' $T/' /proc/self/mounts"
	check "$label: after undo: the run dir keeps only its lock" test "$(ls "$D/run")" = lock
	check "$label: after undo: the event log stays" test -s "$LOG"
	check "$label: after undo: no portcullis daemon runs for it" \
		sh -c "! pgrep -f -- '[-]-run-dir $D/run' >/dev/null"
}

qdisc_clsact() { in_ns "$H" tc qdisc show dev lan0 | grep -q clsact; }

if kernel_has_tcx; then AUTO=tcx; else AUTO=clsact; fi
make_run default 8081 auto $AUTO
check_fails "default: after undo: no clsact qdisc on lan0" qdisc_clsact

make_run clsact 8082 clsact clsact
check "clsact: undo said it removed the qdisc it created" \
	grep -q '^clsact qdisc on lan0: removed' "$D/undo-clsact.out"
check_fails "clsact: after undo: no clsact qdisc on lan0 (portcullis created it)" qdisc_clsact

# Someone's clsact with a filter (that matches nothing here) was there before.
in_ns "$H" tc qdisc add dev lan0 clsact &&
in_ns "$H" tc filter add dev lan0 egress pref 1 protocol all u32 match u32 0x12345678 0xffffffff at 0 ||
	{ not_ok "add someone's clsact qdisc and filter"; finish; }
make_run theirs 8083 clsact clsact
check "theirs: undo says the qdisc stays: it was there before" \
	grep -q '^clsact qdisc on lan0: kept (it was there before portcullis)' "$D/undo-theirs.out"
check "theirs: after undo: the clsact qdisc that was there stays" qdisc_clsact
check "theirs: after undo: with its filter" sh -c "nsenter --net=/run/netns/$H tc filter show dev lan0 egress | grep -q u32"
check "theirs: after undo: and no BPF filter" sh -c "! { nsenter --net=/run/netns/$H tc filter show dev lan0 ingress; nsenter --net=/run/netns/$H tc filter show dev lan0 egress; } | grep -q bpf"
finish
