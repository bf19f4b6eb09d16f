#!/bin/bash
# test_quickstart.sh: follow docs/quickstart.md as written, on two hosts of
# a LAN of network namespaces: the CRM reverse proxy and the SSRS host.
#
# Each command block of the page marked '<!-- quickstart: HOSTS -->' runs
# verbatim, in order, on each host it names. A host is a network namespace
# with an interface eth0, and a mount namespace of its own in which /etc,
# /usr, /var and /run are overlays on the machine's (so apt-get installs the
# package there and nowhere else) and /sys/fs/bpf is a bpffs of its own
# (so its pins vanish with it). systemd is not PID 1 here: systemctl is
# tests/package/systemctl-shim, which runs what the installed unit says
# (in place of /usr/bin/systemctl, in the overlay).
# Between the blocks the test does what the page says happens: clients
# and the monitoring server talk to the hosts, and someone checks from a
# new connection before confirming.
#
# Nothing of the machine is touched: the package, config, pins, state and
# log live in the overlays, which go with the test's temp dir.
. "$(dirname "$0")/../integration/lib.sh"
need_root

DOC=$REPO/docs/quickstart.md

# --- the package -----------------------------------------------------------
if ! deb_out=$(make -s -C "$REPO" deb 2>&1); then
	not_ok "make deb builds the package"; diag "$deb_out"; finish
fi
mkdir -p "$T/pkg"
cp "$REPO"/build/deb/portcullis_*.deb "$T/pkg/" || { not_ok "make deb left build/deb/portcullis_*.deb"; finish; }

# --- the page's blocks -------------------------------------------------------
# $T/steps/NN.HOSTS: the block's text; HOSTS as the marker lists them.
mkdir -p "$T/steps"
awk -v dir="$T/steps" '
	/^<!-- quickstart: .* -->$/ { hosts = $3; for (i = 4; i < NF; i++) hosts = hosts "," $i; want = 1; next }
	want && /^```sh$/ { n++; f = sprintf("%s/%02d.%s", dir, n, hosts); inblock = 1; want = 0; next }
	inblock && /^```$/ { inblock = 0; close(f); next }
	inblock { print > f }
	{ want = 0 }
' "$DOC"
check "the quick start has command blocks for both hosts" \
	test "$(ls "$T/steps" | grep -c proxy)" -ge 8 -a "$(ls "$T/steps" | grep -c ssrs)" -ge 6

# --- the LAN -----------------------------------------------------------------
# Addresses as the page uses them: users in 10.20.0.0/16, the CRM front
# ends 10.10.1.11-12, the SQL Server 10.10.2.5, domain controllers and
# administrators in 10.10.9.0/24, the monitoring server 10.30.0.9.
lan_create
host_add client   10.20.0.5  fd00:20::5
host_add frontend 10.10.1.11 fd00:10:1::11
host_add monitor  10.30.0.9  fd00:30::9
host_add admin    10.10.9.5  fd00:10:9::5

# hostns_add NAME ADDR...: a host namespace whose LAN interface is eth0.
hostns_add() {
	local name=$1 ns=$ID$1 a
	shift
	netns_add "$ns" || return 1
	ip -n "$ns" link add eth0 type veth peer name "v$name" netns "$LAN_NS" || return 1
	ip -n "$LAN_NS" link set "v$name" master br0 up || return 1
	for a in "$@"; do ip -n "$ns" addr add "$a/24" dev eth0 || return 1; done
	ip -n "$ns" link set eth0 up
}
hostns_add proxy 10.20.0.1 10.10.1.1 10.30.0.1
hostns_add ssrs  10.10.1.20 10.10.9.20

# sandbox_start NAME: the mount namespace of host NAME; HOLDER[NAME] is its
# pid, kept alive by a sleep that cleanup kills.
declare -A HOLDER
sandbox_start() {
	local name=$1 ns=$ID$1 d=$T/root-$1 i
	mkdir -p "$d"
	nsenter --net="/run/netns/$ns" unshare --mount --propagation private -- bash -c '
		set -e
		for dir in etc usr var run; do
			mkdir -p "$1/$dir/upper" "$1/$dir/work"
			mount -t overlay overlay \
				-o "lowerdir=/$dir,upperdir=$1/$dir/upper,workdir=$1/$dir/work" "/$dir"
		done
		mount -t bpf bpf /sys/fs/bpf
		# a systemd host, for the maintainer scripts: they call systemctl
		mkdir -p /run/systemd/system
		install -m 755 "$2" /usr/bin/systemctl
		# as on a host, not a container image: services start on install
		rm -f /usr/sbin/policy-rc.d
		touch "$1/ready"
		exec sleep infinity' sandbox "$d" "$REPO/tests/package/systemctl-shim" \
		</dev/null >"$d/holder.log" 2>&1 &
	HOLDER[$name]=$!
	BG_PIDS+=("$!")
	disown
	for i in $(seq 100); do [ -e "$d/ready" ] && return 0; sleep 0.1; done
	return 1
}

# Before lib.sh's cleanup: every process in a sandbox's mount namespace
# (the daemon the shim started) goes, so that the namespace, its
# overlays and its bpffs, with the pins, go with the holder.
sandbox_cleanup() {
	local rc=$? name mnt p
	for name in "${!HOLDER[@]}"; do
		mnt=$(readlink "/proc/${HOLDER[$name]}/ns/mnt" 2>/dev/null) || continue
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$mnt" ] || continue
			[ "${p#/proc/}" = "${HOLDER[$name]}" ] && continue
			kill -KILL "${p#/proc/}" 2>/dev/null
		done
	done
	(exit $rc)
	cleanup
}
trap sandbox_cleanup EXIT

# in_host NAME CMD...: run CMD on host NAME (its network and mount namespace).
in_host() {
	local name=$1
	shift
	nsenter --target "${HOLDER[$name]}" --mount --net -- "$@"
}

# step NAME FILE: run one block of the page on host NAME, from the directory
# that holds the package, with the PATH of a root shell.
step() {
	local name=$1 f=$2 out
	out=$(in_host "$name" env -i HOME=/root TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		bash -euo pipefail -c 'cd "$1" && . "$2"' step "$T/pkg" "$f" 2>&1)
	local rc=$?
	printf '%s\n' "$out" >"$f.$name.out"
	if [ $rc -eq 0 ]; then
		ok "$name: quick start block $(basename "$f" | cut -d. -f1) runs"
	else
		not_ok "$name: quick start block $(basename "$f" | cut -d. -f1) runs (exit $rc)"
		diag "$(sed 's/^/    /' "$f")" "output:" "$(tail -20 <<<"$out")"
	fi
	return $rc
}

# run_steps NAME FIRST LAST: the blocks FIRST..LAST (numbers) for host NAME.
run_steps() {
	local name=$1 first=$2 last=$3 f n
	for f in "$T"/steps/*; do
		case $f in *.out) continue ;; esac
		n=$(basename "$f" | cut -d. -f1)
		n=$((10#$n))
		[ "$n" -ge "$first" ] && [ "$n" -le "$last" ] || continue
		case ",$(basename "$f" | cut -d. -f2)," in *",$name,"*) ;; *) continue ;; esac
		step "$name" "$f" || return 1
	done
}

# The blocks by number, as the page orders them (checked here, so a new
# block in the page makes this test say where it goes).
block_of() {	# TEXT: the number of the block that contains TEXT
	grep -l -F -- "$1" "$T"/steps/* | grep -v '\.out$' | head -1 | xargs -r basename | cut -d. -f1
}
B_CONFIG_SSRS=$(block_of 'attach interface eth0 role ssrs')
B_AUDIT=$(block_of 'portcullis events --verdict audit')
B_TIGHTEN=$(block_of 'service node-exporter tcp 9100')
B_ENFORCE=$(block_of 'portcullis mode enforce --confirm 120')
B_CONFIRM=$(block_of 'portcullis confirm')
B_PURGE=$(block_of 'apt-get purge -y portcullis')
for v in B_CONFIG_SSRS B_AUDIT B_TIGHTEN B_ENFORCE B_CONFIRM B_PURGE; do
	[ -n "${!v}" ] || { not_ok "the quick start has the block this test calls $v"; finish; }
done
B_AUDIT=$((10#$B_AUDIT)) B_TIGHTEN=$((10#$B_TIGHTEN)) B_ENFORCE=$((10#$B_ENFORCE))
B_CONFIRM=$((10#$B_CONFIRM)) B_PURGE=$((10#$B_PURGE))

# Not through 'check': HOLDER must be set in this shell, not a subshell.
for h in proxy ssrs; do
	if sandbox_start $h; then ok "$h: the sandbox starts"
	else not_ok "$h: the sandbox starts"; diag "$(cat "$T/root-$h/holder.log")"; finish; fi
done

# Servers on the hosts: the proxy's web ports and node_exporter's, the
# report server on the SSRS host. They need the hosts' network namespaces
# only, not their sandboxes.
PROXY=$(ns_of proxy) SSRS=$(ns_of ssrs)
CLIENT=$(ns_of client) MONITOR=$(ns_of monitor) FRONTEND=$(ns_of frontend) ADMIN=$(ns_of admin)
for p in 443 9100 8080; do tcp_server "$PROXY" $p || { not_ok "start the proxy's servers"; finish; }; done
for p in 80 8080; do tcp_server "$SSRS" $p || { not_ok "start the SSRS host's servers"; finish; }; done

# --- the proxy, up to audit --------------------------------------------------
if run_steps proxy 1 $((B_AUDIT - 1)); then
	check "proxy: the daemon runs after 'systemctl restart'" in_host proxy systemctl --quiet is-active portcullis
	check "proxy: status shows eth0 in audit" bash -c "nsenter --target ${HOLDER[proxy]} --mount --net portcullis status | grep -E 'interface:eth0.*audit'"
	# a day of business: users on 443, the monitoring server on 9100,
	# a scan of 8080; in audit, all of it passes
	check "proxy, audit: a user reaches 443" tcp_ok "$CLIENT" 10.20.0.1 443
	check "proxy, audit: monitoring reaches 9100 (would be denied)" tcp_ok "$MONITOR" 10.30.0.1 9100
	check "proxy, audit: 8080 passes too (would be denied)" tcp_ok "$CLIENT" 10.20.0.1 8080
	sleep 1.5	# the daemon writes events within a second
	run_steps proxy "$B_AUDIT" "$B_AUDIT"
	f=$(ls "$T"/steps/$(printf %02d "$B_AUDIT").*.proxy.out)
	check "proxy: 'events --verdict audit' shows monitoring's 9100 with its hint" \
		grep -q 'allow in tcp-9100 from host-10.30.0.9' "$f"
	check_fails "proxy: 'events --verdict audit' shows no user's 443" grep -q ':443 ' "$f"
	diag "what the page's sample of 'events --verdict audit' stands for:" "$(grep -A3 ':9100' "$f" | head -4)"

	run_steps proxy "$B_TIGHTEN" "$B_TIGHTEN"
	f=$(ls "$T"/steps/$(printf %02d "$B_TIGHTEN").*.proxy.out)
	check "proxy: query names the new rule for 9100" grep -q 'monitored' "$f"

	run_steps proxy "$B_ENFORCE" "$B_ENFORCE"
	# "from a new connection": SSH is let in by the failsafe; the service works
	check "proxy, enforce pending: a user reaches 443" tcp_ok "$CLIENT" 10.20.0.1 443
	check "proxy, enforce pending: monitoring reaches 9100" tcp_ok "$MONITOR" 10.30.0.1 9100
	check "proxy, enforce pending: 8080 is dropped" tcp_denied "$CLIENT" 10.20.0.1 8080
	run_steps proxy "$B_CONFIRM" $((B_PURGE - 1))
	check "proxy, enforced: 8080 is still dropped after confirm and reload" tcp_denied "$CLIENT" 10.20.0.1 8080
	check "proxy, enforced: a user reaches 443" tcp_ok "$CLIENT" 10.20.0.1 443
	check "proxy: the config says enforce" in_host proxy grep -qx 'mode enforce' /etc/portcullis/portcullis.conf
	check "proxy: status shows eth0 enforcing" bash -c "nsenter --target ${HOLDER[proxy]} --mount --net portcullis status | grep -E 'interface:eth0.*enforce'"

	run_steps proxy "$B_PURGE" "$B_PURGE"
	check "proxy, purged: 8080 passes again (nothing is attached)" tcp_ok "$CLIENT" 10.20.0.1 8080
	check_fails "proxy, purged: no pins are left" in_host proxy bash -c 'ls -A /sys/fs/bpf/portcullis 2>/dev/null | grep -q .'
	check_fails "proxy, purged: /etc/portcullis is gone" in_host proxy test -e /etc/portcullis
	check_fails "proxy, purged: the event log is gone" in_host proxy test -e /var/log/portcullis
	check_fails "proxy, purged: the binary is gone" in_host proxy test -e /usr/sbin/portcullis
fi

# --- the SSRS host: the same steps with its config ----------------------------
if run_steps ssrs 1 $((B_ENFORCE - 1)); then
	check "ssrs, audit: a CRM front end reaches the report server" tcp_ok "$FRONTEND" 10.10.1.20 80
	run_steps ssrs "$B_ENFORCE" "$B_ENFORCE"
	check "ssrs, enforce pending: a CRM front end reaches the report server" tcp_ok "$FRONTEND" 10.10.1.20 80
	check "ssrs, enforce pending: an administrator does not reach port 80" tcp_denied "$ADMIN" 10.10.9.20 80
	run_steps ssrs "$B_CONFIRM" $((B_PURGE - 1))
	check "ssrs, enforced: 8080 is dropped" tcp_denied "$FRONTEND" 10.10.1.20 8080
	check "ssrs, enforced: a CRM front end reaches the report server" tcp_ok "$FRONTEND" 10.10.1.20 80
	run_steps ssrs "$B_PURGE" "$B_PURGE"
	check "ssrs, purged: 8080 passes again" tcp_ok "$FRONTEND" 10.10.1.20 8080
fi

finish
