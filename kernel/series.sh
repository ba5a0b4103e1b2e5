#!/usr/bin/env bash
# Work on the patch series in kernel/patches/ as a git branch.
#
#   kernel/series.sh init            build/kernel/dev: a worktree of
#                                    build/kernel/src, branch "dev" = the
#                                    pristine tree + kernel/patches (git am)
#   kernel/series.sh fixup N FILE... fold the working-tree changes of FILEs
#                                    into patch N (1 = first), rebasing the
#                                    later patches on top
#   kernel/series.sh export          git format-patch the branch into
#                                    kernel/patches/ (replacing it)
#   kernel/series.sh check           scripts/checkpatch.pl --strict on each
#                                    patch in kernel/patches/
#
# Debian's linux-source tree ignores every top-level path in .gitignore, so
# new files must be added with git add -f; "fixup" does that.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$here/../build/kernel
src=$top/src
dev=$top/dev

die() { echo "kernel/series.sh: $*" >&2; exit 1; }

case ${1:-} in
init)
	[ -d "$src/.git" ] || die "no $src (run kernel/build.sh first)"
	[ -d "$dev" ] && die "$dev exists"
	git -C "$src" worktree add -q -B dev "$dev" pristine-6.12
	shopt -s nullglob
	p=("$here"/patches/*.patch)
	[ ${#p[@]} -eq 0 ] || git -C "$dev" am -q "${p[@]}"
	;;
fixup)
	n=${2:?patch number}
	shift 2
	[ $# -gt 0 ] || die "no files"
	c=$(git -C "$dev" rev-list --reverse pristine-6.12..HEAD | sed -n "${n}p")
	[ -n "$c" ] || die "no patch $n"
	git -C "$dev" add -f -- "$@"
	git -C "$dev" commit -q --fixup="$c"
	GIT_SEQUENCE_EDITOR=: git -C "$dev" rebase -q -i --autosquash --autostash pristine-6.12
	git -C "$dev" log --oneline pristine-6.12..HEAD
	;;
export)
	[ -z "$(git -C "$dev" status --porcelain --untracked-files=no)" ] ||
		die "uncommitted changes in $dev"
	rm -f "$here"/patches/*.patch
	git -C "$dev" format-patch -q --zero-commit --no-signature \
		-o "$here/patches" pristine-6.12..HEAD
	ls "$here"/patches
	;;
check)
	rc=0
	for p in "$here"/patches/*.patch; do
		echo "== $(basename "$p")"
		"$dev/scripts/checkpatch.pl" --strict --no-tree --no-summary \
			--show-types -q "$p" || rc=1
	done
	exit $rc
	;;
*)
	sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
