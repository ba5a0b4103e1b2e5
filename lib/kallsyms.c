// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's symbol list in the /proc/kallsyms text format, read into
 * a sorted array (kcovdf.h): what kcovdf record writes into SYMS and what
 * the symboliser falls back to (--kallsyms). Errors are returned; hostile
 * input (long lines, NUL bytes, garbage) is skipped line by line.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_int.h"

#define NONE SIZE_MAX

struct kline {
	uint64_t addr;
	size_t name, module;	/* offsets into the strings, module NONE */
	size_t seq;		/* line order: ties keep it */
	char type;
};

struct kread {
	struct kline *v;
	size_t n, cap;
	char *str;
	size_t slen, scap;
};

static int cmp_kline(const void *a, const void *b)
{
	const struct kline *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Append n bytes and a NUL to the strings; the offset, or NONE. */
static size_t add_str(struct kread *r, const char *s, size_t n)
{
	size_t off = r->slen;

	if (r->scap - r->slen < n + 1) {
		size_t nc = r->scap ? r->scap : 4096;
		char *ns;

		while (nc - r->slen < n + 1) {
			if (nc > SIZE_MAX / 2)
				return NONE;
			nc *= 2;
		}
		ns = realloc(r->str, nc);
		if (!ns)
			return NONE;
		r->str = ns;
		r->scap = nc;
	}
	memcpy(r->str + off, s, n);
	r->str[off + n] = 0;
	r->slen += n + 1;
	return off;
}

/*
 * One line, NUL-terminated, without its newline: "ADDR TYPE NAME" with
 * an optional "[MODULE]" after it. 1: kept or filtered out, 0: malformed,
 * -1: out of memory.
 */
static int parse_line(struct kread *r, char *p, const char *types,
		      size_t seq, uint64_t *text)
{
	uint64_t addr = 0;
	const char *name, *mod = NULL;
	size_t nlen, mlen = 0, digits = 0;
	struct kline *l;
	char type;
	int h;

	while (is_blank(*p))
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hexval(p[2]) >= 0)
		p += 2;
	for (; (h = hexval(*p)) >= 0; p++) {
		if (++digits > 16)
			return 0;
		addr = addr << 4 | (uint64_t)h;
	}
	if (!digits || !is_blank(*p))
		return 0;
	while (is_blank(*p))
		p++;
	type = *p++;
	if (!type || !is_blank(*p))
		return 0;
	while (is_blank(*p))
		p++;
	name = p;
	while (*p && !is_blank(*p))
		p++;
	nlen = (size_t)(p - name);
	if (!nlen)
		return 0;
	while (is_blank(*p))
		p++;
	if (*p == '[') {
		mod = ++p;
		while (*p && *p != ']' && !is_blank(*p))
			p++;
		mlen = (size_t)(p - mod);
		if (*p != ']' || !mlen)
			return 0;
		p++;
		while (is_blank(*p))
			p++;
	}
	if (*p)
		return 0;
	if (nlen == 5 && !memcmp(name, "_text", 5))
		*text = addr;
	if (types && !strchr(types, type))
		return 1;
	if (r->n == r->cap) {
		struct kline *nv = kcovdf_grow(r->v, &r->cap, sizeof(*nv),
					       4096);

		if (!nv)
			return -1;
		r->v = nv;
	}
	l = &r->v[r->n];
	l->addr = addr;
	l->type = type;
	l->seq = seq;
	l->module = NONE;
	if ((l->name = add_str(r, name, nlen)) == NONE ||
	    (mod && (l->module = add_str(r, mod, mlen)) == NONE))
		return -1;
	r->n++;
	return 1;
}

int kcovdf_kallsyms_read(const char *path, const char *types,
			 struct kcovdf_kallsyms *k)
{
	char line[KCOVDF_KALLSYMS_LINE_MAX + 1];
	struct kread r = { 0 };
	size_t len = 0, seq = 0;
	int c, toolong = 0, nul = 0, err = 0;
	FILE *f;

	memset(k, 0, sizeof(*k));
	f = fopen(path, "r");
	if (!f)
		return -1;
	do {
		c = getc_unlocked(f);
		if (c != '\n' && c != EOF) {
			if (len == KCOVDF_KALLSYMS_LINE_MAX)
				toolong = 1;
			else if (!c)
				nul = 1;
			else
				line[len++] = (char)c;
			continue;
		}
		if (c == EOF && !len && !toolong && !nul)
			break;		/* the end, after a newline */
		line[len] = 0;
		if (toolong || nul) {
			k->skipped++;
		} else {
			int rc = parse_line(&r, line, types, seq, &k->text);

			if (rc < 0) {
				err = ENOMEM;
				break;
			}
			k->skipped += !rc;
		}
		seq++;
		len = 0;
		toolong = nul = 0;
	} while (c != EOF);
	if (!err && ferror(f))
		err = EIO;
	fclose(f);
	if (!err && r.n) {
		k->v = malloc(r.n * sizeof(*k->v));
		if (!k->v)
			err = ENOMEM;
	}
	if (err) {
		free(r.v);
		free(r.str);
		memset(k, 0, sizeof(*k));
		errno = err;
		return -1;
	}
	if (r.n)
		qsort(r.v, r.n, sizeof(*r.v), cmp_kline);
	for (size_t i = 0; i < r.n; i++) {
		k->v[i].addr = r.v[i].addr;
		k->v[i].type = r.v[i].type;
		k->v[i].name = r.str + r.v[i].name;
		k->v[i].module = r.v[i].module == NONE ? NULL :
				 r.str + r.v[i].module;
	}
	k->n = r.n;
	k->strings = r.str;
	free(r.v);
	return 0;
}

void kcovdf_kallsyms_free(struct kcovdf_kallsyms *k)
{
	if (!k)
		return;
	free(k->v);
	free(k->strings);
	memset(k, 0, sizeof(*k));
}

const struct kcovdf_ksym *kcovdf_kallsyms_below(const struct kcovdf_kallsyms *k,
						uint64_t addr)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &k->v[lo - 1] : NULL;
}
