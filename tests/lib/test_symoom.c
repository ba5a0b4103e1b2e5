// SPDX-License-Identifier: GPL-2.0
/*
 * Out of memory in the symboliser (lib/sym.c, lib/kallsyms.c), by fault
 * injection: tests/suites/05-lib.sh links this test and the library with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup, so every
 * allocation the library makes itself comes here (libdw's and libc's own
 * do not), and an armed wrapper fails the Nth one (or every one from the
 * Nth on) with ENOMEM.
 *
 * The symboliser reads this test's own executable (a MAP entry for
 * /proc/self/exe: its symbol table and DWARF), a kallsyms file, the
 * trace's SYMS names, and searches by build id for an object and a module
 * that are not there (warnings). For N = 1, 2, ... until a run fails no
 * allocation, each public call (kcovdf_sym_new, kcovdf_sym_func_start,
 * kcovdf_sym_fn) is made armed: it must succeed with the answer of a run
 * without injection, or fail with its error value and errno ENOMEM when
 * an allocation failed under it; then it is made again, disarmed, on the
 * same symboliser, and must answer in full. TAP output.
 */
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcovdf/kcovdf.h"
#include "failalloc.h"
#include "tap.h"

/* ------------------------------------------------------------------ */
/* Fault injection                                                     */
/* ------------------------------------------------------------------ */

enum { OFF, FAIL_ONE, FAIL_FROM };

static int armed;		/* OFF, FAIL_ONE: the Nth, FAIL_FROM: Nth on */
static long ncalls, fail_at, nfailed;

static int fail_now(void)
{
	if (armed == OFF)
		return 0;
	ncalls++;
	if (ncalls == fail_at || (armed == FAIL_FROM && ncalls > fail_at)) {
		nfailed++;
		return 1;
	}
	return 0;
}


/* ------------------------------------------------------------------ */
/* What is symbolised: functions of this file, with their DWARF        */
/* ------------------------------------------------------------------ */

enum symoom_color { SO_RED = -1, SO_GREEN = 2, SO_BLUE = 300 };

struct symoom_inner {
	short s;
	unsigned int bits : 5;
	unsigned int more : 11;
};

union symoom_pun {
	float f;
	unsigned int u;
};

struct symoom_probe {
	long id;
	struct symoom_inner in;
	union symoom_pun u;
	const char *label;
	enum symoom_color c;
	int arr[4];
	struct symoom_probe *next;
	struct symoom_inner *inp;	/* built in symoom_fn, its fields
					 * filled in symoom_fn2 */
	void (*cb)(int);
	double d;
	_Bool flag;
};

typedef struct {
	int a, b;
} symoom_anon;

long symoom_fn(struct symoom_probe *p, struct symoom_probe v,
	       enum symoom_color c, const symoom_anon *an);
symoom_anon symoom_fn2(struct symoom_inner *in, struct symoom_probe *p,
		       volatile unsigned char *q);

__attribute__((noinline)) long symoom_fn(struct symoom_probe *p,
					 struct symoom_probe v,
					 enum symoom_color c,
					 const symoom_anon *an)
{
	return p->id + v.id + (long)c + an->a + v.in.bits;
}

__attribute__((noinline)) symoom_anon symoom_fn2(struct symoom_inner *in,
						 struct symoom_probe *p,
						 volatile unsigned char *q)
{
	symoom_anon r = { (int)p->id + in->s, *q };

	return r;
}

/* ------------------------------------------------------------------ */
/* Answers as text, to compare with the run without injection          */
/* ------------------------------------------------------------------ */

static const char *str(const char *s)
{
	return s ? s : "<NULL>";
}

static void put_type(FILE *f, const struct kcovdf_type *t, int depth)
{
	if (!t) {
		fputs("-", f);
		return;
	}
	fprintf(f, "{%d '%s' %llu s%d c%d x%d v%d ff%d", t->kind, str(t->name),
		(unsigned long long)t->size, t->is_signed, t->is_char,
		t->is_complex, t->is_vector, t->float_fmt);
	if (t->target) {
		fputs(" ->", f);
		if (depth < 3)
			put_type(f, t->target, depth + 1);
		else
			fprintf(f, "'%s'", str(t->target->name));
	}
	for (size_t i = 0; i < t->nenums; i++)
		fprintf(f, " %s=%lld", str(t->enums[i].name),
			(long long)t->enums[i].value);
	if (t->fields || t->object_name) {
		fprintf(f, " obj '%s' %zu%s [", str(t->object_name),
			t->nfields, t->fields_trunc ? " trunc" : "");
		for (size_t i = 0; i < t->nfields; i++) {
			const struct kcovdf_tfield *x = &t->fields[i];

			fprintf(f, " %s@%u:%u:%u:%u:%u", str(x->name),
				x->offset, x->size, x->bit_offset,
				x->bit_size, x->flags);
			if (depth < 2)
				put_type(f, x->type, depth + 1);
			else
				fprintf(f, "'%s'",
					x->type ? str(x->type->name) : "-");
		}
		fputs(" ]", f);
	}
	fputs("}", f);
}

/* The whole answer of kcovdf_sym_fn() as text (malloc'd). */
static char *fn_text(const struct kcovdf_fn *fn)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		abort();
	if (!fn) {
		fputs("<no fn>", f);
	} else {
		fprintf(f, "%s @%llx dwarf %d %s:%d obj %s ret ", str(fn->name),
			(unsigned long long)fn->addr, fn->have_dwarf,
			str(fn->file), fn->line, str(fn->object));
		put_type(f, fn->ret, 0);
		for (size_t i = 0; i < fn->nparams; i++) {
			fprintf(f, "\n  param %zu %s ", i,
				str(fn->params[i].name));
			put_type(f, fn->params[i].type, 0);
		}
	}
	fclose(f);
	return s;
}

/* ------------------------------------------------------------------ */
/* The symboliser's inputs                                             */
/* ------------------------------------------------------------------ */

#define PID 4242u
#define KFUNC 0xffffffff81000000ULL
#define TSYM 0xffffffff81000100ULL
#define PAD 0xffffffff90000000ULL	/* above every address asked */
#define BLOCK 65536			/* lib/arena.c's block */

static char tmpdir[] = "/tmp/kcovdf-test-symoom-XXXXXX";
static char exe[4096], ksyms[4200], fakeko[4200];
static uint64_t bias;
static struct kcovdf_map_entry maps[3];
/*
 * The trace's SYMS names. The symboliser copies them into its arena last,
 * in this order: a name longer than a block of the arena fills one of its
 * own, and the next (of length len, set_pad()) starts a new block: what is
 * left of that block, BLOCK - len - 1 (rounded down to 16), is where the
 * lookups' allocations begin. sweep() moves the end of that block (an
 * allocation that can fail) through the building of the types.
 */
static char bigname[BLOCK + 100], padname[BLOCK];
static struct kcovdf_symname tsyms[3] = {
	{ TSYM, "tsym_fn" }, { PAD, bigname }, { PAD + 1, padname },
};

static void set_pad(size_t len)
{
	memset(padname, 'q', len);
	padname[len] = 0;
}

static struct kcovdf_trace trace;
static const char *dbg[1];
static struct kcovdf_symopts opts;

static int first_phdr(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	*(uint64_t *)arg = info->dlpi_addr;
	return 1;		/* the first is the executable */
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static void setup(void)
{
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0 || !mkdtemp(tmpdir)) {
		perror("setup");
		exit(2);
	}
	exe[n] = 0;
	dl_iterate_phdr(first_phdr, &bias);
	snprintf(ksyms, sizeof(ksyms), "%s/kallsyms", tmpdir);
	write_file(ksyms, "ffffffff81000000 T kfunc\n"
		   "ffffffff81000200 t kfunc2\n"
		   "ffffffff82000000 D data\n"
		   "ffffffffc0000000 t modfn\t[symoom_mod]\n");
	/* A NAME.ko that the module search finds by name, and opens: not an
	 * ELF file, so not the module. */
	snprintf(fakeko, sizeof(fakeko), "%s/symoom_mod.ko", tmpdir);
	write_file(fakeko, "not an ELF file\n");

	maps[0] = (struct kcovdf_map_entry){ .pid = PID,
		.kind = KCOVDF_MAP_ELF, .bias = bias, .path = exe };
	maps[1] = (struct kcovdf_map_entry){ .pid = PID,
		.kind = KCOVDF_MAP_ELF, .start = 0x1000, .end = 0x2000,
		.bias = 0x1000, .build_id = { 1, 2, 3, 4 }, .build_id_len = 4,
		.path = "/nonexistent/libsymoom.so" };
	maps[2] = (struct kcovdf_map_entry){ .kind = KCOVDF_MAP_MODULE,
		.start = 0xffffffffc0000000ULL, .end = 0xffffffffc0001000ULL,
		.build_id = { 5, 6, 7, 8 }, .build_id_len = 4,
		.path = "symoom_mod" };
	trace.maps = maps;
	trace.nmaps = 3;
	memset(bigname, 'p', sizeof(bigname) - 1);
	set_pad(0);
	trace.syms = tsyms;
	trace.nsyms = 3;
	dbg[0] = tmpdir;
	opts.kallsyms = ksyms;
	opts.search = 1;
	opts.debug_path = dbg;
	opts.ndebug_path = 1;
}

static void cleanup(void)
{
	unlink(ksyms);
	unlink(fakeko);
	rmdir(tmpdir);
}

/* ------------------------------------------------------------------ */
/* The calls, and what they answer                                     */
/* ------------------------------------------------------------------ */

struct lookup {
	uint32_t pid;
	uint64_t pc;
};

static struct lookup fns[4];	/* symoom_fn, symoom_fn2, kallsyms, SYMS */

struct start {
	uint32_t pid;
	uint64_t addr;
};

/* DWARF only (padding between functions: no ELF symbol, nor a
 * subprogram), inside symoom_fn, by the trace's SYMS names. */
static struct start starts[3];
static size_t nstarts;

/* A function's text changes when a later lookup fills the fields of a
 * type it reaches (the fields of symoom_probe.inp's type are filled by
 * symoom_fn2's): fn is each right after its lookup, in order, final after
 * all of them. */
struct answers {
	char *warnings, *notes;
	char *fn[4], *final[4];
	int start_rc[3], start_errno[3];
	uint64_t start[3];
};

static struct answers ref;

static void answers_free(struct answers *a)
{
	free(a->warnings);
	free(a->notes);
	for (int i = 0; i < 4; i++) {
		free(a->fn[i]);
		free(a->final[i]);
	}
	memset(a, 0, sizeof(*a));
}

static int same_start(int i, int rc, int e, uint64_t v)
{
	return rc == ref.start_rc[i] &&
	       (rc ? e == ref.start_errno[i] : v == ref.start[i]);
}

/* Problems seen over all the runs of one mode. */
struct tally {
	long runs;
	long bad_error;		/* an error that is not ENOMEM, or an error
				 * with no failure injected */
	long swallowed;		/* a failure injected, the call succeeded */
	long wrong;		/* an answer (armed or retried) not the
				 * reference's */
	long retry_failed;	/* a retry without injection failed */
	long partial;		/* a cached answer changed after retry */
	long max_calls;
};

static void report(const char *what, const char *detail)
{
	printf("# %s: %s\n", what, detail);
}

/*
 * One run with injection mode m at the nth allocation: every call armed,
 * then again disarmed. Returns the number of injected failures.
 */
static long run(int m, long nth, struct tally *t)
{
	struct kcovdf_sym *s;
	const struct kcovdf_fn *got[4] = { 0 };
	long before, total = 0;
	char what[200];
	int e;

	ncalls = 0;
	nfailed = 0;
	fail_at = nth;
#define ARM() do { before = nfailed; armed = m; } while (0)
#define DISARM() do { armed = OFF; total = nfailed; } while (0)
	snprintf(what, sizeof(what), "mode %d, allocation %ld", m, nth);

	ARM();
	errno = 0;
	s = kcovdf_sym_new(&trace, &opts);
	e = errno;
	DISARM();
	if (!s) {
		if (e != ENOMEM || nfailed == before) {
			t->bad_error++;
			report(what, "kcovdf_sym_new: NULL without ENOMEM");
		}
		s = kcovdf_sym_new(&trace, &opts);
		if (!s) {
			t->retry_failed++;
			report(what, "kcovdf_sym_new failed disarmed");
			return total;
		}
	} else if (nfailed != before) {
		t->swallowed++;
		report(what, "kcovdf_sym_new succeeded over a failure");
	}
	if (strcmp(kcovdf_sym_warnings(s), ref.warnings) ||
	    strcmp(kcovdf_sym_notes(s), ref.notes)) {
		t->wrong++;
		report(what, "warnings or notes differ");
	}

	for (size_t i = 0; i < nstarts; i++) {
		uint64_t v = 0;
		int rc;

		ARM();
		errno = 0;
		rc = kcovdf_sym_func_start(s, starts[i].pid, starts[i].addr, &v);
		e = errno;
		DISARM();
		if (rc && e == ENOMEM) {
			if (nfailed == before) {
				t->bad_error++;
				report(what, "func_start: ENOMEM, no failure");
			}
			v = 0;
			rc = kcovdf_sym_func_start(s, starts[i].pid,
						   starts[i].addr, &v);
			e = errno;
			if (!same_start((int)i, rc, e, v)) {
				t->retry_failed++;
				report(what, "func_start: retry differs");
			}
		} else {
			if (nfailed != before) {
				t->swallowed++;
				report(what, "func_start: a failure unseen");
			}
			if (!same_start((int)i, rc, e, v)) {
				t->wrong++;
				report(what, "func_start: answer differs");
			}
		}
	}

	for (int i = 0; i < 4; i++) {
		const struct kcovdf_fn *fn;
		char *txt;

		ARM();
		errno = 0;
		fn = kcovdf_sym_fn(s, fns[i].pid, fns[i].pc);
		e = errno;
		DISARM();
		if (!fn) {
			if (e != ENOMEM || nfailed == before) {
				t->bad_error++;
				report(what, "sym_fn: NULL without ENOMEM, "
				       "or no failure");
			}
			fn = kcovdf_sym_fn(s, fns[i].pid, fns[i].pc);
			if (!fn) {
				t->retry_failed++;
				report(what, "sym_fn: retry failed");
				continue;
			}
		} else if (nfailed != before) {
			t->swallowed++;
			report(what, "sym_fn: a failure unseen");
		}
		got[i] = fn;
		txt = fn_text(fn);
		if (strcmp(txt, ref.fn[i])) {
			t->wrong++;
			report(what, "sym_fn: answer differs");
		}
		free(txt);
	}

	/* Afterwards, disarmed: the same (cached) answers, whole, and the
	 * start of symoom_fn still known. */
	for (int i = 0; i < 4; i++) {
		const struct kcovdf_fn *fn = kcovdf_sym_fn(s, fns[i].pid,
							   fns[i].pc);
		char *txt = fn_text(fn);

		if (!fn || (got[i] && fn != got[i]) ||
		    strcmp(txt, ref.final[i])) {
			t->partial++;
			report(what, "sym_fn: the cached answer differs");
		}
		free(txt);
	}
	for (size_t i = 0; i < nstarts; i++) {
		uint64_t v = 0;
		int rc = kcovdf_sym_func_start(s, starts[i].pid,
					       starts[i].addr, &v);

		if (!same_start((int)i, rc, errno, v)) {
			t->partial++;
			report(what, "func_start: differs afterwards");
		}
	}
	kcovdf_sym_free(s);
	if (ncalls > t->max_calls)
		t->max_calls = ncalls;
	t->runs++;
	return total;
#undef ARM
#undef DISARM
}

static void reference(void)
{
	struct kcovdf_sym *s = kcovdf_sym_new(&trace, &opts);
	uint64_t fpc = (uint64_t)(uintptr_t)&symoom_fn;
	uint64_t f2pc = (uint64_t)(uintptr_t)&symoom_fn2;
	const struct kcovdf_fn *f;
	uint64_t v;

	ok(s != NULL, "reference: kcovdf_sym_new");
	if (!s) {
		cleanup();
		tap_done();
		exit(1);
	}
	ref.warnings = strdup(kcovdf_sym_warnings(s));
	ref.notes = strdup(kcovdf_sym_notes(s));
	ok(strstr(ref.warnings, "/nonexistent/libsymoom.so") &&
	   strstr(ref.warnings, "symoom_mod"),
	   "reference: the object and the module not found are warnings");

	fns[0] = (struct lookup){ PID, fpc };
	fns[1] = (struct lookup){ PID, f2pc };
	fns[2] = (struct lookup){ 0, KFUNC };
	fns[3] = (struct lookup){ 0, TSYM };
	/* Padding after one of the functions: no ELF symbol has it, DWARF
	 * is asked (the first such lookup builds the index of CUs). The
	 * starts are looked up in a fresh symboliser of the runs, before
	 * kcovdf_sym_fn(). */
	for (uint64_t a = fpc + 1; a < fpc + 4096 && !nstarts; a++)
		if (kcovdf_sym_func_start(s, PID, a, &v) && errno == ENOENT)
			starts[nstarts++] = (struct start){ PID, a };
	for (uint64_t a = f2pc + 1; a < f2pc + 4096 && !nstarts; a++)
		if (kcovdf_sym_func_start(s, PID, a, &v) && errno == ENOENT)
			starts[nstarts++] = (struct start){ PID, a };
	if (!nstarts)
		ok(1, "# SKIP no padding between functions to ask DWARF about");
	starts[nstarts++] = (struct start){ PID, fpc + 1 };
	starts[nstarts++] = (struct start){ 0, TSYM + 5 };

	for (int i = 0; i < 4; i++) {
		f = kcovdf_sym_fn(s, fns[i].pid, fns[i].pc);
		ref.fn[i] = fn_text(f);
	}
	for (int i = 0; i < 4; i++)
		ref.final[i] = fn_text(kcovdf_sym_fn(s, fns[i].pid, fns[i].pc));
	ok(strcmp(ref.fn[0], ref.final[0]) && !strcmp(ref.fn[1], ref.final[1]),
	   "reference: symoom_fn2 fills fields that symoom_fn's answer "
	   "reaches");
	for (size_t i = 0; i < nstarts; i++) {
		errno = 0;
		ref.start_rc[i] = kcovdf_sym_func_start(s, starts[i].pid,
							starts[i].addr,
							&ref.start[i]);
		ref.start_errno[i] = ref.start_rc[i] ? errno : 0;
	}
	kcovdf_sym_free(s);

	/* The reference is what it should be: DWARF of real functions. */
	f = NULL;
	s = kcovdf_sym_new(&trace, &opts);
	if (s)
		f = kcovdf_sym_fn(s, PID, fpc);
	ok(f && !strcmp(f->name, "symoom_fn") && f->have_dwarf &&
	   f->nparams == 4 && f->ret && !strcmp(f->ret->name, "long") &&
	   !strcmp(f->params[0].name, "p") &&
	   !strcmp(f->params[0].type->name, "struct symoom_probe *") &&
	   !strcmp(f->params[1].type->name, "struct symoom_probe") &&
	   !strcmp(f->params[2].type->name, "enum symoom_color") &&
	   !strcmp(f->params[3].type->name, "const symoom_anon *"),
	   "reference: symoom_fn, its parameters and their types");
	ok(f && f->params[0].type->fields &&
	   f->params[0].type->nfields == f->params[1].type->nfields &&
	   f->params[0].type->nfields >= 12 &&
	   !strcmp(f->params[0].type->object_name, "struct symoom_probe") &&
	   !strcmp(f->params[0].type->fields[2].name, "in.bits") &&
	   f->params[0].type->fields[2].bit_size == 5 &&
	   f->params[2].type->nenums == 3 &&
	   !strcmp(f->params[2].type->enums[2].name, "SO_BLUE") &&
	   f->params[2].type->enums[0].value == -1 &&
	   f->params[3].type->object_name &&
	   !strcmp(f->params[3].type->object_name, "symoom_anon"),
	   "reference: fields of the struct by pointer and by value, enums, "
	   "an anonymous struct by its typedef");
	f = s ? kcovdf_sym_fn(s, 0, KFUNC) : NULL;
	ok(f && !strcmp(f->name, "kfunc"), "reference: kallsyms name");
	f = s ? kcovdf_sym_fn(s, 0, TSYM) : NULL;
	ok(f && !strcmp(f->name, "tsym_fn"), "reference: SYMS name");
	v = 0;
	ok(s && !kcovdf_sym_func_start(s, PID, fpc + 1, &v) && v == fpc,
	   "reference: the start of symoom_fn");
	errno = 0;
	ok(s && kcovdf_sym_func_start(s, PID, 0x10, &v) == -1 &&
	   errno == ENOENT, "reference: an unknown address is ENOENT");
	kcovdf_sym_free(s);
}

static void mode(int m, const char *name)
{
	struct tally t = { 0 };
	long n, injected = 1;

	for (n = 1; injected && n < 100000; n++)
		injected = run(m, n, &t);
	ok(!injected && t.runs > 10, "%s: %ld runs (up to %ld allocations): "
	   "a run without injected failure ends them", name, t.runs,
	   t.max_calls);
	ok(!t.bad_error, "%s: every failed call is ENOMEM, after an injected "
	   "failure", name);
	ok(!t.swallowed, "%s: every injected failure makes the call fail",
	   name);
	ok(!t.wrong, "%s: what succeeds armed is the full answer", name);
	ok(!t.retry_failed, "%s: a retry without injection on the same "
	   "symboliser answers in full", name);
	ok(!t.partial, "%s: the cached answers are whole afterwards (no "
	   "half-built type or function)", name);
}

/* The allocations of kcovdf_sym_new(), and of all the calls of run(). */
static void count_calls(long *in_new, long *all)
{
	struct kcovdf_sym *s;
	uint64_t v;

	ncalls = nfailed = 0;
	fail_at = LONG_MAX;
	armed = FAIL_ONE;
	s = kcovdf_sym_new(&trace, &opts);
	*in_new = ncalls;
	for (size_t i = 0; s && i < nstarts; i++)
		kcovdf_sym_func_start(s, starts[i].pid, starts[i].addr, &v);
	for (int i = 0; s && i < 4; i++)
		kcovdf_sym_fn(s, fns[i].pid, fns[i].pc);
	*all = ncalls;
	armed = OFF;
	kcovdf_sym_free(s);
}

/*
 * The allocations of the lookups are few (the arena takes 64 KiB at a
 * time): move the end of an arena block through them, 128 bytes at a
 * time, failing each allocation of the lookups in turn, so that types,
 * field lists and functions fail half built.
 */
static void sweep(void)
{
	struct tally t = { 0 };
	long in_new, all, base = -1, places = 0;
	char line[300];
	int ended = 0;

	for (size_t r = 0; r + 16 < BLOCK; r += 128) {
		set_pad(BLOCK - 1 - r);
		count_calls(&in_new, &all);
		if (base < 0)
			base = all - in_new;
		if (all - in_new < base) {
			ended = 1;	/* the lookups fit in the block */
			break;
		}
		places++;
		for (long n = in_new + 1; n <= all; n++)
			run(FAIL_ONE, n, &t);
	}
	set_pad(0);
	snprintf(line, sizeof(line), "symoom: an arena block ending at %ld "
		 "places in the lookups, each of their allocations failed "
		 "(%ld runs): errors are ENOMEM, retries and cached answers "
		 "whole", places, t.runs);
	ok(ended && places > 1 && !t.bad_error && !t.swallowed && !t.wrong &&
	   !t.retry_failed && !t.partial, "%s", line);
}

int main(void)
{
	setup();
	reference();
	mode(FAIL_ONE, "symoom: the Nth allocation fails");
	mode(FAIL_FROM, "symoom: every allocation from the Nth fails");
	sweep();
	cleanup();
	answers_free(&ref);
	return tap_done();
}
