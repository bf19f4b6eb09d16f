#!/bin/bash
# The docs stand alone: nothing in the repository points at the developers'
# private copies of the Microsoft documents or at a build machine's paths,
# and every config example in the docs and in policies/examples passes
# 'portcullis check' (or, marked as wrong, fails it).
# Needs no kernel features and no root.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

# Every file the repository holds (a checkout without .git, as in the qemu
# guests: every file but the build trees).
repo_files() {
	if git -C "$REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git -C "$REPO" ls-files -z
	else
		(cd "$REPO" && find . \( -path ./build -o -path ./build-san -o -path ./.git \) -prune \
			-o -type f -print0)
	fi
}

# --- nothing points outside the repository -----------------------------------

# What the patterns catch (split with '' so that this file does not match
# itself): the "shared" folder beside the repository where the developers
# keep the documents and the original specification; the file names of
# those private copies (NNN_ and 16 hex digits, .txt); a build machine's
# directories (work, home, Users at the root). Tests keep their own
# temporary directories under /tmp; those are theirs.
bad_paths='\.\./shar''ed|shar''ed/(seeds|spec)|[0-9]{3}_[0-9a-f]{16}\.t''xt|/wor''k/|/home/[a-z]|/Users/[A-Za-z]'
hits=$(cd "$REPO" && repo_files | xargs -0 grep -I -n -E "$bad_paths" -- 2>/dev/null)
if [ -z "$hits" ]; then
	ok "no file points outside the repository (developers' copies, machine paths)"
else
	not_ok "no file points outside the repository (developers' copies, machine paths)"
	diag "cite a document by its title (docs/sources.md), a file by its path in the repository:" \
		"$hits"
fi

# --- every config example passes check -----------------------------------------
#
# A fenced block in README.md or docs/*.md whose info string starts with
# 'portcullis' is a config example:
#   ```portcullis            a config file on its own
#   ```portcullis fragment   statements that need a host around them: checked
#                            after a prelude that includes the catalogue and
#                            the roles and defines every peer the roles name
#   ```portcullis invalid    deliberately wrong: check must report errors
# Examples include the shipped files as "catalogue.conf", "roles/*.conf", or
# by the path a package installs them to, /usr/share/portcullis/; both are
# read from this checkout's policies/. A missing interface or cgroup is the
# daemon's business (a pending scope), so check may warn but not fail.

[ -x "$PORTCULLIS" ] || { not_ok "$PORTCULLIS is built ('make' first)"; finish; }
EX=$T/examples
mkdir -p "$EX"
ln -s "$POLICIES/catalogue.conf" "$EX/catalogue.conf"
ln -s "$POLICIES/roles" "$EX/roles"

# The prelude of fragments: every peer name the shipped roles use.
{
	echo 'include "catalogue.conf"'
	echo 'include "roles/*.conf"'
	n=0
	for p in $(sed -e 's/#.*//' -n \
			-e 's/.*allow[[:space:]].*[[:space:]]\(from\|to\)[[:space:]]\+\([A-Za-z_][A-Za-z0-9_.-]*\).*/\2/p' \
			"$POLICIES"/roles/*.conf | sort -u); do
		[ "$p" = any ] && continue
		n=$((n + 1))
		echo "peer $p 10.99.$n.0/24, fd00:99:$n::/64"
	done
} >"$T/prelude.conf"

# check_ok NAME FILE: check exits 0 and reports no error.
check_ok() {
	local out rc
	out=$("$PORTCULLIS" -c "$2" check 2>&1); rc=$?
	if [ "$rc" -eq 0 ] && ! grep -q ': error: ' <<<"$out"; then
		ok "$1"
	else
		not_ok "$1"
		diag "exit $rc" "$out"
	fi
}

# check_bad NAME FILE: check exits 1 (errors found, nothing changed).
check_bad() {
	local out rc
	out=$("$PORTCULLIS" -c "$2" check 2>&1); rc=$?
	if [ "$rc" -eq 1 ] && grep -q ': error: ' <<<"$out"; then
		ok "$1"
	else
		not_ok "$1"
		diag "expected errors and exit 1, got exit $rc:" "$out"
	fi
}

# Split each doc into $EX/N.conf, one per fenced block, with a line
# "N KIND FILE:LINE" in $T/blocks; KIND is whole, fragment, invalid, or
# unmarked (a block without an info string that starts like a config).
awk -v ex="$EX" '
	function kw(l) {
		return l ~ /^(include|service|peer|role|override|mode|attach|failsafe)([ \t]|$)/
	}
	/^[ \t]*```/ {
		if (!inb) {
			inb = 1; start = FNR; n++; ind = match($0, /```/) - 1
			info = substr($0, ind + 4); sub(/[ \t]+$/, "", info)
			split(info, w, /[ \t]+/)
			kind = w[1] != "portcullis" ? (info == "" ? "plain" : "other") \
			     : w[2] == "" ? "whole" : w[2]
			first = ""
			next
		}
		inb = 0
		if (kind == "plain") kind = kw(first) ? "unmarked" : ""
		if (kind != "" && kind != "other")
			print n, kind, FILENAME ":" start
		next
	}
	inb {
		line = substr($0, ind + 1)
		if (first == "" && line !~ /^[ \t]*(#|$)/) { first = line; sub(/^[ \t]+/, "", first) }
		print line > (ex "/" n ".conf")
	}
' "$REPO"/README.md "$REPO"/docs/*.md >"$T/blocks"

n_examples=0
while read -r n kind where; do
	f=$EX/$n.conf
	sed -i "s#/usr/share/portcullis/#$EX/#g" "$f"
	where=${where#"$REPO"/}
	case $kind in
	whole)
		check_ok "$where: config example passes check" "$f" ;;
	fragment)
		cat "$T/prelude.conf" "$f" >"$f.host"
		check_ok "$where: config fragment passes check in a host config" "$f.host" ;;
	invalid)
		check_bad "$where: deliberately wrong example fails check" "$f" ;;
	unmarked)
		not_ok "$where: config example is marked"
		diag "mark the block \`\`\`portcullis, \`\`\`portcullis fragment or \`\`\`portcullis invalid" ;;
	*)
		not_ok "$where: unknown example kind '$kind' (portcullis, fragment, invalid)" ;;
	esac
	[ "$kind" = unmarked ] || n_examples=$((n_examples + 1))
done <"$T/blocks"
# docs/policy.md alone has ten; fewer means the extraction broke.
check_ge "the docs hold config examples" 10 "$n_examples"

for f in "$POLICIES"/examples/*.conf; do
	check_ok "policies/examples/$(basename "$f") passes check" "$f"
done

finish
