#!/usr/bin/env bash
# Reliability and security of the kernel side (RELIABILITY.md): builds the
# guest program tests/kernel/df_stress.c (static, against the project's
# uapi header), then for each kernel variant (KCOVDF_RELIABILITY_VARIANTS,
# default "small debug"): builds it (kernel/build.sh, incremental), boots
# it once under QEMU and runs every df_stress command with the test module
# loaded. One TAP line per command, plus "no kernel report in the guest
# log" (kernel/vm.sh exits 240 on WARNING/BUG/KASAN/lockdep/...).
#
#   KCOVDF_RELIABILITY_SECONDS       seconds per stress command (default 3)
#   KCOVDF_RELIABILITY_FUZZ_SECONDS  seconds of fuzzing (default 60)
#   KCOVDF_RELIABILITY_SEED          fuzz seed (default: from the clock,
#                                    printed; replay with the same value)
#   KCOVDF_RELIABILITY_NO_BUILD=1    boot the kernels as they are built
#                                    (build/kernel/VARIANT), no build.sh
#
# Longer runs: tests/kernel/reliability-long.sh.
set -uo pipefail
# One brace group, read whole before it runs (safe to edit while it runs).
{

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
needs_kernel
variants=${KCOVDF_RELIABILITY_VARIANTS:-small debug}
secs=${KCOVDF_RELIABILITY_SECONDS:-3}
fsecs=${KCOVDF_RELIABILITY_FUZZ_SECONDS:-60}
seed=${KCOVDF_RELIABILITY_SEED:-$(date +%s)}
cmds="scribble lifetime churn forkstorm badptr irq uptr ctxsw"

for x in "$secs" "$fsecs" "$seed"; do
	case $x in
	''|*[!0-9]*)
		echo "55-reliability: durations and seed must be decimal integers, got '$x'" >&2
		echo "not ok 1 - bad KCOVDF_RELIABILITY_* value '$x'"
		echo "1..1"
		exit 1 ;;
	esac
done

out=$root/build/tests/kernel
mkdir -p "$out"
prog=$out/df_stress
log=$out/df_stress.build.log
if gcc -std=gnu11 -O2 -g -Wall -Wextra -static -pthread \
	-I"$root/include/uapi" -o "$prog" "$root/tests/kernel/df_stress.c" \
	> "$log" 2>&1; then
	if grep -q 'warning:' "$log"; then
		sed 's/^/# /' "$log"
		notok "df_stress builds without warnings (-Wall -Wextra)"
	else
		ok "df_stress builds without warnings (-Wall -Wextra, static)"
	fi
else
	sed 's/^/# /' "$log" | tail -n 20
	notok "df_stress builds"
	echo "1..$n"
	exit 1
fi

# Usage errors are clear and exit 2, on the host already.
"$prog" nosuchcmd > /dev/null 2> "$out/usage.err"; rc1=$?
"$prog" fuzz --seconds x > /dev/null 2>> "$out/usage.err"; rc2=$?
"$prog" fuzz --bogus 1 > /dev/null 2>> "$out/usage.err"; rc3=$?
if [ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && [ $rc3 -eq 2 ] &&
   grep -q 'unknown command nosuchcmd' "$out/usage.err" &&
   grep -q 'bad value for --seconds: x' "$out/usage.err" &&
   grep -q 'unknown option --bogus' "$out/usage.err"; then
	ok "df_stress: bad usage gives a message and status 2"
else
	sed 's/^/# /' "$out/usage.err"
	notok "df_stress: bad usage gives a message and status 2 ($rc1 $rc2 $rc3)"
fi

if [ ! -f "$root/build/kcovdf-plugin.so" ]; then
	echo "# building the compiler plugin"
	make -s -C "$root" plugin > /dev/null 2>&1 || true
fi

echo "# fuzz seed $seed (replay: KCOVDF_RELIABILITY_SEED=$seed, or in a guest: df_stress fuzz --seed $seed --episode K)"
for v in $variants; do
	start=$(date +%s)
	klog=$root/build/kernel/$v-reliability.log
	mkdir -p "$root/build/kernel"
	bz=$root/build/kernel/$v/arch/x86/boot/bzImage
	if [ "${KCOVDF_RELIABILITY_NO_BUILD:-0}" = 1 ]; then
		if [ -f "$bz" ]; then
			ok "$v: kernel as built ($(date -u -r "$bz" '+%Y-%m-%d %H:%M UTC'), not rebuilt)"
		else
			notok "$v: no kernel at $bz (KCOVDF_RELIABILITY_NO_BUILD=1)"
			continue
		fi
	elif ! KCOVDF_REQUIRE_PLUGIN=1 KCOVDF_BUILD_QUIET=1 \
	     "$root/kernel/build.sh" "$v" > "$klog" 2>&1; then
		tail -n 20 "$klog" | sed 's/^/# /'
		notok "$v: kernel builds (log: $klog)"
		continue
	else
		ok "$v: kernel builds ($(( $(date +%s) - start ))s)"
	fi

	gcmd="modprobe test_kcov_dataflow || echo 'not ok - modprobe test_kcov_dataflow'"
	for c in $cmds; do
		gcmd="$gcmd; /df_stress $c --seconds $secs"
	done
	gcmd="$gcmd; /df_stress fuzz --seconds $fsecs --seed $seed"
	# A replayed episode makes the same calls with the same results.
	gcmd="$gcmd; for i in 1 2; do /df_stress fuzz --seed $seed --episode 3 | grep '^# episode' > /tmp/replay\$i; done"
	gcmd="$gcmd; if [ -s /tmp/replay1 ] && cmp -s /tmp/replay1 /tmp/replay2; then echo \"ok - fuzz replay: --seed $seed --episode 3 twice: \$(cut -c3- /tmp/replay1)\"; else echo 'not ok - fuzz replay differs'; cat /tmp/replay1 /tmp/replay2; fi; true"
	# TCG is slow and the debug kernel slower: a generous bound.
	tmo=$(( 6 * secs + fsecs + 600 ))
	start=$(date +%s)
	"$root/kernel/vm.sh" --variant "$v" --no-build \
		--add "$prog:/df_stress" --timeout "$tmo" -- "$gcmd" \
		> "$klog.guest" 2> "$klog.vm"
	rc=$?
	secs_in=$(( $(date +%s) - start ))
	seen=0
	while IFS= read -r line; do
		case $line in
		"ok - "*|"not ok - "*)
			seen=$((seen + 1))
			if [ "${line#not }" = "$line" ]; then
				ok "$v: ${line#ok - }"
			else
				notok "$v: ${line#not ok - }"
			fi
			;;
		"# "*)
			echo "# $v: ${line#\# }" ;;
		esac
	done < <(grep -E '^(ok - |not ok - |# (FAIL|fuzz seed|[0-9]+ of))' "$klog.guest")
	# One result per command, the fuzz run and its replay.
	want=$(( $(echo $cmds | wc -w) + 2 ))
	if [ $seen -ne $want ]; then
		tail -n 30 "$klog.guest" | sed 's/^/# /'
		notok "$v: the guest reported $seen of $want results (vm.sh status $rc)"
	fi
	if [ $rc -ge 240 ] && [ $rc -le 243 ]; then
		sed 's/^/# /' "$klog.vm"
		notok "$v: no kernel report in the guest log (vm.sh status $rc)"
	else
		ok "$v: no kernel report (WARN/BUG/KASAN/lockdep) in the guest log (${secs_in}s with boot)"
	fi
	# The dataflow boot-time self-checks ran before the tests.
	glog=$(sed -n 's/.*log \(\/[^ ]*guest.log\).*/\1/p' "$klog.vm" | tail -n 1)
	if [ -n "$glog" ] && grep -q '^CONFIG_DEBUG_KCOV_DATAFLOW=y' "$root/build/kernel/$v/.config" 2>/dev/null; then
		if grep -q 'kcov_dataflow: selftest passed' "$glog"; then
			ok "$v: dataflow boot-time self-checks passed"
		else
			grep 'kcov_dataflow' "$glog" | head -n 20 | sed 's/^/# /'
			notok "$v: dataflow boot-time self-checks (log: $glog)"
		fi
	fi
	# What the irq check can prove: are irq-only functions instrumented?
	if grep -q '^CONFIG_KCOV_DATAFLOW_INSTRUMENT_ALL=y' "$root/build/kernel/$v/.config" 2>/dev/null; then
		what="the whole kernel is instrumented, the irq and ctxsw checks are meaningful"
	else
		what="only fs/read_write.c and the test module are instrumented: the irq and ctxsw checks cannot fail here"
	fi
	echo "# $v: $what"
done

echo "1..$n"
[ $failed -eq 0 ]
exit
}
