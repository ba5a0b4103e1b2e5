#!/usr/bin/env bash
# Trace files as the runtime writes them, and reading them back (issue #11
# items 8, 9, 11), on real traces of tests/trace/calls.c (kcovdf cc -O1):
#  * packed chunks (STREAM_PACKED) by default, plain ones with
#    KCOVDF_PACK=0: both read back to the same view; a file of minor
#    version 1 reads the same; the packed file is several times smaller;
#  * a trace cut at every chunk boundary and in the middle of every chunk:
#    view shows the calls of every complete chunk, one warning exactly
#    when a chunk is cut, exit 0, --strict exit 2;
#  * the runtime's documented disk-full outcome (a short write, then no
#    more writes), reproduced with RLIMIT_FSIZE, packed and plain: the
#    file is read up to the cut;
#  * view of a 100,000-deep recursion: lines stay short ([depth N]),
#    --depth and -f work; view of a 40 MB trace (and of a merged
#    PC_EXT + dataflow trace) keeps its peak RSS far below the trace's
#    size (streamed), and --json still gives every call.
# TAP output; exits non-zero on any failure.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
out=$BUILD/tests/trace
mkdir -p "$out"
# check_expr WHAT EXPR: ok when the shell expression EXPR holds
check_expr() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
# calls FILE: lines of view's output that show a call
calls() { grep -v '^#' "$1" | grep -c '('; }

cd "$root" || exit 1
if make -s lib tools runtime >"$out/build.log" 2>&1 && [ -x "$K" ] &&
   "$K" cc -O1 tests/trace/calls.c -o "$out/calls" >>"$out/build.log" 2>&1 &&
   KCOVDF_MODES=args,ret,entry-exit "$K" cc -O1 \
	-Wno-unused-command-line-argument -fsanitize-coverage=trace-pc \
	tests/trace/calls.c -o "$out/calls-pc" >>"$out/build.log" 2>&1 &&
   clang-22 -O2 -Wall -Wextra bench/user/peakrss.c -o "$out/peakrss" \
	>>"$out/build.log" 2>&1; then
	ok "build kcovdf, the runtime and tests/trace/calls.c (dataflow; with entry-exit)"
else
	show "$out/build.log" 20; notok "build"; done_testing
fi
cd "$out" || exit 1
rm -f ./*.trace

# chunks FILE: "offset type size" of every chunk.
chunks() { python3 "$root/tests/trace/trace_file.py" chunks "$1"; }
# Addresses change with the environment even without ASLR: normalise.
norm() {
	sed -E -e 's/pid [0-9]+ tid [0-9]+/pid P tid T/' \
	       -e 's/0x7ff[0-9a-f]+/0xADDR/g'
}
# peak RSS in KiB of a command (bench/user/peakrss.c: a small parent, so
# that what the child had before exec is small too)
peak_kb() { "$out/peakrss" "$@" 2>/dev/null | cut -d' ' -f2; }

# ---- packed by default, plain on request, old files ----------------------
norand="setarch $(uname -m) -R"
KCOVDF_PACK=1 KCOVDF_OUT=packed.trace $norand ./calls loop 20000 >/dev/null
KCOVDF_PACK=0 KCOVDF_OUT=plain.trace $norand ./calls loop 20000 >/dev/null
chunks packed.trace >packed.chunks
chunks plain.trace >plain.chunks
check_expr "runtime: STREAM_PACKED chunks by default, plain STREAM with KCOVDF_PACK=0" \
	"grep -q ' 6 ' packed.chunks && ! grep -q ' 2 ' packed.chunks &&
	 grep -q ' 2 ' plain.chunks && ! grep -q ' 6 ' plain.chunks"
"$K" view packed.trace | norm >packed.view
"$K" view plain.trace | norm >plain.view
check_expr "packed and plain traces of one run view the same ($(wc -l <packed.view) lines)" \
	"[ \$(wc -l <packed.view) -gt 100000 ] && cmp -s packed.view plain.view"
p=$(stat -c %s packed.trace) q=$(stat -c %s plain.trace)
echo "# loop 20000: plain $q bytes, packed $p bytes ($(awk -v p="$p" -v q="$q" 'BEGIN {printf "%.1fx", q / p}') smaller)"
check_expr "the packed trace is at least 5 times smaller" "[ \$((p * 5)) -lt $q ]"
python3 "$root/tests/trace/trace_file.py" minor1 plain.trace minor1.trace
"$K" view minor1.trace | norm >minor1.view
check_expr "a file of minor version 1 (plain chunks) reads as before" \
	"cmp -s minor1.view plain.view"

# ---- cut at every chunk boundary and in every chunk -------------------------
KCOVDF_BUFFER_WORDS=2048 KCOVDF_OUT=many.trace ./calls loop 4000 >/dev/null
chunks many.trace >many.chunks
size=$(stat -c %s many.trace)
bad=0 prev=0 cuts=0
while read -r off type sz; do
	for at in "$off" $((off + 16 + sz / 2)); do
		head -c "$at" many.trace >cut.trace
		"$K" view cut.trace >cut.view 2>cut.err
		rc=$?
		"$K" view --strict cut.trace >/dev/null 2>&1
		src=$?
		calls=$(calls cut.view)
		warn=$(grep -c '^kcovdf: warning: cut.trace: trace truncated at byte' cut.err)
		cuts=$((cuts + 1))
		if [ "$at" = "$off" ]; then want_warn=0 want_strict=0
		else want_warn=1 want_strict=2; fi
		if [ $rc != 0 ] || [ "$warn" != $want_warn ] ||
		   [ $src != $want_strict ] || [ "$calls" -lt $prev ]; then
			echo "# cut at $at (chunk at $off, type $type): exit $rc, --strict $src, $warn warnings, $calls calls (before: $prev)"
			show cut.err 4
			bad=$((bad + 1))
		fi
		prev=$calls
	done
done <many.chunks
"$K" view many.trace >many.view 2>/dev/null
check_expr "cut at $cuts offsets (every chunk boundary and the middle of every chunk of $(wc -l <many.chunks)): calls of complete chunks shown, one warning when a chunk is cut, --strict exits 2" \
	"[ $bad = 0 ] && [ $prev -le \$(calls many.view) ] && [ $prev -gt 1000 ]"
head -c $((size - 5)) many.trace >cut.trace
"$K" view cut.trace >/dev/null 2>cut.err
check_expr "a cut before the last LOSS chunks says the losses are unknown" \
	"grep -q 'no LOSS chunk for 1 of 1 stream' cut.err"

# ---- disk full: RLIMIT_FSIZE (ulimit -f, KiB) --------------------------------
for pack in 1 0; do
	rm -f full.trace
	(ulimit -f 64; KCOVDF_PACK=$pack KCOVDF_BUFFER_WORDS=4096 \
		KCOVDF_OUT=full.trace ./calls loop 20000 >/dev/null 2>full.rt)
	"$K" view full.trace >full.view 2>full.err
	rc=$?
	check_expr "disk full (RLIMIT_FSIZE 64 KiB, KCOVDF_PACK=$pack): the runtime stops after a short write; view reads $(calls full.view) calls before the cut, one warning, exit $rc" \
		"grep -q 'short write to full.trace (disk full or file size limit?); output stopped$' full.rt &&
		 [ \$(stat -c %s full.trace) = 65536 ] && [ $rc = 0 ] &&
		 [ \$(grep -c 'trace truncated at byte' full.err) = 1 ] &&
		 [ \$(calls full.view) -gt 100 ]"
	[ $rc = 0 ] || show full.err 5
done

# ---- view: deep recursion, streaming memory -----------------------------------
KCOVDF_OUT=deep.trace ./calls deep 100000 >/dev/null
"$K" view deep.trace >deep.view 2>deep.err
rc=$?
maxlen=$(awk '{ if (length($0) > m) m = length($0) } END { print m }' deep.view)
check_expr "view of a 100,000-deep recursion: $(wc -c <deep.view) bytes, lines of at most $maxlen characters, deepest at [depth 100001]" \
	"[ $rc = 0 ] && [ $maxlen -lt 160 ] &&
	 grep -q '^ \{64\}\[depth 100001\] deep(n=0, ' deep.view &&
	 grep -q '^ \{64\}\[depth 33\] } = 99969$' deep.view &&
	 [ \$(calls deep.view) = 100002 ]"
"$K" view --depth 3 deep.trace >deep-d.view 2>&1
"$K" view -f deep --depth 2 deep.trace >deep-f.view 2>&1
check_expr "deep recursion: --depth 3 hides the rest, -f shows each match with its subtree" \
	"grep -q '^    deep(n=99999, up=0x[0-9a-f]*) { /\* 99999 calls \*/ } = 100000$' deep-d.view &&
	 [ \$(wc -l <deep-d.view) = 6 ] &&
	 grep -q '^  deep(n=99999, .*{ /\* 99999 calls \*/ } = 100000$' deep-f.view"
KCOVDF_PACK=0 KCOVDF_OUT=big.trace ./calls loop 150000 >/dev/null
KCOVDF_PACK=0 KCOVDF_OUT=bigpc.trace ./calls-pc loop 120000 >/dev/null
bsz=$(( $(stat -c %s big.trace) / 1024 ))
psz=$(( $(stat -c %s bigpc.trace) / 1024 ))
vkb=$(peak_kb "$K" view big.trace)
pkb=$(peak_kb "$K" view bigpc.trace)
echo "# view peak RSS: $vkb KiB for a $bsz KiB trace, $pkb KiB for a $psz KiB merged trace"
check_expr "view streams: peak RSS $vkb KiB for a $bsz KiB trace, $pkb KiB for a $psz KiB trace with PC_EXT (both under 20 MiB)" \
	"[ $bsz -gt 40000 ] && [ $psz -gt 40000 ] && [ $vkb -gt 0 ] && [ $vkb -lt 20480 ] && [ $pkb -gt 0 ] && [ $pkb -lt 20480 ]"
"$K" view bigpc.trace >bigpc.view 2>bigpc.err
"$K" view --json bigpc.trace >bigpc.json 2>>bigpc.err
check_expr "merged trace: every call once in text and in JSON ($(calls bigpc.view) calls)" \
	"[ \$(calls bigpc.view) = 480001 ] && [ \$(wc -l <bigpc.json) = 480001 ] &&
	 ! grep -q 'no entry/exit records' bigpc.view && [ ! -s bigpc.err ]"

done_testing
