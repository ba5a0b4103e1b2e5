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
"$K" view "$b.trace" >"$b.full" 2>&1
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

echo "1..$n"
[ $failed = 0 ]
