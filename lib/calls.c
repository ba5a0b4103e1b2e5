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
	size_t nsections;		/* open sections on the stack */
};

/* Append c as the last child of parent, or as the last top-level call of
 * out (*last_top tracks it); the call builder and the PC_EXT merger both
 * grow their trees this way. */
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

static struct kcovdf_call *new_call(struct builder *b, uint64_t pc)
{
	struct kcovdf_call *c = arena_alloc(&b->a, sizeof(*c));
	struct kcovdf_call *parent = b->depth ? b->stack[b->depth - 1] : NULL;

	c->pc = pc;
	c->fn = b->sym && pc ? kcovdf_sym_fn(b->sym, b->st->pid, pc) : NULL;
	c->src = KCOVDF_SRC_DF;
	c->remote = b->nsections > 0;
	c->index = b->index;
	c->parent = parent;
	c->depth = (int)b->depth;
	link_call(b->out, &b->last_top, parent, c);
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
	if (c->section) {
		b->nsections--;
		c->section_open = 1;	/* cleared by its end record */
	}
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
	if (c->section)
		b->nsections++;
}

static void on_section(struct builder *b, const struct kcovdf_rec *r)
{
	struct kcovdf_call *c;
	size_t i;

	b->cur = NULL;
	if (r->flags & KCOV_DF_F_FIRST) {
		c = new_call(b, 0);
		c->src = 0;
		c->section = 1;
		c->handle = r->value;
		c->section_pid = r->task_pid;
		push(b, c);
		return;
	}
	for (i = b->depth; i > 0; i--) {
		c = b->stack[i - 1];
		if (c->section && c->handle == r->value &&
		    c->section_pid == r->task_pid)
			break;
	}
	if (i == 0)
		return;
	while (b->depth > i)
		pop(b)->no_exit = 1;
	pop(b)->section_open = 0;
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
	case KCOVDF_REC_SECTION:
		on_section(b, r);
		return 0;
	case KCOVDF_REC_ARG:
		if ((r->flags & KCOV_DF_F_FIRST) || !b->cur ||
		    b->cur->pc != r->pc) {
			/* An ARG without FIRST after a loss starts a call whose
			 * first records are gone. */
			c = new_call(b, r->pc);
			c->remote |= !!(r->flags & KCOV_DF_F_REMOTE);
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
				if (b->stack[i - 1]->pc == r->pc &&
				    !b->stack[i - 1]->section)
					break;
		if (i == 0) {
			c = new_call(b, r->pc);
			c->no_entry = 1;
			c->remote |= !!(r->flags & KCOV_DF_F_REMOTE);
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
	return r->kind == KCOVDF_REC_RET || r->kind == KCOVDF_REC_SECTION;
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
	if (st->format == KCOVDF_FMT_VERSIONED) {
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
	for (size_t i = 0; i < b->depth; i++) {
		if (b->stack[i]->section)
			b->stack[i]->section_open = 1;
		else
			b->stack[i]->no_exit = 1;
	}
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

/* ------------------------------------------------------------------ */
/* Merged trees: PC_EXT nesting with dataflow values                   */
/* ------------------------------------------------------------------ */
/*
 * The dataflow calls of a task, in pre-order, are D[0..n); j is the first
 * one not yet placed. At a PC_EXT entry of function F, the next dataflow
 * call of F at or after j (within MERGE_MAX_SKIP calls) is matched with
 * the new frame, if the dataflow nesting allows: each open frame carries a
 * scope, the end of the pre-order range of the dataflow call it stands for
 * (or of its nearest such ancestor), and a match must lie inside the
 * innermost scope. The dataflow calls between j and the match are placed
 * first: those that enclose the match (its dataflow ancestors that have no
 * PC_EXT frame, e.g. functions not instrumented for KCOV) are opened as
 * frames of their own ("virtual" frames, closed as soon as their whole
 * range is placed), the others, complete subtrees that found no frame, are
 * placed as they are ("grafted"). When a frame closes, the dataflow calls
 * still pending in its range can no longer match: they are grafted into it.
 * LOST markers and calls whose entry was not recorded (no_entry) never
 * match; they are grafted where the walk is when their turn comes, except
 * that a no_entry call next to a PC_EXT exit of its function (or of a
 * placeholder frame) is the same call and joins it. Remote sections are
 * dataflow nodes that never match: they open as virtual frames like any
 * other enclosing call. When PC_EXT says a function returned (an exit, a
 * DEPTH word) but its dataflow call has no return record, the dataflow
 * calls pending in its range are left for the enclosing frames: the
 * dataflow tree nested them under it only for want of the return.
 */

/* At most this many dataflow calls are passed over to reach a match: a
 * frame whose own dataflow call was lost must not make the rest of the
 * stream unmatched. */
#define MERGE_MAX_SKIP 1024

/* A DEPTH word larger than this opens this many placeholder frames. */
#define MERGE_MAX_PLACEHOLDERS 256

struct mframe {
	struct kcovdf_call *c;
	uint64_t fstart;	/* function start, when fknown */
	int fknown;
	size_t dpos;		/* matched D index + 1, 0 when unmatched */
	size_t scope;		/* D indices below this may go inside */
	int virt;		/* a dataflow call without a PC_EXT frame */
};

struct merger {
	struct builder *b;	/* owns the arena */
	struct kcovdf_calls *out;
	struct kcovdf_sym *sym;
	uint32_t pid;
	struct kcovdf_call **d;	/* dataflow calls in pre-order */
	size_t *end;		/* end of each one's subtree in d */
	size_t *up;		/* index of the dataflow parent + 1, 0: none */
	size_t *bypc;		/* 0..n-1 sorted by (pc, index) */
	size_t n, j;
	struct mframe *st;
	size_t depth, cap;
	struct kcovdf_call *last_top;
};

static void m_attach(struct merger *m, struct kcovdf_call *parent,
		     struct kcovdf_call *c)
{
	if (parent && (parent->section || parent->remote))
		c->remote = 1;
	c->parent = parent;
	c->next = NULL;
	c->depth = parent ? parent->depth + 1 : 0;
	link_call(m->out, &m->last_top, parent, c);
}

static struct kcovdf_call *m_parent(struct merger *m)
{
	return m->depth ? m->st[m->depth - 1].c : NULL;
}

static size_t m_scope(struct merger *m)
{
	return m->depth ? m->st[m->depth - 1].scope : m->n;
}

/* Place D[j] and its dataflow subtree under parent, unmatched. */
static void m_graft(struct merger *m, struct kcovdf_call *parent)
{
	size_t j = m->j, e = m->end[j];

	m_attach(m, parent, m->d[j]);
	for (size_t k = j + 1; k < e; k++)
		m_attach(m, m->up[k] ? m->d[m->up[k] - 1] : parent, m->d[k]);
	m->j = e;
}

static void m_push(struct merger *m, struct kcovdf_call *c, uint64_t fstart,
		   int fknown, size_t dpos)
{
	struct mframe *f;

	if (m->depth == m->cap) {
		size_t nc = m->cap ? 2 * m->cap : 64;
		struct mframe *ns = realloc(m->st, nc * sizeof(*ns));

		if (!ns)
			abort();
		m->st = ns;
		m->cap = nc;
	}
	f = &m->st[m->depth];
	f->c = c;
	f->fstart = fstart;
	f->fknown = fknown;
	f->dpos = dpos;
	f->scope = dpos ? m->end[dpos - 1] : m_scope(m);
	f->virt = 0;
	m->depth++;
}

/* Close the innermost frame; graft what can no longer match inside it. */
static void m_pop(struct merger *m)
{
	struct mframe f = m->st[m->depth - 1];

	if (f.dpos)
		while (m->j < f.scope)
			m_graft(m, f.c);
	m->depth--;
}

/*
 * Close the innermost frame because PC_EXT says its function returned (an
 * exit, or a DEPTH word). If its dataflow call has no return record, the
 * dataflow calls that followed it were nested under it only because the
 * return was missing: they are left pending for the enclosing frames.
 */
static void m_pop_returned(struct merger *m)
{
	struct mframe *f = &m->st[m->depth - 1];

	if (f->dpos && !f->virt && !f->c->has_ret) {
		m->depth--;
		return;
	}
	m_pop(m);
}

/* LOST markers (pc 0) and return-only calls are placed where the walk
 * is. */
static int m_unmatchable(const struct kcovdf_call *c)
{
	return c->lost || c->no_entry || (!c->pc && !c->section);
}

static void m_advance_to(struct merger *m, size_t k);

static void m_flush_unmatchable(struct merger *m)
{
	while (m->j < m_scope(m) && m_unmatchable(m->d[m->j]))
		m_graft(m, m_parent(m));
}

/* Virtual frames (sections too) whose dataflow calls are all placed
 * close. */
static void m_close_done_sections(struct merger *m)
{
	while (m->depth && m->st[m->depth - 1].virt &&
	       m->j >= m->st[m->depth - 1].scope)
		m_pop(m);
}

/* The first dataflow call of function fs at index >= j, or n. */
static size_t m_next_of(struct merger *m, uint64_t fs)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct kcovdf_call *c = m->d[m->bypc[mid]];

		if (c->pc < fs || (c->pc == fs && m->bypc[mid] < m->j))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && m->d[m->bypc[lo]]->pc == fs)
		return m->bypc[lo];
	return m->n;
}

/* Place D[j..k): enclosing calls open as virtual frames, the rest is
 * grafted. */
static void m_advance_to(struct merger *m, size_t k)
{
	while (m->j < k) {
		struct kcovdf_call *c = m->d[m->j];

		if (m->end[m->j] > k && !m_unmatchable(c)) {
			m_attach(m, m_parent(m), c);
			m->j++;
			m_push(m, c, 0, 0, m->j);
			m->st[m->depth - 1].virt = 1;
		} else {
			m_graft(m, m_parent(m));
		}
	}
}

static struct kcovdf_call *m_new(struct merger *m, uint64_t pc, int known)
{
	struct kcovdf_call *c = arena_alloc(&m->b->a, sizeof(*c));

	c->pc = pc;
	c->fn = m->sym && known ? kcovdf_sym_fn(m->sym, m->pid, pc) : NULL;
	c->src = KCOVDF_SRC_PCEXT;
	return c;
}

static void m_entry(struct merger *m, uint64_t pc)
{
	uint64_t fs = 0;
	size_t k = m->n;
	int known;
	struct kcovdf_call *c;

	m_close_done_sections(m);
	m_flush_unmatchable(m);
	known = kcovdf_sym_func_start(m->sym, m->pid, pc, &fs) == 0;
	if (known && fs)
		k = m_next_of(m, fs);
	if (k < m_scope(m) && k - m->j <= MERGE_MAX_SKIP)
		m_advance_to(m, k);
	/* m_advance_to() may have grafted D[k] itself, inside the subtree
	 * of an unmatchable call (a return-only call, say): then nothing
	 * matches this entry. */
	if (k < m_scope(m) && m->j == k) {
		c = m->d[m->j];
		m_attach(m, m_parent(m), c);
		c->src |= KCOVDF_SRC_PCEXT;
		m->j++;
		m_push(m, c, fs, 1, m->j);
		return;
	}
	c = m_new(m, known ? fs : pc, known);
	m_attach(m, m_parent(m), c);
	m_push(m, c, fs, known, 0);
}

/* The frame an exit closes: index + 1 into the stack, 0 for none. */
static size_t m_exit_target(struct merger *m, uint64_t fs, int known)
{
	struct mframe *top;

	if (!m->depth || m->st[m->depth - 1].virt)
		goto search;
	top = &m->st[m->depth - 1];
	if (!known || !top->fknown || top->fstart == fs ||
	    top->c->entry_unrecorded)
		return m->depth;
search:
	/* Through virtual frames of calls without PC_EXT, not out of a
	 * remote section. */
	for (size_t i = m->depth; known && i > 0; i--) {
		struct mframe *f = &m->st[i - 1];

		if (f->c->section)
			break;
		if (f->fknown && f->fstart == fs)
			return i;
	}
	return 0;
}

static void m_exit(struct merger *m, uint64_t pc)
{
	uint64_t fs = 0;
	int known;
	size_t t;
	struct kcovdf_call *c, *dn;

	m_close_done_sections(m);
	known = kcovdf_sym_func_start(m->sym, m->pid, pc, &fs) == 0;
	t = m_exit_target(m, fs, known);
	/* A dataflow return without its entry, of this function, next:
	 * the same call, seen by both. */
	dn = known && fs && m->j < m_scope(m) && m->d[m->j]->no_entry &&
	     m->d[m->j]->pc == fs && m->end[m->j] == m->j + 1 ?
	     m->d[m->j] : NULL;
	if (!t) {
		/* The entry was not recorded: a leaf at the current level. */
		if (dn) {
			m->j++;
			dn->src |= KCOVDF_SRC_PCEXT;
			m_attach(m, m_parent(m), dn);
			return;
		}
		m_flush_unmatchable(m);
		c = m_new(m, known ? fs : pc, known);
		c->no_entry = 1;
		m_attach(m, m_parent(m), c);
		return;
	}
	while (m->depth > t) {
		c = m->st[m->depth - 1].c;
		if (!m->st[m->depth - 1].virt && !c->has_ret)
			c->no_exit = 1;
		m_pop(m);
	}
	c = m->st[m->depth - 1].c;
	if (c->entry_unrecorded && !c->fn && known) {
		/* A placeholder learns its function from its exit. */
		c->pc = fs;
		c->fn = m->sym ? kcovdf_sym_fn(m->sym, m->pid, fs) : NULL;
		if (dn && !c->has_ret) {
			/* ... and its return value from the dataflow. */
			m->j++;
			c->ret = dn->ret;
			c->has_ret = dn->has_ret;
			c->remote |= dn->remote;
			c->src |= KCOVDF_SRC_DF;
		}
	}
	m_pop_returned(m);
}

static void m_depth(struct merger *m, int64_t d)
{
	m_close_done_sections(m);
	if (d < 0) {
		/* Exits that happened while recording was suppressed. */
		for (uint64_t k = 0; k < (uint64_t)-(d + 1) + 1; k++) {
			struct kcovdf_call *c;

			/* Virtual frames have no PC_EXT exit to miss. */
			while (m->depth && m->st[m->depth - 1].virt &&
			       !m->st[m->depth - 1].c->section)
				m_pop(m);
			if (!m->depth || m->st[m->depth - 1].c->section)
				break;
			c = m->st[m->depth - 1].c;
			c->exits_unrecorded = 1;
			m_pop_returned(m);
		}
		return;
	}
	for (int64_t k = 0; k < d && k < MERGE_MAX_PLACEHOLDERS; k++) {
		struct kcovdf_call *c = m_new(m, 0, 0);

		c->entry_unrecorded = 1;
		c->no_entry = 1;
		m_attach(m, m_parent(m), c);
		m_push(m, c, 0, 0, 0);
	}
}

static int cmp_bypc(const void *a, const void *b, void *arg)
{
	const struct merger *m = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t px = m->d[x]->pc, py = m->d[y]->pc;

	if (px != py)
		return px < py ? -1 : 1;
	return x < y ? -1 : x > y;
}

static void bypc_sort(struct merger *m)
{
	qsort_r(m->bypc, m->n, sizeof(*m->bypc), cmp_bypc, m);
}

int kcovdf_calls_merge(const struct kcovdf_stream *df,
		       const struct kcovdf_stream *pcext, int kernel,
		       struct kcovdf_sym *sym, struct kcovdf_calls *out,
		       uint64_t *unknown, char *err, size_t errlen)
{
	struct kcovdf_calls dfc;
	struct merger m;
	size_t cap = 0;
	int rc = 0;

	if (unknown)
		*unknown = 0;
	if (!pcext)
		return df ? kcovdf_calls_build(df, sym, out, err, errlen) : -1;
	memset(&m, 0, sizeof(m));
	memset(&dfc, 0, sizeof(dfc));
	if (df)
		rc = kcovdf_calls_build(df, sym, &dfc, err, errlen);
	else
		dfc.priv = calloc(1, sizeof(struct builder));
	if (!dfc.priv) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* The dataflow calls in pre-order, with subtree ends and parents. */
	for (struct kcovdf_call *c = dfc.root; c; c = kcovdf_call_next(c)) {
		if (m.n == cap) {
			cap = cap ? 2 * cap : 256;
			m.d = realloc(m.d, cap * sizeof(*m.d));
			m.end = realloc(m.end, cap * sizeof(*m.end));
			m.up = realloc(m.up, cap * sizeof(*m.up));
			if (!m.d || !m.end || !m.up)
				abort();
		}
		m.d[m.n] = c;
		m.end[m.n] = m.n + 1;
		/* blocks is free in a dataflow tree: it holds the index + 1
		 * of each call until the tree is taken apart below. */
		c->blocks = m.n + 1;
		m.up[m.n] = c->parent ? (size_t)c->parent->blocks : 0;
		m.n++;
	}
	m.bypc = malloc((m.n ? m.n : 1) * sizeof(*m.bypc));
	if (!m.bypc)
		abort();
	for (size_t k = 0; k < m.n; k++)
		m.bypc[k] = k;
	bypc_sort(&m);
	/* Subtree ends: each call extends its ancestors' ranges. */
	for (size_t k = m.n; k > 0; k--)
		if (m.up[k - 1] && m.end[m.up[k - 1] - 1] < m.end[k - 1])
			m.end[m.up[k - 1] - 1] = m.end[k - 1];
	for (size_t k = 0; k < m.n; k++) {
		struct kcovdf_call *c = m.d[k];

		c->parent = c->child = c->last_child = c->next = NULL;
		c->blocks = 0;
	}
	memset(out, 0, sizeof(*out));
	out->nested = 1;
	out->priv = dfc.priv;
	m.b = dfc.priv;
	m.out = out;
	m.sym = sym;
	m.pid = pcext->pid;
	for (size_t i = 0; i < pcext->nwords; i++) {
		struct kcovdf_pcext p;

		if (kcovdf_pcext_decode(pcext->words[i], kernel, &p)) {
			if (unknown)
				(*unknown)++;
			continue;
		}
		switch (p.type) {
		case KCOVDF_PCEXT_ENTRY:
			m_entry(&m, p.pc);
			break;
		case KCOVDF_PCEXT_EXIT:
			m_exit(&m, p.pc);
			break;
		case KCOVDF_PCEXT_DEPTH:
			m_depth(&m, p.depth);
			break;
		default:
			if (m.depth && !m.st[m.depth - 1].virt)
				m.st[m.depth - 1].c->blocks++;
			break;
		}
	}
	while (m.depth) {
		struct kcovdf_call *c = m.st[m.depth - 1].c;

		if (!m.st[m.depth - 1].virt && !c->has_ret)
			c->no_exit = 1;
		m_pop(&m);
	}
	while (m.j < m.n)
		m_graft(&m, NULL);
	free(m.d);
	free(m.end);
	free(m.up);
	free(m.bypc);
	free(m.st);
	return rc ? -1 : 0;
}
