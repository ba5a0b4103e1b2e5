// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_int.h"

struct arena_block {
	struct arena_block *next;
	max_align_t data[];
};

#define BLOCK_BYTES (64 * 1024)

void *arena_alloc(struct arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	void *p;

	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	n = (n + align - 1) & ~(align - 1);
	if (!a->head || a->used + n > a->cap) {
		size_t cap = n > BLOCK_BYTES ? n : BLOCK_BYTES;
		struct arena_block *b = malloc(sizeof(*b) + cap);

		if (!b) {
			errno = ENOMEM;
			return NULL;
		}
		b->next = a->head;
		a->head = b;
		a->used = 0;
		a->cap = cap;
	}
	p = (char *)a->head->data + a->used;
	a->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = arena_alloc(a, n);

	if (p)
		memcpy(p, s, n);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	p = arena_alloc(a, (size_t)n + 1);
	if (p) {
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return p;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_block *n = a->head->next;

		free(a->head);
		a->head = n;
	}
	a->used = a->cap = 0;
}

void *kcovdf_grow(void *v, size_t *cap, size_t size, size_t first)
{
	size_t nc = *cap ? 2 * *cap : first;

	if (nc < *cap || (size && nc > SIZE_MAX / size)) {
		errno = ENOMEM;
		return NULL;
	}
	v = realloc(v, nc * size);
	if (v)
		*cap = nc;
	return v;
}
