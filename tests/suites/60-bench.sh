#!/usr/bin/env bash
# bench/: the benchmark programs and scripts work and reject bad input.
# No timing is asserted (the figures live in BENCHMARKS.md); only that the
# programs run, print what the scripts parse, and fail clearly.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for s in "$root"/bench/run.sh "$root"/bench/kernel/*.sh "$root"/bench/user/run.sh \
	"$root"/bench/user/interp.sh "$root"/bench/user/trace.sh; do
	check "bash -n ${s#"$root"/}" bash -n "$s"
done
out=$(LUA_SRC="$tmp/no-lua" "$root/bench/user/interp.sh" 2>&1); rc=$?
if [ $rc = 0 ] && grep -q '^interp.sh: skipped: no Lua source' <<<"$out"; then
	ok "interp.sh without the Lua source (no network): skipped with a message"
else notok "interp.sh without the Lua source: skipped with a message" "status $rc: $out"; fi
check "sizes.py compiles" python3 -m py_compile "$root/bench/kernel/sizes.py"
if [ -f "$root/build/libkcovdf.a" ]; then
	check "user/tracestat.c builds, -Wall -Wextra -Werror" \
		cc_lib "$tmp/tracestat" "$root/bench/user/tracestat.c"
fi

for p in sysloop dfbench; do
	check "guest/$p.c builds static, -Wall -Wextra -Werror" \
		gcc -std=gnu11 -O2 -Wall -Wextra -Werror -static -I"$root/include/uapi" \
		"$root/bench/kernel/guest/$p.c" -o "$tmp/$p"
done

for w in getpid eventfd pipe; do
	out=$("$tmp/sysloop" $w 200 2>&1)
	if [[ $out =~ ^$w\ [0-9]+\.[0-9]$ ]]; then ok "sysloop $w prints '$w NS'"
	else notok "sysloop $w prints '$w NS'" "$out"; fi
done
out=$("$tmp/sysloop" uptime 2>&1)
if [[ $out =~ ^uptime_s\ [0-9]+\.[0-9]{9}$ ]]; then ok "sysloop uptime prints 'uptime_s S.NNNNNNNNN'"
else notok "sysloop uptime prints 'uptime_s S.NNNNNNNNN'" "$out"; fi
for args in "" "getpid" "getpid x" "getpid 0" "getpid -5" "nosuch 10"; do
	# shellcheck disable=SC2086
	out=$("$tmp/sysloop" $args 2>&1); rc=$?
	if [ $rc = 2 ] && [ -n "$out" ]; then ok "sysloop '$args': usage error, status 2"
	else notok "sysloop '$args': usage error, status 2" "status $rc: $out"; fi
done
for args in "" "off" "on 10" "off x" "record 0"; do
	# shellcheck disable=SC2086
	out=$("$tmp/dfbench" $args 2>&1); rc=$?
	if [ $rc = 2 ] && [ -n "$out" ]; then ok "dfbench '$args': usage error, status 2"
	else notok "dfbench '$args': usage error, status 2" "status $rc: $out"; fi
done
out=$("$tmp/dfbench" off 10 2>&1); rc=$?
if [ $rc = 1 ] && grep -q 'kcovdf_bench/run' <<<"$out"; then ok "dfbench without the module names the missing file"
else notok "dfbench without the module names the missing file" "status $rc: $out"; fi

# configdiff.sh on made-up .config files.
mkdir -p "$tmp/k/a" "$tmp/k/b" "$tmp/k/c"
printf 'CONFIG_X=y\nCONFIG_KCOV=y\n' > "$tmp/k/a/.config"
printf 'CONFIG_X=y\nCONFIG_KCOV=y\nCONFIG_KCOV_DATAFLOW=y\nCONFIG_KCOV_DATAFLOW_INSTRUMENT_ALL=y\nCONFIG_TEST_KCOV_DATAFLOW=m\n' > "$tmp/k/b/.config"
printf 'CONFIG_KCOV=y\nCONFIG_KCOV_DATAFLOW=y\n' > "$tmp/k/c/.config"
check "configdiff: dataflow-only difference accepted" \
	env BENCH_KDIR="$tmp/k" BENCH_OUT="$tmp/o" "$root/bench/kernel/configdiff.sh" a b
if out=$(BENCH_KDIR="$tmp/k" BENCH_OUT="$tmp/o" "$root/bench/kernel/configdiff.sh" a c 2>&1); then
	notok "configdiff: other difference rejected" "$out"
elif grep -q 'CONFIG_X=y' <<<"$out"; then ok "configdiff: other difference rejected, named"
else notok "configdiff: other difference rejected, named" "$out"; fi
out=$(BENCH_KDIR="$tmp/k" BENCH_OUT="$tmp/o" "$root/bench/kernel/pair.sh" a a 2>&1); rc=$?
if [ $rc != 0 ] && grep -q 'two different' <<<"$out"; then ok "pair.sh refuses the same kernel twice"
else notok "pair.sh refuses the same kernel twice" "status $rc: $out"; fi
out=$(BENCH_KDIR="$tmp/k" BENCH_OUT="$tmp/o" "$root/bench/kernel/sizes.sh" a b 2>&1); rc=$?
if [ $rc != 0 ] && grep -q 'no .*vmlinux' <<<"$out"; then ok "sizes.sh without vmlinux: clear error"
else notok "sizes.sh without vmlinux: clear error" "status $rc: $out"; fi

# sizes.py on a small ELF with the linker-script symbols.
cat > "$tmp/s.S" <<'A'
	.text
	.globl _text, _etext, f
_text:
f:	.fill 100, 1, 0x90
	.size f, 100
	.p2align 12
_etext:
	.section .rodata
	.globl __start_rodata, __end_rodata, r
__start_rodata:
r:	.fill 24, 1, 0
	.size r, 24
	.p2align 6
__end_rodata:
	.data
	.globl _sdata, _edata, d
_sdata:
d:	.quad 1
	.size d, 8
_edata:
	.bss
	.globl __bss_start, __bss_stop, b
__bss_start:
b:	.zero 16
	.size b, 16
__bss_stop:
	.section .init.text, "ax"
	.globl __init_begin, __init_end
__init_begin:
	.fill 32, 1, 0
__init_end:
A
if gcc -c "$tmp/s.S" -o "$tmp/s.o" 2>"$tmp/err" && ld -e 0 -o "$tmp/s.elf" "$tmp/s.o" 2>>"$tmp/err" &&
   : > "$tmp/bz" && out=$(python3 "$root/bench/kernel/sizes.py" nm "$tmp/s.elf" "$tmp/bz" 2>&1); then
	exp="text 4096 text_code 100 rodata 64 rodata_objects 24 data 8 data_objects 8 bss 16 bss_objects 16 init 32 bzImage 0"
	if [ "$(tr '\n' ' ' <<<"$out" | sed 's/ $//')" = "$exp" ]; then ok "sizes.py: regions and object sums"
	else notok "sizes.py: regions and object sums" "$out"; fi
else
	notok "sizes.py: regions and object sums" "$(cat "$tmp/err") ${out:-}"
fi
out=$(python3 "$root/bench/kernel/sizes.py" nm "$tmp/sysloop" "$tmp/bz" 2>&1); rc=$?
if [ $rc != 0 ] && grep -q 'no symbol' <<<"$out"; then ok "sizes.py: not a kernel, clear error"
else notok "sizes.py: not a kernel, clear error" "status $rc: $out"; fi

done_testing
