// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf export --chrome: the calls of a trace as Trace Event JSON, the
 * format chrome://tracing and Perfetto (ui.perfetto.dev) open. Each call is
 * a complete ("X") event on its task's track with the arguments, fields
 * and return value as args. Records carry no time: the timestamp is the
 * record's index in its stream (one record = one microsecond), which keeps
 * the order and nesting of calls; the metadata says so.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_tool.h"

/* Remote streams share the task's pid and tid: a track of their own. */
#define REMOTE_TID_BIT 0x40000000u

struct exporter {
	struct tool_trace tt;
	struct tool_filter funcs;
	struct tool_tasks tasks;
	FILE *f;
	struct kcovdf_buf b;
	size_t nevents;
	uint64_t *end;		/* per call in pre-order: end timestamp */
	size_t nend, capend;
};

static void sep(struct exporter *x)
{
	kcovdf_buf_printf(&x->b, "%s\n", x->nevents++ ? "," : "");
}

static void flush(struct exporter *x)
{
	tool_buf_check(&x->b);
	if (x->b.len && fwrite(x->b.s, 1, x->b.len, x->f) != x->b.len)
		fatal("write failed: %s", strerror(errno));
	x->b.len = 0;
}

static uint32_t track_tid(const struct tool_task *tk)
{
	return tk->st->tid | (tk->remote ?
			      REMOTE_TID_BIT : 0);
}

/* An item as an event argument: a JSON number when it is a plain
 * integer or float, else the text view shows. */
static void arg_value(struct kcovdf_buf *b, const struct kcovdf_item *it)
{
	struct kcovdf_num n;
	int kind = it->type ? it->type->kind : KCOVDF_T_UNKNOWN;
	struct kcovdf_buf t = { 0 };

	kcovdf_buf_printf(&t, "%s", "");
	kcovdf_item_text(&t, it, 0);
	/* A return shown as an error name ("-EINVAL") stays text. */
	if (!(t.s[0] == '-' && t.s[1] == 'E') &&
	    !kcovdf_item_num(it, &n) && !n.is_ptr &&
	    (kind == KCOVDF_T_INT || kind == KCOVDF_T_FLOAT ||
	     (kind == KCOVDF_T_UNKNOWN &&
	      !(it->fflags & (KCOV_DF_FIELD_ENUM | KCOV_DF_FIELD_BOOL |
			      KCOV_DF_FIELD_ARRAY | KCOV_DF_FIELD_WIDE))))) {
		if (n.kind == KCOVDF_NUM_FLOAT && isfinite(n.d)) {
			kcovdf_buf_printf(b, "%.17g", n.d);
			kcovdf_buf_free(&t);
			return;
		}
		/* Exact in a double (JavaScript's numbers), else text. */
		if (n.kind == KCOVDF_NUM_INT && n.is_signed &&
		    (int64_t)n.u >= -(1LL << 53) &&
		    (int64_t)n.u <= (1LL << 53)) {
			kcovdf_buf_printf(b, "%" PRId64, (int64_t)n.u);
			kcovdf_buf_free(&t);
			return;
		}
		if (n.kind == KCOVDF_NUM_INT && !n.is_signed &&
		    n.u <= (1ULL << 53)) {
			kcovdf_buf_printf(b, "%" PRIu64, n.u);
			kcovdf_buf_free(&t);
			return;
		}
	}
	kcovdf_json_str(b, t.s);
	kcovdf_buf_free(&t);
}

static void event(struct exporter *x, const struct tool_task *tk,
		  const struct kcovdf_call *c, uint64_t ts, uint64_t end)
{
	struct kcovdf_item *items;
	size_t n;
	struct kcovdf_buf p = { 0 };

	sep(x);
	if (c->lost) {
		kcovdf_buf_printf(&x->b, "{\"name\":\"records lost\",\"cat\":"
				  "\"kcovdf\",\"ph\":\"i\",\"s\":\"t\",\"ts\":%"
				  PRIu64 ",\"pid\":%u,\"tid\":%u,\"args\":"
				  "{\"lost\":%" PRIu64 "}}", ts,
				  tk->st->pid, track_tid(tk), c->lost);
		return;
	}
	kcovdf_buf_printf(&x->b, "{\"name\":");
	kcovdf_json_str(&x->b, tool_fn_name(c));
	kcovdf_buf_printf(&x->b, ",\"cat\":\"kcovdf\",\"ph\":\"X\",\"ts\":%"
			  PRIu64 ",\"dur\":%" PRIu64 ",\"pid\":%u,\"tid\":%u,"
			  "\"args\":{", ts, end - ts, tk->st->pid,
			  track_tid(tk));
	n = tool_call_items(&x->tt, c, NULL, tk->format, &items);
	for (size_t i = 0; i < n; i++) {
		p.len = 0;
		kcovdf_buf_printf(&p, "%s", "");
		kcovdf_item_path(&p, &items[i]);
		kcovdf_buf_printf(&x->b, "%s", i ? "," : "");
		kcovdf_json_str(&x->b, p.s);
		kcovdf_buf_printf(&x->b, ":");
		arg_value(&x->b, &items[i]);
	}
	if (c->no_entry)
		kcovdf_buf_printf(&x->b, "%s\"no_entry\":true", n ? "," : "");
	if (c->no_exit)
		kcovdf_buf_printf(&x->b, "%s\"no_exit\":true",
				  n || c->no_entry ? "," : "");
	kcovdf_buf_printf(&x->b, "}}");
	kcovdf_buf_free(&p);
	tool_items_reset(&x->tt);
}

/*
 * End timestamps, in pre-order. A call spans its records: from its first
 * (its index) to its return, which follows the last record of its
 * subtree; without a return, to the last record of the subtree. A merged
 * tree (PC_EXT frames have no record index) counts calls instead: a call
 * starts at its pre-order number and ends after its last descendant's.
 */
static void ends(struct exporter *x, const struct kcovdf_call *root,
		 int preorder)
{
	const struct kcovdf_call *c = root;
	uint64_t last = 0;
	size_t *stack = NULL, nstack = 0, capstack = 0;

	x->nend = 0;
	while (c) {
		uint64_t own = preorder ? x->nend : c->index;

		if (!preorder && !c->lost && !c->no_entry && c->nargs > 1)
			own += c->nargs - 1;
		last = own > last ? own : last;
		if (x->nend == x->capend) {
			x->capend = x->capend ? 2 * x->capend : 1024;
			x->end = realloc(x->end, x->capend * sizeof(*x->end));
			if (!x->end)
				fatal("out of memory");
		}
		if (nstack == capstack) {
			capstack = capstack ? 2 * capstack : 64;
			stack = realloc(stack, capstack * sizeof(*stack));
			if (!stack)
				fatal("out of memory");
		}
		stack[nstack++] = x->nend;
		x->end[x->nend++] = 0;
		if (c->child) {
			c = c->child;
			continue;
		}
		for (;;) {
			/* Close c. */
			if (!preorder && c->has_ret && !c->no_entry &&
			    !c->lost)
				last++;
			x->end[stack[--nstack]] = last + 1;
			if (c->next || !c->parent)
				break;
			c = c->parent;
		}
		c = c->next;
	}
	free(stack);
}

static void export_task(struct exporter *x, const struct tool_task *tk)
{
	const struct kcovdf_call *c = tk->calls.root;
	size_t i = 0;
	char name[64];

	ends(x, c, tk->pcext != NULL);
	snprintf(name, sizeof(name), "%s%s", tk->st->comm,
		 tk->remote ? " (remote)" : "");
	sep(x);
	kcovdf_buf_printf(&x->b, "{\"name\":\"process_name\",\"ph\":\"M\","
			  "\"pid\":%u,\"tid\":%u,\"args\":{\"name\":",
			  tk->st->pid, track_tid(tk));
	kcovdf_json_str(&x->b, tk->st->comm);
	kcovdf_buf_printf(&x->b, "}}");
	sep(x);
	kcovdf_buf_printf(&x->b, "{\"name\":\"thread_name\",\"ph\":\"M\","
			  "\"pid\":%u,\"tid\":%u,\"args\":{\"name\":",
			  tk->st->pid, track_tid(tk));
	kcovdf_json_str(&x->b, name);
	kcovdf_buf_printf(&x->b, "}}");
	int in_depth = -1;	/* depth of the matching call we are in */

	for (; c; c = kcovdf_call_next((struct kcovdf_call *)c), i++) {
		if (x->funcs.n) {
			/* Only matching calls and their subtrees. */
			if (in_depth >= 0 && c->depth <= in_depth)
				in_depth = -1;
			if (in_depth < 0 && !c->lost &&
			    tool_filter_match(&x->funcs, tool_fn_name(c)))
				in_depth = c->depth;
			if (in_depth < 0)
				continue;
		}
		event(x, tk, c, tk->pcext ? i : c->index, x->end[i]);
		if (x->b.len > 65536)
			flush(x);
	}
}

static void usage(FILE *f)
{
	fputs("usage: kcovdf export --chrome [OPTIONS] TRACE\n"
	      "\n"
	      "Trace Event JSON for chrome://tracing and ui.perfetto.dev. "
	      "Timestamps are\n"
	      "record indices (1 record = 1 us): the records carry no time.\n"
	      "\n"
	      "  -o FILE             write to FILE (default: standard output)\n"
	      "  -f, --func F[,F..]  only these functions (glob patterns) "
	      "and their subtrees\n"
	      "  --strict            a truncated trace exits 2\n", f);
	tool_help_common(f, 22, TOOL_HELP_TASK | TOOL_HELP_SYMS);
}

/* export's own options (tool_args_parse() the common ones). */
struct export_opts {
	int chrome;
	const char *out;
};

static int export_opt(void *ctx, int argc, char **argv, int *i)
{
	struct export_opts *o = ctx;
	const char *val;

	if (!strcmp(argv[*i], "--chrome"))
		o->chrome = 1;
	else if (tool_opt(argc, argv, i, "-o", "--output", &val))
		o->out = val;
	else
		return 0;
	return 1;
}

int cmd_export(int argc, char **argv)
{
	struct exporter x = { 0 };
	struct export_opts o = { 0 };
	struct tool_args a = { .funcs = &x.funcs, .tasks = &x.tasks };
	const char *path, *out, *src;
	struct kcovdf_buf meta = { 0 };

	if (tool_args_parse(&a, "export", argc, argv, export_opt, &o, usage, 1,
			    "more than one trace file given"))
		return 0;
	path = a.paths[0];
	out = o.out;
	if (!o.chrome) {
		usage(stderr);
		fatal("export: say which format: --chrome");
	}
	if (!path)
		fatal("export: no trace file given");
	tool_color_init(COLOR_NEVER);
	tool_trace_open(&x.tt, path, &a.sa, 0);
	x.f = stdout;
	if (out && strcmp(out, "-")) {
		x.f = fopen(out, "w");
		if (!x.f)
			fatal("%s: %s", out, strerror(errno));
	}
	kcovdf_buf_printf(&x.b, "{\"traceEvents\":[");
	for (size_t i = 0; i < x.tt.ntasks; i++)
		if (tool_tasks_match(&x.tasks, x.tt.tasks[i].st))
			export_task(&x, &x.tt.tasks[i]);
	src = kcovdf_trace_meta(x.tt.t, "source");
	kcovdf_buf_printf(&meta, "{\"generator\":\"kcovdf " KCOVDF_VERSION
			  "\",\"trace\":");
	kcovdf_json_str(&meta, path);
	kcovdf_buf_printf(&meta, ",\"source\":");
	if (src)
		kcovdf_json_str(&meta, src);
	else
		kcovdf_buf_printf(&meta, "null");
	kcovdf_buf_printf(&meta, ",\"timestamps\":\"record index in the "
			  "task's stream, 1 record = 1 us; kcov-dataflow "
			  "records no time, so durations count records, not "
			  "time\"}");
	/* otherData is the format's metadata; Chrome writes "metadata". */
	kcovdf_buf_printf(&x.b, "\n],\"displayTimeUnit\":\"ms\",\"otherData\":"
			  "%s,\"metadata\":%s}\n", meta.s, meta.s);
	kcovdf_buf_free(&meta);
	flush(&x);
	if (x.f != stdout && fclose(x.f))
		fatal("%s: %s", out, strerror(errno));
	fflush(stdout);
	free(x.end);
	kcovdf_buf_free(&x.b);
	tool_filter_free(&x.funcs);
	tool_trace_close(&x.tt);
	return 0;
}
