#!/usr/bin/env bash
# One call tree from PC_EXT entry/exit words and dataflow records
# (kcovdf_calls_merge, docs/tools.md "Merged call trees"):
#  * the decoder: PC_EXT words and SECTION records (tests/merge/test_decode.c,
#    under ASan/UBSan);
#  * a user-space program in two halves, one built with dataflow and
#    entry-exit instrumentation, one with entry-exit only: exact nesting
#    and values, text and JSON; tests/e2e/multi.c (threads, fork) with
#    entry-exit: every call merged;
#  * synthetic kernel traces (tests/merge/mkmerge.c): DEPTH words, remote
#    sections, a truncated PC_EXT stream, PC_EXT words and dataflow records
#    of unknown kinds, a malformed SECTION record; also through an
#    ASan/UBSan build of kcovdf;
#  * kcovdf record's option checks;
#  * in the guest (kernel/vm.sh, variant small, when built): kcovdf record
#    --pc-ext of `busybox dd ... bs=123 count=1`, then view on the host with
#    the vmlinux: ksys_read(..., count=123) with its children nested; and
#    record --pc-ext --remote of the test module's cases chain, depth,
#    sleep and "remote 2": merged nesting, DEPTH words, remote sections.
#    SKIPped when the kernel has no KCOV_TRACE_PC_EXT (or no kernel is
#    built; KCOVDF_MERGE_VM=0 skips it too).
#
# Regenerate the expected outputs (then read the diff!):
#   UPDATE_EXPECTED=1 tests/suites/54-merge.sh
# TAP output; exits non-zero on any failure.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
expect_dirs merge

# What differs between runs; `expect NAME FILE` (tests/lib.sh) compares
# FILE, put through it, with tests/merge/expected/NAME.
norm() {
	norm_user |
		sed -E -e 's/^\{"pid":[0-9]+,"tid":[0-9]+/{"pid":PID,"tid":PID/' \
		       -e 's/"(pc|value)":(9[0-9]|1[0-4])[0-9]{12,}/"\1":ADDR/g'
}

cd "$root" || exit 1

# ---- builds --------------------------------------------------------------
if make -s lib tools runtime >"$out/build.log" 2>&1 && [ -x "$K" ]; then
	ok "build kcovdf"
else
	show "$out/build.log"; notok "build kcovdf"; done_testing
fi
mk=$out/mkmerge
if cc_lib "$mk" tests/merge/mkmerge.c >"$out/mkmerge.log" 2>&1; then
	ok "build tests/merge/mkmerge.c"
else
	show "$out/mkmerge.log"; notok "build tests/merge/mkmerge.c"; mk=
fi
asan=$BUILD/tests/kcovdf-asan-merge
build_kcovdf_asan "$asan" || asan=

# ---- the decoder's new kinds, word by word ---------------------------------
td=$out/test_decode
if clang-22 -std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I"$root/include/uapi" -I"$root/include" \
	tests/merge/test_decode.c "$root"/lib/*.c -ldw -lelf -o "$td" \
	>"$out/test_decode.log" 2>&1; then
	"$td" >"$out/test_decode.out" 2>&1
	rc=$?
	while read -r res what; do
		if [ "$res" = ok ]; then ok "decode: $what"; else notok "decode: $what"; fi
	done <"$out/test_decode.out"
	[ $rc = 0 ] || { show "$out/test_decode.out"; notok "tests/merge/test_decode exit $rc"; }
else
	show "$out/test_decode.log"; notok "build tests/merge/test_decode.c"
fi

# ---- user space: dataflow and entry-exit halves --------------------------
prog=$out/merge
if KCOVDF_MODES=args,ret,entry-exit "$K" cc -O1 -Wno-unused-command-line-argument \
	-fsanitize-coverage=trace-pc -c tests/merge/merge-df.c -o "$out/df.o" \
	>"$out/cc.log" 2>&1 &&
   KCOVDF_MODES=entry-exit "$K" cc -O1 -Wno-unused-command-line-argument \
	-fsanitize-coverage=trace-pc -c tests/merge/merge-pc.c -o "$out/pc.o" \
	>>"$out/cc.log" 2>&1 &&
   "$K" cc "$out/df.o" "$out/pc.o" -o "$prog" >>"$out/cc.log" 2>&1; then
	ok "build tests/merge/merge-{df,pc}.c"
else
	show "$out/cc.log"; notok "build tests/merge/merge-{df,pc}.c"; prog=
fi
if [ -n "$prog" ]; then
	rm -f "$out/user.trace"
	status 0 "record the user-space program" \
		"$K" record --user -o "$out/user.trace" -- "$prog"
	"$K" view --color=never "$out/user.trace" >"$out/user.view" 2>&1
	expect user-view "$out/user.view"
	"$K" view --json "$out/user.trace" >"$out/user.json" 2>&1
	expect user-json "$out/user.json"
	# The same tree, checked by structure: each dataflow call under the
	# frame it ran in, PC_EXT-only frames without values.
	if python3 "$root/tests/merge/check_merge.py" user "$out/user.json" \
		>"$out/user.py.log" 2>&1
	then
		ok "user JSON: dataflow calls nested in PC_EXT-only frames, values exact"
	else
		show "$out/user.py.log"
		notok "user JSON: dataflow calls nested in PC_EXT-only frames, values exact"
	fi
	# Every reading command takes the merged tree.
	status 0 "report on a merged trace" "$K" report "$out/user.trace"
	has "report counts PC_EXT-only functions" "pc_only_middle: 1 call" \
		"$out/status.out"
	status 0 "export --chrome on a merged trace" \
		"$K" export --chrome -o "$out/user.chrome.json" "$out/user.trace"
	"$K" view --color=never -f pc_only_middle --depth 2 \
		"$out/user.trace" >"$out/user-func.view" 2>&1
	expect user-view-func "$out/user-func.view"
fi

# Threads and fork (tests/e2e/multi.c): every task's tree merged, every
# call seen by both streams.
mprog=$out/multi
if KCOVDF_MODES=args,ret,entry-exit "$K" cc -O1 -Wno-unused-command-line-argument \
	-fsanitize-coverage=trace-pc tests/e2e/multi.c -o "$mprog" -lpthread \
	>"$out/multi-cc.log" 2>&1; then
	rm -f "$out/multi.trace"
	"$K" record --user -o "$out/multi.trace" -- "$mprog" >/dev/null 2>&1
	"$K" view --json "$out/multi.trace" >"$out/multi.json" 2>"$out/multi.err"
	if python3 "$root/tests/merge/check_merge.py" multi "$out/multi.json" \
		>"$out/multi.py.log" 2>&1
	then
		ok "threads and fork: every call on its PC_EXT frame ($(cat "$out/multi.py.log"))"
	else
		show "$out/multi.py.log"
		notok "threads and fork: every call on its PC_EXT frame"
	fi
else
	show "$out/multi-cc.log"; notok "build tests/e2e/multi.c with entry-exit"
fi

# ---- synthetic kernel traces ---------------------------------------------
if [ -n "$mk" ]; then
	"$mk" "$out/merge.trace" merge && "$mk" "$out/damaged.trace" damaged &&
		"$mk" "$out/badsection.trace" badsection
	status 0 "view: DEPTH words, remote sections, truncated and unknown" \
		"$K" view --color=never "$out/merge.trace"
	cp "$out/status.out" "$out/merge.view"
	expect synthetic-view "$out/merge.view"
	has "unknown PC_EXT words are counted, not silently dropped" \
		"stream 40/40: 2 PC_EXT words of unknown type skipped" \
		"$out/status.err"
	"$K" view --json "$out/merge.trace" >"$out/merge.json" 2>/dev/null
	expect synthetic-json "$out/merge.json"
	if python3 "$root/tests/merge/check_merge.py" jsonl "$out/merge.json" \
		2>"$out/json.err"; then
		ok "view --json of the synthetic trace is valid JSON"
	else
		show "$out/json.err"; notok "view --json of the synthetic trace is valid JSON"
	fi
	status 2 "a dataflow record of unknown kind: exit 2, calls before it" \
		"$K" view --color=never "$out/damaged.trace"
	has "damaged: the message names the record" \
		"word 6: record of unknown kind 9" "$out/status.err"
	has "damaged: calls before it shown" "ksys_read(arg0=3)" \
		"$out/status.out"
	status 2 "a SECTION record without its pid word: exit 2" \
		"$K" view "$out/badsection.trace"
	has "bad SECTION: clear message" \
		"SECTION record with 0 extra words (want 1)" "$out/status.err"
	status 0 "report skips section nodes" "$K" report "$out/merge.trace"
	if [ -n "$asan" ]; then
		bad=0
		for f in merge damaged badsection; do
			for cmd in "view" "view --json" "view --style=multiline" \
				   "report" "export --chrome -o /dev/null"; do
				"$asan" $cmd "$out/$f.trace" >"$out/asan.out" \
					2>"$out/asan.err"
				rc=$?
				if [ $rc -ne 0 ] && [ $rc -ne 2 ] ||
				   grep -q "Sanitizer\|runtime error" "$out/asan.err"; then
					echo "# $cmd $f.trace: exit $rc"
					show "$out/asan.err" 10
					bad=1
				fi
			done
		done
		if [ $bad = 0 ]; then
			ok "ASan/UBSan: every command on the synthetic traces"
		else
			notok "ASan/UBSan: every command on the synthetic traces"
		fi
	fi
fi

# ---- record's options ----------------------------------------------------
status 1 "record --pc-ext in user mode: clear error" \
	"$K" record --user --pc-ext -o "$out/x.trace" -- true
has "record --pc-ext --user says why" "records the kernel only" \
	"$out/status.err"
status 1 "record --handle without --remote: clear error" \
	"$K" record --handle 5 -o "$out/x.trace" -- true
has "record --handle without --remote says so" "--handle goes with --remote" \
	"$out/status.err"
status 1 "record --handle out of range: clear error" \
	"$K" record --remote --handle 0x100000000 -o "$out/x.trace" -- true
has "record --handle out of range says so" "a number from 1 to 0xffffffff" \
	"$out/status.err"

# ---- the guest -----------------------------------------------------------
# One boot: the read(2) of the brief, then the test module's cases (it is
# instrumented for KCOV and dataflow both): chain (nesting), depth (DEPTH
# words), sleep (context switches), remote 2 (remote sections in kworkers).
bz=$BUILD/kernel/small/arch/x86/boot/bzImage
vml=$BUILD/kernel/small/vmlinux
if [ "${KCOVDF_MERGE_VM:-1}" = 0 ]; then
	skip "guest: kcovdf record --pc-ext" "KCOVDF_MERGE_VM=0"
elif no_kernel; then
	skip "guest: kcovdf record --pc-ext" "KCOVDF_NO_KERNEL=1"
elif [ ! -f "$bz" ] || [ ! -f "$vml" ]; then
	skip "guest: kcovdf record --pc-ext" "no kernel in build/kernel/small; kernel/build.sh small"
else
	share=$out/share
	rm -rf "$share"
	mkdir -p "$share"
	cat >"$share/cases.sh" <<'SH'
for c in chain depth sleep "remote 2"; do
	echo "$c" >/sys/kernel/debug/test_kcov_dataflow/run || exit 1
done
SH
	kernel/vm.sh --variant small --no-build --share "$share" \
		--add "$K:/bin/kcovdf" --timeout 300 -- \
		'kcovdf record --pc-ext -o /share/t.trace -- busybox dd if=/dev/zero of=/dev/null bs=123 count=1 &&
		 modprobe test_kcov_dataflow &&
		 kcovdf record --pc-ext --remote -o /share/m.trace -- sh /share/cases.sh' \
		>"$out/vm.log" 2>&1
	rc=$?
	if grep -q "kernel has no KCOV_TRACE_PC_EXT\|kernel has no KCOV" "$out/vm.log"; then
		skip "guest: kcovdf record --pc-ext" "$(grep -o 'kernel has no [^()]*([^)]*)' "$out/vm.log" | head -n 1)"
	elif [ ! -s "$share/t.trace" ]; then
		show "$out/vm.log"
		notok "guest: kcovdf record --pc-ext (exit $rc)"
	else
		ok "guest: kcovdf record --pc-ext"
		"$K" view --color=never --vmlinux "$vml" "$share/t.trace" \
			>"$out/guest.view" 2>"$out/guest.err"
		# ksys_read with count=123, and a deeper line right after it.
		if awk '
			/ksys_read\(.*count=123/ && / \{$/ {
				match($0, /^ */); d = RLENGTH; want = 1; next
			}
			want { match($0, /^ */); if (RLENGTH > d) found = 1; want = 0 }
			END { exit !found }' "$out/guest.view"; then
			ok "guest: ksys_read(..., count=123) with its children nested"
		else
			show "$out/guest.view" 40
			notok "guest: ksys_read(..., count=123) with its children nested"
		fi
		if grep -q '\[dataflow + PC_EXT\]' "$out/guest.view"; then
			ok "guest: the trace has dataflow and PC_EXT of one task"
		else
			show "$out/guest.view" 5
			notok "guest: the trace has dataflow and PC_EXT of one task"
		fi
		# Merged for real: ksys_read's dataflow call sits on its PC_EXT
		# frame. Needs fs/read_write.c instrumented for KCOV too.
		"$K" view --json --vmlinux "$vml" "$share/t.trace" \
			>"$out/guest.json" 2>/dev/null
		python3 "$root/tests/merge/check_merge.py" guest "$out/guest.json" \
			>"$out/guest.py.log" 2>&1
		rc=$?
		if [ $rc -ne 0 ]; then
			show "$out/guest.py.log"
			notok "guest: ksys_read(count=123) merged with its PC_EXT frame"
		elif grep -q '^SKIP' "$out/guest.py.log"; then
			skip "guest: merged ksys_read" "$(sed 's/^SKIP //' "$out/guest.py.log")"
		else
			ok "guest: ksys_read(count=123) merged with its PC_EXT frame ($(sed 's/^OK //' "$out/guest.py.log"))"
		fi
		# The test module's cases, local and remote.
		moddir=$(dirname "$(find "$BUILD/kernel/small/modinst" -name test_kcov_dataflow.ko | head -n 1)")
		if [ ! -s "$share/m.trace" ]; then
			show "$out/vm.log"
			notok "guest: record --pc-ext --remote of the test module's cases"
		else
			ok "guest: record --pc-ext --remote of the test module's cases"
			"$K" view --json --vmlinux "$vml" --modules "$moddir" \
				"$share/m.trace" >"$out/module.json" 2>"$out/module.err"
			"$K" view --color=never --vmlinux "$vml" --modules "$moddir" \
				"$share/m.trace" >"$out/module.view" 2>&1
			python3 "$root/tests/merge/check_merge.py" module \
				"$out/module.json" >"$out/module.py.log" 2>&1
			while read -r res what; do
				case $what in
				chain) d="module chain: chain1(100)..chain10(109) on their PC_EXT frames, nested, returns 227..218" ;;
				depth) d="module depth: irq_in closed by DEPTH -1 -1, irq_out opened by DEPTH +0 +1, irq_in and irq_out by DEPTH -1 +0" ;;
				section) d="module remote 2: remote section nodes" ;;
				remote_fn) d="module remote 2: kcovdf_test_remote_fn recorded in a section" ;;
				*) d=$what ;;
				esac
				if [ "$res" = ok ]; then ok "guest: $d"; else
					show "$out/module.view" 30; notok "guest: $d"; fi
			done <"$out/module.py.log"
		fi
	fi
fi

done_testing
