#!/bin/sh
# Build the Debian or RPM package in a copy of the tree under $BUILD:
#   packaging/build-pkg.sh deb   ->  $BUILD/deb/portcullis_VERSION_ARCH.deb
#   packaging/build-pkg.sh rpm   ->  $BUILD/rpm/portcullis-VERSION-1.ARCH.rpm
# dpkg-buildpackage writes its results beside the source directory: the
# copy keeps them inside $BUILD, never in the repository's parent.
# The copy is the tree as it is now (tracked and new files, not ignored
# ones); a package built from the same content is reused (the key is a hash
# of every file), so the package tests build it once per change.
set -eu

kind=${1:-}
case $kind in
deb|rpm) ;;
*) echo "build-pkg.sh: say deb or rpm" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
case $BUILD in
/*) out=$BUILD/$kind ;;
*) out=$PWD/$BUILD/$kind ;;
esac

# The version is written once, in agent/cli/cli.h; the packages' own
# version fields must agree with it.
version=$(sed -n 's/^#define PC_VERSION[[:space:]]*"\(.*\)"$/\1/p' agent/cli/cli.h)
[ -n "$version" ] || { echo "build-pkg.sh: no PC_VERSION in agent/cli/cli.h" >&2; exit 1; }
deb_version=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
rpm_version=$(sed -n 's/^Version:[[:space:]]*//p' packaging/rpm/portcullis.spec)
for v in "$deb_version" "$rpm_version"; do
	if [ "$v" != "$version" ]; then
		echo "build-pkg.sh: PC_VERSION is $version, but packaging says $v:" >&2
		echo "build-pkg.sh: add a packaging/debian/changelog entry and set Version: in" >&2
		echo "build-pkg.sh: packaging/rpm/portcullis.spec" >&2
		exit 1
	fi
done

files=$(git ls-files --cached --others --exclude-standard | while read -r f; do
	[ -f "$f" ] && printf '%s\n' "$f"; done)
key=$(printf '%s\n' "$files" | xargs -d '\n' sha256sum | sha256sum | cut -c1-16)
mkdir -p "$out"
if [ "$(cat "$out/key" 2>/dev/null)" = "$key" ] && [ -n "$(ls "$out"/*."$kind" 2>/dev/null)" ]; then
	echo "portcullis: $(ls "$out"/*."$kind") is up to date (tree $key)"
	exit 0
fi
rm -rf "$out" && mkdir -p "$out"
# The copy builds in its own build/, with its own variables: not the
# caller's BUILD, nor what an outer make passes down (PREFIX, DESTDIR...).
unset BUILD MAKEFLAGS MFLAGS MAKELEVEL
src=$out/src/portcullis-$version
mkdir -p "$src"
printf '%s\n' "$files" | tar -cf - -T - | tar -xf - -C "$src"

case $kind in
deb)
	cp -r packaging/debian "$src/debian"
	(cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
		tail -30 "$out/build.log" >&2
		echo "build-pkg.sh: dpkg-buildpackage failed; the log: $out/build.log" >&2
		exit 1
	}
	mv "$out"/src/portcullis_*.deb "$out"/
	;;
rpm)
	top=$out/src/top
	mkdir -p "$top/SOURCES"
	tar -czf "$top/SOURCES/portcullis-$version.tar.gz" -C "$out/src" "portcullis-$version"
	# --nodeps: a Debian host has Debian's packages, not RPM's, so rpm's
	# database knows none of the BuildRequires; on a RHEL host drop it.
	rpmbuild -bb --nodeps --define "_topdir $top" packaging/rpm/portcullis.spec \
		>"$out/build.log" 2>&1 || {
		tail -30 "$out/build.log" >&2
		echo "build-pkg.sh: rpmbuild failed; the log: $out/build.log" >&2
		exit 1
	}
	mv "$top"/RPMS/*/portcullis-*.rpm "$out"/
	;;
esac
echo "$key" >"$out/key"
ls "$out"/*."$kind"
