#!/usr/bin/env bash
# Build the kernels the benchmarks compare: bench/kernel/build.sh [VARIANT...]
# (default: base all bench), with kernel/build.sh.
#
# By default they are the normal variants in build/kernel/<variant>, built
# from the current series. To measure a fixed series while kernel/patches
# changes, set BENCH_KDIR to a directory of its own: the kernels are then
# built there from their own source tree ($BENCH_KDIR/src) with the first
# BENCH_PATCHES_UPTO patches (default 4), e.g.
#   BENCH_KDIR=$PWD/build/kernel/bench bench/kernel/build.sh
# (the other bench/kernel scripts read BENCH_KDIR too). Naming the tree
# "src" next to the output directories, as build/kernel does, keeps the
# relative paths ccache hashes the same, so objects compiled for the normal
# variants are reused.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || set -- base all bench
for v in "$@"; do
	if [ -n "${BENCH_KDIR:-}" ]; then
		KCOVDF_SRCDIR=$BENCH_KDIR/src KCOVDF_OUTDIR=$BENCH_KDIR/$v \
		KCOVDF_PATCHES_UPTO=${BENCH_PATCHES_UPTO:-4} \
		KCOVDF_REQUIRE_PLUGIN=1 KCOVDF_BUILD_QUIET=1 "$root/kernel/build.sh" "$v" >&2 ||
			die "kernel/build.sh $v failed"
	else
		KCOVDF_REQUIRE_PLUGIN=1 KCOVDF_BUILD_QUIET=1 "$root/kernel/build.sh" "$v" >&2 ||
			die "kernel/build.sh $v failed"
	fi
done
