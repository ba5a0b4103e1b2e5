#!/usr/bin/env bash
# User-space callback cost, measured side by side in one run:
#   base      clang-22 -O2, no instrumentation
#   off-gate  kcovdf cc (args,ret + inline gate), recording off
#   off-call  kcovdf cc (args,ret, no gate), recording off: calls return early
#   on        kcovdf cc (args,ret + gate), recording on (trace on tmpfs),
#             buffers packed at flush (the default)
#   on-plain  the same with KCOVDF_PACK=0: buffers written as they are
# Time: ROUNDS rounds, variants alternated within each round, median and
# spread (min-max) of ns per call. Instructions: callgrind, exact and
# repeatable, total Ir / calls. Prints a markdown table.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
kcovdf=$root/build/kcovdf
out=${BENCH_OUT:-$root/build/bench/user}
N=${BENCH_N:-20000000}
CGN=${BENCH_CG_N:-200000}
ROUNDS=${BENCH_ROUNDS:-7}
mkdir -p "$out"
src=$root/bench/user/callback.c
clang-22 -O2 -gdwarf-4 "$src" -o "$out/base"
KCOVDF_MODES=args,ret,gate "$kcovdf" cc -O2 -gdwarf-4 "$src" -o "$out/gate"
KCOVDF_MODES=args,ret,nogate "$kcovdf" cc -O2 -gdwarf-4 "$src" -o "$out/call"
# valgrind 3.19 cannot read clang-22's DWARF 5 (the runtime's): measure
# instructions on copies without debug info.
for b in base gate call; do objcopy --strip-debug "$out/$b" "$out/$b.nodebug"; done
tmp=$(mktemp -d /dev/shm/kcovdf-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

run() {	# variant workload n -> ns per call
	case $1 in
	base) "$out/base" "$2" "$3" ;;
	off-gate) env -u KCOVDF_OUT "$out/gate" "$2" "$3" ;;
	off-call) env -u KCOVDF_OUT "$out/call" "$2" "$3" ;;
	on) rm -f "$tmp/t"; KCOVDF_OUT=$tmp/t "$out/gate" "$2" "$3" ;;
	on-plain) rm -f "$tmp/t"; KCOVDF_PACK=0 KCOVDF_OUT=$tmp/t "$out/gate" "$2" "$3" ;;
	esac
}
median() { sort -g | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.2f %.2f %.2f", m, a[1], a[NR]}'; }
instr() {	# variant workload -> Ir per call
	local bin=$out/gate.nodebug env=(env -u KCOVDF_OUT)
	case $1 in base) bin=$out/base.nodebug;; off-call) bin=$out/call.nodebug;;
	on) env=(env KCOVDF_OUT=$tmp/cg); rm -f "$tmp/cg";;
	on-plain) env=(env KCOVDF_PACK=0 KCOVDF_OUT=$tmp/cg); rm -f "$tmp/cg";; esac
	local tot
	tot=$("${env[@]}" valgrind --tool=callgrind --callgrind-out-file=$tmp/cg.out \
		"$bin" "$2" "$CGN" 2>&1 >/dev/null | awk '/Collected/ {print $4}')
	local tot0
	tot0=$("${env[@]}" valgrind --tool=callgrind --callgrind-out-file=$tmp/cg.out \
		"$bin" "$2" 1 2>&1 >/dev/null | awk '/Collected/ {print $4}')
	awk -v a="$tot" -v b="$tot0" -v n="$CGN" 'BEGIN {printf "%.1f", (a - b) / (n - 1)}'
}

variants="base off-gate off-call on on-plain"
echo "| workload | variant | ns/call median (min-max), $ROUNDS rounds | Ir/call (callgrind) |"
echo "|---|---|---|---|"
for w in scalar object; do
	declare -A t=()
	for ((r = 0; r < ROUNDS; r++)); do
		for v in $variants; do t[$v]+="$(run $v $w $N) "; done
	done
	for v in $variants; do
		read -r med lo hi <<<"$(tr ' ' '\n' <<<"${t[$v]}" | grep . | median)"
		echo "| $w | $v | $med ($lo-$hi) | $(instr $v $w) |"
		eval "med_${v//-/_}=$med"
	done
	ncb=3; [ $w = object ] && ncb=2
	awk -v on="$med_on" -v base="$med_base" -v g="$med_off_gate" -v c="$ncb" \
	    -v w="$w" -v op="$med_on_plain" 'BEGIN {
		printf "| %s | per recorded callback | %.2f ns ((on - base) / %d) | |\n", w, (on - base) / c, c;
		printf "| %s | per recorded callback, plain chunks | %.2f ns ((on-plain - base) / %d) | |\n", w, (op - base) / c, c;
		printf "| %s | gate closed vs base | %.2fx | |\n", w, g / base }'
	unset t
done
