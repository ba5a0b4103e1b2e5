#!/usr/bin/env bash
# Fails unless the kernel patch series (kernel/patches/*.patch, applied in
# order) leaves the shared headers byte-identical to the project's:
#   include/uapi/linux/kcov_dataflow.h   user-space interface (required)
#   include/linux/kcov_dataflow_abi.h    compiler ABI (checked when the
#                                        series carries it)
# Needs only git, not the kernel tree. KCOVDF_REQUIRE_ABI_COPY=1 makes a
# series without the ABI header fail too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
required=(include/uapi/linux/kcov_dataflow.h)
optional=(include/linux/kcov_dataflow_abi.h)
if [ "${KCOVDF_REQUIRE_ABI_COPY:-0}" = 1 ]; then
	required+=("${optional[@]}")
	optional=()
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shopt -s nullglob
patches=("$root"/kernel/patches/*.patch)
if [ ${#patches[@]} -eq 0 ]; then
	echo "check-uapi-copy: no patches in kernel/patches" >&2
	exit 1
fi
git -C "$tmp" init -q
includes=()
for h in "${required[@]}" "${optional[@]}"; do
	includes+=("--include=$h")
done
for p in "${patches[@]}"; do
	git -C "$tmp" apply "${includes[@]}" "$p" || {
		echo "check-uapi-copy: $(basename "$p") does not apply to" \
			"the shared headers" >&2
		exit 1
	}
done
rc=0
check() {
	local hdr=$1 need=$2
	if [ ! -f "$tmp/$hdr" ]; then
		if [ "$need" = 1 ]; then
			echo "check-uapi-copy: the series does not create $hdr" >&2
			rc=1
		else
			echo "check-uapi-copy: the series does not carry $hdr" \
				"(not checked)"
		fi
		return
	fi
	if ! cmp -s "$tmp/$hdr" "$root/$hdr"; then
		echo "check-uapi-copy: the series' $hdr differs from $root/$hdr:" >&2
		diff -u "$root/$hdr" "$tmp/$hdr" | head -40 >&2
		rc=1
		return
	fi
	echo "check-uapi-copy: $hdr in kernel/patches is identical to the project's"
}
for h in "${required[@]}"; do
	check "$h" 1
done
for h in "${optional[@]}"; do
	check "$h" 0
done
exit $rc
