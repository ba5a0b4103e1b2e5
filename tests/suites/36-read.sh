#!/usr/bin/env bash
# What the reading commands make of values and symbols (tests/read/):
#  - diff: views of a pointer inside a union (union { void *p; long v; }),
#    arrays of pointers, are compared like pointers (two runs: no change);
#    the integer a union holds is still compared;
#  - view: a big object in full the first time, then only what changed;
#    flags, modes and commands (cmd, *_cmd) in hex or octal, enums of bit
#    flags symbolically;
#  - symbols without flags: a kernel-style trace finds its vmlinux and
#    modules by build id (build/kernel/*/, the trace's directory,
#    KCOVDF_DEBUG_PATH, /usr/lib/debug/.build-id) and says which it used.
# TAP output; exits non-zero on any failure.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
out=$BUILD/tests/read
mkdir -p "$out"

# matches WHAT FILE RE...: ok WHAT when each basic regular expression RE
# matches a line of FILE, else FILE shown and notok WHAT.
matches() {
	local what=$1 file=$2
	shift 2
	if grep_each "$file" "$@"; then
		ok "$what"
	else
		show "$file"; notok "$what"
	fi
}

cd "$root" || exit 1
log=$out/build.log
if make -s all >"$log" 2>&1 && [ -x "$K" ]; then
	ok "build kcovdf"
else
	show "$log"; notok "build kcovdf"; done_testing
fi

# ---- diff: unions of a pointer and an integer ------------------------------
u=$out/union
if "$K" cc -O2 -g tests/read/union.c -o "$u" >"$u.log" 2>&1 &&
   "$K" record --user -o "$u-1.trace" -- "$u" >>"$u.log" 2>&1 &&
   "$K" record --user -o "$u-2.trace" -- "$u" >>"$u.log" 2>&1 &&
   UNION_VALUE=6 "$K" record --user -o "$u-3.trace" -- "$u" >>"$u.log" 2>&1; then
	ok "tests/read/union.c: build, record three runs"
else
	show "$u.log"; notok "tests/read/union.c: build, record three runs"
fi
"$K" view "$u-1.trace" >"$u.view" 2>&1
"$K" diff "$u-1.trace" "$u-2.trace" >"$u.diff" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q 'u.v=0x' "$u.view" &&
   grep -qx '0 values changed in 0 calls, 0 calls only in A, 0 only in B' "$u.diff"; then
	ok "diff of two identical runs: views of an address in a union are not changes (exit 0)"
else
	show "$u.view"; show "$u.diff"
	notok "diff of two identical runs: views of an address in a union are not changes (exit $rc)"
fi
"$K" diff "$u-1.trace" "$u-3.trace" >"$u-3.diff" 2>&1
if [ $? = 1 ] && grep -qx '~ main > use#1: x->u.v: 5 -> 6' "$u-3.diff" &&
   grep -qx '~ main > use#1: x->u.w.lo: 5 -> 6' "$u-3.diff" &&
   ! grep -q 'use: ' "$u-3.diff"; then
	ok "diff: the integer a union holds (no address) is still compared"
else
	show "$u-3.diff"; notok "diff: the integer a union holds (no address) is still compared"
fi
"$K" diff --pointers "$u-1.trace" "$u-2.trace" >"$u-p.diff" 2>&1
matches "diff --pointers: the union's views and arrays of pointers compared exactly" \
	"$u-p.diff" '^~ main > use: x->u.v: 0x' '^~ main > use: x->slots: 0x'

# ---- view: flags, modes, enums; big objects --------------------------------
b=$out/bigobj
if "$K" cc -O2 -g tests/read/bigobj.c -o "$b" >"$b.log" 2>&1 &&
   "$K" record --user -o "$b.trace" -- "$b" >>"$b.log" 2>&1; then
	ok "tests/read/bigobj.c: build, record"
else
	show "$b.log"; notok "tests/read/bigobj.c: build, record"
fi
"$K" view --full "$b.trace" >"$b.full" 2>&1
first=$(grep -m1 'peek(' "$b.full")
if [[ $first == *'f_flags=0x8002, f_mode=0x4a801d, i_mode=0100644, vm=0x73, perm=PERM_READ|PERM_EXEC, color=BLUE, counter=1, plain=577,'* ]] &&
   grep -q 'f_flags=0x8402, .*perm=PERM_WRITE|0x8,' "$b.full"; then
	ok "view: flags and modes in hex (by name and type), umode_t in octal, bit-flag enums as A|B|0x.."
else
	show "$b.full"; notok "view: flags and modes in hex (by name and type), umode_t in octal, bit-flag enums as A|B|0x.."
fi
"$K" view --json -f peek "$b.trace" >"$b.json" 2>&1
if python3 tests/read/check_bigobj.py "$b.json"
then ok "view --json: numbers stay numbers, enum_flags names the bits, every field kept"
else show "$b.json" 5; notok "view --json: numbers stay numbers, enum_flags names the bits, every field kept"
fi

# By default: in full the first time, then what changed, with a note.
"$K" view "$b.trace" >"$b.view" 2>&1
sed -E 's/0x7ff[0-9a-f]+/ADDR/g' "$b.view" >"$b.view.norm"
cat >"$b.want" <<'WANT'
main() {
  peek(b=ADDR {pos=0, f_flags=0x8002, f_mode=0x4a801d, i_mode=0100644, vm=0x73, perm=PERM_READ|PERM_EXEC, color=BLUE, counter=1, plain=577, pad={0, 0, ...}, r0=0, r1=0, r2=0, r3=0, r4=0, r5=0, r6=0, r7=0, r8=0, r9=0, r10=0, next=ADDR}) = 1
  peek(b=ADDR {/* 22 fields as before */}) = 1
  step(b=ADDR {/* 22 fields as before */}, by=10) {
    peek(b=ADDR {pos=10 /* 21 more as before */}) = 11
  } = 11
  peek(b=ADDR {f_flags=0x8402, perm=PERM_WRITE|0x8 /* 20 more as before */}) = 11
  ioctl_like(cmd=0x40046205, arg=4096, r=ADDR {op_cmd=0xc0306201, len=48}) = 4298429494
  deep(n=ADDR {a.b.c.d=0x0000002a, tail=7}) = 49
  tiny(s=ADDR {a=1, b=2}) = 3
  tiny(s=ADDR {a=1, b=2}) = 3
} = 0
WANT
if diff -u "$b.want" <(grep -v '^#' "$b.view.norm") >"$b.view.diff"; then
	ok "view: a big object in full once, then only the fields that changed (small ones always in full); commands (cmd, *_cmd) in hex; a struct past the depth limit as its bytes"
else
	show "$b.view.diff"; notok "view: a big object in full once, then only the fields that changed (small ones always in full); commands (cmd, *_cmd) in hex; a struct past the depth limit as its bytes"
fi
if [ "$(grep -c 'peek(b=.*r10=0' "$b.full")" = 4 ] &&
   ! grep -q 'as before' "$b.full"; then
	ok "view --full: every field every time"
else
	show "$b.full"; notok "view --full: every field every time"
fi
"$K" view --style=multiline -f peek "$b.trace" >"$b.multi" 2>&1
if grep -qx '    b = 0x[0-9a-f]* {/\* 22 fields as before \*/}' "$b.multi" &&
   grep -B2 -A2 -x '        /\* 20 more as before \*/' "$b.multi" | grep -qx '        perm = PERM_WRITE|0x8'; then
	ok "view --style=multiline: the same, one field a line"
else
	show "$b.multi" 60; notok "view --style=multiline: the same, one field a line"
fi
# A task starts afresh; -f shows the first call of the subtree in full.
"$K" view -f step "$b.trace" >"$b.f" 2>&1
matches "view -f: what was not shown does not count as seen" "$b.f" \
	'^step(b=0x[0-9a-f]* {pos=0, f_flags=0x8002,' \
	'^  peek(b=0x[0-9a-f]* {pos=10 /\* 21 more as before \*/}) = 11'

# ---- symbols without flags: found by build id ------------------------------
# A stand-in vmlinux (tests/tools/kernel-funcs.c) and a kernel-like trace
# of its functions (tests/tools/mktrace.c) that records its build id.
kd=$out/sym
rm -rf "$kd"
mkdir -p "$kd"
NM=$(command -v llvm-nm-22 || command -v nm)
if clang-22 -g -O1 -nostdlib -static -fno-pic -Wl,-e,0 -Wl,--build-id=sha1 \
	tests/tools/kernel-funcs.c -o "$kd/kf.elf" >"$kd/log" 2>&1 &&
   clang-22 -g -O1 -nostdlib -static -fno-pic -Wl,-e,0 \
	-Wl,--build-id=0x0123456789abcdef0123456789abcdef01234567 \
	tests/tools/kernel-funcs.c -o "$kd/other.elf" >>"$kd/log" 2>&1 &&
   cc_lib "$kd/mktrace" tests/tools/mktrace.c >>"$kd/log" 2>&1 &&
   syms=$("$NM" "$kd/kf.elf" | awk '$2 == "T" { print $3 "=0x" $1 }') &&
   "$kd/mktrace" "$kd/plain.trace" v1 0xffffffff80000000 $syms &&
   bid=$(readelf -n "$kd/kf.elf" | awk '/Build ID/ { print $3 }') &&
   [ -n "$bid" ] &&
   python3 tests/read/setbid.py "$kd/plain.trace" "$kd/k.trace" "$bid" &&
   python3 tests/read/setbid.py "$kd/plain.trace" "$kd/meta.trace" "$bid" meta; then
	ok "stand-in vmlinux (build id $bid) and a kernel-like trace that records it"
else
	show "$kd/log"; notok "stand-in vmlinux and a kernel-like trace that records its build id"
fi
"$K" view --vmlinux "$kd/kf.elf" "$kd/k.trace" >"$kd/want" 2>"$kd/want.err"
"$K" view "$kd/plain.trace" >"$kd/symsonly" 2>/dev/null
# found CASE DIR FILE ENV... : a copy of the trace in DIR, read without
# --vmlinux (with ENV), shows what --vmlinux shows and names FILE.
found() {
	local desc=$1 dir=$2 file=$3 tr=${TR:-k.trace}
	shift 3
	mkdir -p "$dir"
	cp "$kd/$tr" "$dir/t.trace"
	(cd "$kd" && env "$@" "$K" view "$dir/t.trace" >"$dir/out" 2>"$dir/err")
	if cmp -s "$kd/want" "$dir/out" &&
	   grep -qxF "kcovdf: symbols from $file (build id $bid)" "$dir/err" &&
	   [ "$(grep -c 'symbols from' "$dir/err")" = 1 ]; then
		ok "no --vmlinux: $desc"
	else
		show "$dir/err"; diff "$kd/want" "$dir/out" | head -5 | sed 's/^/#   /'
		notok "no --vmlinux: $desc"
	fi
}
mkdir -p "$kd/root/build/kernel/x" "$kd/root/build/kernel/y"
cp "$kd/other.elf" "$kd/root/build/kernel/x/vmlinux"
cp "$kd/kf.elf" "$kd/root/build/kernel/y/vmlinux"
found "build/kernel/*/vmlinux of the kcovdf tree, the one whose build id matches" \
	"$kd/t1" "root/build/kernel/y/vmlinux" KCOVDF_ROOT="$kd/root"
mkdir -p "$kd/t2/build/kernel/small"
cp "$kd/kf.elf" "$kd/t2/build/kernel/small/vmlinux"
found "build/kernel/*/vmlinux next to the trace" "$kd/t2" \
	"t2/build/kernel/small/vmlinux" KCOVDF_ROOT="$kd/none"
mkdir -p "$kd/t3"
cp "$kd/other.elf" "$kd/t3/vmlinux"
cp "$kd/kf.elf" "$kd/t3/vmlinux-6.12.0-test"
found "vmlinux* in the trace's directory" "$kd/t3" "t3/vmlinux-6.12.0-test" \
	KCOVDF_ROOT="$kd/none"
mkdir -p "$kd/dbg/.build-id/${bid:0:2}"
cp "$kd/kf.elf" "$kd/dbg/.build-id/${bid:0:2}/${bid:2}.debug"
found "KCOVDF_DEBUG_PATH: a .build-id tree" "$kd/t4" \
	"dbg/.build-id/${bid:0:2}/${bid:2}.debug" KCOVDF_ROOT="$kd/none" \
	KCOVDF_DEBUG_PATH="$kd/nothing:$kd/dbg"
TR=meta.trace found "KCOVDF_DEBUG_PATH: a file; the build id in META only" \
	"$kd/t5" "kf.elf" KCOVDF_ROOT="$kd/none" \
	KCOVDF_DEBUG_PATH="$kd/other.elf:$kd/kf.elf"
# --sysroot: the system's places (/boot/vmlinux-RELEASE, /usr/lib/debug).
mkdir -p "$kd/sys/boot" "$kd/t6"
cp "$kd/kf.elf" "$kd/sys/boot/vmlinux-6.12.0-test"
cp "$kd/k.trace" "$kd/t6/t.trace"
(cd "$kd" && KCOVDF_ROOT="$kd/none" "$K" view --sysroot "$kd/sys" "$kd/t6/t.trace" >"$kd/t6/out" 2>"$kd/t6/err")
if cmp -s "$kd/want" "$kd/t6/out" &&
   grep -qxF "kcovdf: symbols from sys/boot/vmlinux-6.12.0-test (build id $bid)" "$kd/t6/err"; then
	ok "no --vmlinux: --sysroot DIR/boot/vmlinux-RELEASE"
else
	show "$kd/t6/err"; notok "no --vmlinux: --sysroot DIR/boot/vmlinux-RELEASE"
fi
# Nothing matches: a file of another build id is not used; the message
# says what was searched and what to do.
mkdir -p "$kd/t7"
cp "$kd/other.elf" "$kd/t7/vmlinux"
cp "$kd/k.trace" "$kd/t7/t.trace"
(cd "$kd" && KCOVDF_ROOT="$kd/none" "$K" view "$kd/t7/t.trace" >"$kd/t7/out" 2>"$kd/t7/err")
rc=$?
if [ $rc = 0 ] && cmp -s "$kd/symsonly" "$kd/t7/out" &&
   grep -q "^kcovdf: no vmlinux with the trace's build id $bid (kernel 6.12.0-test); searched .*t7/vmlinux\*.*/boot/vmlinux-6.12.0-test (KCOVDF_DEBUG_PATH is not set)\. .*pass --vmlinux FILE" "$kd/t7/err" &&
   ! grep -q 'symbols from' "$kd/t7/err"; then
	ok "no match: names from the trace's symbol list, a message naming the places searched and --vmlinux (exit 0)"
else
	show "$kd/t7/err"; notok "no match: names from the trace's symbol list, a message naming the places searched and --vmlinux (exit $rc)"
fi
"$K" view "$kd/plain.trace" 2>&1 >/dev/null | grep -q '^kcovdf: the trace records no kernel build id.*pass --vmlinux FILE' &&
	ok "a trace without a kernel build id: says so" ||
	notok "a trace without a kernel build id: says so"
# --vmlinux still wins, and says nothing; one of another build id is
# refused as before.
KCOVDF_ROOT="$kd/root" "$K" view --vmlinux "$kd/kf.elf" "$kd/k.trace" >"$kd/ex.out" 2>"$kd/ex.err"
KCOVDF_ROOT="$kd/root" "$K" view --vmlinux "$kd/other.elf" "$kd/k.trace" >"$kd/ex2.out" 2>"$kd/ex2.err"
if cmp -s "$kd/want" "$kd/ex.out" && ! grep -q 'symbols from' "$kd/ex.err" &&
   grep -q 'other.elf: build id differs' "$kd/ex2.err" && cmp -s "$kd/symsonly" "$kd/ex2.out"; then
	ok "--vmlinux FILE: used as given; one with another build id is refused"
else
	show "$kd/ex2.err"; notok "--vmlinux FILE: used as given; one with another build id is refused"
fi
# User space: the recorded executable was rebuilt; the one with the
# recorded build id is found in KCOVDF_DEBUG_PATH.
ud=$kd/user
mkdir -p "$ud/keep"
if "$K" cc -O2 -g tests/read/bigobj.c -o "$ud/prog" >"$ud/log" 2>&1 &&
   "$K" record --user -o "$ud/t.trace" -- "$ud/prog" >>"$ud/log" 2>&1 &&
   mv "$ud/prog" "$ud/keep/prog" &&
   "$K" cc -O1 -g -DREBUILT tests/read/bigobj.c -o "$ud/prog" >>"$ud/log" 2>&1; then
	(cd / && "$K" view "$ud/t.trace" >"$ud/stale.out" 2>"$ud/stale.err")
	(cd / && KCOVDF_DEBUG_PATH="$ud/keep" "$K" view "$ud/t.trace" >"$ud/found.out" 2>"$ud/found.err")
	if grep -q 'prog: build id differs' "$ud/stale.err" &&
	   ! grep -q '^  peek(b=' "$ud/stale.out" &&
	   grep -q "^kcovdf: symbols of $ud/prog from $ud/keep/prog (build id [0-9a-f]*)\$" "$ud/found.err" &&
	   grep -q '^  peek(b=0x[0-9a-f]* {pos=0, f_flags=0x8002' "$ud/found.out"; then
		ok "user space: a rebuilt executable is refused; the one with the recorded build id is found in KCOVDF_DEBUG_PATH"
	else
		show "$ud/stale.err"; show "$ud/found.err"
		notok "user space: a rebuilt executable is refused; the one with the recorded build id is found in KCOVDF_DEBUG_PATH"
	fi
else
	show "$ud/log"; notok "user space: rebuilt executable"
fi

# ---- the same under ASan and UBSan ------------------------------------------
asan=$BUILD/tests/kcovdf-asan-read
if cc_kcovdf_asan "$asan" >"$out/asan-build.log" 2>&1; then
	bad=0
	for cmd in "view $b.trace" "view --style=multiline $b.trace" \
		   "view -f step $b.trace" "view --json $b.trace" \
		   "diff $u-1.trace $u-3.trace" "report $u-1.trace" \
		   "view $kd/t7/t.trace" "view --sysroot $kd/sys $kd/t6/t.trace" \
		   "view $kd/plain.trace"; do
		# shellcheck disable=SC2086
		"$asan" $cmd >"$out/asan.out" 2>"$out/asan.err"
		if [ $? -gt 1 ] || grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$out/asan.err"; then
			echo "# $cmd"; show "$out/asan.err" 8; bad=1
		fi
	done
	if [ $bad = 0 ]; then ok "ASan/UBSan: view, diff, report on these traces"
	else notok "ASan/UBSan: view, diff, report on these traces"
	fi
else
	show "$out/asan-build.log"; notok "build kcovdf with ASan and UBSan"
fi

done_testing
