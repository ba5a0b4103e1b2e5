#!/usr/bin/env bash
# Trace files, side by side in one run (BENCHMARKS.md, "Trace size,
# recording and viewing"): kcovdf (packed chunks, and plain with
# KCOVDF_PACK=0) beside uftrace on the same workloads built from the same
# sources with the same compiler:
#   calls  tests/trace/calls.c loop 250000 (1,000,001 calls)
#   lua    Lua's interpreter (github.com/lua/lua, onelua.c) running
#          bench/user/work.lua (recursion, strings, a sort)
#   zlib   zlib's minigzip (github.com/madler/zlib) compressing 1.3 MB of C
#          (zlib's sources, then lib/ and runtime/ of this tree)
# Each is built three ways: plain (clang-22 -O2 -g), kcovdf cc -O2 (args,
# ret, inline gate), clang-22 -O2 -g -pg for uftrace.
#
# Prints markdown tables:
#   1. trace size: records, calls, bytes per record and per call (kcovdf
#      plain and packed, zstd -1 of the plain trace for reference, uftrace
#      without and with arguments: -a, DWARF);
#   2. recording: wall-clock median (min-max) of BENCH_ROUNDS rounds, the
#      variants alternated within each round, and the ratio to plain;
#   3. viewing: kcovdf view (the default, objects seen before shown by
#      their changed fields; --full) and uftrace replay, time, peak RSS,
#      output size;
#   4. view before and after streaming (kcovdf built from BENCH_VIEW_BASE,
#      default 218f768, the commit before this work; after with --full, the
#      same output) on the 1M-call trace and a 100,000-deep recursion;
#   5. the cost of packing at flush in instructions (callgrind), per record.
#
# BENCH_ROUNDS (default 5), BENCH_WORKS (a subset: "calls lua zlib").
# Sources: BENCH_SRC (default build/bench/src) holding lua/ and zlib/
# checkouts; a workload whose sources are missing is skipped with a
# message (no network is used). uftrace missing (Debian package uftrace):
# its columns say so. Traces go to a directory in /dev/shm.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
K=$root/build/kcovdf
out=${BENCH_OUT:-$root/build/bench/trace}
src=${BENCH_SRC:-$root/build/bench/src}
ROUNDS=${BENCH_ROUNDS:-5}
base_rev=${BENCH_VIEW_BASE:-218f768}
mkdir -p "$out"
[ -x "$K" ] || make -C "$root" -s all >&2
tmp=$(mktemp -d /dev/shm/kcovdf-tbench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
have_uf=0; command -v uftrace >/dev/null && have_uf=1
have_zstd=0; command -v zstd >/dev/null && have_zstd=1
note() { echo "$*" >&2; }

clang-22 -O2 -std=c11 -D_GNU_SOURCE -I"$root/include/uapi" -I"$root/include" \
	"$root/bench/user/tracestat.c" "$root/build/libkcovdf.a" \
	-ldw -lelf -o "$out/tracestat"
clang-22 -O2 -std=c11 "$root/bench/user/peakrss.c" -o "$out/peakrss"

# ---- workloads ----------------------------------------------------------------
works=""
build3() {	# name: builds $out/$name.{plain,df,pg} from "$@" (sources, flags)
	local name=$1
	shift
	clang-22 -O2 -g -w "$@" -o "$out/$name.plain" &&
	KCOVDF_MODES=args,ret,gate "$K" cc -O2 -w "$@" -o "$out/$name.df" &&
	clang-22 -O2 -g -pg -w "$@" -o "$out/$name.pg"
}
if build3 calls "$root/tests/trace/calls.c"; then
	works="$works calls"
	args_calls="loop 250000"
fi
if [ -f "$src/lua/onelua.c" ]; then
	if build3 lua -DLUA_USE_LINUX "$src/lua/onelua.c" -lm; then
		works="$works lua"
		args_lua="$root/bench/user/work.lua"
	fi
else
	note "lua: skipped: no $src/lua/onelua.c (git clone https://github.com/lua/lua $src/lua)"
fi
if [ -f "$src/zlib/deflate.c" ]; then
	z=""
	for f in adler32 compress crc32 deflate gzclose gzlib gzread gzwrite \
		 infback inffast inflate inftrees trees uncompr zutil; do
		z="$z $src/zlib/$f.c"
	done
	# shellcheck disable=SC2086
	if build3 zlib -DHAVE_UNISTD_H -DHAVE_STDARG_H -I"$src/zlib" $z \
		"$src/zlib/test/minigzip.c"; then
		works="$works zlib"
		cat "$src"/zlib/*.c "$src"/zlib/*.h "$root"/lib/*.c \
			"$root"/runtime/*.c >"$out/input.txt"
		args_zlib="-c"
	fi
else
	note "zlib: skipped: no $src/zlib/deflate.c (git clone https://github.com/madler/zlib $src/zlib)"
fi

if [ -n "${BENCH_WORKS:-}" ]; then	# a subset, e.g. BENCH_WORKS=calls
	sel=""
	for w in $works; do
		case " $BENCH_WORKS " in *" $w "*) sel="$sel $w" ;; esac
	done
	works=$sel
fi

# run NAME VARIANT: one run, stdin/stdout as the workload wants them
run() {
	local name=$1 v=$2 a
	eval "a=\$args_$name"
	local in=/dev/null
	[ "$name" = zlib ] && in=$out/input.txt
	case $v in
	plain) "$out/$name.plain" $a <"$in" >/dev/null ;;
	packed) rm -f "$tmp/$name.kdf"
		KCOVDF_OUT=$tmp/$name.kdf "$out/$name.df" $a <"$in" >/dev/null ;;
	plainchunks) rm -f "$tmp/$name.raw.kdf"
		KCOVDF_PACK=0 KCOVDF_OUT=$tmp/$name.raw.kdf "$out/$name.df" $a \
			<"$in" >/dev/null ;;
	uftrace) rm -rf "$tmp/$name.uf"
		uftrace record -d "$tmp/$name.uf" "$out/$name.pg" $a \
			<"$in" >/dev/null 2>&1 ;;
	uftrace-a) rm -rf "$tmp/$name.ufa"
		uftrace record -a -d "$tmp/$name.ufa" "$out/$name.pg" $a \
			<"$in" >/dev/null 2>&1 ;;
	esac
}
# wall seconds and peak RSS (KiB) of a command and its children
measure() { "$out/peakrss" "$@" || true; }
median() { sort -g | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.3f %.3f %.3f", m, a[1], a[NR]}'; }
export -f run
for w in $works; do export "args_$w"; done
export out tmp

variants="plain packed plainchunks"
[ $have_uf = 1 ] && variants="$variants uftrace uftrace-a"

# ---- 2. recording (run first: it leaves the traces for the tables) -------------
declare -A T
for ((r = 0; r < ROUNDS; r++)); do
	for w in $works; do
		for v in $variants; do
			T[$w.$v]+="$(measure bash -c "run $w $v" | cut -d' ' -f1) "
		done
	done
done

# ---- 1. size -----------------------------------------------------------------------
bpr() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else printf "-" }'; }
echo "### Trace size"
echo
echo "| workload | records | calls | kcovdf plain B/record | kcovdf packed B/record | packed B/call | zstd -1 of plain, B/record | uftrace B/record (B/call) | uftrace -a B/record (B/call) | packed vs uftrace -a, per call |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for w in $works; do
	read -r _ pb _ recs _ calls _ _ _ _ _ np <<<"$("$out/tracestat" "$tmp/$w.kdf")"
	read -r _ rb _ _ _ _ _ _ _ _ _ _ <<<"$("$out/tracestat" "$tmp/$w.raw.kdf")"
	z=-
	[ $have_zstd = 1 ] && z=$(bpr "$(zstd -1 -c "$tmp/$w.raw.kdf" | wc -c)" "$recs")
	u=- ua=- cmp=-
	if [ $have_uf = 1 ]; then
		for d in uf ufa; do
			dat=$(cat "$tmp/$w.$d"/*.dat | wc -c)
			all=$(du -sb "$tmp/$w.$d" | cut -f1)
			ucalls=$(uftrace report -d "$tmp/$w.$d" 2>/dev/null |
				 awk 'NR > 2 { s += $(NF - 1) } END { print s + 0 }')
			cell="$(bpr "$dat" $((2 * ucalls))) ($(bpr "$dat" "$ucalls"); dir $((all / 1024)) KiB, $ucalls calls)"
			if [ $d = uf ]; then u=$cell; else ua=$cell; ufa_bpc=$(bpr "$dat" "$ucalls"); fi
		done
		cmp=$(awk -v p="$pb" -v c="$calls" -v u="$ufa_bpc" 'BEGIN { printf "%.2fx", (p / c) / u }')
	fi
	echo "| $w | $recs | $calls | $(bpr "$rb" "$recs") | $(bpr "$pb" "$recs") ($np packed chunks, $((pb / 1024)) KiB) | $(bpr "$pb" "$calls") | $z | $u | $ua | $cmp |"
done

echo
echo "### Recording, wall-clock seconds, median (min-max) of $ROUNDS rounds"
echo
echo "| workload | variant | seconds | vs plain |"
echo "|---|---|---|---|"
for w in $works; do
	read -r base _ _ <<<"$(tr ' ' '\n' <<<"${T[$w.plain]}" | grep . | median)"
	for v in $variants; do
		read -r med lo hi <<<"$(tr ' ' '\n' <<<"${T[$w.$v]}" | grep . | median)"
		echo "| $w | $v | $med ($lo-$hi) | $(awk -v a="$med" -v b="$base" 'BEGIN { printf "%.1fx", a / b }') |"
	done
done

# ---- 3. viewing ---------------------------------------------------------------------
echo
echo "### Viewing: kcovdf view and uftrace replay (output to /dev/null), median of $ROUNDS"
echo
echo "| workload | command | seconds | peak RSS KiB | trace KiB | output MB |"
echo "|---|---|---|---|---|---|"
for w in $works; do
	for c in packed full plain uf ufa; do
		case $c in
		packed) cmd=("$K" view "$tmp/$w.kdf"); f=$tmp/$w.kdf; what="kcovdf view (packed)" ;;
		full) cmd=("$K" view --full "$tmp/$w.kdf"); f=$tmp/$w.kdf; what="kcovdf view --full (packed)" ;;
		plain) cmd=("$K" view --full "$tmp/$w.raw.kdf"); f=$tmp/$w.raw.kdf; what="kcovdf view --full (plain chunks)" ;;
		uf|ufa) [ $have_uf = 1 ] || continue
			cmd=(uftrace replay -d "$tmp/$w.$c"); f=$tmp/$w.$c
			what="uftrace replay"
			[ $c = uf ] || what="uftrace replay (-a)" ;;
		esac
		ts="" rss=0
		for ((r = 0; r < ROUNDS; r++)); do
			read -r s kb <<<"$(measure bash -c '"$@" >/dev/null 2>&1' _ "${cmd[@]}")"
			ts="$ts $s"
			[ "$kb" -gt "$rss" ] && rss=$kb
		done
		read -r med lo hi <<<"$(tr ' ' '\n' <<<"$ts" | grep . | median)"
		mb=$("${cmd[@]}" 2>/dev/null | wc -c | awk '{ printf "%.1f", $1 / 1048576 }')
		echo "| $w | $what | $med ($lo-$hi) | $rss | $(( $(du -sb "$f" | cut -f1) / 1024 )) | $mb |"
	done
done

# ---- 4. view before and after ----------------------------------------------------------
echo
base=$out/base-$base_rev
if [ ! -x "$base/build/kcovdf" ]; then
	rm -rf "$base"
	mkdir -p "$base"
	if git -C "$root" archive "$base_rev" | tar -x -C "$base" &&
	   make -C "$base" -s lib tools BUILD="$base/build" >"$out/base-build.log" 2>&1; then
		:
	else
		note "view before/after: cannot build $base_rev (see $out/base-build.log)"
	fi
fi
if [ -x "$base/build/kcovdf" ] && [ -f "$tmp/calls.raw.kdf" ]; then
	KCOVDF_PACK=0 KCOVDF_OUT=$tmp/deep.kdf "$out/calls.df" deep 100000 >/dev/null
	echo "### view before ($base_rev) and after, same plain-chunk traces, one run"
	echo
	echo "| trace | kcovdf | seconds | peak RSS KiB | output bytes |"
	echo "|---|---|---|---|---|"
	for tr in calls.raw deep; do
		for b in before after; do
			# after: --full, every field every time, as before
			bin=$K opt=--full
			[ $b = before ] && bin=$base/build/kcovdf opt=
			read -r s kb <<<"$(measure bash -c '"$1" view $3 "$2" 2>/dev/null | wc -c >'"$tmp/bytes" _ "$bin" "$tmp/$tr.kdf" "$opt")"
			echo "| $tr ($(( $(stat -c %s "$tmp/$tr.kdf") / 1024 )) KiB) | $b | $s | $kb | $(cat "$tmp/bytes") |"
		done
	done
fi

# ---- 5. packing's cost, instructions (callgrind) ----------------------------------------
if command -v valgrind >/dev/null; then
	echo
	echo "### Packing at flush: instructions per record (callgrind)"
	echo
	echo "| workload | records | Ir per record, KCOVDF_PACK=0 | Ir per record, packed | packing (wpack + check) per record |"
	echo "|---|---|---|---|---|"
	for w in calls lua; do
		case " $works " in *" $w "*) ;; *) continue ;; esac
		# valgrind 3.19 cannot read clang-22's DWARF 5: copies without it
		objcopy --strip-debug "$out/$w.df" "$out/$w.df.nodebug"
		a=$args_calls
		[ $w = calls ] && a="loop 20000"
		[ $w = lua ] && a=$args_lua
		row="| $w"
		for p in 0 1; do
			rm -f "$tmp/cg.kdf"
			# shellcheck disable=SC2086
			ir=$(KCOVDF_PACK=$p KCOVDF_OUT=$tmp/cg.kdf valgrind --tool=callgrind \
				--callgrind-out-file="$tmp/cg.$p" "$out/$w.df.nodebug" $a 2>&1 >/dev/null |
				awk '/Collected/ { print $4 }')
			read -r _ _ _ recs _ <<<"$("$out/tracestat" "$tmp/cg.kdf")"
			[ $p = 0 ] && row="$row | $recs"
			row="$row | $(bpr "$ir" "$recs")"
		done
		pk=$(callgrind_annotate "$tmp/cg.1" 2>/dev/null |
		     awk '/kcovdf_wpack_(encode|check)/ { gsub(",", "", $1); s += $1 } END { print s + 0 }')
		echo "$row | $(bpr "$pk" "$recs") |"
	done
fi
