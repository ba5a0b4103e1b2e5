#!/usr/bin/env bash
# The long reliability run whose output RELIABILITY.md quotes: the guest
# tests of tests/suites/55-reliability.sh with longer durations, on more
# variants, plus the runtime's rt_chaos for longer. Writes the whole log to
# build/reliability-long.log (and prints it), headed by date, commit,
# variants and the commands run.
#
#   tests/kernel/reliability-long.sh [SECONDS [FUZZ_SECONDS [VARIANTS]]]
#
# KCOVDF_RELIABILITY_NO_BUILD=1 boots the kernels as built (no build.sh).
#
# Defaults: 30 s per stress command, 300 s of fuzzing, "small debug all"
# (all: the whole kernel instrumented, where the irq check means something).
# About (6 x SECONDS + FUZZ_SECONDS + 60) s per variant once built.
set -uo pipefail
{
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-30}
fsecs=${2:-300}
variants=${3:-small debug all}
seed=${KCOVDF_RELIABILITY_SEED:-$(date +%s)}
for x in "$secs" "$fsecs" "$seed"; do
	case $x in
	''|*[!0-9]*)
		echo "reliability-long.sh: SECONDS, FUZZ_SECONDS and the seed must be integers, got '$x'" >&2
		exit 2 ;;
	esac
done
out=$root/build/reliability-long.log
mkdir -p "$root/build"
{
	echo "# date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "# commit: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- tests/kernel runtime/tests tests/suites/55-reliability.sh tests/suites/20-runtime.sh || echo ' (+ uncommitted changes to the tests)')"
	echo "# host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "# command: KCOVDF_RELIABILITY_NO_BUILD=${KCOVDF_RELIABILITY_NO_BUILD:-0} KCOVDF_RELIABILITY_VARIANTS=\"$variants\" KCOVDF_RELIABILITY_SECONDS=$secs KCOVDF_RELIABILITY_FUZZ_SECONDS=$fsecs KCOVDF_RELIABILITY_SEED=$seed tests/suites/55-reliability.sh"
	start=$(date +%s)
	KCOVDF_RELIABILITY_VARIANTS="$variants" KCOVDF_RELIABILITY_SECONDS=$secs \
	KCOVDF_RELIABILITY_FUZZ_SECONDS=$fsecs KCOVDF_RELIABILITY_SEED=$seed \
		"$root/tests/suites/55-reliability.sh"
	rc1=$?
	echo "# 55-reliability.sh: status $rc1, $(( $(date +%s) - start )) s"
	echo "# command: KCOVDF_CHAOS_SECONDS=$secs tests/suites/20-runtime.sh (its rt_chaos lines)"
	start=$(date +%s)
	KCOVDF_CHAOS_SECONDS=$secs "$root/tests/suites/20-runtime.sh" > "$out.runtime" 2>&1
	rc2=$?
	grep -E 'at once|^not ok' "$out.runtime"
	echo "# 20-runtime.sh: status $rc2, $(( $(date +%s) - start )) s"
	[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]
} 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
echo "# log: $out"
exit "$rc"
}
