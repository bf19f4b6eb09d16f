#!/bin/bash
# Lock-out analysis before anything enforces: 'mode enforce', 'apply' and
# 'check' refuse, unless --force, to cut the SSH session they are typed in
# (SSH_CONNECTION) or to leave no SSH or RDP in from anywhere; in audit the
# same finding is a warning. 'check' also names attachments that cannot
# work here.
#
#   a      10.77.0.2  fd77::2   portcullis (lan0 is its only interface)
#   admin  10.77.0.3  fd77::3   the operator's client
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
need_root

A4=10.77.0.2 A6=fd77::2
ADM4=10.77.0.3 ADM6=fd77::3

lan_create &&
host_add a $A4 $A6 &&
host_add adm $ADM4 $ADM6 || { not_ok "build the LAN"; exit 1; }
A=$(ns_of a)
instance_add "$A"
CONF=$(inst_dir "$A")/portcullis.conf

# conf MODE [LINES...]: a role that lets http in from a peer far away, and LINES.
conf() {
	local mode=$1
	shift
	{
		echo "include \"$POLICIES/catalogue.conf\""
		echo "peer web 10.99.0.0/24"
		echo "role web {"
		echo "    allow in http from web"
		echo "}"
		printf '%s\n' "$@"
		echo "mode $mode"
		echo "attach interface lan0 role web"
	} >"$CONF"
}
# rc CMD...: CMD's exit status; its stdout and stderr go to $T/out.
rc() {
	"$@" >"$T/out" 2>&1
	echo $?
}
mode_of() { json_field "$(status_json "$A")" mode; }
digest() { json_field "$(status_json "$A")" digest; }
# The session the operator types in: from admin to sshd on a, port $1.
session() { echo "$ADM4 50022 $A4 $1"; }

conf audit
daemon_start "$A" || { not_ok "the daemon starts in audit"; exit 1; }

# --- the session: the failsafe opens tcp 22, not an sshd on 2222 --------------

check_eq "mode enforce from a session to port 2222 nothing lets in exits 1" 1 \
	"$(SSH_CONNECTION=$(session 2222) rc pc "$A" mode enforce)"
check "the refusal names the scope, the client and the port" \
	grep -q "interface:lan0: enforce would cut this SSH session .*$ADM4 in to tcp 2222" "$T/out"
check "the refusal says how to let it in, or --force" \
	grep -q "peer admin $ADM4.*allow in SERVICE from admin.*--force" "$T/out"
check_eq "the refused switch left the scope in audit" audit "$(mode_of)"
check_eq "--json: the refusal is the errors document" 1 \
	"$(SSH_CONNECTION=$(session 2222) rc pc "$A" --json mode enforce)"
check "--json: the error says what would be cut" \
	grep -q '"errors":\[{"severity":"error","message":"interface:lan0: enforce would cut' "$T/out"
check_eq "mode enforce --force goes through (exit 0)" 0 \
	"$(SSH_CONNECTION=$(session 2222) rc pc "$A" mode enforce --force)"
check "--force still says what it cuts, as a warning" grep -q "warning: interface:lan0: enforce would cut" "$T/out"
check_eq "the forced scope enforces" enforce "$(mode_of)"
check_eq "mode audit is never refused" 0 "$(SSH_CONNECTION=$(session 2222) rc pc "$A" mode audit)"
check_eq "a session on port 22 (the failsafe lets it in): mode enforce exits 0" 0 \
	"$(SSH_CONNECTION=$(session 22) rc pc "$A" mode enforce)"
check "and says nothing about it" sh -c "! grep -q 'would cut' '$T/out'"
check_eq "a session over IPv6 to 2222: mode enforce --scope lan0 exits 1" 1 \
	"$(SSH_CONNECTION="$ADM6 50022 $A6 2222" rc pc "$A" mode enforce --scope lan0)"
check "the IPv6 refusal names the client" grep -q "$ADM6 in to tcp 2222" "$T/out"
check_eq "a session to an address a does not hold: nothing here sees it (exit 0)" 0 \
	"$(SSH_CONNECTION="$ADM4 50022 10.77.0.200 2222" rc pc "$A" mode enforce)"
check_eq "a malformed SSH_CONNECTION is a warning, not a refusal" 0 \
	"$(SSH_CONNECTION="nonsense" rc pc "$A" mode enforce)"
check "the warning quotes it" grep -q "warning: SSH_CONNECTION='nonsense' is not" "$T/out"
pc "$A" mode audit >/dev/null

# --- apply: a rule that admits the session --------------------------------------

conf enforce
D0=$(digest)
check_eq "apply of an enforcing config that forgets the session exits 1" 1 \
	"$(SSH_CONNECTION=$(session 2222) rc pc "$A" apply)"
check "apply says what it would cut" grep -q "would cut this SSH session" "$T/out"
check_eq "the refused apply changed nothing" "$D0" "$(digest)"
conf enforce "service alt-ssh tcp 2222" "peer admin $ADM4" "role web-admin {" \
	"    use web" "    allow in alt-ssh from admin" "}"
sed -i 's/role web$/role web-admin/' "$CONF"
check_eq "with 'allow in alt-ssh from admin' apply exits 0" 0 \
	"$(SSH_CONNECTION=$(session 2222) rc pc "$A" apply)"
check "it says nothing about a lock-out" sh -c "! grep -q 'would' '$T/out'"
check_eq "the applied config enforces" enforce "$(mode_of)"
check_eq "check on it from another client exits 1" 1 \
	"$(SSH_CONNECTION="10.77.0.9 50022 $A4 2222" rc pc "$A" check)"

# --- failsafe off and no SSH or RDP rule: no way in -----------------------------

conf enforce "failsafe off"
D1=$(digest)
check_eq "apply with 'failsafe off' and no SSH or RDP rule exits 1" 1 "$(rc pc "$A" apply)"
check "it says no SSH or RDP is left, and what to do" \
	grep -q "enforce would leave no SSH (tcp 22) or RDP (tcp 3389) in from anywhere ('failsafe off'): every interface of this host is judged (interface:lan0).*--force" "$T/out"
check_eq "the refused apply changed nothing" "$D1" "$(digest)"
check_eq "check on it exits 1 too" 1 "$(rc pc "$A" check)"
check_eq "apply --force goes through" 0 "$(rc pc "$A" apply --force)"
check "--force leaves the finding as a warning" grep -q "warning: enforce would leave no SSH" "$T/out"
check_eq "mode enforce on it (audit first) is refused" 1 \
	"$(pc "$A" mode audit >/dev/null; rc pc "$A" mode enforce)"
check_eq "the refused switch left audit" audit "$(mode_of)"
conf audit "failsafe off"
check_eq "the same config in audit applies (exit 0)" 0 "$(rc pc "$A" apply)"
check "in audit the finding is a warning" \
	grep -q "warning: in audit now, but enforce would leave no SSH" "$T/out"
conf enforce "failsafe off" "peer admin $ADM4" "role web-admin {" "    use web" \
	"    allow in rdp from admin" "}"
sed -i 's/role web$/role web-admin/' "$CONF"
check_eq "an RDP rule from one admin is a way in: apply exits 0" 0 "$(rc pc "$A" apply)"

# The running policy is what mode judges; a config edited since cannot tell.
conf audit "failsafe off"
check_eq "mode enforce after the config changed is refused" 1 "$(rc pc "$A" mode enforce)"
check "it asks for apply first" grep -q "no longer what .* compiles to; 'portcullis apply' it first" "$T/out"
check_eq "--force switches anyway" 0 "$(rc pc "$A" mode enforce --force)"

# --- an sshd in a cgroup scope ---------------------------------------------------

if cgroup_root; then
	CGNAME=pc-test-$$
	cgroup_add "$CGNAME" || { not_ok "create the test cgroup"; exit 1; }
	cp "$(command -v sleep)" "$T/sshd"	# a process called sshd
	bg_cgroup "$CG_ROOT/$CGNAME" "$A" "$T/sshd" 600
	wait_for 5 grep -q . "$CG_ROOT/$CGNAME/cgroup.procs"
	CGC=$T/cg.conf
	{
		echo "include \"$POLICIES/catalogue.conf\""
		echo "role app { allow in http }"
		echo "failsafe off"
		echo "mode enforce"
		echo "attach cgroup /$CGNAME role app"
	} >"$CGC"
	check_eq "check: an enforcing cgroup with an sshd and no SSH rule exits 1" 1 \
		"$(rc pc "$A" -c "$CGC" check)"
	check "it names the cgroup and sshd" \
		grep -q "error: cgroup:/$CGNAME: enforce would let no SSH (tcp 22) in to the sshd" "$T/out"
	sed -i 's/allow in http }/allow in http, ssh }/' "$CGC"
	check_eq "with an ssh rule it passes" 0 "$(rc pc "$A" -c "$CGC" check)"
fi

finish
