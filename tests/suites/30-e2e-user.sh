#!/usr/bin/env bash
# End to end in user space: C programs built with `kcovdf cc` at -O0 and
# -O2, run under `kcovdf record`, checked through `kcovdf view --json`.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
kcovdf=$root/build/kcovdf
out=$root/build/tests/e2e
mkdir -p "$out"
for prog in values multi; do
	for opt in O0 O2; do
		bin=$out/$prog-$opt
		if ! "$kcovdf" cc -$opt "$root/tests/e2e/$prog.c" -o "$bin" \
			>"$bin.log" 2>&1 ||
		   ! "$kcovdf" record --user -o "$bin.trace" -- "$bin" \
			>>"$bin.log" 2>&1 ||
		   ! "$kcovdf" view --json "$bin.trace" >"$bin.json" \
			2>>"$bin.log"; then
			notok "$prog -$opt: build, record or view failed"
			show "$bin.log" 1000
			continue
		fi
		relay < <(python3 "$root/tests/e2e/check_$prog.py" "$bin.json" \
			"$prog -$opt")
	done
done
# The text view of the same trace, as a person reads it.
if "$kcovdf" view "$out/values-O2.trace" >"$out/values-O2.txt" 2>&1 &&
   grep -q 'area(p=0x[0-9a-f]* {x=3, y=4}) = 12' "$out/values-O2.txt" &&
   grep -q 'bits(f=0x[0-9a-f]* {ready=1, level=-7, mode=5, wide=0x123456789a}) = -7' "$out/values-O2.txt"; then
	ok "view: text call tree shows names and fields"
else
	notok "view: text call tree"
	show "$out/values-O2.txt" 40
fi
done_testing
