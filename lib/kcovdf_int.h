/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkcovdf internals: what the library's sources share and no library
 * user needs (the public API is include/kcovdf/kcovdf.h). Not installed,
 * not included by tools/.
 */
#ifndef KCOVDF_INT_H
#define KCOVDF_INT_H

#include <stddef.h>

#include "kcovdf/kcovdf.h"

/* A bump allocator: everything symbolisation builds is freed at once
 * (arena.c). */
struct arena_block;

struct arena {
	struct arena_block *head;
	size_t used, cap;
};

/* Zeroed memory, or NULL with errno ENOMEM: nothing in lib/ aborts. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

/*
 * Room for one more element in a full array of *cap elements of size
 * bytes: the capacity doubles (first when the array is empty). The new
 * array with *cap updated, or NULL with errno ENOMEM and the array and
 * *cap untouched (arena.c).
 */
void *kcovdf_grow(void *v, size_t *cap, size_t size, size_t first);

/* A formatting context (kcovdf.h): the memory of the values and items it
 * described, and its settings. */
struct kcovdf_fmt {
	struct arena vals;	/* kcovdf_val_describe() */
	struct arena items;	/* kcovdf_call_items() */
	int errno_names;
};

/* The slots of struct kcovdf_hmap (hmap.c). */
struct kcovdf_hmap_ent {
	uint64_t hash;
	void *key;		/* NULL: empty slot */
	size_t klen;
	void *val;
};

#endif /* KCOVDF_INT_H */
