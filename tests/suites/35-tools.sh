#!/usr/bin/env bash
# The reading commands: view (filters, depth, styles, colour), report,
# check (tests/tools/contracts.rules over tests/tools/contracts.c: every
# planted violation caught, the correct code passing), diff, export
# --chrome; on real user-space traces (kcovdf cc -O2, kcovdf record --user)
# and on hand-built kernel traces (tests/tools/mktrace.c, read with a
# stand-in vmlinux). Outputs are compared with tests/tools/expected/ after
# replacing what changes from run to run (pids, addresses). Damaged trace
# files go through every command of an ASan/UBSan build of the tool.
#
# Regenerate the expected outputs (then read the diff!):
#   UPDATE_EXPECTED=1 tests/suites/35-tools.sh
# TAP output; exits non-zero on any failure.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
expect_dirs tools

# What differs between runs: task ids, user-space addresses (stack, PIE,
# heap), as text and as JSON numbers. `expect NAME FILE` (tests/lib.sh)
# compares FILE, put through it, with tests/tools/expected/NAME.
norm() {
	norm_user 's/pid [0-9]+ tid [0-9]+/pid PID tid TID/g'
}

cd "$root" || exit 1

# ---- builds --------------------------------------------------------------
log=$out/build.log
if make -s lib tools >"$log" 2>&1 && [ -x "$K" ]; then
	ok "build kcovdf"
else
	show "$log"; notok "build kcovdf"; done_testing
fi
if grep -E 'warning:' "$log" | grep -qE '(tools|lib)/'; then
	grep -E 'warning:' "$log" | sed 's/^/# /'
	notok "kcovdf builds without warnings"
else
	ok "kcovdf builds without warnings"
fi
# The same sources with ASan and UBSan, for the damaged inputs.
asan=$BUILD/tests/kcovdf-asan
build_kcovdf_asan "$asan" || asan=
prog=$out/contracts
if "$K" cc -O2 tests/tools/contracts.c -o "$prog" -lpthread \
	>"$out/contracts.log" 2>&1 &&
   "$K" record --user -o "$out/contracts.trace" -- "$prog" \
	>>"$out/contracts.log" 2>&1 &&
   CONTRACTS_LEVEL=2 "$K" record --user -o "$out/contracts2.trace" -- \
	"$prog" >>"$out/contracts.log" 2>&1; then
	ok "tests/tools/contracts.c: build with kcovdf cc -O2, record twice"
else
	show "$out/contracts.log"
	notok "tests/tools/contracts.c: build with kcovdf cc -O2, record twice"
	done_testing
fi
vml=$out/kernel-funcs.elf
NM=$(command -v llvm-nm-22 || command -v nm)
if clang-22 -g -O1 -nostdlib -static -fno-pic -Wl,-e,0 \
	tests/tools/kernel-funcs.c -o "$vml" >"$out/kernel.log" 2>&1 &&
   cc_lib "$out/mktrace" tests/tools/mktrace.c >>"$out/kernel.log" 2>&1 &&
   syms=$("$NM" "$vml" | awk '$2 == "T" { print $3 "=0x" $1 }') &&
   "$out/mktrace" "$out/kdoc.trace" doc 0xffffffff80000000 $syms &&
   "$out/mktrace" "$out/kv1.trace" v1 0xffffffff80000000 $syms; then
	ok "hand-built kernel traces (documented and v1 formats)"
else
	show "$out/kernel.log"
	notok "hand-built kernel traces (documented and v1 formats)"
fi

# Relative paths from here on: they appear in the outputs.
cd "$out" || exit 1
T=contracts.trace

# ---- view ------------------------------------------------------------------
"$K" view $T >view.txt 2>&1
expect view view.txt
"$K" view -f 'looper_enter*,upd?te' $T >view-func.txt 2>&1
expect view-func view-func.txt
"$K" view --func=main --depth 1 $T >view-depth.txt 2>&1
expect view-depth view-depth.txt
"$K" view --style=multiline -f update,span,worker $T >view-multi.txt 2>&1
expect view-multiline view-multi.txt
tid=$(grep -m1 -oE '^# pid [0-9]+ tid [0-9]+' view.txt | awk '{print $5}')
"$K" view --task "$tid" $T >view-task.txt 2>&1
if [ "$(grep -c '^# pid' view-task.txt)" = 1 ] &&
   grep -q "tid $tid " view-task.txt; then
	ok "view --task TID: that task only"
else
	show view-task.txt; notok "view --task TID: that task only"
fi
if "$K" view --color=always -f set_max_threads $T >view-color.txt 2>&1 &&
   grep -q $'\033\[1;36mset_max_threads\033\[0m(max=64)' view-color.txt &&
   ! "$K" view $T | grep -q $'\033' &&
   ! "$K" view --color=auto $T | grep -q $'\033' &&
   ! "$K" view --color=never $T | grep -q $'\033'; then
	ok "view: colour with --color=always, none when piped or never"
else
	show view-color.txt; notok "view: colour with --color=always, none when piped or never"
fi
# On a terminal (script(1) gives one): colour unless NO_COLOR.
if command -v script >/dev/null; then
	script -qc "$K view -f configure $T" /dev/null >view-tty.txt 2>&1
	NO_COLOR=1 script -qc "$K view -f configure $T" /dev/null \
		>view-tty-no.txt 2>&1
	if grep -q $'\033\[1;36mconfigure' view-tty.txt &&
	   grep -q '^configure(level=1)' view-tty-no.txt &&
	   ! grep -q $'\033' view-tty-no.txt; then
		ok "view: colour on a terminal, none with NO_COLOR"
	else
		show view-tty.txt; notok "view: colour on a terminal, none with NO_COLOR"
	fi
fi
# JSON: the schema of docs/json.md; filters select lines.
"$K" view --json $T >view.json 2>view.err
"$K" view --json -f looper_enter $T >view-f.json 2>>view.err
if python3 "$root/tests/tools/check_json.py" view view.json view-f.json
then ok "view --json: schema kept, -f selects the same objects"
else show view.err; notok "view --json: schema kept, -f selects the same objects"
fi
status 2 "view: unknown option" "$K" view --bogus $T
status 2 "view: --depth 0" "$K" view --depth 0 $T
status 2 "view: --style bad" "$K" view --style=wide $T

# ---- report ----------------------------------------------------------------
"$K" report $T >report.txt 2>&1
expect report report.txt
"$K" report --sort=name -f 'set_max*,looper_enter' --max-values 1 $T \
	>report-f.txt 2>&1
expect report-filter report-f.txt
if "$K" report --json $T >report.json 2>report.err &&
   python3 "$root/tests/tools/check_json.py" report report.json
then ok "report --json: counts, distinct values, min and max"
else show report.err; notok "report --json: counts, distinct values, min and max"
fi

# ---- check -----------------------------------------------------------------
R=$root/tests/tools/contracts.rules
cp "$R" contracts.rules
"$K" check contracts.rules $T >check.txt 2>&1
rc=$?
expect check check.txt
if [ $rc = 1 ]; then ok "check: violations give exit 1"
else notok "check: violations give exit 1 (got $rc)"
fi
# Every planted violation is caught, every correct function passes.
if grep_each check.txt \
	'^FAIL .*:6: set_max_threads_buggy' '^PASS .*:5: set_max_threads:' \
	'^FAIL .*:12: looper_enter_buggy: unique' '^PASS .*:11: looper_enter: unique' \
	'^FAIL .*:16: obj_get: p->refcnt != 0' '^PASS .*:17: obj_put:' \
	'^FAIL .*:24: cfg_load(id) before' '^PASS .*:23: dev_init(d)' \
	'^FAIL .*:27: mutex_lock(l) balances' \
	'^PASS .*:26: spin_lock(l) balances spin_unlock(l)$'; then
	ok "check: each planted violation caught, the correct code passes"
else
	notok "check: each planted violation caught, the correct code passes"
fi
"$K" check --json contracts.rules $T >check.json 2>check.err
if python3 "$root/tests/tools/check_json.py" check check.json
then ok "check --json: statuses, violating call, earlier call"
else show check.err; notok "check --json: statuses, violating call, earlier call"
fi
# The rules without the ones the planted violations break.
awk 'NR != 6 && NR != 12 && NR != 16 && NR != 20 && NR != 24 && NR != 27' \
	contracts.rules >good.rules
status 0 "check: rules that all hold" "$K" check good.rules $T
status 1 "check --strict: a rule no call decides fails" \
	"$K" check --strict <(grep '^obj_kind: p->refcnt' contracts.rules) $T
printf 'looper_enter: unique(thread) when ret = 0\n' >bad.rules
"$K" check bad.rules $T >bad.out 2>bad.err
if [ $? = 2 ] && grep -q "^kcovdf: bad.rules:1:39: '=' is not an operator" bad.err &&
   [ ! -s bad.out ]; then
	ok "check: syntax error at line:column, exit 2"
else
	show bad.err; notok "check: syntax error at line:column, exit 2"
fi
printf '# typo\n\nset_max_threads: ret == 0 => mx <= 1024\n' >typo.rules
"$K" check typo.rules $T >/dev/null 2>typo.err
if [ $? = 2 ] && grep -q "typo.rules:3:30: 'mx' is no parameter" typo.err; then
	ok "check: a name no call has is an error in the rules, exit 2"
else
	show typo.err; notok "check: a name no call has is an error in the rules, exit 2"
fi
status 2 "check: missing rules file" "$K" check nonexistent.rules $T
# Patterns; a name that only some of the matched functions have.
printf '%s\n' '*_buggy: max > 0 or thread != NULL' \
	'[sl]et_max_threads, *_buggy: ret >= -22' >globs.rules
"$K" check globs.rules $T >globs.out 2>&1
if [ $? = 0 ] && grep -A1 -F ':1: *_buggy' globs.out | grep -q '4 calls$' &&
   grep -A1 -F ':2: [sl]et_max' globs.out | grep -q '6 calls$'; then
	ok "check: glob patterns, names of some of the functions"
else
	show globs.out; notok "check: glob patterns, names of some of the functions"
fi

# ---- diff ------------------------------------------------------------------
"$K" diff $T contracts2.trace >diff.txt 2>&1
rc=$?
expect diff diff.txt
if [ $rc = 1 ] && grep -q '^~ main > configure: level: 1 -> 2$' diff.txt &&
   [ "$(grep -c '^[-+~] ' diff.txt)" = 1 ]; then
	ok "diff: two runs, the one changed value, exit 1"
else
	notok "diff: two runs, the one changed value, exit 1"
fi
status 0 "diff: a trace with itself" "$K" diff $T $T
if "$K" diff --json $T contracts2.trace >diff.json 2>diff.err; [ $? = 1 ] &&
   python3 "$root/tests/tools/check_json.py" diff diff.json
then ok "diff --json"
else show diff.err; notok "diff --json"
fi
"$K" diff --pointers $T contracts2.trace >diff-ptr.txt 2>&1
if grep -q '^~ main > looper_enter: thread: 0x' diff-ptr.txt; then
	ok "diff --pointers: addresses compared too"
else
	show diff-ptr.txt; notok "diff --pointers: addresses compared too"
fi

# ---- export ----------------------------------------------------------------
if "$K" export --chrome -o chrome.json $T 2>export.err &&
   python3 "$root/tests/tools/check_json.py" chrome chrome.json
then ok "export --chrome: valid JSON, nested X events, args, metadata"
else show export.err; notok "export --chrome: valid JSON, nested X events, args, metadata"
fi
"$K" export --chrome -f update $T >chrome-f.json 2>>export.err
if python3 "$root/tests/tools/check_json.py" chrome-names chrome-f.json |
   grep -qx "\['mutex_lock', 'mutex_lock', 'mutex_unlock', 'update', 'update'\]"; then
	ok "export -f: matching calls and their subtrees"
else
	notok "export -f: matching calls and their subtrees"
fi
status 2 "export without --chrome" "$K" export $T

# ---- kernel-like traces ----------------------------------------------------
if [ -f kv1.trace ]; then
	V="--vmlinux kernel-funcs.elf"
	"$K" view $V kv1.trace >kv1-view.txt 2>&1
	expect kernel-v1-view kv1-view.txt
	"$K" view $V kdoc.trace >kdoc-view.txt 2>&1
	expect kernel-doc-view kdoc-view.txt
	"$K" view kv1.trace >kv1-view-nodwarf.txt 2>&1
	expect kernel-v1-view-syms-only kv1-view-nodwarf.txt
	"$K" report $V kv1.trace >kv1-report.txt 2>&1
	expect kernel-v1-report kv1-report.txt
	"$K" report kdoc.trace >kdoc-report.txt 2>&1
	expect kernel-doc-report-syms-only kdoc-report.txt
	cp "$root/tests/tools/kernel.rules" kernel.rules
	"$K" check $V kernel.rules kv1.trace >kv1-check.txt 2>&1
	expect kernel-v1-check kv1-check.txt
	"$K" check $V kernel.rules kdoc.trace >kdoc-check.txt 2>&1
	expect kernel-doc-check kdoc-check.txt
	if "$K" view --json $V kdoc.trace | grep -q '"ret":-22,"ret_detail":{"value":-22,"type":"int","errno":"EINVAL"}'; then
		ok "kernel: view --json names the error of a return"
	else
		notok "kernel: view --json names the error of a return"
	fi
	"$K" export --chrome $V kv1.trace >kv1-chrome.json 2>/dev/null
	if python3 "$root/tests/tools/check_json.py" kernel-chrome kv1-chrome.json
	then ok "kernel: export marks losses, remote streams, error names"
	else notok "kernel: export marks losses, remote streams, error names"
	fi
fi

# ---- damaged traces, under ASan and UBSan ----------------------------------
python3 "$root/tests/tools/damage_trace.py" fixed "$T"
cp "$R" check.rules
if [ -n "$asan" ] && run_case \
	"damaged traces: every command exits 2 with a message (ASan, UBSan)" \
	"cut and flipped traces: no crash, no sanitizer report" \
	"mangled rules files: exit 0, 1 or 2, no sanitizer report" \
	"every command on good traces: no sanitizer report"; then
	bad=0
	for f in trunc-hdr empty magic major badrec missing; do
		for cmd in "view" "view --json" "report" "report --json" \
			   "check check.rules" "diff $T" "export --chrome"; do
			# shellcheck disable=SC2086
			"$asan" $cmd $f.trace >asan.out 2>asan.err
			rc=$?
			if [ $rc != 2 ] || ! grep -q '^kcovdf: ' asan.err ||
			   grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' asan.err; then
				echo "# $cmd $f.trace: exit $rc"
				show asan.err 8
				bad=1
			fi
		done
	done
	if [ $bad = 0 ]; then
		ok "damaged traces: every command exits 2 with a message (ASan, UBSan)"
	else
		notok "damaged traces: every command exits 2 with a message (ASan, UBSan)"
	fi
	# Truncated (a chunk runs past the end of the file: cut there, or its
	# size damaged, which a reader cannot tell apart): the chunks before
	# the cut are read, one warning says where, the usual exit status;
	# --strict exits 2.
	bad=0
	for f in trunc-half hugechunk; do
		for cmd in "view" "view --json" "report" "report --json" \
			   "check check.rules" "diff $T" "export --chrome"; do
			# shellcheck disable=SC2086
			"$asan" $cmd $f.trace >asan.out 2>asan.err
			rc=$?
			# shellcheck disable=SC2086
			"$asan" $cmd --strict $f.trace >/dev/null \
				2>asan-strict.err
			src=$?
			if [ $rc -gt 1 ] ||
			   [ "$(grep -c "^kcovdf: warning: $f.trace: trace truncated at byte" asan.err)" != 1 ] ||
			   [ $src != 2 ] ||
			   grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' asan.err asan-strict.err; then
				echo "# $cmd $f.trace: exit $rc, --strict $src"
				show asan.err 8
				bad=1
			fi
		done
	done
	if grep -qE '^[a-z_]+\(' <("$asan" view trunc-half.trace 2>/dev/null) &&
	   [ $bad = 0 ]; then
		ok "truncated traces: the chunks before the cut read, one warning, --strict exits 2 (ASan, UBSan)"
	else
		notok "truncated traces: the chunks before the cut read, one warning, --strict exits 2 (ASan, UBSan)"
	fi
	# Cut at 24 offsets and flip 24 bytes: any exit but a crash.
	bad=0
	size=$(stat -c %s $T)
	for i in $(seq 1 24); do
		python3 "$root/tests/tools/damage_trace.py" cut $T $i "$size"
		for f in cut flip; do
			for cmd in "view" "report" "check check.rules" \
				   "diff $T" "export --chrome"; do
				# shellcheck disable=SC2086
				"$asan" $cmd $f.trace >asan.out 2>asan.err
				rc=$?
				if [ $rc -gt 2 ] ||
				   grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' asan.err ||
				   { [ $rc = 2 ] && ! grep -q '^kcovdf: ' asan.err; }; then
					echo "# $cmd $f.trace ($i): exit $rc"
					show asan.err 8
					bad=1
				fi
			done
		done
	done
	if [ $bad = 0 ]; then
		ok "cut and flipped traces: no crash, no sanitizer report"
	else
		notok "cut and flipped traces: no crash, no sanitizer report"
	fi
	# Mangled rules files: a message, never a crash.
	if python3 "$root/tests/tools/check_mangled_rules.py" "$asan" \
		contracts.rules contracts.trace
	then ok "mangled rules files: exit 0, 1 or 2, no sanitizer report"
	else notok "mangled rules files: exit 0, 1 or 2, no sanitizer report"
	fi
	# The good traces under the sanitizers too.
	bad=0
	for cmd in "view $T" "view --style=multiline $T" "report $T" \
		   "check check.rules $T" "diff $T contracts2.trace" \
		   "export --chrome $T" "check --vmlinux kernel-funcs.elf kernel.rules kdoc.trace" \
		   "report --vmlinux kernel-funcs.elf kv1.trace"; do
		# shellcheck disable=SC2086
		"$asan" $cmd >asan.out 2>asan.err
		if [ $? -gt 1 ] || grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' asan.err; then
			echo "# $cmd"; show asan.err 8; bad=1
		fi
	done
	if [ $bad = 0 ]; then
		ok "every command on good traces: no sanitizer report"
	else
		notok "every command on good traces: no sanitizer report"
	fi
fi

done_testing
