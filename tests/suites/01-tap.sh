#!/usr/bin/env bash
# tests/lib.sh, the TAP helpers of every suite: tests/tap/example.sh uses
# each helper once; its output is compared with tests/tap/expected/ whole,
# with CASE selecting cases (and run_case skipping a long part), with a
# failure and its text, and with KCOVDF_NO_KERNEL=1 in a suite that calls
# needs_kernel; tests/run-all.sh's line for a suite that skipped itself.
# Exit statuses too. Takes about a second.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
ex=$root/tests/tap/example.sh
want=$root/tests/tap/expected
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# same NAME WANT-STATUS ENV...: the example's output and status.
same() {
	local name=$1 st=$2 rc
	shift 2
	env -u CASE -u KCOVDF_NO_KERNEL "$@" "$ex" >"$out/$name" 2>&1
	rc=$?
	if [ "$rc" = "$st" ] && diff -u "$want/$name" "$out/$name" >"$out/$name.diff"; then
		ok "$name: output as expected, exit $rc"
	else
		show "$out/$name.diff" 40
		notok "$name: output as expected, exit $rc (want $st)"
	fi
}
same all 1
same case-ad 0 CASE='^(a|d): '
same fail-b 1 CASE='^b: ' EXAMPLE_FAIL=1

out2=$(env -u CASE KCOVDF_NO_KERNEL=1 EXAMPLE_NEEDS_KERNEL=1 "$ex" 2>&1)
rc=$?
if [ $rc = 0 ] && [ "$out2" = "1..0 # SKIP needs a kernel (KCOVDF_NO_KERNEL=1)" ]; then
	ok "needs_kernel with KCOVDF_NO_KERNEL=1: '1..0 # SKIP', exit 0"
else
	notok "needs_kernel with KCOVDF_NO_KERNEL=1: exit $rc" "$out2"
fi
out2=$(env -u CASE -u KCOVDF_NO_KERNEL EXAMPLE_NEEDS_KERNEL=1 "$ex" 2>&1)
if grep -qx '1\.\.13' <<<"$out2"; then
	ok "needs_kernel without KCOVDF_NO_KERNEL: the suite runs"
else
	notok "needs_kernel without KCOVDF_NO_KERNEL: the suite runs" "$out2"
fi
# The runner: a suite that needs a kernel skips itself, and says so.
out2=$(env -u CASE KCOVDF_NO_KERNEL=1 SUITES=50-kernel TEST_OUT="$out/runs" \
	"$root/tests/run-all.sh" 2>&1)
rc=$?
if [ $rc = 0 ] &&
   grep -qx '# suite 50-kernel.sh: skipped: needs a kernel (KCOVDF_NO_KERNEL=1)' <<<"$out2" &&
   [ "$(tail -n 1 <<<"$out2")" = "0 passed, 0 failed" ]; then
	ok "run-all.sh with KCOVDF_NO_KERNEL=1: 50-kernel skipped, named, '0 passed, 0 failed'"
else
	notok "run-all.sh with KCOVDF_NO_KERNEL=1: 50-kernel skipped (exit $rc)" "$out2"
fi
done_testing
