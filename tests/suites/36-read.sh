#!/usr/bin/env bash
# What the reading commands make of values and symbols (tests/read/):
#  - diff: views of a pointer inside a union (union { void *p; long v; }),
#    arrays of pointers, are compared like pointers (two runs: no change);
#    the integer a union holds is still compared;
#  - view: a big object in full the first time, then only what changed;
#    flags and modes in hex or octal, enums of bit flags symbolically;
#  - symbols without flags: a kernel-style trace finds its vmlinux and
#    modules by build id (build/kernel/*/, the trace's directory,
#    KCOVDF_DEBUG_PATH, /usr/lib/debug/.build-id) and says which it used.
# TAP output; exits non-zero on any failure.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$root/build}
K=$BUILD/kcovdf
out=$BUILD/tests/read
mkdir -p "$out"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
show() { sed 's/^/#   /' "$1" | head -n "${2:-30}"; }
# check DESC CMD...: CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}

cd "$root" || exit 1
log=$out/build.log
if make -s all >"$log" 2>&1 && [ -x "$K" ]; then
	ok "build kcovdf"
else
	show "$log"; notok "build kcovdf"; echo "1..$n"; exit 1
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
if grep -q '^~ main > use: x->u.v: 0x' "$u-p.diff" &&
   grep -q '^~ main > use: x->slots: 0x' "$u-p.diff"; then
	ok "diff --pointers: the union's views and arrays of pointers compared exactly"
else
	show "$u-p.diff"; notok "diff --pointers: the union's views and arrays of pointers compared exactly"
fi

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
if python3 - "$b.json" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
f = {x["name"]: x for x in calls[0]["args"][0]["fields"]}
assert f["f_flags"]["value"] == 0x8002 and f["i_mode"]["value"] == 0o100644, f
assert f["perm"] == {"name": "perm", "value": 5, "enum_flags": "PERM_READ|PERM_EXEC"}, f["perm"]
assert f["color"]["enum"] == "BLUE"
assert all(len(c["args"][0]["fields"]) == 22 for c in calls), "JSON keeps every field"
PY
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
  tiny(s=ADDR {a=1, b=2}) = 3
  tiny(s=ADDR {a=1, b=2}) = 3
} = 0
WANT
if diff -u "$b.want" <(grep -v '^#' "$b.view.norm") >"$b.view.diff"; then
	ok "view: a big object in full once, then only the fields that changed (small ones always in full)"
else
	show "$b.view.diff"; notok "view: a big object in full once, then only the fields that changed (small ones always in full)"
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
if grep -q '^step(b=0x[0-9a-f]* {pos=0, f_flags=0x8002,' "$b.f" &&
   grep -q '^  peek(b=0x[0-9a-f]* {pos=10 /\* 21 more as before \*/}) = 11' "$b.f"; then
	ok "view -f: what was not shown does not count as seen"
else
	show "$b.f"; notok "view -f: what was not shown does not count as seen"
fi

# ---- the same under ASan and UBSan ------------------------------------------
asan=$BUILD/tests/kcovdf-asan-read
if clang-22 -std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-I"$root/include/uapi" -I"$root/include" -I"$root/lib" \
	-I"$root/tools" "$root"/tools/*.c "$root"/lib/*.c -ldw -lelf \
	-o "$asan" >"$out/asan-build.log" 2>&1; then
	bad=0
	for cmd in "view $b.trace" "view --style=multiline $b.trace" \
		   "view -f step $b.trace" "view --json $b.trace" \
		   "diff $u-1.trace $u-3.trace" "report $u-1.trace"; do
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

echo "1..$n"
[ $failed = 0 ]
