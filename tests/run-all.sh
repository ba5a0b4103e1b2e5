#!/usr/bin/env bash
# Run every suite in tests/suites/ (in name order). Each suite prints TAP
# ("ok N - ..." / "not ok N - ...", tests/lib.sh); a suite that exits
# non-zero without reporting a failure counts as one failure. Ends with the
# line "N passed, N failed". Select suites with SUITES="pattern ...", cases
# with CASE=REGEX (tests/lib.sh); KCOVDF_NO_KERNEL=1 (make check-user)
# skips the suites that need a kernel. See tests/README.md.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${TEST_OUT:-$here/out}
mkdir -p "$out"
pass=0 fail=0
for s in "$here"/suites/*; do
	[ -x "$s" ] || continue
	name=$(basename "$s")
	if [ -n "${SUITES:-}" ]; then
		sel=0
		for p in $SUITES; do case "$name" in *$p*) sel=1;; esac; done
		[ $sel = 1 ] || continue
	fi
	echo "# suite $name"
	start=$(date +%s)
	"$s" 2>&1 | tee "$out/$name.log"
	rc=${PIPESTATUS[0]}
	secs=$(($(date +%s) - start))
	p=$(grep -cE '^ *ok ' "$out/$name.log")
	f=$(grep -cE '^ *not ok ' "$out/$name.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - suite $name exited with status $rc"
		f=1
	fi
	why=$(sed -n 's/^1\.\.0 # SKIP //p' "$out/$name.log")
	if [ -n "$why" ] && [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		echo "# suite $name: skipped: $why"
	else
		echo "# suite $name: $p passed, $f failed (${secs} s)"
	fi
	pass=$((pass + p)); fail=$((fail + f))
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
