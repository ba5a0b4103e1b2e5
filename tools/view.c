// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf view: the call tree of a trace, with function, parameter, type and
 * field names from DWARF and the recorded values. --json prints one object
 * per call per line (schema: docs/json.md). Filters select functions (with
 * their subtrees), tasks and a depth; --style=multiline puts each argument
 * and field on a line of its own.
 *
 * The text views stream: each task's records are read chunk by chunk and
 * each call is printed as soon as it is known (kcovdf_calls_stream()), so
 * memory follows the depth of the call stack, not the size of the trace.
 * Indentation stops growing at VIEW_MAX_INDENT levels; deeper lines say
 * their depth instead. --json prints a call before its children but needs
 * its return value, so it builds each task's tree first.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcovdf_tool.h"

/* Levels of indentation (two columns each); a deeper line is indented as
 * much and starts with "[depth N] ". */
#ifndef VIEW_MAX_INDENT
#define VIEW_MAX_INDENT 32
#endif

/*
 * What changed in an object (--full turns it off). Per task, the field
 * values of every object shown, keyed by its address and layout (or
 * type): the first time an object is shown, all its fields; afterwards
 * only those whose value changed since it was last shown, and a note
 * saying how many are as before. Objects of at most DELTA_MIN_FIELDS
 * fields are always shown in full (the note would be as long).
 */
#define DELTA_MIN_FIELDS	8
#define DELTA_MAX_OBJECTS	(1u << 16)	/* then start afresh */

struct objkey {
	uint64_t addr, type;
};

struct objseen {
	size_t n;
	struct {
		uint64_t value;
		int unreadable;
	} f[];
};

struct delta {
	struct kcovdf_hmap objs;	/* struct objkey -> struct objseen * */
	struct kcovdf_fieldval *keep;	/* the fields shown */
	size_t cap;
	char note[128];
};

struct view_opts {
	int json;
	int multiline;
	int full;		/* every field every time */
	struct delta delta;
	long maxdepth;		/* levels shown below a root; -1: all */
	struct tool_filter funcs;
	struct tool_tasks tasks;
	struct tool_trace tt;
	const struct tool_task *tk;
	int base;		/* depth of the subtree being printed */
	int header_done;
	struct kcovdf_buf line, tmp, suffix;
	/* Streaming (text): */
	const struct kcovdf_call *root;		/* shown subtree, or NULL */
	const struct kcovdf_call *pending;	/* opened, not printed yet */
	size_t hidden;		/* calls below --depth under pending */
};

static void delta_reset(struct delta *d)
{
	kcovdf_hmap_free(&d->objs, free);
	memset(&d->objs, 0, sizeof(d->objs));
}

/* tool_trace.show_hook: remember the object's fields; when it was shown
 * before in this task, keep only those that changed since. */
static void delta_hook(void *ctx, const struct kcovdf_rec *r,
		       struct kcovdf_val *val)
{
	struct delta *d = ctx;
	struct objkey key = { val->value, r->type_id };
	struct objseen *o;
	void **slot;
	size_t changed = 0;
	int created;

	if (!val->has_object || val->byval || val->is_null ||
	    val->is_errptr || val->optout ||
	    val->nfields <= DELTA_MIN_FIELDS)
		return;
	if (!key.type)	/* documented format: no layout id */
		key.type = (uint64_t)(uintptr_t)val->type;
	if (d->objs.n >= DELTA_MAX_OBJECTS)
		delta_reset(d);
	slot = tool_hmap_slot(&d->objs, &key, sizeof(key), &created);
	o = *slot;
	if (o && o->n != val->nfields) {
		free(o);
		o = *slot = NULL;
	}
	if (!o) {
		o = malloc(sizeof(*o) + val->nfields * sizeof(o->f[0]));
		if (!o)
			fatal("out of memory");
		o->n = val->nfields;
		for (size_t i = 0; i < o->n; i++) {
			o->f[i].value = val->fields[i].value;
			o->f[i].unreadable = val->fields[i].unreadable;
		}
		*slot = o;
		return;		/* first time: everything */
	}
	if (d->cap < val->nfields) {
		d->cap = val->nfields;
		d->keep = realloc(d->keep, d->cap * sizeof(*d->keep));
		if (!d->keep)
			fatal("out of memory");
	}
	for (size_t i = 0; i < o->n; i++) {
		const struct kcovdf_fieldval *f = &val->fields[i];

		if (f->unreadable != o->f[i].unreadable ||
		    (!f->unreadable && f->value != o->f[i].value))
			d->keep[changed++] = *f;
		o->f[i].value = f->value;
		o->f[i].unreadable = f->unreadable;
	}
	if (changed)
		snprintf(d->note, sizeof(d->note), "%s/* %zu more as before "
			 "*/%s", tc(C_DIM), o->n - changed, tc(C_RESET));
	else
		snprintf(d->note, sizeof(d->note), "%s/* %zu fields as "
			 "before */%s", tc(C_DIM), o->n, tc(C_RESET));
	val->fields = d->keep;
	val->nfields = changed;
	val->fields_trunc = 0;
	val->note = d->note;
}

/* The indentation of a line at depth levels: two columns a level, at
 * most VIEW_MAX_INDENT levels, then the depth in words. */
static void indent(int depth, int extra)
{
	if (depth <= VIEW_MAX_INDENT)
		printf("%*s", depth * 2 + extra, "");
	else
		printf("%*s[depth %d] ", VIEW_MAX_INDENT * 2 + extra, "", depth);
}

static void flush_line(struct view_opts *v, int depth)
{
	tool_buf_check(&v->line);
	indent(depth, 0);
	printf("%s\n", v->line.s ? v->line.s : "");
	v->line.len = 0;
	if (v->line.s)
		v->line.s[0] = 0;
}

static void header(struct view_opts *v)
{
	const struct kcovdf_stream *st = v->tk->st;

	if (v->header_done || v->json)
		return;
	v->header_done = 1;
	printf("%s# pid %u tid %u (%s)%s%s%s%s\n", tc(C_DIM), st->pid,
	       st->tid, st->comm, v->tk->remote ? " remote" : "",
	       st->format == KCOVDF_FMT_DOC ?
	       " [documented format: not nested]" : "",
	       !v->tk->pcext ? "" : v->tk->pcext == st ?
	       " [PC_EXT entry/exit only]" : " [dataflow + PC_EXT]",
	       tc(C_RESET));
}

/* One argument (or field list) per line, fields indented further. */
static void multiline_args(struct view_opts *v, const struct kcovdf_call *c,
			   int depth)
{
	int ind = (depth <= VIEW_MAX_INDENT ? depth : VIEW_MAX_INDENT) * 2 + 4;

	for (size_t i = 0; i < c->nargs; i++) {
		struct kcovdf_val val;

		tool_val_describe(&v->tt, c->fn, &c->args[i],
				    v->tk->format, &val);
		if (v->tt.show_hook)
			v->tt.show_hook(v->tt.show_ctx, &c->args[i], &val);
		if (!val.has_object || val.is_null || val.is_errptr ||
		    val.optout || (val.note && !val.nfields)) {
			v->tmp.len = 0;
			kcovdf_buf_printf(&v->tmp, "%s", "");
			kcovdf_fmt_val(&v->tmp, &val, 0);
			kcovdf_buf_printf(&v->line, "%s = ", val.name);
			tool_put_value(&v->line, v->tmp.s);
			tool_buf_check(&v->line);
			printf("%*s%s\n", ind, "", v->line.s);
			v->line.len = 0;
			continue;
		}
		if (val.byval)
			printf("%*s%s = {\n", ind, "", val.name);
		else
			printf("%*s%s = 0x%" PRIx64 " {\n", ind, "", val.name,
			       val.value);
		for (size_t f = 0; f < val.nfields; f++) {
			const struct kcovdf_fieldval *fv = &val.fields[f];

			v->tmp.len = 0;
			kcovdf_buf_printf(&v->tmp, "%s", "");
			kcovdf_fmt_fieldval(&v->tmp, fv);
			printf("%*s%s = %s\n", ind + 4, "", fv->name,
			       v->tmp.s);
		}
		if (val.fields_trunc)
			printf("%*s...\n", ind + 4, "");
		if (val.note)
			printf("%*s%s\n", ind + 4, "", val.note);
		printf("%*s}\n", ind, "");
	}
	if (c->no_entry)
		printf("%*s...\n", ind, "");
}

/* Print a call's own line(s); suffix: " {", or what follows the
 * arguments of a leaf. */
static void call_lines(struct view_opts *v, const struct kcovdf_call *c,
		       int depth, const char *suffix)
{
	if (c->lost) {
		kcovdf_buf_printf(&v->line, "%s<%" PRIu64 " records lost "
				  "here>%s", tc(C_WARN), c->lost, tc(C_RESET));
		flush_line(v, depth);
		return;
	}
	if (!v->multiline || (!c->nargs && !c->no_entry)) {
		tool_call_args(&v->line, &v->tt, v->tk, c);
		kcovdf_buf_printf(&v->line, "%s", suffix);
		flush_line(v, depth);
		return;
	}
	kcovdf_buf_printf(&v->line, "%s%s%s(", tc(C_FUNC), tool_fn_name(c),
			  tc(C_RESET));
	flush_line(v, depth);
	multiline_args(v, c, depth);
	kcovdf_buf_printf(&v->line, ")%s", suffix);
	flush_line(v, depth);
}

static const char *ret_text(struct view_opts *v, const struct kcovdf_call *c,
			    size_t hidden)
{
	v->tmp.len = 0;
	kcovdf_buf_printf(&v->tmp, "%s", "");
	if (hidden)
		kcovdf_buf_printf(&v->tmp, " { %s/* %zu call%s */%s }",
				  tc(C_DIM), hidden, hidden == 1 ? "" : "s",
				  tc(C_RESET));
	tool_call_ret(&v->tmp, &v->tt, v->tk, c, NULL);
	return v->tmp.s;
}

/* ------------------------------------------------------------------ */
/* Text: streamed                                                      */
/* ------------------------------------------------------------------ */

/*
 * A call is printed when its first shown child opens ("f(a=1) {") or when
 * it closes with none ("f(a=1) = 5", or "f(a=1) { (N calls) } = 5" when --depth
 * hid its children); a call with children gets "} = 5" when it closes.
 */
static void print_open_line(struct view_opts *v, const struct kcovdf_call *c)
{
	call_lines(v, c, c->depth - v->base, " {");
	tool_items_reset(&v->tt);
}

static void on_open(void *arg, const struct kcovdf_call *c)
{
	struct view_opts *v = arg;
	int d;

	if (!v->root) {
		/* Without -f every top-level call is a root; with -f each
		 * matching call outside a shown subtree. */
		if (v->funcs.n && (c->lost || c->section ||
				   !tool_filter_match(&v->funcs,
						      tool_fn_name(c))))
			return;
		v->root = c;
		v->base = c->depth;
		header(v);
	}
	d = c->depth - v->base;
	if (v->maxdepth >= 0 && d >= v->maxdepth) {
		v->hidden++;
		return;
	}
	if (v->pending)
		print_open_line(v, v->pending);
	v->pending = c;
}

static void on_close(void *arg, const struct kcovdf_call *c)
{
	struct view_opts *v = arg;
	int d;

	if (!v->root)
		return;
	d = c->depth - v->base;
	if (v->maxdepth >= 0 && d >= v->maxdepth)
		return;
	if (c == v->pending) {
		v->suffix.len = 0;
		kcovdf_buf_printf(&v->suffix, "%s", ret_text(v, c, v->hidden));
		call_lines(v, c, d, v->suffix.s);
		v->pending = NULL;
		v->hidden = 0;
	} else {
		kcovdf_buf_printf(&v->line, "}%s", ret_text(v, c, 0));
		flush_line(v, d);
	}
	tool_items_reset(&v->tt);
	if (c == v->root)
		v->root = NULL;
}

/* One task, streamed. Returns 0, or -1 with tk->err set. */
static int stream_task(struct view_opts *v, struct tool_task *tk)
{
	const struct kcovdf_call_sink sink = { on_open, on_close, v };
	const struct kcovdf_stream *df = tk->pcext == tk->st ? NULL : tk->st;

	v->header_done = 0;
	v->root = v->pending = NULL;
	v->hidden = 0;
	delta_reset(&v->delta);
	if (!v->funcs.n)
		header(v);
	return kcovdf_calls_stream(v->tt.t, df, tk->pcext, v->tt.kernel,
				   v->tt.sym, &sink, &tk->pc_unknown, tk->err,
				   sizeof(tk->err));
}

/* ------------------------------------------------------------------ */
/* JSON: from each task's tree                                         */
/* ------------------------------------------------------------------ */

static void print_json(struct view_opts *v, const struct kcovdf_call *root)
{
	const struct kcovdf_call *c = root;

	for (;;) {
		int d = c->depth - v->base;

		if (v->maxdepth < 0 || d < v->maxdepth) {
			tool_call_json(&v->line, &v->tt, v->tk, c, NULL);
			flush_line(v, 0);
			tool_items_reset(&v->tt);
		}
		if (c->child && (v->maxdepth < 0 || d + 1 < v->maxdepth)) {
			c = c->child;
			continue;
		}
		while (c != root && !c->next)
			c = c->parent;
		if (c == root)
			break;
		c = c->next;
	}
}

/* The call after c's subtree in pre-order. */
static const struct kcovdf_call *skip_subtree(const struct kcovdf_call *c)
{
	while (c && !c->next)
		c = c->parent;
	return c ? c->next : NULL;
}

static void json_task(struct view_opts *v)
{
	const struct kcovdf_call *c = v->tk->calls.root;

	while (c) {
		if (!v->funcs.n ||
		    (!c->lost && !c->section &&
		     tool_filter_match(&v->funcs, tool_fn_name(c)))) {
			v->base = c->depth;
			print_json(v, c);
			c = skip_subtree(c);
		} else {
			c = kcovdf_call_next((struct kcovdf_call *)c);
		}
	}
}

/* Read the task's words, build its tree (merged with its PC_EXT words),
 * print it, free it all again. Returns 0, or -1 with tk->err set (the
 * calls before the damage are printed). */
static int build_json_task(struct view_opts *v, struct tool_task *tk)
{
	struct kcovdf_stream *st = (struct kcovdf_stream *)tk->st;
	struct kcovdf_stream *pc = (struct kcovdf_stream *)tk->pcext;
	int rc;

	if (kcovdf_stream_load(v->tt.t, st, tk->err, sizeof(tk->err)) ||
	    (pc && kcovdf_stream_load(v->tt.t, pc, tk->err, sizeof(tk->err))))
		return -1;
	rc = kcovdf_calls_merge(st == pc ? NULL : st, pc, v->tt.kernel,
				v->tt.sym, &tk->calls, &tk->pc_unknown,
				tk->err, sizeof(tk->err));
	json_task(v);
	kcovdf_calls_free(&tk->calls);
	kcovdf_stream_unload(st);
	if (pc)
		kcovdf_stream_unload(pc);
	return rc;
}

static void usage(FILE *f)
{
	fputs("usage: kcovdf view [OPTIONS] TRACE\n"
	      "\n"
	      "  -f, --func F[,F...]   only calls of these functions (glob "
	      "patterns),\n"
	      "                        each with its subtree\n"
	      "  --depth N             at most N levels of calls (below each "
	      "shown call)\n"
	      "  --style S             compact (one line per call) or "
	      "multiline\n"
	      "  --full                every field of every object every "
	      "time (default:\n"
	      "                        an object seen before in the task "
	      "shows only the\n"
	      "                        fields that changed since)\n"
	      "  --json                one JSON object per call "
	      "(docs/json.md)\n"
	      "  --strict              a truncated trace exits 2 (after the "
	      "calls before\n"
	      "                        the cut)\n", f);
	tool_help_common(f, 24, TOOL_HELP_TASK | TOOL_HELP_COLOR |
			 TOOL_HELP_SYMS);
}

/* view's own options (tool_args_parse() the common ones). */
static int view_opt(void *ctx, int argc, char **argv, int *i)
{
	struct view_opts *v = ctx;
	const char *val;

	if (!strcmp(argv[*i], "--full"))
		v->full = 1;
	else if (tool_opt(argc, argv, i, NULL, "--depth", &val))
		v->maxdepth = (long)tool_number("--depth", val);
	else if (tool_opt(argc, argv, i, NULL, "--style", &val)) {
		if (!strcmp(val, "multiline"))
			v->multiline = 1;
		else if (strcmp(val, "compact"))
			fatal("view: --style: '%s' is not compact or "
			      "multiline", val);
	} else
		return 0;
	return 1;
}

int cmd_view(int argc, char **argv)
{
	struct view_opts v = { .maxdepth = -1 };
	int color = COLOR_AUTO, rc = 0;
	struct tool_args a = { .json = &v.json, .color = &color,
			       .funcs = &v.funcs, .tasks = &v.tasks };
	const char *path;

	if (tool_args_parse(&a, "view", argc, argv, view_opt, &v, usage, 1,
			    "more than one trace file given"))
		return 0;
	path = a.paths[0];
	if (!path)
		fatal("view: no trace file given");
	if (v.maxdepth == 0)
		fatal("view: --depth must be at least 1");
	tool_color_init(v.json ? COLOR_NEVER : color);
	tool_trace_open_stream(&v.tt, path, &a.sa);
	if (!v.full && !v.json) {
		v.tt.show_hook = delta_hook;
		v.tt.show_ctx = &v.delta;
	}
	for (size_t i = 0; i < v.tt.ntasks; i++) {
		struct tool_task *tk = &v.tt.tasks[i];

		v.tk = tk;
		if (!tool_tasks_match(&v.tasks, tk->st))
			continue;
		errno = 0;
		if (v.json ? build_json_task(&v, tk) : stream_task(&v, tk)) {
			/* Out of memory is no damage of the trace's. */
			if (errno == ENOMEM)
				fatal("%s: stream %u/%u: %s", path,
				      tk->st->pid, tk->st->tid, tk->err);
			fflush(stdout);
			fprintf(stderr, "kcovdf: %s: stream %u/%u: %s "
				"(showing the calls before it)\n", path,
				tk->st->pid, tk->st->tid, tk->err);
			rc = KCOVDF_EXIT_USAGE;
		}
		fflush(stdout);
		tool_task_warn_unknown(&v.tt, tk);
	}
	fflush(stdout);
	tool_warn_losses(&v.tt);
	delta_reset(&v.delta);
	free(v.delta.keep);
	kcovdf_buf_free(&v.line);
	kcovdf_buf_free(&v.tmp);
	kcovdf_buf_free(&v.suffix);
	tool_filter_free(&v.funcs);
	tool_trace_close(&v.tt);
	return rc;
}
