#!/bin/sh
# Install what portcullis needs to build and test, from Debian's packages.
# Idempotent: when everything is installed it prints nothing and never
# touches the network.
set -eu

PKGS="clang llvm make gcc pkg-config libbpf-dev libelf-dev zlib1g-dev libcmocka-dev
      linux-libc-dev bpftool iproute2 socat nginx-light dnsmasq-base dnsutils curl
      iputils-ping iperf3 libclang-rt-14-dev"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "portcullis: missing packages:$missing" >&2
	echo "portcullis: run 'make deps' as root, or install them with apt-get" >&2
	exit 1
fi
echo "portcullis: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
