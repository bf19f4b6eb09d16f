#!/bin/bash
# The bash completion: sourced into bash with bash-completion, as
# /usr/share/bash-completion/completions/portcullis is, and called as bash
# calls it (COMP_LINE, COMP_POINT, COMP_WORDS, COMP_CWORD): commands,
# options (every option 'portcullis help COMMAND' prints), option values,
# and scope, role, service and peer names from the config on the line.
# Needs no kernel features and no root.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

BUILD=${BUILD:-build}
P=$PORTCULLIS
SCRIPT=$REPO/$BUILD/completion/portcullis
BASH_COMPLETION_LIB=/usr/share/bash-completion/bash_completion
for f in "$P" "$SCRIPT"; do
	[ -e "$f" ] || { not_ok "$f is built ('make all' first)"; finish; }
done
[ -r "$BASH_COMPLETION_LIB" ] ||
	{ not_ok "bash-completion is installed ('make deps-test')"; finish; }

CONF=$T/host.conf
cat >"$CONF" <<EOF
include "$POLICIES/catalogue.conf"
peer web     10.77.1.0/24
peer webdav  10.77.2.0/24
role shop {
    allow in  http, https  from web
}
role shipping {
    allow in  https  from webdav
}
attach interface lan0 role shop
attach cgroup /system.slice/shop.service role shipping
EOF

# comp WORD... : the candidates bash would offer for the last WORD (empty:
# a new word) of 'portcullis WORD...', one a line, sorted. Words are split
# at ':' and '=' as bash splits them (COMP_WORDBREAKS), the break its own
# word, and the line is as typed.
comp() {
	bash -c '
		. "$1"; . "$2"; shift 2
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMP_WORDS=()
		for w in "$@"; do
			while [[ $w =~ ^([^:=]*)([:=])(.*)$ ]]; do
				[ -n "${BASH_REMATCH[1]}" ] && COMP_WORDS+=("${BASH_REMATCH[1]}")
				COMP_WORDS+=("${BASH_REMATCH[2]}")
				w=${BASH_REMATCH[3]}
			done
			COMP_WORDS+=("$w")
		done
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_portcullis
		printf "%s\n" "${COMPREPLY[@]}"' comp "$BASH_COMPLETION_LIB" "$SCRIPT" "$P" "$@" |
		sed '/^$/d' | sort
}

# offers WANT WORD...: comp WORD... is exactly the lines of WANT.
offers() {
	local want=$1
	shift
	check_eq "portcullis ${*:-''} <TAB> offers $(tr '\n' ' ' <<<"$want")" \
		"$(sort <<<"$want")" "$(comp "$@")"
}

# --- commands -----------------------------------------------------------------------

offers $'stats\nstatus' st
offers $'check' -c "$CONF" ch
offers $'catalogue\ncheck\nconfirm' c
check_eq "a new word offers every command and help" \
	"$( ("$P" help | sed -n '/^Commands:/,/^$/p' | sed -n -E 's/^  ([a-z]+)( .*)?$/\1/p';
	      echo help) | sort)" "$(comp "")"
offers $'events' help ev
offers "" frobnicate ""

# --- options ------------------------------------------------------------------------

offers $'--verdict' events --v
offers $'--since\n--scope' events --s
offers $'--config' --con
missing=
for cmd in $("$P" help | sed -n '/^Commands:/,/^$/p' | sed -n -E 's/^  ([a-z]+)( .*)?$/\1/p'); do
	want=$("$P" help "$cmd" | sed -n '/^Options:/,/^$/p' |
	       sed -n -E 's/^  (-[a-zA-Z], |    )(--[a-z][a-z0-9-]*).*/\2/p' | sort)
	[ "$want" = "$(comp "$cmd" --)" ] || missing="$missing $cmd"
done
check_eq "COMMAND -- offers exactly the options of 'help COMMAND', for every command" "" "$missing"

# --- values and names -------------------------------------------------------------------

offers $'audit\ndeny' events --verdict ""
offers $'connect4\nconnect6' events --hook conn
offers $'audit\nenforce' mode ""
offers $'interface:lan0\ncgroup:/system.slice/shop.service' -c "$CONF" events --scope ""
offers $'interface:lan0' -c "$CONF" mode enforce --scope inter
# after the ':' bash completes the rest of the word only
offers $'lan0' -c "$CONF" mode enforce --scope interface:l
offers $'shipping\nshop' -c "$CONF" roles sh
offers $'shipping\nshop' --config="$CONF" roles sh
offers $'http\nhttps' -c "$CONF" catalogue htt
offers $'in\nout' -c "$CONF" query ""
offers $'from' -c "$CONF" query in tcp/443 fr
offers $'any\nweb\nwebdav' -c "$CONF" query in tcp/443 from ""
offers $'web\nwebdav' -c "$CONF" query --scope lan0 in tcp/443 from we

# -c FILE: the shell's file names
mkdir "$T/files" && touch "$T/files/alpha.conf" "$T/files/beta.conf"
offers "$T/files/alpha.conf" -c "$T/files/al"
offers "" -c "$T/files/zz"

# A config that does not parse still offers what did; a missing one, nothing.
printf 'role half {\n  allow in http\n}\nfrobnicate\n' >"$T/broken.conf"
offers $'half' -c "$T/broken.conf" roles ""
offers "" -c "$T/no-such.conf" roles ""

# With no -c and no config at the default path, the shipped roles.
if [ ! -e /etc/portcullis/portcullis.conf ]; then
	check "no -c: the shipped roles of --policy-dir" \
		grep -qx ssrs <<<"$(comp --policy-dir "$POLICIES" roles ss)"
fi

finish
