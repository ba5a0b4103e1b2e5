// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf view: the call tree of a trace, with function, parameter, type and
 * field names from DWARF and the recorded values. --json prints one object
 * per call per line (schema: docs/json.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcovdf_tool.h"

struct view_opts {
	int json;
	int format;
	const struct kcovdf_stream *st;
	struct kcovdf_sym *sym;
	struct kcovdf_buf line;
};

static const char *fn_name(const struct kcovdf_call *c)
{
	static char buf[32];

	if (c->fn && c->fn->name)
		return c->fn->name;
	snprintf(buf, sizeof(buf), "0x%" PRIx64, c->pc);
	return buf;
}

static void text_args(struct view_opts *v, const struct kcovdf_call *c)
{
	struct kcovdf_buf *b = &v->line;

	kcovdf_buf_printf(b, "%s(", fn_name(c));
	for (size_t i = 0; i < c->nargs; i++) {
		struct kcovdf_val val;

		kcovdf_val_describe(v->sym, c->fn, &c->args[i], v->format,
				    &val);
		kcovdf_buf_printf(b, "%s%s=", i ? ", " : "", val.name);
		kcovdf_fmt_val(b, &val, 0);
	}
	if (c->no_entry)
		kcovdf_buf_printf(b, "%s", c->nargs ? ", ..." : "...");
	kcovdf_buf_printf(b, ")");
}

static void text_ret(struct view_opts *v, const struct kcovdf_call *c)
{
	struct kcovdf_val val;

	if (!c->has_ret) {
		if (c->no_exit && v->format == KCOVDF_FMT_V1)
			kcovdf_buf_printf(&v->line, " /* no return recorded */");
		return;
	}
	kcovdf_val_describe(v->sym, c->fn, &c->ret, v->format, &val);
	if (val.is_void)
		return;
	kcovdf_buf_printf(&v->line, " = ");
	kcovdf_fmt_val(&v->line, &val, 0);
}

static void flush_line(struct view_opts *v, int depth)
{
	printf("%*s%s\n", depth * 2, "", v->line.s ? v->line.s : "");
	v->line.len = 0;
	if (v->line.s)
		v->line.s[0] = 0;
	kcovdf_val_reset();
}

/* Iterative, so a trace nested 300,000 deep prints instead of overflowing
 * the stack. */
static void print_text(struct view_opts *v, const struct kcovdf_call *c)
{
	while (c) {
		if (c->lost) {
			kcovdf_buf_printf(&v->line, "<%" PRIu64
					  " records lost here>", c->lost);
			flush_line(v, c->depth);
		} else {
			text_args(v, c);
			if (c->child) {
				kcovdf_buf_printf(&v->line, " {");
				flush_line(v, c->depth);
				c = c->child;
				continue;
			}
			text_ret(v, c);
			flush_line(v, c->depth);
		}
		/* Close every call whose last child this was. */
		while (c && !c->next) {
			c = c->parent;
			if (c) {
				kcovdf_buf_printf(&v->line, "}");
				text_ret(v, c);
				flush_line(v, c->depth);
			}
		}
		if (c)
			c = c->next;
	}
}

static void json_val(struct view_opts *v, const struct kcovdf_val *val)
{
	struct kcovdf_buf *b = &v->line;

	kcovdf_buf_printf(b, "\"value\":");
	kcovdf_fmt_val(b, val, 1);
	if (val->type) {
		kcovdf_buf_printf(b, ",\"type\":");
		kcovdf_json_str(b, val->type->name);
	}
	kcovdf_fmt_val_json_extra(b, val);
}

static void print_json(struct view_opts *v, const struct kcovdf_call *c)
{
	struct kcovdf_buf *b = &v->line;

	for (; c; c = kcovdf_call_next((struct kcovdf_call *)c)) {
		kcovdf_buf_printf(b, "{\"pid\":%u,\"tid\":%u,\"depth\":%d,",
				  v->st->pid, v->st->tid, c->depth);
		if (c->lost) {
			kcovdf_buf_printf(b, "\"lost\":%" PRIu64 "}", c->lost);
			flush_line(v, 0);
			continue;
		}
		kcovdf_buf_printf(b, "\"func\":");
		kcovdf_json_str(b, fn_name(c));
		kcovdf_buf_printf(b, ",\"pc\":%" PRIu64 ",\"args\":[", c->pc);
		for (size_t i = 0; i < c->nargs; i++) {
			struct kcovdf_val val;

			kcovdf_val_describe(v->sym, c->fn, &c->args[i],
					    v->format, &val);
			kcovdf_buf_printf(b, "%s{\"name\":", i ? "," : "");
			kcovdf_json_str(b, val.name);
			kcovdf_buf_printf(b, ",");
			json_val(v, &val);
			kcovdf_buf_printf(b, "}");
		}
		kcovdf_buf_printf(b, "],\"ret\":");
		if (c->has_ret) {
			struct kcovdf_val val;

			kcovdf_val_describe(v->sym, c->fn, &c->ret, v->format,
					    &val);
			kcovdf_fmt_val(b, &val, 1);
			if (!val.is_void) {
				kcovdf_buf_printf(b, ",\"ret_detail\":{");
				json_val(v, &val);
				kcovdf_buf_printf(b, "}");
			}
		} else {
			kcovdf_buf_printf(b, "null");
		}
		if (c->no_entry)
			kcovdf_buf_printf(b, ",\"no_entry\":true");
		if (c->no_exit)
			kcovdf_buf_printf(b, ",\"no_exit\":true");
		kcovdf_buf_printf(b, "}");
		flush_line(v, 0);
	}
}

int cmd_view(int argc, char **argv)
{
	struct view_opts v = { 0 };
	struct symargs sa = { 0 };
	const char *path = NULL;
	struct kcovdf_trace *t;
	char err[512];
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			v.json = 1;
		else if (symargs_parse(&sa, argc, argv, &i))
			;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs("usage: kcovdf view [--json] [--vmlinux FILE] "
			      "[--modules DIR] [--kallsyms FILE]\n"
			      "                   [--sysroot DIR] TRACE\n",
			      stdout);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1])
			die("view: unknown option '%s'", argv[i]);
		else if (!path)
			path = argv[i];
		else
			die("view: more than one trace file given");
	}
	if (!path)
		die("view: no trace file given");
	t = kcovdf_trace_read(path, err, sizeof(err));
	if (!t)
		die("%s", err);
	{
		const char *src = kcovdf_trace_meta(t, "source");

		kcovdf_fmt_errno_names(src && !strcmp(src, "kernel"));
	}
	v.sym = symargs_open(&sa, t);
	if (!v.sym)
		die("out of memory");
	if (*kcovdf_sym_warnings(v.sym))
		fprintf(stderr, "%s", kcovdf_sym_warnings(v.sym));
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *st = &t->streams[i];
		struct kcovdf_calls calls;

		if (st->format == KCOVDF_FMT_KCOV_PCEXT)
			continue;
		v.st = st;
		v.format = (int)st->format;
		if (kcovdf_calls_build(st, v.sym, &calls, err, sizeof(err))) {
			fprintf(stderr, "kcovdf: %s: stream %u/%u: %s "
				"(showing the calls before it)\n", path,
				st->pid, st->tid, err);
			rc = 1;
		}
		if (!v.json)
			printf("# pid %u tid %u (%s)%s%s\n", st->pid, st->tid,
			       st->comm,
			       st->kind == KCOVDF_STREAM_REMOTE ? " remote" : "",
			       st->format == KCOVDF_FMT_DOC ?
			       " [documented format: not nested]" : "");
		if (v.json)
			print_json(&v, calls.root);
		else
			print_text(&v, calls.root);
		kcovdf_calls_free(&calls);
	}
	for (size_t i = 0; i < t->nlosses; i++)
		if (t->losses[i].dropped)
			fprintf(stderr, "kcovdf: WARNING: pid %u tid %u lost "
				"%" PRIu64 " records\n", t->losses[i].pid,
				t->losses[i].tid, t->losses[i].dropped);
	kcovdf_buf_free(&v.line);
	kcovdf_val_reset();
	kcovdf_sym_free(v.sym);
	kcovdf_trace_free(t);
	return rc;
}
