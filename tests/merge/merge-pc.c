// SPDX-License-Identifier: GPL-2.0
/* Merge test program, the half with entry/exit records only (merge-df.c). */
#define T __attribute__((noinline))

struct req { int fd; unsigned long count; };

long df_inner(const struct req *r);	/* merge-df.c */

static volatile int sink;

T void pc_only_leaf(void)
{
	sink = 1;
}

T int pc_only_middle(int v)
{
	struct req r = { v, 123 };

	pc_only_leaf();
	return (int)df_inner(&r);
}
