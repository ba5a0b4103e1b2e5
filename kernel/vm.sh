#!/usr/bin/env bash
# Boot a kcov-dataflow kernel under QEMU and run one shell command in it.
#
#   kernel/vm.sh [--variant V] [--kernel BZIMAGE] [--share DIR]
#                [--add HOST[:GUEST]]... [--mem M] [--smp N] [--timeout S]
#                [--kvm] [--no-build] -- SHELL-COMMAND
#
# V is a built-in variant (small, module, all, debug, base, bench) or one of
# your own (kernel/build.sh --name V ..., `kcovdf vm build --name V ...`).
# Builds the variant (kernel/build.sh, incremental) unless --kernel or
# --no-build, packs an initramfs (busybox-static, cached, plus the variant's
# modules under /lib/modules and every --add; dynamically linked ELF files
# get their shared libraries and loader too), boots qemu-system-x86_64 under
# TCG (--kvm: with KVM), runs SHELL-COMMAND as root with /proc, /sys, /dev
# and /sys/kernel/debug mounted, prints its output and exits with its status.
#
# --share DIR mounts DIR read-write at /share over virtio-9p (the command
# starts in /share then); files written there are visible on the host.
# --add HOST[:GUEST] copies a file or directory into the initramfs, by
# default at the same path. The variant's modules are in
# /lib/modules/$(uname -r); insmod or modprobe them.
#
# The kernel log (serial port 0) is kept in build/kernel/runs/<id>/guest.log;
# the command's output travels on serial port 1. Exit status:
#   the command's status, when the kernel log is clean;
#   240  the kernel log has a report (WARNING:, BUG:, KASAN, UBSAN, lockdep,
#        Oops, Kernel panic, ...), whatever the command returned;
#   241  timeout;
#   242  the guest never reported the command's status (boot failure, crash);
#   243  usage error, or the kernel/initramfs could not be built.
set -uo pipefail
# One brace group, read whole before it runs (safe to edit while it runs).
{

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=initramfs.sh
. "$here/initramfs.sh"
top=$root/build/kernel

EXIT_REPORT=240 EXIT_TIMEOUT=241 EXIT_NOSTATUS=242 EXIT_USAGE=243

die() { echo "kernel/vm.sh: error: $*" >&2; exit $EXIT_USAGE; }
usage() { sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//' >&2; exit $EXIT_USAGE; }

variant=small kernel= share= mem=1024 smp=2 timeout=600 accel=tcg build=1
adds=()
while [ $# -gt 0 ]; do
	case $1 in
	--variant) variant=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; build=0; shift 2 ;;
	--share) share=${2:?}; shift 2 ;;
	--add) adds+=("${2:?}"); shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--kvm) accel=kvm; shift ;;
	--no-build) build=0; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) die "unknown option '$1' (the command goes after --)" ;;
	esac
done
[ $# -gt 0 ] || usage
cmd="$*"
[ -z "$share" ] || [ -d "$share" ] || die "--share $share: not a directory"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found"
busybox=$(command -v busybox) || die "busybox (busybox-static) not found"

out=$top/$variant
if [ "$build" = 1 ]; then
	kernel=$(KCOVDF_BUILD_QUIET=1 "$here/build.sh" "$variant" | tail -n 1) ||
		die "kernel/build.sh $variant failed"
fi
[ -n "$kernel" ] || kernel=$out/arch/x86/boot/bzImage
[ -f "$kernel" ] || die "no kernel image $kernel (run kernel/build.sh $variant)"

run=$top/runs/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$run/root"
# Keep the 30 most recent runs.
ls -1dt "$top"/runs/*/ 2>/dev/null | tail -n +31 | xargs -r rm -rf
log=$run/guest.log

# ---------------------------------------------------------------------
# initramfs: a cached busybox base archive + a per-run archive
# ---------------------------------------------------------------------
gen=$top/tools/gen_init_cpio
gensrc=$top/src/usr/gen_init_cpio.c
# A variant built from a tree of your own (build.sh --kernel-src) may be
# the only tree there is: kbuild links it as <output>/source.
[ -f "$gensrc" ] || gensrc=$out/source/usr/gen_init_cpio.c
if [ ! -x "$gen" ] || [ "$gensrc" -nt "$gen" ]; then
	[ -f "$gensrc" ] || die "no kernel source for gen_init_cpio (run kernel/build.sh)"
	mkdir -p "$top/tools"
	gcc -O2 -o "$gen" "$gensrc" || die "cannot build gen_init_cpio"
fi

base=$top/initramfs-base.cpio
basekey=$(sha256sum < "$busybox" | cut -c1-16)-v1
if [ "$(cat "$base.key" 2>/dev/null)" != "$basekey" ] || [ ! -f "$base" ]; then
	busybox_root_list "$busybox" /bin /sbin /usr /usr/bin /usr/sbin /dev \
		/proc /sys /tmp /root /share /lib /lib64 /etc /mnt > "$base.list"
	"$gen" "$base.list" > "$base.tmp" || die "gen_init_cpio failed"
	mv "$base.tmp" "$base"
	echo "$basekey" > "$base.key"
fi

# Per-run contents, listed for gen_init_cpio.
list=$run/initramfs.list
: > "$list"
declare -A seen=()
add_dirs() {	# create the parent directories of a guest path
	local d=${1%/*} acc=
	local IFS=/
	for part in $d; do
		[ -n "$part" ] || continue
		acc=$acc/$part
		[ -n "${seen[$acc]:-}" ] && continue
		seen[$acc]=1
		echo "dir $acc 0755 0 0" >> "$list"
	done
}
add_file() {	# add_file HOST GUEST
	local h=$1 g=$2 mode
	[ -n "${seen[$g]:-}" ] && return
	seen[$g]=1
	add_dirs "$g"
	[ -d "$h" ] && return	# e.g. the "build" link of a module tree
	[ -L "$h" ] && h=$(readlink -f "$h")
	mode=$(stat -c %a "$h")
	echo "file $g $h $mode 0 0" >> "$list"
	# Dynamically linked ELF: its libraries and loader come along.
	if head -c4 "$h" 2>/dev/null | grep -q 'ELF' &&
	   ldd "$h" >/dev/null 2>&1; then
		ldd "$h" | grep -oE '/[^ ]+' | while read -r lib; do
			[ -f "$lib" ] || continue
			add_file "$lib" "$lib"
			if [ -L "$lib" ]; then add_file "$(readlink -f "$lib")" "$(readlink -f "$lib")"; fi
		done
	fi
}
add_tree() {	# add_tree HOST GUEST: a file or a directory
	local h=$1 g=$2
	if [ -d "$h" ]; then
		add_dirs "$g/x"
		find "$h" -mindepth 1 \( -type f -o -type l \) -print | while read -r f; do
			add_file "$f" "$g${f#"$h"}"
		done
	elif [ -e "$h" ]; then
		add_file "$h" "$g"
	else
		die "--add $h: no such file or directory"
	fi
}
# add_file recurses through a pipeline (a subshell), so "seen" is not
# shared there; gen_init_cpio accepts duplicates, keep them out anyway.
for a in "${adds[@]}"; do
	h=${a%%:*}
	g=${a#*:}
	[ "$a" = "$h" ] && g=$h
	h=$(cd "$(dirname "$h")" 2>/dev/null && pwd)/$(basename "$h") || die "--add $a: bad path"
	case $g in /*) ;; *) g=/$g ;; esac
	add_tree "$h" "$g"
done
if [ -d "$out/modinst/lib/modules" ]; then
	add_tree "$out/modinst/lib/modules" /lib/modules
fi
sort -u -o "$list" "$list"
# Directories first, then the rest (gen_init_cpio needs parents first).
{ grep '^dir ' "$list" | sort -k2,2; grep -v '^dir ' "$list"; } > "$list.sorted"

printf '%s\n' "$cmd" > "$run/root/cmd.sh"
cat > "$run/root/init" <<'EOF'
#!/bin/sh
export PATH=/bin:/sbin:/usr/bin:/usr/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
cd /root
if grep -q kcovdf_share=1 /proc/cmdline; then
	if mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 share /share; then
		cd /share
	else
		echo "@@KCOVDF-VM: cannot mount the 9p share" > /dev/ttyS1
	fi
fi
echo "@@KCOVDF-VM: running command"
# The command's output goes to the second serial port; closing it waits
# until everything has been sent.
sh /cmd.sh > /dev/ttyS1 2>&1 < /dev/null
rc=$?
cd /
sync
echo "@@KCOVDF-VM-EXIT $rc" > /dev/ttyS1
echo "@@KCOVDF-VM: command exited with status $rc"
umount /share 2>/dev/null
reboot -f
EOF
{
	echo "file /init $run/root/init 0755 0 0"
	echo "file /cmd.sh $run/root/cmd.sh 0644 0 0"
	cat "$list.sorted"
} > "$list.final"
"$gen" "$list.final" > "$run/run.cpio" || die "gen_init_cpio failed on $list.final"
cat "$base" "$run/run.cpio" > "$run/initramfs.cpio"

# ---------------------------------------------------------------------
# Boot
# ---------------------------------------------------------------------
append="console=ttyS0 rdinit=/init panic=-1 oops=panic loglevel=7"
qemu=(qemu-system-x86_64 -nodefaults -no-reboot -display none -monitor none
      -m "$mem" -smp "$smp" -kernel "$kernel" -initrd "$run/initramfs.cpio"
      -serial "file:$log" -serial "file:$run/cmd.out")
if [ "$accel" = kvm ]; then
	qemu+=(-accel kvm -cpu host)
else
	qemu+=(-accel tcg -cpu max)
fi
if [ -n "$share" ]; then
	share=$(cd "$share" && pwd)
	qemu+=(-virtfs "local,path=$share,mount_tag=share,security_model=none,id=share")
	append="$append kcovdf_share=1"
fi
qemu+=(-append "$append")
printf '%q ' "${qemu[@]}" > "$run/qemu.cmd"; echo >> "$run/qemu.cmd"

start=$(date +%s)
timeout --foreground -k 10 "$timeout" "${qemu[@]}" < /dev/null > "$run/qemu.stderr" 2>&1
qrc=$?
elapsed=$(( $(date +%s) - start ))

touch "$run/cmd.out" "$log"
tr -d '\r' < "$run/cmd.out" > "$run/cmd.txt"
{ echo; echo "===== command output (serial 1) ====="; cat "$run/cmd.txt"
  echo "===== qemu stderr ====="; cat "$run/qemu.stderr"; } > "$run/full.log"
status=$(sed -n 's/^@@KCOVDF-VM-EXIT \([0-9]*\)$/\1/p' "$run/cmd.txt" | tail -n 1)
sed '/^@@KCOVDF-VM-EXIT [0-9]*$/d' "$run/cmd.txt"

# Kernel reports in the guest log (serial 0 only: the command's own
# output cannot trigger this).
reports='WARNING:|BUG:|KASAN|UBSAN|kernel BUG at|Oops|Kernel panic|general protection fault|'\
'possible circular locking|inconsistent lock state|possible recursive locking|'\
'suspicious RCU usage|lock held when returning|bad unlock balance|'\
'Unable to handle kernel|stack-protector|Call Trace:|INFO: task .* blocked|'\
'INFO: rcu_.* stall|hung_task|soft lockup|hard LOCKUP|refcount_t:|list_(add|del) corruption'
found=$(tr -d '\r' < "$log" | grep -nE "$reports" | head -20)
if [ -n "$found" ]; then
	echo "kernel/vm.sh: kernel report in the guest log:" >&2
	printf '%s\n' "$found" | sed 's/^/  /' >&2
	echo "kernel/vm.sh: full guest log: $log" >&2
	exit $EXIT_REPORT
fi
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
	echo "kernel/vm.sh: timeout after ${timeout}s; full guest log: $log" >&2
	exit $EXIT_TIMEOUT
fi
if [ -z "$status" ]; then
	echo "kernel/vm.sh: the guest did not report the command's status (qemu status $qrc)" >&2
	tail -n 15 "$log" | sed 's/^/  | /' >&2
	echo "kernel/vm.sh: full guest log: $log" >&2
	exit $EXIT_NOSTATUS
fi
echo "kernel/vm.sh: exit status $status, ${elapsed}s, log $log" >&2
exit "$status"
}
