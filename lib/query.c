// SPDX-License-Identifier: GPL-2.0
/*
 * A call's values as named items ("max", "p->refcnt", "m.lo.x", "ret"),
 * their text as `kcovdf view` shows it, and their numeric value for
 * comparisons. Shared by report, check, diff and export, so that every
 * command names and compares values the same way.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "kcovdf.h"

static struct arena item_arena;

void kcovdf_items_reset(void)
{
	arena_free(&item_arena);
	kcovdf_val_reset();
}

static struct kcovdf_item *add(struct kcovdf_item **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		struct kcovdf_item *nv = arena_alloc(&item_arena,
						     nc * sizeof(*nv));

		if (*n)
			memcpy(nv, *v, *n * sizeof(*nv));
		*v = nv;
		*cap = nc;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

static void add_val(struct kcovdf_item **v, size_t *n, size_t *cap,
		    const struct kcovdf_val *val, const char *param,
		    unsigned int argidx, int is_ret)
{
	struct kcovdf_item *it;

	if (val->is_void)
		return;
	/* The value of an object passed by value is the address of a copy:
	 * meaningless; its fields carry the values. */
	if (!(val->has_object && val->byval)) {
		it = add(v, n, cap);
		it->param = param;
		it->is_ret = is_ret;
		it->argidx = argidx;
		it->type = val->type;
		it->value = val->value;
		it->size = val->size;
		it->fflags = val->has_object ? KCOV_DF_FIELD_PTR :
			     val->rec_signed ? KCOV_DF_FIELD_SIGNED : 0;
		it->state = val->optout ? KCOVDF_ITEM_OPTOUT : KCOVDF_ITEM_OK;
	}
	if (!val->has_object || val->is_null || val->is_errptr || val->optout)
		return;
	for (size_t i = 0; i < val->nfields; i++) {
		const struct kcovdf_fieldval *f = &val->fields[i];

		it = add(v, n, cap);
		it->param = param;
		it->field = f->name;
		it->arrow = !val->byval;
		it->is_ret = is_ret;
		it->argidx = argidx;
		it->order = (unsigned int)i + 1;
		it->type = f->type;
		it->value = f->value;
		it->fflags = f->flags;
		it->state = f->unreadable ? KCOVDF_ITEM_UNREADABLE :
			    KCOVDF_ITEM_OK;
		if (f->ptr_alias && !val->fields[f->ptr_alias - 1].unreadable) {
			it->has_alias = 1;
			it->alias_value = val->fields[f->ptr_alias - 1].value;
		}
	}
}

size_t kcovdf_call_items(struct kcovdf_sym *sym, const struct kcovdf_call *c,
			 const struct kcovdf_rec *ret, int format,
			 struct kcovdf_item **out)
{
	struct kcovdf_item *v = NULL;
	size_t n = 0, cap = 0;
	struct kcovdf_val val;

	if (!ret && c->has_ret)
		ret = &c->ret;
	for (size_t i = 0; i < c->nargs; i++) {
		kcovdf_val_describe(sym, c->fn, &c->args[i], format, &val);
		add_val(&v, &n, &cap, &val,
			arena_strdup(&item_arena, val.name), c->args[i].argidx,
			0);
	}
	if (ret) {
		kcovdf_val_describe(sym, c->fn, ret, format, &val);
		add_val(&v, &n, &cap, &val, "ret", KCOV_DF_ARGIDX_NONE, 1);
	}
	*out = v;
	return n;
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
				  "<optimized out>" : "<unreadable>");
		return;
	}
	if (it->is_ret && !it->field && !json) {
		/* The formatter names error codes of returns. */
		struct kcovdf_val val = {
			.type = it->type, .value = it->value, .size = it->size,
			.rec_signed = !!(it->fflags & KCOV_DF_FIELD_SIGNED),
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

int kcovdf_item_num(const struct kcovdf_item *it, struct kcovdf_num *n)
{
	const struct kcovdf_type *t = it->type;
	int kind = t ? t->kind : KCOVDF_T_UNKNOWN;
	unsigned int bits = (unsigned int)((t && t->size ? t->size : it->size) * 8);
	int is_signed = t ? t->is_signed : !!(it->fflags & KCOV_DF_FIELD_SIGNED);

	memset(n, 0, sizeof(*n));
	if (it->state != KCOVDF_ITEM_OK)
		return -1;
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

static double num_double(const struct kcovdf_num *n)
{
	if (n->kind == KCOVDF_NUM_FLOAT)
		return n->d;
	return n->is_signed ? (double)(int64_t)n->u : (double)n->u;
}

int kcovdf_num_cmp(const struct kcovdf_num *a, const struct kcovdf_num *b)
{
	int an, bn;

	if (a->kind == KCOVDF_NUM_FLOAT || b->kind == KCOVDF_NUM_FLOAT) {
		double x = num_double(a), y = num_double(b);

		return x < y ? -1 : x > y ? 1 : 0;
	}
	an = a->is_signed && (int64_t)a->u < 0;
	bn = b->is_signed && (int64_t)b->u < 0;
	if (an != bn)
		return an ? -1 : 1;
	if (an)
		return (int64_t)a->u < (int64_t)b->u ? -1 :
		       (int64_t)a->u > (int64_t)b->u;
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
