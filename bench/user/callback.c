// SPDX-License-Identifier: GPL-2.0
/*
 * Cost of recorded callbacks in user space. One call of scalar() makes three
 * callbacks (two arguments, one return); one call of object() makes two
 * (one struct pointer argument with 4 fields, one return).
 * usage: callback scalar|object ITERATIONS   prints ns per call
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct quad { int a, b; long c, d; };
static volatile long sink;

__attribute__((noinline)) long scalar(int a, long b)
{
	sink += a;
	return a + b;
}

__attribute__((noinline)) long object(const struct quad *q)
{
	sink += q->a;
	return q->c;
}

int main(int argc, char **argv)
{
	struct quad q = { 1, 2, 3, 4 };
	struct timespec t0, t1;
	long n, acc = 0;
	int obj;

	if (argc != 3)
		return 2;
	obj = !strcmp(argv[1], "object");
	n = atol(argv[2]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (obj)
		for (long i = 0; i < n; i++) {
			q.a = (int)i;
			acc += object(&q);
		}
	else
		for (long i = 0; i < n; i++)
			acc += scalar((int)i, i);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%.3f\n", ((t1.tv_sec - t0.tv_sec) * 1e9 +
			  (t1.tv_nsec - t0.tv_nsec)) / (double)n);
	return acc == 42;
}
