#!/bin/sh
# Install what portcullis needs, from Debian's packages, by set:
#   build     compile the agent and the BPF programs, and run them (make run)
#   test      the test suites' servers, clients and attack tools (make test)
#   package   building and checking the packages, the unit, man pages, the
#             metrics and the Ansible role (make test's package suite)
#   kernels   boot Debian's kernels under qemu (make test-kernels)
# Idempotent: when everything is installed it prints nothing and never
# touches the network. Nothing installed for the tests is started: services
# a package would enable (nginx) stay stopped, so a host that runs the tests
# serves nothing it did not serve before.
set -eu

set_build="clang llvm make gcc pkg-config libbpf-dev libelf-dev zlib1g-dev linux-libc-dev
	   bpftool iproute2"
set_test="libcmocka-dev libclang-rt-14-dev socat nginx-light dnsmasq-base dnsutils curl
	  iputils-ping iperf3 python3-scapy tcpdump hping3"
set_package="debhelper lintian rpm fakeroot ansible-core ansible-lint bash-completion mandoc
	     prometheus"
set_kernels="qemu-system-x86 busybox-static xz-utils"

[ $# -gt 0 ] || set -- build
pkgs=""
for s in "$@"; do
	case $s in
	build) pkgs="$pkgs $set_build" ;;
	test) pkgs="$pkgs $set_test" ;;
	package) pkgs="$pkgs $set_package" ;;
	kernels) pkgs="$pkgs $set_kernels" ;;
	*) echo "deps.sh: unknown set '$s' (build, test, package, kernels)" >&2; exit 2 ;;
	esac
done

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "portcullis: missing packages:$missing" >&2
	echo "portcullis: run 'make deps' (or deps-test) as root, or install them with apt-get" >&2
	exit 1
fi
echo "portcullis: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# invoke-rc.d asks policy-rc.d: 101 means "do not start". Ours only for this
# install, and never over an administrator's own.
rcd=/usr/sbin/policy-rc.d
ours=""
if [ ! -e "$rcd" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$rcd" && chmod 755 "$rcd" && ours=1
	trap 'rm -f "$rcd"' EXIT
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
[ -n "$ours" ] && rm -f "$rcd"
exit 0
