/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the guest benchmark programs (dfbench.c, sysloop.c) share: a
 * monotonic clock in nanoseconds, and an exit with the failed call named.
 * PROG is the program's name, defined before this header is included.
 */
#ifndef KCOVDF_BENCH_GUEST_H
#define KCOVDF_BENCH_GUEST_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(errno));
	exit(1);
}

#endif /* KCOVDF_BENCH_GUEST_H */
