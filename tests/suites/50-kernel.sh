#!/usr/bin/env bash
# The kernel side: the series' copy of the uapi header, then for each kernel
# variant (KCOVDF_KERNEL_VARIANTS, default "small"): build it, build the
# kselftests, boot it under QEMU and run them. Prints TAP: one line per
# guest test, one for the boot-time self-checks, one for "no kernel report
# in the guest log". Exits non-zero on any failure.
#
# Variants worth running besides small: debug (KASAN, lockdep), all (the
# whole kernel instrumented), module (only the test module instrumented).
set -uo pipefail

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
needs_kernel
variants=${KCOVDF_KERNEL_VARIANTS:-small}

if out=$(KCOVDF_REQUIRE_ABI_COPY=1 "$root/tests/check-uapi-copy.sh" 2>&1); then
	ok "kernel: the series' uapi/linux/kcov_dataflow.h and linux/kcov_dataflow_abi.h are the project's"
else
	echo "$out" | sed 's/^/# /'
	notok "kernel: the series' uapi/linux/kcov_dataflow.h and linux/kcov_dataflow_abi.h are the project's"
fi

if [ ! -f "$root/build/kcovdf-plugin.so" ]; then
	echo "# building the compiler plugin"
	make -s -C "$root" plugin >/dev/null 2>&1 || true
fi

for v in $variants; do
	start=$(date +%s)
	mkdir -p "$root/build/kernel"
	log=$root/build/kernel/$v-suite.log
	if ! KCOVDF_REQUIRE_PLUGIN=1 KCOVDF_BUILD_QUIET=1 \
	     "$root/kernel/build.sh" "$v" > "$log" 2>&1; then
		tail -n 20 "$log" | sed 's/^/# /'
		notok "$v: kernel builds (log: $log)"
		continue
	fi
	ok "$v: kernel builds ($(( $(date +%s) - start ))s)"

	src=$root/build/kernel/src
	kout=$root/build/kernel/$v

	# The build-time ABI check (patch 2, scripts/kcov_dataflow_check.sh)
	# on objects made here: a callback call without the guard symbol,
	# and a call of the upstream proposal's __sanitizer_cov_trace_args,
	# fail; the test module, as the plugin instrumented it, passes.
	chk=$src/scripts/kcov_dataflow_check.sh
	tmpd=$(mktemp -d)
	printf 'void %s(unsigned long, unsigned long, unsigned long, void *);\nvoid f(void) { %s(0, 0, 0, 0); }\n' \
		__kcov_df_trace_args_v2 __kcov_df_trace_args_v2 > "$tmpd/noguard.c"
	printf 'void %s(unsigned long, unsigned long, unsigned long, void *);\nvoid f(void) { %s(0, 0, 0, 0); }\n' \
		__sanitizer_cov_trace_args __sanitizer_cov_trace_args > "$tmpd/upstream.c"
	if [ -x "$chk" ] &&
	   clang-22 -c -o "$tmpd/noguard.o" "$tmpd/noguard.c" &&
	   clang-22 -c -o "$tmpd/upstream.o" "$tmpd/upstream.c" &&
	   ! sh "$chk" llvm-nm-22 "$tmpd/noguard.o" 2>/dev/null &&
	   ! sh "$chk" llvm-nm-22 "$tmpd/upstream.o" 2>/dev/null &&
	   sh "$chk" llvm-nm-22 "$kout/lib/test_kcov_dataflow.o"; then
		ok "$v: the ABI guard check refuses objects without the guard or with __sanitizer_cov_trace_args, passes the plugin's"
	else
		notok "$v: the ABI guard check refuses objects without the guard or with __sanitizer_cov_trace_args, passes the plugin's"
	fi
	rm -rf "$tmpd"
	kst=$kout/kselftest
	rm -rf "$kst"
	mkdir -p "$kst"
	if ! make -s -C "$src/tools/testing/selftests/kcov_dataflow" \
	     OUTPUT="$kst" KHDR_INCLUDES="-isystem $kout/usr/include" \
	     CC=gcc >> "$log" 2>&1; then
		tail -n 20 "$log" | sed 's/^/# /'
		notok "$v: kselftests build (log: $log)"
		continue
	fi
	ok "$v: kselftests build"

	start=$(date +%s)
	guest=$("$root/kernel/vm.sh" --variant "$v" --no-build \
		--add "$kst:/kselftest" --timeout "${KCOVDF_VM_TIMEOUT:-900}" -- \
		'modprobe test_kcov_dataflow && cd /kselftest &&
		 { ./kcov_dataflow_test; a=$?; ./kcov_ext_remote_test; b=$?;
		   [ $a = 0 ] && [ $b = 0 ]; }' \
		2> "$log.vm")
	rc=$?
	glog=$(sed -n 's/.*\(log\|guest log:\) \(\/[^ ]*guest.log\).*/\2/p' "$log.vm" | tail -n 1)
	printf '%s\n' "$guest" > "$log.guest"
	# One host TAP line per guest test line.
	tests=0
	while IFS= read -r line; do
		case $line in
		"ok "*|"not ok "*)
			name=$(printf '%s' "$line" | sed -E 's/^(not )?ok [0-9]+ //')
			tests=$((tests + 1))
			if [ "${line#not }" = "$line" ]; then
				ok "$v: $name"
			else
				notok "$v: $name"
			fi
			;;
		esac
	done <<< "$guest"
	if [ $tests -eq 0 ]; then
		printf '%s\n' "$guest" | tail -n 20 | sed 's/^/# /'
		notok "$v: the guest ran the selftests (vm.sh status $rc)"
	fi
	grep -E '^# (FAILED|PASSED|Totals)' <<< "$guest" | sed "s/^# /# $v: /"
	if [ -n "$glog" ] && grep -q 'CONFIG_DEBUG_KCOV_DATAFLOW=y' "$kout/.config"; then
		if grep -q 'kcov_dataflow: selftest passed' "$glog"; then
			ok "$v: boot-time self-checks"
		else
			grep 'kcov_dataflow' "$glog" | head -n 20 | sed 's/^/# /'
			notok "$v: boot-time self-checks (log: $glog)"
		fi
	fi
	if [ $rc -eq 240 ] || [ $rc -eq 241 ] || [ $rc -eq 242 ] || [ $rc -eq 243 ]; then
		sed 's/^/# /' "$log.vm"
		notok "$v: no kernel reports in the guest log (vm.sh status $rc)"
	else
		ok "$v: no kernel reports in the guest log ($(( $(date +%s) - start ))s in the guest)"
	fi
done

done_testing
