/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hash map from byte strings to pointers, for the analysis code
 * (rules_check.c) and the tools: distinct values, unique keys, call paths.
 * Keys are copied. Not thread-safe.
 */
#ifndef KCOVDF_HMAP_H
#define KCOVDF_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap_ent {
	uint64_t hash;
	void *key;		/* NULL: empty slot */
	size_t klen;
	void *val;
};

struct hmap {
	struct hmap_ent *e;
	size_t n, cap;
};

uint64_t hmap_hash(const void *key, size_t klen);
/* The value slot of key, inserted (as NULL) when missing; *created says
 * which. Aborts when out of memory. */
void **hmap_slot(struct hmap *m, const void *key, size_t klen, int *created);
/* The value of key, or NULL. */
void *hmap_get(const struct hmap *m, const void *key, size_t klen);
/* Free the table and the copied keys; free_val (may be NULL) on values. */
void hmap_free(struct hmap *m, void (*free_val)(void *));

#endif
