/* SPDX-License-Identifier: GPL-2.0 */
/* A bump allocator: everything symbolisation builds is freed at once. */
#ifndef KCOVDF_ARENA_H
#define KCOVDF_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used, cap;
};

void *arena_alloc(struct arena *a, size_t n);	/* zeroed, aborts on OOM */
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

#endif
