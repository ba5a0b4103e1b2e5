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
#   kernel/series.sh identity 'Name <addr>'
#                                    replace the placeholder identity (author
#                                    and Signed-off-by) of our patches and the
#                                    porter's sign-offs with a real one, for
#                                    posting (DCO); then export
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
	git -C "$dev" -c core.abbrev=9 format-patch -q --zero-commit --no-signature \
		-o "$here/patches" pristine-6.12..HEAD
	# The cover letter: its text up to the "---" line is kept, the
	# shortlog, diffstat and base-commit after it are regenerated.
	cover=$here/patches/0000-cover-letter.txt
	if [ -f "$cover" ]; then
		{
			sed '/^---$/q' "$cover"
			echo
			git -C "$dev" shortlog pristine-6.12..HEAD
			git -C "$dev" diff --stat=72 pristine-6.12 HEAD
			echo
			echo "base-commit: $(git -C "$dev" rev-parse pristine-6.12)"
		} > "$cover.tmp" && mv "$cover.tmp" "$cover"
	fi
	ls "$here"/patches
	;;
identity)
	who=${2:?"'Name <address>'"}
	case $who in *' <'*'@'*'>') ;; *) die "want 'Name <address>'" ;; esac
	[ -z "$(git -C "$dev" status --porcelain --untracked-files=no)" ] ||
		die "uncommitted changes in $dev"
	old='Seed 3fd963bd maintainers <maintainers@users.noreply.b-seed-3fd963bd.example>'
	name=${who% <*}
	mail=${who##*<}
	mail=${mail%>}
	export KCOVDF_OLD_ID="$old" KCOVDF_NEW_ID="$who"
	GIT_SEQUENCE_EDITOR=: git -C "$dev" rebase -q -i \
		--exec "if [ \"\$(git log -1 --format='%an <%ae>')\" = \"\$KCOVDF_OLD_ID\" ]; then git -c user.name='$name' -c user.email='$mail' commit -q --amend --no-edit --reset-author --date=\"\$(git log -1 --format=%aD)\"; fi; git log -1 --format=%B | sed \"s|\$KCOVDF_OLD_ID|\$KCOVDF_NEW_ID|\" > .git-msg.tmp; git commit -q --amend -F .git-msg.tmp; rm -f .git-msg.tmp" \
		pristine-6.12
	git -C "$dev" log --format='%h %an <%ae>' pristine-6.12..HEAD
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
	sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
