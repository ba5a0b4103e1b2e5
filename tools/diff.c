// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf diff A B: what differs between two traces, call by call. Calls
 * are aligned by their path: the chain of function names from the root,
 * each with its occurrence among same-named siblings ("main > f#2 > g").
 * Tasks are aligned by kind, task name and first function, in file order.
 * Pointers differ from run to run (ASLR): they are compared as NULL,
 * ERR_PTR or valid unless --pointers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_tool.h"

struct ent {
	const struct kcovdf_call *a, *b;
	unsigned int occ;	/* among siblings of the same name */
};

struct frame {
	struct ent *v;
	size_t n, i;
};

struct diff {
	struct tool_trace ta, tb;
	const struct tool_task *ka, *kb;
	int json, pointers;
	struct frame *fr;
	size_t nfr, capfr;
	struct kcovdf_buf out;
	uint64_t changed, changed_calls, only_a, only_b;
	int header;		/* the task pair's line is still to print */
	size_t ndiff;		/* JSON: differences written */
};

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("out of memory");
	return p;
}

static void push_ent(struct frame *f, size_t *cap, struct ent e)
{
	if (f->n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		f->v = xrealloc(f->v, *cap * sizeof(*f->v));
	}
	f->v[f->n++] = e;
}

/* The calls of B with one name, in order. */
struct blist {
	const struct kcovdf_call **v;
	size_t n;
};

static void free_blist(void *p)
{
	struct blist *l = p;

	if (l) {
		free(l->v);
		free(l);
	}
}

/* Count one more call of name in counts (name -> calls so far); returns
 * the count before it: which call of its function this one is, from 0. */
static unsigned int count_name(struct kcovdf_hmap *counts, const char *name)
{
	uintptr_t *n = (uintptr_t *)tool_hmap_slot(counts, name, strlen(name),
						   NULL);

	return (unsigned int)(*n)++;
}

/* Align two sibling lists: the k-th call of a function in A with the k-th
 * call of the same function in B. A's calls come in order (matched or
 * not), then B's calls that matched nothing. */
static void align(struct frame *f, const struct kcovdf_call *a,
		  const struct kcovdf_call *b)
{
	/* name -> calls in B, in A */
	struct kcovdf_hmap nb = { 0 }, na = { 0 };
	size_t cap = 0;

	memset(f, 0, sizeof(*f));
	for (const struct kcovdf_call *c = b; c; c = c->next) {
		const char *name = tool_fn_name(c);

		if (!c->lost)
			count_name(&nb, name);
	}
	{
		/* The calls of B by name, to find the k-th. */
		struct kcovdf_hmap lists = { 0 };

		for (const struct kcovdf_call *c = b; c; c = c->next) {
			const char *name = tool_fn_name(c);
			int created;
			void **slot;
			struct blist *l;

			if (c->lost)
				continue;
			slot = tool_hmap_slot(&lists, name, strlen(name),
						&created);
			if (created) {
				*slot = calloc(1, sizeof(struct blist));
				l = *slot;
				if (!l)
					fatal("out of memory");
				l->v = xrealloc(NULL, (size_t)(uintptr_t)
						kcovdf_hmap_get(&nb, name,
								strlen(name)) *
						sizeof(*l->v));
			}
			l = *slot;
			l->v[l->n++] = c;
		}
		for (const struct kcovdf_call *c = a; c; c = c->next) {
			const char *name = tool_fn_name(c);
			struct blist *l;
			struct ent e = { .a = c };

			if (c->lost)
				continue;
			e.occ = count_name(&na, name);
			l = kcovdf_hmap_get(&lists, name, strlen(name));
			if (l && e.occ < l->n)
				e.b = l->v[e.occ];
			push_ent(f, &cap, e);
		}
		kcovdf_hmap_free(&lists, free_blist);
	}
	/* B's calls beyond the number A has of the same function. */
	{
		struct kcovdf_hmap seen = { 0 };

		for (const struct kcovdf_call *c = b; c; c = c->next) {
			const char *name = tool_fn_name(c);
			struct ent e = { .b = c };

			if (c->lost)
				continue;
			e.occ = count_name(&seen, name);
			if (e.occ >= (uintptr_t)kcovdf_hmap_get(&na, name,
								strlen(name)))
				push_ent(f, &cap, e);
		}
		kcovdf_hmap_free(&seen, NULL);
	}
	kcovdf_hmap_free(&nb, NULL);
	kcovdf_hmap_free(&na, NULL);
}

static void path(struct diff *d, struct kcovdf_buf *b)
{
	size_t first = d->nfr > 64 ? d->nfr - 64 : 0;

	if (first)
		kcovdf_buf_printf(b, "... > ");
	for (size_t i = first; i < d->nfr; i++) {
		const struct ent *e = &d->fr[i].v[d->fr[i].i - 1];

		kcovdf_buf_printf(b, "%s%s", i > first ? " > " : "",
				  tool_fn_name(e->a ? e->a : e->b));
		if (e->occ)
			kcovdf_buf_printf(b, "#%u", e->occ);
	}
}

static size_t count_below(const struct kcovdf_call *root)
{
	size_t n = 0;
	const struct kcovdf_call *c = root->child;

	while (c) {
		n++;
		if (c->child) {
			c = c->child;
			continue;
		}
		while (c != root && !c->next)
			c = c->parent;
		c = c == root ? NULL : c->next;
	}
	return n;
}

static uint64_t ptr_class(const struct kcovdf_num *n)
{
	if (n->u == 0 || n->u >= (uint64_t)-4095)
		return n->u;
	return 1;
}

/*
 * Whether a pointer's value can be an address: not NULL, not an ERR_PTR,
 * not in the first 64 KiB (mmap_min_addr), and canonical on x86-64 and
 * arm64 even with 57-bit addresses (the top byte all zeros or all ones).
 * A double's bits, a small integer, a tag: not addresses.
 */
static int address_like(uint64_t v)
{
	if (v < 0x10000 || v >= (uint64_t)-4095)
		return 0;
	return v < 0x0100000000000000ULL || v >= 0xff00000000000000ULL;
}

/* A field that is an array of pointers (TString *tmname[25]) holds its
 * first element: a pointer. */
static int ptr_array(const struct kcovdf_item *it)
{
	const struct kcovdf_type *t = it->type;

	for (int i = 0; t && t->kind == KCOVDF_T_ARRAY && i < 8; i++)
		t = t->target;
	return t && t != it->type && t->kind == KCOVDF_T_PTR;
}

static int same_value(const struct diff *d, const struct kcovdf_item *x,
		      const struct kcovdf_item *y)
{
	struct kcovdf_num nx, ny;

	if (x->state != y->state)
		return 0;
	if (x->state != KCOVDF_ITEM_OK)
		return 1;
	/* Another view of a pointer in a union (union { void *p; long v; }):
	 * when the pointer view holds an address on both sides, the bytes
	 * are an address, which moves from run to run, whatever the view. */
	if (!d->pointers && x->has_alias && y->has_alias &&
	    address_like(x->alias_value) && address_like(y->alias_value))
		return 1;
	if (kcovdf_item_num(x, &nx) || kcovdf_item_num(y, &ny) ||
	    x->is_string || y->is_string) {
		/* No single number (a vector, a complex, a string): the
		 * values are what view shows. */
		struct kcovdf_buf tx = { 0 }, ty = { 0 };
		int same;

		kcovdf_item_text(&tx, x, 0);
		kcovdf_item_text(&ty, y, 0);
		same = tx.len == ty.len && !memcmp(tx.s, ty.s, tx.len);
		kcovdf_buf_free(&tx);
		kcovdf_buf_free(&ty);
		/* A string's address counts with --pointers only. */
		if (same && d->pointers && (x->is_string || y->is_string))
			same = x->value == y->value;
		return same;
	}
	kcovdf_item_num(x, &nx);
	kcovdf_item_num(y, &ny);
	nx.is_ptr |= ptr_array(x);
	ny.is_ptr |= ptr_array(y);
	if (!d->pointers && (nx.is_ptr || ny.is_ptr))
		return nx.is_ptr == ny.is_ptr &&
		       ptr_class(&nx) == ptr_class(&ny);
	if (nx.kind != ny.kind)
		return 0;
	if (nx.kind == KCOVDF_NUM_FLOAT)
		return !memcmp(&nx.d, &ny.d, sizeof(nx.d)) && nx.u == ny.u &&
		       nx.hi == ny.hi;
	return nx.u == ny.u && nx.hi == ny.hi;
}

/* Text: the "@@" line of a task pair, before its first difference. */
static void task_header(struct diff *d)
{
	if (!d->header)
		return;
	d->header = 0;
	kcovdf_buf_printf(&d->out, "%s@@ pid %u tid %u (%s) | pid %u tid %u "
			  "(%s)%s\n", tc(C_DIM), d->ka->st->pid,
			  d->ka->st->tid, d->ka->st->comm, d->kb->st->pid,
			  d->kb->st->tid, d->kb->st->comm, tc(C_RESET));
}

static void json_sep(struct diff *d)
{
	kcovdf_buf_printf(&d->out, "%s\n", d->ndiff++ ? "," : "");
}

static void json_task(struct kcovdf_buf *b, const struct tool_task *tk)
{
	kcovdf_buf_printf(b, "{\"pid\":%u,\"tid\":%u,\"comm\":", tk->st->pid,
			  tk->st->tid);
	kcovdf_json_str(b, tk->st->comm);
	kcovdf_buf_printf(b, "}");
}

static void item_change(struct diff *d, const char *where,
			const struct kcovdf_item *x,
			const struct kcovdf_item *y)
{
	struct kcovdf_buf b = { 0 };
	const struct kcovdf_item *any = x ? x : y;

	d->changed++;
	if (d->json) {
		json_sep(d);
		kcovdf_buf_printf(&d->out, "{\"kind\":\"changed\",\"a_task\":");
		json_task(&d->out, d->ka);
		kcovdf_buf_printf(&d->out, ",\"b_task\":");
		json_task(&d->out, d->kb);
		kcovdf_buf_printf(&d->out, ",\"path\":");
		kcovdf_json_str(&d->out, where);
		kcovdf_buf_printf(&b, "%s", "");
		kcovdf_item_path(&b, any);
		kcovdf_buf_printf(&d->out, ",\"item\":");
		kcovdf_json_str(&d->out, b.s);
		for (int side = 0; side < 2; side++) {
			const struct kcovdf_item *it = side ? y : x;

			kcovdf_buf_printf(&d->out, ",\"%s\":", side ? "b" : "a");
			if (it)
				kcovdf_item_text(&d->out, it, 1);
			else
				kcovdf_buf_printf(&d->out, "null");
			b.len = 0;
			kcovdf_buf_printf(&b, "%s", "");
			if (it)
				kcovdf_item_text(&b, it, 0);
			kcovdf_buf_printf(&d->out, ",\"%s_text\":",
					  side ? "b" : "a");
			if (it)
				kcovdf_json_str(&d->out, b.s);
			else
				kcovdf_buf_printf(&d->out, "null");
		}
		kcovdf_buf_printf(&d->out, "}");
		kcovdf_buf_free(&b);
		return;
	}
	task_header(d);
	kcovdf_buf_printf(&d->out, "%s~%s %s: ", tc(C_WARN), tc(C_RESET),
			  where);
	kcovdf_item_path(&d->out, any);
	kcovdf_buf_printf(&d->out, ": ");
	if (x)
		kcovdf_item_text(&d->out, x, 0);
	else
		kcovdf_buf_printf(&d->out, "(none)");
	kcovdf_buf_printf(&d->out, " -> ");
	if (y)
		kcovdf_item_text(&d->out, y, 0);
	else
		kcovdf_buf_printf(&d->out, "(none)");
	kcovdf_buf_printf(&d->out, "\n");
	kcovdf_buf_free(&b);
}

static void compare(struct diff *d, const struct ent *e)
{
	struct kcovdf_item *ia, *ib;
	size_t na, nb;
	struct kcovdf_buf where = { 0 }, pa = { 0 }, pb = { 0 };
	char *usedb;
	uint64_t before = d->changed;

	na = tool_call_items(&d->ta, e->a, NULL, d->ka->format, &ia);
	nb = tool_call_items(&d->tb, e->b, NULL, d->kb->format, &ib);
	usedb = calloc(nb + 1, 1);
	if (!usedb)
		fatal("out of memory");
	kcovdf_buf_printf(&where, "%s", "");
	path(d, &where);
	for (size_t i = 0; i < na; i++) {
		size_t j;

		pa.len = 0;
		kcovdf_buf_printf(&pa, "%s", "");
		kcovdf_item_path(&pa, &ia[i]);
		for (j = 0; j < nb; j++) {
			if (usedb[j])
				continue;
			pb.len = 0;
			kcovdf_buf_printf(&pb, "%s", "");
			kcovdf_item_path(&pb, &ib[j]);
			if (!strcmp(pa.s, pb.s))
				break;
		}
		if (j == nb) {
			item_change(d, where.s, &ia[i], NULL);
			continue;
		}
		usedb[j] = 1;
		if (!same_value(d, &ia[i], &ib[j]))
			item_change(d, where.s, &ia[i], &ib[j]);
	}
	for (size_t j = 0; j < nb; j++)
		if (!usedb[j])
			item_change(d, where.s, NULL, &ib[j]);
	if (d->changed != before)
		d->changed_calls++;
	free(usedb);
	kcovdf_buf_free(&where);
	kcovdf_buf_free(&pa);
	kcovdf_buf_free(&pb);
	tool_items_reset(&d->ta);
	tool_items_reset(&d->tb);
}

static void only(struct diff *d, const struct ent *e)
{
	int in_a = e->a != NULL;
	const struct kcovdf_call *c = in_a ? e->a : e->b;
	const struct tool_trace *tt = in_a ? &d->ta : &d->tb;
	const struct tool_task *tk = in_a ? d->ka : d->kb;
	size_t below = count_below(c);
	struct kcovdf_buf where = { 0 };

	kcovdf_buf_printf(&where, "%s", "");
	path(d, &where);
	if (in_a)
		d->only_a++;
	else
		d->only_b++;
	if (d->json) {
		json_sep(d);
		kcovdf_buf_printf(&d->out, "{\"kind\":\"%s\",\"task\":",
				  in_a ? "only_a" : "only_b");
		json_task(&d->out, tk);
		kcovdf_buf_printf(&d->out, ",\"path\":");
		kcovdf_json_str(&d->out, where.s);
		kcovdf_buf_printf(&d->out, ",\"calls_below\":%zu,\"call\":",
				  below);
		tool_call_json(&d->out, tt, tk, c, NULL);
		kcovdf_buf_printf(&d->out, "}");
	} else {
		task_header(d);
		kcovdf_buf_printf(&d->out, "%s%c%s %s: ",
				  tc(in_a ? C_ERR : C_OK), in_a ? '-' : '+',
				  tc(C_RESET), where.s);
		tool_call_line(&d->out, tt, tk, c, NULL);
		if (below)
			kcovdf_buf_printf(&d->out, " (and %zu call%s below)",
					  below, below == 1 ? "" : "s");
		kcovdf_buf_printf(&d->out, "\n");
	}
	kcovdf_buf_free(&where);
	tool_items_reset(tt);
}

static void flush(struct diff *d)
{
	tool_buf_check(&d->out);
	if (d->out.len)
		fwrite(d->out.s, 1, d->out.len, stdout);
	d->out.len = 0;
}

static void diff_tasks(struct diff *d)
{
	if (d->nfr == d->capfr) {
		d->capfr = d->capfr ? 2 * d->capfr : 64;
		d->fr = xrealloc(d->fr, d->capfr * sizeof(*d->fr));
	}
	align(&d->fr[0], d->ka->calls.root, d->kb->calls.root);
	d->nfr = 1;
	while (d->nfr) {
		struct frame *f = &d->fr[d->nfr - 1];
		const struct ent *e;

		if (f->i == f->n) {
			free(f->v);
			d->nfr--;
			continue;
		}
		e = &f->v[f->i++];
		if (!e->a || !e->b) {
			only(d, e);
		} else {
			compare(d, e);
			if (e->a->child || e->b->child) {
				if (d->nfr == d->capfr) {
					d->capfr *= 2;
					d->fr = xrealloc(d->fr, d->capfr *
							 sizeof(*d->fr));
				}
				align(&d->fr[d->nfr++], e->a->child,
				      e->b->child);
			}
		}
		if (d->out.len > 65536)
			flush(d);
	}
}

/* Tasks are matched by kind, task name and first function, in order. */
static void task_key(struct kcovdf_buf *b, const struct tool_task *tk)
{
	const struct kcovdf_call *c = tk->calls.root;

	while (c && c->lost)
		c = c->next;
	b->len = 0;
	kcovdf_buf_printf(b, "%u/%s/%s", tk->st->kind, tk->st->comm,
			  c ? tool_fn_name(c) : "");
}

static void task_only(struct diff *d, const struct tool_task *tk, int in_a)
{
	size_t n = 0;

	for (const struct kcovdf_call *c = tk->calls.root; c;
	     c = kcovdf_call_next((struct kcovdf_call *)c))
		n++;
	if (d->json) {
		json_sep(d);
		kcovdf_buf_printf(&d->out, "{\"kind\":\"%s\",\"task\":",
				  in_a ? "task_only_a" : "task_only_b");
		json_task(&d->out, tk);
		kcovdf_buf_printf(&d->out, ",\"calls\":%zu}", n);
	} else {
		kcovdf_buf_printf(&d->out, "%s%c%s task pid %u tid %u (%s): "
				  "%zu call%s only in %s\n",
				  tc(in_a ? C_ERR : C_OK), in_a ? '-' : '+',
				  tc(C_RESET), tk->st->pid, tk->st->tid,
				  tk->st->comm, n, n == 1 ? "" : "s",
				  in_a ? "A" : "B");
	}
	if (in_a)
		d->only_a += n;
	else
		d->only_b += n;
}

static void usage(FILE *f)
{
	fputs("usage: kcovdf diff [OPTIONS] A B\n"
	      "\n"
	      "Values that differ between the calls of two traces, aligned "
	      "by call path.\n"
	      "Exit status: 0 no difference, 1 differences, 2 trouble.\n"
	      "\n"
	      "  --pointers         compare pointer values exactly (default: "
	      "only NULL,\n"
	      "                     ERR_PTR or valid, since addresses change "
	      "between runs)\n", f);
	tool_help_common(f, 21, TOOL_HELP_COLOR | TOOL_HELP_JSON);
	fputs("  --strict           a truncated trace exits 2\n"
	      "  --vmlinux FILE, --modules DIR, --kallsyms FILE, --sysroot DIR\n"
	      "                     (used for both traces; without them each "
	      "trace's own\n"
	      "                     files are found by their build ids)\n", f);
}

/* diff's own options (tool_args_parse() the common ones). */
static int diff_opt(void *ctx, int argc, char **argv, int *i)
{
	struct diff *d = ctx;

	(void)argc;
	if (!strcmp(argv[*i], "--pointers"))
		d->pointers = 1;
	else
		return 0;
	return 1;
}

int cmd_diff(int argc, char **argv)
{
	struct diff d = { 0 };
	int color = COLOR_AUTO;
	struct tool_args a = { .json = &d.json, .color = &color };
	const char *const *paths = a.paths;
	struct kcovdf_buf key = { 0 };
	struct kcovdf_hmap bytask = { 0 };
	char *usedb;

	if (tool_args_parse(&a, "diff", argc, argv, diff_opt, &d, usage, 2,
			    "too many arguments: A B"))
		return 0;
	if (a.npaths != 2) {
		usage(stderr);
		fatal("diff: need two trace files");
	}
	tool_color_init(d.json ? COLOR_NEVER : color);
	tool_trace_open(&d.ta, paths[0], &a.sa, 0);
	tool_trace_open(&d.tb, paths[1], &a.sa, 0);
	/* Both traces' values as the first trace's kind names them. */
	kcovdf_fmt_errno_names(d.tb.fmt, d.ta.kernel);
	if (d.json) {
		kcovdf_buf_printf(&d.out, "{\"a\":");
		kcovdf_json_str(&d.out, paths[0]);
		kcovdf_buf_printf(&d.out, ",\"b\":");
		kcovdf_json_str(&d.out, paths[1]);
		kcovdf_buf_printf(&d.out, ",\"differences\":[");
	} else {
		kcovdf_buf_printf(&d.out, "%s--- %s\n+++ %s%s\n", tc(C_BOLD),
				  paths[0], paths[1], tc(C_RESET));
	}
	/* B's tasks by key, each key a list in file order. */
	usedb = calloc(d.tb.ntasks + 1, 1);
	if (!usedb)
		fatal("out of memory");
	for (size_t i = 0; i < d.ta.ntasks; i++) {
		size_t nth = 0, j;

		task_key(&key, &d.ta.tasks[i]);
		{
			/* The how-many-th task of this key in A. */
			uintptr_t *k = (uintptr_t *)tool_hmap_slot(&bytask,
							key.s, key.len, NULL);

			nth = (size_t)(*k)++;
		}
		for (j = 0; j < d.tb.ntasks; j++) {
			struct kcovdf_buf kb = { 0 };
			int eq;

			if (usedb[j])
				continue;
			task_key(&kb, &d.tb.tasks[j]);
			eq = !strcmp(kb.s, key.s);
			kcovdf_buf_free(&kb);
			if (eq && nth-- == 0)
				break;
		}
		if (j == d.tb.ntasks) {
			task_only(&d, &d.ta.tasks[i], 1);
			continue;
		}
		usedb[j] = 1;
		d.ka = &d.ta.tasks[i];
		d.kb = &d.tb.tasks[j];
		d.header = 1;
		diff_tasks(&d);
	}
	for (size_t j = 0; j < d.tb.ntasks; j++)
		if (!usedb[j])
			task_only(&d, &d.tb.tasks[j], 0);
	if (d.json)
		kcovdf_buf_printf(&d.out, "],\"changed\":%" PRIu64
				  ",\"changed_calls\":%" PRIu64
				  ",\"only_a\":%" PRIu64 ",\"only_b\":%" PRIu64
				  "}\n", d.changed, d.changed_calls, d.only_a,
				  d.only_b);
	else
		kcovdf_buf_printf(&d.out, "%" PRIu64 " value%s changed in %"
				  PRIu64 " call%s, %" PRIu64 " call%s only in "
				  "A, %" PRIu64 " only in B\n", d.changed,
				  d.changed == 1 ? "" : "s", d.changed_calls,
				  d.changed_calls == 1 ? "" : "s", d.only_a,
				  d.only_a == 1 ? "" : "s", d.only_b);
	flush(&d);
	fflush(stdout);
	free(usedb);
	free(d.fr);
	kcovdf_hmap_free(&bytask, NULL);
	kcovdf_buf_free(&key);
	kcovdf_buf_free(&d.out);
	tool_trace_close(&d.ta);
	tool_trace_close(&d.tb);
	return d.changed || d.only_a || d.only_b ? KCOVDF_EXIT_FOUND
						   : KCOVDF_EXIT_OK;
}
