#!/usr/bin/env bash
# libkcovdf unit tests, built with ASan and UBSan from the library sources:
# tests/lib/test_lib.c (decoder, trace files, call trees, values),
# tests/lib/test_trace.c (truncated files, packed streams, reading chunk by
# chunk), tests/lib/test_rules.c (the rule language: lexer, parser,
# evaluator, checker), tests/lib/test_symoom.c (symbolisation when
# allocations fail, by fault injection) and tests/lib/test_nomem.c (every
# allocation of reading, building calls and checking rules failed in turn).
# The library is compiled once for all.
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
# Out of memory: each allocation of the library's over a few traces of
# the fuzz corpus fails in turn (tests/lib/test_nomem.c).
corpus=$root/tests/fuzz/corpus
clang-22 "${cflags[@]}" "$root/tests/lib/test_nomem.c" "${objs[@]}" \
	-ldw -lelf -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup \
	-o "$out/test_nomem"
rc=0 before=$failed
"$out/test_nomem" "$corpus"/fuzz_trace/seed-v2-fields.kcovdf \
	"$corpus"/fuzz_trace/seed-pcext-merge.kcovdf \
	"$corpus"/fuzz_trace/seed-packed.kcovdf \
	"$corpus"/fuzz_trace/seed-packed-cut.kcovdf \
	"$corpus"/fuzz_trace/seed-doc-kernel.kcovdf \
	"$corpus"/fuzz_trace/seed-multi.kcovdf \
	"$corpus"/fuzz_trace/crash-merge-grafted-match -- \
	"$corpus"/fuzz_rules/seed-fixture.rules \
	"$corpus"/fuzz_rules/seed-contracts.rules \
	"$corpus"/fuzz_rules/seed-kernel.rules \
	>"$out/test_nomem.tap" 2>&1 || rc=$?
relay <"$out/test_nomem.tap"
[ $rc = 0 ] || [ "$failed" -gt "$before" ] ||
	notok "test_nomem exited with status $rc"
done_testing
