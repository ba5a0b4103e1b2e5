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
 *  - SECTION with FIRST opens a remote-section node (pc 0) as a child of the
 *    innermost open call; SECTION with VOID closes the innermost open
 *    section of the same handle and pid (calls still open in it are marked
 *    no_exit); an end without a start is ignored. Calls inside a section,
 *    or with KCOV_DF_F_REMOTE, are marked remote.
 *
 * The records are read one at a time, chunk by chunk, and the calls are
 * handed on as soon as they are known, in pre-order: "open" (the call with
 * all its arguments, under its parent) and "close" (with its return, after
 * all its children). kcovdf_calls_stream() gives these events to a sink
 * and frees each call after its close, so its memory follows the depth of
 * the call stack (and the merge's look-ahead, below), not the length of
 * the stream; kcovdf_calls_build() and kcovdf_calls_merge() link the calls
 * into a tree instead. Both are the same code.
 *
 * Out of memory: the engine is some forty functions deep in places (a
 * PC_EXT entry places dataflow calls, which reads records, which makes
 * calls), and any of them may need memory. Rather than thread an error
 * through each, an allocation that fails jumps back to run() (longjmp),
 * which returns ENOMEM. Nothing between holds memory of its own at that
 * point: every allocation is the engine's (its arrays, the arena, the
 * stream reader) or a call's, and in streaming mode every call is on the
 * engine's list of live calls, so engine_cleanup() frees all of it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_int.h"

/* A call and what the engine keeps about it. */
struct node {
	struct kcovdf_call c;	/* first: a call is its node */
	size_t idx;		/* dataflow calls: pre-order index */
	size_t up;		/* dataflow parent's idx + 1, 0: none */
	size_t end;		/* end of the dataflow subtree, 0: still open */
	int refs;		/* streaming: dataflow, window, output */
	int pushed;		/* on the dataflow stack */
	int final;		/* its arguments are complete */
	struct node *live_prev, *live_next;	/* streaming: every call */
};

/*
 * A hash table keyed by pc (open addressing, at most half full): its
 * slots, of one size, each begin with a struct pcslot (pct_slot()).
 */
struct pcslot {
	uint64_t pc;
	int used;
};

struct pctab {
	char *v;
	size_t n, cap;
};

/* How many calls of a function are on the stack. */
struct pc_count {
	struct pcslot s;
	size_t n;
};

struct engine;

/* The dataflow builder. */
struct builder {
	struct engine *e;
	const struct kcovdf_stream *st;
	struct node **stack;
	size_t depth, cap;
	struct pctab open;		/* open calls per pc: pc_count */
	struct node *cur;		/* call whose arguments are filling */
	uint64_t index;			/* records seen */
	size_t created;			/* dataflow calls made */
	int nested;
	size_t nsections;		/* open sections on the stack */
};

/* Per-pc queues of dataflow calls not yet placed (merge). */
struct pcq {
	struct pcslot s;
	size_t *idx;
	size_t head, len, cap;
};

struct mframe {
	struct node *c;
	uint64_t fstart;	/* function start, when fknown */
	int fknown;
	int own;		/* stands for its own dataflow call */
	struct node *scope;	/* the dataflow call whose range bounds what
				 * may go inside; NULL: the whole stream */
	int virt;		/* a dataflow call without a PC_EXT frame */
	int hold;		/* a placeholder: its output is held */
};

struct held {
	struct node *c;
	int close;
};

struct engine {
	int stream;		/* sink mode: calls are freed after close */
	struct arena a;		/* tree mode: every call */
	struct kcovdf_calls *out;	/* tree mode */
	struct kcovdf_call *last_top;
	const struct kcovdf_call_sink *sink;
	struct kcovdf_sym *sym;
	uint32_t pid;
	int copy;		/* records point into a chunk buffer */
	int merging;
	struct builder b;
	struct kcovdf_rec_cursor cur;
	int df_done;		/* the dataflow stream is read to its end */
	int df_rc;		/* -1: it is damaged */
	char df_err[256];
	/* merge: the dataflow calls j .. b.created - 1, not yet placed */
	struct node **win;
	size_t wcap, j;
	struct pctab q;		/* pcq */
	struct mframe *st;
	size_t depth, scap;
	/* output held while a placeholder frame is open: its function is
	 * known only at its exit */
	size_t nhold;
	struct held *held;
	size_t nheld, heldcap;
	struct node **gs;	/* m_graft()'s stack */
	size_t gcap;
	struct kcovdf_stream_reader rd;	/* merge: the PC_EXT words */
	int rd_live;
	struct node *live;	/* streaming: calls not freed yet */
	jmp_buf nomem;		/* run(): memory ran out */
};

/* ------------------------------------------------------------------ */
/* Calls: memory and output                                            */
/* ------------------------------------------------------------------ */

static _Noreturn void nomem(struct engine *e)
{
	longjmp(e->nomem, 1);
}

/* Zeroed memory: the arena's (tree mode) or the caller's to free. */
static void *e_alloc(struct engine *e, size_t n)
{
	void *p = e->stream ? calloc(1, n) : arena_alloc(&e->a, n);

	if (!p)
		nomem(e);
	return p;
}

/* realloc(), n elements of size bytes. */
static void *e_realloc(struct engine *e, void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		nomem(e);
	p = realloc(p, n * size);
	if (!p)
		nomem(e);
	return p;
}

/* kcovdf_grow(), out of memory jumps back. */
static void *e_grow(struct engine *e, void *v, size_t *cap, size_t size,
		    size_t first)
{
	v = kcovdf_grow(v, cap, size, first);
	if (!v)
		nomem(e);
	return v;
}

static struct node *node_new(struct engine *e, uint64_t pc)
{
	struct node *n = e_alloc(e, sizeof(*n));

	n->c.pc = pc;
	if (e->stream) {
		n->live_next = e->live;
		if (e->live)
			e->live->live_prev = n;
		e->live = n;
	}
	return n;
}

/* The symbols of a function; out of memory in them is the engine's. */
static const struct kcovdf_fn *fn_of(struct engine *e, uint32_t pid,
				     uint64_t pc)
{
	const struct kcovdf_fn *fn;

	errno = 0;
	fn = kcovdf_sym_fn(e->sym, pid, pc);
	if (!fn && errno == ENOMEM)
		nomem(e);
	return fn;
}

static int func_start(struct engine *e, uint64_t pc, uint64_t *fs)
{
	int rc;

	errno = 0;
	rc = kcovdf_sym_func_start(e->sym, e->pid, pc, fs);
	if (rc && errno == ENOMEM)
		nomem(e);
	return rc;
}

/* What rec_keep() copied: one block, which the first of them begins. */
static void rec_free(struct kcovdf_rec *r)
{
	free((void *)(r->fields ? r->fields : r->str ? r->str : r->wide));
}

static void node_free(struct engine *e, struct node *n)
{
	if (e->copy) {
		for (size_t i = 0; i < n->c.nargs; i++)
			rec_free(&n->c.args[i]);
		if (n->c.has_ret)
			rec_free(&n->c.ret);
	}
	free(n->c.args);
	if (n->live_prev)
		n->live_prev->live_next = n->live_next;
	else
		e->live = n->live_next;
	if (n->live_next)
		n->live_next->live_prev = n->live_prev;
	free(n);
}

/* Drop one reference (streaming); the last one frees the call. */
static void node_put(struct engine *e, struct node *n)
{
	if (e->stream && --n->refs == 0)
		node_free(e, n);
}

/* Words to keep of w (n of them; at least one, so that what was there
 * stays non-NULL), 0 for NULL. */
static size_t keep_len(const uint64_t *w, size_t n)
{
	return w ? (n ? n : 1) : 0;
}

/*
 * A record kept in a call: what it points to (fields, string bytes, the
 * words of a wide value) copied when it points into a chunk buffer that
 * the next chunk overwrites, all three in one block in that order (see
 * rec_free()). Until the copy is made dst points to nothing, so a call
 * freed after the allocation failed frees nothing of the chunk's.
 */
static void rec_keep(struct engine *e, struct kcovdf_rec *dst,
		     const struct kcovdf_rec *r)
{
	size_t nf, ns, nw;
	uint64_t *p;

	*dst = *r;
	if (!e->copy)
		return;
	dst->fields = dst->str = dst->wide = NULL;
	nf = r->nfields ? keep_len(r->fields, r->nfields) : 0;
	ns = keep_len(r->str, (r->str_len + 7) / 8);
	nw = keep_len(r->wide, r->wide_words);
	if (!nf && !ns && !nw)
		return;
	if (nf > SIZE_MAX / 8 - ns || nf + ns > SIZE_MAX / 8 - nw)
		nomem(e);
	p = e_alloc(e, (nf + ns + nw) * sizeof(*p));
	if (nf) {
		memcpy(p, r->fields, r->nfields * sizeof(*p));
		dst->fields = p;
	}
	if (ns) {
		memcpy(p + nf, r->str, (r->str_len + 7) / 8 * sizeof(*p));
		dst->str = p + nf;
	}
	if (nw) {
		memcpy(p + nf + ns, r->wide, r->wide_words * sizeof(*p));
		dst->wide = p + nf + ns;
	}
}

/* Append c as the last child of parent, or as the last top-level call. */
static void link_call(struct kcovdf_calls *out, struct kcovdf_call **last_top,
		      struct kcovdf_call *parent, struct kcovdf_call *c)
{
	if (parent) {
		if (parent->last_child)
			parent->last_child->next = c;
		else
			parent->child = c;
		parent->last_child = c;
	} else {
		if (*last_top)
			(*last_top)->next = c;
		else
			out->root = c;
		*last_top = c;
	}
	out->ncalls++;
}

static void deliver(struct engine *e, struct node *n, int close)
{
	if (close) {
		if (e->sink->close)
			e->sink->close(e->sink->arg, &n->c);
		node_put(e, n);
	} else if (e->sink->open) {
		e->sink->open(e->sink->arg, &n->c);
	}
}

static void emit(struct engine *e, struct node *n, int close)
{
	if (e->nhold) {
		if (e->nheld == e->heldcap)
			e->held = e_grow(e, e->held, &e->heldcap,
					 sizeof(*e->held), 64);
		e->held[e->nheld].c = n;
		e->held[e->nheld++].close = close;
		return;
	}
	deliver(e, n, close);
}

/* The call is in the output now, under n->c.parent. */
static void out_open(struct engine *e, struct node *n)
{
	if (!e->stream) {
		link_call(e->out, &e->last_top, n->c.parent, &n->c);
		return;
	}
	n->refs++;
	emit(e, n, 0);
}

/* Its subtree is complete. */
static void out_close(struct engine *e, struct node *n)
{
	if (e->stream)
		emit(e, n, 1);
}

static void hold_end(struct engine *e)
{
	if (--e->nhold)
		return;
	for (size_t i = 0; i < e->nheld; i++)
		deliver(e, e->held[i].c, e->held[i].close);
	e->nheld = 0;
}

/* ------------------------------------------------------------------ */
/* The dataflow builder                                                */
/* ------------------------------------------------------------------ */

static void win_add(struct engine *e, struct node *n);

/* A call's arguments are complete. */
static void df_closed(struct engine *e, struct node *n);

static void df_final(struct engine *e, struct node *n)
{
	n->final = 1;
	if (!e->merging)
		out_open(e, n);
	if (!n->pushed)
		df_closed(e, n);
}

/* The builder is done with the call: every call made from now on is
 * outside its subtree. */
static void df_closed(struct engine *e, struct node *n)
{
	n->end = e->b.created;
	if (!e->merging)
		out_close(e, n);
	node_put(e, n);
}

static struct node *b_new(struct builder *b, uint64_t pc)
{
	struct engine *e = b->e;
	struct node *n = node_new(e, pc);
	struct node *parent = b->depth ? b->stack[b->depth - 1] : NULL;

	n->c.fn = e->sym && pc ? fn_of(e, b->st->pid, pc) : NULL;
	n->c.src = KCOVDF_SRC_DF;
	n->c.remote = b->nsections > 0;
	n->c.index = b->index;
	n->c.parent = parent ? &parent->c : NULL;
	n->c.depth = (int)b->depth;
	n->idx = b->created++;
	n->up = parent ? parent->idx + 1 : 0;
	n->refs = 1;
	if (e->merging)
		win_add(e, n);
	return n;
}

static void finalize_cur(struct builder *b)
{
	struct node *n = b->cur;

	if (n) {
		b->cur = NULL;
		df_final(b->e, n);
	}
}

static size_t pc_hash(uint64_t pc)
{
	return (size_t)((pc * 0x9e3779b97f4a7c15ULL) >> 32);
}

static struct pcslot *pct_at(char *v, size_t i, size_t size)
{
	return (struct pcslot *)(v + i * size);
}

/*
 * The slot of pc in t, whose slots are size bytes. When pc has none: with
 * add a new zeroed one (the table doubles first when it would be more
 * than half full), else NULL.
 */
static void *pct_slot(struct engine *e, struct pctab *t, size_t size,
		      uint64_t pc, int add)
{
	struct pcslot *s;
	size_t i, mask;

	if (add && 2 * (t->n + 1) > t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 64;
		char *nv = calloc(nc, size);

		if (!nv)
			nomem(e);
		for (size_t k = 0; k < t->cap; k++) {
			s = pct_at(t->v, k, size);
			if (!s->used)
				continue;
			i = pc_hash(s->pc);
			while (pct_at(nv, i & (nc - 1), size)->used)
				i++;
			memcpy(pct_at(nv, i & (nc - 1), size), s, size);
		}
		free(t->v);
		t->v = nv;
		t->cap = nc;
	}
	if (!t->cap)
		return NULL;
	mask = t->cap - 1;
	i = pc_hash(pc) & mask;
	while ((s = pct_at(t->v, i, size))->used && s->pc != pc)
		i = (i + 1) & mask;
	if (!s->used) {
		if (!add)
			return NULL;
		s->used = 1;
		s->pc = pc;
		t->n++;
	}
	return s;
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
	struct pc_count *c = pct_slot(b->e, &b->open, sizeof(*c), pc, 1);

	return &c->n;
}

/* Off the stack; the caller marks it and then calls df_closed(). */
static struct node *pop(struct builder *b)
{
	struct node *n = b->stack[--b->depth];

	(*open_count(b, n->c.pc))--;
	if (n->c.section) {
		b->nsections--;
		n->c.section_open = 1;	/* cleared by its end record */
	}
	return n;
}

static void push(struct builder *b, struct node *n)
{
	if (b->depth == b->cap)
		b->stack = e_grow(b->e, b->stack, &b->cap, sizeof(*b->stack),
				  64);
	b->stack[b->depth++] = n;
	n->pushed = 1;
	(*open_count(b, n->c.pc))++;
	if (n->c.section)
		b->nsections++;
}

static void on_section(struct builder *b, const struct kcovdf_rec *r)
{
	struct node *n;
	size_t i;

	if (r->flags & KCOV_DF_F_FIRST) {
		n = b_new(b, 0);
		n->c.src = 0;
		n->c.section = 1;
		n->c.handle = r->value;
		n->c.section_pid = r->task_pid;
		push(b, n);
		df_final(b->e, n);
		return;
	}
	for (i = b->depth; i > 0; i--) {
		n = b->stack[i - 1];
		if (n->c.section && n->c.handle == r->value &&
		    n->c.section_pid == r->task_pid)
			break;
	}
	if (i == 0)
		return;
	while (b->depth > i) {
		n = pop(b);
		n->c.no_exit = 1;
		df_closed(b->e, n);
	}
	n = pop(b);
	n->c.section_open = 0;
	df_closed(b->e, n);
}

/*
 * The args array grows by doubling; its capacity is implicit: 4, then the
 * nargs at which it filled up (a power of two) times two. A damaged stream
 * can give one call any number of arguments, so growing one slot at a time
 * (quadratic memory) is not an option.
 */
static void add_arg(struct engine *e, struct node *n,
		    const struct kcovdf_rec *r)
{
	struct kcovdf_call *c = &n->c;
	size_t k = c->nargs;

	if (e->stream) {
		/* Streaming: exactly a power of two, from 1 (calls on the
		 * stack are what memory follows). */
		if (!(k & (k - 1)))
			c->args = e_realloc(e, c->args, k ? 2 * k : 1,
					    sizeof(*c->args));
	} else if (k < 4 ? !c->args : !(k & (k - 1))) {
		size_t nc = k < 4 ? 4 : 2 * k;
		struct kcovdf_rec *na = e_alloc(e, nc * sizeof(*na));

		if (k)
			memcpy(na, c->args, k * sizeof(*na));
		c->args = na;
	}
	rec_keep(e, &c->args[c->nargs++], r);
}

static void set_ret(struct engine *e, struct node *n,
		    const struct kcovdf_rec *r)
{
	rec_keep(e, &n->c.ret, r);
	n->c.has_ret = 1;
}

static void on_rec_v1(struct builder *b, const struct kcovdf_rec *r)
{
	struct engine *e = b->e;
	struct node *n;

	b->index++;
	/* Any record but a further argument of the same call ends it. */
	if (!(r->kind == KCOVDF_REC_ARG && !(r->flags & KCOV_DF_F_FIRST) &&
	      b->cur && b->cur->c.pc == r->pc))
		finalize_cur(b);
	switch (r->kind) {
	case KCOVDF_REC_LOST:
		n = b_new(b, 0);
		n->c.lost = r->value;
		df_final(e, n);
		return;
	case KCOVDF_REC_SECTION:
		on_section(b, r);
		return;
	case KCOVDF_REC_ARG:
		if (!b->cur) {
			/* An ARG without FIRST after a loss starts a call
			 * whose first records are gone. */
			n = b_new(b, r->pc);
			n->c.remote |= !!(r->flags & KCOV_DF_F_REMOTE);
			if (b->nested)
				push(b, n);
			b->cur = n;
		}
		if (!(r->flags & KCOV_DF_F_NOARGS))
			add_arg(e, b->cur, r);
		return;
	case KCOVDF_REC_RET: {
		size_t i = 0;

		if (*open_count(b, r->pc))
			for (i = b->depth; i > 0; i--)
				if (b->stack[i - 1]->c.pc == r->pc &&
				    !b->stack[i - 1]->c.section)
					break;
		if (i == 0) {
			n = b_new(b, r->pc);
			n->c.no_entry = 1;
			n->c.remote |= !!(r->flags & KCOV_DF_F_REMOTE);
			set_ret(e, n, r);
			df_final(e, n);
			return;
		}
		while (b->depth > i) {
			n = pop(b);
			n->c.no_exit = 1;
			df_closed(e, n);
		}
		n = pop(b);
		set_ret(e, n, r);
		df_closed(e, n);
		return;
	}
	}
}

static void on_rec_doc(struct builder *b, const struct kcovdf_rec *r)
{
	struct engine *e = b->e;
	struct node *n;

	b->index++;
	if (r->kind == KCOVDF_REC_ARG) {
		/* A new call begins at another function, or when the index
		 * does not grow (recursion into the same function). */
		n = b->cur;
		if (!n || n->c.pc != r->pc ||
		    (n->c.nargs &&
		     n->c.args[n->c.nargs - 1].argidx >= r->argidx)) {
			finalize_cur(b);
			b->cur = b_new(b, r->pc);
		}
		add_arg(e, b->cur, r);
		return;
	}
	finalize_cur(b);
	n = b_new(b, r->pc);
	set_ret(e, n, r);
	n->c.no_entry = 1;
	df_final(e, n);
}

/* The end of the dataflow stream (or the record that stopped it). */
static void b_finish(struct builder *b)
{
	finalize_cur(b);
	while (b->depth) {
		struct node *n = pop(b);

		if (!n->c.section)
			n->c.no_exit = 1;
		df_closed(b->e, n);
	}
}

/* Read one dataflow record; 0 when the stream is done. */
static int df_step(struct engine *e)
{
	struct kcovdf_rec r;
	int rc;

	if (e->df_done)
		return 0;
	errno = 0;
	rc = kcovdf_rec_cursor_next(&e->cur, &r);
	if (rc < 0 && errno == ENOMEM)
		nomem(e);
	if (rc > 0) {
		if (e->b.st->format == KCOVDF_FMT_VERSIONED)
			on_rec_v1(&e->b, &r);
		else
			on_rec_doc(&e->b, &r);
		return 1;
	}
	if (rc < 0) {
		e->df_rc = -1;
		snprintf(e->df_err, sizeof(e->df_err), "%s", e->cur.err);
	}
	b_finish(&e->b);
	e->df_done = 1;
	return 0;
}

static int has_ret_cb(const struct kcovdf_rec *r, void *arg)
{
	(void)arg;
	return r->kind == KCOVDF_REC_RET || r->kind == KCOVDF_REC_SECTION;
}

/* ------------------------------------------------------------------ */
/* Merged trees: PC_EXT nesting with dataflow values                   */
/* ------------------------------------------------------------------ */
/*
 * The dataflow calls of a task, in pre-order, are D[0..n); j is the first
 * one not yet placed. At a PC_EXT entry of function F, the next dataflow
 * call of F at or after j (within MERGE_MAX_SKIP calls) is matched with
 * the new frame, if the dataflow nesting allows: each open frame has a
 * scope, the pre-order range of the dataflow call it stands for (or of its
 * nearest such ancestor), and a match must lie inside the innermost scope.
 * The dataflow calls between j and the match are placed first: those that
 * enclose the match (its dataflow ancestors that have no PC_EXT frame,
 * e.g. functions not instrumented for KCOV) are opened as frames of their
 * own ("virtual" frames, closed as soon as their whole range is placed),
 * the others, complete subtrees that found no frame, are placed as they
 * are ("grafted"). When a frame closes, the dataflow calls still pending
 * in its range can no longer match: they are grafted into it. LOST
 * markers and calls whose entry was not recorded (no_entry) never match;
 * they are grafted where the walk is when their turn comes, except that a
 * no_entry call next to a PC_EXT exit of its function (or of a placeholder
 * frame) is the same call and joins it. Remote sections are dataflow nodes
 * that never match: they open as virtual frames like any other enclosing
 * call. When PC_EXT says a function returned (an exit, a DEPTH word) but
 * its dataflow call has no return record, the dataflow calls pending in
 * its range are left for the enclosing frames: the dataflow tree nested
 * them under it only for want of the return.
 *
 * The dataflow stream is read as far as the walk needs it: the calls from
 * j on (a window), at least MERGE_MAX_SKIP + 1 of them when an entry looks
 * for its match; a range whose end is not read yet holds every call read
 * after its start (its call is still open). So the window is about
 * MERGE_MAX_SKIP calls, and grows only when PC_EXT closes a frame whose
 * dataflow call has not returned yet (its return, if any, is read first).
 */

/* At most this many dataflow calls are passed over to reach a match: a
 * frame whose own dataflow call was lost must not make the rest of the
 * stream unmatched. */
#define MERGE_MAX_SKIP 1024

/* A DEPTH word larger than this opens this many placeholder frames. */
#define MERGE_MAX_PLACEHOLDERS 256

#define NONE ((size_t)-1)

static struct node *W(struct engine *e, size_t k)
{
	return e->win[k & (e->wcap - 1)];
}

static struct pcq *pcq_of(struct engine *e, uint64_t pc, int add)
{
	return pct_slot(e, &e->q, sizeof(struct pcq), pc, add);
}

/* A new dataflow call joins the window. */
static void win_add(struct engine *e, struct node *n)
{
	size_t live = e->b.created - 1 - e->j;	/* n->idx == created - 1 */
	struct pcq *q;

	if (live == e->wcap) {
		size_t nc = e->wcap ? 2 * e->wcap : 2048;
		struct node **nw = e_realloc(e, NULL, nc, sizeof(*nw));

		for (size_t k = e->j; k < n->idx; k++)
			nw[k & (nc - 1)] = W(e, k);
		free(e->win);
		e->win = nw;
		e->wcap = nc;
	}
	e->win[n->idx & (e->wcap - 1)] = n;
	n->refs++;
	q = pcq_of(e, n->c.pc, 1);
	if (q->head == q->len) {
		q->head = q->len = 0;
	} else if (q->len == q->cap && q->head) {
		memmove(q->idx, q->idx + q->head,
			(q->len - q->head) * sizeof(*q->idx));
		q->len -= q->head;
		q->head = 0;
	}
	if (q->len == q->cap)
		q->idx = e_grow(e, q->idx, &q->cap, sizeof(*q->idx), 4);
	q->idx[q->len++] = n->idx;
}

/* D[k] has been read (else the dataflow stream has ended). */
static int ensure(struct engine *e, size_t k)
{
	while (e->b.created <= k && df_step(e))
		;
	return k < e->b.created;
}

/* Its arguments, or its whole subtree, have been read. */
static void ensure_final(struct engine *e, struct node *n)
{
	while (!n->final && df_step(e))
		;
}

static void ensure_closed(struct engine *e, struct node *n)
{
	while (!n->end && df_step(e))
		;
}

/* D[k] (read) lies in the range of the dataflow call scope. */
static int in_range(size_t k, const struct node *scope)
{
	return !scope || !scope->end || k < scope->end;
}

static struct node *m_scope(struct engine *e)
{
	return e->depth ? e->st[e->depth - 1].scope : NULL;
}

static struct kcovdf_call *m_parent(struct engine *e)
{
	return e->depth ? &e->st[e->depth - 1].c->c : NULL;
}

/* D[j] exists and lies in the innermost frame's range. */
static int j_pending(struct engine *e)
{
	return ensure(e, e->j) && in_range(e->j, m_scope(e));
}

/* D[j] is placed: the walk moves past it. */
static struct node *take(struct engine *e)
{
	struct node *n = W(e, e->j++);

	node_put(e, n);		/* the window's reference */
	return n;
}

static void m_attach(struct engine *e, struct kcovdf_call *parent,
		     struct node *n)
{
	if (n->c.src & KCOVDF_SRC_DF)
		ensure_final(e, n);
	if (parent && (parent->section || parent->remote))
		n->c.remote = 1;
	n->c.parent = parent;
	n->c.next = NULL;
	n->c.depth = parent ? parent->depth + 1 : 0;
	out_open(e, n);
}

/* Place D[j] and its dataflow subtree under parent, unmatched. */
static void m_graft(struct engine *e, struct kcovdf_call *parent)
{
	struct node *root = W(e, e->j);
	size_t ng = 0;

	/* The nodes stay alive while they are open in the output. */
	for (;;) {
		struct node *n = W(e, e->j);

		while (ng && e->gs[ng - 1]->idx + 1 != n->up)
			out_close(e, e->gs[--ng]);
		m_attach(e, ng ? &e->gs[ng - 1]->c : parent, n);
		take(e);
		if (ng == e->gcap)
			e->gs = e_grow(e, e->gs, &e->gcap, sizeof(*e->gs), 16);
		e->gs[ng++] = n;
		/* The next one is in root's subtree while root is open. */
		if (!ensure(e, e->j) || (root->end && e->j >= root->end))
			break;
	}
	while (ng) {
		ensure_closed(e, e->gs[ng - 1]);
		out_close(e, e->gs[--ng]);
	}
}

static void m_push(struct engine *e, struct node *n, uint64_t fstart,
		   int fknown, int own)
{
	struct mframe *f;

	if (e->depth == e->scap)
		e->st = e_grow(e, e->st, &e->scap, sizeof(*e->st), 64);
	f = &e->st[e->depth];
	f->c = n;
	f->fstart = fstart;
	f->fknown = fknown;
	f->own = own;
	f->scope = own ? n : m_scope(e);
	f->virt = 0;
	f->hold = 0;
	e->depth++;
}

/* The innermost frame is done: its call is complete. */
static void m_drop(struct engine *e)
{
	struct mframe f = e->st[--e->depth];

	out_close(e, f.c);
	if (f.hold)
		hold_end(e);
}

/* Close the innermost frame; graft what can no longer match inside it. */
static void m_pop(struct engine *e)
{
	struct mframe *f = &e->st[e->depth - 1];

	if (f->own)
		while (ensure(e, e->j) && in_range(e->j, f->c))
			m_graft(e, &f->c->c);
	m_drop(e);
}

/*
 * Close the innermost frame because PC_EXT says its function returned (an
 * exit, or a DEPTH word). If its dataflow call has no return record, the
 * dataflow calls that followed it were nested under it only because the
 * return was missing: they are left pending for the enclosing frames.
 */
static void m_pop_returned(struct engine *e)
{
	struct mframe *f = &e->st[e->depth - 1];

	if (f->own && !f->virt) {
		ensure_closed(e, f->c);
		if (!f->c->c.has_ret) {
			m_drop(e);
			return;
		}
	}
	m_pop(e);
}

/* Whether the frame's call has a return (its dataflow call's, read to
 * its end). */
static int frame_has_ret(struct engine *e, struct mframe *f)
{
	if (f->own)
		ensure_closed(e, f->c);
	return f->c->c.has_ret;
}

/* LOST markers (pc 0) and return-only calls are placed where the walk
 * is. */
static int m_unmatchable(const struct kcovdf_call *c)
{
	return c->lost || c->no_entry || (!c->pc && !c->section);
}

static void m_flush_unmatchable(struct engine *e)
{
	while (j_pending(e) && m_unmatchable(&W(e, e->j)->c))
		m_graft(e, m_parent(e));
}

/* Virtual frames (sections too) whose dataflow calls are all placed
 * close. */
static void m_close_done_sections(struct engine *e)
{
	while (e->depth && e->st[e->depth - 1].virt) {
		struct node *s = e->st[e->depth - 1].scope;

		ensure(e, e->j);
		if (!s->end || e->j < s->end)
			break;
		m_pop(e);
	}
}

/* The first dataflow call of function fs at index j .. j +
 * MERGE_MAX_SKIP, or NONE. */
static size_t m_next_of(struct engine *e, uint64_t fs)
{
	struct pcq *q;

	ensure(e, e->j + MERGE_MAX_SKIP);
	q = pcq_of(e, fs, 0);
	if (!q)
		return NONE;
	while (q->head < q->len && q->idx[q->head] < e->j)
		q->head++;
	if (q->head == q->len || q->idx[q->head] > e->j + MERGE_MAX_SKIP)
		return NONE;
	return q->idx[q->head];
}

/* Place D[j..k): enclosing calls open as virtual frames, the rest is
 * grafted. */
static void m_advance_to(struct engine *e, size_t k)
{
	while (e->j < k) {
		struct node *n = W(e, e->j);

		if ((!n->end || n->end > k) && !m_unmatchable(&n->c)) {
			m_attach(e, m_parent(e), n);
			take(e);
			m_push(e, n, 0, 0, 1);
			e->st[e->depth - 1].virt = 1;
		} else {
			m_graft(e, m_parent(e));
		}
	}
}

static struct node *m_new(struct engine *e, uint64_t pc, int known)
{
	struct node *n = node_new(e, pc);

	n->c.fn = e->sym && known ? fn_of(e, e->pid, pc) : NULL;
	n->c.src = KCOVDF_SRC_PCEXT;
	return n;
}

static void m_entry(struct engine *e, uint64_t pc)
{
	uint64_t fs = 0;
	size_t k = NONE;
	int known;
	struct node *n;

	m_close_done_sections(e);
	m_flush_unmatchable(e);
	known = func_start(e, pc, &fs) == 0;
	if (known && fs)
		k = m_next_of(e, fs);
	if (k != NONE && in_range(k, m_scope(e)))
		m_advance_to(e, k);
	/* m_advance_to() may have grafted D[k] itself, inside the subtree
	 * of an unmatchable call (a return-only call, say): then nothing
	 * matches this entry. */
	if (k != NONE && e->j == k && in_range(k, m_scope(e))) {
		n = W(e, e->j);
		n->c.src |= KCOVDF_SRC_PCEXT;
		m_attach(e, m_parent(e), n);
		take(e);
		m_push(e, n, fs, 1, 1);
		return;
	}
	n = m_new(e, known ? fs : pc, known);
	m_attach(e, m_parent(e), n);
	m_push(e, n, fs, known, 0);
}

/* The frame an exit closes: index + 1 into the stack, 0 for none. */
static size_t m_exit_target(struct engine *e, uint64_t fs, int known)
{
	struct mframe *top;

	if (!e->depth || e->st[e->depth - 1].virt)
		goto search;
	top = &e->st[e->depth - 1];
	if (!known || !top->fknown || top->fstart == fs ||
	    top->c->c.entry_unrecorded)
		return e->depth;
search:
	/* Through virtual frames of calls without PC_EXT, not out of a
	 * remote section. */
	for (size_t i = e->depth; known && i > 0; i--) {
		struct mframe *f = &e->st[i - 1];

		if (f->c->c.section)
			break;
		if (f->fknown && f->fstart == fs)
			return i;
	}
	return 0;
}

static void m_exit(struct engine *e, uint64_t pc)
{
	uint64_t fs = 0;
	int known;
	size_t t;
	struct node *n, *dn = NULL;

	m_close_done_sections(e);
	known = func_start(e, pc, &fs) == 0;
	t = m_exit_target(e, fs, known);
	/* A dataflow return without its entry, of this function, next:
	 * the same call, seen by both. */
	if (known && fs && j_pending(e)) {
		n = W(e, e->j);
		if (n->c.no_entry && n->c.pc == fs && n->end == e->j + 1)
			dn = n;
	}
	if (!t) {
		/* The entry was not recorded: a leaf at the current level. */
		if (dn) {
			dn->c.src |= KCOVDF_SRC_PCEXT;
			m_attach(e, m_parent(e), dn);
			take(e);
			out_close(e, dn);
			return;
		}
		m_flush_unmatchable(e);
		n = m_new(e, known ? fs : pc, known);
		n->c.no_entry = 1;
		m_attach(e, m_parent(e), n);
		out_close(e, n);
		return;
	}
	while (e->depth > t) {
		struct mframe *f = &e->st[e->depth - 1];

		if (!f->virt && !frame_has_ret(e, f))
			f->c->c.no_exit = 1;
		m_pop(e);
	}
	n = e->st[e->depth - 1].c;
	if (n->c.entry_unrecorded && !n->c.fn && known) {
		/* A placeholder learns its function from its exit. */
		n->c.pc = fs;
		n->c.fn = e->sym ? fn_of(e, e->pid, fs) : NULL;
		/* ... and its return value from the dataflow, if that call
		 * is still next (the frames closed above may have placed
		 * it). */
		if (dn && !n->c.has_ret && e->j < e->b.created &&
		    W(e, e->j) == dn) {
			n->c.ret = dn->c.ret;
			n->c.has_ret = dn->c.has_ret;
			n->c.remote |= dn->c.remote;
			n->c.src |= KCOVDF_SRC_DF;
			dn->c.has_ret = 0;	/* its fields are n's now */
			take(e);
		}
	}
	m_pop_returned(e);
}

static void m_depth(struct engine *e, int64_t min, int64_t net)
{
	int64_t d = min;

	m_close_done_sections(e);
	/* First the frames left unseen (down to the lowest depth), then the
	 * ones entered unseen (from there up to the net change). */
	if (d < 0) {
		/* Exits that happened while recording was suppressed. */
		for (uint64_t k = 0; k < (uint64_t)-(d + 1) + 1; k++) {
			struct node *n;

			/* Virtual frames have no PC_EXT exit to miss. */
			while (e->depth && e->st[e->depth - 1].virt &&
			       !e->st[e->depth - 1].c->c.section)
				m_pop(e);
			if (!e->depth || e->st[e->depth - 1].c->c.section)
				break;
			n = e->st[e->depth - 1].c;
			n->c.exits_unrecorded = 1;
			m_pop_returned(e);
		}
	}
	d = net - min;
	for (int64_t k = 0; k < d && k < MERGE_MAX_PLACEHOLDERS; k++) {
		struct node *n = m_new(e, 0, 0);

		n->c.entry_unrecorded = 1;
		n->c.no_entry = 1;
		if (e->stream)
			e->nhold++;
		m_attach(e, m_parent(e), n);
		m_push(e, n, 0, 0, 0);
		e->st[e->depth - 1].hold = e->stream;
	}
}

static int merge_words(struct engine *e, const struct kcovdf_trace *t,
		       const struct kcovdf_stream *pcext, int kernel,
		       uint64_t *unknown, char *err, size_t errlen)
{
	const uint64_t *w;
	size_t n;
	int rc;

	kcovdf_stream_reader_init(&e->rd, t, pcext);
	e->rd_live = 1;
	errno = 0;
	while ((rc = kcovdf_stream_reader_next(&e->rd, &w, &n, err,
					       errlen)) > 0) {
		for (size_t i = 0; i < n; i++) {
			struct kcovdf_pcext p;

			if (kcovdf_pcext_decode(w[i], kernel, &p)) {
				if (unknown)
					(*unknown)++;
				continue;
			}
			switch (p.type) {
			case KCOVDF_PCEXT_ENTRY:
				m_entry(e, p.pc);
				break;
			case KCOVDF_PCEXT_EXIT:
				m_exit(e, p.pc);
				break;
			case KCOVDF_PCEXT_DEPTH:
				m_depth(e, p.depth_min, p.depth);
				break;
			default:
				if (e->depth && !e->st[e->depth - 1].virt)
					e->st[e->depth - 1].c->c.blocks++;
				break;
			}
		}
	}
	if (rc < 0 && errno == ENOMEM)
		nomem(e);
	kcovdf_stream_reader_free(&e->rd);
	e->rd_live = 0;
	while (e->depth) {
		struct mframe *f = &e->st[e->depth - 1];

		if (!f->virt && !frame_has_ret(e, f))
			f->c->c.no_exit = 1;
		m_pop(e);
	}
	while (ensure(e, e->j))
		m_graft(e, NULL);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Running it                                                          */
/* ------------------------------------------------------------------ */

static void engine_cleanup(struct engine *e)
{
	/* After a run that ran out of memory, the calls it had not handed
	 * on yet (streaming). */
	while (e->live)
		node_free(e, e->live);
	if (e->rd_live)
		kcovdf_stream_reader_free(&e->rd);
	e->rd_live = 0;
	free(e->gs);
	e->gs = NULL;
	kcovdf_rec_cursor_free(&e->cur);
	free(e->b.stack);
	free(e->b.open.v);
	for (size_t i = 0; i < e->q.cap; i++)
		free(((struct pcq *)e->q.v)[i].idx);
	free(e->q.v);
	free(e->win);
	free(e->st);
	free(e->held);
	e->b.stack = NULL;
	e->b.open.v = NULL;
	e->q.v = NULL;
	e->win = NULL;
	e->st = NULL;
	e->held = NULL;
}

static int set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return -1;
}

/*
 * The calls of df (DOC or V1, or NULL), merged with the PC_EXT words of
 * pcext when not NULL, as events (e->stream) or into e->out.
 */
static int run(struct engine *e, const struct kcovdf_trace *t,
	       const struct kcovdf_stream *df,
	       const struct kcovdf_stream *pcext, int kernel,
	       uint64_t *unknown, char *err, size_t errlen)
{
	int rc = 0;

	if (unknown)
		*unknown = 0;
	e->b.e = e;
	e->b.st = df;
	e->merging = pcext != NULL;
	e->pid = pcext ? pcext->pid : df->pid;
	if (df) {
		if (df->format != KCOVDF_FMT_VERSIONED &&
		    df->format != KCOVDF_FMT_DOC) {
			char msg[64];

			snprintf(msg, sizeof(msg), "stream format %u has no "
				 "calls", df->format);
			return set_err(err, errlen, msg);
		}
	}
	/* Every allocation of the engine that fails comes back here; the
	 * caller's engine_cleanup() frees what the run had. */
	if (setjmp(e->nomem)) {
		errno = ENOMEM;
		return set_err(err, errlen, "out of memory");
	}
	if (df) {
		e->copy = !df->words;
		/* Nest only when returns were recorded; an args-only trace
		 * is a flat list. A walk error here is reported below. */
		if (df->format == KCOVDF_FMT_VERSIONED) {
			int w;

			errno = 0;
			w = kcovdf_walk_stream(t, df, has_ret_cb, NULL, NULL,
					       0);
			if (w < 0 && errno == ENOMEM)
				nomem(e);
			e->b.nested = w == 1;
		}
		kcovdf_rec_cursor_init(&e->cur, t, df);
	} else {
		e->df_done = 1;
	}
	if (pcext) {
		char perr[256] = "";

		if (merge_words(e, t, pcext, kernel, unknown, perr,
				sizeof(perr)) < 0 && !e->df_rc) {
			e->df_rc = -1;
			snprintf(e->df_err, sizeof(e->df_err), "%s", perr);
		}
	} else {
		while (df_step(e))
			;
	}
	if (e->df_rc) {
		set_err(err, errlen, e->df_err);
		rc = -1;
	}
	return rc;
}

int kcovdf_calls_stream(const struct kcovdf_trace *t,
			const struct kcovdf_stream *df,
			const struct kcovdf_stream *pcext, int kernel,
			struct kcovdf_sym *sym,
			const struct kcovdf_call_sink *sink, uint64_t *unknown,
			char *err, size_t errlen)
{
	struct engine *e;
	int rc;

	if (!df && !pcext)
		return set_err(err, errlen, "no stream");
	e = calloc(1, sizeof(*e));
	if (!e)
		return set_err(err, errlen, "out of memory");
	e->stream = 1;
	e->sink = sink;
	e->sym = sym;
	rc = run(e, t, df, pcext, kernel, unknown, err, errlen);
	engine_cleanup(e);
	free(e);
	return rc;
}

static int build(const struct kcovdf_stream *df,
		 const struct kcovdf_stream *pcext, int kernel,
		 struct kcovdf_sym *sym, struct kcovdf_calls *out,
		 uint64_t *unknown, char *err, size_t errlen)
{
	struct engine *e = calloc(1, sizeof(*e));
	int rc;

	memset(out, 0, sizeof(*out));
	if (!e)
		return set_err(err, errlen, "out of memory");
	e->out = out;
	e->sym = sym;
	out->priv = e;
	rc = run(e, NULL, df, pcext, kernel, unknown, err, errlen);
	out->nested = pcext ? 1 : e->b.nested;
	engine_cleanup(e);
	return rc;
}

int kcovdf_calls_build(const struct kcovdf_stream *st, struct kcovdf_sym *sym,
		       struct kcovdf_calls *out, char *err, size_t errlen)
{
	return build(st, NULL, 0, sym, out, NULL, err, errlen);
}

int kcovdf_calls_merge(const struct kcovdf_stream *df,
		       const struct kcovdf_stream *pcext, int kernel,
		       struct kcovdf_sym *sym, struct kcovdf_calls *out,
		       uint64_t *unknown, char *err, size_t errlen)
{
	if (!pcext) {
		if (unknown)
			*unknown = 0;
		return df ? kcovdf_calls_build(df, sym, out, err, errlen) : -1;
	}
	return build(df, pcext, kernel, sym, out, unknown, err, errlen);
}

void kcovdf_calls_free(struct kcovdf_calls *c)
{
	struct engine *e = c->priv;

	if (e) {
		arena_free(&e->a);
		free(e);
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
