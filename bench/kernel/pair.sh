#!/usr/bin/env bash
# Boot time and system call latency of a kernel pair, side by side:
#   bench/kernel/pair.sh [A B]        (default: base all)
# ROUNDS rounds (BENCH_ROUNDS, default 5); in each, every kernel is booted
# twice under the same QEMU settings, the order alternating (ABBA...):
#   1. boot only: /init prints the guest's CLOCK_BOOTTIME (sysloop uptime)
#      and powers off. Host: wall time from QEMU's start to its exit;
#      guest: time since boot when /init runs.
# BENCH_ICOUNT=1 (bench/kernel/lib.sh): the guest's clock counts executed
# instructions, so the guest's figures are instruction counts, repeatable
# whatever the host's load (the host's wall time is not).
#   2. workload: /init waits 3 s (the guest's clocksource settles), then
#      runs bench/kernel/guest/sysloop.c (static) REPS times (BENCH_REPS,
#      default 3) for getpid, eventfd write+read and a pipe round trip
#      between two processes; each prints ns per operation (CLOCK_MONOTONIC
#      in the guest). The boot's value is the fastest of its REPS runs.
# Kernels: $(kdir V)/arch/x86/boot/bzImage, kdir = BENCH_KDIR/V or
# build/kernel/V. Raw results: build/bench/kernel/pair-A-B.tsv
# (round variant key value); the summary (median, min-max) goes to stdout
# as a markdown table, with the ratio B/A of the medians.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
A=${1:-base} B=${2:-all}
[ "$A" != "$B" ] || die "two different variants, please"
ROUNDS=${BENCH_ROUNDS:-5}
REPS=${BENCH_REPS:-3}
N_getpid=${BENCH_N_GETPID:-1000000}
N_eventfd=${BENCH_N_EVENTFD:-200000}
N_pipe=${BENCH_N_PIPE:-20000}

for v in "$A" "$B"; do
	[ -f "$(kdir "$v")/arch/x86/boot/bzImage" ] ||
		die "no kernel $(kdir "$v")/arch/x86/boot/bzImage (bench/kernel/build.sh)"
done
gcc -std=gnu11 -O2 -Wall -Wextra -static "$root/bench/kernel/guest/sysloop.c" \
	-o "$bout/sysloop" || die "cannot build sysloop"

cat > "$bout/init-boot" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
echo "@@B $(/sysloop uptime)"
poweroff -f
INIT
cat > "$bout/init-sys" <<INIT
#!/bin/sh
mount -t proc proc /proc
# The guest refines its TSC calibration and switches clocksource about a
# second into boot: start measuring after that.
sleep 3
for rep in \$(seq $REPS); do for w in getpid eventfd pipe; do
	case \$w in getpid) n=$N_getpid ;; eventfd) n=$N_eventfd ;; pipe) n=$N_pipe ;; esac
	/sysloop \$w \$n > /tmp.out 2>&1 || echo "@@B error \$w \$(cat /tmp.out)"
	echo "@@B \$(cat /tmp.out)"
done; done
poweroff -f
INIT
mkinitramfs "$bout/boot.cpio" "$bout/init-boot" "$bout/sysloop:/sysloop"
mkinitramfs "$bout/sys.cpio" "$bout/init-sys" "$bout/sysloop:/sysloop"

raw=$bout/pair-$A-$B.tsv
: > "$raw"
note "load average before: $(loadavg)"
for ((r = 0; r < ROUNDS; r++)); do
	order="$A $B"; [ $((r % 2)) = 1 ] && order="$B $A"
	for v in $order; do
		k=$(kdir "$v")/arch/x86/boot/bzImage
		log=$bout/guest-$v-$r
		ms=$(boot "$k" "$bout/boot.cpio" "$log-boot.log")
		check_log "$log-boot.log"
		printf '%s\t%s\tboot_wall_ms\t%s\n' "$r" "$v" "$ms" >> "$raw"
		results "$log-boot.log" | while read -r key val; do
			printf '%s\t%s\t%s\t%s\n' "$r" "$v" "$key" "$val"
		done >> "$raw"
		boot "$k" "$bout/sys.cpio" "$log-sys.log" > /dev/null
		check_log "$log-sys.log"
		results "$log-sys.log" | grep -v '^error' | while read -r key val; do
			printf '%s\t%s\t%s_ns\t%s\n' "$r" "$v" "$key" "$val"
		done >> "$raw"
		if results "$log-sys.log" | grep -q '^error'; then
			results "$log-sys.log" | grep '^error' >&2
			die "workload failed in $v (log $log-sys.log)"
		fi
	done
	note "round $((r + 1))/$ROUNDS done, load average $(loadavg)"
done

summary=$bout/pair-$A-$B.summary
: > "$summary"
echo "| figure | $A median (min-max) | $B median (min-max) | $B / $A |"
echo "|---|---|---|---|"
# One value per boot (the workloads: the fastest of the boot's REPS runs,
# the one least disturbed by the host), then median and range over rounds.
perboot() {	# variant key
	awk -F'\t' -v v="$1" -v k="$2" '$2 == v && $3 == k {
		if (!($1 in m) || $4 + 0 < m[$1]) m[$1] = $4 + 0 }
		END {for (r in m) print m[r]}' "$raw"
}
for key in boot_wall_ms uptime_s getpid_ns eventfd_ns pipe_ns; do
	read -r ma la ha na <<<"$(perboot "$A" "$key" | stats)"
	read -r mb lb hb nb <<<"$(perboot "$B" "$key" | stats)"
	[ "$na" -eq "$ROUNDS" ] && [ "$nb" -eq "$ROUNDS" ] || die "$key: $na/$nb of $ROUNDS results (raw: $raw)"
	awk -v k="$key" -v ma="$ma" -v la="$la" -v ha="$ha" -v mb="$mb" -v lb="$lb" -v hb="$hb" 'BEGIN {
		printf "| %s | %s (%s-%s) | %s (%s-%s) | %.3f (%+.1f %%) |\n",
			k, ma, la, ha, mb, lb, hb, mb / ma, (mb / ma - 1) * 100 }'
	echo "$key $ma $mb" >> "$summary"
done
note "load average after: $(loadavg); raw results: $raw"
