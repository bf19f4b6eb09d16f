# shellcheck shell=bash
# lib.sh - helpers for the integration tests (sourced, not run).
#
# A test builds a LAN of network namespaces on a bridge, runs real servers
# and clients in them, and runs portcullis instances inside the namespaces
# with their own --pin-dir/--run-dir/--log-dir under a temp dir. It prints
# "ok - NAME" / "not ok - NAME" per assertion (tests/run.sh counts them) and
# ends with 'finish'. Everything it makes is recorded as it is made, and
# the EXIT trap removes it again, also when the test fails or is killed.
#
# Safety: nothing here touches the machine's own interfaces, the root
# cgroup, or a pin dir outside the test's temp dir; every instance is
# started with explicit test directories and inside a test namespace.

set -u
# The commands that may enforce judge the SSH session they run in
# (SSH_CONNECTION): a test names its own session, or none.
unset SSH_CONNECTION

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LIB_DIR/../.." && pwd)
PORTCULLIS=${PORTCULLIS:-$REPO/build/portcullis}
# shellcheck disable=SC2034  # for the tests
POLICIES=$REPO/policies
TEST_NAME=$(basename "$0" .sh)
ID=pc$$				# prefix of every namespace this test makes

# Client timeouts (seconds). An allowed connection on a veth takes
# milliseconds; a dropped SYN is given DENY_WAIT before it counts as denied.
ALLOW_WAIT=${ALLOW_WAIT:-3}
DENY_WAIT=${DENY_WAIT:-1.5}

T=$(mktemp -d "/tmp/${ID}-${TEST_NAME#test_}.XXXXXX") || exit 1

# Run a private copy: one build for the whole test (the daemon and the CLI
# must agree), untouched when someone relinks build/portcullis meanwhile.
if [ -x "$PORTCULLIS" ]; then
	for _ in 1 2 3 4 5; do
		cp "$PORTCULLIS" "$T/portcullis" 2>/dev/null && "$T/portcullis" --help >/dev/null 2>&1 && break
		sleep 1
	done
	PORTCULLIS=$T/portcullis
fi

N_OK=0 N_FAIL=0
NETNS=()		# namespaces we made, in creation order
INSTANCES=()		# portcullis instances (namespace names)
CGROUPS=()		# cgroup directories we made (absolute)
BG_PIDS=()		# servers and other background processes
declare -A DAEMON_PID=()
declare -A PC_OPTS=()	# extra global options of an instance, e.g. "--tc-attach clsact"

# --- reporting ---------------------------------------------------------------

ok() { N_OK=$((N_OK + 1)); echo "ok - $*"; }
not_ok() { N_FAIL=$((N_FAIL + 1)); echo "not ok - $*"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# check NAME CMD...: ok when CMD succeeds; its output is shown only on failure.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name"
		[ -n "$out" ] && diag "$out"
	fi
	return 0
}

# check_fails NAME CMD...: ok when CMD fails.
check_fails() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		not_ok "$name"
		diag "expected failure, but it succeeded:" "$out"
	else
		ok "$name"
	fi
	return 0
}

# check_eq NAME WANT GOT
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "want: $2" "got:  $3"
	fi
}

# check_ge NAME MIN GOT: GOT is a number at least MIN.
check_ge() {
	if [ -n "$3" ] && [ "$3" -eq "$3" ] 2>/dev/null && [ "$3" -ge "$2" ]; then
		ok "$1"
	else
		not_ok "$1"
		diag "want at least $2, got '$3'"
	fi
}

# skip_all REASON: the test cannot run here; prints one ok line with SKIP.
skip_all() {
	echo "ok - $TEST_NAME # SKIP $*"
	exit 0
}

need_root() {
	[ "$(id -u)" = 0 ] || skip_all "needs root"
	[ -x "$PORTCULLIS" ] || { not_ok "$PORTCULLIS is built ('make' first)"; exit 1; }
	local tool
	for tool in ip nsenter socat timeout "$@"; do
		command -v "$tool" >/dev/null 2>&1 ||
			{ not_ok "$tool is installed ('make deps')"; exit 1; }
	done
}

# kernel_at_least MAJOR MINOR: the running kernel is that version or newer.
# Tests that depend on a kernel feature ask this instead of assuming the
# build machine's kernel (docs/kernels.md lists which feature needs what).
kernel_at_least() {
	local major minor
	IFS=. read -r major minor _ <<<"$(uname -r)"
	minor=${minor%%[!0-9]*}
	[ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }
}

# kernel_has_tcx: tcx links (Linux 6.6); below, interfaces take clsact.
kernel_has_tcx() { kernel_at_least 6 6; }

# finish: the last line of every test; exit status 1 if anything failed.
finish() {
	echo "# $TEST_NAME: $N_OK passed, $N_FAIL failed, ${SECONDS}s"
	[ "$N_FAIL" -eq 0 ]
	exit
}

# wait_for SECONDS CMD...: poll CMD every 50 ms until it succeeds.
wait_for() {
	local deadline=$((SECONDS + ${1%.*} + 1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# --- cleanup -----------------------------------------------------------------

kill_pid() {	# $1: pid we started; TERM, then KILL if it lingers
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	pkill -TERM -P "$pid" 2>/dev/null	# socat/nginx children, by parent id
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 40); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		pkill -KILL -P "$pid" 2>/dev/null
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	return 0
}

cleanup() {
	local rc=$? ns pid cg i j
	set +e
	trap - EXIT INT TERM HUP
	for ns in "${!DAEMON_PID[@]}"; do
		kill_pid "${DAEMON_PID[$ns]}"
	done
	for pid in "${BG_PIDS[@]}"; do
		kill_pid "$pid"
	done
	for cg in "${CGROUPS[@]}"; do
		if [ -f "$cg/cgroup.procs" ]; then
			# only processes we put there: they run our servers and clients
			while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$cg/cgroup.procs"
		fi
	done
	for ns in "${INSTANCES[@]}"; do
		if [ -e "/run/netns/$ns" ]; then
			pc "$ns" unload >/dev/null 2>&1
		else
			"$PORTCULLIS" --pin-dir "$T/$ns/pin" --run-dir "$T/$ns/run" unload >/dev/null 2>&1
		fi
		mountpoint -q "$T/$ns/pin" && umount -l "$T/$ns/pin"
	done
	for ((i = ${#NETNS[@]} - 1; i >= 0; i--)); do
		ip netns del "${NETNS[$i]}" 2>/dev/null
	done
	for ((j = ${#CGROUPS[@]} - 1; j >= 0; j--)); do	# children first
		cg=${CGROUPS[$j]}
		for i in $(seq 40); do
			[ -d "$cg" ] || break
			rmdir "$cg" 2>/dev/null && break
			sleep 0.05
		done
	done
	# nothing of ours may remain mounted under $T before it is removed
	if ! grep -q " $T/" /proc/self/mounts; then
		rm -rf "$T"
	else
		echo "# cleanup: $T still has mounts; left in place" >&2
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- namespaces and the LAN -------------------------------------------------

# in_ns NS CMD...: run CMD in the network namespace NS (and nothing else:
# the mount namespace stays the host's, so bpffs pins outlive the command).
in_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

netns_add() {	# $1: name; lo up, no duplicate address detection
	ip netns add "$1" || return 1
	NETNS+=("$1")
	ip -n "$1" link set lo up
	in_ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
}

# lan_create: the bridge namespace ${ID}br with bridge br0 (no STP delay).
LAN_NS=
lan_create() {
	LAN_NS=${ID}br
	netns_add "$LAN_NS" || return 1
	ip -n "$LAN_NS" link add br0 type bridge stp_state 0 forward_delay 0 || return 1
	in_ns "$LAN_NS" sysctl -qw net.ipv6.conf.br0.disable_ipv6=1
	ip -n "$LAN_NS" link set br0 up
}

# host_add NAME ADDR4 ADDR6: namespace $ID$NAME with lan0 (ADDR4/24,
# ADDR6/64) on the bridge; prints nothing, sets nothing global but NETNS.
# The bridge side is named v$NAME (NAME at most 14 characters).
host_add() {
	local name=$1 a4=$2 a6=$3 ns=$ID$1
	netns_add "$ns" || return 1
	ip -n "$ns" link add lan0 type veth peer name "v$name" netns "$LAN_NS" || return 1
	ip -n "$LAN_NS" link set "v$name" master br0 up || return 1
	ip -n "$ns" addr add "$a4/24" dev lan0 || return 1
	ip -n "$ns" addr add "$a6/64" dev lan0 nodad || return 1
	ip -n "$ns" link set lan0 up
}

ns_of() { echo "$ID$1"; }

# --- portcullis instances --------------------------------------------------

# Instance files live in $T/NS: portcullis.conf, pin/, run/, log/.
inst_dir() { echo "$T/$1"; }

# pc NS ARGS...: the CLI in namespace NS with that instance's directories,
# config and PC_OPTS (a later -c in ARGS wins).
pc() {
	local ns=$1 d=$T/$1
	shift
	# shellcheck disable=SC2086
	in_ns "$ns" "$PORTCULLIS" -c "$d/portcullis.conf" --pin-dir "$d/pin" \
		--run-dir "$d/run" --log-dir "$d/log" ${PC_OPTS[$ns]:-} "$@"
}

instance_add() {	# $1: namespace; records it for unload at cleanup
	local i
	for i in "${INSTANCES[@]}"; do [ "$i" = "$1" ] && return 0; done
	mkdir -p "$T/$1"
	INSTANCES+=("$1")
}

# daemon_start NS [ARGS...]: start the daemon with $T/NS/portcullis.conf
# and the daemon's ARGS, and wait (up to 15 s) until it says it is
# running. Its stderr goes to $T/NS/daemon.err (appended across restarts).
daemon_start() {
	local ns=$1 d=$T/$1 before
	shift
	instance_add "$ns"
	touch "$d/daemon.err"
	before=$(grep -c '^portcullis: running' "$d/daemon.err")
	# not through 'pc': $! must be the daemon itself (nsenter execs it)
	# shellcheck disable=SC2086
	nsenter --net="/run/netns/$ns" "$PORTCULLIS" -c "$d/portcullis.conf" --pin-dir "$d/pin" \
		--run-dir "$d/run" --log-dir "$d/log" ${PC_OPTS[$ns]:-} daemon "$@" 2>>"$d/daemon.err" &
	DAEMON_PID[$ns]=$!
	local deadline=$((SECONDS + 15))
	while [ "$(grep -c '^portcullis: running' "$d/daemon.err")" -le "$before" ]; do
		if ! kill -0 "${DAEMON_PID[$ns]}" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
			diag "daemon in $ns did not start:" "$(tail -5 "$d/daemon.err")"
			return 1
		fi
		sleep 0.05
	done
}

# daemon_stop NS [SIGNAL]: signal the daemon (TERM by default) and reap it.
daemon_stop() {
	local ns=$1 sig=${2:-TERM} pid=${DAEMON_PID[$1]:-} i
	[ -n "$pid" ] || return 0
	{	# stderr off: bash would report the job's death ("Killed")
		kill "-$sig" "$pid"
		for i in $(seq 100); do
			kill -0 "$pid" || break
			sleep 0.05
		done
		kill -0 "$pid" && { kill -KILL "$pid"; echo "# daemon in $ns ignored SIG$sig"; }
		wait "$pid"
	} 2>/dev/null
	unset "DAEMON_PID[$ns]"
}

daemon_running() { [ -n "${DAEMON_PID[$1]:-}" ] && kill -0 "${DAEMON_PID[$1]}" 2>/dev/null; }

# status_json NS: one line of 'status --json'.
status_json() { pc "$1" status --json; }

# json_field JSON KEY: the first "KEY":value (string unquoted), no jq needed.
json_field() {
	printf '%s' "$1" | grep -o "\"$2\":\(\"[^\"]*\"\|[^,}]*\)" | head -1 | cut -d: -f2- | tr -d '"'
}

# --- servers -------------------------------------------------------------------

# bg NS CMD...: run CMD in namespace NS in the background; its pid (nsenter
# execs CMD, so the pid is CMD's) goes to BG_LAST and to the cleanup list.
# Its stdin is /dev/null (bash does that for background jobs).
bg() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@" &
	BG_LAST=$!
	BG_PIDS+=("$BG_LAST")
}

# bg_cgroup CGDIR NS CMD...: the same, inside cgroup CGDIR.
bg_cgroup() {
	local cg=$1 ns=$2
	shift 2
	(echo "$BASHPID" >"$cg/cgroup.procs" && exec nsenter --net="/run/netns/$ns" "$@") &
	BG_LAST=$!
	BG_PIDS+=("$BG_LAST")
}

# listening NS PROTO PORT: a socket listens (tcp) or is bound (udp) on PORT.
listening() {
	local flag=-Hltn
	[ "$2" = udp ] && flag=-Hlun
	[ -n "$(in_ns "$1" ss $flag "sport = :$3")" ]
}

# tcp_server NS PORT [REPLY]: dual-stack socat that writes REPLY (default
# "pc-ok") to every connection and closes it.
tcp_server() {
	local ns=$1 port=$2 reply=${3:-pc-ok}
	bg "$ns" socat "TCP6-LISTEN:$port,ipv6only=0,reuseaddr,fork" "SYSTEM:echo $reply"
	wait_for 5 listening "$ns" tcp "$port" || { diag "no tcp server on $ns:$port"; return 1; }
}

# udp_server NS PORT [REPLY]: a dual-stack server that answers every datagram
# with REPLY.
#
# One process answers every datagram from the one socket, IPv4 and IPv6. Not
# socat's RECVFROM with fork and SYSTEM:echo: its child writes the datagram
# to echo's stdin, and when echo has already exited that write fails with
# EPIPE and the child dies before it sends the answer (a lost answer every
# few hundred datagrams on a loaded machine).
udp_server() {
	local ns=$1 port=$2 reply=${3:-pc-ok}
	bg "$ns" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1])))
answer = (sys.argv[2] + "\n").encode()
while True:
    _, peer = s.recvfrom(65535)
    s.sendto(answer, peer)
' "$port" "$reply"
	wait_for 5 listening "$ns" udp "$port" || { diag "no udp server on $ns:$port"; return 1; }
}

# udp_sink NS PORT FILE: append every datagram that arrives at PORT to FILE.
udp_sink() {
	local ns=$1 port=$2 file=$3
	: >"$file"
	bg "$ns" socat -u "UDP6-RECV:$port,ipv6only=0,reuseaddr" "OPEN:$file,creat,append"
	wait_for 5 listening "$ns" udp "$port" || { diag "no udp sink on $ns:$port"; return 1; }
}

# --- clients -------------------------------------------------------------------

sock_addr() {	# ADDR PORT -> socat's host:port ([v6]:port)
	case $1 in *:*) echo "[$1]:$2" ;; *) echo "$1:$2" ;; esac
}

# tcp_get NS ADDR PORT [WAIT]: connect from NS, print what the server sends.
# Fails when the connection is refused, dropped (no answer in WAIT s) or
# not permitted; socat's error is on stderr.
tcp_get() {
	local wait=${4:-$ALLOW_WAIT}
	timeout $((${wait%.*} + 3)) nsenter --net="/run/netns/$1" \
		socat -T "$wait" -u "TCP:$(sock_addr "$2" "$3"),connect-timeout=$wait" STDOUT
}

# tcp_ok NS ADDR PORT [REPLY]: the connection gets the server's reply.
tcp_ok() {
	local got
	got=$(tcp_get "$1" "$2" "$3" "$ALLOW_WAIT") || return 1
	[ "$got" = "${4:-pc-ok}" ] || { echo "got '$got'"; return 1; }
}

# tcp_denied NS ADDR PORT: no reply within DENY_WAIT (a dropped SYN).
tcp_denied() {
	local got
	if got=$(tcp_get "$1" "$2" "$3" "$DENY_WAIT" 2>&1); then
		echo "connected and got: $got"
		return 1
	fi
	return 0
}

# udp_get NS ADDR PORT [WAIT]: send one datagram, print the first answer.
udp_get() {
	local wait=${4:-$ALLOW_WAIT}
	echo probe | timeout $((${wait%.*} + 3)) nsenter --net="/run/netns/$1" \
		socat -T "$wait" - "UDP:$(sock_addr "$2" "$3")"
}

# A forking socat server drops a datagram that arrives while it re-arms, so
# an allowed flow gets a second try; a denied one is dropped every time.
udp_ok() {
	local got try
	for try in 1 2; do
		got=$(udp_get "$1" "$2" "$3" "$ALLOW_WAIT") && [ "$got" = "${4:-pc-ok}" ] && return 0
	done
	echo "got '$got'"
	return 1
}

udp_denied() {
	local got
	got=$(udp_get "$1" "$2" "$3" "$DENY_WAIT" 2>&1)
	[ -z "$got" ] || [ "${got#*pc-ok}" = "$got" ] || { echo "answered: $got"; return 1; }
}

# ping_ok NS ADDR / ping_denied NS ADDR
ping_ok() { in_ns "$1" ping -n -c1 -W2 "$2"; }
ping_denied() {
	if in_ns "$1" ping -n -c1 -W1 "$2"; then return 1; fi
	return 0
}

# --- cgroups -----------------------------------------------------------------

CG_ROOT=
cgroup_root() {	# the first cgroup2 mount, as the agent finds it
	CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	[ -n "$CG_ROOT" ]
}

# cgroup_add NAME: make $CG_ROOT/NAME (never the root itself).
cgroup_add() {
	local cg=$CG_ROOT/$1
	[ -n "$1" ] && [ "$cg" != "$CG_ROOT/" ] || return 1
	mkdir "$cg" || return 1
	CGROUPS+=("$cg")
}

# in_cgroup CGDIR NS CMD...: run CMD inside cgroup CGDIR and namespace NS.
in_cgroup() {
	local cg=$1 ns=$2
	shift 2
	(echo "$BASHPID" >"$cg/cgroup.procs" && exec nsenter --net="/run/netns/$ns" "$@")
}
