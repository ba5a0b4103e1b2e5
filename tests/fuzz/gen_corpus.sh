#!/usr/bin/env bash
# Regenerate the seed corpus (tests/fuzz/corpus/*/seed-*) with the library's
# writer. Crash reproducers (crash-*) are kept as they are.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/fuzz
mkdir -p "$out"
clang-22 -std=c11 -O1 -g -D_GNU_SOURCE -Wall -Wextra -Werror \
	-I"$root/include/uapi" -I"$root/include" -I"$root/lib" \
	"$root/tests/fuzz/gen_corpus.c" "$root/lib/trace.c" \
	"$root/lib/wpack.c" "$root/lib/record.c" \
	-o "$out/gen_corpus"
mkdir -p "$root/tests/fuzz/corpus"
rm -f "$root"/tests/fuzz/corpus/*/seed-*
"$out/gen_corpus" "$root/tests/fuzz/corpus"
du -sb "$root/tests/fuzz/corpus"
