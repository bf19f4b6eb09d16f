#!/bin/bash
# Install what the kernel test harness needs, from Debian's packages:
# qemu to boot the kernels (TCG, no KVM needed), a static busybox for the
# initramfs and the guest's module tools (the machine may have no kmod),
# xz to decompress .ko.xz modules (busybox packs the initramfs itself).
# Idempotent: when everything is there it prints nothing and never touches
# the network.
set -euo pipefail

PKGS=(qemu-system-x86 busybox-static xz-utils)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "test-kernels: missing packages: ${missing[*]}" >&2
	echo "test-kernels: install them with apt-get (as root)" >&2
	exit 1
fi
echo "test-kernels: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
