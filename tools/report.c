// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf report: per function, how often it was called, and for every
 * argument, field and return value the distinct values seen (with counts,
 * min and max for numbers), the error codes returned (kernel traces),
 * calls that never returned and returns without a recorded entry.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_tool.h"

struct vstat {
	uint64_t raw;		/* the value as recorded (for printing) */
	/* and, for values wider than 64 bits and strings, their bytes */
	const uint64_t *wide, *str;
	unsigned int wide_words, str_len;
	int wide_trunc, str_trunc, str_fault;
	int state;
	int has_num;
	struct kcovdf_num num;
	uint64_t count;
};

struct istat {
	char *path;
	struct kcovdf_item it;	/* the first one seen: names, type */
	unsigned int sortkey_arg, sortkey_order;
	uint64_t count;
	struct kcovdf_hmap values;	/* state + number -> struct vstat */
	struct vstat **vals;	/* the same, in insertion order */
	size_t nvals;
	int minmax;		/* an integer or float: min and max */
	struct vstat min, max;
};

struct estat {
	char *name;		/* "EINVAL", "ERR_PTR(-ENOMEM)" */
	int64_t value;
	uint64_t count;
};

struct fstat {
	char *name;
	const struct kcovdf_fn *fn;
	uint64_t calls, returns, no_entry, no_return;
	struct kcovdf_hmap byname;	/* path -> struct istat */
	struct istat **items;
	size_t nitems;
	struct kcovdf_hmap errs;	/* name -> struct estat */
	struct estat **errors;
	size_t nerrors;
};

struct report {
	struct tool_trace tt;
	struct tool_filter funcs;
	struct tool_tasks tasks;
	int json, by_name;
	size_t max_values;
	struct kcovdf_hmap byname;	/* function name -> struct fstat */
	struct fstat **fns;
	size_t nfns;
	uint64_t ncalls;
	size_t ntasks;
};

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		fatal("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		fatal("out of memory");
	return p;
}

#define PUSH(vec, n, x) do {						\
	if (!((n) & ((n) - 1))) {					\
		void *nv_ = realloc((vec), ((n) ? 2 * (n) : 1) *	\
				    sizeof(*(vec)));			\
		if (!nv_)						\
			fatal("out of memory");				\
		(vec) = nv_;						\
	}								\
	(vec)[(n)++] = (x);						\
} while (0)

static struct fstat *fstat_of(struct report *r, const struct kcovdf_call *c)
{
	const char *name = tool_fn_name(c);
	int created;
	void **slot = tool_hmap_slot(&r->byname, name, strlen(name),
				       &created);

	if (created) {
		struct fstat *f = xcalloc(1, sizeof(*f));

		f->name = xstrdup(name);
		f->fn = c->fn;
		*slot = f;
		PUSH(r->fns, r->nfns, f);
	}
	return *slot;
}

static int is_minmax(const struct kcovdf_item *it)
{
	int kind = it->type ? it->type->kind : KCOVDF_T_UNKNOWN;

	if (kind == KCOVDF_T_INT || kind == KCOVDF_T_FLOAT)
		return 1;
	return kind == KCOVDF_T_UNKNOWN &&
	       !(it->fflags & (KCOV_DF_FIELD_PTR | KCOV_DF_FIELD_ARRAY |
			       KCOV_DF_FIELD_WIDE | KCOV_DF_FIELD_BOOL |
			       KCOV_DF_FIELD_ENUM));
}

static void add_value(struct istat *s, const struct kcovdf_item *it)
{
	struct vstat v = {
		.raw = it->value, .state = it->state, .wide = it->wide,
		.wide_words = it->wide_words, .wide_trunc = it->wide_trunc,
		.str = it->str, .str_len = it->str_len,
		.str_trunc = it->str_trunc, .str_fault = it->str_fault,
	};
	unsigned char key[1 + 16];
	struct kcovdf_buf tk = { 0 };
	int created;
	void **slot;

	v.has_num = !kcovdf_item_num(it, &v.num);
	key[0] = (unsigned char)(it->state | (v.num.kind << 4));
	memset(key + 1, 0, 16);
	if (v.num.kind == KCOVDF_NUM_FLOAT)
		memcpy(key + 1, &v.num.d, 8);
	else
		memcpy(key + 1, &v.num.u, 8);
	memcpy(key + 9, &v.num.hi, 8);	/* wider than 64 bits */
	if (!v.has_num)
		memset(key + 1, 0, 16);
	if ((!v.has_num && it->state == KCOVDF_ITEM_OK) || it->is_string) {
		/* No single number (a vector, a complex, a string): the
		 * text is the value. */
		kcovdf_buf_printf(&tk, "%c", key[0] | 0x80);
		kcovdf_item_text(&tk, it, 0);
	}
	if (tk.len)
		slot = tool_hmap_slot(&s->values, tk.s, tk.len, &created);
	else
		slot = tool_hmap_slot(&s->values, key, sizeof(key), &created);
	kcovdf_buf_free(&tk);
	if (created) {
		struct vstat *nv = xcalloc(1, sizeof(*nv));

		*nv = v;
		*slot = nv;
		PUSH(s->vals, s->nvals, nv);
	}
	((struct vstat *)*slot)->count++;
	if (!s->minmax || !v.has_num)
		return;
	if (!s->min.has_num || kcovdf_num_cmp(&v.num, &s->min.num) < 0)
		s->min = v;
	if (!s->max.has_num || kcovdf_num_cmp(&v.num, &s->max.num) > 0)
		s->max = v;
}

static void add_error(struct fstat *f, const struct kcovdf_item *it)
{
	struct kcovdf_num n;
	const char *e;
	char name[64];
	int64_t sv;
	int created;
	void **slot;

	if (!it->is_ret || it->field || kcovdf_item_num(it, &n) ||
	    n.kind != KCOVDF_NUM_INT)
		return;
	sv = (int64_t)n.u;
	/* Without a type (the documented format without DWARF), a 4- or
	 * 8-byte return in the error range is taken as an error code: the
	 * kernel's convention. */
	if (!it->type && !n.is_signed && !n.is_ptr &&
	    (it->size == 4 || it->size == 8)) {
		sv = it->size == 4 ? (int64_t)(int32_t)(uint32_t)n.u :
		     (int64_t)n.u;
		n.is_signed = 1;
	}
	if (sv >= 0 || sv < -4095 || (!n.is_signed && !n.is_ptr))
		return;
	e = kcovdf_errno_name((long)-sv);
	if (!e)
		return;
	snprintf(name, sizeof(name), n.is_ptr ? "ERR_PTR(-%s)" : "-%s", e);
	slot = tool_hmap_slot(&f->errs, name, strlen(name), &created);
	if (created) {
		struct estat *es = xcalloc(1, sizeof(*es));

		es->name = xstrdup(name);
		es->value = sv;
		*slot = es;
		PUSH(f->errors, f->nerrors, es);
	}
	((struct estat *)*slot)->count++;
}

static void add_call(struct report *r, const struct tool_task *tk,
		     const struct kcovdf_call *c)
{
	struct fstat *f = fstat_of(r, c);
	struct kcovdf_item *items;
	size_t n = tool_call_items(&r->tt, c, NULL, tk->format, &items);
	struct kcovdf_buf path = { 0 };

	if (tk->format == KCOVDF_FMT_DOC && c->no_entry) {
		f->returns++;	/* DOC: a return is an entry of its own */
	} else {
		f->calls++;
		r->ncalls++;
		f->returns += (uint64_t)c->has_ret;
		f->no_entry += (uint64_t)c->no_entry;
		f->no_return += (uint64_t)c->no_exit;
	}
	for (size_t i = 0; i < n; i++) {
		struct istat *s;
		int created;
		void **slot;

		path.len = 0;
		kcovdf_buf_printf(&path, "%s", "");
		kcovdf_item_path(&path, &items[i]);
		slot = tool_hmap_slot(&f->byname, path.s, path.len, &created);
		if (created) {
			s = xcalloc(1, sizeof(*s));
			s->path = xstrdup(path.s);
			s->it = items[i];
			/* Names from the item arena: keep copies. */
			s->it.param = xstrdup(items[i].param);
			s->it.field = items[i].field ?
				      xstrdup(items[i].field) : NULL;
			s->sortkey_arg = items[i].is_ret ? 0x100 :
					 items[i].argidx;
			s->sortkey_order = items[i].order;
			s->minmax = is_minmax(&items[i]);
			*slot = s;
			PUSH(f->items, f->nitems, s);
		}
		s = *slot;
		s->count++;
		add_value(s, &items[i]);
		if (r->tt.kernel)
			add_error(f, &items[i]);
	}
	kcovdf_buf_free(&path);
	tool_items_reset(&r->tt);
}

static int cmp_item(const void *a, const void *b)
{
	const struct istat *x = *(struct istat *const *)a;
	const struct istat *y = *(struct istat *const *)b;

	if (x->sortkey_arg != y->sortkey_arg)
		return x->sortkey_arg < y->sortkey_arg ? -1 : 1;
	if (x->sortkey_order != y->sortkey_order)
		return x->sortkey_order < y->sortkey_order ? -1 : 1;
	return strcmp(x->path, y->path);
}

static int cmp_val(const void *a, const void *b)
{
	const struct vstat *x = *(struct vstat *const *)a;
	const struct vstat *y = *(struct vstat *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->has_num != y->has_num)
		return x->has_num ? -1 : 1;
	if (x->has_num)
		return kcovdf_num_cmp(&x->num, &y->num);
	return x->state - y->state;
}

static int cmp_err(const void *a, const void *b)
{
	const struct estat *x = *(struct estat *const *)a;
	const struct estat *y = *(struct estat *const *)b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->value > y->value ? -1 : x->value < y->value;
}

static int by_calls;

static int cmp_fn(const void *a, const void *b)
{
	const struct fstat *x = *(struct fstat *const *)a;
	const struct fstat *y = *(struct fstat *const *)b;

	if (by_calls && x->calls != y->calls)
		return x->calls > y->calls ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void value_text(struct kcovdf_buf *b, const struct istat *s,
		       const struct vstat *v, int json)
{
	struct kcovdf_item it = s->it;

	it.value = v->raw;
	it.state = v->state;
	it.wide = v->wide;
	it.wide_words = v->wide_words;
	it.wide_trunc = v->wide_trunc;
	it.str = v->str;
	it.str_len = v->str_len;
	it.str_trunc = v->str_trunc;
	it.str_fault = v->str_fault;
	kcovdf_item_text(b, &it, json);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static void print_text(struct report *r)
{
	struct kcovdf_buf b = { 0 }, t = { 0 };
	const char *src = kcovdf_trace_meta(r->tt.t, "source");

	printf("%s# %s: %zu function%s, %" PRIu64 " call%s, %zu task%s%s%s%s\n",
	       tc(C_DIM), r->tt.path, r->nfns, r->nfns == 1 ? "" : "s",
	       r->ncalls, r->ncalls == 1 ? "" : "s", r->ntasks,
	       r->ntasks == 1 ? "" : "s", src ? " (source " : "",
	       src ? src : "", src ? ")" : "");
	printf("%s", tc(C_RESET));
	for (size_t i = 0; i < r->nfns; i++) {
		struct fstat *f = r->fns[i];
		int pw = 0, tw = 0;

		printf("\n%s%s%s: %" PRIu64 " call%s", tc(C_FUNC), f->name,
		       tc(C_RESET), f->calls, f->calls == 1 ? "" : "s");
		if (f->no_entry)
			printf(", %" PRIu64 " without entry", f->no_entry);
		if (f->no_return)
			printf(", %s%" PRIu64 " without return%s",
			       tc(C_WARN), f->no_return, tc(C_RESET));
		if (f->returns && f->returns != f->calls - f->no_return)
			printf(", %" PRIu64 " return%s", f->returns,
			       f->returns == 1 ? "" : "s");
		if (f->fn && f->fn->file)
			printf("  %s[%s:%d]%s", tc(C_DIM),
			       base_name(f->fn->file), f->fn->line, tc(C_RESET));
		printf("\n");
		for (size_t j = 0; j < f->nitems; j++) {
			const struct istat *s = f->items[j];
			int l = (int)strlen(s->path);
			int tl = s->it.type ? (int)strlen(s->it.type->name) : 0;

			pw = l > pw ? l : pw;
			tw = tl > tw ? tl : tw;
		}
		for (size_t j = 0; j < f->nitems; j++) {
			struct istat *s = f->items[j];
			size_t shown = s->nvals < r->max_values ? s->nvals :
				       r->max_values;

			b.len = 0;
			kcovdf_buf_printf(&b, "  %-*s  %-*s  ", pw, s->path, tw,
					  s->it.type ? s->it.type->name : "");
			if (s->nvals > 1)
				kcovdf_buf_printf(&b, "%zu distinct", s->nvals);
			if (s->nvals > 1 && s->minmax && s->min.has_num &&
			    kcovdf_num_cmp(&s->min.num, &s->max.num)) {
				kcovdf_buf_printf(&b, ", min ");
				value_text(&b, s, &s->min, 0);
				kcovdf_buf_printf(&b, ", max ");
				value_text(&b, s, &s->max, 0);
			}
			if (s->nvals > 1)
				kcovdf_buf_printf(&b, ": ");
			for (size_t k = 0; k < shown; k++) {
				t.len = 0;
				kcovdf_buf_printf(&t, "%s", "");
				value_text(&t, s, s->vals[k], 0);
				kcovdf_buf_printf(&b, "%s", k ? ", " : "");
				tool_put_value(&b, t.s);
				kcovdf_buf_printf(&b, " (%" PRIu64 ")",
						  s->vals[k]->count);
			}
			if (s->nvals > shown)
				kcovdf_buf_printf(&b, ", ... %zu more",
						  s->nvals - shown);
			tool_buf_check(&b);
			printf("%s\n", b.s);
		}
		if (f->nerrors) {
			printf("  %serrors%s", tc(C_ERR), tc(C_RESET));
			for (size_t k = 0; k < f->nerrors; k++)
				printf("%s %s (%" PRIu64 ")", k ? "," : ":",
				       f->errors[k]->name, f->errors[k]->count);
			printf("\n");
		}
	}
	kcovdf_buf_free(&b);
	kcovdf_buf_free(&t);
}

static void json_value(struct kcovdf_buf *b, const struct istat *s,
		       const struct vstat *v)
{
	struct kcovdf_buf t = { 0 };

	kcovdf_buf_printf(b, "{\"value\":");
	value_text(b, s, v, 1);
	kcovdf_buf_printf(&t, "%s", "");
	value_text(&t, s, v, 0);
	kcovdf_buf_printf(b, ",\"text\":");
	kcovdf_json_str(b, t.s);
	kcovdf_buf_printf(b, ",\"count\":%" PRIu64 "}", v->count);
	kcovdf_buf_free(&t);
}

static void print_json(struct report *r)
{
	struct kcovdf_buf b = { 0 };
	const char *src = kcovdf_trace_meta(r->tt.t, "source");

	kcovdf_buf_printf(&b, "{\"trace\":");
	kcovdf_json_str(&b, r->tt.path);
	kcovdf_buf_printf(&b, ",\"source\":");
	if (src)
		kcovdf_json_str(&b, src);
	else
		kcovdf_buf_printf(&b, "null");
	kcovdf_buf_printf(&b, ",\"tasks\":%zu,\"calls\":%" PRIu64
			  ",\"functions\":[", r->ntasks, r->ncalls);
	for (size_t i = 0; i < r->nfns; i++) {
		struct fstat *f = r->fns[i];

		kcovdf_buf_printf(&b, "%s\n{\"func\":", i ? "," : "");
		kcovdf_json_str(&b, f->name);
		if (f->fn && f->fn->file) {
			kcovdf_buf_printf(&b, ",\"file\":");
			kcovdf_json_str(&b, f->fn->file);
			kcovdf_buf_printf(&b, ",\"line\":%d", f->fn->line);
		}
		kcovdf_buf_printf(&b, ",\"calls\":%" PRIu64 ",\"returns\":%"
				  PRIu64 ",\"no_entry\":%" PRIu64
				  ",\"no_return\":%" PRIu64 ",\"items\":[",
				  f->calls, f->returns, f->no_entry,
				  f->no_return);
		for (size_t j = 0; j < f->nitems; j++) {
			struct istat *s = f->items[j];
			size_t shown = s->nvals < r->max_values ? s->nvals :
				       r->max_values;

			kcovdf_buf_printf(&b, "%s{\"name\":", j ? "," : "");
			kcovdf_json_str(&b, s->path);
			kcovdf_buf_printf(&b, ",\"type\":");
			if (s->it.type)
				kcovdf_json_str(&b, s->it.type->name);
			else
				kcovdf_buf_printf(&b, "null");
			kcovdf_buf_printf(&b, ",\"count\":%" PRIu64
					  ",\"distinct\":%zu", s->count,
					  s->nvals);
			if (s->minmax && s->min.has_num) {
				kcovdf_buf_printf(&b, ",\"min\":");
				value_text(&b, s, &s->min, 1);
				kcovdf_buf_printf(&b, ",\"max\":");
				value_text(&b, s, &s->max, 1);
			}
			kcovdf_buf_printf(&b, ",\"values\":[");
			for (size_t k = 0; k < shown; k++) {
				kcovdf_buf_printf(&b, "%s", k ? "," : "");
				json_value(&b, s, s->vals[k]);
			}
			kcovdf_buf_printf(&b, "],\"more\":%zu}",
					  s->nvals - shown);
		}
		kcovdf_buf_printf(&b, "],\"errors\":[");
		for (size_t k = 0; k < f->nerrors; k++) {
			kcovdf_buf_printf(&b, "%s{\"name\":", k ? "," : "");
			kcovdf_json_str(&b, f->errors[k]->name);
			kcovdf_buf_printf(&b, ",\"value\":%" PRId64
					  ",\"count\":%" PRIu64 "}",
					  f->errors[k]->value,
					  f->errors[k]->count);
		}
		kcovdf_buf_printf(&b, "]}");
	}
	kcovdf_buf_printf(&b, "]}\n");
	tool_buf_check(&b);
	fputs(b.s, stdout);
	kcovdf_buf_free(&b);
}

static void free_vstat(void *p)
{
	free(p);
}

static void free_all(struct report *r)
{
	for (size_t i = 0; i < r->nfns; i++) {
		struct fstat *f = r->fns[i];

		for (size_t j = 0; j < f->nitems; j++) {
			kcovdf_hmap_free(&f->items[j]->values, free_vstat);
			free(f->items[j]->vals);
			free(f->items[j]->path);
			free((char *)f->items[j]->it.param);
			free((char *)f->items[j]->it.field);
			free(f->items[j]);
		}
		for (size_t j = 0; j < f->nerrors; j++) {
			free(f->errors[j]->name);
			free(f->errors[j]);
		}
		kcovdf_hmap_free(&f->byname, NULL);
		kcovdf_hmap_free(&f->errs, NULL);
		free(f->items);
		free(f->errors);
		free(f->name);
		free(f);
	}
	free(r->fns);
	kcovdf_hmap_free(&r->byname, NULL);
}

static void usage(FILE *f)
{
	fputs("usage: kcovdf report [OPTIONS] TRACE\n"
	      "\n"
	      "  -f, --func F[,F...]   only these functions (glob patterns)\n"
	      "  --sort calls|name     most called first (default), or by "
	      "name\n"
	      "  --max-values N        distinct values listed per item "
	      "(default 8, 0: all)\n"
	      "  --strict              a truncated trace exits 2 (after the "
	      "report)\n", f);
	tool_help_common(f, 24, TOOL_HELP_TASK | TOOL_HELP_COLOR |
			 TOOL_HELP_JSON | TOOL_HELP_SYMS);
}

/* report's own options (tool_args_parse() the common ones). */
static int report_opt(void *ctx, int argc, char **argv, int *i)
{
	struct report *r = ctx;
	const char *val;

	if (tool_opt(argc, argv, i, NULL, "--sort", &val)) {
		if (!strcmp(val, "name"))
			r->by_name = 1;
		else if (strcmp(val, "calls"))
			fatal("report: --sort: '%s' is not calls or "
			      "name", val);
	} else if (tool_opt(argc, argv, i, NULL, "--max-values", &val)) {
		r->max_values = tool_number("--max-values", val);
		if (!r->max_values)
			r->max_values = (size_t)-1;	/* 0: all */
	} else
		return 0;
	return 1;
}

int cmd_report(int argc, char **argv)
{
	struct report r = { .max_values = 8 };
	int color = COLOR_AUTO;
	struct tool_args a = { .json = &r.json, .color = &color,
			       .funcs = &r.funcs, .tasks = &r.tasks };
	const char *path;

	if (tool_args_parse(&a, "report", argc, argv, report_opt, &r, usage,
			    1, "more than one trace file given"))
		return 0;
	path = a.paths[0];
	if (!path)
		fatal("report: no trace file given");
	tool_color_init(r.json ? COLOR_NEVER : color);
	tool_trace_open(&r.tt, path, &a.sa, 0);
	for (size_t i = 0; i < r.tt.ntasks; i++) {
		const struct tool_task *tk = &r.tt.tasks[i];

		if (!tool_tasks_match(&r.tasks, tk->st))
			continue;
		r.ntasks++;
		for (const struct kcovdf_call *c = tk->calls.root; c;
		     c = kcovdf_call_next((struct kcovdf_call *)c))
			if (!c->lost && !c->section &&
			    tool_filter_match(&r.funcs, tool_fn_name(c)))
				add_call(&r, tk, c);
	}
	for (size_t i = 0; i < r.nfns; i++) {
		struct fstat *f = r.fns[i];

		if (f->nitems)
			qsort(f->items, f->nitems, sizeof(*f->items), cmp_item);
		for (size_t j = 0; j < f->nitems; j++)
			qsort(f->items[j]->vals, f->items[j]->nvals,
			      sizeof(*f->items[j]->vals), cmp_val);
		if (f->nerrors)
			qsort(f->errors, f->nerrors, sizeof(*f->errors),
			      cmp_err);
	}
	by_calls = !r.by_name;
	if (r.nfns)
		qsort(r.fns, r.nfns, sizeof(*r.fns), cmp_fn);
	if (r.json)
		print_json(&r);
	else
		print_text(&r);
	fflush(stdout);
	tool_warn_losses(&r.tt);
	free_all(&r);
	tool_filter_free(&r.funcs);
	tool_trace_close(&r.tt);
	return 0;
}
