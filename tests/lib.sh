# shellcheck shell=bash disable=SC2034,SC2154
# (SC2034, SC2154: K is the suites', out and exp are theirs.)
# What every suite in tests/suites/ shares: paths and the TAP helpers.
# A suite sources it first:
#
#   . "$(dirname "$0")/../lib.sh"
#
# and gets root (the source tree), BUILD (default $root/build) and K
# ($BUILD/kcovdf). It prints one line per case, "ok N - WHAT" or
# "not ok N - WHAT" (tests/run-all.sh counts them), comments "# ...", and
# ends with `done_testing` (the plan "1..N"; exit 0 when no case failed).
# n and failed count the cases printed and the failed ones.
#
#   ok WHAT                   the case passed
#   notok WHAT [TEXT]         it failed; TEXT (e.g. a command's output) is
#                             shown below it as comments
#   skip WHAT WHY             "ok N - WHAT # SKIP WHY"
#   diag TEXT...              "# TEXT"
#   show FILE [LINES]         the first LINES (30) lines of FILE as comments
#   check WHAT CMD...         ok when CMD succeeds, else notok with its output
#   status WANT WHAT CMD...   ok when CMD exits with WANT; its stdout and
#                             stderr are left in $out/status.out, .err
#   has WHAT STRING FILE      ok when FILE contains the fixed STRING
#   grep_each FILE RE...      true when each basic regular expression RE
#                             matches a line of FILE (grep -q, in order)
#   expect_dirs NAME          out=$BUILD/tests/NAME (made) for what a suite
#                             writes, exp=$root/tests/NAME/expected
#   expect NAME FILE          FILE, put through the suite's norm() if it
#                             has one, equals $exp/NAME (diff in $out/);
#                             UPDATE_EXPECTED=1 rewrites $exp/NAME
#   relay [PREFIX]            TAP lines on stdin ("ok 3 - x", "not ok x",
#                             numbered or not) become cases of this suite
#                             ("PREFIXx"); other lines become comments.
#                             Feed it with `relay <FILE` or
#                             `relay < <(CMD)`: in `CMD | relay` it runs in
#                             a subshell and its counts are lost.
#   run_case WHAT...          true when a case named WHAT is selected (see
#                             CASE below): guards long parts
#   needs_kernel              a suite that needs a kernel (build, QEMU)
#                             calls it first: with KCOVDF_NO_KERNEL=1
#                             (make check-user) it prints "1..0 # SKIP"
#                             and exits 0
#   no_kernel                 true with KCOVDF_NO_KERNEL=1: a suite skips
#                             its parts that need a kernel
#   done_testing              "1..N"; exit 1 when a case failed, else 0
#   cc_lib OUT SRC...         build a C program against libkcovdf
#                             (-Wall -Wextra -Werror)
#   cc_kcovdf_asan OUT        build kcovdf itself with ASan and UBSan
#   build_kcovdf_asan OUT     the case "build kcovdf with ASan and UBSan":
#                             cc_kcovdf_asan OUT, its log in
#                             $out/asan-build.log; false when it fails
#   norm_user [EXPR...]       sed -E, stdin to stdout, for a suite's norm():
#                             "pid N tid N" (a task's first thread) becomes
#                             "pid PID tid PID", then each EXPR, then
#                             user-space addresses (stack, PIE, heap) 0xADDR
#   guest_run WHAT CMD...     run CMD (a guest boot); its output is in
#                             $guest_out. ok WHAT when it succeeds, else
#                             its last lines, notok WHAT and done_testing
#
# Running some cases: CASE=REGEX (an extended regular expression, matched
# against each case's WHAT). The suite runs as usual (a case may prepare
# what a later one reads) but prints and counts only the matching cases,
# and its exit status is theirs; a case that is not selected and fails
# shows as the comment "# not selected: not ok - WHAT". The long parts
# guarded by run_case (sanitizer sweeps, fuzzing, guest boots) run only
# when one of their cases matches. Example:
#   CASE='report --json|diff' tests/suites/35-tools.sh
#   SUITES=35 CASE='^check' tests/run-all.sh

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$root/build}
K=$BUILD/kcovdf
n=0 failed=0

# tap_selected WHAT: WHAT matches $CASE (always, without CASE).
tap_selected() {
	[ -z "${CASE:-}" ] && return 0
	[[ $1 =~ $CASE ]]
}

ok() {
	if tap_selected "$1"; then
		n=$((n + 1))
		echo "ok $n - $1"
	fi
	return 0
}

notok() {
	if tap_selected "$1"; then
		n=$((n + 1))
		failed=$((failed + 1))
		echo "not ok $n - $1"
		if [ -n "${2:-}" ]; then
			# shellcheck disable=SC2001
			sed 's/^/#   /' <<<"$2" | head -n 40
		fi
	else
		echo "# not selected: not ok - $1"
	fi
	return 0
}

skip() {
	ok "$1 # SKIP $2"
}

diag() {
	echo "# $*"
}

show() {
	sed 's/^/#   /' "$1" 2>&1 | head -n "${2:-30}"
	return 0
}

check() {
	local what=$1 o
	shift
	if o=$("$@" 2>&1); then
		ok "$what"
	else
		notok "$what" "$o"
	fi
}

status() {
	local want=$1 what=$2 rc
	shift 2
	"$@" >"$out/status.out" 2>"$out/status.err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$what (exit $rc)"
	else
		show "$out/status.err" 10
		notok "$what: exit $rc, want $want"
	fi
}

has() {
	if grep -qF -- "$2" "$3"; then
		ok "$1"
	else
		show "$3" 20
		notok "$1 (no '$2')"
	fi
}

grep_each() {
	local file=$1 re
	shift
	for re in "$@"; do
		grep -q -- "$re" "$file" || return 1
	done
}

expect_dirs() {
	out=$BUILD/tests/$1
	exp=$root/tests/$1/expected
	mkdir -p "$out"
}

expect() {
	local name=$1 file=$2
	if declare -F norm >/dev/null; then
		norm <"$file" >"$out/$name.norm"
	else
		cp "$file" "$out/$name.norm"
	fi
	if [ -n "${UPDATE_EXPECTED:-}" ]; then
		mkdir -p "$exp"
		cp "$out/$name.norm" "$exp/$name"
	fi
	if diff -u "$exp/$name" "$out/$name.norm" >"$out/$name.diff" 2>&1; then
		ok "$name: output as expected"
	else
		show "$out/$name.diff" 40
		notok "$name: output as expected"
	fi
}

# shellcheck disable=SC2120	# PREFIX is optional
relay() {
	local prefix=${1:-} line re='^(not )?ok( [0-9]+)?( -)?( (.*))?$'
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			if [ -n "${BASH_REMATCH[1]}" ]; then
				notok "$prefix${BASH_REMATCH[5]}"
			else
				ok "$prefix${BASH_REMATCH[5]}"
			fi
		elif [[ $line =~ ^1\.\.[0-9]+ ]]; then
			:	# the producer's plan: ours comes at the end
		elif [[ $line == '#'* ]]; then
			echo "$line"
		else
			echo "# $line"
		fi
	done
	return 0
}

run_case() {
	local w
	for w in "$@"; do
		tap_selected "$w" && return 0
	done
	return 1
}

no_kernel() {
	[ "${KCOVDF_NO_KERNEL:-0}" = 1 ]
}

needs_kernel() {
	if no_kernel; then
		echo "1..0 # SKIP needs a kernel (KCOVDF_NO_KERNEL=1)"
		exit 0
	fi
}

cc_lib() {
	local o=$1
	shift
	clang-22 -std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra -Werror \
		-I"$root/include/uapi" -I"$root/include" \
		"$@" "$BUILD/libkcovdf.a" -ldw -lelf -o "$o"
}

cc_kcovdf_asan() {
	clang-22 -std=c11 -g -O1 -D_GNU_SOURCE -Wall -Wextra \
		-fsanitize=address,undefined -fno-sanitize-recover=all \
		-I"$root/include/uapi" -I"$root/include" -I"$root/tools" \
		"$root"/tools/*.c "$root"/lib/*.c -ldw -lelf -o "$1"
}

build_kcovdf_asan() {
	if cc_kcovdf_asan "$1" >"$out/asan-build.log" 2>&1; then
		ok "build kcovdf with ASan and UBSan"
	else
		show "$out/asan-build.log"; notok "build kcovdf with ASan and UBSan"
		return 1
	fi
}

# shellcheck disable=SC2120	# EXPR is optional
norm_user() {
	local e exprs=()
	for e in "$@"; do
		exprs+=(-e "$e")
	done
	sed -E -e 's/pid ([0-9]+) tid \1([^0-9]|$)/pid PID tid PID\2/g' "${exprs[@]}" \
	       -e 's/0x(5[5-6]|7f)[0-9a-f]{8,}/0xADDR/g'
}

guest_run() {
	local what=$1
	shift
	if guest_out=$("$@" 2>&1); then
		ok "$what"
		return 0
	fi
	printf '%s\n' "$guest_out" | tail -n 20 | sed 's/^/# /'
	notok "$what"
	done_testing
}

done_testing() {
	echo "1..$n"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}
