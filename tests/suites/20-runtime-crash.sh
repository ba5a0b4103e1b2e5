#!/usr/bin/env bash
# Programs that die (issue #11 item 7): tests/crash/crash.c built with
# `kcovdf cc`, recorded with the default buffer (nothing is written before
# the end unless the runtime flushes at the signal). For each way to die:
# `kcovdf record` exits with 128 + the signal, says how the command ended
# and what was kept, and the calls made before the death are in the trace
# (the call that died without a return). SIGKILL cannot be caught: record
# says what is lost. TAP output.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
t=$(mktemp -d /tmp/kcovdf-crash-test.XXXXXX)
trap 'rm -rf "$t"' EXIT
ulimit -c 0	# the deaths must not leave core files behind

if make -C "$root" all >"$t/build.log" 2>&1 &&
   "$K" cc -O2 -Wall -Wextra -Werror "$root/tests/crash/crash.c" \
	-o "$t/crash" -lpthread >>"$t/build.log" 2>&1; then
	ok "build tests/crash/crash.c with kcovdf cc"
else
	tail -20 "$t/build.log" | sed 's/^/# /'
	notok "build tests/crash/crash.c with kcovdf cc"
	done_testing
fi
C=$t/crash

# scenario NAME STATUS 'END' [ARGS]: record ./crash NAME, want exit status
# STATUS and the line "... END" from record; then the calls before death.
rec() {
	local name=$1
	shift
	rm -f "$t/$name.trace"
	"$K" record --user -o "$t/$name.trace" -- "$C" "$@" \
		>"$t/$name.out" 2>&1
	echo $? >"$t/$name.rc"
	"$K" view "$t/$name.trace" >"$t/$name.view" 2>&1
}
died() {	# died NAME SCENARIO STATUS SIGNAME [LAST-CODE]
	local name=$1 scen=$2 want=$3 sig=$4 code=${5:-}
	local why=""
	rec "$name" "$scen"
	[ "$(cat "$t/$name.rc")" = "$want" ] ||
		why="$why record exited $(cat "$t/$name.rc"), want $want;"
	grep -q "was killed by signal [0-9]* ($sig: " "$t/$name.out" ||
		why="$why no 'killed by signal ($sig)' line;"
	grep -q "^kcovdf: kept: every record" "$t/$name.out" ||
		why="$why no 'kept' line;"
	! grep -q WARNING "$t/$name.out" || why="$why a warning;"
	grep -q '^  step(i=1) = 1$' "$t/$name.view" &&
		grep -q '^  step(i=2) = 2$' "$t/$name.view" ||
		why="$why step(1), step(2) missing;"
	if [ -n "$code" ]; then
		grep -q "last(w=0x[0-9a-f]* {line=[0-9]*, code=$code})" \
			"$t/$name.view" || why="$why last(code=$code) missing;"
	fi
	if [ -z "$why" ]; then
		ok "$name: dies of $sig (status $want), records before the death kept"
	else
		sed 's/^/# /' "$t/$name.out" "$t/$name.view" | head -20
		notok "$name:$why"
	fi
}

died segv segv 139 SIGSEGV 1
died abort abort 134 SIGABRT 2
died fpe fpe 136 SIGFPE 3
died ill ill 132 SIGILL 4
died trap trap 133 SIGTRAP 5
died raise-term term 143 SIGTERM 6
died reraise reraise 143 SIGTERM 6
died segv-handler segvhandler 139 SIGSEGV 1
died resethand resethand 138 SIGUSR1 8
if grep -q '^        step(i=10) = 10$' "$t/resethand.view"; then
	ok "resethand: the one-shot handler ran and recorded once"
else
	notok "resethand: the one-shot handler ran and recorded once"
fi
died stack stack 139 SIGSEGV
if "$K" report -f recurse "$t/stack.trace" 2>/dev/null |
	grep -Eq '^recurse: [0-9]{3,} calls, [0-9]+ without return'; then
	ok "stack overflow: the recursion's records up to the overflow are kept ($("$K" report -f recurse "$t/stack.trace" | grep '^recurse:'))"
else
	notok "stack overflow: the recursion's records"
fi

# Threads: four workers record 1000 calls each, then main dies.
died threads threads 139 SIGSEGV 1
nt=$(grep -c '^# pid [0-9]* tid [0-9]*' "$t/threads.view")
nsteps=$("$K" report -f step "$t/threads.trace" | sed -n 's/^step: \([0-9]*\) calls.*/\1/p')
if [ "$nt" = 5 ] && [ "$nsteps" = 4002 ]; then
	ok "threads: the 4 workers' buffered records were written by the dying main thread (5 tasks, 4002 calls)"
else
	notok "threads: $nt tasks, $nsteps step calls (want 5, 4002)"
fi
# A worker dies while three others are recording.
rec threadcrash threadcrash
if [ "$(cat "$t/threadcrash.rc")" = 139 ] &&
   ! grep -q WARNING "$t/threadcrash.out" &&
   grep -q '^  last(w=0x[0-9a-f]* {line=[0-9]*, code=1})' "$t/threadcrash.view" &&
   [ "$(grep -c '^# pid [0-9]* tid [0-9]*' "$t/threadcrash.view")" = 5 ]; then
	ok "threadcrash: one thread dies while three record; every thread's records written, counters complete"
else
	sed 's/^/# /' "$t/threadcrash.out" | head
	notok "threadcrash: one thread dies while three record"
fi

# Killed from outside (the program waits in pause()), and record itself
# killed by SIGTERM (it forwards the signal).
killed() {	# killed NAME SIG STATUS [record]
	local name=$1 sig=$2 want=$3 who=${4:-command} rp
	rm -f "$t/$name.ready" "$t/$name.trace"
	# The dispositions a command started from a terminal has: a
	# background job of a script starts with SIGINT and SIGQUIT ignored,
	# and so does everything under a suite run in the background (an
	# ignored signal is inherited through exec, and the runtime rightly
	# leaves it ignored: ext-int then waited forever).
	env --default-signal=INT,QUIT \
		"$K" record --user -o "$t/$name.trace" -- "$C" wait \
		"$t/$name.ready" >"$t/$name.out" 2>&1 &
	rp=$!
	for _ in $(seq 400); do [ -s "$t/$name.ready" ] && break; sleep 0.05; done
	if [ ! -s "$t/$name.ready" ]; then
		kill -KILL $rp 2>/dev/null
		wait $rp
		notok "$name: the command did not start"
		return
	fi
	if [ "$who" = record ]; then
		kill -"$sig" $rp
	else
		kill -"$sig" "$(cat "$t/$name.ready")"
	fi
	for _ in $(seq 1200); do kill -0 $rp 2>/dev/null || break; sleep 0.05; done
	if kill -0 $rp 2>/dev/null; then
		kill -KILL "$(cat "$t/$name.ready")" $rp 2>/dev/null
		wait $rp
		notok "$name: still running 60 s after kill -$sig to the $who"
		return
	fi
	wait $rp
	echo $? >"$t/$name.rc"
	"$K" view "$t/$name.trace" >"$t/$name.view" 2>&1
	if [ "$(cat "$t/$name.rc")" = "$want" ] &&
	   grep -q "was killed by signal [0-9]* (SIG$sig: " "$t/$name.out" &&
	   grep -q '^  step(i=2) = 2$' "$t/$name.view"; then
		ok "$name: kill -$sig to the $who: status $want, records kept"
	else
		sed 's/^/# /' "$t/$name.out" "$t/$name.view" | head
		notok "$name: kill -$sig to the $who (status $(cat "$t/$name.rc"), want $want)"
	fi
}
killed ext-term TERM 143
killed ext-int INT 130
killed ext-hup HUP 129
killed record-term TERM 143 record

# SIGKILL cannot be caught. Under record the buffers are files the
# recorder reads after the death (include/kcovdf/salvage.h): the records
# are kept but the last of each buffer (it may have been incomplete).
rec kill kill
if [ "$(cat "$t/kill.rc")" = 137 ] &&
   grep -q 'was killed by signal 9 (SIGKILL: ' "$t/kill.out" &&
   grep -q '^kcovdf: salvaged 6 records from 1 buffers of killed processes (the last record of each: 1 dropped, it may have been incomplete)$' "$t/kill.out" &&
   ! grep -q 'WARNING' "$t/kill.out" &&
   grep -q '^  step(i=2) = 2$' "$t/kill.view"; then
	ok "SIGKILL: status 137, buffered records salvaged (all but the last)"
else
	sed 's/^/# /' "$t/kill.out" "$t/kill.view" | head
	notok "SIGKILL: status 137, buffered records salvaged"
fi
# Four threads, 100000 calls each (the buffers filled and started over
# twice), then SIGKILL: every record but the last of each buffer.
rec killthreads killthreads 100000
calls=$("$K" report -f step "$t/killthreads.trace" 2>/dev/null | sed -n 's/^step: \([0-9]*\) calls, \([0-9]*\) without return.*/\1 \2/p')
if [ "$(cat "$t/killthreads.rc")" = 137 ] &&
   grep -q '^kcovdf: salvaged [0-9]* records from 5 buffers of killed processes (the last record of each: 5 dropped' "$t/killthreads.out" &&
   [ "$calls" = "400002 4" ] &&
   [ "$(grep -c '^# pid [0-9]* tid [0-9]*' "$t/killthreads.view")" = 5 ]; then
	ok "SIGKILL with 4 threads whose buffers wrapped: 400002 calls kept, 4 without their (dropped) return"
else
	sed 's/^/# /' "$t/killthreads.out" | head
	notok "SIGKILL with 4 threads: step calls/without return '$calls', want '400002 4'"
fi
# A child killed by its parent, which goes on and exits normally.
rec forkkill forkkill
if [ "$(cat "$t/forkkill.rc")" = 0 ] &&
   grep -q '^kcovdf: salvaged [0-9]* records from 1 buffers' "$t/forkkill.out" &&
   grep -q '^step(i=2) = 2$' "$t/forkkill.view" &&
   grep -q '^step(i=3) /\* no return recorded \*/$' "$t/forkkill.view" &&
   grep -q '^  step(i=9) = 9$' "$t/forkkill.view" &&
   [ "$(grep -c '^# pid [0-9]* tid [0-9]*' "$t/forkkill.view")" = 2 ]; then
	ok "a child killed by SIGKILL while the parent goes on: its records salvaged under its pid"
else
	sed 's/^/# /' "$t/forkkill.out" "$t/forkkill.view" | head -20
	notok "a child killed by SIGKILL while the parent goes on"
fi
# Without record (KCOVDF_OUT only) nothing can read the buffers: record's
# warning is what a SIGKILL without salvage gives.
rm -f "$t/nosalv.trace"
if "$K" record --user -o "$t/nosalv.trace" -- env -u KCOVDF_SALVAGE_DIR "$C" kill \
	>"$t/nosalv.out" 2>&1; [ $? = 137 ] &&
   grep -q 'WARNING: pid [0-9]* started recording but wrote no records and no final counters: whatever it had buffered is lost (up to 262144 words per thread)' "$t/nosalv.out" &&
   "$K" view "$t/nosalv.trace" >/dev/null 2>&1; then
	ok "SIGKILL without salvage: record says the buffered records are lost, the trace reads"
else
	sed 's/^/# /' "$t/nosalv.out" | head
	notok "SIGKILL without salvage: loss reported"
fi
left=$(find /dev/shm -mindepth 2 -path '/dev/shm/kcovdf-salvage.*/*' \
	-newer "$t/crash" -type f 2>/dev/null)
if [ -z "$left" ]; then
	ok "no salvage files left behind"
else
	notok "salvage files left behind in /dev/shm"
fi
# A normal exit: the status, no "kept" line.
rec exit exit
if [ "$(cat "$t/exit.rc")" = 3 ] &&
   grep -q '(pid [0-9]*) exited with status 3$' "$t/exit.out" &&
   ! grep -q 'kept:\|WARNING' "$t/exit.out"; then
	ok "normal exit: record exits with the command's status 3 and says so"
else
	sed 's/^/# /' "$t/exit.out"
	notok "normal exit: status 3"
fi
# quick_exit() runs no destructors: the runtime's at_quick_exit handler.
rec quickexit quickexit
if [ "$(cat "$t/quickexit.rc")" = 4 ] &&
   grep -q '^ *step(i=2) = 2$' "$t/quickexit.view" &&
   ! grep -q WARNING "$t/quickexit.out"; then
	ok "quick_exit(4): status 4, records written, counters complete"
else
	sed 's/^/# /' "$t/quickexit.out" "$t/quickexit.view" | head
	notok "quick_exit(4): status 4, records written"
fi
# The program sees SIG_DFL for every signal our death handler took over.
rec query query
if [ "$(cat "$t/query.rc")" = 0 ] && grep -q '^all SIG_DFL$' "$t/query.out"; then
	ok "sigaction() reports SIG_DFL for the signals the runtime handles"
else
	sed 's/^/# /' "$t/query.out"
	notok "sigaction() reports SIG_DFL for the signals the runtime handles"
fi

# The salvage files as stream buffers in normal runs: the runtime's exact
# checks (runtime/tests/rt_test.c) with KCOVDF_SALVAGE_DIR set: buffers that
# fill and start over (zeroed), threads, fork (a child maps files of its
# own), exec; nothing is left in the directory.
if make -C "$root" lib >/dev/null 2>&1 &&
   make -C "$root/runtime" tests >"$t/rt.log" 2>&1; then
	sv=$(mktemp -d /dev/shm/kcovdf-svtest.XXXXXX 2>/dev/null || mktemp -d)
	bad=""
	for sc in threads:4096 small:72 fork: exec: late: fields:; do
		name=${sc%%:*} words=${sc#*:}
		rm -f "$t/sv-$name.kdf"
		env ${words:+KCOVDF_BUFFER_WORDS=$words} KCOVDF_SALVAGE_DIR="$sv" \
			KCOVDF_OUT="$t/sv-$name.kdf" timeout 120 \
			"$BUILD/tests/runtime/rt_test" run "$name" >/dev/null 2>&1 &&
		"$BUILD/tests/runtime/rt_test" check "$name" "$t/sv-$name.kdf" \
			>"$t/sv-$name.chk" 2>&1 || bad="$bad $name"
	done
	left=$(ls -A "$sv")
	rm -rf "$sv"
	if [ -z "$bad" ] && [ -z "$left" ]; then
		ok "buffers in salvage files: rt_test threads, small (72 words), fork, exec, late, fields exact; no file left"
	else
		notok "buffers in salvage files: failed:$bad; left: $left"
	fi
else
	sed 's/^/# /' "$t/rt.log" | tail
	notok "build runtime/tests/rt_test"
fi

done_testing
