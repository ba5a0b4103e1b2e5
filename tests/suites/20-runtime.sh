#!/usr/bin/env bash
# User-space runtime (runtime/, build/libkcovdf-rt.a): exact record words,
# bad pointers, threads, fork, exec, signals, buffer flushes, loss counters,
# PC_EXT words, and an end-to-end check with the compiler plugin. Traces are
# read back with libkcovdf (the project's one decoder). TAP output.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
export BUILD
tmp=$(mktemp -d /tmp/kcovdf-rt-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/build.log

if make -C "$root" runtime >"$log" 2>&1 &&
   make -C "$root" lib >>"$log" 2>&1 &&
   make -C "$root/runtime" tests >>"$log" 2>&1; then
	ok "build runtime, libkcovdf and the test program"
else
	cat "$log" | tail -20 | sed 's/^/# /'
	notok "build runtime, libkcovdf and the test program"
	done_testing
fi
if grep -E 'warning:' "$log" | grep -q 'runtime/'; then
	grep -E 'warning:' "$log" | sed 's/^/# /'
	notok "runtime compiles without warnings (-Wall -Wextra)"
else
	ok "runtime compiles without warnings (-Wall -Wextra)"
fi

T=$BUILD/tests/runtime/rt_test

# scenario NAME [env...]: run with KCOVDF_OUT, then check the trace.
scenario() {
	local name=$1 desc=$2
	shift 2
	local out=$tmp/$name.kdf
	rm -f "$out"
	if ! env "$@" KCOVDF_OUT="$out" timeout 120 "$T" run "$name" \
		>"$tmp/$name.run" 2>&1; then
		sed 's/^/# /' "$tmp/$name.run"
		notok "$desc (run)"
		return
	fi
	if env -u KCOVDF_OUT "$T" check "$name" "$out" >"$tmp/$name.chk" 2>&1
	then
		ok "$desc"
	else
		sed 's/^/# /' "$tmp/$name.chk" | head -20
		notok "$desc"
	fi
}

scenario scalar "scalar records: signed/unsigned, sizes, flags, clamped size, NOARGS, VOID"
scenario fields "struct fields: bitfields, signed bitfields, arrays, bool, BYVAL"
scenario badptr "bad pointers: NULL, ERR_PTR, unmapped, munmap'd, PROT_NONE, kernel, non-canonical, partial pages"
scenario content "format revision 2: strings (cut, faulting at page ends, NULL, ERR_PTR), wide values (cut at 72 bytes, unreadable), NOTREAD never read"
scenario trunc "layouts with more than 64 fields or TRUNC"
scenario threads "8 threads x 100k records, exact per-thread streams" KCOVDF_BUFFER_WORDS=4096
scenario fork "fork: parent and children record under their own pids; _exit flushes"
scenario usersegv "program's own SIGSEGV/SIGBUS handlers keep their faults; sigaction reports theirs"
scenario masked "bad reads with SIGSEGV blocked and inside a handler with a full sa_mask"
scenario sigrace "signals during callbacks: skipped and counted, buffer intact"
scenario small "tiny buffer: many flushes, records never split" KCOVDF_BUFFER_WORDS=72
out=$tmp/small.kdf
chunks=$("$T" chunks small "$out" 2>/dev/null || echo 0)
if [ "${chunks:-0}" -gt 1000 ]; then
	ok "tiny buffer wrote $chunks STREAM chunks"
else
	notok "tiny buffer wrote ${chunks:-0} STREAM chunks (want > 1000)"
fi
scenario wfail "failed writes: the chunk's records counted as dropped"
scenario pcext "PC_EXT words: entry 0x00, normal 0xf0, exit 0x10, balanced"
scenario exec "exec: records before exec and in the new image"
scenario late "a thread still recording at exit: late records written, counters consistent"
scenario maps "MAP chunks (start and exit, build id) and META"

# Faults outside the copy routine with no handler: default action.
exec 3>&2 2>/dev/null	# bash reports the deaths; they are expected
for s in segvdie segvkill; do
	( KCOVDF_OUT=$tmp/$s.kdf exec "$T" run $s ) >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 139 ]; then
		ok "$s: the program dies of SIGSEGV as without the runtime"
	else
		notok "$s: exit status $rc, want 139 (SIGSEGV)"
	fi
done
exec 2>&3 3>&-
# The file stays readable (what the runtime writes before the default
# action is checked in 20-runtime-crash.sh).
if env -u KCOVDF_OUT "$T" check parse "$tmp/segvdie.kdf" >/dev/null 2>&1
then
	ok "trace of a crashed program still has its header"
else
	notok "trace of a crashed program still has its header"
fi

# Without KCOVDF_OUT: nothing recorded, no file, gate off.
( cd "$tmp" && env -u KCOVDF_OUT "$T" run off >"$tmp/off.out" 2>&1 )
if grep -q '^gate=0 enabled=0$' "$tmp/off.out"; then
	ok "disabled without KCOVDF_OUT (gate 0)"
else
	notok "disabled without KCOVDF_OUT: $(cat "$tmp/off.out")"
fi
# An output that is not a regular file: disabled, the program runs.
if KCOVDF_OUT=/dev/null "$T" run off 2>"$tmp/null.err" | grep -q 'gate=0' &&
   grep -q 'not a regular file' "$tmp/null.err"; then
	ok "non-regular output refused, program runs"
else
	notok "non-regular output refused, program runs"
fi
# An existing file that is not a trace is never appended to.
echo "precious" >"$tmp/precious"
KCOVDF_OUT=$tmp/precious "$T" run off >/dev/null 2>&1
if [ "$(cat "$tmp/precious")" = precious ]; then
	ok "a foreign existing file is left alone"
else
	notok "a foreign existing file is left alone"
fi

# Everything at once (runtime/tests/rt_chaos.c): 4 threads recording bad
# pointers into pages another thread remaps and protects, signals whose
# handler records too, forked children exiting three ways. The program must
# survive; the trace must read back. Once with the default buffer, once
# with a tiny one (a flush every few records).
chaos=$BUILD/tests/runtime/rt_chaos
if clang-22 -std=c11 -O2 -g -Wall -Wextra -I"$root/include" \
	-I"$root/include/uapi" -I"$root/runtime" \
	"$root/runtime/tests/rt_chaos.c" -o "$chaos" \
	"$BUILD/libkcovdf-rt.a" -lpthread >"$tmp/chaos.log" 2>&1 &&
   ! grep -q 'warning:' "$tmp/chaos.log"; then
	for words in default 72; do
		rm -f "$tmp/chaos.kdf"
		bufenv=KCOVDF_CHAOS_UNUSED=1
		[ "$words" = default ] || bufenv=KCOVDF_BUFFER_WORDS=$words
		if env "$bufenv" KCOVDF_OUT="$tmp/chaos.kdf" timeout 120 \
			"$chaos" "${KCOVDF_CHAOS_SECONDS:-2}" \
			>"$tmp/chaos.run" 2>&1 &&
		   env -u KCOVDF_OUT "$T" check parse "$tmp/chaos.kdf" \
			>>"$tmp/chaos.run" 2>&1; then
			ok "threads + signals + fork + bad pointers at once, buffer $words words: $(grep -o '[0-9]* callbacks.*' "$tmp/chaos.run" | head -n 1)"
		else
			sed 's/^/# /' "$tmp/chaos.run" | head -20
			notok "threads + signals + fork + bad pointers at once, buffer $words words"
		fi
	done
	rm -f "$tmp/chaos.kdf"
else
	sed 's/^/# /' "$tmp/chaos.log" | head -20
	notok "rt_chaos builds without warnings"
fi

# End to end with the compiler plugin.
plugin=$BUILD/kcovdf-plugin.so
if [ -f "$plugin" ] && [ -f "$root/runtime/tests/e2e.c" ]; then
	e2e=$BUILD/tests/runtime/e2e
	if clang-22 -O2 -g -fpass-plugin="$plugin" -mllvm -kcov-df-args \
		-mllvm -kcov-df-ret -I"$root/include/uapi" -I"$root/include" \
		-c "$root/runtime/tests/e2e.c" -o "$e2e.o" \
		>"$tmp/e2e.log" 2>&1 &&
	   clang-22 -O2 -g -c "$root/runtime/tests/e2e_check.c" \
		-I"$root/include/uapi" -I"$root/include" \
		-o "$e2e-check.o" >>"$tmp/e2e.log" 2>&1 &&
	   clang-22 "$e2e.o" -o "$e2e" "$BUILD/libkcovdf-rt.a" -lpthread \
		>>"$tmp/e2e.log" 2>&1 &&
	   clang-22 "$e2e-check.o" -o "$e2e-check" "$BUILD/libkcovdf.a" \
		>>"$tmp/e2e.log" 2>&1; then
		# Every instrumented object references the ABI guard; the
		# runtime defines the callbacks (scripts/kcovdf-abi-check).
		if "$root/scripts/kcovdf-abi-check" "$e2e.o" \
			"$BUILD/libkcovdf-rt.a" "$e2e" >"$tmp/abi.log" 2>&1; then
			ok "kcovdf-abi-check: instrumented object, runtime and program consistent"
		else
			sed 's/^/# /' "$tmp/abi.log"
			notok "kcovdf-abi-check: instrumented object, runtime and program consistent"
		fi
		rm -f "$tmp/e2e.kdf"
		if KCOVDF_OUT=$tmp/e2e.kdf "$e2e" >"$tmp/e2e.run" 2>&1 &&
		   "$e2e-check" "$tmp/e2e.kdf" "$tmp/e2e.run" \
			>"$tmp/e2e.chk" 2>&1; then
			ok "end to end: plugin-instrumented program, exact values"
		else
			sed 's/^/# /' "$tmp/e2e.run" "$tmp/e2e.chk" | head -30
			notok "end to end: plugin-instrumented program, exact values"
		fi
	else
		sed 's/^/# /' "$tmp/e2e.log" | head -30
		notok "end to end: build with the plugin"
	fi
	# Entry-exit mode: sancov's trace-pc turned into entry/exit calls.
	if clang-22 -O2 -g -fsanitize-coverage=trace-pc \
		-fpass-plugin="$plugin" -mllvm -kcov-df-entry-exit \
		"$root/runtime/tests/e2e.c" -o "$e2e-ee" \
		"$BUILD/libkcovdf-rt.a" -lpthread >"$tmp/ee.log" 2>&1; then
		rm -f "$tmp/ee.kdf"
		if KCOVDF_OUT=$tmp/ee.kdf "$e2e-ee" >"$tmp/ee.run" 2>&1 &&
		   "$e2e-check" --pcext "$tmp/ee.kdf" "$tmp/ee.run" \
			>"$tmp/ee.chk" 2>&1; then
			ok "end to end: entry-exit mode, PC_EXT words balanced in call order"
		else
			sed 's/^/# /' "$tmp/ee.run" "$tmp/ee.chk" | head -30
			notok "end to end: entry-exit mode, PC_EXT words balanced in call order"
		fi
	else
		sed 's/^/# /' "$tmp/ee.log" | head -30
		notok "end to end: entry-exit build with the plugin"
	fi
else
	skip "end to end with the plugin" "build/kcovdf-plugin.so not built"
	skip "end to end entry-exit mode" "build/kcovdf-plugin.so not built"
fi

done_testing
