#!/usr/bin/env bash
# Fails unless the kernel patch series (kernel/patches/*.patch, applied in
# order) leaves include/uapi/linux/kcov_dataflow.h byte-identical to the
# project's header. Needs only git, not the kernel tree.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hdr=include/uapi/linux/kcov_dataflow.h
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shopt -s nullglob
patches=("$root"/kernel/patches/*.patch)
if [ ${#patches[@]} -eq 0 ]; then
	echo "check-uapi-copy: no patches in kernel/patches" >&2
	exit 1
fi
git -C "$tmp" init -q
for p in "${patches[@]}"; do
	git -C "$tmp" apply --include="$hdr" "$p" || {
		echo "check-uapi-copy: $(basename "$p") does not apply to $hdr" >&2
		exit 1
	}
done
if [ ! -f "$tmp/$hdr" ]; then
	echo "check-uapi-copy: the series does not create $hdr" >&2
	exit 1
fi
if ! cmp -s "$tmp/$hdr" "$root/$hdr"; then
	echo "check-uapi-copy: the series' $hdr differs from $root/$hdr:" >&2
	diff -u "$root/$hdr" "$tmp/$hdr" | head -40 >&2
	exit 1
fi
echo "check-uapi-copy: $hdr in kernel/patches is identical to the project's"
