#!/usr/bin/env bash
# Fuzzing of the record decoder, the trace file reader and the rule parser
# and checker (RELIABILITY.md, "Fuzzing the decoder and the trace reader").
#
# Builds the libFuzzer harnesses of tests/fuzz/ from the library sources,
# replays every file of tests/fuzz/corpus/<harness>/ (seeds and the
# reproducers of past crashes: every one must pass), then runs each harness
# for FUZZ_SECONDS (default 30) with the fixed seed FUZZ_SEED (default 1),
# one fuzzer at a time on one core. New inputs go to a scratch directory,
# never into the repository; crashes are saved under build/fuzz/artifacts/.
# TAP output; exits non-zero on any build failure, crash or invariant failure.
#
# Replay one input:  build/fuzz/fuzz_trace FILE   (exact; a fuzz run with
# the same seed explores much the same inputs, not the same ones bit for bit)
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/fuzz
secs=${FUZZ_SECONDS:-30}
seed=${FUZZ_SEED:-1}
harnesses="fuzz_trace fuzz_records fuzz_rules"
mkdir -p "$out/artifacts"

n=0 failed=0
tap() {	# tap ok|fail description
	n=$((n + 1))
	if [ "$1" = ok ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}
show() {	# what went wrong, from a log, as TAP comments
	if grep -qE 'INVARIANT FAILED|ERROR:|runtime error' "$1"; then
		sed -n '/INVARIANT FAILED\|ERROR:\|runtime error/,$p' "$1" |
			grep -vE '^ +#[0-9]+ 0x[0-9a-f]+ in (fuzzer::|__|_start|main )' |
			head -n 30 | sed 's/^/# /'
	else
		tail -n 25 "$1" | sed 's/^/# /'
	fi
}

for h in $harnesses; do
	if clang-22 -std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I"$root/include/uapi" -I"$root/include" -I"$root/lib" \
		"$root/tests/fuzz/$h.c" "$root"/lib/*.c -ldw -lelf \
		-o "$out/$h" >"$out/$h.build.log" 2>&1; then
		tap ok "build $h"
	else
		show "$out/$h.build.log"
		tap fail "build $h"
	fi
done

for h in $harnesses; do
	[ -x "$out/$h" ] || continue
	for f in "$root/tests/fuzz/corpus/$h"/*; do
		[ -f "$f" ] || continue
		name=$h/$(basename "$f")
		if "$out/$h" "$f" >"$out/replay.log" 2>&1; then
			tap ok "replay $name"
		else
			show "$out/replay.log"
			tap fail "replay $name"
		fi
	done
done

for h in $harnesses; do
	[ -x "$out/$h" ] || continue
	work=$(mktemp -d "$out/work-$h.XXXXXX")
	log=$out/$h.fuzz.log
	seeds=$(find "$root/tests/fuzz/corpus/$h" -type f | wc -l)
	start=$(date +%s)
	"$out/$h" -seed="$seed" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=4096 -print_final_stats=1 \
		-dict="$root/tests/fuzz/$h.dict" \
		-artifact_prefix="$out/artifacts/$h-" \
		"$work" "$root/tests/fuzz/corpus/$h" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
	found=$(find "$work" -type f | wc -l)
	what="fuzz $h: ${execs:-?} executions in $took s (seed $seed,"
	what="$what corpus $seeds files + $found new, peak RSS ${rss:-?} MB)"
	if [ $rc -eq 0 ] && [ -n "$execs" ]; then
		tap ok "$what"
	else
		show "$log"
		sed -n 's/.*Test unit written to /# reproducer: /p' "$log"
		echo "# exit status $rc; run again: $out/$h -seed=$seed" \
			"-max_total_time=$secs DIR tests/fuzz/corpus/$h"
		tap fail "$what"
	fi
	rm -rf "$work"
done

echo "1..$n"
exit $failed
