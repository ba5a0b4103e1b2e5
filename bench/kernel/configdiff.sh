#!/usr/bin/env bash
# The two kernels of a pair must differ only in dataflow options:
#   bench/kernel/configdiff.sh [A B]      (default: base all)
# Prints every option set differently in the two .config files and fails
# if one of them is not a dataflow option (KCOV_DATAFLOW*, the compiler
# capability CC_HAS_KCOV_DATAFLOW, or the dataflow test module, which is a
# module and not part of vmlinux).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
A=${1:-base} B=${2:-all}
for v in "$A" "$B"; do [ -f "$(kdir "$v")/.config" ] || die "no $(kdir "$v")/.config"; done
opts() { grep -E '^CONFIG_[A-Za-z0-9_]+=' "$(kdir "$1")/.config" | sort; }
d=$(diff <(opts "$A") <(opts "$B") | grep -E '^[<>]' || true)
printf '%s\n' "$d" | sed '/^$/d; s/^/  /' >&2
bad=$(printf '%s\n' "$d" | grep -vE '^[<>] CONFIG_(KCOV_DATAFLOW[A-Z_]*|CC_HAS_KCOV_DATAFLOW|TEST_KCOV_DATAFLOW)=' | sed '/^$/d' || true)
if [ -n "$bad" ]; then
	printf '%s\n' "$bad" >&2
	die "$A and $B differ in more than dataflow options"
fi
echo "$A and $B differ only in dataflow options ($(printf '%s\n' "$d" | sed '/^$/d' | wc -l) lines)"
