#!/usr/bin/env bash
# An interpreter built three ways through its own makefile, timed side by
# side while NOT recording (issue #11 item 6: what instrumentation costs a
# program that nobody records):
#   plain    clang-22 -O2 -g
#   gate     kcovdf cc -O2 -g (the default: args, ret and the inline gate)
#   nogate   KCOVDF_MODES=args,ret,nogate kcovdf cc -O2 -g (the callbacks
#            are always called and return at once)
# Workload: bench/user/interp.lua (CPU bound). Time: ROUNDS rounds, the
# variants alternated within each round (order rotated), CPU time (user +
# sys) of each run, median and range. Instructions: callgrind, exact and
# repeatable (total Ir of one run at scale 1, on copies without debug info:
# valgrind 3.19 cannot read clang-22's DWARF 5). Then one recorded run of
# the gate build, to show that recording works with the gate.
#
# Source: Lua 5.4.7, https://github.com/lua/lua (tag v5.4.7). Without
# network the script looks for it and skips with a message when it is not
# there:
#   LUA_SRC   a directory with Lua's sources (default build/bench/lua-src)
#   LUA_GIT   a git directory of github.com/lua/lua to export v5.4.7 from
#             when LUA_SRC is absent
#   BENCH_ROUNDS (default 5), BENCH_SCALE (default 8), BENCH_CG (1: also
#   callgrind, the default when valgrind is installed)
# Prints a markdown table; files in $BENCH_OUT (default build/bench/interp).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
kcovdf=$root/build/kcovdf
out=${BENCH_OUT:-$root/build/bench/interp}
src=${LUA_SRC:-$root/build/bench/lua-src}
ROUNDS=${BENCH_ROUNDS:-5}
SCALE=${BENCH_SCALE:-8}
CG=${BENCH_CG:-1}
script=$root/bench/user/interp.lua

if [ ! -f "$src/lvm.c" ] && [ -n "${LUA_GIT:-}" ]; then
	mkdir -p "$src"
	git --git-dir="$LUA_GIT" archive v5.4.7 | tar -x -C "$src"
fi
if [ ! -f "$src/lvm.c" ] || [ ! -f "$src/makefile" ]; then
	echo "interp.sh: skipped: no Lua source in $src (set LUA_SRC to a" \
	     "checkout of https://github.com/lua/lua tag v5.4.7, or LUA_GIT" \
	     "to its git directory)"
	exit 0
fi
[ -x "$kcovdf" ] || make -C "$root" all >&2
mkdir -p "$out"

# Lua's developer makefile, its compiler and flags replaced (its default
# flags are gcc's and -march=native).
build() {	# variant CC [env...]
	local v=$1 cc=$2
	shift 2
	rm -rf "${out:?}/$v"
	mkdir -p "$out/$v"
	cp -r "$src"/. "$out/$v/"
	(cd "$out/$v" && env "$@" make -s CC="$cc" \
		CFLAGS="-O2 -g -std=c99 -DLUA_USE_LINUX" \
		MYLDFLAGS="-Wl,-E" MYLIBS="-ldl" >"$out/$v.build.log" 2>&1) ||
		{ tail "$out/$v.build.log" >&2; exit 1; }
	objcopy --strip-debug "$out/$v/lua" "$out/$v.nodebug"
}
build plain clang-22
build gate "$kcovdf cc"
build nogate "$kcovdf cc" KCOVDF_MODES=args,ret,nogate

variants="plain gate nogate"
want=$(env -u KCOVDF_OUT "$out/plain/lua" "$script" "$SCALE")
for v in gate nogate; do
	got=$(env -u KCOVDF_OUT "$out/$v/lua" "$script" "$SCALE")
	[ "$got" = "$want" ] || { echo "interp.sh: $v computes $got, plain $want" >&2; exit 1; }
done

cpu() {	# variant -> CPU seconds of one run
	local TIMEFORMAT='%3U %3S' tm
	tm=$( { time env -u KCOVDF_OUT "$out/$1/lua" "$script" "$SCALE" >/dev/null; } 2>&1 )
	awk '{printf "%.3f", $1 + $2}' <<<"$tm"
}
declare -A t=()
for ((r = 0; r < ROUNDS; r++)); do
	set -- $variants
	for ((k = 0; k < r % 3; k++)); do set -- "${@:2}" "$1"; done
	for v in "$@"; do t[$v]+="$(cpu "$v") "; done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {printf "%.3f %.3f %.3f", a[int((NR+1)/2)], a[1], a[NR]}'; }
ir() {	# variant -> total Ir of one run at scale 1
	env -u KCOVDF_OUT valgrind --tool=callgrind \
		--callgrind-out-file="$out/$1.cg" "$out/$1.nodebug" "$script" 1 \
		2>&1 >/dev/null | awk '/Collected/ {print $4}'
}
text() { size -A "$out/$1/lua" | awk '$1 == ".text" {print $2}'; }

echo "Lua 5.4.7 ($src), bench/user/interp.lua scale $SCALE; $(nproc) CPUs," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "| variant | CPU s median (min-max), $ROUNDS rounds | vs plain | Ir, scale 1 (callgrind) | vs plain | .text bytes |"
echo "|---|---|---|---|---|---|"
declare -A med=() irs=()
for v in $variants; do
	read -r m lo hi <<<"$(median <<<"${t[$v]}")"
	med[$v]=$m
	irs[$v]=""
	if [ "$CG" = 1 ] && command -v valgrind >/dev/null; then
		irs[$v]=$(ir "$v" | tr -d ,)
	fi
done
for v in $variants; do
	ratio=$(awk -v a="${med[$v]}" -v b="${med[plain]}" 'BEGIN {printf "%.2fx", a / b}')
	if [ -n "${irs[$v]}" ]; then
		irr=$(awk -v a="${irs[$v]}" -v b="${irs[plain]}" 'BEGIN {printf "%.3fx", a / b}')
		irv=${irs[$v]}
	else
		irr="not measured" irv="not measured"
	fi
	read -r m lo hi <<<"$(median <<<"${t[$v]}")"
	echo "| $v | $m ($lo-$hi) | $ratio | $irv | $irr | $(text "$v") |"
done

# Recording works with the gate: the default build, recorded.
tmp=$(mktemp -d /tmp/kcovdf-interp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
printf 'local function f(x) return x + 1 end\nprint(f(41))\n' >"$tmp/tiny.lua"
if "$kcovdf" record --user -o "$tmp/tiny.trace" -- "$out/gate/lua" "$tmp/tiny.lua" \
	>"$tmp/rec.out" 2>&1 && grep -q '^42$' "$tmp/rec.out"; then
	echo
	echo "Recording the gate build (tiny script): $(sed -n 's/^kcovdf: .*\.trace: \([0-9]*\) records.*/\1 records/p' "$tmp/rec.out"); functions named: $("$kcovdf" report "$tmp/tiny.trace" 2>/dev/null | grep -c '^[a-zA-Z_][a-zA-Z0-9_]*: [0-9]* call')"
else
	echo "interp.sh: recording the gate build failed:" >&2
	cat "$tmp/rec.out" >&2
	exit 1
fi
