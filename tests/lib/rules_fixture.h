/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Calls for testing contract rules without ELF files: synthetic functions
 * (names, parameter and return types as lib/sym.c builds them from DWARF),
 * V1 and DOC record words written by hand, and a fixture of calls. Used by
 * tests/lib/test_rules.c and tests/fuzz/fuzz_rules.c.
 */
#ifndef KCOVDF_RULES_FIXTURE_H
#define KCOVDF_RULES_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf/kcovdf.h"

#ifndef NW
#define NW(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* ------------------------------------------------------------------ */
/* Types and functions, as lib/sym.c builds them from DWARF            */
/* ------------------------------------------------------------------ */

static struct kcovdf_enumerator color_enums[] = {
	{ 0, "RED" }, { 1, "GREEN" }, { 2, "BLUE" },
};
static struct kcovdf_enumerator mode_enums[] = {
	{ -1, "MODE_NEG" }, { 0, "MODE_OFF" }, { 7, "MODE_AUTO" },
};

static struct kcovdf_type t_int = { .kind = KCOVDF_T_INT, .name = "int",
				    .size = 4, .is_signed = 1 };
static struct kcovdf_type t_uint = { .kind = KCOVDF_T_INT,
				     .name = "unsigned int", .size = 4 };
static struct kcovdf_type t_long = { .kind = KCOVDF_T_INT, .name = "long",
				     .size = 8, .is_signed = 1 };
static struct kcovdf_type t_ulong = { .kind = KCOVDF_T_INT,
				      .name = "unsigned long", .size = 8 };
static struct kcovdf_type t_char = { .kind = KCOVDF_T_INT, .name = "char",
				     .size = 1, .is_signed = 1, .is_char = 1 };
static struct kcovdf_type t_bool = { .kind = KCOVDF_T_BOOL, .name = "_Bool",
				     .size = 1 };
static struct kcovdf_type t_float = { .kind = KCOVDF_T_FLOAT,
				      .name = "float", .size = 4 };
static struct kcovdf_type t_double = { .kind = KCOVDF_T_FLOAT,
				       .name = "double", .size = 8 };
static struct kcovdf_type t_color = {
	.kind = KCOVDF_T_ENUM, .name = "enum color", .size = 4,
	.enums = color_enums, .nenums = NW(color_enums),
};
static struct kcovdf_type t_mode = {
	.kind = KCOVDF_T_ENUM, .name = "enum mode", .size = 4, .is_signed = 1,
	.enums = mode_enums, .nenums = NW(mode_enums),
};
static struct kcovdf_type t_void = { .kind = KCOVDF_T_VOID, .name = "void" };
static struct kcovdf_type t_voidp = { .kind = KCOVDF_T_PTR, .name = "void *",
				      .size = 8, .target = &t_void };

/* struct obj { int refcnt; enum color kind; struct { int x; } lo, hi;
 * unsigned int flags; } */
static struct kcovdf_tfield obj_fields[] = {
	{ "refcnt", 0, 4, 0, 0, KCOV_DF_FIELD_SIGNED, &t_int },
	{ "kind", 4, 4, 0, 0, KCOV_DF_FIELD_ENUM, &t_color },
	{ "lo.x", 8, 4, 0, 0, KCOV_DF_FIELD_SIGNED, &t_int },
	{ "hi.x", 12, 4, 0, 0, KCOV_DF_FIELD_SIGNED, &t_int },
	{ "flags", 16, 4, 0, 0, 0, &t_uint },
};
static struct kcovdf_type t_obj = {
	.kind = KCOVDF_T_STRUCT, .name = "struct obj", .size = 20,
	.fields = obj_fields, .nfields = NW(obj_fields),
	.object_name = "struct obj",
};
static struct kcovdf_type t_objp = {
	.kind = KCOVDF_T_PTR, .name = "struct obj *", .size = 8,
	.target = &t_obj, .fields = obj_fields, .nfields = NW(obj_fields),
	.object_name = "struct obj",
};
/* struct span { struct { int x; } lo, hi; }, passed by value */
static struct kcovdf_tfield span_fields[] = {
	{ "lo.x", 0, 4, 0, 0, KCOV_DF_FIELD_SIGNED, &t_int },
	{ "hi.x", 4, 4, 0, 0, KCOV_DF_FIELD_SIGNED, &t_int },
};
static struct kcovdf_type t_span = {
	.kind = KCOVDF_T_STRUCT, .name = "struct span", .size = 8,
	.fields = span_fields, .nfields = NW(span_fields),
	.object_name = "struct span",
};

enum {
	F_SETMAX, F_SETMAX_BUGGY, F_OBJGET, F_OBJNEW, F_PAINT, F_SPAN, F_MIX,
	F_LOCK, F_UNLOCK, F_TRYLOCK, F_INIT, F_USE, F_KW, NFN,
	F_NODWARF = NFN,	/* no symbol: named 0xf000 */
};

static struct kcovdf_param p_max[] = { { "max", &t_int } };
static struct kcovdf_param p_objget[] = { { "p", &t_objp } };
static struct kcovdf_param p_objnew[] = { { "kind", &t_color } };
static struct kcovdf_param p_paint[] = { { "c", &t_color }, { "m", &t_mode } };
static struct kcovdf_param p_span[] = { { "r", &t_span }, { "n", &t_long } };
static struct kcovdf_param p_mix[] = {
	{ "u", &t_uint }, { "ul", &t_ulong }, { "ch", &t_char },
	{ "b", &t_bool }, { "f", &t_float }, { "d", &t_double },
};
static struct kcovdf_param p_lock[] = { { "l", &t_voidp } };
static struct kcovdf_param p_dev[] = { { "d", &t_voidp } };
/* Parameters named like reserved words: reached as arg0, arg1. */
static struct kcovdf_param p_kw[] = { { "in", &t_int }, { "per", &t_int } };

#define FN(n, p, r) { .name = n, .params = p, .nparams = NW(p), .ret = r, \
		      .have_dwarf = 1 }
static struct kcovdf_fn fns[NFN] = {
	[F_SETMAX] = FN("set_max", p_max, &t_int),
	[F_SETMAX_BUGGY] = FN("set_max_buggy", p_max, &t_int),
	[F_OBJGET] = FN("obj_get", p_objget, &t_int),
	[F_OBJNEW] = FN("obj_new", p_objnew, &t_objp),
	[F_PAINT] = FN("paint", p_paint, &t_int),
	[F_SPAN] = FN("span", p_span, &t_long),
	[F_MIX] = FN("mix", p_mix, &t_void),
	[F_LOCK] = FN("lock", p_lock, &t_void),
	[F_UNLOCK] = FN("unlock", p_lock, &t_void),
	[F_TRYLOCK] = FN("trylock", p_lock, &t_int),
	[F_INIT] = FN("init", p_dev, &t_int),
	[F_USE] = FN("use", p_dev, &t_int),
	[F_KW] = FN("kw", p_kw, &t_int),
};

static uint64_t pc_of(int f)
{
	return 0x1000 * (uint64_t)(f + 1);
}

static void attach_fns(struct kcovdf_calls *calls)
{
	for (struct kcovdf_call *c = calls->root; c; c = kcovdf_call_next(c)) {
		uint64_t i = c->pc / 0x1000;

		if (c->pc && c->pc % 0x1000 == 0 && i >= 1 && i <= NFN) {
			fns[i - 1].addr = c->pc;
			c->fn = &fns[i - 1];
		}
	}
}

/* ------------------------------------------------------------------ */
/* Record words                                                        */
/* ------------------------------------------------------------------ */

/* A V1 record header (tag 0xD1), written out here so that the tests do
 * not depend on the header macros of the writer side. */
static uint64_t v1(unsigned int kind, unsigned int flags, unsigned int idx,
		   unsigned int nextra, unsigned int size)
{
	return (uint64_t)0xD1 << 56 | (uint64_t)kind << 52 |
	       (uint64_t)flags << 40 | (uint64_t)idx << 32 |
	       (uint64_t)nextra << 16 | size;
}

#define ARG	KCOV_DF_KIND_ARG
#define RET	KCOV_DF_KIND_RET
#define FIRST	KCOV_DF_F_FIRST
#define SIGNED	KCOV_DF_F_SIGNED
#define NONE	KCOV_DF_ARGIDX_NONE
#define NEG(x)	((uint64_t)(int64_t)(x))

struct sb {
	uint64_t w[2048];
	size_t n;
	int format;	/* KCOVDF_FMT_V1 or KCOVDF_FMT_DOC */
	uint32_t seq;
};

static void put(struct sb *s, uint64_t w)
{
	if (s->n >= NW(s->w)) {
		fprintf(stderr, "test_rules: stream too long\n");
		exit(2);
	}
	s->w[s->n++] = w;
}

/* V1: one record without fields. */
static void rec(struct sb *s, unsigned int kind, unsigned int flags, int f,
		unsigned int idx, unsigned int size, uint64_t v)
{
	put(s, v1(kind, flags, idx, 0, size));
	put(s, f == F_NODWARF ? 0xf000 : pc_of(f));
	put(s, v);
}

/* V1: a pointer (or by-value object) with the fields of its object. */
static void rec_obj(struct sb *s, unsigned int kind, unsigned int flags,
		    int f, unsigned int idx, uint64_t ptr, const uint64_t *fv,
		    unsigned int nf, uint64_t unreadable)
{
	unsigned int fault = unreadable ? 1 : 0;

	flags |= KCOV_DF_F_FIELDS | (fault ? KCOV_DF_F_FAULT : 0);
	put(s, v1(kind, flags, idx, 1 + fault + nf, 8));
	put(s, pc_of(f));
	put(s, ptr);
	put(s, 0x5eed);		/* type id: no layout table, DWARF names */
	if (fault)
		put(s, unreadable);
	for (unsigned int i = 0; i < nf; i++)
		put(s, fv[i]);
}

/* V1: a call with one scalar argument and a return. */
static void call1(struct sb *s, int f, unsigned int size, uint64_t arg,
		  uint64_t ret)
{
	rec(s, ARG, FIRST, f, 0, size, arg);
	rec(s, RET, 0, f, NONE, size, ret);
}

/* DOC: an entry record of one value, or a return. */
static void doc(struct sb *s, int entry, int f, unsigned int idx,
		unsigned int size, uint64_t v)
{
	unsigned int type = entry ? KCOV_DF_DOC_TYPE_ENTRY :
			    KCOV_DF_DOC_TYPE_RET;

	put(s, (uint64_t)type << 28 | (uint64_t)1 << 24 | ++s->seq);
	put(s, f == F_NODWARF ? 0xf000 : pc_of(f));
	put(s, (uint64_t)idx << 56 | (uint64_t)size << 48 |
	       (v & 0xffffffffffffULL));
	put(s, v);
}

/* ------------------------------------------------------------------ */
/* The single-call fixture                                             */
/* ------------------------------------------------------------------ */

static uint64_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static uint64_t dbits(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u;
}

/* The calls of test_rules' single-call fixture (also the fuzzer's):
 * each function called once. */
static void make_one(struct sb *one)
{
	static const uint64_t obj[] = { 1, 2, NEG(-3), 7, 0x41 };
	static const uint64_t made[] = { 0, 1, 0, 0, 0 };
	static const uint64_t spanv[] = { 2, 9 };

	one->format = KCOVDF_FMT_V1;
	/* set_max(max=5) = 0 */
	call1(one, F_SETMAX, 4, 5, 0);
	/* set_max_buggy(max=4096) = 0 */
	call1(one, F_SETMAX_BUGGY, 4, 4096, 0);
	/* obj_get(p=0x7000 {refcnt=1, kind=BLUE, lo.x=-3, hi.x=7,
	 * flags=0x41}) = 0 */
	rec_obj(one, ARG, FIRST, F_OBJGET, 0, 0x7000, obj, 5, 0);
	rec(one, RET, 0, F_OBJGET, NONE, 4, 0);
	/* obj_new(kind=GREEN) = 0x8000 {refcnt=0, kind=GREEN, ...} */
	rec(one, ARG, FIRST, F_OBJNEW, 0, 4, 1);
	rec_obj(one, RET, 0, F_OBJNEW, NONE, 0x8000, made, 5, 0);
	/* paint(c=BLUE, m=MODE_NEG) = -EINVAL */
	rec(one, ARG, FIRST, F_PAINT, 0, 4, 2);
	rec(one, ARG, 0, F_PAINT, 1, 4, 0xffffffff);
	rec(one, RET, 0, F_PAINT, NONE, 4, 0xffffffea);
	/* span(r={lo.x=2, hi.x=9}, n=-5) = 7 */
	rec_obj(one, ARG, FIRST | KCOV_DF_F_BYVAL, F_SPAN, 0, 0x7ff0, spanv,
		2, 0);
	rec(one, ARG, 0, F_SPAN, 1, 8, NEG(-5));
	rec(one, RET, 0, F_SPAN, NONE, 8, 7);
	/* mix(u=0xffffffff, ul=~0, ch='a', b=1, f=1.5, d=-2.25) (void) */
	rec(one, ARG, FIRST, F_MIX, 0, 4, 0xffffffff);
	rec(one, ARG, 0, F_MIX, 1, 8, ~(uint64_t)0);
	rec(one, ARG, 0, F_MIX, 2, 1, 'a');
	rec(one, ARG, 0, F_MIX, 3, 1, 1);
	rec(one, ARG, 0, F_MIX, 4, 4, fbits(1.5f));
	rec(one, ARG, 0, F_MIX, 5, 8, dbits(-2.25));
	rec(one, RET, KCOV_DF_F_VOID, F_MIX, NONE, 0, 0);
	/* kw(in=3, per=4) = 0 */
	rec(one, ARG, FIRST, F_KW, 0, 4, 3);
	rec(one, ARG, 0, F_KW, 1, 4, 4);
	rec(one, RET, 0, F_KW, NONE, 4, 0);
	/* 0xf000(arg0=7, arg1=-1 signed) = 0xfffffffe, no symbol */
	rec(one, ARG, FIRST, F_NODWARF, 0, 4, 7);
	rec(one, ARG, SIGNED, F_NODWARF, 1, 4, 0xffffffff);
	rec(one, RET, 0, F_NODWARF, NONE, 4, 0xfffffffe);
}

#endif /* KCOVDF_RULES_FIXTURE_H */
