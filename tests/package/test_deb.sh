#!/bin/bash
# The Debian package: make deb builds it (once per tree content, reused),
# lintian has no errors, the file list, the conffile, the maintainer
# scripts' upgrade and remove paths, and an install, reinstall over an
# edited config, and purge in a scratch root with dpkg --root.
#
# The maintainer scripts run chrootless (--force-script-chrootless) with
# DPKG_ROOT set to the scratch root: debhelper's and ours act on files
# under it, and ours leave the running kernel alone under DPKG_ROOT (prerm
# unloads only on the real host; that path is 'portcullis unload', which
# tests/integration/test_lifecycle.sh covers).
# shellcheck source=pkg_lib.sh disable=SC2016  # $1 in the scripts and sh -c is theirs
. "$(dirname "$0")/pkg_lib.sh"

own_build() { cat "$BUILD/paths" 2>/dev/null; md5sum <"$BUILD/portcullis" 2>/dev/null; }
before=$(own_build)
if ! out=$(make -s --no-print-directory -C "$REPO" BUILD="$BUILD" deb 2>&1); then
	not_ok "make deb builds the package"; diag "$out"; finish; exit 1
fi
ok "make deb builds the package"
check "the package build left the tree's own build alone" test "$(own_build)" = "$before"
version=$(sed -n 's/^#define PC_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$REPO/agent/cli/cli.h")
deb=$BUILD/deb/portcullis_${version}_$(dpkg --print-architecture).deb
check "it is build/deb/portcullis_${version}_ARCH.deb" test -f "$deb"
check "the repository's parent got nothing of the build" \
	test -z "$(find "$REPO/.." -maxdepth 1 -name 'portcullis_*' -newer "$REPO/Makefile")"

lintian "$deb" >"$T/lintian" 2>&1
check "lintian reports no error" test -z "$(grep '^E:' "$T/lintian")"
grep -q '^[EW]:' "$T/lintian" && diag "lintian:" "$(grep '^[EW]:' "$T/lintian")"

# The file list: make install's for PREFIX=/usr, man pages compressed,
# and the package's own docs.
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $6}' | sed 's/^\.//' >"$T/found"
{
	expected_files /usr/sbin /usr/share /usr/share/doc/portcullis /lib/systemd/system \
		/usr/share/man /usr/share/bash-completion/completions |
		sed 's|^\(/usr/share/man/.*\)|\1.gz|'
	printf '%s\n' /usr/share/doc/portcullis/README.Debian /usr/share/doc/portcullis/copyright \
		/usr/share/doc/portcullis/changelog.gz
} >"$T/want"
same_list "the package holds exactly the expected files" "$T/want" "$T/found"

dpkg-deb -e "$deb" "$T/ctrl"
check "conffiles lists the config" grep -qx /etc/portcullis/portcullis.conf "$T/ctrl/conffiles"
check "conffiles lists nothing else" test "$(wc -l <"$T/ctrl/conffiles")" = 1
check "postinst restarts the daemon on upgrade" grep -q '_dh_action=restart' "$T/ctrl/postinst"
check "postinst enables the unit" grep -q "deb-systemd-helper enable 'portcullis.service'" "$T/ctrl/postinst"
check "prerm stops the daemon only on remove, never on upgrade" \
	sh -c "grep 'deb-systemd-invoke stop' -B1 '$T/ctrl/prerm' | grep -q '\"\$1\" = remove'"
check "prerm unloads on remove" grep -q '/usr/sbin/portcullis unload' "$T/ctrl/prerm"

dpkg-deb -x "$deb" "$T/x"
check "the packaged binary's default --policy-dir is /usr/share/portcullis" \
	sh -c "'$T/x/usr/sbin/portcullis' --help | grep -q 'default /usr/share/portcullis)'"
check "the packaged config includes /usr/share/portcullis/catalogue.conf" \
	grep -qx 'include "/usr/share/portcullis/catalogue.conf"' "$T/x/etc/portcullis/portcullis.conf"

# --- install, reinstall, purge in a scratch root -----------------------------
R=$T/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/usr/sbin"
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
# deb-systemd-invoke asks DPKG_ROOT's policy-rc.d: start nothing, whatever
# the host runs (a chroot builder's convention).
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d" && chmod 755 "$R/usr/sbin/policy-rc.d"
host_wants=/etc/systemd/system/multi-user.target.wants/portcullis.service
host_had=$( [ -e "$host_wants" ] && echo yes || echo no)
rdpkg() { dpkg --root="$R" --force-script-chrootless --force-depends --force-not-root "$@"; }

check "dpkg --root installs it" rdpkg -i "$deb"
check "dpkg says it is installed" sh -c "dpkg --root='$R' -s portcullis | grep -qx 'Status: install ok installed'"
check "the binary is in place" test -x "$R/usr/sbin/portcullis"
check "the unit is enabled in the scratch root" test -L "$R$host_wants"
check "and not on this host" test "$( [ -e "$host_wants" ] && echo yes || echo no)" = "$host_had"

echo "peer clients 192.0.2.0/24   # edited" >>"$R/etc/portcullis/portcullis.conf"
check "reinstalling over an edited config (keep it)" rdpkg --force-confold -i "$deb"
check "the edited config stays" grep -q '# edited' "$R/etc/portcullis/portcullis.conf"

mkdir -p "$R/var/log/portcullis" "$R/run/portcullis/confirm"
echo x >"$R/var/log/portcullis/events.log"
echo x >"$R/run/portcullis/state"
check "dpkg --purge purges it" rdpkg --purge portcullis
check "purge removed the binary and the unit" \
	test ! -e "$R/usr/sbin/portcullis" -a ! -e "$R/lib/systemd/system/portcullis.service"
check "purge removed the config" test ! -e "$R/etc/portcullis"
check "purge removed the event log" test ! -e "$R/var/log/portcullis"
check "purge removed the run state" test ! -e "$R/run/portcullis"
check "purge removed the unit's enablement" test ! -e "$R$host_wants"
check "nothing of portcullis is left in the root" \
	test -z "$(find "$R" -name '*portcullis*' ! -path '*/var/lib/dpkg/*')"

finish
