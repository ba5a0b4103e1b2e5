#!/bin/sh
# The instrumentation of a weak (interposable) function passes the address
# of its *symbol* as the func argument of __sanitizer_cov_trace_args/ret.
# When another object overrides the symbol, the weak copy's code (still
# linked, dead) refers to the overriding function: records would name the
# wrong function, and in the kernel modpost fails the build ("section
# mismatch: bringup_hibernate_cpu+0xc1 (.text) -> arch_cpuhp_init_parallel_bringup
# (.init.text)", with CONFIG_KCOV_DATAFLOW_INSTRUMENT_ALL=y).
# Expected: func refers to a local alias of this definition (e.g. a private
# GlobalAlias), which the override cannot capture.
# Exit status 1 while the bug is there.
set -e
here=$(cd "$(dirname "$0")" && pwd)
plugin=${KCOV_DATAFLOW_PLUGIN:-$here/../../../build/kcovdf-plugin.so}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clang-22 -O2 -g -c -fpass-plugin="$plugin" -mllvm -kcov-df-args \
	-mllvm -kcov-df-ret -o "$tmp/weak.o" "$here/weak.c"
clang-22 -O2 -c -o "$tmp/strong.o" "$here/strong.c"
# Relocations in weak.o's .text against the global symbol "hook":
n=$(readelf -rW "$tmp/weak.o" | awk '/Relocation section .*\.rela\.text/{t=1;next} /Relocation section/{t=0} t && $5 == "hook"' | wc -l)
echo "relocations from hook's own instrumentation to the global symbol hook: $n"
llvm-objdump-22 -dr --no-show-raw-insn "$tmp/weak.o" | grep -B2 -A1 'R_X86_64.*hook' || true
# Linked with the override, the weak copy's reference resolves to it:
ld.lld-22 -r -o "$tmp/both.o" "$tmp/weak.o" "$tmp/strong.o"
llvm-objdump-22 -dr --no-show-raw-insn -j .text "$tmp/both.o" | grep -B2 'hook$' || true
[ "$n" -eq 0 ]
