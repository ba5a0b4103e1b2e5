#!/usr/bin/env bash
# Real syscalls traced end to end: boot the patched kernel (variant small:
# the read(2)/write(2) paths instrumented), run `kcovdf record` in the guest
# around busybox commands, and check on the host what `kcovdf view --json`
# makes of the trace with the kernel's vmlinux: call nesting, parameter and
# field names, argument values, return values, error names. TAP.
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
needs_kernel
v=${KCOVDF_TRACE_VARIANT:-small}

mkdir -p "$root/build/kernel"
log=$root/build/kernel/$v-trace.log
# KCOVDF_TRACE_NO_BUILD=1: use the kernel as built (while another build
# holds the lock, say).
if ! make -s -C "$root" all > "$log" 2>&1 ||
   { [ "${KCOVDF_TRACE_NO_BUILD:-0}" != 1 ] &&
     ! KCOVDF_REQUIRE_PLUGIN=1 KCOVDF_BUILD_QUIET=1 "$root/kernel/build.sh" "$v" >> "$log" 2>&1; }; then
	tail -n 20 "$log" | sed 's/^/# /'
	notok "$v: kernel and kcovdf build (log: $log)"
	done_testing
fi
ok "$v: kernel and kcovdf build"

# The out-of-tree test module with a planted contract violation, built
# against this kernel with every object instrumented.
mod=$(mktemp -d "${TMPDIR:-/tmp}/kcovdf-mod.XXXXXX")
cp "$root/tests/kernel-trace/mod/"* "$mod/"
plugin=${KCOVDF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kcovdf}/plugin/kcovdf-plugin-$(sha256sum < "$root/build/kcovdf-plugin.so" | cut -c1-16).so
if make -C "$root/build/kernel/src" O="$root/build/kernel/$v" M="$mod" \
	LLVM=-22 CC=clang-22 HOSTCC=gcc KCOV_DATAFLOW_PLUGIN="$plugin" modules >> "$log" 2>&1 &&
   nm "$mod/kcovdf_audit.ko" | grep -qE '__kcov_df_trace_args_v[0-9]+'; then
	ok "$v: out-of-tree module kcovdf_audit.ko builds, instrumented"
else
	tail -n 20 "$log" | sed 's/^/# /'
	notok "$v: out-of-tree module kcovdf_audit.ko builds, instrumented"
	done_testing
fi

share=$(mktemp -d "${TMPDIR:-/tmp}/kcovdf-trace.XXXXXX")
[ "${KCOVDF_KEEP:-0}" = 1 ] && echo "# keeping $share $mod" || trap 'rm -rf "$share" "$mod"' EXIT
chmod 777 "$share"
# 1. a 123-byte read and write; 2. read(2) on a closed descriptor (EBADF);
# 3. two children of a shell, followed (--follow-forks); 4. the quota
# module's two charge functions, on a harmless and on an overflowing charge.
cmd='set -e
kcovdf record -o /share/dd.trace -- busybox dd if=/dev/zero of=/dev/null bs=123 count=1
kcovdf record -o /share/ebadf.trace -- busybox sh -c "exec busybox cat 0<&-" || true
kcovdf record --follow-forks -o /share/fork.trace -- busybox sh -c \
  "busybox dd if=/dev/zero of=/dev/null bs=77 count=1 2>/dev/null; busybox dd if=/dev/zero of=/dev/null bs=99 count=1 2>/dev/null; true"
insmod /root/kcovdf_audit.ko
kcovdf record -o /share/audit.trace -- busybox sh -c \
  "echo 10 100 5 > /sys/kernel/debug/kcovdf_audit/charge; echo 10 100 4294967290 > /sys/kernel/debug/kcovdf_audit/charge"
kcovdf record -o /share/audit-ok.trace -- busybox sh -c \
  "echo 10 100 5 > /sys/kernel/debug/kcovdf_audit/charge; echo 10 100 95 > /sys/kernel/debug/kcovdf_audit/charge"'
guest_run "$v: kcovdf record in the guest (five traces)" \
	"$root/kernel/vm.sh" --variant "$v" --no-build --share "$share" \
	--add "$root/build/kcovdf:/bin/kcovdf" \
	--add "$mod/kcovdf_audit.ko:/root/kcovdf_audit.ko" --timeout 600 -- "$cmd"
out=$guest_out
printf '%s\n' "$out" | grep -i 'followed' | sed 's/^/# /'

vmlinux=$root/build/kernel/$v/vmlinux
# No --vmlinux: the trace's build id finds build/kernel/$v/vmlinux, and a
# line on stderr says so.
vbid=$(readelf -n "$vmlinux" | awk '/Build ID/ { print $3; exit }')
for t in dd ebadf fork; do
	if ! "$root/build/kcovdf" view --json "$share/$t.trace" \
	     > "$share/$t.json" 2> "$share/$t.err"; then
		sed 's/^/# /' "$share/$t.err"
		notok "$v: kcovdf view --json $t.trace"
		done_testing
	fi
	ok "$v: kcovdf view --json $t.trace ($(wc -l < "$share/$t.json") calls)"
done
if [ -n "$vbid" ] &&
   grep -qx "kcovdf: symbols from \(.*/\)\?build/kernel/$v/vmlinux (build id $vbid)" "$share/dd.err"; then
	ok "$v: no --vmlinux: build/kernel/$v/vmlinux found by the trace's build id, and named"
else
	sed 's/^/# /' "$share/dd.err"
	notok "$v: no --vmlinux: build/kernel/$v/vmlinux found by the trace's build id, and named"
fi

python3 "$root/tests/kernel-trace/check.py" "$share/dd.json" "$share/ebadf.json" "$share/fork.json" |
	while IFS= read -r line; do
		case $line in
		ok*) echo "ok - $v: ${line#ok }" ;;
		"not ok"*) echo "not ok - $v: ${line#not ok }" ;;
		*) echo "# $line" ;;
		esac
	done > "$share/check.tap"
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) notok "${line#not ok - }" ;;
	*) echo "$line" ;;
	esac
done < "$share/check.tap"
[ -s "$share/check.tap" ] || notok "$v: the checker ran"

# The text view shows the same call with names and values.
if "$root/build/kcovdf" view --vmlinux "$vmlinux" -f ksys_read "$share/dd.trace" |
   grep -q '^ksys_read(fd=0, buf=0x[0-9a-f]*, count=123) {$'; then
	ok "$v: kcovdf view: ksys_read(fd=0, buf=0x..., count=123) {"
else
	"$root/build/kcovdf" view --vmlinux "$vmlinux" -f ksys_read "$share/dd.trace" | head -n 5 | cut -c1-200 | sed 's/^/# /'
	notok "$v: kcovdf view: ksys_read(fd=0, buf=0x..., count=123) {"
fi
# struct file: in full (flags and modes in hex) the first time in the
# task, then only what changed; --full: every field every time.
"$root/build/kcovdf" view -f ksys_read "$share/dd.trace" > "$share/dd.view" 2>/dev/null
"$root/build/kcovdf" view --full -f ksys_read "$share/dd.trace" > "$share/dd.full" 2>/dev/null
sed 's/^/# /' "$share/dd.view" | cut -c1-300 | head -n 8
if grep -q '^  vfs_read(file=0x[0-9a-f]* {.*, f_mode=0x[0-9a-f]*, .*f_flags=0x[0-9a-f]*' "$share/dd.view" &&
   grep -q '^    rw_verify_area(.*file=0x[0-9a-f]* {.*/\* [0-9]* \(more\|fields\) as before \*/}' "$share/dd.view" &&
   grep -q '^    rw_verify_area(.*file=0x[0-9a-f]* {f_\(count\|mode\)' "$share/dd.full" &&
   [ "$(wc -c < "$share/dd.view")" -lt "$(wc -c < "$share/dd.full")" ]; then
	ok "$v: view: struct file in full once (f_mode, f_flags in hex), then what changed ($(wc -c < "$share/dd.view") bytes, --full $(wc -c < "$share/dd.full"))"
else
	notok "$v: view: struct file in full once (f_mode, f_flags in hex), then what changed"
fi
# The auditor's loop on the module: the rules catch the planted overflow
# (exit 1, the violating call shown with its values) and pass on correct
# behaviour (exit 0).
modsdir=$mod
"$root/build/kcovdf" check --vmlinux "$vmlinux" --modules "$modsdir" \
	"$root/tests/kernel-trace/audit.rules" "$share/audit.trace" > "$share/check.out" 2>&1
rc=$?
sed 's/^/# /' "$share/check.out" | cut -c1-200 | head -n 20
if [ $rc -eq 1 ] && grep -q 'kcovdf_audit_charge(' "$share/check.out" &&
   grep -q '4294967290' "$share/check.out" &&
   ! grep -q 'kcovdf_audit_charge_checked(' "$share/check.out"; then
	ok "$v: kcovdf check catches the planted overflow in kcovdf_audit_charge (exit 1, values shown), not in _checked"
else
	notok "$v: kcovdf check catches the planted overflow in kcovdf_audit_charge (exit $rc)"
fi
if "$root/build/kcovdf" check --vmlinux "$vmlinux" --modules "$modsdir" \
	"$root/tests/kernel-trace/audit.rules" "$share/audit-ok.trace" > "$share/check-ok.out" 2>&1; then
	ok "$v: kcovdf check passes on charges within the quota (exit 0)"
else
	sed 's/^/# /' "$share/check-ok.out" | head -n 10
	notok "$v: kcovdf check passes on charges within the quota"
fi
if "$root/build/kcovdf" report --vmlinux "$vmlinux" --modules "$modsdir" -f 'kcovdf_audit_*' \
	"$share/audit.trace" > "$share/report.out" 2>&1 &&
   grep -q 'kcovdf_audit_charge_checked: 2 calls' "$share/report.out" &&
   grep -q 'EDQUOT' "$share/report.out"; then
	ok "$v: kcovdf report on a module: calls, values, -EDQUOT"
else
	sed 's/^/# /' "$share/report.out" | head -n 30
	notok "$v: kcovdf report on a module: calls, values, -EDQUOT"
fi
# No symbol options at all: record wrote the module's build id, and
# KCOVDF_DEBUG_PATH names the directory it was built in.
mbid=$(readelf -n "$mod/kcovdf_audit.ko" | awk '/Build ID/ { print $3; exit }')
KCOVDF_DEBUG_PATH=$mod "$root/build/kcovdf" report -f 'kcovdf_audit_*' \
	"$share/audit.trace" > "$share/report2.out" 2> "$share/report2.err"
sed 's/^/# /' "$share/report2.err" | cut -c1-200
if [ -n "$mbid" ] && grep -q 'kcovdf_audit_charge_checked: 2 calls' "$share/report2.out" &&
   grep -q '^  q->used ' "$share/report2.out" &&
   grep -qx "kcovdf: symbols of module kcovdf_audit from $mod/kcovdf_audit.ko (build id $mbid)" "$share/report2.err" &&
   grep -q "^kcovdf: symbols from .*build/kernel/$v/vmlinux (build id $vbid)" "$share/report2.err"; then
	ok "$v: kcovdf report without --vmlinux and --modules: vmlinux and module found by build id (KCOVDF_DEBUG_PATH)"
else
	sed 's/^/# /' "$share/report2.out" | head -n 20
	notok "$v: kcovdf report without --vmlinux and --modules: vmlinux and module found by build id (KCOVDF_DEBUG_PATH)"
fi
done_testing
