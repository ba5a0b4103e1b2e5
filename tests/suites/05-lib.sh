#!/usr/bin/env bash
# libkcovdf unit tests, built with ASan and UBSan from the library sources:
# tests/lib/test_lib.c (decoder, trace reader, calls, formatting) and
# tests/lib/test_trace.c (truncated files, packed streams, reading chunk by
# chunk).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/tests
mkdir -p "$out"
rc=0
for t in test_lib test_trace; do
	clang-22 -std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-I"$root/include/uapi" -I"$root/include" -I"$root/lib" \
		"$root/tests/lib/$t.c" "$root"/lib/*.c -ldw -lelf \
		-o "$out/$t"
	"$out/$t" || rc=1
done
exit $rc
