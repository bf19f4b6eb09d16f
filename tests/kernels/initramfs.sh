#!/bin/bash
# initramfs.sh TREE OUT: pack the guest's initramfs for the kernel unpacked
# in TREE (a directory fetch.sh made) into the cpio archive OUT.
#
# It holds a static busybox, the first-stage init (guest-init.sh) and the
# modules that init needs to reach the real root over virtio-9p and to lay
# a tmpfs overlay on it: what Debian builds as modules differs between
# kernels (virtio_pci is built in on 6.12, a module on 6.1), so the list is
# taken from the kernel's own modules.dep and modules.builtin.
set -euo pipefail

die() { echo "initramfs: $*" >&2; exit 1; }

[ $# -eq 2 ] || die "usage: initramfs.sh TREE OUT"
tree=$1 out=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

mods=("$tree"/lib/modules/*/)
if [ ${#mods[@]} -ne 1 ] || [ ! -d "${mods[0]}" ]; then
	die "$tree has no single lib/modules/VERSION"
fi
moddir=${mods[0]%/}
kver=$(basename "$moddir")
[ -f "$moddir/modules.dep" ] || die "$moddir has no modules.dep (run fetch.sh)"

busybox=$(command -v busybox) || die "no busybox (packaging/deps.sh kernels installs busybox-static)"
# The initramfs has no libc: a dynamically linked busybox cannot run there.
if command -v readelf >/dev/null && LC_ALL=C readelf -l "$busybox" | grep -q 'INTERP'; then
	die "$busybox is linked dynamically; install busybox-static"
fi

# In load order: the virtio PCI transport, 9p over it, then overlayfs.
WANT=(virtio_pci 9pnet_virtio 9p overlay)

work=$(mktemp -d)
trap 'rm -rf "$work" "$out.tmp"' EXIT

mkdir -p "$work"/{bin,dev,proc,sys,etc,lower,rw,newroot} "$work/lib/modules/$kver"
cp "$busybox" "$work/bin/busybox"
cp "$here/guest-init.sh" "$work/init"
chmod 0755 "$work/init" "$work/bin/busybox"

# dep_line NAME: the modules.dep line of module NAME ('-' and '_' are one).
dep_line() {
	local re=${1//[-_]/[-_]}
	grep -E "(^|/)${re}\\.ko:" "$moddir/modules.dep" | head -1 || true
}

declare -A copied=()
copy_module() {	# $1: path relative to moddir, with the line of modules.dep
	[ -n "${copied[$1]:-}" ] && return 0
	copied[$1]=1
	mkdir -p "$work/lib/modules/$kver/$(dirname "$1")"
	cp "$moddir/$1" "$work/lib/modules/$kver/$1"
	grep -E "^${1//./\\.}:" "$moddir/modules.dep" >>"$work/lib/modules/$kver/modules.dep"
}

: >"$work/lib/modules/$kver/modules.dep"
: >"$work/etc/modules.load"
for m in "${WANT[@]}"; do
	line=$(dep_line "$m")
	if [ -z "$line" ]; then
		grep -qE "/${m//[-_]/[-_]}\\.ko\$" "$moddir/modules.builtin" ||
			die "module $m is neither in modules.dep nor built into $kver"
		continue	# built in: nothing to load
	fi
	for f in ${line/:/}; do		# the module, then what it needs
		copy_module "$f"
	done
	echo "$m" >>"$work/etc/modules.load"
done

# The kernel's built-in initramfs already has /dev/console, so this
# archive needs no device nodes and can be packed without root.
(cd "$work" && find . | LC_ALL=C sort | busybox cpio -o -H newc -R 0:0 2>/dev/null) >"$out.tmp"
mv "$out.tmp" "$out"
