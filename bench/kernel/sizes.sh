#!/usr/bin/env bash
# Section sizes of a kernel pair, from the ELF files:
#   bench/kernel/sizes.sh [A B]        (default: base all)
# Regions and how they are measured: bench/kernel/sizes.py. Prints a
# markdown table with the ratio B/A.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
A=${1:-base} B=${2:-all}
nm=$(command -v llvm-nm-22 || command -v nm) || die "no nm"

measure() {	# variant -> "key value" lines
	local d
	d=$(kdir "$1")
	[ -f "$d/vmlinux" ] || die "no $d/vmlinux (bench/kernel/build.sh)"
	python3 "$root/bench/kernel/sizes.py" "$nm" "$d/vmlinux" "$d/arch/x86/boot/bzImage"
}
declare -A va vb
while read -r k v; do va[$k]=$v; done < <(measure "$A")
while read -r k v; do vb[$k]=$v; done < <(measure "$B")
summary=$bout/sizes-$A-$B.summary
: > "$summary"
echo "| region (bytes) | $A | $B | $B / $A |"
echo "|---|---|---|---|"
for k in text text_code rodata rodata_objects data data_objects bss bss_objects init bzImage; do
	awk -v k="$k" -v a="${va[$k]}" -v b="${vb[$k]}" 'BEGIN {
		printf "| %s | %d | %d | %.3f (%+.1f %%) |\n", k, a, b, b / a, (b / a - 1) * 100 }'
	echo "$k ${va[$k]} ${vb[$k]}" >> "$summary"
done
