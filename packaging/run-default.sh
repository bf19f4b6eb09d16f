#!/bin/sh
# make run: the daemon in the foreground, in AUDIT mode, with the shipped
# default host config attached to the default-route interface. Audit mode
# drops nothing, so this is safe on any host: it only reports what an
# enforcing policy would deny (tail it with 'portcullis events -f').
set -eu
bin=${1:-build/portcullis}
top=$(cd "$(dirname "$0")/.." && pwd)

if [ "$(id -u)" != 0 ]; then
	echo "portcullis: make run needs root (it loads BPF programs); try: sudo make run" >&2
	exit 1
fi
ifname=$(ip -o route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
[ -n "$ifname" ] || ifname=$(ip -o -6 route show default 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "dev") { print $(i + 1); exit } }')
if [ -z "$ifname" ]; then
	echo "portcullis: no default route here; attach by hand: see README.md" >&2
	exit 1
fi

conf_dir=$top/build/run
mkdir -p "$conf_dir"
cat > "$conf_dir/portcullis.conf" <<CONF
# Written by make run. The default host policy, in audit mode, on the
# interface of the default route ($ifname).
include "$top/policies/examples/default.conf"
mode audit
attach interface $ifname role linux-host
CONF

echo "portcullis: audit mode on $ifname (nothing is dropped); Ctrl-C stops the daemon,"
echo "portcullis: '$bin unload' removes the programs. Config: $conf_dir/portcullis.conf"
"$bin" -c "$conf_dir/portcullis.conf" check
exec "$bin" -c "$conf_dir/portcullis.conf" daemon
