/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KCOVDF_BENCH_H
#define KCOVDF_BENCH_H
#include <linux/types.h>

struct kcovdf_bench_obj {
	int a;
	long b;
	u32 c;
	u64 d;
};

long kcovdf_bench_fn(int x, long y, const struct kcovdf_bench_obj *o,
		     unsigned int z);
#endif
