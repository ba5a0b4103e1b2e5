// SPDX-License-Identifier: GPL-2.0
/* Open addressing with linear probing; the table is kept at most half full. */
#include <stdlib.h>
#include <string.h>

#include "kcovdf_int.h"

static uint64_t hash_key(const void *key, size_t klen)
{
	const unsigned char *p = key;
	uint64_t h = 0xcbf29ce484222325ULL ^ klen;

	for (size_t i = 0; i < klen; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static int grow(struct kcovdf_hmap *m)
{
	size_t nc = m->cap ? 2 * m->cap : 64;
	struct kcovdf_hmap_ent *ne = calloc(nc, sizeof(*ne));

	if (!ne)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->e[i].key)
			continue;
		j = (size_t)m->e[i].hash & (nc - 1);
		while (ne[j].key)
			j = (j + 1) & (nc - 1);
		ne[j] = m->e[i];
	}
	free(m->e);
	m->e = ne;
	m->cap = nc;
	return 0;
}

static struct kcovdf_hmap_ent *find(const struct kcovdf_hmap *m,
				    const void *key, size_t klen, uint64_t h)
{
	size_t j;

	if (!m->cap)
		return NULL;
	j = (size_t)h & (m->cap - 1);
	while (m->e[j].key) {
		if (m->e[j].hash == h && m->e[j].klen == klen &&
		    !memcmp(m->e[j].key, key, klen))
			return &m->e[j];
		j = (j + 1) & (m->cap - 1);
	}
	return &m->e[j];
}

void **kcovdf_hmap_slot(struct kcovdf_hmap *m, const void *key, size_t klen,
			int *created)
{
	uint64_t h = hash_key(key, klen);
	struct kcovdf_hmap_ent *e;

	if (2 * (m->n + 1) > m->cap && grow(m))
		return NULL;
	e = find(m, key, klen, h);
	if (created)
		*created = !e->key;
	if (!e->key) {
		void *k = malloc(klen ? klen : 1);

		if (!k) {
			if (created)
				*created = 0;
			return NULL;
		}
		e->key = k;
		memcpy(e->key, key, klen);
		e->klen = klen;
		e->hash = h;
		e->val = NULL;
		m->n++;
	}
	return &e->val;
}

void *kcovdf_hmap_get(const struct kcovdf_hmap *m, const void *key,
		      size_t klen)
{
	struct kcovdf_hmap_ent *e = find(m, key, klen, hash_key(key, klen));

	return e && e->key ? e->val : NULL;
}

void kcovdf_hmap_free(struct kcovdf_hmap *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->e[i].key)
			continue;
		free(m->e[i].key);
		if (free_val)
			free_val(m->e[i].val);
	}
	free(m->e);
	memset(m, 0, sizeof(*m));
}
