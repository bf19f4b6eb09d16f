#!/bin/bash
# make install / make uninstall into a scratch DESTDIR: the exact file list,
# the installed binary checks the installed config on its own (the build
# tree hidden), uninstall leaves nothing, and an edited config survives a
# second install and uninstall.
# shellcheck source=pkg_lib.sh disable=SC2016  # $1 in the scripts and sh -c is theirs
. "$(dirname "$0")/pkg_lib.sh"

D=$T/root
mk() { make -s --no-print-directory -C "$REPO" BUILD="$BUILD" DESTDIR="$D" "$@"; }

check "make install DESTDIR=scratch succeeds" mk install
(cd "$D" && find . ! -type d | sed 's/^\.//') >"$T/found"
expected_files /usr/local/sbin /usr/local/share /usr/local/share/doc/portcullis \
	/lib/systemd/system /usr/local/share/man /usr/local/share/bash-completion/completions >"$T/want"
same_list "the install holds exactly the expected files" "$T/want" "$T/found"

conf=$D/etc/portcullis/portcullis.conf
check "the config includes the catalogue by its installed path" \
	grep -qx 'include "/usr/local/share/portcullis/catalogue.conf"' "$conf"
check "the config includes the roles by their installed path" \
	grep -qx 'include "/usr/local/share/portcullis/roles/\*.conf"' "$conf"
check "the config is in audit mode" grep -qx 'mode audit' "$conf"
check_fails "the config attaches nothing until edited" grep -q '^attach' "$conf"
check "the unit starts the installed binary" \
	grep -q '^ExecStart=/usr/local/sbin/portcullis daemon' "$D/lib/systemd/system/portcullis.service"
check_fails "the unit names no path outside the install" \
	grep -q '/usr/sbin/portcullis' "$D/lib/systemd/system/portcullis.service"
check "the binary is mode 0755" test "$(stat -c %a "$D/usr/local/sbin/portcullis")" = 755
check "the config is mode 0644" test "$(stat -c %a "$conf")" = 644

# The installed tree where it was installed for: /usr/local of a private
# mount namespace is the scratch one, the repository (with the build tree,
# BPF objects and skeletons) is hidden under an empty tmpfs, and so is a
# host config of this machine's own.
in_place() {
	unshare -m sh -c 'mount --make-rprivate / && mount --bind "$1/usr/local" /usr/local &&
		mount -t tmpfs none "$2" &&
		{ [ ! -d /etc/portcullis ] || mount -t tmpfs none /etc/portcullis; } &&
		shift 2 && exec "$@"' sh "$D" "$REPO" "$@"
}
check "the installed binary says its default --policy-dir is the installed one" \
	sh -c "'$D/usr/local/sbin/portcullis' --help | grep -q 'default /usr/local/share/portcullis)'"
check "in place, without the build tree, the installed binary checks the installed config" \
	in_place /usr/local/sbin/portcullis -c "$conf" check
check "in place, the build tree is hidden" in_place sh -c "[ -z \"\$(ls -A '$REPO')\" ]"
check "in place, with no host config, it lists a shipped role from its default --policy-dir" \
	in_place sh -c '/usr/local/sbin/portcullis roles crm-proxy | grep -q "role crm-proxy"'
check "in place, an installed example checks too" \
	in_place /usr/local/sbin/portcullis -c "$D/usr/local/share/portcullis/examples/ssrs-host.conf" check

check "make uninstall succeeds" mk uninstall
check "uninstall leaves no file" test -z "$(find "$D" ! -type d)"
check "uninstall leaves no portcullis directory" test -z "$(find "$D" -name 'portcullis*')"

# The config is the operator's.
mk install >/dev/null
echo "peer clients 192.0.2.0/24   # edited" >>"$conf"
check "a second install succeeds over an edited config" mk install
check "the second install left the edited config as it was" grep -q '# edited' "$conf"
mk uninstall >"$T/out" 2>&1
check "uninstall keeps an edited config" grep -q '# edited' "$conf"
check "and says so" grep -q 'was edited: left as it is' "$T/out"
check "and removes everything else" test "$(find "$D" ! -type d)" = "$conf"

finish
