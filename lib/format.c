// SPDX-License-Identifier: GPL-2.0
/*
 * Values: a record plus the function's DWARF becomes named, typed values;
 * values become text ("f(a=1, p=0x... {x=2, y=3}) = 5") or JSON.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "kcovdf.h"

static struct arena val_arena;
static int errno_names;

void kcovdf_fmt_errno_names(int on)
{
	errno_names = on;
}

void kcovdf_val_reset(void)
{
	arena_free(&val_arena);
}

void kcovdf_buf_printf(struct kcovdf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t nc = b->cap ? b->cap * 2 : 256;

		while (nc - b->len <= (size_t)n)
			nc *= 2;
		char *ns = realloc(b->s, nc);

		if (!ns)
			abort();
		b->s = ns;
		b->cap = nc;
	}
}

void kcovdf_buf_free(struct kcovdf_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

/* Length of the well-formed UTF-8 sequence (RFC 3629) at s, or 0. */
static int utf8_len(const unsigned char *s, unsigned int *cp)
{
	unsigned int c = s[0], n, min;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 1; *cp = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2; *cp = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3; *cp = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	for (unsigned int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return (int)n + 1;
}

/*
 * Strings from the trace (task names, paths, symbol names) are bytes, not
 * necessarily UTF-8: control characters (C0, DEL, C1) are escaped, and a
 * byte that does not begin a well-formed UTF-8 sequence becomes U+FFFD, so
 * the output is always valid JSON text.
 */
void kcovdf_json_str(struct kcovdf_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	kcovdf_buf_printf(b, "\"");
	while (p && *p) {
		unsigned char c = *p;
		unsigned int cp;
		int n;

		if (c == '"' || c == '\\') {
			kcovdf_buf_printf(b, "\\%c", c);
		} else if (c < 0x20 || c == 0x7f) {
			kcovdf_buf_printf(b, "\\u%04x", c);
		} else if (c < 0x80) {
			kcovdf_buf_printf(b, "%c", c);
		} else if (!(n = utf8_len(p, &cp))) {
			kcovdf_buf_printf(b, "\\ufffd");
		} else {
			if (cp <= 0x9f)
				kcovdf_buf_printf(b, "\\u%04x", cp);
			else
				kcovdf_buf_printf(b, "%.*s", n, (const char *)p);
			p += n;
			continue;
		}
		p++;
	}
	kcovdf_buf_printf(b, "\"");
}

static int same_bytes(const struct kcovdf_tfield *x,
		      const struct kcov_df_field *f)
{
	return x->offset == f->offset && x->size == f->size &&
	       x->bit_offset == f->bit_offset && x->bit_size == f->bit_size;
}

/*
 * The DWARF member that a layout field describes. Both lists come from the
 * same flattening, so the field at the same index is tried first; union
 * members share their bytes and are told apart by their flags.
 */
static const struct kcovdf_tfield *
match_field(const struct kcovdf_type *t, const struct kcov_df_field *f,
	    size_t idx)
{
	if (!t)
		return NULL;
	if (idx < t->nfields && same_bytes(&t->fields[idx], f) &&
	    t->fields[idx].flags == f->flags)
		return &t->fields[idx];
	for (size_t i = 0; i < t->nfields; i++)
		if (same_bytes(&t->fields[i], f) && t->fields[i].flags == f->flags)
			return &t->fields[i];
	for (size_t i = 0; i < t->nfields; i++)
		if (same_bytes(&t->fields[i], f))
			return &t->fields[i];
	return NULL;
}

static int is_errptr(uint64_t v)
{
	return v >= (uint64_t)-4095;
}

/* Name of the error a negative value carries (-22: "EINVAL"), or NULL.
 * Negates only values in errno range: -INT64_MIN does not exist. */
static const char *neg_errno_name(int64_t v)
{
	return v < 0 && v >= -4095 ? kcovdf_errno_name((long)-v) : NULL;
}

/* A pointer, or an array of pointers (whose first element is read). */
static int field_is_ptr(const struct kcovdf_fieldval *f)
{
	const struct kcovdf_type *t = f->type;

	for (int i = 0; t && t->kind == KCOVDF_T_ARRAY && i < 8; i++)
		t = t->target;
	return (t && t->kind == KCOVDF_T_PTR) ||
	       (f->flags & KCOV_DF_FIELD_PTR);
}

/*
 * Members of a union share their bytes: a pointer and an integer (or a
 * double, or two 32-bit halves) are two views of the same address. Each
 * non-pointer field that overlaps a pointer field gets ptr_alias, so that
 * readers can treat it like that pointer. Fields come in layout order, so
 * an overlap shows as a field that begins before the end of an earlier
 * one; objects without one (almost all) cost a single pass.
 */
static void mark_ptr_aliases(struct kcovdf_val *v)
{
	uint64_t end = 0;
	int overlap = 0, ptr = 0;

	for (size_t i = 0; i < v->nfields; i++) {
		const struct kcovdf_fieldval *f = &v->fields[i];

		if (!f->bytes)
			return;		/* fields without a layout */
		if (f->offset < end)
			overlap = 1;
		if (f->offset + (uint64_t)f->bytes > end)
			end = f->offset + (uint64_t)f->bytes;
		ptr |= field_is_ptr(f);
	}
	if (!overlap || !ptr)
		return;
	for (size_t i = 0; i < v->nfields; i++) {
		struct kcovdf_fieldval *f = &v->fields[i];

		if (field_is_ptr(f))
			continue;
		for (size_t j = 0; j < v->nfields; j++) {
			const struct kcovdf_fieldval *p = &v->fields[j];

			if (j != i && field_is_ptr(p) &&
			    f->offset < p->offset + p->bytes &&
			    p->offset < f->offset + f->bytes) {
				f->ptr_alias = (unsigned int)j + 1;
				break;
			}
		}
	}
}

void kcovdf_val_describe(struct kcovdf_sym *sym, const struct kcovdf_fn *fn,
			 const struct kcovdf_rec *r, int format,
			 struct kcovdf_val *out)
{
	const struct kcovdf_type *t = NULL;
	const struct kcovdf_layout *lay = NULL;
	struct arena *a = &val_arena;

	memset(out, 0, sizeof(*out));
	if (r->kind == KCOVDF_REC_ARG) {
		if (fn && r->argidx < fn->nparams) {
			t = fn->params[r->argidx].type;
			out->name = fn->params[r->argidx].name;
		}
		if (!out->name)
			out->name = arena_printf(a, "arg%u", r->argidx);
	} else if (fn) {
		t = fn->ret;
	}
	out->type = t;
	out->size = r->size;
	out->value = r->value;
	out->optout = !!(r->flags & KCOV_DF_F_OPTOUT);
	out->is_void = !!(r->flags & KCOV_DF_F_VOID);
	out->rec_signed = !!(r->flags & KCOV_DF_F_SIGNED);

	if (format == KCOVDF_FMT_DOC) {
		if (!t || !t->fields) {
			/* Scalar: the value word has all 64 bits, the meta
			 * word only 48. */
			out->value = r->nfields ? r->fields[0] : r->value;
			return;
		}
		out->has_object = 1;
		out->byval = t->kind == KCOVDF_T_STRUCT ||
			     t->kind == KCOVDF_T_UNION;
		out->is_null = !out->byval && r->value == 0;
		out->is_errptr = !out->byval && is_errptr(r->value);
		out->object_name = t->object_name;
		if (out->is_null || out->is_errptr)
			return;
		out->nfields = r->nfields;
		out->fields = arena_alloc(a, (r->nfields + 1) *
					  sizeof(*out->fields));
		for (unsigned int i = 0; i < r->nfields; i++) {
			struct kcovdf_fieldval *fv = &out->fields[i];

			fv->value = r->fields[i];
			fv->unreadable = r->fields[i] == KCOV_DF_BAD_READ;
			if (i < t->nfields) {
				fv->name = t->fields[i].name;
				fv->type = t->fields[i].type;
				fv->flags = t->fields[i].flags;
				fv->offset = t->fields[i].offset;
				fv->bytes = t->fields[i].size;
			} else {
				fv->name = arena_printf(a, "f%u", i);
			}
		}
		out->fields_trunc = t->nfields > r->nfields;
		mark_ptr_aliases(out);
		return;
	}

	if (!(r->flags & KCOV_DF_F_FIELDS))
		return;
	out->has_object = 1;
	out->byval = !!(r->flags & KCOV_DF_F_BYVAL);
	out->is_null = !!(r->flags & KCOV_DF_F_NULL);
	out->is_errptr = !!(r->flags & KCOV_DF_F_ERRPTR);
	out->fields_trunc = !!(r->flags & KCOV_DF_F_TRUNC);
	if (sym)
		lay = kcovdf_sym_layout(sym, r->type_id);
	out->object_name = lay ? lay->name : t ? t->object_name : NULL;
	out->nfields = r->nfields;
	out->fields = arena_alloc(a, (r->nfields + 1) * sizeof(*out->fields));
	for (unsigned int i = 0; i < r->nfields; i++) {
		struct kcovdf_fieldval *fv = &out->fields[i];

		fv->value = r->fields[i];
		fv->unreadable = i < 64 && ((r->unreadable >> i) & 1);
		if (lay && i < lay->nfields) {
			const struct kcov_df_field *lf = &lay->fields[i];
			const struct kcovdf_tfield *x = match_field(t, lf, i);

			fv->flags = lf->flags;
			fv->offset = lf->offset;
			fv->bytes = lf->size;
			if (x) {
				fv->name = x->name;
				fv->type = x->type;
			} else if (lf->bit_size) {
				fv->name = arena_printf(a, "+%u:%u:%u",
							lf->offset,
							lf->bit_offset,
							lf->bit_size);
			} else {
				fv->name = arena_printf(a, "+%u", lf->offset);
			}
		} else if (t && i < t->nfields) {
			fv->name = t->fields[i].name;
			fv->type = t->fields[i].type;
			fv->flags = t->fields[i].flags;
			fv->offset = t->fields[i].offset;
			fv->bytes = t->fields[i].size;
		} else {
			fv->name = arena_printf(a, "f%u", i);
		}
	}
	mark_ptr_aliases(out);
}

static int64_t sext(uint64_t v, unsigned int bits)
{
	if (bits == 0 || bits >= 64)
		return (int64_t)v;
	uint64_t m = 1ULL << (bits - 1);

	v &= (m << 1) - 1;
	return (int64_t)((v ^ m) - m);
}

static const char *enum_name(const struct kcovdf_type *t, int64_t v)
{
	for (size_t i = 0; t && i < t->nenums; i++)
		if (t->enums[i].value == v)
			return t->enums[i].name;
	return NULL;
}

static int one_bit(int64_t v)
{
	return v > 0 && !(v & (v - 1));
}

/*
 * An enum of bit flags (enum { A = 1, B = 2, C = 4, AB = A | B }): at
 * least two one-bit enumerators, no negative one, every other non-zero
 * value made of the one-bit ones, and not a sequence (three or more
 * enumerators, each one more than the one declared before it: enum { A,
 * B, C, D } has one-bit values too).
 */
static int flag_enum(const struct kcovdf_type *t)
{
	uint64_t bits = 0;
	size_t singles = 0;

	for (size_t i = 0; i < t->nenums; i++) {
		int64_t v = t->enums[i].value;

		if (v < 0)
			return 0;
		if (one_bit(v)) {
			bits |= (uint64_t)v;
			singles++;
		}
	}
	if (singles < 2)
		return 0;
	for (size_t i = 0; i < t->nenums; i++)
		if ((uint64_t)t->enums[i].value & ~bits)
			return 0;
	/* enum { A, B, C } and enum { A = 1, B, C }: a sequence. */
	if (t->nenums >= 3) {
		size_t i;

		for (i = 1; i < t->nenums; i++)
			if (t->enums[i].value != t->enums[i - 1].value + 1)
				break;
		if (i == t->nenums)
			return 0;
	}
	return 1;
}

/* "A|C|0x40": the one-bit enumerators of v, then what is left in hex.
 * Returns 0 when t is not a flag enum or v has none of its bits. */
static int enum_flags(struct kcovdf_buf *b, const struct kcovdf_type *t,
		      uint64_t v)
{
	uint64_t left = v;
	int n = 0;

	if (!t || !v || !flag_enum(t))
		return 0;
	for (size_t i = 0; i < t->nenums; i++) {
		uint64_t e = (uint64_t)t->enums[i].value;

		if (one_bit((int64_t)e) && (left & e)) {
			kcovdf_buf_printf(b, "%s%s", n++ ? "|" : "",
					  t->enums[i].name);
			left &= ~e;
		}
	}
	if (!n)
		return 0;
	if (left)
		kcovdf_buf_printf(b, "|0x%" PRIx64, left);
	return 1;
}

/* Does s contain w, ignoring case? */
static int has_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (!strncasecmp(s, w, n))
			return 1;
	return 0;
}

unsigned int kcovdf_fmt_hint(const char *name, const struct kcovdf_type *t)
{
	static const char *const hex_types[] = {
		"gfp_t", "fmode_t", "blk_opf_t", "blk_mode_t", "__poll_t",
		"vm_fault_t", "pgprotval_t", "sigset_t", "cpumask_t",
	};
	static const char *const oct_types[] = {
		"umode_t", "mode_t", "__kernel_mode_t",
	};
	const char *tn, *last;

	if (!t || t->kind != KCOVDF_T_INT || t->is_char)
		return 0;
	tn = t->name ? t->name : "";
	while (!strncmp(tn, "const ", 6) || !strncmp(tn, "volatile ", 9))
		tn = strchr(tn, ' ') + 1;
	for (size_t i = 0; i < sizeof(oct_types) / sizeof(*oct_types); i++)
		if (!strcmp(tn, oct_types[i]))
			return KCOVDF_FMT_OCT;
	for (size_t i = 0; i < sizeof(hex_types) / sizeof(*hex_types); i++)
		if (!strcmp(tn, hex_types[i]))
			return KCOVDF_FMT_HEX;
	if (has_word(tn, "flag"))
		return KCOVDF_FMT_HEX;
	if (!name)
		return 0;
	/* The field's own name: "f_flags" of "a.b.f_flags", "p->mode". */
	last = strrchr(name, '.');
	if (last)
		name = last + 1;
	last = strrchr(name, '>');
	if (last)
		name = last + 1;
	if (has_word(name, "flag") || has_word(name, "mode") ||
	    has_word(name, "mask"))
		return KCOVDF_FMT_HEX;
	return 0;
}

void kcovdf_fmt_scalar(struct kcovdf_buf *b, const struct kcovdf_type *t,
		       uint64_t v, unsigned int size, unsigned int fflags,
		       int json)
{
	int kind = t ? t->kind : KCOVDF_T_UNKNOWN;
	unsigned int bits = (unsigned int)((t && t->size ? t->size : size) * 8);
	int is_signed = t ? t->is_signed : !!(fflags & KCOV_DF_FIELD_SIGNED);

	if (kind == KCOVDF_T_UNKNOWN) {
		if (fflags & KCOV_DF_FIELD_PTR)
			kind = KCOVDF_T_PTR;
		else if (fflags & KCOV_DF_FIELD_BOOL)
			kind = KCOVDF_T_BOOL;
		else if (fflags & KCOV_DF_FIELD_FLOAT)
			kind = KCOVDF_T_FLOAT;
		else if (fflags & (KCOV_DF_FIELD_ARRAY | KCOV_DF_FIELD_WIDE))
			kind = KCOVDF_T_ARRAY;
		else if (fflags & KCOV_DF_FIELD_ENUM)
			kind = KCOVDF_T_ENUM;
		else if (size)
			kind = KCOVDF_T_INT;
	}
	switch (kind) {
	case KCOVDF_T_BOOL:
		kcovdf_buf_printf(b, json ? "%s" : "%s", v ? "true" : "false");
		return;
	case KCOVDF_T_FLOAT: {
		double d;

		if (bits == 32) {
			uint32_t u = (uint32_t)v;
			float f;

			memcpy(&f, &u, sizeof(f));
			d = f;
		} else {
			memcpy(&d, &v, sizeof(d));
		}
		if (json && !isfinite(d))
			kcovdf_buf_printf(b, "null");	/* JSON has no NaN, inf */
		else
			kcovdf_buf_printf(b, "%.17g", d);
		return;
	}
	case KCOVDF_T_PTR:
		if (json) {
			kcovdf_buf_printf(b, "%" PRIu64, v);
		} else if (v == 0) {
			kcovdf_buf_printf(b, "NULL");
		} else if (is_errptr(v)) {
			const char *e = neg_errno_name((int64_t)v);

			kcovdf_buf_printf(b, "ERR_PTR(-%s)", e ? e : "?");
		} else {
			kcovdf_buf_printf(b, "0x%" PRIx64, v);
		}
		return;
	case KCOVDF_T_ENUM: {
		int64_t sv = is_signed ? sext(v, bits) : (int64_t)v;
		const char *n = enum_name(t, sv);

		if (json || !n) {
			if (!json && sv > 0 && enum_flags(b, t, (uint64_t)sv))
				return;
			kcovdf_buf_printf(b, "%" PRId64, sv);
		} else {
			kcovdf_buf_printf(b, "%s", n);
		}
		return;
	}
	case KCOVDF_T_ARRAY:
		if (!json && t && t->target && t->target->size &&
		    t->target->size <= 8 && t->target->kind == KCOVDF_T_INT) {
			unsigned int es = (unsigned int)t->target->size;
			uint64_t total = t->size ? t->size : 8;
			unsigned int shown = (unsigned int)((total < 8 ? total : 8) / es);

			if (t->target->is_char) {
				kcovdf_buf_printf(b, "\"");
				for (unsigned int i = 0; i < shown; i++) {
					unsigned char ch = (unsigned char)(v >> (8 * i));

					if (!ch)
						break;
					if (ch >= 32 && ch < 127 && ch != '"' &&
					    ch != '\\')
						kcovdf_buf_printf(b, "%c", ch);
					else
						kcovdf_buf_printf(b, "\\x%02x", ch);
				}
				kcovdf_buf_printf(b, "\"%s", total > 8 ? "..." : "");
				return;
			}
			kcovdf_buf_printf(b, "{");
			for (unsigned int i = 0; i < shown; i++) {
				uint64_t e = es == 8 ? v : (v >> (8 * es * i)) &
					     ((1ULL << (8 * es)) - 1);

				kcovdf_buf_printf(b, "%s", i ? ", " : "");
				kcovdf_fmt_scalar(b, t->target, e, es, 0, 0);
			}
			kcovdf_buf_printf(b, "%s}", total / es > shown ? ", ..." : "");
			return;
		}
		/* fallthrough */
	case KCOVDF_T_STRUCT:
	case KCOVDF_T_UNION:
		if (json)
			kcovdf_buf_printf(b, "%" PRIu64, v);
		else
			kcovdf_buf_printf(b, "0x%0*" PRIx64,
					  (int)(2 * (size ? size : 8)), v);
		return;
	case KCOVDF_T_INT:
		if (!json && (fflags & (KCOVDF_FMT_HEX | KCOVDF_FMT_OCT))) {
			/* Flags and modes: the bits, at the type's width;
			 * 0 to 7 read the same in every base. */
			if (bits < 64)
				v &= (1ULL << bits) - 1;
			if (v < 8)
				kcovdf_buf_printf(b, "%" PRIu64, v);
			else if (fflags & KCOVDF_FMT_OCT)
				kcovdf_buf_printf(b, "0%" PRIo64, v);
			else
				kcovdf_buf_printf(b, "0x%" PRIx64, v);
			return;
		}
		if (is_signed) {
			int64_t sv = sext(v, bits);

			kcovdf_buf_printf(b, "%" PRId64, sv);
			if (!json && t && t->is_char && sv >= 32 && sv < 127)
				kcovdf_buf_printf(b, " '%c'", (int)sv);
			return;
		}
		if (bits < 64)
			v &= (1ULL << bits) - 1;
		if (json || v <= 0xffffffffULL)
			kcovdf_buf_printf(b, "%" PRIu64, v);
		else
			kcovdf_buf_printf(b, "0x%" PRIx64, v);
		if (!json && t && t->is_char && v >= 32 && v < 127)
			kcovdf_buf_printf(b, " '%c'", (int)v);
		return;
	default:
		kcovdf_buf_printf(b, json ? "%" PRIu64 : "0x%" PRIx64, v);
	}
}

/* Extra JSON keys that explain a scalar: enum constant, error code. */
static void json_explain(struct kcovdf_buf *b, const struct kcovdf_type *t,
			 uint64_t v, int is_ret)
{
	if (!t)
		return;
	if (t->kind == KCOVDF_T_ENUM) {
		int64_t sv = t->is_signed ? sext(v, (unsigned int)t->size * 8)
					  : (int64_t)v;
		const char *n = enum_name(t, sv);
		struct kcovdf_buf fl = { 0 };

		if (n) {
			kcovdf_buf_printf(b, ",\"enum\":");
			kcovdf_json_str(b, n);
		} else if (sv > 0 && enum_flags(&fl, t, (uint64_t)sv)) {
			kcovdf_buf_printf(b, ",\"enum_flags\":");
			kcovdf_json_str(b, fl.s);
		}
		kcovdf_buf_free(&fl);
	}
	if (errno_names && is_ret && t->kind == KCOVDF_T_INT && t->is_signed) {
		int64_t sv = sext(v, (unsigned int)t->size * 8);
		const char *e = neg_errno_name(sv);

		if (e) {
			kcovdf_buf_printf(b, ",\"errno\":");
			kcovdf_json_str(b, e);
		}
	}
	if (t->kind == KCOVDF_T_PTR && is_errptr(v) && v) {
		kcovdf_buf_printf(b, ",\"err_ptr\":%" PRId64, (int64_t)v);
	}
}

static void fmt_fields(struct kcovdf_buf *b, const struct kcovdf_val *v,
		       int json)
{
	for (size_t i = 0; i < v->nfields; i++) {
		const struct kcovdf_fieldval *f = &v->fields[i];

		if (json) {
			kcovdf_buf_printf(b, "%s{\"name\":", i ? "," : "");
			kcovdf_json_str(b, f->name);
			if (f->unreadable) {
				kcovdf_buf_printf(b, ",\"value\":null,"
						  "\"unreadable\":true}");
				continue;
			}
			kcovdf_buf_printf(b, ",\"value\":");
			kcovdf_fmt_scalar(b, f->type, f->value, 0, f->flags, 1);
			json_explain(b, f->type, f->value, 0);
			kcovdf_buf_printf(b, "}");
		} else {
			kcovdf_buf_printf(b, "%s%s=", i ? ", " : "", f->name);
			if (f->unreadable)
				kcovdf_buf_printf(b, "<unreadable>");
			else
				kcovdf_fmt_scalar(b, f->type, f->value, 0,
						  f->flags |
						  kcovdf_fmt_hint(f->name,
								  f->type), 0);
		}
	}
}

static void text_scalar(struct kcovdf_buf *b, const struct kcovdf_val *v,
			int is_ret)
{
	const struct kcovdf_type *t = v->type;

	/* Without DWARF the record's SIGNED flag and size say as much. */
	if (errno_names && is_ret &&
	    ((t && t->kind == KCOVDF_T_INT && t->is_signed) ||
	     (!t && v->rec_signed && v->size && v->size <= 8))) {
		int64_t sv = sext(v->value,
				  (unsigned int)(t ? t->size : v->size) * 8);
		const char *e = neg_errno_name(sv);

		if (e) {
			kcovdf_buf_printf(b, "-%s", e);
			return;
		}
	}
	kcovdf_fmt_scalar(b, t, v->value, v->size,
			  (v->rec_signed ? KCOV_DF_FIELD_SIGNED : 0) |
			  kcovdf_fmt_hint(v->name, t), 0);
}

void kcovdf_fmt_val(struct kcovdf_buf *b, const struct kcovdf_val *v, int json)
{
	int is_ret = v->name == NULL;

	if (json) {
		if (v->optout || v->is_void) {
			kcovdf_buf_printf(b, "null");
			return;
		}
		if (v->has_object && v->byval) {
			kcovdf_buf_printf(b, "null");
			return;
		}
		kcovdf_fmt_scalar(b, v->type, v->value, v->size,
				  v->type ? 0 : v->has_object ?
				  KCOV_DF_FIELD_PTR : v->rec_signed ?
				  KCOV_DF_FIELD_SIGNED : 0, 1);
		return;
	}
	if (v->optout) {
		kcovdf_buf_printf(b, "<optimized out>");
		return;
	}
	if (v->is_void)
		return;
	if (!v->has_object) {
		text_scalar(b, v, is_ret);
		return;
	}
	if (v->is_null) {
		kcovdf_buf_printf(b, "NULL");
		return;
	}
	if (v->is_errptr) {
		const char *e = neg_errno_name((int64_t)v->value);

		kcovdf_buf_printf(b, "ERR_PTR(-%s)", e ? e : "?");
		return;
	}
	if (!v->byval)
		kcovdf_buf_printf(b, "0x%" PRIx64 " ", v->value);
	kcovdf_buf_printf(b, "{");
	fmt_fields(b, v, 0);
	if (v->fields_trunc)
		kcovdf_buf_printf(b, "%s...", v->nfields ? ", " : "");
	if (v->note)
		kcovdf_buf_printf(b, "%s%s", v->nfields ? " " : "", v->note);
	kcovdf_buf_printf(b, "}");
}

/* JSON for one argument or return: the value plus its fields. */
void kcovdf_fmt_val_json_extra(struct kcovdf_buf *b, const struct kcovdf_val *v)
{
	int is_ret = v->name == NULL;

	if (v->optout)
		kcovdf_buf_printf(b, ",\"optimized_out\":true");
	if (!v->has_object) {
		if (!v->optout && !v->is_void)
			json_explain(b, v->type, v->value, is_ret);
		return;
	}
	if (v->object_name) {
		kcovdf_buf_printf(b, ",\"object\":");
		kcovdf_json_str(b, v->object_name);
	}
	if (v->byval)
		kcovdf_buf_printf(b, ",\"by_value\":true");
	if (v->is_null)
		kcovdf_buf_printf(b, ",\"null\":true");
	if (v->is_errptr) {
		const char *e = neg_errno_name((int64_t)v->value);

		kcovdf_buf_printf(b, ",\"err_ptr\":%" PRId64, (int64_t)v->value);
		if (e) {
			kcovdf_buf_printf(b, ",\"errno\":");
			kcovdf_json_str(b, e);
		}
	}
	if (v->is_null || v->is_errptr)
		return;
	kcovdf_buf_printf(b, ",\"fields\":[");
	fmt_fields(b, v, 1);
	kcovdf_buf_printf(b, "]");
	if (v->fields_trunc)
		kcovdf_buf_printf(b, ",\"truncated\":true");
}
