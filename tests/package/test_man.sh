#!/bin/bash
# The man pages: both render without a warning, portcullis(8) names every
# command and option that 'portcullis help' prints (what the parser takes),
# portcullis.conf(5) has a section for each statement and each is one the
# parser takes, and docs/cli.md names every option too.
# Needs no kernel features and no root.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

P=$PORTCULLIS
BUILD=${BUILD:-build}
MAN8=$REPO/$BUILD/man/portcullis.8
MAN5=$REPO/$BUILD/man/portcullis.conf.5
GEN_MAN=$REPO/$BUILD/tools/gen_man
for f in "$P" "$MAN8" "$MAN5" "$GEN_MAN"; do
	[ -e "$f" ] || { not_ok "$f is built ('make all' first)"; finish; }
done

# --- they render -----------------------------------------------------------------

for page in "$MAN8" "$MAN5"; do
	name=$(basename "$page")
	MANWIDTH=80 man --warnings -l "$page" >"$T/$name.txt" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 0 ] && [ ! -s "$T/err" ] && [ -s "$T/$name.txt" ]; then
		ok "man -l $name renders, without a warning"
	else
		not_ok "man -l $name renders, without a warning (exit $rc)"
		diag "$(cat "$T/err")"
	fi
	check_eq "groff -man -ww -z $name warns of nothing" "" "$(groff -man -ww -z "$page" 2>&1)"
	if command -v mandoc >/dev/null; then
		check_eq "mandoc -T lint $name finds no warning" "" \
			"$(mandoc -T lint -W warning "$page" 2>&1)"
	fi
done

# --- portcullis(8) has every command and option the program takes ------------------
#
# What the program takes is what 'portcullis help' prints from the tables
# the parser reads. The page is checked as it renders (man -l), not as the
# generator wrote it: an option lost in roff is lost.

# The text of section NAME of the rendered page TXT: from its heading
# ("   NAME" alone on a line) to the next heading of the same level or above.
section() {
	awk -v name="$1" '
		$0 == "   " name { on = 1; next }
		on && /^ {0,3}[^ ]/ { exit }
		on { print }' "$2"
}

# "-c, --config FILE  help" or "    --pin-dir DIR  help": the long names.
long_options() {
	sed -n -E 's/^  (-[a-zA-Z], |    )(--[a-z][a-z0-9-]*).*/\2/p'
}

"$P" help >"$T/help" 2>&1
check "portcullis help lists options" grep -q -- '--config' "$T/help"
commands=$(sed -n '/^Commands:/,/^$/p' "$T/help" | sed -n -E 's/^  ([a-z]+)( .*)?$/\1/p')
check "portcullis help lists commands" test "$(wc -w <<<"$commands")" -ge 12

# What 'portcullis help' and 'help COMMAND' name that the rendered page TXT
# does not: "--option" (global) or "command" (no section) or "command:--option".
missing_in() {
	local txt=$1 cmd opt missing=
	for opt in $(sed -n '/^Options:/,/^$/p' "$T/help" | long_options); do
		sed -n '/^OPTIONS/,/^COMMANDS/p' "$txt" | grep -q -- "^       $opt\b\|, $opt\b" ||
			missing="$missing $opt"
	done
	for cmd in $commands; do
		section "$cmd" "$txt" >"$T/section"
		if [ ! -s "$T/section" ]; then
			missing="$missing $cmd"
			continue
		fi
		"$P" help "$cmd" >"$T/cmdhelp" 2>&1 || missing="$missing help-$cmd"
		for opt in $(sed -n '/^Options:/,/^$/p' "$T/cmdhelp" | long_options); do
			grep -q -- "^       $opt\b\|, $opt\b" "$T/section" ||
				missing="$missing $cmd:$opt"
		done
	done
	echo "$missing"
}

check_eq "portcullis.8 has every global option, and every command with its options" "" \
	"$(missing_in "$T/portcullis.8.txt")"
n=$(for cmd in $commands; do "$P" help "$cmd"; done | sed -n '/^Options:/,/^$/p' | long_options | wc -l)
check "and that was more than a handful of options ($n)" test "$n" -ge 20

# The check itself can fail: a page that lost one entry is caught.
sed '/^\.TP$/{N;/\\-\\-prometheus/d}' "$MAN8" >"$T/cut.8"
MANWIDTH=80 man -l "$T/cut.8" >"$T/cut.txt" 2>/dev/null
check_eq "a page that lost the entry of stats --prometheus is caught" " stats:--prometheus" \
	"$(missing_in "$T/cut.txt")"

# --- portcullis.conf(5): the statements ------------------------------------------

statements=$(awk '/^STATEMENTS/ { on = 1; next } on && /^[A-Z]/ { exit }
	on && /^   [a-z]+$/ { print $1 }' "$T/portcullis.conf.5.txt")
check_eq "portcullis.conf.5 has a section for each of the 8 statements" 8 "$(wc -w <<<"$statements")"
bad=
for word in $statements; do
	printf '%s\n' "$word" >"$T/one.conf"
	"$P" check "$T/one.conf" >"$T/out" 2>&1
	grep -q "unknown statement" "$T/out" && bad="$bad $word"
done
check_eq "each statement the page names is one the parser takes" "" "$bad"
printf 'frobnicate\n' >"$T/one.conf"
"$P" check "$T/one.conf" >"$T/out" 2>&1
check "(and the parser does say 'unknown statement' of a word it does not take)" \
	grep -q "unknown statement 'frobnicate'" "$T/out"

# The other way, the generator refuses a template without a statement's
# section, or with a section for a word that is none: the build fails.
TPL=$REPO/packaging/man/portcullis.conf.5.in
export SOURCE_DATE_EPOCH=0
grep -v '^@STATEMENT failsafe@$' "$TPL" >"$T/no-failsafe.in"
check_fails "gen_man refuses a portcullis.conf(5) without the failsafe section" \
	"$GEN_MAN" "$T/no-failsafe.in"
check "and says which statement" \
	grep -q "statement 'failsafe' of the parser has no" <<<"$("$GEN_MAN" "$T/no-failsafe.in" 2>&1)"
sed 's/^@STATEMENT failsafe@$/@STATEMENT failsafe@\n@STATEMENT frobnicate@/' "$TPL" >"$T/extra.in"
check_fails "gen_man refuses a section for a word that is no statement" "$GEN_MAN" "$T/extra.in"
check "gen_man makes the shipped template" "$GEN_MAN" "$TPL"

# The names lists are the tables': query's protocols, the modes.
check "portcullis.conf.5 lists the protocols query judges" \
	grep -qE 'PROTO is one of tcp, udp, icmp, icmpv6' "$T/portcullis.conf.5.txt"

# --- docs/cli.md names every option --------------------------------------------------

missing=
for cmd in "" $commands; do
	# shellcheck disable=SC2086  # no command: the global help
	"$P" help $cmd >"$T/cmdhelp" 2>&1
	for opt in $(sed -n '/^Options:/,/^$/p' "$T/cmdhelp" | long_options); do
		grep -q -- "$opt\b" "$REPO/docs/cli.md" || missing="$missing ${cmd:-global}:$opt"
	done
done
check_eq "docs/cli.md names every option of 'portcullis help'" "" "$missing"

finish
