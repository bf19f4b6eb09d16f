#!/bin/bash
# The docs stand alone: nothing in the repository points at the developers'
# private copies of the Microsoft documents or at a build machine's paths.
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

finish
