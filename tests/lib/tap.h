/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP for the C unit tests (tests/lib/test_*.c, one program each): ok()
 * prints "ok N - what" or "not ok N - what", tap_done() the plan and the
 * exit status.
 */
#ifndef KCOVDF_TEST_TAP_H
#define KCOVDF_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int ntest, nfail;

__attribute__((format(printf, 2, 3), unused))
static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	ntest++;
	if (!cond)
		nfail++;
	printf("%sok %d - ", cond ? "" : "not ", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The plan; the program's exit status. */
__attribute__((unused))
static int tap_done(void)
{
	printf("1..%d\n", ntest);
	return nfail ? 1 : 0;
}

#endif /* KCOVDF_TEST_TAP_H */
