// SPDX-License-Identifier: GPL-2.0
/*
 * From records to calls. In the v1 format every instrumented call begins
 * with exactly one record carrying KCOV_DF_F_FIRST and, with trace-ret,
 * ends with one RET record, so the tree is rebuilt with a stack:
 *
 *  - ARG with FIRST opens a call as a child of the innermost open call;
 *  - further ARGs of the same function fill in its arguments;
 *  - RET closes the innermost open call with the same function. Open calls
 *    above it never returned through an instrumented return (musttail,
 *    longjmp, an exception): they are closed and marked no_exit.
 *  - RET with no matching open call belongs to a call that began before
 *    recording did: it becomes a call marked no_entry at the current level.
 *  - LOST becomes a marker entry; the stack is kept, since the lost records
 *    may or may not have closed calls, and the matching above repairs it.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "kcovdf.h"

/* How many calls of a function are on the stack. */
struct pc_count {
	uint64_t pc;
	size_t n;
	int used;
};

struct builder {
	struct arena a;
	struct kcovdf_calls *out;
	const struct kcovdf_stream *st;
	struct kcovdf_sym *sym;
	struct kcovdf_call **stack;
	size_t depth, cap;
	struct pc_count *open;		/* open calls per pc (hash table) */
	size_t nopen, open_cap;
	struct kcovdf_call *last_top;	/* last top-level call */
	struct kcovdf_call *cur;	/* call whose arguments are filling */
	uint64_t index;
	int nested;
};

static struct kcovdf_call *new_call(struct builder *b, uint64_t pc)
{
	struct kcovdf_call *c = arena_alloc(&b->a, sizeof(*c));
	struct kcovdf_call *parent = b->depth ? b->stack[b->depth - 1] : NULL;

	c->pc = pc;
	c->fn = b->sym && pc ? kcovdf_sym_fn(b->sym, b->st->pid, pc) : NULL;
	c->index = b->index;
	c->parent = parent;
	c->depth = (int)b->depth;
	if (parent) {
		if (parent->last_child)
			parent->last_child->next = c;
		else
			parent->child = c;
		parent->last_child = c;
	} else {
		if (b->last_top)
			b->last_top->next = c;
		else
			b->out->root = c;
		b->last_top = c;
	}
	b->out->ncalls++;
	return c;
}

/*
 * The count of open calls of pc (inserted as 0 when new). It lets a RET
 * whose function has no open call (recording began inside it) skip the
 * stack scan; otherwise every call above the match is popped, so each
 * scan is paid for by the calls it closes. Without it a stream of such
 * RETs under a deep stack took quadratic time: 2 MB took 5 s.
 */
static size_t *open_count(struct builder *b, uint64_t pc)
{
	size_t i, mask;

	if (2 * (b->nopen + 1) > b->open_cap) {
		size_t nc = b->open_cap ? 2 * b->open_cap : 64;
		struct pc_count *nt = calloc(nc, sizeof(*nt));

		if (!nt)
			abort();
		for (size_t k = 0; k < b->open_cap; k++) {
			if (!b->open[k].used)
				continue;
			i = (size_t)((b->open[k].pc * 0x9e3779b97f4a7c15ULL) >> 32);
			while (nt[i & (nc - 1)].used)
				i++;
			nt[i & (nc - 1)] = b->open[k];
		}
		free(b->open);
		b->open = nt;
		b->open_cap = nc;
	}
	mask = b->open_cap - 1;
	i = (size_t)((pc * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
	while (b->open[i].used && b->open[i].pc != pc)
		i = (i + 1) & mask;
	if (!b->open[i].used) {
		b->open[i].used = 1;
		b->open[i].pc = pc;
		b->nopen++;
	}
	return &b->open[i].n;
}

static struct kcovdf_call *pop(struct builder *b)
{
	struct kcovdf_call *c = b->stack[--b->depth];

	(*open_count(b, c->pc))--;
	return c;
}

static void push(struct builder *b, struct kcovdf_call *c)
{
	if (b->depth == b->cap) {
		size_t nc = b->cap ? b->cap * 2 : 64;
		struct kcovdf_call **ns = realloc(b->stack, nc * sizeof(*ns));

		if (!ns)
			abort();
		b->stack = ns;
		b->cap = nc;
	}
	b->stack[b->depth++] = c;
	(*open_count(b, c->pc))++;
}

/*
 * The args array grows by doubling; its capacity is implicit: 4, then the
 * nargs at which it filled up (a power of two) times two. A damaged stream
 * can give one call any number of arguments, so growing one slot at a time
 * (quadratic arena use) is not an option.
 */
static void add_arg(struct builder *b, struct kcovdf_call *c,
		    const struct kcovdf_rec *r)
{
	size_t n = c->nargs;

	if (n < 4 ? !c->args : !(n & (n - 1))) {
		struct kcovdf_rec *na = arena_alloc(&b->a, (n < 4 ? 4 : 2 * n) *
						    sizeof(*na));

		if (n)
			memcpy(na, c->args, n * sizeof(*na));
		c->args = na;
	}
	c->args[c->nargs++] = *r;
}

static int on_rec_v1(const struct kcovdf_rec *r, void *arg)
{
	struct builder *b = arg;
	struct kcovdf_call *c;

	b->index++;
	switch (r->kind) {
	case KCOVDF_REC_LOST:
		c = new_call(b, 0);
		c->lost = r->value;
		b->cur = NULL;
		return 0;
	case KCOVDF_REC_ARG:
		if ((r->flags & KCOV_DF_F_FIRST) || !b->cur ||
		    b->cur->pc != r->pc) {
			/* An ARG without FIRST after a loss starts a call whose
			 * first records are gone. */
			c = new_call(b, r->pc);
			if (b->nested)
				push(b, c);
			b->cur = c;
		}
		if (!(r->flags & KCOV_DF_F_NOARGS))
			add_arg(b, b->cur, r);
		return 0;
	case KCOVDF_REC_RET: {
		size_t i = 0;

		b->cur = NULL;
		if (*open_count(b, r->pc))
			for (i = b->depth; i > 0; i--)
				if (b->stack[i - 1]->pc == r->pc)
					break;
		if (i == 0) {
			c = new_call(b, r->pc);
			c->no_entry = 1;
		} else {
			while (b->depth > i)
				pop(b)->no_exit = 1;
			c = pop(b);
		}
		c->ret = *r;
		c->has_ret = 1;
		return 0;
	}
	}
	return 0;
}

static int on_rec_doc(const struct kcovdf_rec *r, void *arg)
{
	struct builder *b = arg;
	struct kcovdf_call *c;

	b->index++;
	if (r->kind == KCOVDF_REC_ARG) {
		/* A new call begins at another function, or when the index
		 * does not grow (recursion into the same function). */
		if (!b->cur || b->cur->pc != r->pc ||
		    (b->cur->nargs &&
		     b->cur->args[b->cur->nargs - 1].argidx >= r->argidx))
			b->cur = new_call(b, r->pc);
		add_arg(b, b->cur, r);
		return 0;
	}
	b->cur = NULL;
	c = new_call(b, r->pc);
	c->ret = *r;
	c->has_ret = 1;
	c->no_entry = 1;
	return 0;
}

static int has_ret_cb(const struct kcovdf_rec *r, void *arg)
{
	(void)arg;
	return r->kind == KCOVDF_REC_RET;
}

int kcovdf_calls_build(const struct kcovdf_stream *st, struct kcovdf_sym *sym,
		       struct kcovdf_calls *out, char *err, size_t errlen)
{
	struct builder *b = calloc(1, sizeof(*b));
	int rc;

	memset(out, 0, sizeof(*out));
	if (!b)
		return -1;
	b->out = out;
	b->st = st;
	b->sym = sym;
	out->priv = b;
	if (st->format == KCOVDF_FMT_V1) {
		/* Nest only when returns were recorded; an args-only trace
		 * is a flat list. A walk error here is reported below. */
		b->nested = kcovdf_walk(st->format, st->words, st->nwords,
					has_ret_cb, NULL, NULL, 0) == 1;
		out->nested = b->nested;
		rc = kcovdf_walk(st->format, st->words, st->nwords, on_rec_v1,
				 b, err, errlen);
	} else if (st->format == KCOVDF_FMT_DOC) {
		rc = kcovdf_walk(st->format, st->words, st->nwords, on_rec_doc,
				 b, err, errlen);
	} else {
		if (err && errlen)
			snprintf(err, errlen, "stream format %u has no calls",
				 st->format);
		rc = -1;
	}
	for (size_t i = 0; i < b->depth; i++)
		b->stack[i]->no_exit = 1;
	free(b->stack);
	b->stack = NULL;
	free(b->open);
	b->open = NULL;
	return rc ? -1 : 0;
}

void kcovdf_calls_free(struct kcovdf_calls *c)
{
	struct builder *b = c->priv;

	if (b) {
		arena_free(&b->a);
		free(b);
	}
	memset(c, 0, sizeof(*c));
}

struct kcovdf_call *kcovdf_call_next(struct kcovdf_call *c)
{
	if (c->child)
		return c->child;
	while (c) {
		if (c->next)
			return c->next;
		c = c->parent;
	}
	return NULL;
}
