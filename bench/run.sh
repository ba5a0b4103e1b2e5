#!/usr/bin/env bash
# make bench: every benchmark, then the table of the issue's targets with
# the measured column. Under QEMU TCG only ratios mean anything.
#   BENCH_KDIR      directory of the kernel output directories (default
#                   build/kernel; see bench/kernel/build.sh to pin a series)
#   BENCH_NO_BUILD=1  use the kernels as they are (no kernel/build.sh)
#   BENCH_ROUNDS    rounds of every alternating measurement (default 5)
#   BENCH_ONLY      a subset of: user interp trace sizes pair mod (default
#                   all);
#                   "none" prints the targets table from the last results
#   BENCH_ALL_VARIANT the instrumented kernel of the pair (default all)
#   BENCH_ICOUNT    1 (default): guest timings count guest instructions
#                   (QEMU -icount, repeatable under any host load); 0: host time
# Results: build/bench/results.md (the tables), build/bench/*/ (raw data).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT_TOP:-$root/build/bench}
mkdir -p "$out/kernel" "$out/user"
export BENCH_OUT=$out/kernel BENCH_ICOUNT=${BENCH_ICOUNT:-1}
only=${BENCH_ONLY:-user interp trace sizes pair mod}
A=base B=${BENCH_ALL_VARIANT:-all}
has() { case " $only " in *" $1 "*) return 0 ;; esac; return 1; }
res=$out/results.md
{
	echo "# make bench, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$root" rev-parse --short HEAD)"
	echo
	echo "Machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1);"\
	     "load average at start $(cut -d' ' -f1-3 /proc/loadavg). QEMU TCG: only ratios mean anything."
	echo
} > "$res"
section() { echo; echo "## $1"; echo; } 

if has user; then
	[ -x "$root/build/kcovdf" ] || make -C "$root" all >&2
	section "User-space runtime (bench/user/run.sh)" >> "$res"
	BENCH_OUT=$out/user "$root/bench/user/run.sh" | tee "$out/user/table.md" >> "$res"
fi
if has interp; then
	section "An interpreter while not recording (bench/user/interp.sh)" >> "$res"
	BENCH_OUT=$out/interp "$root/bench/user/interp.sh" | tee "$out/interp.md" >> "$res"
fi
if has trace; then
	[ -x "$root/build/kcovdf" ] || make -C "$root" all >&2
	section "Trace size, recording and viewing, beside uftrace (bench/user/trace.sh)" >> "$res"
	BENCH_OUT=$out/trace "$root/bench/user/trace.sh" | tee "$out/trace.md" >> "$res"
fi
if has sizes || has pair || has mod; then
	[ "${BENCH_NO_BUILD:-0}" = 1 ] || "$root/bench/kernel/build.sh" $A $B bench
fi
if has sizes || has pair; then
	"$root/bench/kernel/configdiff.sh" $A $B >> "$res"
fi
if has sizes; then
	section "Sizes, $A vs $B (bench/kernel/sizes.sh)" >> "$res"
	"$root/bench/kernel/sizes.sh" $A $B >> "$res"
fi
if has pair; then
	section "Boot and system calls, $A vs $B (bench/kernel/pair.sh)" >> "$res"
	"$root/bench/kernel/pair.sh" $A $B >> "$res"
fi
if has mod; then
	section "Per-event cost in one guest, variant bench (bench/kernel/modbench.sh)" >> "$res"
	"$root/bench/kernel/modbench.sh" bench >> "$res"
fi

# The issue's table with the measured column.
ratio() {	# summary-file key -> "+x.x %" of B over A
	awk -v k="$2" '$1 == k {printf "%+.1f %%", ($3 / $2 - 1) * 100; f = 1} END {if (!f) printf "not measured"}' "$1" 2>/dev/null ||
		printf 'not measured'
}
pct() { awk -v k="$2" '$1 == k {print ($3 / $2 - 1) * 100; f = 1} END {if (!f) print "nan"}' "$1" 2>/dev/null || echo nan; }
ok() {	# value limit -> met / NOT met
	awk -v v="$1" -v l="$2" 'BEGIN {if (v == "nan") print "-"; else print (v + 0 <= l + 0) ? "met" : "NOT met"}'
}
P=$BENCH_OUT/pair-$A-$B.summary S=$BENCH_OUT/sizes-$A-$B.summary M=$BENCH_OUT/mod-bench.summary
{
	section "Targets (issue #6)"
	echo "| figure | prototype | target | measured | |"
	echo "|---|---|---|---|---|"
	for k in getpid_ns eventfd_ns pipe_ns; do
		echo "| syscall latency ($k), $B vs $A, recording off | +133 % | <= +15 % | $(ratio "$P" $k) | $(ok "$(pct "$P" $k)" 15) |"
	done
	echo "| boot time (QEMU start to exit, host wall clock: depends on the host's load), $B vs $A | +71 % | <= +15 % | $(ratio "$P" boot_wall_ms) | $(ok "$(pct "$P" boot_wall_ms)" 15) |"
	echo "| boot time (guest uptime at /init), $B vs $A | +71 % | <= +15 % | $(ratio "$P" uptime_s) | $(ok "$(pct "$P" uptime_s)" 15) |"
	echo "| .data growth (_sdata.._edata), $B vs $A | +44 % | <= +5 % | $(ratio "$S" data) | $(ok "$(pct "$S" data)" 5) |"
	echo "| .text growth (function bytes), $B vs $A | +9.5 % | <= +8 % | $(ratio "$S" text_code) | $(ok "$(pct "$S" text_code)" 8) |"
	echo "| .text growth (_text.._etext), $B vs $A | +9.5 % | <= +8 % | $(ratio "$S" text) | $(ok "$(pct "$S" text)" 8) |"
	if [ -f "$M" ]; then
		awk '$1 == "record" {r = $2} $1 == "fprobe" {f = $2} END {
			printf "| one recorded argument vs one fprobe $arg* event | n/a | <= 1/3 | %.1f ns / %.1f ns = %.2f | %s |\n",
				r, f, r / f, (r / f <= 1 / 3) ? "met" : "NOT met" }' "$M"
	fi
	if [ -f "$out/user/table.md" ]; then
		# Plain chunks: the callback and a flush that writes the buffer
		# as it is; packing at flush is shown beside it.
		awk -F'|' '$2 ~ /scalar/ && $3 ~ /per recorded callback, plain chunks/ {split($4, a, " "); ns = a[1]}
			$2 ~ /scalar/ && $3 == " base " {split($5, b, " "); ib = b[1]}
			$2 ~ /scalar/ && $3 == " on " {split($5, c, " "); io = c[1]}
			$2 ~ /scalar/ && $3 == " on-plain " {split($5, d, " "); ip = d[1]}
			END {ir = (ip - ib) / 3; irp = (io - ib) / 3
			printf "| one recorded callback, user-space runtime (scalar), plain chunks | ~27 ns (kernel) | < 5 ns, < 30 instructions | %.1f ns, %.0f instructions end to end (%.0f with packing at flush) | %s |\n",
				ns, ir, irp, (ns < 5 && ir < 30) ? "met" : "NOT met" }' "$out/user/table.md"
	fi
} >> "$res"
cat "$res"
