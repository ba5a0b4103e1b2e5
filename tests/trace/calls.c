// SPDX-License-Identifier: GPL-2.0
/*
 * Workloads for tests/suites/37-trace.sh and bench/user/trace.sh, built
 * with kcovdf cc:
 *   calls loop N   N iterations of step(i, &acc), which calls mix() twice:
 *                  5 calls (15 records, one of them a struct) an iteration
 *   calls deep N   a recursion N calls deep
 * Exit status 0; prints a checksum so nothing is optimised away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct acc {
	long sum;
	int calls;
	unsigned int flags;
	void *last;
};

__attribute__((noinline)) static long mix(long x, int k)
{
	return (x * 31 + k) ^ (x >> 3);
}

__attribute__((noinline)) static int bump(struct acc *a)
{
	a->calls++;
	return a->calls & 7;
}

__attribute__((noinline)) static long step(long i, struct acc *a)
{
	long v = mix(i, 1) + mix(i, 2);

	a->sum += v + bump(a);
	a->last = a;
	return v & 0xff;
}

/* The caller's local escapes into the callee: no tail-recursion
 * elimination turns this into a loop. */
__attribute__((noinline)) static long deep(long n, long *up)
{
	long here = n;

	if (n <= 0)
		return *up;
	return deep(n - 1, &here) + 1;
}

int main(int argc, char **argv)
{
	long n = argc > 2 ? strtol(argv[2], NULL, 0) : 1000, r = 0;
	struct acc a;

	memset(&a, 0, sizeof(a));
	if (argc > 1 && !strcmp(argv[1], "deep"))
		r = deep(n, &n);
	else
		for (long i = 0; i < n; i++)
			r += step(i, &a);
	printf("%ld %ld\n", r, a.sum);
	return 0;
}
