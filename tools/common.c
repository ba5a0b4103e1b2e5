// SPDX-License-Identifier: GPL-2.0
/*
 * What the kcovdf commands share, so that no command depends on main.c
 * (which only dispatches): messages and exit statuses, where kcovdf and its
 * tree are, the symbol options; and what the reading commands (view,
 * report, check, diff, export) share: opening a trace with its symbols and
 * call trees, colour, function and task filters, their common options, and
 * a call as one line of text or as a JSON object.
 */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcovdf_tool.h"

/* ------------------------------------------------------------------ */
/* Messages and exit statuses (kcovdf_tool.h, KCOVDF_EXIT_*)           */
/* ------------------------------------------------------------------ */

/* "kcovdf: message" on stderr. */
static void vmsg(const char *fmt, va_list ap)
{
	fputs("kcovdf: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(KCOVDF_EXIT_FAIL);
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(KCOVDF_EXIT_USAGE);
}

/* ------------------------------------------------------------------ */
/* Where kcovdf is; symbol options                                     */
/* ------------------------------------------------------------------ */

const char *tool_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		die("cannot find my own executable: %s", strerror(errno));
	exe[n] = 0;
	snprintf(dir, sizeof(dir), "%s", dirname(exe));
	return dir;
}

const char *repo_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("KCOVDF_ROOT");

	if (env && *env)
		return env;
	if (!root[0]) {
		char tmp[PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s", tool_dir());
		snprintf(root, sizeof(root), "%s", dirname(tmp));
	}
	return root;
}

int symargs_parse(struct symargs *sa, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char **slot = NULL;

	if (!strcmp(a, "--vmlinux"))
		slot = &sa->vmlinux;
	else if (!strcmp(a, "--kallsyms"))
		slot = &sa->kallsyms;
	else if (!strcmp(a, "--sysroot"))
		slot = &sa->sysroot;
	else if (!strcmp(a, "--modules")) {
		if (sa->nmodule_dirs == 16)
			die("too many --modules");
		slot = &sa->module_dirs[sa->nmodule_dirs++];
	} else
		return 0;
	if (*i + 1 >= argc)
		die("%s needs a value", a);
	*slot = argv[++*i];
	return 1;
}

struct kcovdf_sym *symargs_open(struct symargs *sa,
				const struct kcovdf_trace *t,
				const char *path)
{
	struct kcovdf_symopts o = {
		.vmlinux = sa->vmlinux,
		.kallsyms = sa->kallsyms,
		.sysroot = sa->sysroot,
		.module_dirs = sa->module_dirs,
		.nmodule_dirs = sa->nmodule_dirs,
		.search = 1,
	};
	const char *src = kcovdf_trace_meta(t, "source");
	const char *roots[2], *dirs[1], *dbg[32];
	char tdir[PATH_MAX], tpath[PATH_MAX], *env = NULL;
	struct kcovdf_sym *s;

	/* Live kernel traces read in the guest: use what the guest has. */
	if (src && !strcmp(src, "kernel") && !o.kallsyms && !o.vmlinux &&
	    !t->nsyms && !access("/proc/kallsyms", R_OK))
		o.kallsyms = "/proc/kallsyms";
	/* The trace's directory; the kcovdf tree, when it is one (this
	 * executable in its build/). */
	snprintf(tpath, sizeof(tpath), "%s", path ? path : ".");
	snprintf(tdir, sizeof(tdir), "%s", dirname(tpath));
	roots[o.nroots++] = repo_root();
	if (strcmp(tdir, repo_root()))
		roots[o.nroots++] = tdir;
	dirs[o.ndirs++] = tdir;
	o.roots = roots;
	o.dirs = dirs;
	/* KCOVDF_DEBUG_PATH: files and directories, separated by ':'. */
	if (getenv("KCOVDF_DEBUG_PATH")) {
		env = strdup(getenv("KCOVDF_DEBUG_PATH"));
		if (!env)
			die("out of memory");
		for (char *save = NULL, *p = strtok_r(env, ":", &save); p;
		     p = strtok_r(NULL, ":", &save))
			if (*p && o.ndebug_path < sizeof(dbg) / sizeof(*dbg))
				dbg[o.ndebug_path++] = p;
		o.debug_path = dbg;
	}
	s = kcovdf_sym_new(t, &o);
	free(env);
	return s;
}

/* ------------------------------------------------------------------ */
/* Traces                                                              */
/* ------------------------------------------------------------------ */

int tool_strict;
int tool_cut;

/* Lines from the library, each as "kcovdf: LINE" on stderr. */
static void print_lines(const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		int n = nl ? (int)(nl - text) : (int)strlen(text);

		fprintf(stderr, "kcovdf: %.*s\n", n, text);
		text += n + (nl != NULL);
	}
}

/* A truncated file is read up to the cut; say so once, with what is
 * missing. */
static void warn_cut(const struct tool_trace *tt)
{
	char what[512];

	if (!tt->t->cut)
		return;
	tool_cut = 1;
	kcovdf_trace_cut_losses(tt->t, what, sizeof(what));
	fflush(stdout);
	fprintf(stderr, "kcovdf: warning: %s: trace truncated at byte %"
		PRIu64 " (%s): kept %zu complete chunks, the rest is lost%s%s\n",
		tt->path, tt->t->cut, tt->t->cut_why, tt->t->nchunks,
		what[0] ? "; " : "", what);
}

/* Symbols and the list of tasks: each record stream with the PC_EXT
 * stream of its task. */
static void tasks_setup(struct tool_trace *tt, struct symargs *sa)
{
	const char *src = kcovdf_trace_meta(tt->t, "source");
	struct kcovdf_task_streams *ts;
	ssize_t n;

	warn_cut(tt);
	tt->kernel = src && !strcmp(src, "kernel");
	tt->fmt = kcovdf_fmt_new();
	if (!tt->fmt)
		fatal("out of memory");
	kcovdf_fmt_errno_names(tt->fmt, tt->kernel);
	tt->sym = symargs_open(sa, tt->t, tt->path);
	if (!tt->sym)
		fatal("out of memory");
	print_lines(kcovdf_sym_notes(tt->sym));
	print_lines(kcovdf_sym_warnings(tt->sym));
	n = kcovdf_trace_tasks(tt->t, &ts);
	if (n < 0)
		fatal("out of memory");
	tt->tasks = calloc(n ? (size_t)n : 1, sizeof(*tt->tasks));
	if (!tt->tasks)
		fatal("out of memory");
	for (ssize_t i = 0; i < n; i++) {
		struct tool_task *tk = &tt->tasks[tt->ntasks++];

		tk->st = ts[i].st;
		tk->pcext = ts[i].pcext;
		tk->remote = ts[i].remote;
		tk->format = tk->st->format == KCOVDF_FMT_DOC ? KCOVDF_FMT_DOC
							      : KCOVDF_FMT_V1;
	}
	free(ts);
}

void tool_task_warn_unknown(const struct tool_trace *tt,
			    const struct tool_task *tk)
{
	if (tk->pc_unknown)
		fprintf(stderr, "kcovdf: %s: stream %u/%u: %" PRIu64
			" PC_EXT words of unknown type skipped\n",
			tt->path, tk->st->pid, tk->st->tid, tk->pc_unknown);
}

/* The trace read by read (kcovdf_trace_read or _open), its symbols and
 * tasks. */
static void trace_setup(struct tool_trace *tt, const char *path,
			struct symargs *sa,
			struct kcovdf_trace *(*read)(const char *, char *,
						     size_t))
{
	char err[512];

	memset(tt, 0, sizeof(*tt));
	tt->path = path;
	tt->t = read(path, err, sizeof(err));
	if (!tt->t)
		fatal("%s", err);
	tasks_setup(tt, sa);
}

void tool_trace_open(struct tool_trace *tt, const char *path,
		     struct symargs *sa, int keep_damaged)
{
	trace_setup(tt, path, sa, kcovdf_trace_read);
	for (size_t i = 0; i < tt->ntasks; i++) {
		struct tool_task *tk = &tt->tasks[i];
		const struct kcovdf_stream *st = tk->st, *pc = tk->pcext;
		int rc;

		errno = 0;
		rc = kcovdf_calls_merge(st == pc ? NULL : st, pc, tt->kernel,
					tt->sym, &tk->calls, &tk->pc_unknown,
					tk->err, sizeof(tk->err));
		/* Out of memory is no damage of the trace's. */
		if (rc && (errno == ENOMEM || !keep_damaged))
			fatal("%s: stream %u/%u: %s", path, st->pid, st->tid,
			      tk->err);
		tk->damaged = rc != 0;
		tool_task_warn_unknown(tt, tk);
	}
}

void tool_trace_open_stream(struct tool_trace *tt, const char *path,
			    struct symargs *sa)
{
	trace_setup(tt, path, sa, kcovdf_trace_open);
}

void tool_val_describe(const struct tool_trace *tt,
		       const struct kcovdf_fn *fn, const struct kcovdf_rec *r,
		       int format, struct kcovdf_val *out)
{
	if (kcovdf_val_describe(tt->fmt, tt->sym, fn, r, format, out))
		fatal("out of memory");
}

size_t tool_call_items(const struct tool_trace *tt,
		       const struct kcovdf_call *c,
		       const struct kcovdf_rec *ret, int format,
		       struct kcovdf_item **out)
{
	ssize_t n = kcovdf_call_items(tt->fmt, tt->sym, c, ret, format, out);

	if (n < 0)
		fatal("out of memory");
	return (size_t)n;
}

void **tool_hmap_slot(struct kcovdf_hmap *m, const void *key, size_t klen,
		      int *created)
{
	void **slot = kcovdf_hmap_slot(m, key, klen, created);

	if (!slot)
		fatal("out of memory");
	return slot;
}

void tool_buf_check(const struct kcovdf_buf *b)
{
	if (b->err)
		fatal("out of memory");
}

void tool_items_reset(const struct tool_trace *tt)
{
	kcovdf_items_reset(tt->fmt);
}

void tool_trace_close(struct tool_trace *tt)
{
	for (size_t i = 0; i < tt->ntasks; i++)
		kcovdf_calls_free(&tt->tasks[i].calls);
	free(tt->tasks);
	kcovdf_fmt_free(tt->fmt);
	if (tt->sym)
		kcovdf_sym_free(tt->sym);
	if (tt->t)
		kcovdf_trace_free(tt->t);
	memset(tt, 0, sizeof(*tt));
}

void tool_warn_losses(const struct tool_trace *tt)
{
	for (size_t i = 0; i < tt->t->nlosses; i++)
		if (tt->t->losses[i].dropped)
			fprintf(stderr, "kcovdf: WARNING: pid %u tid %u lost "
				"%" PRIu64 " records\n", tt->t->losses[i].pid,
				tt->t->losses[i].tid,
				tt->t->losses[i].dropped);
}

/* ------------------------------------------------------------------ */
/* Colour                                                              */
/* ------------------------------------------------------------------ */

static int color_on;

int tool_color_parse(const char *when)
{
	if (!strcmp(when, "auto"))
		return COLOR_AUTO;
	if (!strcmp(when, "always"))
		return COLOR_ALWAYS;
	if (!strcmp(when, "never"))
		return COLOR_NEVER;
	return -1;
}

void tool_color_init(int mode)
{
	const char *term = getenv("TERM");
	const char *no = getenv("NO_COLOR");

	if (mode == COLOR_ALWAYS)
		color_on = 1;
	else if (mode == COLOR_NEVER)
		color_on = 0;
	else
		color_on = isatty(STDOUT_FILENO) && !(no && *no) &&
			   !(term && !strcmp(term, "dumb"));
}

int tool_color_enabled(void)
{
	return color_on;
}

const char *tc(int which)
{
	static const char *const seq[] = {
		[C_RESET] = "\033[0m", [C_FUNC] = "\033[1;36m",
		[C_ERR] = "\033[1;31m", [C_DIM] = "\033[2m",
		[C_WARN] = "\033[33m", [C_OK] = "\033[1;32m",
		[C_BOLD] = "\033[1m",
	};

	return color_on ? seq[which] : "";
}

/* Text of a value that shows an error: "-EINVAL", "ERR_PTR(-ENOMEM)". */
static int is_error_text(const char *s)
{
	return (s[0] == '-' && s[1] == 'E' && s[2] >= 'A' && s[2] <= 'Z') ||
	       !strncmp(s, "ERR_PTR(", 8);
}

void tool_put_value(struct kcovdf_buf *b, const char *text)
{
	if (color_on && is_error_text(text))
		kcovdf_buf_printf(b, "%s%s%s", tc(C_ERR), text, tc(C_RESET));
	else
		kcovdf_buf_printf(b, "%s", text);
}

/* ------------------------------------------------------------------ */
/* Filters                                                             */
/* ------------------------------------------------------------------ */

void tool_filter_add(struct tool_filter *f, const char *list)
{
	char *copy = strdup(list), *save = NULL;

	if (!copy)
		fatal("out of memory");
	for (char *tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char **nv;

		while (*tok == ' ')
			tok++;
		if (!*tok)
			continue;
		nv = realloc(f->globs, (f->n + 1) * sizeof(*nv));
		if (!nv)
			fatal("out of memory");
		f->globs = nv;
		f->globs[f->n] = strdup(tok);
		if (!f->globs[f->n++])
			fatal("out of memory");
	}
	free(copy);
}

int tool_filter_match(const struct tool_filter *f, const char *name)
{
	if (!f->n)
		return 1;
	for (size_t i = 0; i < f->n; i++)
		if (!fnmatch(f->globs[i], name, 0))
			return 1;
	return 0;
}

void tool_filter_free(struct tool_filter *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->globs[i]);
	free(f->globs);
	memset(f, 0, sizeof(*f));
}

void tool_tasks_add(struct tool_tasks *ts, const char *list)
{
	const char *p = list;

	while (*p) {
		char *end;
		unsigned long v = strtoul(p, &end, 10);

		if (end == p || v > UINT32_MAX || (*end && *end != ','))
			fatal("--task: '%s' is not a list of PIDs or TIDs",
			      list);
		if (ts->n == sizeof(ts->id) / sizeof(ts->id[0]))
			fatal("--task: at most %zu tasks",
			      sizeof(ts->id) / sizeof(ts->id[0]));
		ts->id[ts->n++] = (uint32_t)v;
		p = *end ? end + 1 : end;
	}
}

int tool_tasks_match(const struct tool_tasks *ts, const struct kcovdf_stream *st)
{
	if (!ts->n)
		return 1;
	for (size_t i = 0; i < ts->n; i++)
		if (ts->id[i] == st->pid || ts->id[i] == st->tid)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Calls as text and JSON                                              */
/* ------------------------------------------------------------------ */

const char *tool_fn_name(const struct kcovdf_call *c)
{
	static char buf[32];

	if (c->fn && c->fn->name)
		return c->fn->name;
	if (c->section)
		return "remote";
	if (c->entry_unrecorded && !c->pc)
		return "?";
	snprintf(buf, sizeof(buf), "0x%" PRIx64, c->pc);
	return buf;
}

void tool_call_args(struct kcovdf_buf *b, const struct tool_trace *tt,
		    const struct tool_task *tk, const struct kcovdf_call *c)
{
	struct kcovdf_buf tmp = { 0 };

	if (c->section) {
		kcovdf_buf_printf(b, "%sremote: handle 0x%" PRIx64 ", pid %u%s",
				  tc(C_BOLD), c->handle, c->section_pid,
				  tc(C_RESET));
		return;
	}
	kcovdf_buf_printf(b, "%s%s%s(", tc(C_FUNC), tool_fn_name(c),
			  tc(C_RESET));
	for (size_t i = 0; i < c->nargs; i++) {
		struct kcovdf_val val;

		tool_val_describe(tt, c->fn, &c->args[i], tk->format,
				    &val);
		if (tt->show_hook)
			tt->show_hook(tt->show_ctx, &c->args[i], &val);
		kcovdf_buf_printf(b, "%s%s=", i ? ", " : "", val.name);
		tmp.len = 0;
		kcovdf_buf_printf(&tmp, "%s", "");
		kcovdf_fmt_val(&tmp, &val, 0);
		tool_put_value(b, tmp.s);
	}
	if (c->no_entry)
		kcovdf_buf_printf(b, "%s", c->nargs ? ", ..." : "...");
	else if (tk->pcext && !(c->src & KCOVDF_SRC_DF))
		kcovdf_buf_printf(b, "?");	/* no values recorded */
	kcovdf_buf_printf(b, ")");
	kcovdf_buf_free(&tmp);
}

/* What a merged tree adds: a dataflow call no PC_EXT frame matched, a
 * frame opened by a DEPTH word. */
static void merge_notes(struct kcovdf_buf *b, const struct tool_task *tk,
			const struct kcovdf_call *c)
{
	if (!tk->pcext || c->lost)
		return;
	if (c->entry_unrecorded)
		kcovdf_buf_printf(b, " %s/* entry not recorded */%s",
				  tc(C_WARN), tc(C_RESET));
	else if (!(c->src & KCOVDF_SRC_PCEXT))
		kcovdf_buf_printf(b, " %s/* no entry/exit records */%s",
				  tc(C_DIM), tc(C_RESET));
}

void tool_call_ret(struct kcovdf_buf *b, const struct tool_trace *tt,
		   const struct tool_task *tk, const struct kcovdf_call *c,
		   const struct kcovdf_rec *ret)
{
	struct kcovdf_val val;
	struct kcovdf_buf tmp = { 0 };

	if (c->section) {
		if (c->section_open)
			kcovdf_buf_printf(b, " %s/* section end not recorded "
					  "*/%s", tc(C_WARN), tc(C_RESET));
		return;
	}
	if (!ret && c->has_ret)
		ret = &c->ret;
	if (!ret) {
		if (c->exits_unrecorded)
			kcovdf_buf_printf(b, " %s/* exits not recorded */%s",
					  tc(C_WARN), tc(C_RESET));
		else if (c->no_exit && !(c->src & KCOVDF_SRC_DF) &&
			 tk->pcext)
			kcovdf_buf_printf(b, " %s/* no exit recorded */%s",
					  tc(C_WARN), tc(C_RESET));
		else if (c->no_exit && tk->format == KCOVDF_FMT_V1)
			kcovdf_buf_printf(b, " %s/* no return recorded */%s",
					  tc(C_WARN), tc(C_RESET));
		merge_notes(b, tk, c);
		return;
	}
	tool_val_describe(tt, c->fn, ret, tk->format, &val);
	if (tt->show_hook)
		tt->show_hook(tt->show_ctx, ret, &val);
	if (!val.is_void) {
		kcovdf_buf_printf(b, " = ");
		kcovdf_buf_printf(&tmp, "%s", "");
		kcovdf_fmt_val(&tmp, &val, 0);
		tool_put_value(b, tmp.s);
		kcovdf_buf_free(&tmp);
	}
	if (c->exits_unrecorded)
		kcovdf_buf_printf(b, " %s/* exits not recorded */%s",
				  tc(C_WARN), tc(C_RESET));
	merge_notes(b, tk, c);
}

void tool_call_line(struct kcovdf_buf *b, const struct tool_trace *tt,
		    const struct tool_task *tk, const struct kcovdf_call *c,
		    const struct kcovdf_rec *ret)
{
	if (c->lost) {
		kcovdf_buf_printf(b, "%s<%" PRIu64 " records lost here>%s",
				  tc(C_WARN), c->lost, tc(C_RESET));
		return;
	}
	tool_call_args(b, tt, tk, c);
	tool_call_ret(b, tt, tk, c, ret);
}

void tool_call_path(struct kcovdf_buf *b, const struct kcovdf_call *c)
{
	const struct kcovdf_call *chain[64];
	size_t n = 0, skipped = 0;

	for (const struct kcovdf_call *p = c; p; p = p->parent) {
		if (n < 64)
			chain[n++] = p;
		else
			skipped++;
	}
	/* Deep chains: the outermost 64 are dropped, the innermost kept. */
	if (skipped)
		kcovdf_buf_printf(b, "... > ");
	while (n--) {
		kcovdf_buf_printf(b, "%s%s", tool_fn_name(chain[n]),
				  n ? " > " : "");
	}
}

static void json_val(struct kcovdf_buf *b, const struct kcovdf_val *val)
{
	kcovdf_buf_printf(b, "\"value\":");
	kcovdf_fmt_val(b, val, 1);
	if (val->type) {
		kcovdf_buf_printf(b, ",\"type\":");
		kcovdf_json_str(b, val->type->name);
	}
	kcovdf_fmt_val_json_extra(b, val);
}

void tool_call_json(struct kcovdf_buf *b, const struct tool_trace *tt,
		    const struct tool_task *tk, const struct kcovdf_call *c,
		    const struct kcovdf_rec *ret)
{
	kcovdf_buf_printf(b, "{\"pid\":%u,\"tid\":%u,\"depth\":%d,",
			  tk->st->pid, tk->st->tid, c->depth);
	if (c->lost) {
		kcovdf_buf_printf(b, "\"lost\":%" PRIu64 "}", c->lost);
		return;
	}
	if (c->section) {
		kcovdf_buf_printf(b, "\"section\":{\"handle\":%" PRIu64
				  ",\"pid\":%u%s}}", c->handle, c->section_pid,
				  c->section_open ? ",\"open\":true" : "");
		return;
	}
	kcovdf_buf_printf(b, "\"func\":");
	kcovdf_json_str(b, tool_fn_name(c));
	kcovdf_buf_printf(b, ",\"pc\":%" PRIu64 ",\"args\":[", c->pc);
	for (size_t i = 0; i < c->nargs; i++) {
		struct kcovdf_val val;

		tool_val_describe(tt, c->fn, &c->args[i], tk->format,
				    &val);
		kcovdf_buf_printf(b, "%s{\"name\":", i ? "," : "");
		kcovdf_json_str(b, val.name);
		kcovdf_buf_printf(b, ",");
		json_val(b, &val);
		kcovdf_buf_printf(b, "}");
	}
	kcovdf_buf_printf(b, "],\"ret\":");
	if (!ret && c->has_ret)
		ret = &c->ret;
	if (ret) {
		struct kcovdf_val val;

		tool_val_describe(tt, c->fn, ret, tk->format, &val);
		kcovdf_fmt_val(b, &val, 1);
		if (!val.is_void) {
			kcovdf_buf_printf(b, ",\"ret_detail\":{");
			json_val(b, &val);
			kcovdf_buf_printf(b, "}");
		}
	} else {
		kcovdf_buf_printf(b, "null");
	}
	if (c->no_entry)
		kcovdf_buf_printf(b, ",\"no_entry\":true");
	if (c->no_exit && !(ret && ret != &c->ret))
		kcovdf_buf_printf(b, ",\"no_exit\":true");
	if (c->remote)
		kcovdf_buf_printf(b, ",\"remote\":true");
	if (tk->pcext) {
		kcovdf_buf_printf(b, ",\"pcext\":%s,\"dataflow\":%s",
				  c->src & KCOVDF_SRC_PCEXT ? "true" : "false",
				  c->src & KCOVDF_SRC_DF ? "true" : "false");
		if (c->blocks)
			kcovdf_buf_printf(b, ",\"blocks\":%" PRIu64,
					  c->blocks);
		if (c->exits_unrecorded)
			kcovdf_buf_printf(b, ",\"exits_unrecorded\":true");
		if (c->entry_unrecorded)
			kcovdf_buf_printf(b, ",\"entry_unrecorded\":true");
	}
	kcovdf_buf_printf(b, "}");
}

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

int tool_opt(int argc, char **argv, int *i, const char *shortname,
	     const char *longname, const char **val)
{
	const char *a = argv[*i];
	size_t n;

	if (longname) {
		n = strlen(longname);
		if (!strncmp(a, longname, n) && a[n] == '=') {
			*val = a + n + 1;
			return 1;
		}
	}
	if ((longname && !strcmp(a, longname)) ||
	    (shortname && !strcmp(a, shortname))) {
		if (*i + 1 >= argc)
			fatal("%s needs a value", a);
		*val = argv[++*i];
		return 1;
	}
	/* -fmain: a short option glued to its value */
	if (shortname && !strncmp(a, shortname, strlen(shortname)) &&
	    a[strlen(shortname)]) {
		*val = a + strlen(shortname);
		return 1;
	}
	return 0;
}

void tool_help_common(FILE *f, int col, unsigned int what)
{
	int w = col - 2;	/* the option's width after its indent */

	if (what & TOOL_HELP_TASK)
		fprintf(f, "  %-*sonly tasks with this PID or TID\n", w,
			"--task ID[,ID...]");
	if (what & TOOL_HELP_COLOR)
		fprintf(f, "  %-*sauto (default: on a terminal), always, "
			"never\n", w, "--color[=WHEN]");
	if (what & TOOL_HELP_JSON)
		fprintf(f, "  %-*sone JSON document\n", w, "--json");
	if (what & TOOL_HELP_SYMS)
		fprintf(f, "  --vmlinux FILE, --modules DIR, --kallsyms FILE, "
			"--sysroot DIR\n"
			"%*s(default: found by the trace's build ids;\n"
			"%*sKCOVDF_DEBUG_PATH adds places)\n", col, "", col,
			"");
}

int tool_color_opt(int argc, char **argv, int *i, int *mode)
{
	const char *v;

	if (!strcmp(argv[*i], "--color") || !strcmp(argv[*i], "--colour")) {
		*mode = COLOR_ALWAYS;
		return 1;
	}
	if (!strcmp(argv[*i], "--no-color")) {
		*mode = COLOR_NEVER;
		return 1;
	}
	if (!strncmp(argv[*i], "--color=", 8) ||
	    !strncmp(argv[*i], "--colour=", 9)) {
		v = strchr(argv[*i], '=') + 1;
		*mode = tool_color_parse(v);
		if (*mode < 0)
			fatal("--color: '%s' is not auto, always or never", v);
		return 1;
	}
	(void)argc;
	return 0;
}

unsigned long tool_number(const char *opt, const char *v)
{
	char *end;
	unsigned long n;

	if (!*v || *v == '-')
		fatal("%s: '%s' is not a number", opt, v);
	n = strtoul(v, &end, 10);
	if (*end)
		fatal("%s: '%s' is not a number", opt, v);
	return n;
}

int tool_args_parse(struct tool_args *a, const char *cmd, int argc,
		    char **argv, tool_own_opt own, void *ctx,
		    void (*usage)(FILE *f), int maxpaths, const char *toomany)
{
	const char *val;

	for (int i = 1; i < argc; i++) {
		if (own && own(ctx, argc, argv, &i))
			;
		else if (a->json && !strcmp(argv[i], "--json"))
			*a->json = 1;
		else if (!strcmp(argv[i], "--strict"))
			tool_strict = 1;
		else if (a->funcs &&
			 tool_opt(argc, argv, &i, "-f", "--func", &val))
			tool_filter_add(a->funcs, val);
		else if (a->tasks &&
			 tool_opt(argc, argv, &i, NULL, "--task", &val))
			tool_tasks_add(a->tasks, val);
		else if (a->color && tool_color_opt(argc, argv, &i, a->color))
			;
		else if (symargs_parse(&a->sa, argc, argv, &i))
			;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			usage(stderr);
			fatal("%s: unknown option '%s'", cmd, argv[i]);
		} else if (a->npaths < maxpaths)
			a->paths[a->npaths++] = argv[i];
		else
			fatal("%s: %s", cmd, toomany);
	}
	return 0;
}
