// SPDX-License-Identifier: GPL-2.0
/*
 * The function whose calls are recorded (KCOV-Dataflow), traced
 * (function_graph) or probed (fprobe): four arguments, one of them a
 * pointer to a struct of four fields, and a return value. This object is
 * the only one of the module built with dataflow instrumentation (Kbuild).
 */
#include "kcovdf_bench.h"

noinline long kcovdf_bench_fn(int x, long y, const struct kcovdf_bench_obj *o,
			      unsigned int z)
{
	return x + y + o->a + o->b + o->c + o->d + z;
}
