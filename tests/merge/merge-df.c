// SPDX-License-Identifier: GPL-2.0
/*
 * Merge test program, the half built with dataflow instrumentation
 * (args, ret, entry-exit): tests/suites/54-merge.sh. The other half,
 * merge-pc.c, has entry/exit records only, so the merged tree shows calls
 * without values between calls with values.
 */
#define T __attribute__((noinline))

struct req { int fd; unsigned long count; };

int pc_only_middle(int v);		/* merge-pc.c */
void pc_only_leaf(void);		/* merge-pc.c */

static volatile int sink;

T int df_leaf(int x)
{
	sink = x;
	return x * 2;
}

/* Called from pc_only_middle: a dataflow call under a PC_EXT-only one. */
T long df_inner(const struct req *r)
{
	return (long)r->count + df_leaf(r->fd);
}

T int df_outer(int a, int b)
{
	int s = df_leaf(a);

	pc_only_leaf();
	s += pc_only_middle(b);
	return s;
}

T int df_recurse(int n)
{
	return n <= 0 ? 0 : 1 + df_recurse(n - 1);
}

int main(void)
{
	int r = df_outer(3, 5);

	r += df_recurse(2);
	return r == 6 + 10 + 123 + 2 ? 0 : 1;
}
