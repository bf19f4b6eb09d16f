#!/bin/bash
# The Ansible role (packaging/ansible): the example playbook passes
# --syntax-check and ansible-lint (the default profile, no .ansible-lint),
# and the role's own template task, run locally on the example inventory,
# renders configs that 'portcullis check' accepts: peers built from the
# inventory's groups, the roles and attachments of each host, the mode.
# Inventories with a typo'd role, a peer the role needs left out, or an
# empty group fail, each with the reason.
#
# Only the tags 'portcullis_config' run here (the asserts and the template
# with its validate): installing the package, the service and the apply
# with confirm need a host with systemd and a loaded instance
# (tests/package/test_ansible_apply.sh runs the apply tasks against a
# daemon in a namespace).
# shellcheck source=../integration/lib.sh disable=SC2317  # helpers run through check
. "$(dirname "$0")/../integration/lib.sh"

[ -x "$PORTCULLIS" ] || { not_ok "$PORTCULLIS is built ('make' first)"; finish; }
for tool in ansible-playbook ansible-lint; do
	command -v "$tool" >/dev/null 2>&1 || { not_ok "$tool is installed ('make deps-test')"; finish; }
done

A=$REPO/packaging/ansible
# Nothing of ansible's is left behind in ~, nor colours in the output.
export ANSIBLE_LOCAL_TEMP=$T/ansible-local ANSIBLE_REMOTE_TEMP=$T/ansible-remote
export ANSIBLE_NOCOLOR=1 XDG_CACHE_HOME=$T/cache ANSIBLE_RETRY_FILES_ENABLED=0

check "ansible-playbook --syntax-check site.yml" \
	ansible-playbook -i "$A/inventory/hosts.yml" --syntax-check "$A/site.yml"

check "ansible-lint has no .ansible-lint to lean on" test ! -e "$A/.ansible-lint"
check "ansible-lint finds no violation" sh -c "cd '$A' && ansible-lint --offline --nocolor"

# render NAME INVENTORY_DIR EXTRA_ARGS...: the example playbook's config
# tasks on localhost, each host's config written to $T/NAME/HOST.conf and
# checked by the built portcullis against the repository's policies/.
# The playbook's output is in $T/NAME.out; returns its exit code.
render() {
	local name=$1 inv=$2
	shift 2
	mkdir -p "$T/$name"
	ansible-playbook -i "$inv/hosts.yml" "$A/site.yml" -c local --tags portcullis_config \
		-e ansible_become=false -e ansible_python_interpreter=/usr/bin/python3 \
		-e "portcullis_binary=$PORTCULLIS" -e "portcullis_policy_dir=$POLICIES" \
		-e "portcullis_config=$T/$name/{{ inventory_hostname }}.conf" "$@" >"$T/$name.out" 2>&1
}

if render audit "$A/inventory"; then ok "the example inventory renders"
else not_ok "the example inventory renders"; diag "$(tail -30 "$T/audit.out")"; fi
for host in ssrs1 proxy1; do
	check "$host: 'portcullis check' accepts the rendered config" "$PORTCULLIS" check "$T/audit/$host.conf"
done
S=$T/audit/ssrs1.conf
check "ssrs1: the domain controllers of the inventory are its peer" \
	grep -qx 'peer domain-controller  10.10.9.10, 10.10.9.11' "$S"
check "ssrs1: ssrs is attached to eth0" grep -qx 'attach interface eth0 role ssrs' "$S"
check "ssrs1: includes the shipped catalogue by portcullis_policy_dir" \
	grep -qx "include \"$POLICIES/catalogue.conf\"" "$S"
check "ssrs1: audit by default" grep -qx 'mode audit' "$S"
check "proxy1: its own peer 'clients' merged over the site's" \
	grep -qx 'peer clients  10.20.0.0/16, 192.0.2.0/24, 2001:db8:20::/48' "$T/audit/proxy1.conf"
check "proxy1: crm-proxy is attached to nginx's cgroup" \
	grep -qx 'attach cgroup "/system.slice/nginx.service" role crm-proxy' "$T/audit/proxy1.conf"

if render enforce "$A/inventory" -e portcullis_mode=enforce; then
	check "portcullis_mode=enforce renders 'mode enforce'" grep -qx 'mode enforce' "$T/enforce/ssrs1.conf"
	check "... which 'portcullis check' accepts" "$PORTCULLIS" check "$T/enforce/ssrs1.conf"
else
	not_ok "portcullis_mode=enforce renders"; diag "$(tail -30 "$T/enforce.out")"
fi

check_fails "portcullis_mode=enforcing is refused before anything is rendered" \
	render badmode "$A/inventory" -e portcullis_mode=enforcing

# The install tasks in --check mode with a .deb that holds nothing: they
# must say the package would be copied and installed, and change nothing
# on this machine. (A real install is no test of the role's: it needs the
# package and a host to spoil, tests/package/test_deb.sh installs it in a
# scratch root.)
mkdir -p "$T/fakedeb/DEBIAN"
printf '%s\n' 'Package: portcullis' 'Version: 0.0.0~test' 'Architecture: all' \
	'Maintainer: test <test@example.invalid>' 'Description: empty package of test_ansible.sh' \
	' Nothing: the role is run with it in --check mode only.' >"$T/fakedeb/DEBIAN/control"
FAKE=$T/portcullis_0.0.0~test_all.deb
dpkg-deb -b "$T/fakedeb" "$FAKE" >/dev/null
had_cache=$(test -e /var/cache/portcullis-ansible && echo yes || echo no)
dpkg_before=$(dpkg-query -W -f '${Status} ${Version}' portcullis 2>/dev/null)
if ansible-playbook -i "$A/inventory/hosts.yml" "$A/site.yml" -c local --check --limit ssrs1 \
	--tags portcullis_install -e ansible_become=false -e ansible_python_interpreter=/usr/bin/python3 \
	-e "portcullis_deb=$FAKE" >"$T/install.out" 2>&1; then
	ok "--check: the install tasks run with a .deb not copied yet"
else
	not_ok "--check: the install tasks run with a .deb not copied yet"; diag "$(tail -20 "$T/install.out")"
fi
would_copy() {
	grep -A1 -x 'TASK \[portcullis : Copy the package to the host\] \**' "$T/install.out" |
		grep -qx 'changed: \[ssrs1\]'
}
check "--check: ... say the package would be copied" would_copy
check_eq "--check: ... and leave no copy" "$had_cache" \
	"$(test -e /var/cache/portcullis-ansible && echo yes || echo no)"
check_eq "--check: ... and install nothing" "$dpkg_before" \
	"$(dpkg-query -W -f '${Status} ${Version}' portcullis 2>/dev/null)"

# bad NAME SED_EXPR FILE: a copy of the example inventory with FILE (under
# inventory/) edited by SED_EXPR.
bad() {
	rm -rf "$T/inv-$1"
	cp -r "$A/inventory" "$T/inv-$1"
	sed -i "$2" "$T/inv-$1/$3"
}

# A typo'd role: 'portcullis check' in the template's validate refuses it,
# and the host's config is not written.
bad typo 's/\[ssrs\]/[ssrss]/' group_vars/ssrs_hosts.yml
if render typo "$T/inv-typo"; then
	not_ok "a typo'd role name fails the run"
else
	ok "a typo'd role name fails the run"
	check "... at portcullis check, with the role meant" \
		grep -q "unknown role 'ssrss'; did you mean 'ssrs'?" "$T/typo.out"
	check "... and leaves no config for the host" test ! -e "$T/typo/ssrs1.conf"
fi

# A peer the role needs that the inventory does not define.
bad nopeer '/^  sql-server:/d' group_vars/portcullis.yml
if render nopeer "$T/inv-nopeer"; then
	not_ok "a peer the role needs, left out, fails the run"
else
	ok "a peer the role needs, left out, fails the run"
	check "... at portcullis check, naming the peer" grep -q "unknown peer 'sql-server' in role 'ssrs'" "$T/nopeer.out"
fi

# An empty group would make an empty peer: refused, not written as 'none'.
bad nodc '/^    domain_controllers:/,/^    crm_frontends:/{/^    crm_frontends:/!d}' hosts.yml
sed -i 's/^    crm_frontends:/    domain_controllers: {}\n&/' "$T/inv-nodc/hosts.yml"
if render nodc "$T/inv-nodc"; then
	not_ok "an empty group behind a peer fails the run"
else
	ok "an empty group behind a peer fails the run"
	check "... naming the peer" grep -q "peer domain-controller has no address" "$T/nodc.out"
fi

finish
