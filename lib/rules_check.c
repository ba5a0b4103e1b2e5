// SPDX-License-Identifier: GPL-2.0
/*
 * Checking rules over the call trees of a trace: which rules apply to a
 * call (fnmatch(3) on its function's name), assertions, unique() keys,
 * `before` and `balances` pairs within their scope, and the names that
 * meant nothing in any call (an error in the rules, usually a typo).
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

struct occ {
	size_t task;
	const struct kcovdf_call *c;
	const struct kcovdf_rec *ret;
	int second;		/* a call of the second side */
};

struct occs {
	struct occ *v;
	size_t n, cap;
};

/* One key of a balances rule: first-side calls not yet matched; with a
 * scope wider than a task, also second-side calls not yet matched (tasks
 * share no clock, so only the counts can be compared). */
struct bal {
	size_t rule;
	struct occs open, extra;
};

struct checker {
	struct kcovdf_rules *rs;
	struct kcovdf_sym *sym;
	const struct kcovdf_check_task *tasks;
	size_t ntasks;
	int kernel;
	kcovdf_violation_cb cb;
	void *cbarg;
	struct ctx x;
	/* (pid, pc) -> per rule: bit 0 side a, 1 b */
	struct kcovdf_hmap match;
	/* unique: key -> struct occ, the first */
	struct kcovdf_hmap uniq;
	struct kcovdf_hmap seen;	/* before: keys of first-side calls */
	struct kcovdf_hmap balmap;	/* balances: key -> struct bal */
	struct bal **bals;
	size_t nbals;
};

static const char *call_name(const struct kcovdf_call *c, char *buf,
			     size_t len)
{
	if (c->fn && c->fn->name)
		return c->fn->name;
	snprintf(buf, len, "0x%" PRIx64, c->pc);
	return buf;
}

static int glob_match(const struct callpat *cp, const char *name)
{
	for (size_t i = 0; i < cp->nglobs; i++)
		if (!fnmatch(cp->globs[i], name, 0))
			return 1;
	return 0;
}

/* Which rules apply to the function at pc in process pid. */
static const unsigned char *matches(struct checker *k, uint32_t pid,
				    const struct kcovdf_call *c)
{
	uint64_t key[2] = { pid, c->pc };
	int created;
	void **slot = kcovdf_hmap_slot(&k->match, key, sizeof(key), &created);

	if (!slot) {
		k->x.oom = 1;
		return NULL;
	}
	if (created) {
		unsigned char *m = rules_calloc(k->rs->n, 1);
		char buf[32];
		const char *name = call_name(c, buf, sizeof(buf));

		if (!m) {
			/* The slot stays empty (NULL): no rule applies. */
			k->x.oom = 1;
			return NULL;
		}
		for (size_t i = 0; i < k->rs->n; i++) {
			struct rule *r = &k->rs->v[i];

			m[i] = (unsigned char)(glob_match(&r->a, name) |
					       (r->b.nglobs &&
						glob_match(&r->b, name) ? 2 : 0));
		}
		*slot = m;
	}
	return *slot;
}

static void report(struct checker *k, size_t rule, const struct lcall *lc,
		   const struct occ *other, const char *msg)
{
	struct kcovdf_violation v = {
		.rule = rule,
		.task = lc->task,
		.call = lc->c,
		.ret = lc->ret,
		.message = msg,
	};

	if (other) {
		v.has_other = 1;
		v.other_task = other->task;
		v.other = other->c;
		v.other_ret = other->ret;
	}
	k->rs->v[rule].violations++;
	k->cb(&v, k->cbarg);
}

/* Defaults: unique keys are objects, so per address space (per process in
 * user space, the whole trace for the kernel); order is per task. */
static int eff_scope(struct checker *k, const struct rule *r)
{
	if (r->scope != S_DEFAULT)
		return r->scope;
	if (r->kind == R_UNIQUE)
		return k->kernel ? S_TRACE : S_PROCESS;
	return S_TASK;
}

/* The scope part of a key. */
static uint64_t scope_id(struct checker *k, const struct rule *r,
			 size_t task)
{
	int s = eff_scope(k, r);

	if (s == S_TASK)
		return task;
	if (s == S_PROCESS)
		return (uint64_t)1 << 32 | k->tasks[task].st->pid;
	return (uint64_t)-1;
}

/* Evaluate the keys of a call. Returns 1 with key[] filled (3 words of
 * header, then 2 per key), 0 when a key is unknown, -1 when it names
 * something the call does not have. */
static int eval_keys(struct checker *k, struct node **keys, size_t nkeys,
		     uint64_t *key)
{
	for (size_t i = 0; i < nkeys; i++) {
		struct kcovdf_num v;
		int rc = rules_eval_value(&k->x, keys[i], &v);

		if (rc <= 0)
			return rc;
		if (v.kind == KCOVDF_NUM_FLOAT) {
			key[3 + 2 * i] = 1;
			memcpy(&key[4 + 2 * i], &v.d, sizeof(double));
		} else {
			key[3 + 2 * i] = 0;
			key[4 + 2 * i] = v.u;
		}
	}
	return 1;
}

#define MAX_KEYS 8

/*
 * Does a call take part in a rule, by the `when` and the keys of a call
 * pattern? 1 yes, with key[] filled; 0 no, its `when` is false; -1 the rule
 * cannot say: *na tells whether a name means nothing in the call (not
 * applicable) or a value it needs was not recorded (unknown).
 */
static int takes_part(struct checker *k, const struct callpat *cp,
		      uint64_t *key, int *na)
{
	int t;

	if (cp->when) {
		t = rules_eval_truth(&k->x, cp->when);
		if (t == TV_F)
			return 0;
		if (t != TV_T) {
			*na = t == -1;
			return -1;
		}
	}
	t = eval_keys(k, cp->keys, cp->nkeys, key);
	if (t <= 0) {
		*na = t < 0;
		return -1;
	}
	return 1;
}

static void count_undecided(struct rule *r, int na)
{
	if (na)
		r->na++;
	else
		r->unknown++;
}

static void check_unique(struct checker *k, size_t ri, const struct lcall *lc)
{
	struct rule *r = &k->rs->v[ri];
	uint64_t key[3 + 2 * MAX_KEYS];
	int created, rc, na;
	void **slot;

	key[0] = ri;
	key[1] = 'U';
	key[2] = scope_id(k, r, lc->task);
	rc = takes_part(k, &r->a, key, &na);
	if (rc < 0)
		count_undecided(r, na);
	if (rc <= 0)
		return;
	r->checked++;
	slot = kcovdf_hmap_slot(&k->uniq, key, (3 + 2 * r->a.nkeys) * 8,
				&created);
	if (!slot) {
		k->x.oom = 1;
		return;
	}
	if (created) {
		struct occ *o = rules_calloc(1, sizeof(*o));

		if (!o) {
			k->x.oom = 1;
			return;
		}
		o->task = lc->task;
		o->c = lc->c;
		o->ret = lc->ret;
		*slot = o;
		return;
	}
	if (!*slot)
		return;		/* its first call found no memory */
	{
		struct kcovdf_buf msg = { 0 };

		kcovdf_buf_printf(&msg, "again with the same key (%s)",
				  k->x.why.s ? k->x.why.s : "");
		report(k, ri, lc, *slot, msg.s);
		kcovdf_buf_free(&msg);
	}
}

static struct bal *bal_of(struct checker *k, size_t ri, const uint64_t *key,
			  size_t klen)
{
	int created;
	void **slot = kcovdf_hmap_slot(&k->balmap, key, klen, &created);

	if (!slot) {
		k->x.oom = 1;
		return NULL;
	}
	if (created) {
		struct bal *b = rules_calloc(1, sizeof(*b));

		/* k->bals owns it; a slot left NULL means no memory. */
		if (!b || rules_push((void ***)&k->bals, &k->nbals, b)) {
			free(b);
			k->x.oom = 1;
			return NULL;
		}
		b->rule = ri;
		*slot = b;
	}
	return *slot;
}

/* -1 when out of memory (the caller sets k->x.oom). */
static int occ_push(struct occs *o, const struct lcall *lc)
{
	if (o->n == o->cap) {
		struct occ *nv = kcovdf_grow(o->v, &o->cap, sizeof(*nv), 4);

		if (!nv)
			return -1;
		o->v = nv;
	}
	o->v[o->n].task = lc->task;
	o->v[o->n].c = lc->c;
	o->v[o->n].ret = lc->ret;
	o->v[o->n].second = 0;
	o->n++;
	return 0;
}

static void check_order(struct checker *k, size_t ri, const struct lcall *lc,
			unsigned char m)
{
	struct rule *r = &k->rs->v[ri];
	uint64_t key[3 + 2 * MAX_KEYS];
	size_t klen = (3 + 2 * r->a.nkeys) * 8;
	int per_task = eff_scope(k, r) == S_TASK;
	char buf[32];
	int second = 0, rc, na;

	key[0] = ri;
	key[1] = 'O';
	key[2] = scope_id(k, r, lc->task);
	r->calls++;
	/* The second side first: a call that is both does not satisfy
	 * itself. */
	if (m & 2) {
		rules_ctx_fresh(&k->x);
		second = takes_part(k, &r->b, key, &na);
		if (second < 0)
			count_undecided(r, na);
	}
	if (second > 0) {
		struct kcovdf_buf msg = { 0 };

		r->checked++;
		if (r->kind == R_BEFORE) {
			if (!kcovdf_hmap_get(&k->seen, key, klen))
				kcovdf_buf_printf(&msg, "no earlier call of "
						  "%s%s", r->a.globs[0],
						  r->a.nglobs > 1 ? " (or the "
						  "other patterns)" : "");
		} else {
			struct bal *b = bal_of(k, ri, key, klen);

			if (!b)
				;	/* out of memory: the check fails */
			else if (b->open.n)
				b->open.n--;
			else if (!per_task)
				k->x.oom |= occ_push(&b->extra, lc) < 0;
			else
				kcovdf_buf_printf(&msg, "%s without an open %s",
						  call_name(lc->c, buf,
							    sizeof(buf)),
						  r->a.globs[0]);
		}
		if (msg.s) {
			if (r->a.nkeys)
				kcovdf_buf_printf(&msg, " with the same key "
						  "(%s)", k->x.why.s ?
						  k->x.why.s : "");
			kcovdf_buf_printf(&msg, " in this task");
			report(k, ri, lc, NULL, msg.s);
		}
		kcovdf_buf_free(&msg);
	}
	if (!(m & 1))
		return;
	rules_ctx_fresh(&k->x);
	rc = takes_part(k, &r->a, key, &na);
	/* A call counts once: as checked or undecided by the second side,
	 * else by the first. */
	if (rc < 0 && !second)
		count_undecided(r, na);
	if (rc <= 0)
		return;
	if (r->kind == R_BEFORE) {
		void **slot = kcovdf_hmap_slot(&k->seen, key, klen, NULL);

		if (slot)
			*slot = (void *)1;
		else
			k->x.oom = 1;
	} else {
		struct bal *b = bal_of(k, ri, key, klen);

		if (!b)
			return;

		if (!(m & 2))
			r->checked++;
		if (b->extra.n)
			b->extra.n--;
		else
			k->x.oom |= occ_push(&b->open, lc) < 0;
	}
}

static void check_call(struct checker *k, const struct lcall *lc, int format)
{
	const unsigned char *m = matches(k, k->tasks[lc->task].st->pid, lc->c);

	if (!m)
		return;
	for (size_t i = 0; i < k->rs->n; i++) {
		struct rule *r = &k->rs->v[i];
		int t;

		if (!m[i])
			continue;
		rules_ctx_call(&k->x, lc, format);
		switch (r->kind) {
		case R_ASSERT:
			r->calls++;
			t = rules_eval_truth(&k->x, r->expr);
			if (t == TV_T) {
				r->checked++;
			} else if (t == TV_F) {
				struct kcovdf_buf msg = { 0 };

				r->checked++;
				kcovdf_buf_printf(&msg, "%s%s", k->x.why.len ?
						  "with " : "", k->x.why.len ?
						  k->x.why.s : "");
				report(k, i, lc, NULL, msg.s);
				kcovdf_buf_free(&msg);
			} else if (t == -1) {
				r->na++;
			} else {
				r->unknown++;
			}
			break;
		case R_UNIQUE:
			if (!(m[i] & 1))
				break;
			r->calls++;
			check_unique(k, i, lc);
			break;
		default:
			check_order(k, i, lc, m[i]);
		}
	}
	kcovdf_items_reset(k->x.fmt);
}

/* DOC streams are flat: returns are entries of their own. Pair each
 * return with the innermost open entry of the same function. */
static void check_doc(struct checker *k, size_t task)
{
	const struct kcovdf_calls *calls = k->tasks[task].calls;
	const struct kcovdf_call **open = NULL, **all = NULL;
	const struct kcovdf_rec **rets;
	size_t *openidx, nopen = 0, nall = 0;
	char *merged;
	const struct kcovdf_call *c;

	for (c = calls->root; c; c = c->next)
		nall++;
	all = rules_calloc(nall, sizeof(*all));
	open = rules_calloc(nall, sizeof(*open));
	rets = rules_calloc(nall, sizeof(*rets));
	openidx = rules_calloc(nall, sizeof(*openidx));
	merged = rules_calloc(nall, 1);
	if (!all || !open || !rets || !openidx || !merged) {
		k->x.oom = 1;
		goto out;
	}
	nall = 0;
	for (c = calls->root; c; c = c->next)
		all[nall++] = c;
	/* Index of each open entry in all[] is found by a scan from the top
	 * of the stack; entries closed by a later return are skipped as
	 * calls of their own. */
	{
		for (size_t i = 0; i < nall; i++) {
			c = all[i];
			if (c->lost)
				continue;
			if (!c->no_entry) {
				openidx[nopen] = i;
				open[nopen++] = c;
				continue;
			}
			for (size_t j = nopen; j > 0; j--) {
				if (open[j - 1]->pc != c->pc)
					continue;
				rets[openidx[j - 1]] = &c->ret;
				merged[i] = 1;
				nopen = j - 1;
				break;
			}
		}
		for (size_t i = 0; i < nall; i++) {
			struct lcall lc = { .task = task, .c = all[i],
					    .ret = rets[i] };

			if (merged[i] || all[i]->lost)
				continue;
			check_call(k, &lc, KCOVDF_FMT_DOC);
		}
	}
out:
	free(openidx);
	free(merged);
	free(all);
	free(open);
	free(rets);
}

static int cmp_occ(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;

	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	return x->c->index < y->c->index ? -1 : x->c->index > y->c->index;
}

/* Append the calls of from to to, marked as of the second side or not;
 * -1 when out of memory. */
static int occs_append(struct occs *to, const struct occs *from, int second)
{
	for (size_t j = 0; j < from->n; j++) {
		struct lcall lc = { .task = from->v[j].task, .c = from->v[j].c,
				    .ret = from->v[j].ret };

		if (occ_push(to, &lc))
			return -1;
		to->v[to->n - 1].second = second;
	}
	return 0;
}

/* Calls left unmatched when the scope of their key ends. */
static void finish_balances(struct checker *k)
{
	for (size_t ri = 0; ri < k->rs->n; ri++) {
		struct occs all = { 0 };
		struct rule *r = &k->rs->v[ri];
		int per_task = eff_scope(k, r) == S_TASK;

		for (size_t i = 0; i < k->nbals; i++) {
			struct bal *b = k->bals[i];

			if (b->rule != ri)
				continue;
			if (occs_append(&all, &b->open, 0) ||
			    occs_append(&all, &b->extra, 1)) {
				k->x.oom = 1;
				free(all.v);
				return;
			}
		}
		if (all.n)
			qsort(all.v, all.n, sizeof(*all.v), cmp_occ);
		for (size_t i = 0; i < all.n; i++) {
			struct lcall lc = { .task = all.v[i].task,
					    .c = all.v[i].c,
					    .ret = all.v[i].ret };
			struct kcovdf_buf msg = { 0 };
			char buf[32];
			const char *name = call_name(all.v[i].c, buf,
						     sizeof(buf));

			if (!all.v[i].second)
				kcovdf_buf_printf(&msg, "never matched by %s%s",
						  r->b.globs[0], per_task ?
						  " in this task" : "");
			else
				kcovdf_buf_printf(&msg, "one %s more than %s",
						  name, r->a.globs[0]);
			report(k, ri, &lc, NULL, msg.s);
			kcovdf_buf_free(&msg);
		}
		free(all.v);
	}
}

int kcovdf_rules_check(struct kcovdf_rules *rs,
		       const struct kcovdf_fmt *fmt, struct kcovdf_sym *sym,
		       const struct kcovdf_check_task *tasks, size_t ntasks,
		       int kernel, kcovdf_violation_cb cb, void *arg,
		       char *err, size_t errlen)
{
	struct checker k = {
		.rs = rs, .sym = sym, .tasks = tasks, .ntasks = ntasks,
		.kernel = kernel, .cb = cb, .cbarg = arg,
	};
	int rc = 0;

	k.x.sym = sym;
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = &rs->v[i];

		r->calls = r->checked = r->violations = r->unknown = r->na = 0;
		if (r->a.nkeys > MAX_KEYS) {
			snprintf(err, errlen, "%s:%d: at most %d keys",
				 rs->file, r->line, MAX_KEYS);
			return -1;
		}
		for (size_t j = 0; j < r->nnames; j++)
			r->names[j]->resolved = r->names[j]->used = 0;
	}
	k.x.fmt = kcovdf_fmt_new();
	if (!k.x.fmt) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (fmt)
		kcovdf_fmt_errno_names(k.x.fmt, fmt->errno_names);
	/* Out of memory, the check stops: its counts would be wrong. */
	for (size_t t = 0; t < ntasks && !k.x.oom; t++) {
		const struct kcovdf_stream *st = tasks[t].st;

		if (st->format == KCOVDF_FMT_DOC) {
			check_doc(&k, t);
			continue;
		}
		for (const struct kcovdf_call *c = tasks[t].calls->root;
		     c && !k.x.oom;
		     c = kcovdf_call_next((struct kcovdf_call *)c)) {
			struct lcall lc = { .task = t, .c = c };

			if (!c->lost && !c->section)
				check_call(&k, &lc, (int)st->format);
		}
	}
	if (!k.x.oom)
		finish_balances(&k);
	if (k.x.oom || k.x.why.err) {
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		rc = -1;
	}
	/* A name that meant nothing in any call the rule applied to is a
	 * mistake in the rule (a typo), not a property of the trace. */
	for (size_t i = 0; i < rs->n && !rc; i++) {
		struct rule *r = &rs->v[i];

		for (size_t j = 0; j < r->nnames; j++) {
			struct node *n = r->names[j];

			if (!n->used || n->resolved)
				continue;
			snprintf(err, errlen, "%s:%d:%d: '%s' is no parameter, "
				 "field, enumerator or error name in any call "
				 "the rule applies to", rs->file, n->line,
				 n->col, n->name);
			rc = -1;
			break;
		}
	}
	for (size_t i = 0; i < k.match.cap; i++)
		if (k.match.e[i].key)
			free(k.match.e[i].val);
	kcovdf_hmap_free(&k.match, NULL);
	for (size_t i = 0; i < k.nbals; i++) {
		free(k.bals[i]->open.v);
		free(k.bals[i]->extra.v);
		free(k.bals[i]);
	}
	free(k.bals);
	kcovdf_hmap_free(&k.balmap, NULL);
	kcovdf_hmap_free(&k.uniq, free);
	kcovdf_hmap_free(&k.seen, NULL);
	kcovdf_buf_free(&k.x.why);
	kcovdf_fmt_free(k.x.fmt);
	return rc;
}
