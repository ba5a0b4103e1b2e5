// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime tests. One binary, linked with the runtime and with libkcovdf:
 *
 *   KCOVDF_OUT=trace rt_test run SCENARIO     records (the runtime is on)
 *   rt_test check SCENARIO trace               reads the trace with
 *                                              libkcovdf and checks the
 *                                              exact words (runtime off)
 *
 * The callbacks are called directly, with hand-built layout tables that
 * follow docs/layout.md; expected words are computed with the header's own
 * macros (KCOV_DF_V2_HDR...) and C's own reads of the objects, never with
 * the runtime's code. Exit status 0 means pass; failures print "FAIL ...".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kcovdf/kcovdf.h"
#include "kcovdf_rt.h"
#include "rt_callbacks.h"

static int failures;
static const char *self_path;

#define FAIL(...)                                                        \
	do {                                                             \
		fprintf(stderr, "FAIL %s:%d: ", __func__, __LINE__);     \
		fprintf(stderr, __VA_ARGS__);                            \
		fputc('\n', stderr);                                     \
		failures++;                                              \
	} while (0)
#define EXPECT_EQ(a, b)                                                   \
	do {                                                              \
		uint64_t _a = (uint64_t)(a), _b = (uint64_t)(b);          \
		if (_a != _b)                                             \
			FAIL("%s == 0x%llx, want %s == 0x%llx", #a,       \
			     (unsigned long long)_a, #b,                  \
			     (unsigned long long)_b);                     \
	} while (0)

#define ARG(func, info, value) \
	__kcov_df_trace_args_v2((func), (info), (uint64_t)(value), NULL)
#define RET(func, info, value) \
	__kcov_df_trace_ret_v2((func), (info), (uint64_t)(value), NULL)

/* ------------------------------------------------------------------ */
/* Reading a trace (libkcovdf)                                         */
/* ------------------------------------------------------------------ */

struct recs {
	struct kcovdf_rec *r;
	size_t n, cap;
};

static int collect_cb(const struct kcovdf_rec *r, void *arg)
{
	struct recs *v = arg;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 1024;
		v->r = realloc(v->r, v->cap * sizeof(*v->r));
		if (!v->r)
			abort();
	}
	v->r[v->n++] = *r;
	return 0;
}

static struct kcovdf_trace *load(const char *path)
{
	char err[256];
	struct kcovdf_trace *t = kcovdf_trace_read(path, err, sizeof(err));

	if (!t) {
		FAIL("kcovdf_trace_read(%s): %s", path, err);
		exit(1);
	}
	return t;
}

/* Records of one stream, decoded by kcovdf_walk. */
static struct recs stream_recs(const struct kcovdf_stream *s)
{
	struct recs v = { 0 };
	char err[256];

	if (kcovdf_walk((int)s->format, s->words, s->nwords, collect_cb, &v,
			err, sizeof(err)) != 0)
		FAIL("stream %u/%u: %s", s->pid, s->tid, err);
	return v;
}

/* Every stream's record count must match its last LOSS chunk. */
static void check_losses_consistent(const struct kcovdf_trace *t)
{
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *s = &t->streams[i];
		const struct kcovdf_loss *l = kcovdf_trace_loss(t, s);
		uint64_t n;

		if (!l) {
			FAIL("stream %u/%u kind %u has no LOSS chunk", s->pid,
			     s->tid, s->kind);
			continue;
		}
		if (s->format == KCOVDF_FMT_KCOV_PCEXT) {
			n = s->nwords;
		} else {
			struct recs v = stream_recs(s);

			n = v.n;
			free(v.r);
		}
		if (n != l->records - l->dropped)
			FAIL("stream %u/%u kind %u: %llu records, LOSS says "
			     "%llu produced, %llu dropped",
			     s->pid, s->tid, s->kind, (unsigned long long)n,
			     (unsigned long long)l->records,
			     (unsigned long long)l->dropped);
	}
}

/* The single LOCAL stream of pid (or of the only pid). */
static const struct kcovdf_stream *local_stream(const struct kcovdf_trace *t,
						uint32_t pid)
{
	const struct kcovdf_stream *found = NULL;

	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *s = &t->streams[i];

		if (s->kind != KCOVDF_STREAM_LOCAL || (pid && s->pid != pid))
			continue;
		if (found)
			FAIL("more than one local stream for pid %u", pid);
		found = s;
	}
	if (!found) {
		FAIL("no local stream for pid %u", pid);
		exit(1);
	}
	return found;
}

/* Compare a decoded record with what the header macros say. */
static void expect_rec(const struct kcovdf_rec *r, unsigned int kind,
		       unsigned int flags, unsigned int argidx,
		       unsigned int size, uint64_t pc, uint64_t value)
{
	EXPECT_EQ(r->kind, kind);
	EXPECT_EQ(r->flags, flags);
	EXPECT_EQ(r->argidx, argidx);
	EXPECT_EQ(r->size, size);
	EXPECT_EQ(r->pc, pc);
	EXPECT_EQ(r->value, value);
}

/* ------------------------------------------------------------------ */
/* scalar: plain values, every header field                            */
/* ------------------------------------------------------------------ */

struct scalar_case {
	unsigned int kind, argidx, flags;
	uint32_t size;
	uint64_t value;
};

static const struct scalar_case scalars[] = {
	{ KCOV_DF_KIND_ARG, 0, KCOV_DF_F_FIRST, 4, 42 },
	{ KCOV_DF_KIND_ARG, 1, KCOV_DF_F_SIGNED, 4, (uint64_t)(int64_t)-5 },
	{ KCOV_DF_KIND_ARG, 2, KCOV_DF_F_SIGNED, 8, (uint64_t)INT64_MIN },
	{ KCOV_DF_KIND_ARG, 3, 0, 8, UINT64_MAX },
	{ KCOV_DF_KIND_ARG, 4, 0, 1, 0xff },
	{ KCOV_DF_KIND_ARG, 5, KCOV_DF_F_SIGNED, 1, (uint64_t)(int64_t)-128 },
	{ KCOV_DF_KIND_ARG, 6, 0, 2, 0xfffe },
	{ KCOV_DF_KIND_ARG, KCOV_DF_ARGIDX_NONE,
	  KCOV_DF_F_FIRST | KCOV_DF_F_NOARGS, 0, 0 },
	{ KCOV_DF_KIND_ARG, 7, KCOV_DF_F_OPTOUT, 4, 0 },
	{ KCOV_DF_KIND_ARG, 8, KCOV_DF_F_BYVAL, 24, 0x7fff12345678 },
	{ KCOV_DF_KIND_RET, 0, KCOV_DF_F_VOID, 0, 0 },
	{ KCOV_DF_KIND_RET, 0, KCOV_DF_F_SIGNED, 4, (uint64_t)(int64_t)-22 },
	{ KCOV_DF_KIND_RET, 0, 0, 8, 0xdeadbeefcafef00dULL },
	/* Sizes that the header clamps (slow path). */
	{ KCOV_DF_KIND_ARG, 9, KCOV_DF_F_BYVAL, 0x10000, 0x1000 },
	{ KCOV_DF_KIND_ARG, 10, KCOV_DF_F_BYVAL, 0xffffffff, 0x2000 },
	{ KCOV_DF_KIND_ARG, 11, KCOV_DF_F_BYVAL, 0xffff, 0x3000 },
	/* Every flag bit the compiler may pass without extra words, at
	 * once (NOTREAD is a pointer recorded as a plain value). */
	{ KCOV_DF_KIND_ARG, 0xfe,
	  KCOV_DF_F_FIRST | KCOV_DF_F_BYVAL | KCOV_DF_F_OPTOUT |
		  KCOV_DF_F_SIGNED | KCOV_DF_F_REMOTE | KCOV_DF_F_NOTREAD,
	  7, 0x77 },
	{ KCOV_DF_KIND_ARG, 12, KCOV_DF_F_NOTREAD, 8, 0x7ffe0000 },
};
#define NSCALARS (sizeof(scalars) / sizeof(scalars[0]))

static void run_scalar(void)
{
	for (size_t i = 0; i < NSCALARS; i++) {
		const struct scalar_case *c = &scalars[i];
		uint64_t info = KCOV_DF_INFO(c->argidx, c->flags, c->size);

		if (c->kind == KCOV_DF_KIND_ARG)
			ARG(0x1000 + i, info, c->value);
		else
			RET(0x1000 + i, info, c->value);
	}
	/* FIELDS in info without a layout: recorded as a plain value. */
	ARG(0x2000, KCOV_DF_INFO(0, KCOV_DF_F_FIELDS | KCOV_DF_F_FIRST, 8),
	    0x1234);
	/* The gate is on while recording. */
	ARG(0x2001, KCOV_DF_INFO(0, 0, 4), __kcov_df_gate != 0);
}

static void check_scalar(const char *path)
{
	struct kcovdf_trace *t = load(path);
	struct recs v = stream_recs(local_stream(t, 0));
	struct kcovdf_stream *s = (struct kcovdf_stream *)local_stream(t, 0);

	EXPECT_EQ(v.n, NSCALARS + 2);
	if (v.n != NSCALARS + 2)
		return;
	for (size_t i = 0, w = 0; i < NSCALARS; i++) {
		const struct scalar_case *c = &scalars[i];
		uint64_t hdr = KCOV_DF_V2_HDR(c->kind, c->flags, c->argidx, 0,
					      c->size);

		EXPECT_EQ(s->words[w], hdr);
		expect_rec(&v.r[i], c->kind, c->flags, c->argidx,
			   c->size > 0xffff ? 0xffff : c->size, 0x1000 + i,
			   c->value);
		w += v.r[i].words;
	}
	expect_rec(&v.r[NSCALARS], KCOV_DF_KIND_ARG, KCOV_DF_F_FIRST, 0, 8,
		   0x2000, 0x1234);
	expect_rec(&v.r[NSCALARS + 1], KCOV_DF_KIND_ARG, 0, 0, 4, 0x2001, 1);
	EXPECT_EQ(strcmp(kcovdf_trace_meta(t, "source") ?: "", "user"), 0);
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* fields: struct tables with bitfields and signed fields              */
/* ------------------------------------------------------------------ */

struct sample {
	uint8_t u8;		/* 0 */
	int8_t s8;		/* 1 */
	int16_t s16;		/* 2 */
	uint32_t bf_a : 3;	/* 4, bits 0-2 */
	int32_t bf_b : 5;	/* bits 3-7 */
	uint32_t bf_c : 12;	/* bits 8-19 */
	int32_t bf_d : 12;	/* bits 20-31 */
	int64_t s64;		/* 8 */
	char name[12];		/* 16, ARRAY: first 8 bytes */
	_Bool flag;		/* 28 */
	int32_t s32;		/* 32 */
	void *ptr;		/* 40 */
	uint64_t bf_e : 40;	/* 48, bits 0-39 */
	int64_t bf_f : 24;	/* bits 40-63 */
};

/* kcov_df_layout has a flexible array: a fixed-size twin for tables. */
#define LAYOUT(n)                                                   \
	struct {                                                    \
		uint64_t type_id;                                   \
		uint32_t size;                                      \
		uint16_t nfields, flags;                            \
		uint32_t span_offset, span_size;                    \
		uint16_t version, name_len;                         \
		uint32_t reserved;                                  \
		struct kcov_df_field f[n];                          \
		char name[32];                                      \
	}
_Static_assert(offsetof(struct kcov_df_layout, fields) == 32,
	       "LAYOUT() mirrors struct kcov_df_layout");

static LAYOUT(14) sample_layout = {
	.type_id = 0x5a5a000011112222ULL, .size = sizeof(struct sample),
	       .nfields = 14, .span_offset = 0, .span_size = 56,
	       .version = KCOV_DF_LAYOUT_VERSION, .name_len = 13,
	.f = {
		/* offset size bit_offset bit_size flags (docs/layout.md) */
		{ 0, 1, 0, 0, 0 },
		{ 1, 1, 0, 0, KCOV_DF_FIELD_SIGNED },
		{ 2, 2, 0, 0, KCOV_DF_FIELD_SIGNED },
		{ 4, 1, 0, 3, 0 },			/* bf_a */
		{ 4, 1, 3, 5, KCOV_DF_FIELD_SIGNED },	/* bf_b */
		{ 5, 2, 0, 12, 0 },			/* bf_c */
		{ 6, 2, 4, 12, KCOV_DF_FIELD_SIGNED },	/* bf_d */
		{ 8, 8, 0, 0, KCOV_DF_FIELD_SIGNED },
		{ 16, 8, 0, 0, KCOV_DF_FIELD_ARRAY },
		{ 28, 1, 0, 0, KCOV_DF_FIELD_BOOL },
		{ 32, 4, 0, 0, KCOV_DF_FIELD_SIGNED },
		{ 40, 8, 0, 0, KCOV_DF_FIELD_PTR },
		{ 48, 8, 0, 40, 0 },			/* bf_e */
		{ 53, 4, 0, 24, KCOV_DF_FIELD_SIGNED },	/* bf_f */
	},
	.name = "struct sample",
};
#define SAMPLE ((const struct kcov_df_layout *)&sample_layout)

static void sample_fill(struct sample *s, int variant)
{
	memset(s, 0, sizeof(*s));
	s->u8 = variant ? 0xfe : 7;
	s->s8 = variant ? -100 : 100;
	s->s16 = variant ? -30000 : 12345;
	s->bf_a = variant ? 5 : 2;
	s->bf_b = variant ? -16 : 15;
	s->bf_c = variant ? 0xabc : 1;
	s->bf_d = variant ? -2048 : 2047;
	s->s64 = variant ? INT64_MIN + 3 : 0x123456789abcdefLL;
	memcpy(s->name, variant ? "abcdefghijk" : "xy", variant ? 12 : 3);
	s->flag = variant;
	s->s32 = variant ? -7 : 7;
	s->ptr = variant ? (void *)s : NULL;
	s->bf_e = variant ? 0xfedcba9876ULL : 3;
	s->bf_f = variant ? -8388608 : 8388607;
}

/* The values C itself reads: the expected field words. */
static void sample_expect(const struct sample *s, uint64_t *v)
{
	uint64_t arr = 0;

	memcpy(&arr, s->name, 8);
	v[0] = s->u8;
	v[1] = (uint64_t)(int64_t)s->s8;
	v[2] = (uint64_t)(int64_t)s->s16;
	v[3] = s->bf_a;
	v[4] = (uint64_t)(int64_t)s->bf_b;
	v[5] = s->bf_c;
	v[6] = (uint64_t)(int64_t)s->bf_d;
	v[7] = (uint64_t)s->s64;
	v[8] = arr;
	v[9] = s->flag;
	v[10] = (uint64_t)(int64_t)s->s32;
	v[11] = (uint64_t)(uintptr_t)s->ptr;
	v[12] = s->bf_e;
	v[13] = (uint64_t)(int64_t)s->bf_f;
}

#define FINFO(argidx, extra, size) \
	KCOV_DF_INFO(argidx, KCOV_DF_F_FIELDS | (extra), size)

static struct sample samples[2];

static void run_fields(void)
{
	static struct sample byval;

	sample_fill(&samples[0], 0);
	sample_fill(&samples[1], 1);
	__kcov_df_trace_args_v2(0x3000, FINFO(0, KCOV_DF_F_FIRST, 8),
				   (uint64_t)(uintptr_t)&samples[0], SAMPLE);
	__kcov_df_trace_args_v2(0x3001, FINFO(1, 0, 8),
				   (uint64_t)(uintptr_t)&samples[1], SAMPLE);
	byval = samples[1];
	__kcov_df_trace_ret_v2(0x3002,
				  FINFO(0, KCOV_DF_F_BYVAL,
					sizeof(struct sample)),
				  (uint64_t)(uintptr_t)&byval, SAMPLE);
}

static void expect_fields(const struct kcovdf_rec *r, const uint64_t *want,
			  unsigned int n, uint64_t bad)
{
	EXPECT_EQ(r->nfields, n);
	EXPECT_EQ(r->unreadable, bad);
	EXPECT_EQ(!!(r->flags & KCOV_DF_F_FAULT), bad != 0);
	for (unsigned int i = 0; i < n && i < r->nfields; i++) {
		uint64_t w = (bad >> i) & 1 ? KCOV_DF_BAD_READ : want[i];

		if (r->fields[i] != w)
			FAIL("field %u = 0x%llx, want 0x%llx", i,
			     (unsigned long long)r->fields[i],
			     (unsigned long long)w);
	}
}

static void check_fields(const char *path)
{
	struct kcovdf_trace *t = load(path);
	struct recs v = stream_recs(local_stream(t, 0));
	uint64_t want[14];

	EXPECT_EQ(v.n, 3);
	if (v.n != 3)
		return;
	sample_fill(&samples[0], 0);
	sample_fill(&samples[1], 1);
	for (int i = 0; i < 3; i++) {
		const struct kcovdf_rec *r = &v.r[i];
		unsigned int fl = KCOV_DF_F_FIELDS |
				  (i == 0 ? KCOV_DF_F_FIRST : 0) |
				  (i == 2 ? KCOV_DF_F_BYVAL : 0);

		EXPECT_EQ(r->kind, i == 2 ? KCOV_DF_KIND_RET
					  : KCOV_DF_KIND_ARG);
		EXPECT_EQ(r->flags, fl);
		EXPECT_EQ(r->pc, 0x3000 + i);
		EXPECT_EQ(r->type_id, 0x5a5a000011112222ULL);
		sample_expect(&samples[i == 0 ? 0 : 1], want);
		/* Variant 1's pointer field holds &samples[1] of the
		 * recording process: the value of the second record (the
		 * BYVAL copy keeps pointing there). */
		if (i != 0)
			want[11] = v.r[1].value;
		expect_fields(r, want, 14, 0);
	}
	EXPECT_EQ(v.r[1].size, 8);
	EXPECT_EQ(v.r[2].size, sizeof(struct sample));
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* badptr: NULL, ERR_PTR, unmapped, PROT_NONE, kernel, partial         */
/* ------------------------------------------------------------------ */

static LAYOUT(4) quad_layout = {
	.type_id = 0x9999, .size = 32, .nfields = 4,
	       .span_offset = 0, .span_size = 32,
	       .version = KCOV_DF_LAYOUT_VERSION, .name_len = 11,
	.f = { { 0, 8, 0, 0, 0 }, { 8, 8, 0, 0, 0 }, { 16, 8, 0, 0, 0 },
	       { 24, 8, 0, 0, KCOV_DF_FIELD_SIGNED } },
	.name = "struct quad",
};
#define QUAD ((const struct kcov_df_layout *)&quad_layout)

/* A layout whose fields straddle byte positions, for page-end tests. */
static LAYOUT(4) odd_layout = {
	.type_id = 0x0dd, .size = 16, .nfields = 4,
	       .span_offset = 0, .span_size = 16,
	       .version = KCOV_DF_LAYOUT_VERSION, .name_len = 10,
	.f = { { 0, 2, 0, 0, 0 }, { 2, 1, 0, 0, KCOV_DF_FIELD_SIGNED },
	       { 3, 4, 0, 0, 0 }, { 7, 8, 0, 0, 0 } },
	.name = "struct odd",
};
#define ODD ((const struct kcov_df_layout *)&odd_layout)

/* ------------------------------------------------------------------ */
/* content: STRING, WIDE and NOTREAD records (format revision 2)       */
/* ------------------------------------------------------------------ */

/* Field 1 is optimized out (a by-value piece the compiler lost). */
static LAYOUT(3) partial_layout = {
	.type_id = 0x9a7, .size = 24, .nfields = 3,
	       .span_offset = 0, .span_size = 24,
	       .version = KCOV_DF_LAYOUT_VERSION, .name_len = 11,
	.f = { { 0, 8, 0, 0, 0 }, { 8, 8, 0, 0, KCOV_DF_FIELD_OPTOUT },
	       { 16, 8, 0, 0, KCOV_DF_FIELD_SIGNED } },
	.name = "struct part",
};
#define PARTIAL ((const struct kcov_df_layout *)&partial_layout)

#define SINFO(argidx, extra) \
	KCOV_DF_INFO(argidx, KCOV_DF_F_STRING | (extra), 8)
#define WINFO(argidx, extra, size) \
	KCOV_DF_INFO(argidx, KCOV_DF_F_WIDE | (extra), size)

/* The bytes of string case i (deterministic, for the checker). */
static void str_pattern(char *d, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (char)(0x21 + (i * 7 + (size_t)seed) % 90);
}

enum {
	SC_HELLO, SC_EMPTY, SC_127, SC_128, SC_129, SC_300, SC_PAGEEND5,
	SC_PAGEEND128, SC_CROSS, SC_BYTES, SC_UNMAPPED, SC_KERNEL, SC_NULL,
	SC_ERR, SC_N
};

/* What the record of each case must say: bytes, flags. */
struct str_want {
	unsigned int n, flags;
	int seed;	/* pattern, or -1: literal below */
	const char *lit;
};

static const struct str_want str_wants[SC_N] = {
	[SC_HELLO] = { 5, 0, -1, "hello" },
	[SC_EMPTY] = { 0, 0, -1, "" },
	[SC_127] = { 127, 0, 1, NULL },
	[SC_128] = { 128, 0, 2, NULL },
	[SC_129] = { 128, KCOV_DF_F_TRUNC, 3, NULL },
	[SC_300] = { 128, KCOV_DF_F_TRUNC, 4, NULL },
	[SC_PAGEEND5] = { 5, KCOV_DF_F_FAULT, 5, NULL },
	[SC_PAGEEND128] = { 128, KCOV_DF_F_FAULT, 6, NULL },
	[SC_CROSS] = { 100, 0, 7, NULL },
	[SC_BYTES] = { 6, 0, -1, "\x01\xff\"\\\n\t" },
	[SC_UNMAPPED] = { 0, KCOV_DF_F_FAULT, -1, "" },
	[SC_KERNEL] = { 0, KCOV_DF_F_FAULT, -1, "" },
	[SC_NULL] = { 0, KCOV_DF_F_NULL, -1, NULL },
	[SC_ERR] = { 0, KCOV_DF_F_ERRPTR, -1, NULL },
};

/* Wide values: a 16-byte integer, a long double, 32 bytes, 80 bytes. */
static const unsigned int wide_sizes[] = { 16, 16, 32, 80, 16 };
#define NWIDE (sizeof(wide_sizes) / sizeof(wide_sizes[0]))

static void wide_pattern(unsigned char *d, unsigned int n, unsigned int k)
{
	for (unsigned int i = 0; i < n; i++)
		d[i] = (unsigned char)(i * 13 + k * 29 + 1);
}

static void run_content(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	/* pages: 0 rw, 1 none, 2 rw, 3 rw, 4 none */
	char *m = mmap(NULL, 5 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *none = m + pg, *none2 = m + 4 * pg;
	static char buf[SC_N][512];
	uint64_t addr[SC_N];
	static unsigned char wide[NWIDE][96] __attribute__((aligned(16)));

	memset(m, 'x', 5 * pg);
	mprotect(none, pg, PROT_NONE);
	mprotect(none2, pg, PROT_NONE);
	for (int i = 0; i < SC_N; i++) {
		const struct str_want *w = &str_wants[i];
		size_t len = w->n;

		if (i == SC_129)
			len = 129;
		if (i == SC_300)
			len = 300;
		if (w->seed >= 0)
			str_pattern(buf[i], len, w->seed);
		else if (w->lit)
			memcpy(buf[i], w->lit, len);
		buf[i][len] = 0;
		addr[i] = (uintptr_t)buf[i];
	}
	/* No NUL before a PROT_NONE page, 5 and 128 bytes before it. */
	str_pattern(none - 5, 5, 5);
	addr[SC_PAGEEND5] = (uintptr_t)(none - 5);
	str_pattern(none2 - 128, 128, 6);
	addr[SC_PAGEEND128] = (uintptr_t)(none2 - 128);
	/* Across a page boundary, both readable. */
	str_pattern(m + 3 * pg - 40, 100, 7);
	m[3 * pg + 60] = 0;
	addr[SC_CROSS] = (uintptr_t)(m + 3 * pg - 40);
	addr[SC_UNMAPPED] = 0x10000;
	addr[SC_KERNEL] = 0xffff888000000000ULL;
	addr[SC_NULL] = 0;
	addr[SC_ERR] = (uint64_t)-14;
	for (int i = 0; i < SC_N; i++)
		__kcov_df_trace_args_v2(0x6000 + i, SINFO(i, 0), addr[i],
					NULL);

	for (unsigned int k = 0; k < NWIDE; k++) {
		wide_pattern(wide[k], wide_sizes[k], k);
		__kcov_df_trace_ret_v2(0x6100 + k,
				       WINFO(0xff, KCOV_DF_F_SIGNED,
					     wide_sizes[k]),
				       k == NWIDE - 1 ? (uintptr_t)none
						      : (uintptr_t)wide[k],
				       NULL);
	}

	/* NOTREAD: never read, even with a layout or STRING; the object
	 * is unreadable, so a read would show as FAULT. */
	__kcov_df_trace_args_v2(0x6200, KCOV_DF_INFO(0, KCOV_DF_F_NOTREAD, 8),
				(uintptr_t)none, NULL);
	__kcov_df_trace_args_v2(0x6201,
				KCOV_DF_INFO(1, KCOV_DF_F_NOTREAD |
					     KCOV_DF_F_FIELDS, 8),
				(uintptr_t)none, QUAD);
	__kcov_df_trace_args_v2(0x6202,
				KCOV_DF_INFO(2, KCOV_DF_F_NOTREAD |
					     KCOV_DF_F_STRING, 8),
				(uintptr_t)none, NULL);
	/* The reserved flag 0x8000 never reaches a record. */
	__kcov_df_trace_args_v2(0x6203, KCOV_DF_INFO(3, 0x8000, 4), 7, NULL);
	/* A field the compiler marks optimized out is never a value. */
	{
		static const uint64_t obj[3] = { 11, 22, 33 };

		__kcov_df_trace_args_v2(0x6204,
					KCOV_DF_INFO(4, KCOV_DF_F_FIELDS |
						     KCOV_DF_F_BYVAL, 24),
					(uintptr_t)obj, PARTIAL);
	}
}

static void check_content(const char *path)
{
	struct kcovdf_trace *t = load(path);
	struct recs v = stream_recs(local_stream(t, 0));
	size_t k = 0;

	EXPECT_EQ(v.n, SC_N + NWIDE + 5);
	if (v.n != SC_N + NWIDE + 5)
		return;
	for (int i = 0; i < SC_N; i++, k++) {
		const struct kcovdf_rec *r = &v.r[k];
		const struct str_want *w = &str_wants[i];
		char want[256], got[256];

		EXPECT_EQ(r->pc, 0x6000 + i);
		EXPECT_EQ(r->flags, KCOV_DF_F_STRING | w->flags);
		EXPECT_EQ(r->str_len, w->n);
		if (w->flags & (KCOV_DF_F_NULL | KCOV_DF_F_ERRPTR)) {
			EXPECT_EQ(r->words, 3);
			EXPECT_EQ(r->str == NULL, 1);
			continue;
		}
		EXPECT_EQ(r->words, 4 + (w->n + 7) / 8);
		if (w->seed >= 0)
			str_pattern(want, w->n, w->seed);
		else
			memcpy(want, w->lit, w->n);
		for (unsigned int b = 0; b < r->str_len && b < 256; b++)
			got[b] = (char)(r->str[b / 8] >> (8 * (b % 8)));
		if (r->str_len == w->n && memcmp(got, want, w->n))
			FAIL("string case %d: bytes differ", i);
		/* Bytes after the last in its word are zero. */
		if (w->n % 8 && r->str[w->n / 8] >> (8 * (w->n % 8)))
			FAIL("string case %d: padding not zero", i);
	}
	for (unsigned int j = 0; j < NWIDE; j++, k++) {
		const struct kcovdf_rec *r = &v.r[k];
		unsigned int sz = wide_sizes[j];
		unsigned int keep = sz > 72 ? 72 : sz;
		unsigned char want[96], got[96];

		EXPECT_EQ(r->kind, KCOV_DF_KIND_RET);
		EXPECT_EQ(r->size, sz);
		if (j == NWIDE - 1) {
			EXPECT_EQ(r->flags, KCOV_DF_F_WIDE | KCOV_DF_F_SIGNED |
					    KCOV_DF_F_FAULT);
			EXPECT_EQ(r->value, KCOV_DF_BAD_READ);
			EXPECT_EQ(r->words, 3);
			continue;
		}
		EXPECT_EQ(r->flags, KCOV_DF_F_WIDE | KCOV_DF_F_SIGNED |
				    (sz > 72 ? KCOV_DF_F_TRUNC : 0));
		EXPECT_EQ(r->wide_words, (keep + 7) / 8);
		wide_pattern(want, sz, j);
		for (unsigned int b = 0; b < keep; b++)
			got[b] = (unsigned char)(r->wide[b / 8] >>
						 (8 * (b % 8)));
		if (r->wide_words == (keep + 7) / 8 && memcmp(got, want, keep))
			FAIL("wide case %u: bytes differ", j);
	}
	for (int j = 0; j < 3; j++, k++) {
		const struct kcovdf_rec *r = &v.r[k];

		EXPECT_EQ(r->pc, 0x6200 + j);
		EXPECT_EQ(r->flags, KCOV_DF_F_NOTREAD);
		EXPECT_EQ(r->words, 3);
		EXPECT_EQ(r->nfields, 0);
	}
	expect_rec(&v.r[k], KCOV_DF_KIND_ARG, 0, 3, 4, 0x6203, 7);
	k++;
	{
		static const uint64_t want[3] = { 11, 0, 33 };

		EXPECT_EQ(v.r[k].flags, KCOV_DF_F_FIELDS | KCOV_DF_F_BYVAL |
					KCOV_DF_F_FAULT);
		expect_fields(&v.r[k], want, 3, 0x2);
	}
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

enum {
	BP_NULL, BP_ERR, BP_UNMAPPED, BP_MUNMAPPED, BP_PROTNONE, BP_KERNEL,
	BP_NONCANON, BP_TOP, BP_PARTIAL16, BP_PARTIAL3, BP_GOOD, BP_N
};

static void run_badptr(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *two = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *gone = mmap(NULL, pg, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *none = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	uint64_t addr[BP_N];
	static uint64_t good[4] = { 1, 2, 3, (uint64_t)-4 };

	memset(two, 0, pg);
	for (int i = 0; i < 16; i++)	/* last 16 bytes of the first page */
		two[pg - 16 + i] = (char)(0x10 + i);
	mprotect(two + pg, pg, PROT_NONE);
	munmap(gone, pg);
	addr[BP_NULL] = 0;
	addr[BP_ERR] = (uint64_t)-12;			/* ERR_PTR(-ENOMEM) */
	addr[BP_UNMAPPED] = 0x10000;			/* below mmap_min */
	addr[BP_MUNMAPPED] = (uintptr_t)gone;
	addr[BP_PROTNONE] = (uintptr_t)none;
	addr[BP_KERNEL] = 0xffff888000000000ULL;
	addr[BP_NONCANON] = 0x1234567800000000ULL;
	addr[BP_TOP] = (uint64_t)-4096 - 64;		/* wraps */
	addr[BP_PARTIAL16] = (uintptr_t)(two + pg - 16); /* fields 0,1 ok */
	addr[BP_PARTIAL3] = (uintptr_t)(two + pg - 3);	 /* misaligned */
	addr[BP_GOOD] = (uintptr_t)good;
	for (int i = 0; i < BP_N; i++)
		__kcov_df_trace_args_v2(0x4000 + i, FINFO(0, 0, 8),
					   addr[i],
					   i == BP_PARTIAL3 ? ODD : QUAD);
	/* The same through the ret callback, and a NULL with FIRST. */
	__kcov_df_trace_ret_v2(0x4100, FINFO(0, 0, 8), 0, QUAD);
	__kcov_df_trace_args_v2(0x4101, FINFO(0, KCOV_DF_F_FIRST, 8),
				   (uintptr_t)none + 100, ODD);
	/* Still alive: report it. */
	ARG(0x4fff, KCOV_DF_INFO(0, 0, 4), 1);
}

static void check_badptr(const char *path)
{
	struct kcovdf_trace *t = load(path);
	struct recs v = stream_recs(local_stream(t, 0));
	uint64_t p16[4], w;
	unsigned char b[16];

	EXPECT_EQ(v.n, BP_N + 3);
	if (v.n != BP_N + 3)
		return;
	for (int i = 0; i < 16; i++)
		b[i] = (unsigned char)(0x10 + i);
	memcpy(&p16[0], b, 8);
	memcpy(&p16[1], b + 8, 8);
	for (int i = 0; i < BP_N; i++) {
		const struct kcovdf_rec *r = &v.r[i];
		uint64_t none4[4] = { 0 };

		EXPECT_EQ(r->pc, 0x4000 + i);
		EXPECT_EQ(r->type_id, i == BP_PARTIAL3 ? 0x0dd : 0x9999);
		switch (i) {
		case BP_NULL:
			EXPECT_EQ(r->flags,
				  KCOV_DF_F_FIELDS | KCOV_DF_F_NULL);
			EXPECT_EQ(r->nfields, 0);
			EXPECT_EQ(r->words, 4);
			break;
		case BP_ERR:
			EXPECT_EQ(r->flags,
				  KCOV_DF_F_FIELDS | KCOV_DF_F_ERRPTR);
			EXPECT_EQ(r->nfields, 0);
			EXPECT_EQ(r->value, (uint64_t)-12);
			break;
		case BP_PARTIAL16:
			EXPECT_EQ(r->flags,
				  KCOV_DF_F_FIELDS | KCOV_DF_F_FAULT);
			expect_fields(r, p16, 4, 0xc);
			break;
		case BP_PARTIAL3:
			/* 3 bytes readable: field 0 (bytes 0-1) and field 1
			 * (byte 2) are, field 2 (3-6) and 3 (7-14) not. */
			w = (uint64_t)b[13] | (uint64_t)b[14] << 8;
			none4[0] = w;
			none4[1] = (uint64_t)(int64_t)(int8_t)b[15];
			EXPECT_EQ(r->flags,
				  KCOV_DF_F_FIELDS | KCOV_DF_F_FAULT);
			expect_fields(r, none4, 4, 0xc);
			break;
		case BP_GOOD:
			EXPECT_EQ(r->flags, KCOV_DF_F_FIELDS);
			{
				uint64_t g[4] = { 1, 2, 3, (uint64_t)-4 };
				expect_fields(r, g, 4, 0);
			}
			break;
		default:	/* nothing readable */
			EXPECT_EQ(r->flags,
				  KCOV_DF_F_FIELDS | KCOV_DF_F_FAULT);
			expect_fields(r, none4, 4, 0xf);
		}
	}
	EXPECT_EQ(v.r[BP_N].kind, KCOV_DF_KIND_RET);
	EXPECT_EQ(v.r[BP_N].flags, KCOV_DF_F_FIELDS | KCOV_DF_F_NULL);
	EXPECT_EQ(v.r[BP_N + 1].flags,
		  KCOV_DF_F_FIELDS | KCOV_DF_F_FIRST | KCOV_DF_F_FAULT);
	EXPECT_EQ(v.r[BP_N + 1].unreadable, 0xf);
	expect_rec(&v.r[BP_N + 2], KCOV_DF_KIND_ARG, 0, 0, 4, 0x4fff, 1);
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* trunc: layouts with more than 64 fields or the TRUNC flag           */
/* ------------------------------------------------------------------ */

static LAYOUT(70) big_layout;
static uint64_t big_obj[80];

static void big_init(void)
{
	big_layout.type_id = 0xb16;
	big_layout.size = sizeof(big_obj);
	big_layout.nfields = 70;
	big_layout.span_offset = 0;
	big_layout.span_size = 70 * 8;
	big_layout.version = KCOV_DF_LAYOUT_VERSION;
	for (int i = 0; i < 70; i++) {
		big_layout.f[i] = (struct kcov_df_field){ i * 8, 8, 0, 0, 0 };
		big_obj[i] = 1000 + i;
	}
}

static void run_trunc(void)
{
	static LAYOUT(1) one = {
		.type_id = 1, .size = 8, .nfields = 1,
		       .flags = KCOV_DF_LAYOUT_TRUNC, .span_size = 8,
		       .version = KCOV_DF_LAYOUT_VERSION,
		.f = { { 0, 8, 0, 0, 0 } },
	};

	big_init();
	__kcov_df_trace_args_v2(0x5000, FINFO(0, 0, 8),
				   (uintptr_t)big_obj,
				   (const struct kcov_df_layout *)&big_layout);
	__kcov_df_trace_args_v2(0x5001, FINFO(0, 0, 8),
				   (uintptr_t)big_obj,
				   (const struct kcov_df_layout *)&one);
}

static void check_trunc(const char *path)
{
	struct kcovdf_trace *t = load(path);
	const struct kcovdf_stream *s = local_stream(t, 0);
	struct recs v = stream_recs(s);
	uint64_t want[64];
	const struct kcovdf_loss *l;

	EXPECT_EQ(v.n, 2);
	if (v.n != 2)
		return;
	for (int i = 0; i < 64; i++)
		want[i] = 1000 + i;
	EXPECT_EQ(v.r[0].flags, KCOV_DF_F_FIELDS | KCOV_DF_F_TRUNC);
	expect_fields(&v.r[0], want, 64, 0);
	EXPECT_EQ(v.r[0].words, 3 + 1 + 64);
	EXPECT_EQ(v.r[1].flags, KCOV_DF_F_FIELDS | KCOV_DF_F_TRUNC);
	expect_fields(&v.r[1], want, 1, 0);
	l = kcovdf_trace_loss(t, s);
	if (l)
		EXPECT_EQ(l->truncated, 2);
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* threads: 8 threads x N records, exact counts                         */
/* ------------------------------------------------------------------ */

#define NTHREADS 8
#define PER_THREAD 50000

static void *thread_main(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	char name[16];

	snprintf(name, sizeof(name), "worker%u", (unsigned)id);
	pthread_setname_np(pthread_self(), name);
	for (uint64_t i = 0; i < PER_THREAD; i++) {
		ARG(0x6000 + id, KCOV_DF_INFO(0, KCOV_DF_F_FIRST, 8), i);
		if (i % 1000 == 0)
			__kcov_df_trace_args_v2(
				0x6100 + id, FINFO(1, 0, 8),
				(uintptr_t)&samples[1], SAMPLE);
		RET(0x6000 + id, KCOV_DF_INFO(0, 0, 8), i * 3);
	}
	return NULL;
}

static void run_threads(void)
{
	pthread_t th[NTHREADS];

	sample_fill(&samples[1], 1);
	for (uintptr_t i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, thread_main, (void *)i);
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	ARG(0x6fff, KCOV_DF_INFO(0, 0, 4), 0);
}

static void check_threads(const char *path)
{
	struct kcovdf_trace *t = load(path);
	int seen[NTHREADS] = { 0 };
	uint64_t want[14];

	sample_fill(&samples[1], 1);
	sample_expect(&samples[1], want);
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *s = &t->streams[i];
		struct recs v = stream_recs(s);
		uint64_t id, k = 0;

		if (v.n == 1 && v.r[0].pc == 0x6fff) {
			free(v.r);
			continue;	/* main thread */
		}
		if (v.n == 0) {
			FAIL("empty stream");
			continue;
		}
		id = v.r[0].pc - 0x6000;
		if (id >= NTHREADS) {
			FAIL("unexpected first record pc 0x%llx",
			     (unsigned long long)v.r[0].pc);
			free(v.r);
			continue;
		}
		seen[id]++;
		if (strncmp(s->comm, "worker", 6) != 0)
			FAIL("stream comm '%s'", s->comm);
		EXPECT_EQ(v.n, PER_THREAD * 2 + PER_THREAD / 1000);
		for (uint64_t i2 = 0; i2 < PER_THREAD && k < v.n; i2++) {
			const struct kcovdf_rec *a = &v.r[k++];

			if (a->pc != 0x6000 + id || a->value != i2 ||
			    a->kind != KCOV_DF_KIND_ARG) {
				FAIL("thread %llu record %llu wrong",
				     (unsigned long long)id,
				     (unsigned long long)i2);
				break;
			}
			if (i2 % 1000 == 0) {
				a = &v.r[k++];
				if (a->pc != 0x6100 + id)
					FAIL("fields record missing");
				else if (i2 == 0) {
					want[11] = a->fields[11];
					expect_fields(a, want, 14, 0);
				}
			}
			a = &v.r[k++];
			if (a->pc != 0x6000 + id || a->value != i2 * 3 ||
			    a->kind != KCOV_DF_KIND_RET) {
				FAIL("thread ret record %llu wrong",
				     (unsigned long long)i2);
				break;
			}
		}
		free(v.r);
	}
	for (int i = 0; i < NTHREADS; i++)
		if (seen[i] != 1)
			FAIL("thread %d has %d streams", i, seen[i]);
	check_losses_consistent(t);
	for (size_t i = 0; i < t->nlosses; i++)
		EXPECT_EQ(t->losses[i].dropped, 0);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* fork: both processes record, each under its own pid                 */
/* ------------------------------------------------------------------ */

static void run_fork(void)
{
	pid_t pid;
	int st;

	ARG(0x7000, KCOV_DF_INFO(0, 0, 4), getpid());	/* parent, before */
	pid = fork();
	if (pid == 0) {
		ARG(0x7001, KCOV_DF_INFO(0, 0, 4), getpid());
		ARG(0x7002, KCOV_DF_INFO(0, 0, 4), getppid());
		exit(0);
	}
	waitpid(pid, &st, 0);
	ARG(0x7003, KCOV_DF_INFO(0, 0, 4), pid);
	/* A second child that leaves with _exit (no atexit, no
	 * destructors): its records must still be there. */
	pid = fork();
	if (pid == 0) {
		ARG(0x7004, KCOV_DF_INFO(0, 0, 4), getpid());
		_exit(0);
	}
	waitpid(pid, &st, 0);
}

static void check_fork(const char *path)
{
	struct kcovdf_trace *t = load(path);
	uint32_t parent = 0, child = 0, child2 = 0;
	int nmaps_child = 0;
	char key[64];

	for (size_t i = 0; i < t->nstreams; i++) {
		struct recs v = stream_recs(&t->streams[i]);

		if (v.n && v.r[0].pc == 0x7000)
			parent = t->streams[i].pid;
		if (v.n && v.r[0].pc == 0x7001)
			child = t->streams[i].pid;
		if (v.n && v.r[0].pc == 0x7004)
			child2 = t->streams[i].pid;
		free(v.r);
	}
	if (!parent || !child || !child2 || parent == child) {
		FAIL("pids parent %u child %u child2 %u", parent, child,
		     child2);
		return;
	}
	{
		struct recs p = stream_recs(local_stream(t, parent));
		struct recs c = stream_recs(local_stream(t, child));
		struct recs c2 = stream_recs(local_stream(t, child2));

		EXPECT_EQ(p.n, 2);
		EXPECT_EQ(c.n, 2);
		EXPECT_EQ(c2.n, 1);
		if (p.n == 2 && c.n == 2 && c2.n == 1) {
			EXPECT_EQ(p.r[0].value, parent);
			EXPECT_EQ(p.r[1].pc, 0x7003);
			EXPECT_EQ(p.r[1].value, child);
			EXPECT_EQ(c.r[0].value, child);
			EXPECT_EQ(c.r[1].value, parent);
			EXPECT_EQ(c2.r[0].value, child2);
		}
		free(p.r);
		free(c.r);
		free(c2.r);
	}
	for (size_t i = 0; i < t->nmaps; i++)
		if (t->maps[i].pid == child)
			nmaps_child++;
	if (nmaps_child == 0)
		FAIL("no MAP chunk for the child");
	snprintf(key, sizeof(key), "proc.%u.ppid", child);
	if (!kcovdf_trace_meta(t, key) ||
	    strtoul(kcovdf_trace_meta(t, key), NULL, 10) != parent)
		FAIL("META %s", key);
	check_losses_consistent(t);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* usersegv: the program's own SIGSEGV handler keeps its faults         */
/* ------------------------------------------------------------------ */

static sigjmp_buf jb;
static volatile int user_faults;
static volatile uintptr_t user_fault_addr;

static void my_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	user_faults++;
	user_fault_addr = (uintptr_t)si->si_addr;
	siglongjmp(jb, 1);
}

static void my_segv_plain(int sig)
{
	(void)sig;
	user_faults += 100;
	siglongjmp(jb, 1);
}

static void run_usersegv(void)
{
	struct sigaction sa, old;
	/* Opaque to the compiler: the faults are deliberate. */
	static volatile uintptr_t bad_addr = 0x18;
	volatile int *bad = (volatile int *)bad_addr;
	char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = my_segv;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGSEGV, &sa, NULL);
	/* Querying shows the program's own handler. */
	sigaction(SIGSEGV, NULL, &old);
	ARG(0x8000, KCOV_DF_INFO(0, 0, 8), old.sa_sigaction == my_segv);
	/* Our reads of bad pointers never reach the program's handler. */
	for (int i = 0; i < 100; i++)
		__kcov_df_trace_args_v2(0x8001, FINFO(0, 0, 8),
					   (uintptr_t)none, QUAD);
	ARG(0x8002, KCOV_DF_INFO(0, 0, 4), user_faults);
	/* The program's own fault reaches its handler. */
	if (sigsetjmp(jb, 1) == 0)
		*bad = 1;
	ARG(0x8003, KCOV_DF_INFO(0, 0, 4), user_faults);
	ARG(0x8004, KCOV_DF_INFO(0, 0, 8), user_fault_addr);
	/* signal() too, with its BSD semantics; it returns the old one. */
	ARG(0x8005, KCOV_DF_INFO(0, 0, 8),
	    (void *)signal(SIGSEGV, my_segv_plain) == (void *)my_segv);
	if (sigsetjmp(jb, 1) == 0)
		*(volatile char *)none = 1;
	ARG(0x8006, KCOV_DF_INFO(0, 0, 4), user_faults);
	/* SIGBUS from a truncated file mapping: ours while reading,
	 * theirs otherwise. */
	{
		char tmpl[] = "/tmp/kcovdf-bus-XXXXXX";
		int fd = mkstemp(tmpl);
		char *m;

		if (ftruncate(fd, 8192) != 0)
			abort();
		m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
		if (ftruncate(fd, 0) != 0)
			abort();
		unlink(tmpl);
		__kcov_df_trace_args_v2(0x8007, FINFO(0, 0, 8),
					   (uintptr_t)m, QUAD);
		signal(SIGBUS, my_segv_plain);
		user_faults = 0;
		if (sigsetjmp(jb, 1) == 0)
			(void)*(volatile char *)m;
		ARG(0x8008, KCOV_DF_INFO(0, 0, 4), user_faults);
	}
	/* SA_RESETHAND: after one delivery the program sees SIG_DFL. */
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	user_faults = 0;
	if (sigsetjmp(jb, 1) == 0)
		*bad = 2;
	sigaction(SIGSEGV, NULL, &old);
	ARG(0x8009, KCOV_DF_INFO(0, 0, 8),
	    user_faults * 10 + (old.sa_handler == SIG_DFL));
}

static void check_usersegv(const char *path)
{
	struct kcovdf_trace *t = load(path);
	struct recs v = stream_recs(local_stream(t, 0));
	uint64_t want[] = { 1, 0, 1, 0x18, 1, 101, 0, 100, 11 };
	uint64_t pcs[] = { 0x8000, 0x8002, 0x8003, 0x8004, 0x8005, 0x8006,
			   0x8007, 0x8008, 0x8009 };
	size_t k = 0;

	for (size_t i = 0; i < v.n; i++) {
		if (v.r[i].pc == 0x8001) {
			EXPECT_EQ(v.r[i].unreadable, 0xf);
			continue;
		}
		if (k >= sizeof(pcs) / sizeof(pcs[0])) {
			FAIL("extra record");
			break;
		}
		EXPECT_EQ(v.r[i].pc, pcs[k]);
		if (pcs[k] == 0x8007)
			EXPECT_EQ(v.r[i].unreadable, 0xf);
		else
			EXPECT_EQ(v.r[i].value, want[k]);
		k++;
	}
	EXPECT_EQ(k, sizeof(pcs) / sizeof(pcs[0]));
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

/* A fault outside the copy routine, no handler: default action (death by
 * SIGSEGV), exactly as without the runtime. Run by the shell; it checks
 * the exit status. */
static void run_segvdie(void)
{
	static volatile uintptr_t addr = 0x20;

	ARG(0x8100, KCOV_DF_INFO(0, 0, 4), 1);
	*(volatile int *)addr = 1;
	ARG(0x8101, KCOV_DF_INFO(0, 0, 4), 2);	/* not reached */
}

/* A SIGSEGV sent with kill(), handler SIG_DFL: death too. */
static void run_segvkill(void)
{
	ARG(0x8200, KCOV_DF_INFO(0, 0, 4), 1);
	kill(getpid(), SIGSEGV);
	ARG(0x8201, KCOV_DF_INFO(0, 0, 4), 2);	/* not reached */
}

/* ------------------------------------------------------------------ */
/* masked: reads with SIGSEGV blocked, and inside handlers             */
/* ------------------------------------------------------------------ */

static char *masked_none;

static void usr1_handler(int sig)
{
	(void)sig;
	/* Runs with every signal blocked (sa_mask full). */
	__kcov_df_trace_args_v2(0x9001, FINFO(0, 0, 8),
				   (uintptr_t)masked_none, QUAD);
}

static void *masked_thread(void *arg)
{
	(void)arg;
	__kcov_df_trace_args_v2(0x9002, FINFO(0, 0, 8),
				   (uintptr_t)masked_none, QUAD);
	return NULL;
}

static void run_masked(void)
{
	struct sigaction sa;
	sigset_t all, old;
	pthread_t th;

	masked_none = mmap(NULL, 4096, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = usr1_handler;
	sigfillset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	/* A thread created with every signal blocked. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_create(&th, NULL, masked_thread, NULL);
	pthread_join(th, NULL);
	/* And this thread itself, blocked. */
	__kcov_df_trace_args_v2(0x9003, FINFO(0, 0, 8),
				   (uintptr_t)masked_none, QUAD);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	__kcov_df_trace_args_v2(0x9004, FINFO(0, 0, 8),
				   (uintptr_t)masked_none, QUAD);
}

static void check_masked(const char *path)
{
	struct kcovdf_trace *t = load(path);
	int seen = 0;

	for (size_t i = 0; i < t->nstreams; i++) {
		struct recs v = stream_recs(&t->streams[i]);

		for (size_t k = 0; k < v.n; k++) {
			if (v.r[k].pc < 0x9001 || v.r[k].pc > 0x9004)
				continue;
			seen |= 1 << (v.r[k].pc - 0x9001);
			EXPECT_EQ(v.r[k].unreadable, 0xf);
		}
		free(v.r);
	}
	EXPECT_EQ(seen, 0xf);
	check_losses_consistent(t);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* sigrace: signals arriving during callbacks are skipped and counted   */
/* ------------------------------------------------------------------ */

#define SIGRACE_N 3000000
static volatile uint64_t handler_calls;
static volatile int sigrace_stop;

static void sigrace_handler(int sig)
{
	(void)sig;
	handler_calls++;
	ARG(0xa001, KCOV_DF_INFO(0, 0, 8), handler_calls);
	__kcov_df_trace_args_v2(0xa002, FINFO(0, 0, 8),
				   (uintptr_t)&samples[1], SAMPLE);
}

static void *sigrace_sender(void *arg)
{
	pthread_t target = *(pthread_t *)arg;

	while (!sigrace_stop) {
		pthread_kill(target, SIGUSR2);
		for (volatile int i = 0; i < 200; i++)
			;
	}
	return NULL;
}

static void run_sigrace(void)
{
	pthread_t self = pthread_self(), th;
	struct kcovdf_rt_counters c;

	sample_fill(&samples[1], 1);
	signal(SIGUSR2, sigrace_handler);
	pthread_create(&th, NULL, sigrace_sender, &self);
	for (uint64_t i = 0; i < SIGRACE_N; i++) {
		if (i % 4 == 0)
			__kcov_df_trace_args_v2(0xa000, FINFO(0, 0, 8),
						   (uintptr_t)&samples[1],
						   SAMPLE);
		else
			ARG(0xa000, KCOV_DF_INFO(0, 0, 8), i);
	}
	sigrace_stop = 1;
	pthread_join(th, NULL);
	signal(SIGUSR2, SIG_IGN);
	kcovdf_rt_get_counters(KCOVDF_STREAM_LOCAL, &c);
	/* Each handler call attempts two records. */
	ARG(0xafff, KCOV_DF_INFO(0, 0, 8), handler_calls);
	fprintf(stderr, "sigrace: %llu signals, %llu callbacks skipped\n",
		(unsigned long long)handler_calls,
		(unsigned long long)c.skipped);
}

static void check_sigrace(const char *path)
{
	struct kcovdf_trace *t = load(path);
	const struct kcovdf_stream *s = local_stream(t, 0);
	struct recs v = stream_recs(s);
	const struct kcovdf_loss *l = kcovdf_trace_loss(t, s);
	uint64_t main_recs = 0, hrecs = 0, calls = 0, next = 0;
	uint64_t want[14];

	sample_fill(&samples[1], 1);
	sample_expect(&samples[1], want);
	for (size_t i = 0; i < v.n; i++) {
		const struct kcovdf_rec *r = &v.r[i];

		if (r->pc == 0xa000) {
			if (r->flags & KCOV_DF_F_FIELDS) {
				want[11] = r->fields[11];
				if (next % 4 != 0)
					FAIL("struct record at %llu",
					     (unsigned long long)next);
				expect_fields(r, want, 14, 0);
			} else if (r->value != next) {
				FAIL("main record %llu has value %llu",
				     (unsigned long long)next,
				     (unsigned long long)r->value);
				break;
			}
			next++;
			main_recs++;
		} else if (r->pc == 0xa001 || r->pc == 0xa002) {
			hrecs++;
		} else if (r->pc == 0xafff) {
			calls = r->value;
		}
	}
	EXPECT_EQ(main_recs, SIGRACE_N);
	if (!l) {
		FAIL("no LOSS");
	} else {
		/* Every handler callback was either recorded or skipped. */
		EXPECT_EQ(hrecs + l->skipped, 2 * calls);
		if (l->skipped == 0)
			FAIL("no callback was skipped (%llu signals)",
			     (unsigned long long)calls);
		EXPECT_EQ(l->dropped, 0);
	}
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* small: a tiny buffer, many flushes, records never split             */
/* ------------------------------------------------------------------ */

#define SMALL_N 20000

static void run_small(void)
{
	sample_fill(&samples[1], 1);
	for (uint64_t i = 0; i < SMALL_N; i++) {
		if (i % 7 == 0)
			__kcov_df_trace_args_v2(
				0xb001, FINFO(0, 0, 8),
				(uintptr_t)&samples[1], SAMPLE);
		else if (i % 13 == 0)
			__kcov_df_trace_args_v2(
				0xb002, FINFO(0, 0, 8), (uintptr_t)big_obj,
				(const struct kcov_df_layout *)&big_layout);
		else
			ARG(0xb000, KCOV_DF_INFO(0, 0, 8), i);
	}
}

static void check_small(const char *path)
{
	struct kcovdf_trace *t = load(path);
	const struct kcovdf_stream *s = local_stream(t, 0);
	struct recs v = stream_recs(s);
	const struct kcovdf_loss *l;

	EXPECT_EQ(v.n, SMALL_N);
	for (size_t i = 0; i < v.n && i < SMALL_N; i++) {
		uint64_t pc = i % 7 == 0 ? 0xb001 : i % 13 == 0 ? 0xb002
							       : 0xb000;
		if (v.r[i].pc != pc || (pc == 0xb000 && v.r[i].value != i)) {
			FAIL("record %zu", i);
			break;
		}
		if (pc == 0xb002 && v.r[i].nfields != 64) {
			FAIL("record %zu has %u fields", i, v.r[i].nfields);
			break;
		}
	}
	l = kcovdf_trace_loss(t, s);
	if (l) {
		EXPECT_EQ(l->records, SMALL_N);
		EXPECT_EQ(l->dropped, 0);
	}
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

/* The number of STREAM chunks, counted from the raw file (the reader
 * concatenates them). */
static long count_chunks(const char *path, uint32_t type)
{
	FILE *f = fopen(path, "rb");
	struct kcovdf_chunk_hdr ch;
	long n = 0;

	if (!f)
		return -1;
	fseek(f, sizeof(struct kcovdf_file_hdr), SEEK_SET);
	while (fread(&ch, sizeof(ch), 1, f) == 1) {
		if (ch.type == type)
			n++;
		fseek(f, (long)((ch.size + 7) & ~7ULL), SEEK_CUR);
	}
	fclose(f);
	return n;
}

/* ------------------------------------------------------------------ */
/* wfail: writes fail; the loss is counted                             */
/* ------------------------------------------------------------------ */

#define WFAIL_N 1000

static void run_wfail(void)
{
	int fd = kcovdf_rt_output_fd();
	int saved = dup(fd);
	int ro = open("/dev/null", O_RDONLY);
	struct kcovdf_rt_counters c;

	/* Records before: flushed normally. */
	for (int i = 0; i < 100; i++)
		ARG(0xc000, KCOV_DF_INFO(0, 0, 4), i);
	kcovdf_rt_flush();
	/* Make the descriptor refuse writes: a read-only dup of the same
	 * file keeps the runtime's identity check happy. */
	{
		char p[64];
		int rofile;

		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		rofile = open(p, O_RDONLY);
		dup2(rofile, fd);
		close(rofile);
	}
	for (int i = 0; i < WFAIL_N; i++)
		ARG(0xc001, KCOV_DF_INFO(0, 0, 4), i);
	kcovdf_rt_flush();	/* fails: WFAIL_N records dropped */
	dup2(saved, fd);
	close(saved);
	close(ro);
	for (int i = 0; i < 10; i++)
		ARG(0xc002, KCOV_DF_INFO(0, 0, 4), i);
	kcovdf_rt_get_counters(KCOVDF_STREAM_LOCAL, &c);
	fprintf(stderr, "wfail: records %llu dropped %llu\n",
		(unsigned long long)c.records, (unsigned long long)c.dropped);
}

static void check_wfail(const char *path)
{
	struct kcovdf_trace *t = load(path);
	const struct kcovdf_stream *s = local_stream(t, 0);
	struct recs v = stream_recs(s);
	const struct kcovdf_loss *l = kcovdf_trace_loss(t, s);

	EXPECT_EQ(v.n, 110);
	if (v.n == 110) {
		EXPECT_EQ(v.r[99].pc, 0xc000);
		EXPECT_EQ(v.r[100].pc, 0xc002);
	}
	if (!l) {
		FAIL("no LOSS");
	} else {
		EXPECT_EQ(l->records, 100 + WFAIL_N + 10);
		EXPECT_EQ(l->dropped, WFAIL_N);
	}
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* pcext: KCOV_TRACE_PC_EXT words                                      */
/* ------------------------------------------------------------------ */

__attribute__((noinline)) static void pc_leaf(void)
{
	__sanitizer_cov_trace_pc_entry();
	__sanitizer_cov_trace_pc();
	__sanitizer_cov_trace_pc_exit();
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void pc_outer(int n)
{
	__sanitizer_cov_trace_pc_entry();
	for (int i = 0; i < n; i++)
		pc_leaf();
	__sanitizer_cov_trace_pc_exit();
	__asm__ volatile("" ::: "memory");
}

static void run_pcext(void)
{
	pc_outer(3);
	ARG(0xd000, KCOV_DF_INFO(0, 0, 8), (uintptr_t)pc_leaf);
	ARG(0xd001, KCOV_DF_INFO(0, 0, 8), (uintptr_t)pc_outer);
}

static void check_pcext(const char *path)
{
	struct kcovdf_trace *t = load(path);
	const struct kcovdf_stream *pcs = NULL;
	struct recs v = stream_recs(local_stream(t, 0));
	uint64_t leaf, outer;
	int depth = 0;

	for (size_t i = 0; i < t->nstreams; i++)
		if (t->streams[i].kind == KCOVDF_STREAM_PCEXT)
			pcs = &t->streams[i];
	if (!pcs || v.n != 2) {
		FAIL("no PCEXT stream or wrong local records");
		return;
	}
	EXPECT_EQ(pcs->format, KCOVDF_FMT_KCOV_PCEXT);
	leaf = v.r[0].value;
	outer = v.r[1].value;
	EXPECT_EQ(pcs->nwords, 2 + 3 * 3);
	for (size_t i = 0; i < pcs->nwords; i++) {
		uint64_t w = pcs->words[i], type = w & 0xf000000000000000ULL;
		uint64_t ip = w & 0x00ffffffffffffffULL;
		int in_leaf = ip > leaf && ip < leaf + 256;
		int in_outer = ip > outer && ip < outer + 256;

		if ((w >> 56) != 0x00 && (w >> 56) != 0x10 &&
		    (w >> 56) != 0xf0)
			FAIL("word %zu: top byte 0x%02llx", i,
			     (unsigned long long)(w >> 56));
		if (type == 0)
			depth++;
		else if (type == 0x1000000000000000ULL)
			depth--;
		if (depth < 0)
			FAIL("exit at depth 0");
		if (i == 0 && !(type == 0 && in_outer))
			FAIL("first word is not outer's entry");
		if (i >= 1 && i <= 9 && !in_leaf)
			FAIL("word %zu not in pc_leaf", i);
		if (i >= 1 && i <= 9)
			EXPECT_EQ(type, ((i - 1) % 3 == 0 ? 0ULL :
					 (i - 1) % 3 == 1 ?
					 0xf000000000000000ULL :
					 0x1000000000000000ULL));
	}
	EXPECT_EQ(depth, 0);
	check_losses_consistent(t);
	free(v.r);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* exec: records before exec and in the new image, same pid            */
/* ------------------------------------------------------------------ */

static void run_exec(void)
{
	ARG(0xe000, KCOV_DF_INFO(0, 0, 4), getpid());
	execl(self_path, self_path, "run", "exec2", (char *)NULL);
	FAIL("execl: %s", strerror(errno));
}

static void run_exec2(void)
{
	ARG(0xe001, KCOV_DF_INFO(0, 0, 4), getpid());
	if (getenv("KCOVDF_EXEC_STATE"))
		FAIL("KCOVDF_EXEC_STATE still in the environment");
}

static void check_exec(const char *path)
{
	struct kcovdf_trace *t = load(path);
	const struct kcovdf_stream *s = local_stream(t, 0);
	struct recs v = stream_recs(s);
	char key[64];

	/* Both images, one pid, one stream (same pid and tid). */
	EXPECT_EQ(v.n, 2);
	if (v.n == 2) {
		EXPECT_EQ(v.r[0].pc, 0xe000);
		EXPECT_EQ(v.r[1].pc, 0xe001);
		EXPECT_EQ(v.r[0].value, v.r[1].value);
	}
	snprintf(key, sizeof(key), "proc.%u.start", s->pid);
	if (!kcovdf_trace_meta(t, key))
		FAIL("no %s", key);
	/* The new image continued the counters: the last LOSS chunk
	 * covers both images. */
	check_losses_consistent(t);
	{
		const struct kcovdf_loss *l = kcovdf_trace_loss(t, s);

		if (l)
			EXPECT_EQ(l->records, 2);
	}
	/* The state variable does not leak into the new image's
	 * children. */
	free(v.r);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* late: a thread still recording while the process exits               */
/* ------------------------------------------------------------------ */

static void *late_thread(void *arg)
{
	(void)arg;
	for (uint64_t i = 0;; i++)
		ARG(0xf001, KCOV_DF_INFO(0, 0, 8), i);
	return NULL;
}

static void run_late(void)
{
	pthread_t th;

	pthread_create(&th, NULL, late_thread, NULL);
	usleep(20000);
	ARG(0xf000, KCOV_DF_INFO(0, 0, 4), 1);
	exit(0);
}

static void check_late(const char *path)
{
	struct kcovdf_trace *t = load(path);
	int found = 0;

	for (size_t i = 0; i < t->nstreams; i++) {
		struct recs v = stream_recs(&t->streams[i]);

		for (size_t k = 0; k < v.n; k++)
			if (v.r[k].pc == 0xf001) {
				if (v.r[k].value != (uint64_t)found) {
					FAIL("late thread record %zu", k);
					break;
				}
				found++;
			}
		free(v.r);
	}
	if (found == 0)
		FAIL("no records of the running thread");
	check_losses_consistent(t);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* maps: MAP chunks and META                                           */
/* ------------------------------------------------------------------ */

static void run_maps(void)
{
	ARG(0x10000, KCOV_DF_INFO(0, 0, 8), (uintptr_t)&run_maps);
}

static void check_maps(const char *path)
{
	struct kcovdf_trace *t = load(path);
	struct recs v = stream_recs(local_stream(t, 0));
	uint64_t fn = v.n ? v.r[0].value : 0;
	int main_found = 0, libc_found = 0;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	for (size_t i = 0; i < t->nmaps; i++) {
		const struct kcovdf_map_entry *m = &t->maps[i];

		if (fn >= m->start && fn < m->end &&
		    strcmp(m->path, exe) == 0) {
			main_found++;
			if (m->build_id_len == 0)
				FAIL("main program without build id");
		}
		if (strstr(m->path, "libc.so"))
			libc_found++;
	}
	/* At start and again at exit. */
	EXPECT_EQ(main_found, 2);
	EXPECT_EQ(libc_found, 2);
	if (!kcovdf_trace_meta(t, "exe") ||
	    strcmp(kcovdf_trace_meta(t, "exe"), exe) != 0)
		FAIL("META exe");
	if (!kcovdf_trace_meta(t, "pid"))
		FAIL("META pid");
	EXPECT_EQ(t->major, KCOVDF_FILE_MAJOR);
	free(v.r);
	kcovdf_trace_free(t);
}

/* ------------------------------------------------------------------ */
/* off: without KCOVDF_OUT nothing is recorded                         */
/* ------------------------------------------------------------------ */

static void run_off(void)
{
	for (int i = 0; i < 1000; i++)
		ARG(0x11000, KCOV_DF_INFO(0, 0, 4), i);
	__kcov_df_trace_args_v2(0x11001, FINFO(0, 0, 8), 16, QUAD);
	__sanitizer_cov_trace_pc();
	printf("gate=%d enabled=%d\n", __kcov_df_gate, kcovdf_rt_enabled());
}

/* ------------------------------------------------------------------ */
/* bench: tight loop, ns per recorded scalar callback                  */
/* ------------------------------------------------------------------ */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/*
 * Hot path: rounds of K records that fit in the buffer, timed, each followed
 * by an untimed kcovdf_rt_flush() (which rewinds the buffer, so the timed
 * loop never page-faults or writes). Steady state: one long loop, buffer
 * fills and write()s included.
 */
static void run_bench(void)
{
	const char *e = getenv("BENCH_N");
	uint64_t n = e ? strtoull(e, NULL, 0) : 100000000ULL;
	uint64_t k = 50000, rounds = n / k, i = 0;
	double hot = 0, pc = 0, t0, t1;

	ARG(0x12000, KCOV_DF_INFO(0, 0, 8), 0);	/* buffer set up */
	__sanitizer_cov_trace_pc();
	kcovdf_rt_flush();
	for (uint64_t r = 0; r < rounds; r++) {
		t0 = now();
		for (uint64_t j = 0; j < k; j++, i++)
			ARG(0x12000, KCOV_DF_INFO(1, 0, 8), i);
		t1 = now();
		hot += t1 - t0;
		kcovdf_rt_flush();
		t0 = now();
		for (uint64_t j = 0; j < k; j++)
			__sanitizer_cov_trace_pc();
		t1 = now();
		pc += t1 - t0;
		kcovdf_rt_flush();
	}
	printf("scalar callback, hot path: %.2f ns/call (%llu calls)\n",
	       hot * 1e9 / (rounds * k), (unsigned long long)(rounds * k));
	printf("pc callback, hot path:     %.2f ns/call\n",
	       pc * 1e9 / (rounds * k));
	t0 = now();
	for (uint64_t j = 0; j < n; j++)
		ARG(0x12000, KCOV_DF_INFO(1, 0, 8), j);
	t1 = now();
	printf("scalar callback, steady state with write()s: %.2f ns/call\n",
	       (t1 - t0) * 1e9 / n);
}

/* ------------------------------------------------------------------ */

/* parse: the file reads back (whatever it holds). */
static void check_parse(const char *path)
{
	kcovdf_trace_free(load(path));
}

struct scenario {
	const char *name;
	void (*run)(void);
	void (*check)(const char *path);
};

static const struct scenario scenarios[] = {
	{ "scalar", run_scalar, check_scalar },
	{ "fields", run_fields, check_fields },
	{ "badptr", run_badptr, check_badptr },
	{ "content", run_content, check_content },
	{ "trunc", run_trunc, check_trunc },
	{ "threads", run_threads, check_threads },
	{ "fork", run_fork, check_fork },
	{ "usersegv", run_usersegv, check_usersegv },
	{ "segvdie", run_segvdie, NULL },
	{ "segvkill", run_segvkill, NULL },
	{ "masked", run_masked, check_masked },
	{ "sigrace", run_sigrace, check_sigrace },
	{ "small", run_small, check_small },
	{ "wfail", run_wfail, check_wfail },
	{ "pcext", run_pcext, check_pcext },
	{ "exec", run_exec, check_exec },
	{ "exec2", run_exec2, NULL },
	{ "late", run_late, check_late },
	{ "maps", run_maps, check_maps },
	{ "off", run_off, NULL },
	{ "bench", run_bench, NULL },
	{ "parse", NULL, check_parse },
};

int main(int argc, char **argv)
{
	self_path = argv[0];
	big_init();
	if (argc >= 3) {
		for (size_t i = 0;
		     i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
			const struct scenario *s = &scenarios[i];

			if (strcmp(argv[2], s->name) != 0)
				continue;
			if (strcmp(argv[1], "run") == 0 && s->run) {
				s->run();
				return failures ? 1 : 0;
			}
			if (strcmp(argv[1], "check") == 0 && argc == 4 &&
			    s->check) {
				s->check(argv[3]);
				return failures ? 1 : 0;
			}
			if (strcmp(argv[1], "chunks") == 0 && argc == 4) {
				printf("%ld\n", count_chunks(argv[3],
							     KCOVDF_CHUNK_STREAM));
				return 0;
			}
		}
	}
	fprintf(stderr, "usage: rt_test run|check|chunks SCENARIO [trace]\n");
	return 2;
}
