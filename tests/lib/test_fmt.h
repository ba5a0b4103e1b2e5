/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The formatting context of a test's values, for the unit tests and the
 * fuzz targets (the library keeps none of its own): made at first use,
 * and out of memory there ends the test.
 */
#ifndef KCOVDF_TEST_FMT_H
#define KCOVDF_TEST_FMT_H

#include <stdio.h>
#include <stdlib.h>

#include "kcovdf/kcovdf.h"

static inline struct kcovdf_fmt *test_fmt(void)
{
	static struct kcovdf_fmt *f;

	if (!f && !(f = kcovdf_fmt_new())) {
		fputs("out of memory\n", stderr);
		abort();
	}
	return f;
}

#endif
