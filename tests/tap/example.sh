#!/usr/bin/env bash
# A suite in miniature for tests/suites/01-tap.sh: every helper of
# tests/lib.sh once, with results known in advance. EXAMPLE_FAIL=1 makes
# the case "b: fails on demand" fail.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
exp=$out/exp
mkdir -p "$exp"
[ "${EXAMPLE_NEEDS_KERNEL:-0}" = 1 ] && needs_kernel

ok "a: passes"
if [ "${EXAMPLE_FAIL:-0}" = 1 ]; then
	notok "b: fails on demand" "line 1
line 2"
else
	ok "b: fails on demand"
fi
skip "c: skipped" "no reason"
check "d: check of true" true
check "e: check of false" false
status 3 "f: status 3" sh -c 'echo out; echo err >&2; exit 3'
has "f: its stdout kept" "out" "$out/status.out"
echo 'hello world' >"$out/file"
has "g: has hello" "hello" "$out/file"
printf 'x\n' >"$exp/h"
printf 'x\n' >"$out/h.txt"
expect h "$out/h.txt"
relay "i: " <<'TAP'
1..3
ok 1 - first
not ok 2 second
ok third # SKIP why
# a comment
other output
TAP
if run_case "j: long part"; then
	diag "the long part ran"
	ok "j: long part"
fi
no_kernel && diag "no kernel"
done_testing
