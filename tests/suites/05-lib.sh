#!/usr/bin/env bash
# libkcovdf unit tests, built with ASan and UBSan from the library sources:
# tests/lib/test_lib.c (decoder, trace files, call trees, values),
# tests/lib/test_trace.c (truncated files, packed streams, reading chunk by
# chunk), tests/lib/test_rules.c (the rule language: lexer, parser,
# evaluator, checker) and tests/lib/test_symoom.c (symbolisation when
# allocations fail, by fault injection). The library is compiled once for
# all.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
out=$root/build/tests
mkdir -p "$out/lib-asan"
cflags=(-std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra
	-fsanitize=address,undefined -fno-sanitize-recover=all
	-I"$root/include/uapi" -I"$root/include")
rm -f "$out"/lib-asan/*.o
objs=()
for f in "$root"/lib/*.c; do
	o=$out/lib-asan/$(basename "${f%.c}").o
	clang-22 "${cflags[@]}" -c "$f" -o "$o"
	objs+=("$o")
done
for t in test_lib test_trace test_rules test_symoom; do
	ldflags=()
	# test_symoom fails the library's allocations on purpose: its own
	# malloc, calloc, realloc and strdup stand between them.
	[ $t = test_symoom ] && ldflags=("-Wl,--wrap=malloc,--wrap=calloc"
		"-Wl,--wrap=realloc,--wrap=strdup")
	clang-22 "${cflags[@]}" "$root/tests/lib/$t.c" "${objs[@]}" \
		"${ldflags[@]}" -ldw -lelf -o "$out/$t"
	rc=0 before=$failed
	"$out/$t" >"$out/$t.tap" 2>&1 || rc=$?
	relay <"$out/$t.tap"
	# A crash (a sanitizer's report) without a failed case is one.
	[ $rc = 0 ] || [ "$failed" -gt "$before" ] ||
		notok "$t exited with status $rc"
done
done_testing
