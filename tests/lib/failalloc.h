/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection for the out-of-memory tests (test_nomem.c,
 * test_symoom.c): linked with -Wl,--wrap=malloc,--wrap=calloc,
 * --wrap=realloc,--wrap=strdup, every call of these in the program (the
 * library's) asks fail_now(), which the test defines, whether to fail:
 * then it returns NULL with errno ENOMEM, as the allocator would.
 */
#ifndef KCOVDF_TEST_FAILALLOC_H
#define KCOVDF_TEST_FAILALLOC_H

#include <errno.h>
#include <stddef.h>

static int fail_now(void);

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

static int failing(void)
{
	if (!fail_now())
		return 0;
	errno = ENOMEM;
	return 1;
}

void *__wrap_malloc(size_t n)
{
	return failing() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return failing() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
	return failing() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return failing() ? NULL : __real_strdup(s);
}

#endif /* KCOVDF_TEST_FAILALLOC_H */
