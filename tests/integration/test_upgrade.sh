#!/bin/bash
# An upgrade without a gap: while a prober keeps sending allowed and denied
# flows, the daemon of an installed build A is replaced by the daemon of a
# newer build B the way the package's upgrade does it. No allowed flow may
# be denied and no denied flow allowed at any moment.
#
# A and B are two 'make install DESTDIR' trees of this source: A from
# $BUILD, B from $BUILD/upgrade-b, which 'make upgrade-b' builds with
# another PC_VERSION (kept for the next run; make test-kernels builds it on
# the host, so the guests install it without compiling). Not two .deb files: building packages needs
# debhelper, which the kernel matrix's guests and the integration suite do
# not assume, and dpkg's postinst restarts through systemd, which is not
# PID 1 here. The package's steps, and what stands for each:
#   dpkg unpacks B over A while A runs (prerm upgrade stops nothing)
#       -> $T/current, the install root the config and daemon use, is
#          switched from A's tree to B's
#   postinst: systemctl restart portcullis (KillMode SIGTERM to the main
#   process, then ExecStart daemon)
#       -> daemon_stop TERM, B's 'check' (what the daemon compiles first),
#          daemon_start with B's binary
#
#   srv       10.78.0.2   fd78::2    tcp :80 (friend allowed), tcp :8080, udp sink :9999
#   friend    10.78.0.3   fd78::3
#   stranger  10.78.0.66  fd78::66
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root make

S4=10.78.0.2
FR4=10.78.0.3 FR6=fd78::3
STR4=10.78.0.66 STR6=fd78::66

# --- the two builds ---------------------------------------------------------------
BUILD_ABS=${BUILD:-build}
case $BUILD_ABS in /*) ;; *) BUILD_ABS=$REPO/$BUILD_ABS ;; esac
if ! out=$(make -s --no-print-directory -C "$REPO" BUILD="$BUILD_ABS" DESTDIR="$T/a" install 2>&1); then
	not_ok "install build A"; diag "$out"; exit 1
fi
# The environment's CPPFLAGS: the Makefile adds its own to them.
if ! out=$(make -s --no-print-directory -C "$REPO" BUILD="$BUILD_ABS" upgrade-b 2>&1 &&
	make -s --no-print-directory -C "$REPO" BUILD="$BUILD_ABS/upgrade-b" DESTDIR="$T/b" install 2>&1); then
	not_ok "build and install build B"; diag "$out"; exit 1
fi
SBIN=usr/local/sbin/portcullis
A_VERSION=$("$T/a/$SBIN" --version) B_VERSION=$("$T/b/$SBIN" --version)
check "B is another build than A ($B_VERSION, $A_VERSION)" test "$A_VERSION" != "$B_VERSION"
ln -s "$T/a" "$T/current"
PORTCULLIS=$T/current/$SBIN	# what the unit's ExecStart names

lan_create &&
host_add srv $S4 fd78::2 &&
host_add fr $FR4 $FR6 &&
host_add str $STR4 $STR6 || { not_ok "build the LAN"; exit 1; }
SRV=$(ns_of srv) FR=$(ns_of fr) STR=$(ns_of str)
SINK=$T/sink
tcp_server "$SRV" 80 &&
tcp_server "$SRV" 8080 &&
udp_sink "$SRV" 9999 "$SINK" || { not_ok "start the servers"; exit 1; }

instance_add "$SRV"
cat >"$(inst_dir "$SRV")/portcullis.conf" <<CONF
include "$T/current/usr/local/share/portcullis/catalogue.conf"
peer friend    $FR4, $FR6
role web {
    allow in http from friend
}
mode enforce
attach interface lan0 role web
CONF
daemon_start "$SRV" && ok "daemon A starts and enforces" || { not_ok "daemon A starts and enforces"; exit 1; }
check "before: the friend reaches srv:80" tcp_ok "$FR" $S4 80
check "before: the stranger is denied srv:80" tcp_denied "$STR" $S4 80

# probe NAME NS PORT: connect to srv:PORT from NS until $T/stop; write
# "tries successes" to $T/NAME. A connect gets 2 s: an allowed one on a
# veth takes milliseconds, so a timeout is a denial.
probe() {
	local n=0 hit=0
	while [ ! -e "$T/stop" ] && [ "$n" -lt 300 ]; do
		n=$((n + 1))
		if timeout 3 nsenter --net="/run/netns/$2" \
			socat -u "TCP:$S4:$3,connect-timeout=2" STDOUT 2>/dev/null | grep -q pc-ok; then
			hit=$((hit + 1))
		fi
	done
	echo "$n $hit" >"$T/$1"
}
: >"$SINK"
probe allowed "$FR" 80 &
P1=$!
probe denied "$STR" 80 &
P2=$!
probe denied8080 "$FR" 8080 &
P3=$!
(
	n=0
	while [ ! -e "$T/stop" ] && [ "$n" -lt 3000 ]; do
		n=$((n + 1)); echo "dgram $n"; echo "$n" >"$T/dgrams"; sleep 0.005
	done | timeout 90 nsenter --net="/run/netns/$STR" socat -u - "UDP:$S4:9999"
) &
P4=$!
sleep 1

# The upgrade: unpack, then restart.
ln -sfn "$T/b" "$T/current"
daemon_stop "$SRV" TERM
check "B's ExecStartPre (check) passes on the config" pc "$SRV" check
daemon_start "$SRV" && ok "daemon B starts over A's pinned programs" ||
	not_ok "daemon B starts over A's pinned programs"
sleep 1.5
touch "$T/stop"
wait "$P1" "$P2" "$P3" "$P4"

read -r tries hits <"$T/allowed"
check_ge "the friend's prober made several connects to :80 across the upgrade" 5 "${tries:-}"
check_eq "every one of them got through (no allowed flow denied)" "$tries" "$hits"
read -r tries hits <"$T/denied"
check_ge "the stranger's prober made several connects to :80" 2 "${tries:-}"
check_eq "none got through (no denied flow allowed)" 0 "${hits:-x}"
read -r tries hits <"$T/denied8080"
check_eq "none of the friend's connects to :8080 got through" 0 "${hits:-x}"
check_ge "the stranger sent datagrams throughout" 100 "$(cat "$T/dgrams" 2>/dev/null)"
check_eq "no datagram reached the sink on :9999" 0 "$(wc -c <"$SINK")"

pid=${DAEMON_PID[$SRV]:-}
check "the running daemon is build B's binary" \
	test "$(readlink "/proc/$pid/exe")" = "$(readlink -f "$T/b/$SBIN")"
check "after: the friend reaches srv:80" tcp_ok "$FR" $S4 80
check "after: the stranger is denied srv:80" tcp_denied "$STR" $S4 80
check "after: status says running" grep -q '"running":true' <<<"$(status_json "$SRV")"

finish
