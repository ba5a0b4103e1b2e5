// SPDX-License-Identifier: GPL-2.0
/*
 * Checker of the end-to-end test: e2e_check TRACE ADDRS, where ADDRS is
 * e2e's output ("name address" lines). Reads the trace with libkcovdf.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf/kcovdf.h"

static int failures;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "FAIL line %d: %s: ", __LINE__,   \
				#cond);                                   \
			fprintf(stderr, __VA_ARGS__);                     \
			fputc('\n', stderr);                              \
			failures++;                                       \
		}                                                         \
	} while (0)

struct fn {
	char name[32];
	uint64_t addr;
	struct kcovdf_rec recs[8];
	int n;
};

static struct fn fns[16];
static int nfns;

static int cb(const struct kcovdf_rec *r, void *arg)
{
	(void)arg;
	for (int i = 0; i < nfns; i++)
		if (fns[i].addr == r->pc && fns[i].n < 8)
			fns[i].recs[fns[i].n++] = *r;
	return 0;
}

static struct fn *fn(const char *name)
{
	for (int i = 0; i < nfns; i++)
		if (strcmp(fns[i].name, name) == 0)
			return &fns[i];
	fprintf(stderr, "no function %s\n", name);
	exit(1);
}

/* rec i of function f: kind, argidx, value, size */
static void scalar(const char *name, int i, int kind, unsigned int argidx,
		   uint64_t value, unsigned int size, unsigned int must,
		   unsigned int mustnot)
{
	struct fn *f = fn(name);
	const struct kcovdf_rec *r;

	CHECK(i < f->n, "%s: %d records", name, f->n);
	if (i >= f->n)
		return;
	r = &f->recs[i];
	CHECK(r->kind == kind, "%s[%d] kind %d", name, i, r->kind);
	CHECK(r->argidx == argidx, "%s[%d] argidx %u", name, i, r->argidx);
	CHECK(r->value == value, "%s[%d] value 0x%" PRIx64, name, i,
	      r->value);
	CHECK(r->size == size, "%s[%d] size %u", name, i, r->size);
	CHECK((r->flags & must) == must, "%s[%d] flags 0x%x lack 0x%x", name,
	      i, r->flags, must);
	CHECK((r->flags & mustnot) == 0, "%s[%d] flags 0x%x have 0x%x",
	      name, i, r->flags, mustnot);
}

/* The function (among those listed) whose code holds ip. */
static int fn_of(uint64_t ip)
{
	int best = -1;

	for (int i = 0; i < nfns; i++)
		if (fns[i].addr <= ip &&
		    (best < 0 || fns[i].addr > fns[best].addr))
			best = i;
	return best;
}

/*
 * Entry-exit mode (-fsanitize-coverage=trace-pc -mllvm -kcov-df-entry-exit):
 * the PCEXT stream must be main's entry, then one balanced entry/exit pair
 * per callee in call order, then main's exit; other words are 0xf0 blocks.
 */
static int check_pcext(const struct kcovdf_trace *t)
{
	static const char *order[] = { "main", "add", "neg", "low",
				       "sum_point", "maybe", "make_point",
				       "nothing" };
	const struct kcovdf_stream *s = NULL;
	int stack[16], sp = 0, k = 0;

	for (size_t i = 0; i < t->nstreams; i++)
		if (t->streams[i].kind == KCOVDF_STREAM_PCEXT)
			s = &t->streams[i];
	CHECK(s != NULL, "no PCEXT stream");
	if (!s)
		return 1;
	CHECK(s->format == KCOVDF_FMT_KCOV_PCEXT, "format %u", s->format);
	for (size_t i = 0; i < s->nwords; i++) {
		uint64_t w = s->words[i], ip = w & 0x00ffffffffffffffULL;
		int f = fn_of(ip);

		CHECK(f >= 0, "word %zu 0x%" PRIx64 " in no function", i, w);
		if (f < 0)
			continue;
		switch (w >> 56) {
		case 0x00:
			CHECK(k < 8 && strcmp(fns[f].name, order[k]) == 0,
			      "entry %d is %s", k, fns[f].name);
			k++;
			CHECK(sp < 16, "too deep");
			if (sp < 16)
				stack[sp++] = f;
			break;
		case 0x10:
			CHECK(sp > 0 && stack[sp - 1] == f,
			      "exit of %s does not match", fns[f].name);
			if (sp > 0)
				sp--;
			break;
		case 0xf0:
			CHECK(sp > 0 && stack[sp - 1] == f,
			      "block of %s outside it", fns[f].name);
			break;
		default:
			CHECK(0, "word %zu: top byte 0x%02x", i,
			      (unsigned int)(w >> 56));
		}
	}
	CHECK(k == 8, "%d entries", k);
	CHECK(sp == 0, "depth %d at the end", sp);
	return failures;
}

int main(int argc, char **argv)
{
	char err[256], line[256];
	struct kcovdf_trace *t;
	FILE *a;
	const struct kcovdf_rec *r;

	int pcext = argc == 4 && strcmp(argv[1], "--pcext") == 0;

	if (pcext) {
		argv++;
		argc--;
	}
	if (argc != 3)
		return 2;
	a = fopen(argv[2], "r");
	while (a && fgets(line, sizeof(line), a) && nfns < 16) {
		if (sscanf(line, "%31s %" SCNx64, fns[nfns].name,
			   &fns[nfns].addr) == 2)
			nfns++;
	}
	t = kcovdf_trace_read(argv[1], err, sizeof(err));
	if (!t) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (pcext) {
		if (check_pcext(t) == 0)
			printf("e2e: entry/exit words balanced, in call order\n");
		kcovdf_trace_free(t);
		return failures ? 1 : 0;
	}
	for (size_t i = 0; i < t->nstreams; i++)
		if (t->streams[i].kind == KCOVDF_STREAM_LOCAL &&
		    kcovdf_walk((int)t->streams[i].format, t->streams[i].words,
				t->streams[i].nwords, cb, NULL, err,
				sizeof(err)) != 0)
			CHECK(0, "%s", err);

	scalar("add", 0, KCOV_DF_KIND_ARG, 0, 2, 4,
	       KCOV_DF_F_FIRST | KCOV_DF_F_SIGNED, 0);
	scalar("add", 1, KCOV_DF_KIND_ARG, 1, 40, 4, KCOV_DF_F_SIGNED,
	       KCOV_DF_F_FIRST);
	scalar("add", 2, KCOV_DF_KIND_RET, KCOV_DF_ARGIDX_NONE, 42, 4, KCOV_DF_F_SIGNED, 0);
	scalar("neg", 0, KCOV_DF_KIND_ARG, 0, (uint64_t)-5, 8,
	       KCOV_DF_F_FIRST | KCOV_DF_F_SIGNED, 0);
	scalar("neg", 1, KCOV_DF_KIND_RET, KCOV_DF_ARGIDX_NONE, 5, 8, KCOV_DF_F_SIGNED, 0);
	scalar("low", 0, KCOV_DF_KIND_ARG, 0, 0x1234, 8, KCOV_DF_F_FIRST,
	       KCOV_DF_F_SIGNED);
	scalar("low", 1, KCOV_DF_KIND_RET, KCOV_DF_ARGIDX_NONE, 0x34, 1, 0, KCOV_DF_F_SIGNED);
	scalar("nothing", 0, KCOV_DF_KIND_ARG, KCOV_DF_ARGIDX_NONE, 0, 0,
	       KCOV_DF_F_FIRST | KCOV_DF_F_NOARGS, 0);
	scalar("nothing", 1, KCOV_DF_KIND_RET, KCOV_DF_ARGIDX_NONE, 0, 0,
	       KCOV_DF_F_VOID, 0);

	/* struct point *: fields x, y (4-bit), z (signed 5-bit), w. */
	r = &fn("sum_point")->recs[0];
	CHECK(fn("sum_point")->n == 2, "sum_point: %d records",
	      fn("sum_point")->n);
	CHECK(r->flags & KCOV_DF_F_FIELDS, "sum_point flags 0x%x", r->flags);
	CHECK(r->nfields == 4, "sum_point: %u fields", r->nfields);
	CHECK(r->type_id != 0, "type id");
	if (r->nfields == 4) {
		CHECK(r->fields[0] == (uint64_t)-7, "x 0x%" PRIx64,
		      r->fields[0]);
		CHECK(r->fields[1] == 9, "y 0x%" PRIx64, r->fields[1]);
		CHECK(r->fields[2] == (uint64_t)-16, "z 0x%" PRIx64,
		      r->fields[2]);
		CHECK(r->fields[3] == 123456789012ULL, "w 0x%" PRIx64,
		      r->fields[3]);
	}
	scalar("sum_point", 1, KCOV_DF_KIND_RET, KCOV_DF_ARGIDX_NONE,
	       (uint64_t)(int64_t)(int)(-7 + 9 - 16 + (int)123456789012L), 4,
	       KCOV_DF_F_SIGNED, 0);

	r = &fn("maybe")->recs[0];
	CHECK(fn("maybe")->n == 2, "maybe: %d records", fn("maybe")->n);
	CHECK((r->flags & (KCOV_DF_F_FIELDS | KCOV_DF_F_NULL)) ==
		      (KCOV_DF_F_FIELDS | KCOV_DF_F_NULL) &&
		      r->nfields == 0 && r->value == 0,
	      "maybe(NULL) flags 0x%x nfields %u", r->flags, r->nfields);
	scalar("maybe", 1, KCOV_DF_KIND_RET, KCOV_DF_ARGIDX_NONE,
	       (uint64_t)-1, 4, KCOV_DF_F_SIGNED, 0);

	/* struct point returned by value. */
	{
		struct fn *f = fn("make_point");

		scalar("make_point", 0, KCOV_DF_KIND_ARG, 0, 7, 4,
		       KCOV_DF_F_FIRST | KCOV_DF_F_SIGNED, 0);
		CHECK(f->n == 2, "make_point: %d records", f->n);
		if (f->n == 2) {
			r = &f->recs[1];
			CHECK(r->kind == KCOV_DF_KIND_RET, "kind");
			CHECK((r->flags & (KCOV_DF_F_FIELDS |
					   KCOV_DF_F_BYVAL)) ==
				      (KCOV_DF_F_FIELDS | KCOV_DF_F_BYVAL),
			      "make_point ret flags 0x%x", r->flags);
			CHECK(r->nfields == 4 && r->unreadable == 0,
			      "make_point ret %u fields, bad 0x%" PRIx64,
			      r->nfields, r->unreadable);
			if (r->nfields == 4)
				CHECK(r->fields[0] == 7 && r->fields[1] == 3 &&
					      r->fields[2] == (uint64_t)-2 &&
					      r->fields[3] == 1000,
				      "make_point fields");
		}
	}
	kcovdf_trace_free(t);
	if (!failures)
		printf("e2e: all values exact\n");
	return failures ? 1 : 0;
}
