# shellcheck shell=bash
# Helpers of the kernel benchmarks (sourced). A lean QEMU runner with the
# settings of kernel/vm.sh (TCG, -cpu max, 1 GiB, 2 vCPUs, serial console,
# the same kernel command line), so that every kernel of a pair boots the
# same way and nothing but QEMU runs between the host's two timestamps.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source-path=SCRIPTDIR source=../../kernel/initramfs.sh
. "$root/kernel/initramfs.sh"
ktop=$root/build/kernel
bout=${BENCH_OUT:-$root/build/bench/kernel}
mkdir -p "$bout"

die() { echo "bench/kernel: error: $*" >&2; exit 1; }
note() { echo "bench/kernel: $*" >&2; }

# Kernel output directory of a variant: BENCH_KDIR (a directory holding one
# output directory per variant, e.g. build/kernel/bench) or build/kernel.
kdir() { echo "${BENCH_KDIR:-$ktop}/$1"; }

# gen_init_cpio and a busybox-static base archive (as kernel/vm.sh makes).
initramfs_base() {
	local gen=$bout/gen_init_cpio base=$bout/base.cpio src
	if [ ! -x "$gen" ]; then
		src=$(ls "${BENCH_KSRC:-$ktop/src}/usr/gen_init_cpio.c" "$ktop"/src/usr/gen_init_cpio.c \
			2>/dev/null | head -1)
		[ -n "$src" ] || die "no kernel source for gen_init_cpio (run kernel/build.sh)"
		gcc -O2 -o "$gen" "$src" || die "cannot build gen_init_cpio"
	fi
	if [ ! -f "$base" ]; then
		local bb
		bb=$(command -v busybox) || die "busybox (busybox-static) not found"
		busybox_root_list "$bb" /bin /sbin /usr /usr/bin /usr/sbin /dev \
			/proc /sys /tmp /root > "$base.list"
		"$gen" "$base.list" > "$base.tmp" || die "gen_init_cpio failed"
		mv "$base.tmp" "$base"
	fi
}

# mkinitramfs OUT INIT-SCRIPT [HOST:GUEST]...: base + /init + files.
mkinitramfs() {
	local out=$1 init=$2 list
	shift 2
	initramfs_base
	list=$out.list
	{
		echo "file /init $init 0755 0 0"
		local a
		for a in "$@"; do
			echo "file ${a#*:} ${a%%:*} 0755 0 0"
		done
	} > "$list"
	"$bout/gen_init_cpio" "$list" > "$out.tmp" || die "gen_init_cpio failed"
	cat "$bout/base.cpio" "$out.tmp" > "$out"
	rm -f "$out.tmp"
}

# boot BZIMAGE INITRAMFS LOG: runs QEMU until the guest powers off; prints
# the host's wall-clock milliseconds from QEMU's start to its exit.
# BENCH_ICOUNT=1 adds -icount shift=0,sleep=off: the guest's clock then
# counts executed guest instructions (1 ns each) and skips idle time, so
# the guest's own timings measure instructions, whatever the host's load.
boot() {
	local t0 t1 icount=()
	[ "${BENCH_ICOUNT:-0}" = 1 ] && icount=(-icount shift=0,sleep=off)
	t0=$(date +%s%N)
	timeout -k 10 "${BENCH_TIMEOUT:-900}" qemu-system-x86_64 "${icount[@]}" -nodefaults -no-reboot \
		-display none -monitor none -m 1024 -smp 2 -accel tcg -cpu max \
		-kernel "$1" -initrd "$2" -serial "file:$3" \
		-append "console=ttyS0 rdinit=/init panic=-1 oops=panic loglevel=7" \
		< /dev/null > "$3.qemu" 2>&1 || die "qemu failed or timed out (log $3)"
	t1=$(date +%s%N)
	echo $(( (t1 - t0) / 1000000 ))
}

# Lines "@@B key value..." the guest printed, without the marker.
results() { tr -d '\r' < "$1" | sed -n 's/^@@B //p'; }

# Kernel reports in a guest log: fail loudly.
check_log() {
	if tr -d '\r' < "$1" | grep -qE 'WARNING:|BUG:|Oops|Kernel panic|Call Trace:'; then
		tr -d '\r' < "$1" | grep -nE 'WARNING:|BUG:|Oops|Kernel panic|Call Trace:' | head -5 >&2
		die "kernel report in $1"
	fi
}

# median / min / max of numbers on stdin: "median min max n"
stats() {
	sort -g | awk '{a[NR]=$1} END {
		if (NR == 0) { print "- - - 0"; exit }
		m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2
		printf "%.6g %.6g %.6g %d\n", m, a[1], a[NR], NR }'
}

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
