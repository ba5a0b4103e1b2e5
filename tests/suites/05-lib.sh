#!/usr/bin/env bash
# libkcovdf unit tests, built with ASan and UBSan from the library sources.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/tests
mkdir -p "$out"
clang-22 -std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I"$root/include/uapi" -I"$root/include" -I"$root/lib" \
	"$root/tests/lib/test_lib.c" "$root"/lib/*.c -ldw -lelf \
	-o "$out/test_lib"
"$out/test_lib"
