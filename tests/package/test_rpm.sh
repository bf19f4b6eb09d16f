#!/bin/bash
# The RPM: make rpm builds it with rpmbuild -bb (once per tree content),
# the file list, the config marked %config(noreplace), and the scriptlets:
# erase stops and unloads, an upgrade restarts and never unloads.
# shellcheck source=pkg_lib.sh disable=SC2016  # $1 in the scripts and sh -c is theirs
. "$(dirname "$0")/pkg_lib.sh"

if ! out=$(make -s --no-print-directory -C "$REPO" BUILD="$BUILD" rpm 2>&1); then
	not_ok "make rpm builds the package"; diag "$out"; finish; exit 1
fi
ok "make rpm builds the package"
version=$(sed -n 's/^#define PC_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$REPO/agent/cli/cli.h")
rpm=$(ls "$BUILD"/rpm/portcullis-"$version"-1.*.rpm 2>/dev/null | head -1)
check "it is build/rpm/portcullis-$version-1.ARCH.rpm" test -f "$rpm"

# RHEL's paths: the unit in /usr/lib/systemd/system; the build ids rpmbuild
# adds are its own.
rpm -qlp "$rpm" 2>/dev/null | grep -v '^/usr/lib/.build-id' >"$T/all"
while read -r f; do
	[ "$(rpm -qp --qf '[%{FILENAMES} %{FILEMODES:perms}\n]' "$rpm" 2>/dev/null |
		awk -v f="$f" '$1 == f {print substr($2, 1, 1)}')" = d ] || echo "$f"
done <"$T/all" | sed 's|^\(/usr/share/man/.*\)\.gz$|\1|' >"$T/found"
expected_files /usr/sbin /usr/share /usr/share/doc/portcullis /usr/lib/systemd/system \
	/usr/share/man /usr/share/bash-completion/completions >"$T/want"
same_list "the package holds exactly the expected files" "$T/want" "$T/found"
check "it owns /etc/portcullis" grep -qx /etc/portcullis "$T/all"
check "it owns /usr/share/portcullis" grep -qx /usr/share/portcullis "$T/all"

check "the config is its only %config file" \
	test "$(rpm -qcp "$rpm" 2>/dev/null)" = /etc/portcullis/portcullis.conf
check "the config is %config(noreplace)" sh -c "rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' '$rpm' 2>/dev/null |
	grep -qx 'cn /etc/portcullis/portcullis.conf'"

rpm -qp --scripts "$rpm" >"$T/scripts" 2>/dev/null
sed -n '/^preuninstall/,/^postuninstall/p' "$T/scripts" >"$T/preun"
sed -n '/^postuninstall/,$p' "$T/scripts" >"$T/postun"
check "preun stops and disables the unit on erase only" \
	grep -q 'if \[ $1 -eq 0 \]; then systemctl --no-reload disable --now portcullis.service' "$T/preun"
check "preun unloads on erase only" \
	sh -c "grep -B1 '/usr/sbin/portcullis unload' '$T/preun' | grep -q 'if \[ \$1 -eq 0 \]'"
check "postun restarts the daemon on upgrade" grep -q 'if \[ $1 -ge 1 \]; then systemctl try-restart portcullis.service' "$T/postun"
check "post presets the unit on first install" \
	sh -c "sed -n '/^postinstall/,/^preuninstall/p' '$T/scripts' | grep -q 'preset portcullis.service'"
check "the binary's default --policy-dir is /usr/share/portcullis" \
	sh -c "mkdir -p '$T/x' && cd '$T/x' && rpm2cpio '$rpm' | cpio -idm --quiet ./usr/sbin/portcullis &&
	./usr/sbin/portcullis --help | grep -q 'default /usr/share/portcullis)'"

finish
