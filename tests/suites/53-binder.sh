#!/usr/bin/env bash
# Audit a subsystem of your own choosing, end to end (issue #10):
#
# 1. `kcovdf vm build --name ...` refuses bad input with a clear message
#    and no build: a path that does not exist, an option that does not
#    exist, a directory or file KCOV may not instrument, an option whose
#    dependency is not met, a number outside its range, a file no option
#    builds, a --kernel-src tree with uncommitted changes or one the series
#    does not apply to; and it takes numbers and strings as options, a tree
#    of your own (git worktree, series on a branch) and a .config of your
#    own (configure only).
# 2. The RFC's binder audit on C binder (Linux 6.12): builds the variant
#    "binder" (drivers/android/ instrumented for dataflow and KCOV, binder
#    and binderfs enabled, --no-inline), boots it, records
#    tests/binder/binder_loop in the guest (BINDER_SET_MAX_THREADS
#    0xffffffff, BC_ENTER_LOOPER twice; and a run within the hypotheses),
#    and checks that `kcovdf check tests/binder/binder.rules` reports both
#    departures with their values and passes the other run; no --vmlinux:
#    the reading commands find the variant's vmlinux by the trace's build
#    id. TAP.
#
# KCOVDF_BINDER_NO_BUILD=1: use build/kernel/binder as built.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
needs_kernel
kcovdf=$root/build/kcovdf
top=$root/build/kernel
mkdir -p "$top"
log=$top/binder-suite.log
: > "$log"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kcovdf-binder.XXXXXX")
chmod 755 "$tmp"
cleanup() {
	[ -d "$tmp/linux" ] && git -C "$tmp/linux" worktree remove --force "$top/src-53-usersrc" 2>/dev/null
	rm -rf "$top/53-bad" "$top/53-usersrc" "$top/src-53-usersrc" "$top/53-ownconfig"
	[ "${KCOVDF_KEEP:-0}" = 1 ] && echo "# keeping $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

if ! make -s -C "$root" all >> "$log" 2>&1; then
	tail -n 20 "$log" | sed 's/^/# /'
	notok "kcovdf and the plugin build (log: $log)"
	done_testing
fi

# ---------------------------------------------------------------------
# 2a. The binder variant (first: it also makes build/kernel/src)
# ---------------------------------------------------------------------
binder_def=(--name binder --instrument drivers/android/
	    --config CONFIG_ANDROID_BINDER_IPC=y --config CONFIG_ANDROID_BINDERFS=y
	    --no-inline)
bout=$top/binder
if [ "${KCOVDF_BINDER_NO_BUILD:-0}" = 1 ]; then
	ok "binder: kernel as built (KCOVDF_BINDER_NO_BUILD=1)"
else
	start=$(date +%s)
	if KCOVDF_BUILD_QUIET=1 "$kcovdf" vm build "${binder_def[@]}" > "$tmp/build.out" 2> "$tmp/build.err"; then
		ok "binder: kcovdf vm build ${binder_def[*]} ($(( $(date +%s) - start )) s)"
	else
		tail -n 30 "$tmp/build.err" | sed 's/^/# /'
		notok "binder: kcovdf vm build ${binder_def[*]}"
		done_testing
	fi
	sed 's/^/# /' "$tmp/build.err" | grep -E 'instrumented|built in'
	if grep -q 'instrumented: drivers/android/ (3 object(s), dataflow and KCOV)' "$tmp/build.err"; then
		ok "binder: the build says drivers/android/ is instrumented (3 objects, dataflow and KCOV)"
	else
		notok "binder: the build says drivers/android/ is instrumented (3 objects, dataflow and KCOV)"
	fi
fi
# Independently of build.sh's own check: binder.o calls the callbacks, and
# an object outside the path does not.
u=$(llvm-nm-22 -u "$bout/drivers/android/binder.o" 2>/dev/null)
if printf '%s\n' "$u" | grep -qE ' (__sanitizer_cov_trace_args|__kcov_df_trace_args_v[0-9]+)$' &&
   printf '%s\n' "$u" | grep -q ' __sanitizer_cov_trace_pc_entry$' &&
   ! llvm-nm-22 -u "$bout/fs/pipe.o" | grep -qE 'trace_args|trace_pc'; then
	ok "binder: binder.o calls the dataflow and KCOV entry callbacks, fs/pipe.o neither"
else
	notok "binder: binder.o calls the dataflow and KCOV entry callbacks, fs/pipe.o neither"
fi
if grep -qx 'instrument drivers/android/' "$bout/kcovdf-variant" &&
   grep -qx 'CONFIG_ANDROID_BINDERFS=y' "$bout/.config" &&
   grep -qx 'CONFIG_KCOV_DATAFLOW_NO_INLINE=y' "$bout/.config"; then
	ok "binder: the definition is kept (kcovdf-variant) and the options hold in .config"
else
	notok "binder: the definition is kept (kcovdf-variant) and the options hold in .config"
fi

# ---------------------------------------------------------------------
# 1. Bad input: a clear error, no build
# ---------------------------------------------------------------------
# refused DESCRIPTION PATTERN ARGS...: `kcovdf vm build ARGS` must fail and
# say PATTERN (extended regexp) on standard error.
refused() {
	local desc=$1 pat=$2 rc
	shift 2
	"$kcovdf" vm build "$@" > "$tmp/r.out" 2> "$tmp/r.err"
	rc=$?
	if [ $rc -ne 0 ] && grep -qE -- "$pat" "$tmp/r.err"; then
		ok "refused: $desc (exit $rc)"
		grep -E 'error|depends|would not|fails|^  ' "$tmp/r.err" | head -n 4 | cut -c1-200 | sed 's/^/#   /'
	else
		sed 's/^/# /' "$tmp/r.err" | tail -n 10
		notok "refused: $desc (exit $rc)"
	fi
}
refused "a path that does not exist" \
	'--instrument drivers/androidx/: no such file or directory' \
	--name 53-bad --instrument drivers/androidx/ --configure-only
refused "an option that does not exist" \
	'there is no option CONFIG_NO_SUCH_OPTION in this kernel' \
	--name 53-bad --config CONFIG_NO_SUCH_OPTION=y --configure-only
refused "an option of another architecture" \
	'CONFIG_ARM64_SVE is defined only for other architectures' \
	--name 53-bad --config CONFIG_ARM64_SVE=y --configure-only
refused "a bool option set to m" \
	'CONFIG_ANDROID_BINDERFS is a bool option' \
	--name 53-bad --config CONFIG_ANDROID_BINDERFS=m --configure-only
refused "a directory KCOV may not instrument, naming the Makefile line" \
	'KCOV may not instrument kernel/sched/ \(kernel/sched/Makefile:[0-9]+:KCOV_INSTRUMENT := n\)' \
	--name 53-bad --instrument kernel/sched/ --configure-only
refused "a file KCOV may not instrument, naming the Makefile line" \
	'kernel/Makefile:[0-9]+:KCOV_INSTRUMENT_kcov_dataflow.o := n' \
	--name 53-bad --instrument kernel/kcov_dataflow.c --configure-only
refused "a header" \
	'a header is not compiled on its own' \
	--name 53-bad --instrument drivers/android/binder_internal.h --configure-only
refused "a built-in variant's name" \
	"'small' is a built-in variant" \
	--name small --instrument fs/pipe.c --configure-only
refused "a variant never defined" \
	"unknown variant '53-never'" \
	--name 53-never
# These three configure (tinyconfig + olddefconfig), still no build.
refused "an unmet dependency, named with its value" \
	'CONFIG_ANDROID_BINDERFS=y \(have: unset\)' \
	--name 53-bad --config CONFIG_ANDROID_BINDERFS=y --configure-only
if grep -q 'drivers/android/Kconfig:[0-9]*: depends on ANDROID_BINDER_IPC *\[now: ANDROID_BINDER_IPC=n \]' "$tmp/r.err"; then
	ok "refused: ... and the dependency: drivers/android/Kconfig: depends on ANDROID_BINDER_IPC [now: ANDROID_BINDER_IPC=n]"
else
	notok "refused: ... and the dependency: drivers/android/Kconfig: depends on ANDROID_BINDER_IPC [now: ANDROID_BINDER_IPC=n]"
fi
refused "a file no enabled option compiles, naming the Makefile line" \
	'drivers/android/Makefile:[0-9]+: obj-\$\(CONFIG_ANDROID_BINDER_IPC\) \.\.\. binder_linux\.o +\[now: CONFIG_ANDROID_BINDER_IPC=n \]' \
	--name 53-bad --instrument drivers/android/binder.c --configure-only
# Numbers and strings: taken as Kconfig writes them (a string quoted, hex
# with 0x); a number outside the option's range is named with the range,
# and help text that starts a line with "if" is not read as a condition
# (init/Kconfig: LOCALVERSION_AUTO's help, just above LOG_BUF_SHIFT).
refused "an int outside its range, naming the range" \
	'CONFIG_LOG_BUF_SHIFT=99 \(have: CONFIG_LOG_BUF_SHIFT=25\)' \
	--name 53-bad --config CONFIG_LOG_BUF_SHIFT=99 --config CONFIG_CONSOLE_LOGLEVEL_DEFAULT=5 \
	--config CONFIG_PHYSICAL_ALIGN=400000 --config CONFIG_LOCALVERSION=-audit --configure-only
if grep -qE '^ +init/Kconfig:[0-9]+: range 12 25$' "$tmp/r.err" &&
   grep -q ' 1 requested option(s) did not end up set' "$tmp/r.err" &&
   ! grep -q 'git-based' "$tmp/r.err"; then
	ok "refused: ... init/Kconfig: range 12 25, and no line of help text as a condition"
else
	notok "refused: ... init/Kconfig: range 12 25, and no line of help text as a condition"
fi
check "--config with an int, a hex without 0x and a string: all three hold in .config" \
	grep_each "$top/53-bad/.config" '^CONFIG_CONSOLE_LOGLEVEL_DEFAULT=5$' \
	'^CONFIG_PHYSICAL_ALIGN=0x400000$' '^CONFIG_LOCALVERSION="-audit"$'
rm -rf "$top/53-bad"

# --kernel-src: a git tree of the user's (a clone of the Debian tree with
# only a few files checked out, so it costs seconds).
utree=$tmp/linux
if git clone -q --shared --no-checkout "$top/src" "$utree" &&
   git -C "$utree" sparse-checkout set --no-cone /Makefile /Kconfig /kernel/kcov.c &&
   git -C "$utree" checkout -q -b work pristine-6.12; then
	# And a .config of the user's: the binder variant's, without
	# dataflow and without the 9p share kernel/vm.sh needs.
	sed -e '/^CONFIG_KCOV_DATAFLOW/d' -e '/^CONFIG_9P_FS=/d' "$bout/.config" > "$tmp/my.config"
	start=$(date +%s)
	if "$kcovdf" vm build --name 53-usersrc --kernel-src "$utree" --kernel-config "$tmp/my.config" \
		--configure-only > "$tmp/u.out" 2> "$tmp/u.err" &&
	   [ "$(git -C "$utree" rev-list --count pristine-6.12..kcovdf/53-usersrc)" = "$(ls "$root"/kernel/patches/*.patch | wc -l)" ] &&
	   [ "$(git -C "$utree" symbolic-ref --short HEAD)" = work ] &&
	   [ "$(git -C "$utree" rev-parse HEAD)" = "$(git -C "$utree" rev-parse pristine-6.12)" ] &&
	   [ -z "$(git -C "$utree" status --porcelain)" ] &&
	   [ "$(git -C "$top/src-53-usersrc" symbolic-ref --short HEAD)" = kcovdf/53-usersrc ]; then
		ok "--kernel-src: the series is applied with git am on branch kcovdf/53-usersrc in a worktree; the user's checkout is untouched ($(( $(date +%s) - start )) s)"
	else
		sed 's/^/# /' "$tmp/u.err" | tail -n 10
		notok "--kernel-src: the series is applied with git am on branch kcovdf/53-usersrc in a worktree; the user's checkout is untouched"
	fi
	c=$top/53-usersrc/.config
	if grep -qx 'CONFIG_KCOV_DATAFLOW=y' "$c" && grep -qx 'CONFIG_9P_FS=y' "$c" &&
	   grep -qx 'CONFIG_ANDROID_BINDER_IPC=y' "$c"; then
		ok "--kernel-config: the user's .config is the base (binder kept), kernel/configs/own.config on top (dataflow, 9p)"
	else
		notok "--kernel-config: the user's .config is the base (binder kept), kernel/configs/own.config on top (dataflow, 9p)"
	fi
	sed -i 's/in_softirq_really/in_softirq_only/g' "$utree/kernel/kcov.c"
	refused "--kernel-src with uncommitted changes" \
		'has uncommitted changes: commit or stash them' \
		--name 53-bad --kernel-src "$utree" --configure-only
	git -C "$utree" -c user.name=t -c user.email=t@t.invalid commit -q -am "kcov: rename in_softirq_really()"
	refused "--kernel-src the series does not apply to, naming the patch and git's reason" \
		'000[0-9]-kcov-[a-zA-Z0-9_-]*\.patch fails' \
		--name 53-bad --kernel-src "$utree" --configure-only
	grep -q 'patch failed: kernel/kcov.c' "$tmp/r.err" &&
		ok "refused: ... git's reason: patch failed: kernel/kcov.c:LINE" ||
		notok "refused: ... git's reason: patch failed: kernel/kcov.c:LINE"
	rm -rf "$top/53-bad"
else
	notok "a sparse clone of $top/src for --kernel-src"
fi

# ---------------------------------------------------------------------
# 2b. The binder audit in the guest
# ---------------------------------------------------------------------
if ! gcc -static -O2 -Wall -Wextra -Werror -o "$tmp/binder_loop" \
	"$root/tests/binder/binder_loop.c" >> "$log" 2>&1; then
	notok "binder_loop builds (gcc -static)"
	done_testing
fi
share=$tmp/share
mkdir -p "$share" && chmod 777 "$share"
cmd='set -e
mkdir -p /dev/binderfs
mount -t binder binder /dev/binderfs
kcovdf record -o /share/binder.trace -- binder_loop
kcovdf record -o /share/binder-ok.trace -- binder_loop -m 15 -n 1
kcovdf record --pc-ext -o /share/binder-pcext.trace -- binder_loop'
guest_run "binder: kcovdf record in the guest around binder_loop (three traces)" \
	"$kcovdf" vm run --variant binder --no-build --share "$share" \
	--add "$kcovdf:/bin/kcovdf" --add "$tmp/binder_loop:/bin/binder_loop" \
	--timeout 600 -- "$cmd"
out=$guest_out
printf '%s\n' "$out" | grep -E '^BINDER' | sed 's/^/# guest: /'
if [ "$(printf '%s\n' "$out" | grep -c '^BINDER_SET_MAX_THREADS 4294967295 (0xffffffff): 0$')" = 2 ] &&
   [ "$(printf '%s\n' "$out" | grep -c '^BINDER_WRITE_READ BC_ENTER_LOOPER (2 of 2): 0, 4 bytes consumed$')" = 2 ]; then
	ok "binder: the kernel accepts max_threads 0xffffffff and a second BC_ENTER_LOOPER"
else
	notok "binder: the kernel accepts max_threads 0xffffffff and a second BC_ENTER_LOOPER"
fi

# No --vmlinux from here on: the trace records the kernel's build id, and
# the reading commands find build/kernel/binder/vmlinux by it among all
# the variants built (issue #10, "symbols without flags").
rules=$root/tests/binder/binder.rules
"$kcovdf" check "$rules" "$share/binder.trace" > "$tmp/check.out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/check.out" | cut -c1-220 | head -n 30
bid=$(llvm-readelf-22 -n "$bout/vmlinux" 2>/dev/null | sed -n 's/^ *Build ID: *//p' | head -n 1)
if [ -n "$bid" ] &&
   grep -qE "^kcovdf: symbols from (.*/)?build/kernel/binder/vmlinux \(build id $bid\)$" "$tmp/check.out"; then
	ok "binder: check finds build/kernel/binder/vmlinux by the trace's build id and says so"
else
	notok "binder: check finds build/kernel/binder/vmlinux by the trace's build id (${bid:-no build id read}) and says so"
fi
if [ $rc -eq 1 ] &&
   grep -q "binder.rules:[0-9]*: binder_thread_write, binder_thread_read: proc->max_threads <= 1024" "$tmp/check.out" &&
   grep -q 'with proc->max_threads = 4294967295' "$tmp/check.out" &&
   grep -q 'binder_ioctl > binder_ioctl_write_read > binder_thread_write' "$tmp/check.out"; then
	ok "binder: check reports proc->max_threads = 4294967295 at the later binder_thread_write calls, with the call path"
else
	notok "binder: check reports proc->max_threads = 4294967295 at the later binder_thread_write calls (exit $rc)"
fi
if grep -q "FAIL .*binder_thread_write: ret == 0 => (thread->looper & 2) == 0" "$tmp/check.out" &&
   grep -q 'with ret = 0, thread->looper = 2' "$tmp/check.out" &&
   grep -q '2 rules: 0 passed, 2 failed' "$tmp/check.out"; then
	ok "binder: check reports binder_thread_write succeeding with thread->looper ENTERED (2)"
else
	notok "binder: check reports binder_thread_write succeeding with thread->looper ENTERED (2)"
fi
if "$kcovdf" check "$rules" "$share/binder-ok.trace" > "$tmp/check-ok.out" 2>&1 &&
   grep -q '2 rules: 2 passed' "$tmp/check-ok.out"; then
	ok "binder: check passes on max_threads 15 and one BC_ENTER_LOOPER (exit 0)"
else
	sed 's/^/# /' "$tmp/check-ok.out" | head -n 20
	notok "binder: check passes on max_threads 15 and one BC_ENTER_LOOPER"
fi
# The value as it came in: binder_ioctl with BINDER_SET_MAX_THREADS
# (0x40046205, _IOW('b', 5, __u32), shown in hex) returned 0.
if "$kcovdf" view -f binder_ioctl --depth 1 "$share/binder.trace" > "$tmp/view.out" 2>&1 &&
   grep -qE '^binder_ioctl\(filp=0x[0-9a-f]+ \{.*\}, cmd=0x40046205, arg=0x[0-9a-f]+\)( \{ /\* [0-9]+ calls? \*/ \})? = 0$' "$tmp/view.out"; then
	ok "binder: view shows binder_ioctl(..., cmd=0x40046205 (BINDER_SET_MAX_THREADS), ...) = 0"
else
	cut -c1-200 "$tmp/view.out" | head -n 5 | sed 's/^/# /'
	notok "binder: view shows binder_ioctl(..., cmd=0x40046205 (BINDER_SET_MAX_THREADS), ...) = 0"
fi
# KCOV on the same paths: with --pc-ext every binder_thread_write call sits
# on its entry/exit frame.
if "$kcovdf" view --json -f binder_thread_write "$share/binder-pcext.trace" > "$tmp/pcext.json" 2> "$tmp/pcext.err" &&
   [ "$(grep -c '"func":"binder_thread_write"' "$tmp/pcext.json")" = 2 ] &&
   ! grep '"func":"binder_thread_write"' "$tmp/pcext.json" | grep -q '"pcext":false'; then
	ok "binder: record --pc-ext: both binder_thread_write calls sit on KCOV entry/exit frames"
else
	head -c 600 "$tmp/pcext.json" | sed 's/^/# /'
	notok "binder: record --pc-ext: both binder_thread_write calls sit on KCOV entry/exit frames"
fi
done_testing
