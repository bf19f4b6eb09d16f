#!/bin/bash
# fetch.sh SERIES CACHE_DIR: make the newest Debian 12 kernel of SERIES
# (6.1, 6.12, ...) ready to boot, and print the directory it is in.
#
# The kernel package is fetched with 'apt-get download' and unpacked with
# 'dpkg -x'; it is never installed, since its maintainer scripts write to
# /boot and run the machine's initramfs hooks. The unpacked tree is made
# usable without kmod: modules are decompressed (busybox's modutils read
# no .ko.xz) and indexed with 'busybox depmod'.
#
# CACHE_DIR keeps the .deb files and one prepared tree per kernel:
#   CACHE_DIR/linux-image-..._amd64.deb
#   CACHE_DIR/KERNELRELEASE/{boot/vmlinuz-KERNELRELEASE,lib/modules/KERNELRELEASE/,.deb}
# A .deb of the newest version that is already there is not fetched again,
# and a prepared tree is reused as long as its .deb is the newest. Without
# the network, the newest cached .deb of the series is used.
set -euo pipefail

die() { echo "fetch: $*" >&2; exit 1; }
say() { echo "fetch: $*" >&2; }

[ $# -eq 2 ] || die "usage: fetch.sh SERIES CACHE_DIR"
series=$1 cache=$2
[[ $series =~ ^[0-9]+\.[0-9]+$ ]] || die "series '$series' is not like 6.1 or 6.12"
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# Debian 12's own kernel is named linux-image-6.1.0-ABI-amd64-unsigned; a
# newer series comes from bookworm-backports or the security archive as
# linux-image-6.12.PATCH+deb12-amd64-unsigned. The -unsigned flavour is the
# same kernel without the secure-boot signature wrapper.
esc=${series//./\\.}
name_re="^linux-image-${esc}(\\.0-[0-9]+|\\.[0-9]+\\+deb12)-amd64-unsigned\$"

# One fetch at a time per cache: two runs must not unpack the same tree.
exec 9>"$cache/.lock"
flock 9

tmp=
cleanup() { [ -n "$tmp" ] && rm -rf "$tmp"; return 0; }
trap cleanup EXIT

# candidates: "NAME VERSION" for every matching package apt can download.
candidates() {
	local names
	names=$(apt-cache pkgnames linux-image- | grep -E "$name_re" || true)
	[ -n "$names" ] || return 0
	# shellcheck disable=SC2086  # one package name per word
	apt-cache madison $names | awk -F' *[|] *' '{ gsub(/ /, "", $1); print $1, $2 }'
}

# newest: the line of stdin ("NAME VERSION") with the highest version.
newest() {
	local best_n='' best_v='' n v
	while read -r n v _; do
		if [ -z "$best_v" ] || dpkg --compare-versions "$v" gt "$best_v"; then
			best_n=$n best_v=$v
		fi
	done
	[ -n "$best_v" ] && echo "$best_n $best_v"
}

# The file name apt-get download gives: NAME_VERSION_ARCH.deb, ':' as %3a.
deb_name() { echo "${1}_${2//:/%3a}_amd64.deb"; }

cands=$(candidates)
if [ -z "$cands" ] && [ "$(id -u)" = 0 ]; then
	say "apt knows no linux-image-$series package yet: apt-get update"
	apt-get update -qq >&2 || say "apt-get update failed"
	cands=$(candidates)
fi

deb=
if [ -n "$cands" ]; then
	read -r pkg ver < <(newest <<<"$cands")
	deb=$(deb_name "$pkg" "$ver")
	if [ ! -f "$cache/$deb" ]; then
		say "downloading $pkg $ver"
		# Into a temporary directory first: a cut-off download must not
		# look like a cached package next time.
		tmp=$(mktemp -d "$cache/.download.XXXXXX")
		if (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>"$tmp/err"); then
			mv "$tmp/$deb" "$cache/$deb"
		else
			say "apt-get download failed: $(grep -v '^W:' "$tmp/err" | tail -1)"
			deb=
		fi
		rm -rf "$tmp"
		tmp=
	fi
fi
if [ -z "$deb" ]; then
	# Offline, or the archive has dropped it: the newest cached one.
	deb=$(cd "$cache" && for f in linux-image-*_amd64.deb; do
		[ -f "$f" ] || continue
		n=${f%%_*} v=${f#*_} v=${v%_amd64.deb}
		if [[ $n =~ $name_re ]]; then echo "$n ${v//%3a/:}"; fi
	done | newest) || die "no linux-image-$series package in apt or in $cache"
	read -r pkg ver <<<"$deb"
	deb=$(deb_name "$pkg" "$ver")
	say "using the cached $deb"
fi

# A tree prepared from this .deb is reused as it is.
for t in "$cache"/*/.deb; do
	if [ -f "$t" ] && [ "$(cat "$t")" = "$deb" ]; then
		dirname "$t"
		exit 0
	fi
done

say "unpacking $deb"
tmp=$(mktemp -d "$cache/.unpack.XXXXXX")
dpkg -x "$cache/$deb" "$tmp"
mods=("$tmp"/lib/modules/*/)
if [ ${#mods[@]} -ne 1 ] || [ ! -d "${mods[0]}" ]; then
	die "$deb has no single lib/modules/VERSION"
fi
kver=$(basename "${mods[0]}")
[ -f "$tmp/boot/vmlinuz-$kver" ] || die "$deb has no boot/vmlinuz-$kver"

# Only what the guest needs: the kernel image and its modules.
rm -rf "${tmp:?}/usr"
find "$tmp/lib/modules/$kver" -name '*.ko.xz' -print0 |
	xargs -0 -r -n 256 -P "$(nproc)" xz -dq
busybox depmod -b "$tmp" "$kver"
echo "$deb" >"$tmp/.deb"

# Replace an older tree of the same kernel release, then drop the older
# packages and trees of this series: they are never booted again.
rm -rf "${cache:?}/$kver"
mv "$tmp" "$cache/$kver"
tmp=
for f in "$cache"/linux-image-*_amd64.deb; do
	[ -f "$f" ] || continue
	[ "$(basename "$f")" != "$deb" ] || continue
	[[ $(basename "${f%%_*}") =~ $name_re ]] || continue
	for t in "$cache"/*/.deb; do
		if [ -f "$t" ] && [ "$(cat "$t")" = "$(basename "$f")" ]; then
			rm -rf "$(dirname "$t")"
		fi
	done
	say "removing the older $(basename "$f")"
	rm -f "$f"
done
echo "$cache/$kver"
