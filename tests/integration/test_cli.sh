#!/bin/bash
# The offline commands: check, query, catalogue, roles, and exit codes.
# Needs no kernel features and no root.
# shellcheck source=lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/lib.sh"
[ -x "$PORTCULLIS" ] || { not_ok "$PORTCULLIS is built ('make' first)"; exit 1; }

P=$PORTCULLIS

# rc CMD...: print CMD's exit status (its output goes to $T/out).
rc() {
	"$@" >"$T/out" 2>&1
	echo $?
}

# --- check on the shipped examples -------------------------------------------

for ex in ssrs-host crm-proxy; do
	check_eq "check passes on policies/examples/$ex.conf (exit 0)" 0 \
		"$(rc "$P" -c "$POLICIES/examples/$ex.conf" check)"
	check "check on $ex.conf reports ok" grep -q ': ok: ' "$T/out"
done
check_eq "check FILE takes the file as an argument too" 0 \
	"$(rc "$P" check "$POLICIES/examples/ssrs-host.conf")"

# --- five mistakes, five errors ------------------------------------------------

BAD=$T/five-mistakes.conf
cat >"$BAD" <<EOF
include "$POLICIES/catalogue.conf"
peer web            10.77.1.0/24, fd77:1::/64
peer office         10.77.2.1/24
frobnicate all the things
service weird       tcp 70000
role mine {
    allow in  htps  from web
    allow out http  to   nowhere
}
mode enforce
attach interface lan0 role mine
EOF
# line 3 col 21: host bits; line 4 col 1: unknown statement; line 5 col 25: bad port;
# line 7 col 15: unknown service with a suggestion; line 8 col 26: unknown peer
check_eq "check with five mistakes exits 1" 1 "$(rc "$P" -c "$BAD" check)"
errs=$(grep -cE "^$BAD:[0-9]+:[0-9]+: error: " "$T/out")
check_eq "check prints exactly five FILE:LINE:COL: error: lines" 5 "$errs"
[ "$errs" = 5 ] || diag "$(cat "$T/out")"
check_eq "the errors are on lines 3, 4, 5, 7 and 8, in order" "3 4 5 7 8" \
	"$(grep -E "^$BAD:[0-9]+:[0-9]+: error: " "$T/out" | cut -d: -f2 | tr '\n' ' ' | sed 's/ $//')"
check "host bits: says so and suggests the network" \
	grep -qE "^$BAD:3:[0-9]+: error: .*10\.77\.2\.1/24.*host bits.*10\.77\.2\.0/24" "$T/out"
check "unknown statement names the token" \
	grep -qE "^$BAD:4:1: error: .*'frobnicate'" "$T/out"
check "bad port names the port" grep -qE "^$BAD:5:[0-9]+: error: .*70000" "$T/out"
check "unknown service in the attached role suggests https" \
	grep -qE "^$BAD:7:15: error: unknown service 'htps'.*did you mean 'https'\?" "$T/out"
check "unknown peer names the peer and the role" \
	grep -qE "^$BAD:8:[0-9]+: error: unknown peer 'nowhere'.*'mine'" "$T/out"

check_eq "check on a missing file exits 1" 1 "$(rc "$P" -c "$T/no-such.conf" check)"

# Roles that are not attached need nothing: the shipped roles use peers this
# config never defines, and that is fine until one is attached.
LAZY=$T/lazy.conf
cat >"$LAZY" <<EOF
include "$POLICIES/catalogue.conf"
include "$POLICIES/roles/*.conf"
peer web 10.77.1.0/24
role mine {
    allow in http from web
}
attach interface lan0 role mine
EOF
check_eq "unattached shipped roles need no peers (exit 0)" 0 "$(rc "$P" -c "$LAZY" check)"
sed -i 's/role mine$/role mine, ssrs/' "$LAZY"
check_eq "attaching ssrs without its peers fails (exit 1)" 1 "$(rc "$P" -c "$LAZY" check)"
check "the missing peer is named, in role ssrs" grep -qE "error: unknown peer '[a-z-]+' in role 'ssrs'" "$T/out"

# --- query -------------------------------------------------------------------

Q=$T/query.conf
cat >"$Q" <<EOF
include "$POLICIES/catalogue.conf"
peer web     10.77.1.0/24, fd77:1::/64
peer db      10.77.3.5
role shop {
    allow in  http, https  from web
    allow out mssql        to   db
}
mode enforce
attach interface lan0 role shop
EOF
check_eq "query in tcp/443 from an allowed peer exits 0" 0 "$(rc "$P" -c "$Q" query in tcp/443 from 10.77.1.7)"
check "query names the rule FILE:LINE (query.conf:5)" grep -q "^allow .*$Q:5 " "$T/out"
check_eq "query over IPv6 exits 0" 0 "$(rc "$P" -c "$Q" query in tcp/80 from fd77:1::99)"
check "IPv6 query names query.conf:5" grep -q "$Q:5 " "$T/out"
check_eq "query out tcp/1433 to db exits 0" 0 "$(rc "$P" -c "$Q" query out tcp/1433 to 10.77.3.5)"
check "out query names query.conf:6" grep -q "$Q:6 " "$T/out"
check_eq "query in tcp/443 from a stranger exits 1" 1 "$(rc "$P" -c "$Q" query in tcp/443 from 10.77.9.9)"
check "the denied query says deny" grep -q '^deny ' "$T/out"
check_eq "query in tcp/8080 (no rule) exits 1" 1 "$(rc "$P" -c "$Q" query in tcp/8080 from 10.77.1.7)"
check_eq "query out tcp/1433 to a non-db address exits 1" 1 "$(rc "$P" -c "$Q" query out tcp/1433 to 10.77.3.6)"
check_eq "query --scope interface:lan0 works" 0 \
	"$(rc "$P" -c "$Q" query --scope interface:lan0 in tcp/80 from 10.77.1.7)"
check_eq "query --scope lan0 (the target alone) works" 0 \
	"$(rc "$P" -c "$Q" query --scope lan0 in tcp/80 from 10.77.1.7)"
check_eq "query --scope of no attached scope exits 1" 1 \
	"$(rc "$P" -c "$Q" query --scope lan1 in tcp/80 from 10.77.1.7)"

# A cgroup scope by its unit name, as systemctl names it.
SQ=$T/scope.conf
sed 's|^attach interface lan0 role shop$|attach cgroup /system.slice/nginx.service role shop|' "$Q" >"$SQ"
check_eq "query --scope nginx.service finds /system.slice/nginx.service" 0 \
	"$(rc "$P" -c "$SQ" query --scope nginx.service in tcp/80 from 10.77.1.7)"
check "it judged cgroup:/system.slice/nginx.service" \
	grep -q "^allow cgroup:/system.slice/nginx.service " "$T/out"
check_eq "query --scope system.slice/nginx.service works too" 0 \
	"$(rc "$P" -c "$SQ" query --scope system.slice/nginx.service in tcp/80 from 10.77.1.7)"
check_eq "query --scope ginx.service (not a whole component) exits 1" 1 \
	"$(rc "$P" -c "$SQ" query --scope ginx.service in tcp/80 from 10.77.1.7)"

# A peer name judges each of its prefixes; a prefix judges all its addresses.
check_eq "query in tcp/443 from web (a peer name) exits 0" 0 \
	"$(rc "$P" -c "$Q" query in tcp/443 from web)"
check "it judges each prefix of web, on its own line" \
	test "$(grep -cE '^allow interface:lan0 in tcp/443 from web (10\.77\.1\.0/24|fd77:1::/64): ' "$T/out")" = 2
check_eq "query out tcp/1433 to web (not db) exits 1" 1 "$(rc "$P" -c "$Q" query out tcp/1433 to web)"
check_eq "query in tcp/443 from wbe (no such peer) exits 1" 1 "$(rc "$P" -c "$Q" query in tcp/443 from wbe)"
check "it suggests web" grep -q "no peer 'wbe' in .*did you mean 'web'?" "$T/out"
check_eq "query in tcp/443 from 10.77.1.0/25 (inside web) exits 0" 0 \
	"$(rc "$P" -c "$Q" query in tcp/443 from 10.77.1.0/25)"
check_eq "query in tcp/443 from 10.77.0.0/16 (web is part of it) exits 1" 1 \
	"$(rc "$P" -c "$Q" query in tcp/443 from 10.77.0.0/16)"
check "it says partial: only some addresses" \
	grep -qE "^partial interface:lan0 in tcp/443 from 10\.77\.0\.0/16: only some addresses: $Q:5 " "$T/out"
check_eq "query in tcp/443 from 10.78.0.0/16 (none of web) exits 1" 1 \
	"$(rc "$P" -c "$Q" query in tcp/443 from 10.78.0.0/16)"
check "it says deny" grep -q "^deny  interface:lan0 in tcp/443 from 10.78.0.0/16: " "$T/out"
check_eq "query from 10.77.1.5/24 (host bits) exits 2" 2 \
	"$(rc "$P" -c "$Q" query in tcp/443 from 10.77.1.5/24)"
check "it suggests the network" grep -q "did you mean 10.77.1.0/24?" "$T/out"

# Each malformed flow gets its own message.
check_eq "query in tcp/99999 exits 2" 2 "$(rc "$P" -c "$Q" query in tcp/99999)"
check "it says the port is out of range" grep -q "port 99999 is out of range (1-65535)" "$T/out"
check_eq "query in TCP/80 exits 2" 2 "$(rc "$P" -c "$Q" query in TCP/80)"
check "it suggests tcp" grep -q "unknown protocol 'TCP' in 'TCP/80'; did you mean 'tcp'?" "$T/out"
check_eq "query in sctp/80 exits 2" 2 "$(rc "$P" -c "$Q" query in sctp/80)"
check "it names the protocols query judges" \
	grep -q "unknown protocol 'sctp' in 'sctp/80': query judges tcp, udp, icmp and icmpv6" "$T/out"
check_eq "query in icmp/echo-requst exits 2" 2 "$(rc "$P" -c "$Q" query in icmp/echo-requst)"
check "it suggests echo-request" grep -q "did you mean 'echo-request'?" "$T/out"

# The shipped example names the role file and line the rule comes from.
line=$(grep -n 'allow in .*https.*from crm-frontend' "$POLICIES/roles/ssrs.conf" | head -1 | cut -d: -f1)
check_eq "query on ssrs-host.conf: in tcp/443 from a front end exits 0" 0 \
	"$(rc "$P" -c "$POLICIES/examples/ssrs-host.conf" query in tcp/443 from 10.10.1.11)"
check "the ssrs-host query names roles/ssrs.conf:LINE of the https rule" grep -q "roles/ssrs.conf:$line " "$T/out"
check_eq "query on ssrs-host.conf: in tcp/443 from elsewhere exits 1" 1 \
	"$(rc "$P" -c "$POLICIES/examples/ssrs-host.conf" query in tcp/443 from 10.99.0.1)"

# --- catalogue and roles -------------------------------------------------------

EX=$POLICIES/examples/ssrs-host.conf
check_eq "catalogue https exits 0" 0 "$(rc "$P" -c "$EX" catalogue https)"
check "catalogue https shows tcp 443" grep -q 'tcp 443' "$T/out"
check "catalogue https cites a source" grep -qi 'source' "$T/out"
check_eq "catalogue (all) exits 0" 0 "$(rc "$P" -c "$EX" catalogue)"
check "catalogue lists mssql with tcp 1433" grep -qE '^mssql +tcp 1433' "$T/out"
check_eq "catalogue of an unknown service exits 1" 1 "$(rc "$P" -c "$EX" catalogue htps)"
check_eq "roles ssrs exits 0" 0 "$(rc "$P" -c "$EX" roles ssrs)"
check "roles ssrs shows https in from crm-frontend" grep -qE 'allow in +https +from crm-frontend' "$T/out"
check "roles ssrs expands ad-member (dns out to domain-controller)" \
	grep -qE 'allow out +dns +to +domain-controller' "$T/out"
check_eq "roles (all) exits 0" 0 "$(rc "$P" -c "$EX" roles)"
check "roles lists ad-member" grep -qw 'ad-member' "$T/out"
check_eq "roles of an unknown role exits 1" 1 "$(rc "$P" -c "$EX" roles no-such-role)"

# Without a host config (no -c, and none at the default path), catalogue and
# roles show the shipped catalogue and roles: --policy-dir says where they
# are (an installed portcullis has them in /usr/share/portcullis).
if [ ! -e /etc/portcullis/portcullis.conf ]; then
	check_eq "catalogue https without a host config exits 0" 0 \
		"$(rc "$P" --policy-dir "$POLICIES" catalogue https)"
	check "it shows the shipped https, tcp 443" grep -qE '^ +ports: +tcp 443$' "$T/out"
	check_eq "roles ssrs without a host config exits 0" 0 \
		"$(rc "$P" --policy-dir "$POLICIES" roles ssrs)"
	check "it expands the shipped ssrs" grep -qE 'allow in +https +from crm-frontend' "$T/out"
	check_eq "roles without a host config lists the shipped roles" 0 \
		"$(rc "$P" --policy-dir "$POLICIES" roles)"
	check "the shipped roles include ad-member" grep -qw 'ad-member' "$T/out"
	check_eq "with no shipped catalogue either, catalogue exits 1" 1 \
		"$(rc "$P" --policy-dir "$T/none" catalogue)"
	check "and says what to give" grep -q "give -c FILE, or --policy-dir DIR" "$T/out"
fi
check_eq "-c of a missing file is an error, never the shipped catalogue (exit 1)" 1 \
	"$(rc "$P" -c "$T/no-such.conf" --policy-dir "$POLICIES" catalogue)"

# --- what this host makes of the attachments -------------------------------------

H=$T/host.conf
host_conf() {	# LINE: a config whose third line is LINE
	printf 'include "%s"\nrole r { allow in http }\n%s\n' "$POLICIES/catalogue.conf" "$1" >"$H"
}
host_conf "attach cgroup / role r"
check_eq "check: 'attach cgroup /' exits 1" 1 "$(rc "$P" check "$H")"
check "it is an error at the path, saying why" \
	grep -q "^$H:3:15: error: 'attach cgroup /' would judge every socket of the host" "$T/out"
host_conf "attach interface lo role r"
check_eq "check: 'attach interface lo' exits 1" 1 "$(rc "$P" check "$H")"
check "it is an error at the name: loopback is never judged" \
	grep -q "^$H:3:18: error: 'lo' is the loopback interface: the datapath never judges" "$T/out"
host_conf "attach interface pcnosuch0 role r"
check_eq "check: an interface this host lacks exits 0" 0 "$(rc "$P" check "$H")"
check "it is a warning: it may appear later" \
	grep -q "^$H:3:18: warning: no interface 'pcnosuch0' on this host (yet); the scope stays pending" "$T/out"
host_conf "attach cgroup /pc-no-such-$$.slice role r"
check_eq "check: a cgroup this host lacks exits 0" 0 "$(rc "$P" check "$H")"
check "it is a warning too" grep -q "^$H:3:15: warning: no cgroup" "$T/out"
: >"$T/empty.conf"
check_eq "check: an empty config exits 0" 0 "$(rc "$P" check "$T/empty.conf")"
check "it warns that nothing is judged" \
	grep -q "warning: the config attaches nothing: it judges no traffic" "$T/out"

# --- ICMP type names: what check takes, catalogue prints and query takes ---------

ICMP=$T/icmp.conf
cat >"$ICMP" <<EOF
service sq    icmp source-quench
service mld   icmpv6 mld-listener-done
service ping  icmp echo-request
role r {
    allow in sq, mld, ping
}
attach interface lan0 role r
EOF
check_eq "check takes icmp source-quench and icmpv6 mld-listener-done" 0 "$(rc "$P" -c "$ICMP" check)"
check_eq "catalogue sq exits 0" 0 "$(rc "$P" -c "$ICMP" catalogue sq)"
check "catalogue sq prints the name it was defined by" grep -qE '^ +ports: +icmp source-quench$' "$T/out"
check_eq "catalogue (all) exits 0" 0 "$(rc "$P" -c "$ICMP" catalogue)"
check "catalogue lists sq as icmp source-quench" grep -qE '^sq +icmp source-quench ' "$T/out"
check "catalogue lists mld as icmpv6 mld-listener-done" grep -qE '^mld +icmpv6 mld-listener-done ' "$T/out"
check_eq "roles r exits 0" 0 "$(rc "$P" -c "$ICMP" roles r)"
check "roles r prints icmp source-quench" grep -qE 'allow in +sq .* icmp source-quench ' "$T/out"
check_eq "query in icmp/source-quench exits 0" 0 "$(rc "$P" -c "$ICMP" query in icmp/source-quench)"
check "query names the rule of sq" grep -qE "^allow .*service sq" "$T/out"
check_eq "query in icmp/4 is the same flow (exit 0)" 0 "$(rc "$P" -c "$ICMP" query in icmp/4)"
check_eq "query in icmp/timestamp-request is judged, and denied (exit 1)" 1 \
	"$(rc "$P" -c "$ICMP" query in icmp/timestamp-request)"
check_eq "query in icmp/packet-too-big (an ICMPv6 name) exits 2" 2 \
	"$(rc "$P" -c "$ICMP" query in icmp/packet-too-big)"

# --- usage errors exit 2 -------------------------------------------------------

check_eq "an unknown command exits 2" 2 "$(rc "$P" frobnicate)"
check "the unknown command is named on stderr" grep -q "unknown command 'frobnicate'" "$T/out"
check_eq "an unknown option exits 2" 2 "$(rc "$P" --frobnicate check)"
check_eq "no command exits 2" 2 "$(rc "$P")"
check_eq "query with a bad direction exits 2" 2 "$(rc "$P" -c "$Q" query sideways tcp/80)"
check_eq "query with a bad PROTO/PORT exits 2" 2 "$(rc "$P" -c "$Q" query in tcp/http)"
check_eq "query with a bad address exits 2" 2 "$(rc "$P" -c "$Q" query in tcp/80 from 10.77.1.300)"
check_eq "mode with no argument exits 2" 2 "$(rc "$P" --run-dir "$T/run" --pin-dir "$T/pin" mode)"
check_eq "mode sideways exits 2" 2 "$(rc "$P" --run-dir "$T/run" --pin-dir "$T/pin" mode sideways)"
check_eq "status with an unknown flag exits 2" 2 "$(rc "$P" --run-dir "$T/run" --pin-dir "$T/pin" status --yaml)"
check_eq "check with two files exits 2" 2 "$(rc "$P" check "$Q" "$Q")"
check_eq "'help' exits 0" 0 "$(rc "$P" help)"
check_eq "help lists the nine commands" 9 \
	"$(grep -c -E '^  (check|daemon|apply|mode|status|unload|query|catalogue|roles)( |$)' "$T/out")"
check_eq "'help events' exits 0" 0 "$(rc "$P" help events)"
check "help events lists --verdict with its names" \
	grep -qE '^ +--verdict VERDICT +only this verdict \(one of: deny, audit\)' "$T/out"
check_eq "'help ev' (a prefix) exits 0" 0 "$(rc "$P" help ev)"
check_eq "'help frobnicate' exits 2" 2 "$(rc "$P" help frobnicate)"
check_eq "a mistyped option exits 2" 2 "$(rc "$P" check --forse "$Q")"
check "a mistyped option gets 'did you mean' and the usage" \
	sh -c "grep -q \"check has no option '--forse'; did you mean '--force'?\" '$T/out' &&
		grep -q 'usage: portcullis check \\[FILE\\] \\[--force\\]' '$T/out'"
check_eq "an option's value as --name=VALUE" 0 "$(rc "$P" -c "$Q" query --scope=lan0 in tcp/443 from 10.77.1.7)"
check_eq "options after the words" 0 "$(rc "$P" -c "$Q" query in tcp/443 from 10.77.1.7 --scope lan0)"
check_eq "'un' (a prefix of the destructive unload) is not accepted: exit 2" 2 \
	"$(rc "$P" --run-dir "$T/run" --pin-dir "$T/pin" un)"

# --- a mistyped command, --version, --help -------------------------------------

check_eq "a mistyped command exits 2" 2 "$(rc "$P" stauts)"
check "a mistyped command gets 'did you mean'" grep -q "did you mean 'status'?" "$T/out"
check_eq "a prefix of a destructive command exits 2" 2 "$(rc "$P" unlo)"
check "and suggests the whole word" grep -q "did you mean 'unload'?" "$T/out"
check_eq "--version exits 0" 0 "$(rc "$P" --version)"
check "--version prints 'portcullis X.Y.Z'" grep -qE '^portcullis [0-9]+\.[0-9]+\.[0-9]+$' "$T/out"
check_eq "--help exits 0" 0 "$(rc "$P" --help)"
check "--help lists --version" grep -qE '^ +--version +print the version' "$T/out"
check "--help lists --policy-dir" grep -qE '^ +--policy-dir DIR ' "$T/out"

# --- not running: the commands that need a daemon say so and exit 1 -------------

check_eq "status with nothing loaded exits 1" 1 "$(rc "$P" --run-dir "$T/run" --pin-dir "$T/pin" status)"
check "status with nothing loaded says what to do" grep -q "start 'portcullis daemon'" "$T/out"
check_eq "apply with nothing running exits 1" 1 \
	"$(rc "$P" -c "$Q" --run-dir "$T/run" --pin-dir "$T/pin" apply)"
check "apply changed nothing: no pin dir was made" test ! -e "$T/pin"

# --- commit-confirmed: its arguments, and nothing to confirm ------------------------
# (what it does on a running instance: test_confirm.sh)

for bad in "" 0 -5 1.5 abc 86401; do
	check_eq "mode --confirm '$bad' is a usage error: exit 2" 2 \
		"$(rc "$P" --run-dir "$T/run" --pin-dir "$T/pin" mode enforce --confirm $bad)"
done
check "mode --confirm says what it takes" grep -q "confirm takes the seconds" "$T/out"
check_eq "apply --confirm without seconds is a usage error: exit 2" 2 \
	"$(rc "$P" -c "$Q" --run-dir "$T/run" --pin-dir "$T/pin" apply --confirm)"
check_eq "mode --confirm 30 with nothing loaded exits 1" 1 \
	"$(rc "$P" --run-dir "$T/run" --pin-dir "$T/pin" mode enforce --confirm 30)"
check_eq "confirm exits 1: nothing awaits confirmation" 1 "$(rc "$P" --run-dir "$T/run" confirm)"
check "confirm says why" grep -q "nothing awaits confirmation" "$T/out"
check "confirm with nothing pending made no run dir" test ! -e "$T/run/confirm"

finish
