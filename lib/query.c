// SPDX-License-Identifier: GPL-2.0
/*
 * A call's values as named items ("max", "p->refcnt", "m.lo.x", "ret"),
 * their text as `kcovdf view` shows it, and their numeric value for
 * comparisons. Shared by report, check, diff and export, so that every
 * command names and compares values the same way.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_int.h"

void kcovdf_items_reset(struct kcovdf_fmt *f)
{
	arena_free(&f->items);
	kcovdf_val_reset(f);
}

static struct kcovdf_item *add(struct arena *a, struct kcovdf_item **v,
			       size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		struct kcovdf_item *nv = arena_alloc(a, nc * sizeof(*nv));

		if (!nv)
			return NULL;
		if (*n)
			memcpy(nv, *v, *n * sizeof(*nv));
		*v = nv;
		*cap = nc;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

static int add_val(struct arena *a, struct kcovdf_item **v, size_t *n,
		    size_t *cap,
		    const struct kcovdf_val *val, const char *param,
		    unsigned int argidx, int is_ret)
{
	struct kcovdf_item *it;

	if (val->is_void)
		return 0;
	/* The value of an object passed by value is the address of a copy:
	 * meaningless; its fields carry the values. */
	if (!(val->has_object && val->byval)) {
		it = add(a, v, n, cap);
		if (!it)
			return -1;
		it->param = param;
		it->is_ret = is_ret;
		it->argidx = argidx;
		it->type = val->type;
		it->value = val->value;
		it->size = val->size;
		it->errno_names = val->errno_names;
		it->fflags = val->has_object ? KCOV_DF_FIELD_PTR :
			     val->rec_signed ? KCOV_DF_FIELD_SIGNED : 0;
		it->state = val->optout ? KCOVDF_ITEM_OPTOUT :
			    val->wide_fault ? KCOVDF_ITEM_UNREADABLE :
			    KCOVDF_ITEM_OK;
		it->wide = val->wide;
		it->wide_words = val->wide_words;
		it->wide_trunc = val->wide_trunc;
		it->is_string = val->is_string;
		it->str_trunc = val->str_trunc;
		it->str_fault = val->str_fault;
		it->str = val->str;
		it->str_len = val->str_len;
	}
	if (val->not_read && val->type && val->type->fields &&
	    val->value != 0 && val->value < (uint64_t)-4095) {
		/* The fields exist, their values were not recorded: items
		 * in the state that says why, so that a rule naming them
		 * is unknown for this call rather than wrong. */
		const struct kcovdf_type *t = val->type;

		for (size_t i = 0; i < t->nfields; i++) {
			it = add(a, v, n, cap);
			if (!it)
				return -1;
			it->param = param;
			it->field = t->fields[i].name;
			it->arrow = 1;
			it->is_ret = is_ret;
			it->argidx = argidx;
			it->order = (unsigned int)i + 1;
			it->type = t->fields[i].type;
			it->fflags = t->fields[i].flags;
			it->state = KCOVDF_ITEM_NOTREAD;
		}
		return 0;
	}
	if (!val->has_object || val->is_null || val->is_errptr || val->optout)
		return 0;
	for (size_t i = 0; i < val->nfields; i++) {
		const struct kcovdf_fieldval *f = &val->fields[i];

		it = add(a, v, n, cap);
		if (!it)
			return -1;
		it->param = param;
		it->field = f->name;
		it->arrow = !val->byval;
		it->is_ret = is_ret;
		it->argidx = argidx;
		it->order = (unsigned int)i + 1;
		it->type = f->type;
		it->value = f->value;
		it->fflags = f->flags;
		it->state = f->optout ? KCOVDF_ITEM_OPTOUT :
			    f->unreadable ? KCOVDF_ITEM_UNREADABLE :
			    KCOVDF_ITEM_OK;
		if (f->ptr_alias && !val->fields[f->ptr_alias - 1].unreadable) {
			it->has_alias = 1;
			it->alias_value = val->fields[f->ptr_alias - 1].value;
		}
	}
	return 0;
}

ssize_t kcovdf_call_items(struct kcovdf_fmt *f, struct kcovdf_sym *sym,
			  const struct kcovdf_call *c,
			  const struct kcovdf_rec *ret, int format,
			  struct kcovdf_item **out)
{
	struct kcovdf_item *v = NULL;
	size_t n = 0, cap = 0;
	struct kcovdf_val val;

	if (!ret && c->has_ret)
		ret = &c->ret;
	for (size_t i = 0; i < c->nargs; i++) {
		const char *name;

		if (kcovdf_val_describe(f, sym, c->fn, &c->args[i], format,
					&val) ||
		    !(name = arena_strdup(&f->items, val.name)) ||
		    add_val(&f->items, &v, &n, &cap, &val, name,
			    c->args[i].argidx, 0))
			return -1;
	}
	if (ret && (kcovdf_val_describe(f, sym, c->fn, ret, format, &val) ||
		    add_val(&f->items, &v, &n, &cap, &val, "ret",
			    KCOV_DF_ARGIDX_NONE, 1)))
		return -1;
	*out = v;
	return (ssize_t)n;
}

void kcovdf_item_path(struct kcovdf_buf *b, const struct kcovdf_item *it)
{
	if (!it->field)
		kcovdf_buf_printf(b, "%s", it->param);
	else
		kcovdf_buf_printf(b, "%s%s%s", it->param,
				  it->arrow ? "->" : ".", it->field);
}

void kcovdf_item_text(struct kcovdf_buf *b, const struct kcovdf_item *it,
		      int json)
{
	if (it->state != KCOVDF_ITEM_OK) {
		kcovdf_buf_printf(b, "%s", json ? "null" :
				  it->state == KCOVDF_ITEM_OPTOUT ?
				  "<optimized out>" :
				  it->state == KCOVDF_ITEM_NOTREAD ?
				  "<not read by callee>" : "<unreadable>");
		return;
	}
	if (it->wide || it->is_string) {
		struct kcovdf_val val = {
			.type = it->type, .value = it->value, .size = it->size,
			.rec_signed = !!(it->fflags & KCOV_DF_FIELD_SIGNED),
			.wide = it->wide, .wide_words = it->wide_words,
			.wide_trunc = it->wide_trunc,
			.is_string = it->is_string, .str = it->str,
			.str_len = it->str_len, .str_trunc = it->str_trunc,
			.str_fault = it->str_fault,
		};

		kcovdf_fmt_val(b, &val, json);
		return;
	}
	if (it->is_ret && !it->field && !json) {
		/* The formatter names error codes of returns. */
		struct kcovdf_val val = {
			.type = it->type, .value = it->value, .size = it->size,
			.rec_signed = !!(it->fflags & KCOV_DF_FIELD_SIGNED),
			.errno_names = it->errno_names,
		};

		if (it->fflags & KCOV_DF_FIELD_PTR)
			kcovdf_fmt_scalar(b, it->type, it->value, it->size,
					  KCOV_DF_FIELD_PTR, 0);
		else
			kcovdf_fmt_val(b, &val, 0);
		return;
	}
	kcovdf_fmt_scalar(b, it->type, it->value, it->size, it->fflags |
			  kcovdf_fmt_hint(it->field ? it->field : it->is_ret ?
					  NULL : it->param, it->type), json);
}

static int64_t sext(uint64_t v, unsigned int bits)
{
	uint64_t m;

	if (bits == 0 || bits >= 64)
		return (int64_t)v;
	m = 1ULL << (bits - 1);
	v &= (m << 1) - 1;
	return (int64_t)((v ^ m) - m);
}

/* Byte i of an item's wide value. */
static unsigned int wbyte(const struct kcovdf_item *it, unsigned int i)
{
	return i / 8 < it->wide_words ?
	       (unsigned int)(it->wide[i / 8] >> (8 * (i % 8))) & 0xff : 0;
}

static uint64_t wword(const struct kcovdf_item *it, unsigned int from,
		      unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n && i < 8; i++)
		v |= (uint64_t)wbyte(it, from + i) << (8 * i);
	return v;
}

/*
 * The number of a value wider than 64 bits: integers up to 128 bits
 * exactly (u, hi), long double and _Float128 as the nearest double with
 * their bytes alongside. Vectors, complex numbers, wider or cut integers
 * are no single number.
 */
static int wide_num(const struct kcovdf_item *it, struct kcovdf_num *n)
{
	const struct kcovdf_type *t = it->type;
	unsigned int size = (unsigned int)(t && t->size ? t->size : it->size);

	if (!t || it->wide_trunc || (uint64_t)it->wide_words * 8 < size)
		return -1;
	n->type = t;
	n->wide = 1;
	if ((t->kind == KCOVDF_T_INT || t->kind == KCOVDF_T_ENUM) &&
	    size <= 16) {
		n->kind = KCOVDF_NUM_INT;
		n->is_signed = t->is_signed;
		n->u = wword(it, 0, 8);
		n->hi = wword(it, 8, size - 8);
		if (size < 16 && t->is_signed &&
		    (n->hi >> (8 * (size - 8) - 1)) & 1)
			n->hi |= ~0ULL << (8 * (size - 8));
		return 0;
	}
	if (t->kind == KCOVDF_T_FLOAT && !t->is_complex &&
	    (t->float_fmt == KCOVDF_FLT_X87 ||
	     t->float_fmt == KCOVDF_FLT_QUAD)) {
		unsigned int se = wbyte(it, t->float_fmt == KCOVDF_FLT_X87 ?
					8 : 14) |
				  wbyte(it, t->float_fmt == KCOVDF_FLT_X87 ?
					9 : 15) << 8;
		int e = (int)(se & 0x7fff), neg = (int)(se >> 15), nan;
		uint64_t m;
		double d;

		n->kind = KCOVDF_NUM_FLOAT;
		n->u = wword(it, 0, 8);
		n->hi = wword(it, 8, t->float_fmt == KCOVDF_FLT_X87 ? 2 : 8);
		if (t->float_fmt == KCOVDF_FLT_X87) {
			m = n->u;	/* with its explicit integer bit */
			nan = (m << 1) != 0;
		} else {
			/* the top 64 of the 113 significand bits */
			uint64_t f = n->hi & 0xffffffffffffULL;

			m = (uint64_t)(e != 0) << 63 | f << 15 | n->u >> 49;
			nan = f || n->u;
		}
		if (e == 0x7fff)
			d = nan ? NAN : INFINITY;
		else
			d = ldexp((double)m, (e ? e : 1) - 16383 - 63);
		n->d = neg ? -d : d;
		return 0;
	}
	return -1;
}

int kcovdf_item_num(const struct kcovdf_item *it, struct kcovdf_num *n)
{
	const struct kcovdf_type *t = it->type;
	int kind = t ? t->kind : KCOVDF_T_UNKNOWN;
	unsigned int bits = (unsigned int)((t && t->size ? t->size : it->size) * 8);
	int is_signed = t ? t->is_signed : !!(it->fflags & KCOV_DF_FIELD_SIGNED);

	memset(n, 0, sizeof(*n));
	if (it->state != KCOVDF_ITEM_OK)
		return -1;
	if (it->wide)
		return wide_num(it, n);
	if (t && t->size > 8 &&
	    (kind == KCOVDF_T_INT || kind == KCOVDF_T_FLOAT ||
	     kind == KCOVDF_T_ENUM ||
	     (kind == KCOVDF_T_ARRAY && t->is_vector)))
		return -1;	/* 8 bytes of a wider scalar: no number */
	if (kind == KCOVDF_T_UNKNOWN) {
		if (it->fflags & KCOV_DF_FIELD_PTR)
			kind = KCOVDF_T_PTR;
		else if (it->fflags & KCOV_DF_FIELD_FLOAT)
			kind = KCOVDF_T_FLOAT;
		else if (it->fflags & (KCOV_DF_FIELD_ARRAY | KCOV_DF_FIELD_WIDE))
			kind = KCOVDF_T_ARRAY;
		else
			kind = KCOVDF_T_INT;
	}
	n->kind = KCOVDF_NUM_INT;
	n->type = t;
	switch (kind) {
	case KCOVDF_T_INT:
	case KCOVDF_T_ENUM:
	case KCOVDF_T_BOOL:
		if (is_signed) {
			n->is_signed = 1;
			n->u = (uint64_t)sext(it->value, bits);
		} else {
			n->u = bits && bits < 64 ?
			       it->value & ((1ULL << bits) - 1) : it->value;
		}
		return 0;
	case KCOVDF_T_FLOAT:
		n->kind = KCOVDF_NUM_FLOAT;
		if (bits == 32) {
			uint32_t u = (uint32_t)it->value;
			float f;

			memcpy(&f, &u, sizeof(f));
			n->d = f;
		} else {
			memcpy(&n->d, &it->value, sizeof(n->d));
		}
		return 0;
	case KCOVDF_T_PTR:
		n->is_ptr = 1;
		/* fallthrough */
	default:
		n->u = it->value;
		return 0;
	}
}

/* Bits 64-127 of an integer number, wide or not. */
static uint64_t num_hi(const struct kcovdf_num *n)
{
	if (n->wide)
		return n->hi;
	return n->is_signed && (int64_t)n->u < 0 ? ~0ULL : 0;
}

static double num_double(const struct kcovdf_num *n)
{
	if (n->kind == KCOVDF_NUM_FLOAT)
		return n->d;
	if (n->wide) {
		uint64_t hi = n->hi, lo = n->u;
		int neg = n->is_signed && (int64_t)hi < 0;

		if (neg) {	/* magnitude of the 128-bit value */
			hi = ~hi + (lo == 0);
			lo = ~lo + 1;
		}
		return (neg ? -1 : 1) * (ldexp((double)hi, 64) + (double)lo);
	}
	return n->is_signed ? (double)(int64_t)n->u : (double)n->u;
}

int kcovdf_num_cmp(const struct kcovdf_num *a, const struct kcovdf_num *b)
{
	uint64_t ah, bh;
	int an, bn;

	if (a->kind == KCOVDF_NUM_FLOAT || b->kind == KCOVDF_NUM_FLOAT) {
		double x = num_double(a), y = num_double(b);

		if (x != y || a->kind != b->kind || !a->wide || !b->wide)
			return x < y ? -1 : x > y ? 1 : 0;
		/* Two wide floats the same as doubles: their bytes decide
		 * equality (the order beyond a double's precision is not
		 * needed by anyone). */
		return a->hi != b->hi ? (a->hi < b->hi ? -1 : 1) :
		       a->u != b->u ? (a->u < b->u ? -1 : 1) : 0;
	}
	/* Integers as 128-bit values (most are sign- or zero-extended). */
	ah = num_hi(a);
	bh = num_hi(b);
	an = a->is_signed && (int64_t)ah < 0;
	bn = b->is_signed && (int64_t)bh < 0;
	if (an != bn)
		return an ? -1 : 1;
	if (ah != bh)
		return an ? ((int64_t)ah < (int64_t)bh ? -1 : 1)
			  : (ah < bh ? -1 : 1);
	return a->u < b->u ? -1 : a->u > b->u;
}

long kcovdf_errno_value(const char *name)
{
	static const struct { const char *name; long value; } alias[] = {
		{ "EWOULDBLOCK", 11 }, { "EDEADLOCK", 35 }, { "ENOTSUP", 95 },
	};

	if (!name || name[0] != 'E')
		return 0;
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (!strcmp(alias[i].name, name))
			return alias[i].value;
	for (long e = 1; e <= 4095; e++) {
		const char *n = kcovdf_errno_name(e);

		if (n && !strcmp(n, name))
			return e;
	}
	return 0;
}
