// SPDX-License-Identifier: GPL-2.0
/*
 * Out of memory in libkcovdf: every allocation the library makes, failed
 * in turn, gives an error (ENOMEM, or a message saying "out of memory"),
 * never an abort, a crash (ASan watches) or a different result that looks
 * right. The library's malloc, calloc, realloc and strdup are wrapped at
 * link time (-Wl,--wrap=...): when armed, the Nth call fails.
 *
 * The work, for each trace of the fuzz corpus given on the command line:
 * read it whole, build each task's calls (merged with its PC_EXT words
 * when it has some), describe every call's items, check the rules files
 * given over them, then open it for streaming and stream each task's
 * calls from the file chunk by chunk. A digest of everything seen is the
 * result. First a run without failures counts the allocations (n) and
 * gives the expected digest; then for N = 1 .. n a run where allocation N
 * fails must stop with an out-of-memory error at some step, or (when the
 * failure was one the library could do without) give the same digest.
 *
 * Usage: test_nomem TRACE... -- RULES...   (TAP output)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf/kcovdf.h"
#include "failalloc.h"
#include "tap.h"

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

/* ------------------------------------------------------------------ */
/* Failing allocations                                                 */
/* ------------------------------------------------------------------ */

static unsigned long calls;	/* allocations counted */
static unsigned long fail_at;	/* 0: none fails */
static int failed;		/* the one that fails has failed */

static int fail_now(void)
{
	if (++calls != fail_at)
		return 0;
	failed = 1;
	return 1;
}

/* ------------------------------------------------------------------ */
/* The work                                                            */
/* ------------------------------------------------------------------ */

struct run {
	uint64_t digest;
	int nomem;		/* a step failed: out of memory */
	int other;		/* a step failed otherwise */
	char what[300];		/* the first failure */
};

static void mix(struct run *r, uint64_t v)
{
	r->digest = (r->digest ^ v) * 0x100000001b3ULL;
}

static void mix_str(struct run *r, const char *s)
{
	while (s && *s)
		mix(r, (unsigned char)*s++);
	mix(r, 0);
}

/* A step failed: out of memory, or something else (recorded too: the
 * same failure must happen in the run without injected failures). */
static void step_failed(struct run *r, const char *step, const char *err)
{
	int nm = errno == ENOMEM || (err && strstr(err, "out of memory"));

	if (!r->nomem && !r->other)
		snprintf(r->what, sizeof(r->what), "%s: %s (errno %d)", step,
			 err ? err : "", errno);
	if (nm)
		r->nomem = 1;
	else
		r->other = 1;
	mix_str(r, step);
}

static void mix_call(struct run *r, const struct kcovdf_call *c)
{
	mix(r, c->pc);
	mix(r, (uint64_t)c->depth);
	mix(r, c->nargs);
	for (size_t i = 0; i < c->nargs; i++)
		mix(r, c->args[i].value);
	mix(r, (uint64_t)c->has_ret << 1 | (uint64_t)c->no_exit);
	if (c->has_ret)
		mix(r, c->ret.value);
	mix(r, c->lost);
}

static int items(struct run *r, struct kcovdf_fmt *f,
		 const struct kcovdf_call *c, int format)
{
	struct kcovdf_item *it;
	struct kcovdf_buf b = { 0 };
	ssize_t n;

	errno = 0;
	n = kcovdf_call_items(f, NULL, c, NULL, format, &it);
	if (n < 0) {
		step_failed(r, "kcovdf_call_items", NULL);
		return -1;
	}
	for (ssize_t i = 0; i < n; i++) {
		kcovdf_item_path(&b, &it[i]);
		kcovdf_buf_printf(&b, "=");
		kcovdf_item_text(&b, &it[i], 0);
		kcovdf_buf_printf(&b, ";");
	}
	if (b.err) {
		errno = b.err;
		step_failed(r, "kcovdf_item_text", NULL);
		kcovdf_buf_free(&b);
		return -1;
	}
	mix_str(r, b.s);
	kcovdf_buf_free(&b);
	return 0;
}

static const struct kcovdf_stream *pcext_of(const struct kcovdf_trace *t,
					    const struct kcovdf_stream *s)
{
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *p = &t->streams[i];

		if (p->format == KCOVDF_FMT_KCOV_PCEXT && p->pid == s->pid &&
		    p->tid == s->tid)
			return p;
	}
	return NULL;
}

static int is_df(const struct kcovdf_stream *s)
{
	return s->format == KCOVDF_FMT_VERSIONED ||
	       s->format == KCOVDF_FMT_DOC;
}

static void on_violation(const struct kcovdf_violation *v, void *arg)
{
	struct run *r = arg;

	mix(r, v->rule);
	mix(r, v->call ? v->call->pc : 0);
	mix_str(r, v->message);
}

static void check_rules(struct run *r, char **rules, size_t nrules,
			const struct kcovdf_check_task *ct, size_t nct,
			struct kcovdf_fmt *f)
{
	for (size_t i = 0; i < nrules; i++) {
		struct kcovdf_rules *rs;
		char err[300] = "";

		errno = 0;
		rs = kcovdf_rules_parse(rules[i], strlen(rules[i]), "rules",
					err, sizeof(err));
		if (!rs) {
			step_failed(r, "kcovdf_rules_parse", err);
			if (r->nomem)
				return;
			continue;
		}
		errno = 0;
		if (kcovdf_rules_check(rs, f, NULL, ct, nct, 0, on_violation,
				       r, err, sizeof(err)))
			step_failed(r, "kcovdf_rules_check", err);
		kcovdf_rules_free(rs);
		if (r->nomem)
			return;
	}
}

/* The trace read whole: trees, items, rules. */
static void whole(struct run *r, const char *path, char **rules,
		  size_t nrules)
{
	struct kcovdf_check_task ct[16];
	struct kcovdf_calls calls[16];
	struct kcovdf_fmt *f;
	struct kcovdf_trace *t;
	char err[300] = "";
	size_t nct = 0;

	errno = 0;
	t = kcovdf_trace_read(path, err, sizeof(err));
	if (!t) {
		step_failed(r, "kcovdf_trace_read", err);
		return;
	}
	f = kcovdf_fmt_new();
	if (!f) {
		step_failed(r, "kcovdf_fmt_new", NULL);
		kcovdf_trace_free(t);
		return;
	}
	for (size_t i = 0; i < t->nstreams && nct < 16 && !r->nomem; i++) {
		const struct kcovdf_stream *s = &t->streams[i];
		const struct kcovdf_stream *pc = pcext_of(t, s);
		int rc;

		if (!is_df(s))
			continue;
		errno = 0;
		err[0] = 0;
		rc = pc && s->format == KCOVDF_FMT_VERSIONED ?
		     kcovdf_calls_merge(s, pc, 0, NULL, &calls[nct], NULL, err,
					sizeof(err)) :
		     kcovdf_calls_build(s, NULL, &calls[nct], err, sizeof(err));
		if (rc)
			step_failed(r, "kcovdf_calls_build", err);
		ct[nct].st = s;
		ct[nct].calls = &calls[nct];
		nct++;
		for (struct kcovdf_call *c = calls[nct - 1].root; c && !r->nomem;
		     c = kcovdf_call_next(c)) {
			mix_call(r, c);
			items(r, f, c, (int)s->format);
		}
		kcovdf_items_reset(f);
	}
	if (!r->nomem)
		check_rules(r, rules, nrules, ct, nct, f);
	for (size_t i = 0; i < nct; i++)
		kcovdf_calls_free(&calls[i]);
	kcovdf_fmt_free(f);
	kcovdf_trace_free(t);
}

struct sink_ctx {
	struct run *r;
	int depth;
};

static void on_open(void *arg, const struct kcovdf_call *c)
{
	struct sink_ctx *k = arg;

	mix(k->r, 'o');
	mix_call(k->r, c);
	k->depth++;
}

static void on_close(void *arg, const struct kcovdf_call *c)
{
	struct sink_ctx *k = arg;

	mix(k->r, 'c');
	mix(k->r, c->pc);
	k->depth--;
}

/* The trace opened for streaming: calls from the file, chunk by chunk. */
static void streamed(struct run *r, const char *path)
{
	struct kcovdf_trace *t;
	char err[300] = "";

	errno = 0;
	t = kcovdf_trace_open(path, err, sizeof(err));
	if (!t) {
		step_failed(r, "kcovdf_trace_open", err);
		return;
	}
	for (size_t i = 0; i < t->nstreams && !r->nomem; i++) {
		const struct kcovdf_stream *s = &t->streams[i];
		const struct kcovdf_stream *pc = pcext_of(t, s);
		struct sink_ctx k = { .r = r };
		struct kcovdf_call_sink sink = { on_open, on_close, &k };

		if (!is_df(s))
			continue;
		errno = 0;
		err[0] = 0;
		if (kcovdf_calls_stream(t, s, s->format ==
					KCOVDF_FMT_VERSIONED ? pc : NULL, 0,
					NULL, &sink, NULL, err, sizeof(err)))
			step_failed(r, "kcovdf_calls_stream", err);
		/* Every call opened was closed, unless memory ran out. */
		if (k.depth && !r->nomem)
			step_failed(r, "calls left open", NULL);
	}
	kcovdf_trace_free(t);
}

static struct run work(const char *path, char **rules, size_t nrules)
{
	struct run r = { .digest = 0xcbf29ce484222325ULL };

	whole(&r, path, rules, nrules);
	if (!r.nomem)
		streamed(&r, path);
	return r;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s = NULL;
	size_t n = 0, cap = 0;
	int c;

	if (!f)
		return NULL;
	while ((c = fgetc(f)) != EOF) {
		if (n + 2 > cap) {
			cap = cap ? 2 * cap : 4096;
			s = realloc(s, cap);
			if (!s)
				abort();
		}
		s[n++] = (char)c;
	}
	fclose(f);
	if (!s && !(s = calloc(1, 1)))
		abort();
	s[n] = 0;
	return s;
}

int main(int argc, char **argv)
{
	char *rules[32];
	size_t nrules = 0;
	int i, ntraces = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		ntraces++;
	for (i++; i < argc && nrules < 32; i++) {
		rules[nrules] = slurp(argv[i]);
		if (!rules[nrules]) {
			perror(argv[i]);
			return 2;
		}
		nrules++;
	}
	if (getenv("NOMEM_AT")) {
		/* One run, allocation NOMEM_AT failing: what it did. */
		struct run r;

		fail_at = strtoul(getenv("NOMEM_AT"), NULL, 0);
		r = work(argv[1], rules, nrules);
		printf("failed %d nomem %d other %d digest %llx: %s\n", failed,
		       r.nomem, r.other, (unsigned long long)r.digest, r.what);
		for (size_t k = 0; k < nrules; k++)
			free(rules[k]);
		return 0;
	}
	for (i = 1; i <= ntraces; i++) {
		const char *path = argv[i];
		const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1
						      : path;
		struct run base, r;
		unsigned long n, bad = 0, nomem = 0, same = 0;
		char first_bad[400] = "";

		fail_at = 0;
		calls = 0;
		base = work(path, rules, nrules);
		n = calls;
		ok(!base.nomem, "%s: reads without failures", name);
		for (unsigned long k = getenv("NOMEM_FROM") ?
				       strtoul(getenv("NOMEM_FROM"), NULL, 0) :
				       1; k <= n; k++) {
			calls = 0;
			failed = 0;
			fail_at = k;
			r = work(path, rules, nrules);
			fail_at = 0;
			if (!failed) {
				/* Fewer allocations than counted: a
				 * difference in itself. */
				bad++;
				continue;
			}
			if (getenv("NOMEM_FROM"))
				printf("# %lu: nomem %d other %d %s\n", k,
				       r.nomem, r.other, r.what);
			if (r.nomem) {
				nomem++;
			} else if (r.digest == base.digest &&
				   r.other == base.other) {
				same++;
			} else {
				if (!bad++)
					snprintf(first_bad, sizeof(first_bad),
						 "allocation %lu: %s", k,
						 r.what[0] ? r.what :
						 "a different result, no error");
			}
		}
		printf("# %s: %lu allocations: %lu out-of-memory errors, %lu "
		       "done without the memory%s%s\n", name, n, nomem, same,
		       bad ? "; first wrong: " : "", first_bad);
		ok(n > 0 && !bad, "%s: every failed allocation is an "
		   "out-of-memory error or changes nothing", name);
	}
	for (size_t k = 0; k < nrules; k++)
		free(rules[k]);
	return tap_done();
}
