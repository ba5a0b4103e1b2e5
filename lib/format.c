// SPDX-License-Identifier: GPL-2.0
/*
 * Values: a record plus the function's DWARF becomes named, typed values;
 * values become text ("f(a=1, p=0x... {x=2, y=3}) = 5") or JSON.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kcovdf_int.h"

struct kcovdf_fmt *kcovdf_fmt_new(void)
{
	return calloc(1, sizeof(struct kcovdf_fmt));
}

void kcovdf_fmt_free(struct kcovdf_fmt *f)
{
	if (!f)
		return;
	arena_free(&f->items);
	arena_free(&f->vals);
	free(f);
}

void kcovdf_fmt_errno_names(struct kcovdf_fmt *f, int on)
{
	f->errno_names = on;
}

void kcovdf_val_reset(struct kcovdf_fmt *f)
{
	arena_free(&f->vals);
}

/* Memory ran out while b was written: the error stays, s is a string. */
static void buf_fail(struct kcovdf_buf *b)
{
	if (!b->cap) {
		b->none[0] = 0;
		b->s = b->none;
		b->len = 0;
	}
	b->err = ENOMEM;
	errno = ENOMEM;
}

int kcovdf_buf_printf(struct kcovdf_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return -1;
	for (;;) {
		size_t room = b->cap - b->len;
		char *ns;

		va_start(ap, fmt);
		n = vsnprintf(b->cap ? b->s + b->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return 0;
		}
		size_t nc = b->cap ? b->cap * 2 : 256;

		while (nc - b->len <= (size_t)n)
			nc *= 2;
		ns = realloc(b->cap ? b->s : NULL, nc);
		if (!ns) {
			buf_fail(b);
			return -1;
		}
		if (!b->cap)
			ns[0] = 0;
		b->s = ns;
		b->cap = nc;
	}
}

void kcovdf_buf_free(struct kcovdf_buf *b)
{
	if (b->cap)
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

/* A scalar wider than 64 bits (recorded WIDE as an argument or return). */
static int wide_type(const struct kcovdf_type *t)
{
	return t && t->size > 8 &&
	       (t->kind == KCOVDF_T_INT || t->kind == KCOVDF_T_ENUM ||
		t->kind == KCOVDF_T_FLOAT ||
		(t->kind == KCOVDF_T_ARRAY && t->is_vector));
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

/* out's fields for r's values: nfields + 1 zeroed entries. */
static int fields_new(struct arena *a, const struct kcovdf_rec *r,
		      struct kcovdf_val *out)
{
	out->nfields = r->nfields;
	out->fields = arena_alloc(a, (r->nfields + 1) * sizeof(*out->fields));
	return out->fields ? 0 : -1;
}

/* Field i of an object of type t (NULL: unknown) named and typed by t's
 * debug info, or "fN" where t has no field i. */
static int field_from_type(struct arena *a, const struct kcovdf_type *t,
			   unsigned int i, struct kcovdf_fieldval *fv)
{
	if (t && i < t->nfields) {
		fv->name = t->fields[i].name;
		fv->type = t->fields[i].type;
		fv->flags = t->fields[i].flags;
		fv->offset = t->fields[i].offset;
		fv->bytes = t->fields[i].size;
		return 0;
	}
	fv->name = arena_printf(a, "f%u", i);
	return fv->name ? 0 : -1;
}

int kcovdf_val_describe(struct kcovdf_fmt *f, struct kcovdf_sym *sym,
			const struct kcovdf_fn *fn, const struct kcovdf_rec *r,
			int format, struct kcovdf_val *out)
{
	const struct kcovdf_type *t = NULL;
	const struct kcovdf_layout *lay = NULL;
	struct arena *a = &f->vals;

	memset(out, 0, sizeof(*out));
	out->errno_names = f->errno_names;
	if (r->kind == KCOVDF_REC_ARG) {
		if (fn && r->argidx < fn->nparams) {
			t = fn->params[r->argidx].type;
			out->name = fn->params[r->argidx].name;
		}
		if (!out->name &&
		    !(out->name = arena_printf(a, "arg%u", r->argidx)))
			return -1;
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
		if (wide_type(t) && r->nfields) {
			/* Wider than 64 bits: its bytes are the values. */
			out->wide = r->fields;
			out->wide_words = r->nfields;
			out->wide_trunc = (uint64_t)r->nfields * 8 < t->size;
			return 0;
		}
		if (!t || !t->fields) {
			/* Scalar: the value word has all 64 bits, the meta
			 * word only 48. */
			out->value = r->nfields ? r->fields[0] : r->value;
			return 0;
		}
		out->has_object = 1;
		out->byval = t->kind == KCOVDF_T_STRUCT ||
			     t->kind == KCOVDF_T_UNION;
		out->is_null = !out->byval && r->value == 0;
		out->is_errptr = !out->byval && is_errptr(r->value);
		out->object_name = t->object_name;
		if (out->is_null || out->is_errptr)
			return 0;
		/* A writer of the documented format records the pointer
		 * alone (N = 1) for an object the function does not read
		 * (NOTREAD): one value equal to the pointer, for a type with
		 * more than one field, is never that type's fields. */
		if (!out->byval && r->nfields == 1 && t->nfields > 1 &&
		    (r->fields[0] & 0xffffffffffffULL) ==
		    (r->value & 0xffffffffffffULL)) {
			out->has_object = 0;
			out->not_read = 1;
			out->value = r->fields[0];
			return 0;
		}
		if (fields_new(a, r, out))
			return -1;
		for (unsigned int i = 0; i < r->nfields; i++) {
			struct kcovdf_fieldval *fv = &out->fields[i];

			fv->value = r->fields[i];
			fv->unreadable = r->fields[i] == KCOV_DF_BAD_READ;
			if (field_from_type(a, t, i, fv))
				return -1;
		}
		out->fields_trunc = t->nfields > r->nfields;
		mark_ptr_aliases(out);
		return 0;
	}

	out->not_read = !!(r->flags & KCOV_DF_F_NOTREAD);
	if ((r->flags & KCOV_DF_F_STRING) &&
	    !(r->flags & (KCOV_DF_F_NULL | KCOV_DF_F_ERRPTR))) {
		out->is_string = 1;
		out->str = r->str;
		out->str_len = r->str_len;
		out->str_trunc = !!(r->flags & KCOV_DF_F_TRUNC);
		out->str_fault = !!(r->flags & KCOV_DF_F_FAULT);
		return 0;
	}
	if (r->flags & KCOV_DF_F_WIDE) {
		out->wide = r->wide;
		out->wide_words = r->wide_words;
		out->wide_trunc = !!(r->flags & KCOV_DF_F_TRUNC);
		out->wide_fault = !!(r->flags & KCOV_DF_F_FAULT);
		return 0;
	}
	if (!(r->flags & KCOV_DF_F_FIELDS))
		return 0;
	out->has_object = 1;
	out->byval = !!(r->flags & KCOV_DF_F_BYVAL);
	out->is_null = !!(r->flags & KCOV_DF_F_NULL);
	out->is_errptr = !!(r->flags & KCOV_DF_F_ERRPTR);
	out->fields_trunc = !!(r->flags & KCOV_DF_F_TRUNC);
	if (sym)
		lay = kcovdf_sym_layout(sym, r->type_id);
	out->object_name = lay ? lay->name : t ? t->object_name : NULL;
	if (fields_new(a, r, out))
		return -1;
	for (unsigned int i = 0; i < r->nfields; i++) {
		struct kcovdf_fieldval *fv = &out->fields[i];

		fv->value = r->fields[i];
		fv->unreadable = i < 64 && ((r->unreadable >> i) & 1);
		if (lay && i < lay->nfields) {
			const struct kcov_df_field *lf = &lay->fields[i];
			const struct kcovdf_tfield *x = match_field(t, lf, i);

			fv->flags = lf->flags;
			fv->optout = fv->unreadable &&
				     (lf->flags & KCOV_DF_FIELD_OPTOUT);
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
				if (!fv->name)
					return -1;
			} else {
				fv->name = arena_printf(a, "+%u", lf->offset);
				if (!fv->name)
					return -1;
			}
		} else if (field_from_type(a, t, i, fv)) {
			return -1;
		}
	}
	mark_ptr_aliases(out);
	return 0;
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

/* ------------------------------------------------------------------ */
/* Values wider than 64 bits                                           */
/* ------------------------------------------------------------------ */

int kcovdf_float_fmt(const char *name, uint64_t size)
{
	if (size == 2)
		return name && strstr(name, "bf16") ? KCOVDF_FLT_BF16
						    : KCOVDF_FLT_HALF;
	if (size == 16 && name && strstr(name, "128"))
		return KCOVDF_FLT_QUAD;
	if (size == 10 || size == 12 || size == 16)
		return KCOVDF_FLT_X87;
	return KCOVDF_FLT_IEEE;
}

/* Byte i of little-endian words w[0..nw-1] (0 past the end). */
static unsigned int wbyte(const uint64_t *w, unsigned int nw, unsigned int i)
{
	return i / 8 < nw ? (unsigned int)(w[i / 8] >> (8 * (i % 8))) & 0xff : 0;
}

/*
 * Natural numbers in base 10^9 (little-endian limbs), enough for the exact
 * decimal digits of any x87 or binary128 value: 5^16494 * 2^113 has
 * fewer than 11,600 digits.
 */
#define BIG_BASE 1000000000u
#define BIG_LIMBS 1300

struct big {
	uint32_t d[BIG_LIMBS];
	unsigned int n;
};

static void big_mul_small(struct big *a, uint32_t m)
{
	uint64_t carry = 0;

	for (unsigned int i = 0; i < a->n; i++) {
		uint64_t x = (uint64_t)a->d[i] * m + carry;

		a->d[i] = (uint32_t)(x % BIG_BASE);
		carry = x / BIG_BASE;
	}
	while (carry && a->n < BIG_LIMBS) {
		a->d[a->n++] = (uint32_t)(carry % BIG_BASE);
		carry /= BIG_BASE;
	}
}

static void big_add_small(struct big *a, uint32_t v)
{
	uint64_t carry = v;

	for (unsigned int i = 0; carry && i < BIG_LIMBS; i++) {
		if (i == a->n)
			a->d[a->n++] = 0;
		carry += a->d[i];
		a->d[i] = (uint32_t)(carry % BIG_BASE);
		carry /= BIG_BASE;
	}
}

/* a = the little-endian bytes le[0..n-1] */
static void big_from_bytes(struct big *a, const unsigned char *le,
			   unsigned int n)
{
	a->n = 0;
	for (unsigned int i = n; i-- > 0;) {
		big_mul_small(a, 256);
		big_add_small(a, le[i]);
	}
}

/* a *= base^e, base 2 or 5 */
static void big_pow(struct big *a, unsigned int base, unsigned int e)
{
	unsigned int step = base == 2 ? 29 : 13;
	uint32_t chunk = 1;

	for (unsigned int i = 0; i < step; i++)
		chunk *= base;
	for (; e >= step; e -= step)
		big_mul_small(a, chunk);
	chunk = 1;
	while (e--)
		chunk *= base;
	big_mul_small(a, chunk);
}

/* The decimal digits of a (no leading zeros, "0" for zero); returns their
 * number. out holds at least 9 * a->n + 1 bytes. */
static int big_digits(const struct big *a, char *out)
{
	int n = 0;

	if (a->n == 0) {
		out[0] = '0';
		out[1] = 0;
		return 1;
	}
	n = sprintf(out, "%u", a->d[a->n - 1]);
	for (unsigned int i = a->n - 1; i-- > 0;)
		n += sprintf(out + n, "%09u", a->d[i]);
	return n;
}

static int nonzero_bytes(const unsigned char *p, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (p[i])
			return 1;
	return 0;
}

/*
 * Print (-1)^neg * M * 2^e2 exactly rounded to prec significant digits, in
 * the style of printf's %g (what gdb prints for long double with prec 21):
 * M is given as little-endian bytes.
 */
static void fmt_binfloat(struct kcovdf_buf *b, int neg, const unsigned char *m,
			 unsigned int mlen, int e2, int prec)
{
	char dg[BIG_LIMBS * 9 + 16];
	struct big big, *a = &big;	/* 5 KiB: no allocation to fail */
	int nd, e10, x, i;

	big_from_bytes(a, m, mlen);
	if (a->n == 0) {
		kcovdf_buf_printf(b, "%s0", neg ? "-" : "");
		return;
	}
	if (e2 >= 0) {
		big_pow(a, 2, (unsigned int)e2);
		e10 = 0;
	} else {
		big_pow(a, 5, (unsigned int)-e2);	/* M/2^k = M*5^k/10^k */
		e10 = e2;
	}
	nd = big_digits(a, dg);
	if (nd > prec) {
		/* Round half to even on the exact digits. */
		int up = dg[prec] > '5';

		if (dg[prec] == '5') {
			up = (dg[prec - 1] - '0') % 2;
			for (i = prec + 1; i < nd && !up; i++)
				up = dg[i] != '0';
		}
		e10 += nd - prec;
		nd = prec;
		for (i = nd - 1; up && i >= 0; i--) {
			if (dg[i] == '9') {
				dg[i] = '0';
			} else {
				dg[i]++;
				up = 0;
			}
		}
		if (up) {		/* 999... became 000...: 1000... */
			dg[0] = '1';
			e10++;
		}
	}
	while (nd > 1 && dg[nd - 1] == '0') {
		nd--;
		e10++;
	}
	x = nd - 1 + e10;	/* decimal exponent of the first digit */
	if (neg)
		kcovdf_buf_printf(b, "-");
	if (x < -4 || x >= prec) {
		kcovdf_buf_printf(b, "%c", dg[0]);
		if (nd > 1)
			kcovdf_buf_printf(b, ".%.*s", nd - 1, dg + 1);
		kcovdf_buf_printf(b, "e%c%02d", x < 0 ? '-' : '+',
				  x < 0 ? -x : x);
	} else if (x >= 0) {
		if (nd <= x + 1) {
			kcovdf_buf_printf(b, "%.*s", nd, dg);
			for (i = nd; i <= x; i++)
				kcovdf_buf_printf(b, "0");
		} else {
			kcovdf_buf_printf(b, "%.*s.%.*s", x + 1, dg,
					  nd - x - 1, dg + x + 1);
		}
	} else {
		kcovdf_buf_printf(b, "0.");
		for (i = 0; i < -x - 1; i++)
			kcovdf_buf_printf(b, "0");
		kcovdf_buf_printf(b, "%.*s", nd, dg);
	}
}

/*
 * One floating-point value of size bytes (x87, binary128, binary16,
 * bfloat16, binary32, binary64) from little-endian bytes. JSON: a number,
 * or null when not finite. Returns 0, or -1 for a size no format has.
 */
static int fmt_float_bytes(struct kcovdf_buf *b, const unsigned char *p,
			   unsigned int size, int fmt, int json)
{
	unsigned char m[16];
	unsigned int sexp, exp, neg, i;
	int e2;

	memset(m, 0, sizeof(m));
	if (fmt == KCOVDF_FLT_X87 && size >= 10) {
		/* 64-bit mantissa with its explicit integer bit, then sign
		 * and a 15-bit exponent (bias 16383). */
		sexp = p[8] | (unsigned int)p[9] << 8;
		neg = sexp >> 15;
		exp = sexp & 0x7fff;
		memcpy(m, p, 8);
		if (exp == 0x7fff) {
			int nan = (m[7] & 0x7f) || nonzero_bytes(m, 7);

			kcovdf_buf_printf(b, "%s", json ? "null" : nan ? "nan" :
					  neg ? "-inf" : "inf");
			return 0;
		}
		e2 = (exp ? (int)exp : 1) - 16383 - 63;
		fmt_binfloat(b, (int)neg, m, 8, e2, 21);
		return 0;
	}
	if (fmt == KCOVDF_FLT_QUAD && size == 16) {
		/* 112-bit fraction, 15-bit exponent (bias 16383), sign. */
		sexp = p[14] | (unsigned int)p[15] << 8;
		neg = sexp >> 15;
		exp = sexp & 0x7fff;
		memcpy(m, p, 14);
		if (exp == 0x7fff) {
			int nan = nonzero_bytes(m, 14);

			kcovdf_buf_printf(b, "%s", json ? "null" : nan ? "nan" :
					  neg ? "-inf" : "inf");
			return 0;
		}
		if (exp)
			m[14] = 1;	/* the implicit bit, 2^112 */
		e2 = (exp ? (int)exp : 1) - 16383 - 112;
		fmt_binfloat(b, (int)neg, m, 15, e2, 36);
		return 0;
	}
	if (size == 2 && (fmt == KCOVDF_FLT_HALF || fmt == KCOVDF_FLT_BF16)) {
		unsigned int h = p[0] | (unsigned int)p[1] << 8;
		unsigned int eb = fmt == KCOVDF_FLT_HALF ? 5 : 8;
		unsigned int fb = 15 - eb, bias = (1u << (eb - 1)) - 1;
		unsigned int f = h & ((1u << fb) - 1);
		double d;

		neg = h >> 15;
		exp = (h >> fb) & ((1u << eb) - 1);
		if (exp == (1u << eb) - 1) {
			kcovdf_buf_printf(b, "%s", json ? "null" : f ? "nan" :
					  neg ? "-inf" : "inf");
			return 0;
		}
		d = exp ? ldexp(1.0 + (double)f / (1u << fb), (int)exp - (int)bias)
			: ldexp((double)f / (1u << fb), 1 - (int)bias);
		kcovdf_buf_printf(b, "%.17g", neg ? -d : d);
		return 0;
	}
	if (size == 4 || size == 8) {
		uint64_t v = 0;

		for (i = 0; i < size; i++)
			v |= (uint64_t)p[i] << (8 * i);
		if (size == 4) {
			uint32_t u = (uint32_t)v;
			float f;

			memcpy(&f, &u, sizeof(f));
			if (json && !isfinite(f))
				kcovdf_buf_printf(b, "null");
			else
				kcovdf_buf_printf(b, "%.17g", (double)f);
		} else {
			double d;

			memcpy(&d, &v, sizeof(d));
			if (json && !isfinite(d))
				kcovdf_buf_printf(b, "null");
			else
				kcovdf_buf_printf(b, "%.17g", d);
		}
		return 0;
	}
	return -1;
}

/* The elements of a vector of elt (a scalar of at most 8 bytes) in the
 * n bytes at p, separated by sep. */
static void fmt_elements(struct kcovdf_buf *b, const struct kcovdf_type *elt,
			 const unsigned char *p, unsigned int n,
			 const char *sep, int json)
{
	unsigned int es = (unsigned int)elt->size;

	for (unsigned int i = 0; i + es <= n; i += es) {
		uint64_t e = 0;

		for (unsigned int k = 0; k < es; k++)
			e |= (uint64_t)p[i + k] << (8 * k);
		kcovdf_buf_printf(b, "%s", i ? sep : "");
		kcovdf_fmt_scalar(b, elt, e, es, 0, json);
	}
}

/* A complex number "re + imi" (gdb's style) of two parts of part bytes. */
static int fmt_complex(struct kcovdf_buf *b, const unsigned char *p,
		       unsigned int part, int fmt)
{
	struct kcovdf_buf re = { 0 }, im = { 0 };
	int rc = fmt_float_bytes(&re, p, part, fmt, 0);

	if (rc == 0)
		rc = fmt_float_bytes(&im, p + part, part, fmt, 0);
	if (re.err || im.err) {
		buf_fail(b);	/* the parts are incomplete */
	} else if (rc == 0) {
		if (im.s[0] == '-')
			kcovdf_buf_printf(b, "%s - %si", re.s, im.s + 1);
		else
			kcovdf_buf_printf(b, "%s + %si", re.s, im.s);
	}
	kcovdf_buf_free(&re);
	kcovdf_buf_free(&im);
	return rc;
}

/* An integer of n little-endian bytes, in decimal. */
static void fmt_int_bytes(struct kcovdf_buf *b, const unsigned char *p,
			  unsigned int n, int is_signed)
{
	unsigned char m[KCOV_DF_WIDE_MAX_EXTRA * 8 + 8];
	char dg[(KCOV_DF_WIDE_MAX_EXTRA * 8 + 8) * 3 + 16];
	struct big big, *a = &big;
	int neg = is_signed && n && (p[n - 1] & 0x80);
	unsigned int carry = 1;

	if (n > sizeof(m))
		n = sizeof(m);
	for (unsigned int i = 0; i < n; i++) {
		m[i] = p[i];
		if (neg) {	/* two's complement: invert, add 1 */
			carry += (unsigned char)~p[i];
			m[i] = (unsigned char)carry;
			carry >>= 8;
		}
	}
	big_from_bytes(a, m, n);
	big_digits(a, dg);
	kcovdf_buf_printf(b, "%s%s", neg ? "-" : "", dg);
}

/*
 * A value wider than 64 bits from its bytes (w: nw words). What is known
 * is printed whole; what is not says so. JSON prints the "value" here and
 * the other keys in wide_json_extra().
 */
static void fmt_wide(struct kcovdf_buf *b, const struct kcovdf_type *t,
		     const uint64_t *w, unsigned int nw, unsigned int size,
		     int is_signed, int trunc, int json)
{
	unsigned char p[KCOV_DF_WIDE_MAX_EXTRA * 8 + 8];
	unsigned int have = nw * 8, n;

	if (have > sizeof(p))
		have = sizeof(p);
	for (unsigned int i = 0; i < have; i++)
		p[i] = (unsigned char)wbyte(w, nw, i);
	if (t && t->size)
		size = (unsigned int)t->size;
	n = size < have ? size : have;
	if (t && t->kind == KCOVDF_T_FLOAT && !trunc) {
		unsigned int part = t->is_complex ? size / 2 : size;

		if (t->is_complex) {
			if (json) {
				kcovdf_buf_printf(b, "null");
				return;
			}
			if (fmt_complex(b, p, part, t->float_fmt) == 0)
				return;
		} else if (fmt_float_bytes(b, p, part, t->float_fmt,
					   json) == 0) {
			return;
		}
	}
	if (t && t->kind == KCOVDF_T_ARRAY && t->is_vector && t->target &&
	    t->target->size && t->target->size <= 8) {
		if (json) {
			kcovdf_buf_printf(b, "null");
			return;
		}
		kcovdf_buf_printf(b, "{");
		fmt_elements(b, t->target, p, n, ", ", 0);
		kcovdf_buf_printf(b, "%s}", trunc ? ", ..." : "");
		return;
	}
	if (t && (t->kind == KCOVDF_T_INT || t->kind == KCOVDF_T_ENUM) &&
	    !trunc) {
		fmt_int_bytes(b, p, n, t->is_signed);
		return;
	}
	/* No type to go by (no DWARF), or cut: the bytes, most significant
	 * first, and how many are missing. */
	if (json) {
		kcovdf_buf_printf(b, "null");
		return;
	}
	kcovdf_buf_printf(b, "0x");
	for (unsigned int i = n; i-- > 0;)
		kcovdf_buf_printf(b, "%02x", p[i]);
	if (trunc)
		kcovdf_buf_printf(b, " <first %u of %u bytes>", n, size);
	(void)is_signed;
}

/* The JSON keys of a wide value besides "value". */
static void wide_json_extra(struct kcovdf_buf *b, const struct kcovdf_type *t,
			    const uint64_t *w, unsigned int nw, int trunc)
{
	unsigned char p[KCOV_DF_WIDE_MAX_EXTRA * 8 + 8];
	unsigned int have = nw * 8;

	if (have > sizeof(p))
		have = sizeof(p);
	for (unsigned int i = 0; i < have; i++)
		p[i] = (unsigned char)wbyte(w, nw, i);
	if (trunc)
		kcovdf_buf_printf(b, ",\"truncated\":true");
	if (!t || trunc)
		return;
	if (t->kind == KCOVDF_T_FLOAT && t->is_complex &&
	    t->size / 2 <= have) {
		unsigned int part = (unsigned int)t->size / 2;

		kcovdf_buf_printf(b, ",\"real\":");
		fmt_float_bytes(b, p, part, t->float_fmt, 1);
		kcovdf_buf_printf(b, ",\"imag\":");
		fmt_float_bytes(b, p + part, part, t->float_fmt, 1);
	}
	if (t->kind == KCOVDF_T_ARRAY && t->is_vector && t->target &&
	    t->target->size && t->target->size <= 8) {
		unsigned int n = t->size < have ? (unsigned int)t->size : have;

		kcovdf_buf_printf(b, ",\"elements\":[");
		fmt_elements(b, t->target, p, n, ",", 1);
		kcovdf_buf_printf(b, "]");
	}
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
	size_t n;

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
	/*
	 * A command ("cmd", "foo_cmd"): ioctl handlers take `unsigned int
	 * cmd`, made by _IOC() of direction, size, type and number, which
	 * read in hex (0x40046205 is _IOW('b', 5, __u32)); so do binder's
	 * BC_ and BR_ codes and the other fields named so.
	 */
	n = strlen(name);
	if (!strcasecmp(name, "cmd") ||
	    (n > 4 && !strcasecmp(name + n - 4, "_cmd")))
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

	if (wide_type(t)) {
		/* Only the first 8 bytes of a wider value (a field: layouts
		 * read at most 8): never a number made of part of it. */
		if (json)
			kcovdf_buf_printf(b, "null");
		else
			kcovdf_buf_printf(b, "<%s: first 8 of %u bytes: "
					  "0x%016" PRIx64 ">",
					  t->name ? t->name : "?",
					  (unsigned int)t->size, v);
		return;
	}
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

		if (t && (t->is_complex || t->float_fmt == KCOVDF_FLT_HALF ||
			  t->float_fmt == KCOVDF_FLT_BF16)) {
			/* _Complex float (two binary32), _Float16, __bf16 */
			unsigned char p[8];
			unsigned int n = (unsigned int)(t->size ? t->size : 8);

			for (unsigned int i = 0; i < 8; i++)
				p[i] = (unsigned char)(v >> (8 * i));
			if (!t->is_complex) {
				fmt_float_bytes(b, p, n, t->float_fmt, json);
				return;
			}
			if (json) {
				kcovdf_buf_printf(b, "null");
				return;
			}
			fmt_complex(b, p, n / 2, t->float_fmt);
			return;
		}
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
		/* The bytes of a small struct or union (a spinlock_t), as
		 * many digits as it has bytes: a 4-byte lock shows 8 digits,
		 * not 16 that would suggest its neighbour was read too. */
		if (!size)
			size = t && t->size && t->size <= 8 ?
			       (unsigned int)t->size : 8;
		if (json)
			kcovdf_buf_printf(b, "%" PRIu64, v);
		else
			kcovdf_buf_printf(b, "0x%0*" PRIx64, (int)(2 * size), v);
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
			 uint64_t v, int is_ret, int errno_names)
{
	if (!t)
		return;
	if (t->kind == KCOVDF_T_FLOAT && t->is_complex && t->size <= 8) {
		uint64_t w = v;

		wide_json_extra(b, t, &w, 1, 0);
		return;
	}
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
		if (fl.err)
			buf_fail(b);
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

void kcovdf_fmt_fieldval(struct kcovdf_buf *b, const struct kcovdf_fieldval *f)
{
	if (f->optout)
		kcovdf_buf_printf(b, "<optimized out>");
	else if (f->unreadable)
		kcovdf_buf_printf(b, "<unreadable>");
	else
		kcovdf_fmt_scalar(b, f->type, f->value, 0,
				  (f->flags & ~(unsigned int)KCOV_DF_FIELD_OPTOUT) |
				  kcovdf_fmt_hint(f->name, f->type), 0);
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
				kcovdf_buf_printf(b, ",\"value\":null,\"%s\":"
						  "true}", f->optout ?
						  "optimized_out" :
						  "unreadable");
				continue;
			}
			kcovdf_buf_printf(b, ",\"value\":");
			kcovdf_fmt_scalar(b, f->type, f->value, 0, f->flags, 1);
			if (wide_type(f->type))
				kcovdf_buf_printf(b, ",\"truncated\":true");
			else
				json_explain(b, f->type, f->value, 0, 0);
			kcovdf_buf_printf(b, "}");
		} else {
			kcovdf_buf_printf(b, "%s%s=", i ? ", " : "", f->name);
			kcovdf_fmt_fieldval(b, f);
		}
	}
}

/* Byte i of a recorded string. */
static unsigned char str_byte(const struct kcovdf_val *v, unsigned int i)
{
	return (unsigned char)(v->str[i / 8] >> (8 * (i % 8)));
}

/*
 * A string as C source would write it: "text", with \n \t \r \" \\ and
 * octal escapes for other control characters and for bytes that are not
 * well-formed UTF-8 (well-formed UTF-8 is kept); "..." after it when it
 * goes on past the bytes recorded, <unreadable> when reading it faulted
 * (with no byte read, the pointer instead of an empty string).
 */
static void fmt_string(struct kcovdf_buf *b, const struct kcovdf_val *v)
{
	unsigned char u[KCOV_DF_STR_MAX + 4];
	unsigned int n = v->str_len, i;

	if (v->str_fault && n == 0) {
		kcovdf_buf_printf(b, "0x%" PRIx64 " <unreadable>", v->value);
		return;
	}
	for (i = 0; i < n && i < KCOV_DF_STR_MAX; i++)
		u[i] = str_byte(v, i);
	u[i] = 0;
	kcovdf_buf_printf(b, "\"");
	for (i = 0; i < n;) {
		unsigned char c = u[i];
		unsigned int cp;
		int k;

		if (c == '"' || c == '\\')
			kcovdf_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			kcovdf_buf_printf(b, "\\n");
		else if (c == '\t')
			kcovdf_buf_printf(b, "\\t");
		else if (c == '\r')
			kcovdf_buf_printf(b, "\\r");
		else if (c >= 0x20 && c < 0x7f)
			kcovdf_buf_printf(b, "%c", c);
		else if (c >= 0x80 && (k = utf8_len(u + i, &cp)) > 0 &&
			 i + (unsigned int)k <= n && cp > 0x9f) {
			kcovdf_buf_printf(b, "%.*s", k, (const char *)(u + i));
			i += (unsigned int)k;
			continue;
		} else
			kcovdf_buf_printf(b, "\\%03o", c);
		i++;
	}
	kcovdf_buf_printf(b, "\"%s%s", v->str_trunc ? "..." : "",
			  v->str_fault ? "<unreadable>" : "");
}

/* The JSON keys of a string: its text ("string"; "string_hex" too when
 * bytes had to be replaced to make it UTF-8), and how it ended. */
static void json_string(struct kcovdf_buf *b, const struct kcovdf_val *v)
{
	char t[KCOV_DF_STR_MAX + 1];
	unsigned int n = v->str_len < KCOV_DF_STR_MAX ? v->str_len
						       : KCOV_DF_STR_MAX;
	int lossy = 0;

	for (unsigned int i = 0; i < n; i++) {
		t[i] = (char)str_byte(v, i);
		if (!t[i])
			lossy = 1;	/* a NUL would end the JSON string */
	}
	t[n] = 0;
	for (unsigned int i = 0; i < n && !lossy;) {
		unsigned int cp;
		int k;

		if ((unsigned char)t[i] < 0x80) {
			i++;
			continue;
		}
		k = utf8_len((const unsigned char *)t + i, &cp);
		if (k <= 0 || i + (unsigned int)k > n)
			lossy = 1;
		i += k > 0 ? (unsigned int)k : 1;
	}
	if (!(v->str_fault && v->str_len == 0)) {
		kcovdf_buf_printf(b, ",\"string\":");
		kcovdf_json_str(b, t);
		if (lossy) {
			kcovdf_buf_printf(b, ",\"string_hex\":\"");
			for (unsigned int i = 0; i < n; i++)
				kcovdf_buf_printf(b, "%02x", str_byte(v, i));
			kcovdf_buf_printf(b, "\"");
		}
	}
	if (v->str_trunc)
		kcovdf_buf_printf(b, ",\"truncated\":true");
	if (v->str_fault)
		kcovdf_buf_printf(b, ",\"unreadable\":true");
}

static void text_scalar(struct kcovdf_buf *b, const struct kcovdf_val *v,
			int is_ret)
{
	const struct kcovdf_type *t = v->type;

	if (v->wide_fault) {
		kcovdf_buf_printf(b, "<unreadable>");
		return;
	}
	if (v->wide) {
		fmt_wide(b, t, v->wide, v->wide_words, v->size, v->rec_signed,
			 v->wide_trunc, 0);
		return;
	}
	if (v->is_string) {
		fmt_string(b, v);
		return;
	}
	/* Without DWARF the record's SIGNED flag and size say as much. */
	if (v->errno_names && is_ret &&
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
		if ((v->has_object && v->byval) || v->wide_fault) {
			kcovdf_buf_printf(b, "null");
			return;
		}
		if (v->wide) {
			fmt_wide(b, v->type, v->wide, v->wide_words, v->size,
				 v->rec_signed, v->wide_trunc, 1);
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
		if (v->not_read)
			kcovdf_buf_printf(b, " {not read by callee}");
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
	if (v->not_read) {
		/* The pointer only: the object is not what the call got. */
		if (v->type && v->type->object_name) {
			kcovdf_buf_printf(b, ",\"object\":");
			kcovdf_json_str(b, v->type->object_name);
		}
		kcovdf_buf_printf(b, ",\"not_read\":true");
	}
	if (v->is_string) {
		json_string(b, v);
		return;
	}
	if (v->wide_fault)
		kcovdf_buf_printf(b, ",\"unreadable\":true");
	if (v->wide) {
		wide_json_extra(b, v->type, v->wide, v->wide_words,
				v->wide_trunc);
		return;
	}
	if (!v->has_object) {
		if (!v->optout && !v->is_void && !v->wide_fault)
			json_explain(b, v->type, v->value, is_ret,
				     v->errno_names);
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
