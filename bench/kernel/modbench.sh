#!/usr/bin/env bash
# Cost of one recorded argument against ftrace and fprobe, in one guest:
#   bench/kernel/modbench.sh [VARIANT]     (default: bench)
# Builds bench/kernel/mod/ (out of tree, against the variant's output
# directory; only bench_fn.o is instrumented for KCOV-Dataflow) and
# guest/dfbench.c, boots once and, for ROUNDS rounds (BENCH_ROUNDS, default
# 5), times N calls (BENCH_MOD_N, default 200000) of kcovdf_bench_fn(int,
# long, const struct *, unsigned int), modes alternating within each round:
#   off        nothing enabled
#   record     KCOV-Dataflow recording on for the task (v1 records: 4
#              arguments, the struct's 4 fields, 1 return value: 5 records)
#   fgraph     function_graph tracer on that function, funcgraph-retval
#   fprobe     fprobe event with BTF arguments: f kcovdf_bench_fn $arg*
#   fprobe_all fprobe entry event with $arg* and the struct's four fields
#              (o->a ...) plus an exit event with $retval: the same values
#              the five records hold
# Cost per event = (time in mode - time off) / events per call; events per
# call are counted (KCOV_DF_GET_STATS records; ring-buffer entries+overrun
# for the tracers), not assumed. Prints a markdown table; raw results in
# build/bench/kernel/mod-VARIANT.tsv.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
V=${1:-bench}
ROUNDS=${BENCH_ROUNDS:-5}
N=${BENCH_MOD_N:-200000}
kd=$(kdir "$V")
[ -f "$kd/arch/x86/boot/bzImage" ] || die "no kernel $kd/arch/x86/boot/bzImage (bench/kernel/build.sh $V)"
for o in CONFIG_KCOV_DATAFLOW CONFIG_FUNCTION_GRAPH_RETVAL CONFIG_FPROBE_EVENTS \
	 CONFIG_DEBUG_INFO_BTF_MODULES CONFIG_PROBE_EVENTS_BTF_ARGS; do
	grep -qx "$o=y" "$kd/.config" || die "$kd/.config: $o is not set (variant bench)"
done
# The plugin the kernel was configured with: the module must use the same.
plugin=$(sed -n 's/^ifneq "$(KCOV_DATAFLOW_PLUGIN)" "\(.*\)"$/\1/p' \
	"$kd/include/config/auto.conf.cmd" | head -1)
[ -n "$plugin" ] && [ -f "$plugin" ] || die "cannot find the kernel's KCOV_DATAFLOW_PLUGIN"

mod=$bout/mod-$V
rm -rf "$mod"
mkdir -p "$mod"
cp "$root"/bench/kernel/mod/* "$mod/"
make -s -C "$kd" M="$mod" LLVM=-22 CC=clang-22 KCOV_DATAFLOW_PLUGIN="$plugin" \
	modules > "$mod/build.log" 2>&1 || { cat "$mod/build.log" >&2; die "module build failed"; }
ko=$mod/kcovdf_bench.ko
nmt=$(command -v llvm-nm-22 || command -v nm)
# The plugin's callbacks carry the compiler ABI's version in their names
# (__kcov_df_trace_args_v2).
"$nmt" "$mod/bench_fn.o" | grep -qE ' __kcov_df_trace_args_v[0-9]+$' ||
	die "bench_fn.o is not instrumented (no __kcov_df_trace_args_vN)"
if "$nmt" "$mod/kcovdf_bench_main.o" | grep -qE ' __kcov_df_trace_args_v[0-9]+$'; then
	die "kcovdf_bench_main.o must not be instrumented"
fi
gcc -std=gnu11 -O2 -Wall -Wextra -static -I"$root/include/uapi" \
	"$root/bench/kernel/guest/dfbench.c" -o "$bout/dfbench" || die "cannot build dfbench"

cat > "$bout/init-mod" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
sleep 3
fail() { echo "@@B error \$*"; poweroff -f; }
insmod /kcovdf_bench.ko || fail insmod
T=/sys/kernel/tracing
echo 'f:kcovdf/args kcovdf_bench_fn \$arg*' >> \$T/dynamic_events || fail fprobe args
echo 'f:kcovdf/fields kcovdf_bench_fn \$arg* oa=o->a ob=o->b oc=o->c od=o->d' >> \$T/dynamic_events || fail fprobe fields
echo 'f:kcovdf/ret kcovdf_bench_fn%return \$retval' >> \$T/dynamic_events || fail fprobe ret
echo "@@B probes \$(cat \$T/dynamic_events | tr '\n' ';')"
events() {	# ring-buffer events written since the last clear
	cat \$T/per_cpu/cpu*/stats | awk '/^entries:|^overrun:/ {s += \$2} END {print s}'
}
timed() {	# mode: run with the tracer set up, print "mode ns events/call"
	echo > \$T/trace
	set -- \$1 \$(/dfbench off $N) || fail dfbench \$1
	echo "@@B \$1 \$3 \$(awk -v e=\$(events) 'BEGIN {printf "%.3f", e / $N}')"
}
for r in \$(seq $ROUNDS); do
	set -- \$(/dfbench off $N) || fail dfbench off
	echo "@@B off \$2 0"
	set -- \$(/dfbench record $N) || fail dfbench record
	echo "@@B record \$2 \$3"
	echo kcovdf_bench_fn > \$T/set_ftrace_filter || fail set_ftrace_filter
	echo 1 > \$T/options/funcgraph-retval || fail funcgraph-retval
	echo function_graph > \$T/current_tracer || fail function_graph
	timed fgraph
	echo nop > \$T/current_tracer
	echo > \$T/set_ftrace_filter
	echo 1 > \$T/events/kcovdf/args/enable
	timed fprobe
	echo 0 > \$T/events/kcovdf/args/enable
	echo 1 > \$T/events/kcovdf/fields/enable
	echo 1 > \$T/events/kcovdf/ret/enable
	timed fprobe_all
	echo 0 > \$T/events/kcovdf/fields/enable
	echo 0 > \$T/events/kcovdf/ret/enable
done
echo > \$T/trace
echo 1 > \$T/events/kcovdf/fields/enable
echo 1 > \$T/events/kcovdf/ret/enable
/dfbench off 1 > /dev/null
echo 0 > \$T/events/kcovdf/fields/enable
echo 0 > \$T/events/kcovdf/ret/enable
grep kcovdf_bench_fn \$T/trace | sed 's/^ */@@B sample /'
poweroff -f
INIT
mkinitramfs "$bout/mod.cpio" "$bout/init-mod" "$ko:/kcovdf_bench.ko" "$bout/dfbench:/dfbench"
note "load average before: $(loadavg)"
log=$bout/guest-mod-$V.log
ms=$(boot "$kd/arch/x86/boot/bzImage" "$bout/mod.cpio" "$log")
check_log "$log"
note "guest ran ${ms} ms; load average after: $(loadavg)"
if results "$log" | grep '^error'; then die "guest failed (log $log)"; fi
raw=$bout/mod-$V.tsv
results "$log" | awk '$1 ~ /^(off|record|fgraph|fprobe|fprobe_all)$/' > "$raw"
results "$log" | sed -n 's/^sample /  sample event: /p' >&2
[ "$(wc -l < "$raw")" -eq $((ROUNDS * 5)) ] || die "missing results (log $log)"

med() { awk -v m="$1" -v c="$2" '$1 == m {print $c}' "$raw" | stats; }
read -r off offlo offhi _ <<<"$(med off 2)"
echo "| mode | ns per call, median (min-max), $ROUNDS rounds of $N calls | events per call | ns per event over off | record's per-event cost / this |"
echo "|---|---|---|---|---|"
echo "| off | $off ($offlo-$offhi) | 0 | | |"
read -r rm rlo rhi _ <<<"$(med record 2)"
read -r re _ <<<"$(med record 3)"
per_rec=$(awk -v a="$rm" -v o="$off" -v e="$re" 'BEGIN {printf "%.1f", (a - o) / e}')
summary=$bout/mod-$V.summary
echo "record $per_rec" > "$summary"
echo "| record (KCOV-Dataflow, v1) | $rm ($rlo-$rhi) | $re records | $per_rec | 1 |"
for m in fgraph fprobe fprobe_all; do
	read -r tm tlo thi _ <<<"$(med $m 2)"
	read -r te _ <<<"$(med $m 3)"
	awk -v m="$m" -v t="$tm" -v lo="$tlo" -v hi="$thi" -v o="$off" -v e="$te" -v r="$per_rec" 'BEGIN {
		pe = (t - o) / e
		printf "| %s | %s (%s-%s) | %s | %.1f | %.3f |\n", m, t, lo, hi, e, pe, r / pe }'
	awk -v m="$m" -v t="$tm" -v o="$off" -v e="$te" 'BEGIN {printf "%s %.1f\n", m, (t - o) / e}' >> "$summary"
done
