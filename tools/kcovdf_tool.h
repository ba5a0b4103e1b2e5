/* SPDX-License-Identifier: GPL-2.0 */
/* Shared declarations of the kcovdf command's parts. */
#ifndef KCOVDF_TOOL_H
#define KCOVDF_TOOL_H

#include "kcovdf/kcovdf.h"

#define KCOVDF_VERSION "0.1"

int cmd_cc(int argc, char **argv);
int cmd_cxx(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_export(int argc, char **argv);

/*
 * Exit statuses of every command (docs/tools.md, "Common to all of them"):
 *
 *   0  KCOVDF_EXIT_OK     done; check: every rule holds, diff: no
 *                         difference
 *   1  KCOVDF_EXIT_FOUND  check: a rule is violated; diff: the traces
 *                         differ
 *   1  KCOVDF_EXIT_FAIL   die(): the command could not be done (cc, record,
 *                         vm: a file missing, a system call failed; also
 *                         the symbol options' errors, --modules given too
 *                         often or without a value)
 *   2  KCOVDF_EXIT_USAGE  fatal(): a usage error, an unreadable or invalid
 *                         input (trace, rules); a reading command's
 *                         --strict on a truncated trace
 *
 * `record` otherwise exits with the status of the command it ran, `cc`
 * with the compiler's. Messages go to stderr as "kcovdf: message".
 */
enum {
	KCOVDF_EXIT_OK = 0,
	KCOVDF_EXIT_FOUND = 1,
	KCOVDF_EXIT_FAIL = 1,
	KCOVDF_EXIT_USAGE = 2,
};
/* "kcovdf: message": exit KCOVDF_EXIT_FAIL (die), flush stdout and exit
 * KCOVDF_EXIT_USAGE (fatal), or go on (warnx_). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Directory holding the kcovdf executable (build/), and the source tree. */
const char *tool_dir(void);
const char *repo_root(void);

/* Options shared by commands that symbolise. */
struct symargs {
	const char *vmlinux;
	const char *kallsyms;
	const char *sysroot;
	const char *module_dirs[16];
	size_t nmodule_dirs;
};
/* Returns 1 if argv[*i] was a symbolisation option (consuming its value). */
int symargs_parse(struct symargs *sa, int argc, char **argv, int *i);
/* Symbols for the trace at path: the options given, and the files that
 * the trace's build ids name (kcovdf_symopts.search: below the kcovdf
 * tree and the trace's directory, in KCOVDF_DEBUG_PATH, in the system's
 * debug places). */
struct kcovdf_sym *symargs_open(struct symargs *sa,
				const struct kcovdf_trace *t,
				const char *path);

/* ---- common.c: what the reading commands share ---- */

/* A stream with its call tree. */
struct tool_task {
	const struct kcovdf_stream *st;	/* dataflow stream, or the PC_EXT one
					 * of a task that has no dataflow */
	const struct kcovdf_stream *pcext;	/* merged PC_EXT words, or NULL */
	int remote;		/* remote work (REMOTE or REMOTE_PCEXT) */
	uint64_t pc_unknown;	/* PC_EXT words of unknown type skipped */
	struct kcovdf_calls calls;
	int format;		/* KCOVDF_FMT_DOC or _V1 */
	int damaged;		/* an invalid record stopped the tree */
	char err[256];
};

struct tool_trace {
	const char *path;
	struct kcovdf_trace *t;
	struct kcovdf_sym *sym;
	struct kcovdf_fmt *fmt;	/* the values described for this trace */
	int kernel;		/* META source=kernel */
	struct tool_task *tasks;	/* record streams, each merged with
					 * the PC_EXT stream of its task */
	size_t ntasks;
	/* Called with each argument and return value that tool_call_args()
	 * and tool_call_ret() show as text, before it is formatted (view's
	 * display of what changed in an object); NULL: shown as described. */
	void (*show_hook)(void *ctx, const struct kcovdf_rec *r,
			  struct kcovdf_val *val);
	void *show_ctx;
};

/* Read, symbolise, build every stream's calls; turns errno naming on for
 * kernel traces. An unreadable file is fatal (exit 2), and so is an
 * invalid record unless keep_damaged (then the task is marked damaged and
 * keeps the calls before the record). A truncated file is read up to the
 * cut, with one warning. */
void tool_trace_open(struct tool_trace *tt, const char *path,
		     struct symargs *sa, int keep_damaged);
/* The same without reading any words or building any tree: the tasks
 * have no calls; read them with kcovdf_calls_stream() (tt->t is opened
 * with kcovdf_trace_open()). */
void tool_trace_open_stream(struct tool_trace *tt, const char *path,
			    struct symargs *sa);
/* "N PC_EXT words of unknown type skipped", when there were some. */
void tool_task_warn_unknown(const struct tool_trace *tt,
			    const struct tool_task *tk);
void tool_trace_close(struct tool_trace *tt);
/* kcovdf_val_describe() and kcovdf_call_items() with the trace's symbols
 * and formatting context; out of memory is fatal. What they give lives
 * until tool_items_reset() or tool_trace_close(). */
void tool_val_describe(const struct tool_trace *tt,
		       const struct kcovdf_fn *fn, const struct kcovdf_rec *r,
		       int format, struct kcovdf_val *out);
size_t tool_call_items(const struct tool_trace *tt,
		       const struct kcovdf_call *c,
		       const struct kcovdf_rec *ret, int format,
		       struct kcovdf_item **out);
void tool_items_reset(const struct tool_trace *tt);
/* kcovdf_hmap_slot(); out of memory is fatal. */
void **tool_hmap_slot(struct kcovdf_hmap *m, const void *key, size_t klen,
		      int *created);
/* Before a buffer's text is used: memory ran out while it was written
 * (b->err) is fatal. */
void tool_buf_check(const struct kcovdf_buf *b);
/* --strict (every reading command): a truncated trace (warned about when
 * it is opened, read up to the cut) makes the command exit 2 after its
 * output; main() applies it. tool_cut: a trace was cut. */
extern int tool_strict, tool_cut;
void tool_warn_losses(const struct tool_trace *tt);

enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };
enum { C_RESET, C_FUNC, C_ERR, C_DIM, C_WARN, C_OK, C_BOLD };
int tool_color_parse(const char *when);	/* -1 when not a mode */
/* auto: stdout is a terminal, NO_COLOR unset, TERM not "dumb". */
void tool_color_init(int mode);
int tool_color_enabled(void);
const char *tc(int which);	/* the escape sequence, or "" */
/* Append a value's text, in red when it shows an error. */
void tool_put_value(struct kcovdf_buf *b, const char *text);

/* -f/--func: comma-separated glob patterns. */
struct tool_filter {
	char **globs;
	size_t n;
};
void tool_filter_add(struct tool_filter *f, const char *list);
int tool_filter_match(const struct tool_filter *f, const char *name);
void tool_filter_free(struct tool_filter *f);

/* --task: PIDs or TIDs. */
struct tool_tasks {
	uint32_t id[64];
	size_t n;
};
void tool_tasks_add(struct tool_tasks *ts, const char *list);
int tool_tasks_match(const struct tool_tasks *ts,
		     const struct kcovdf_stream *st);

/* Function name, or "0x<pc>" (static buffer). */
const char *tool_fn_name(const struct kcovdf_call *c);
/* "f(a=1, p=0x... {x=1})" as view shows it (colour when on). */
void tool_call_args(struct kcovdf_buf *b, const struct tool_trace *tt,
		    const struct tool_task *tk, const struct kcovdf_call *c);
/* " = 5", a "no return recorded" comment, or nothing (void). ret, when
 * not NULL, is used instead of the call's own (DOC pairing). */
void tool_call_ret(struct kcovdf_buf *b, const struct tool_trace *tt,
		   const struct tool_task *tk, const struct kcovdf_call *c,
		   const struct kcovdf_rec *ret);
/* Both: the call on one line. */
void tool_call_line(struct kcovdf_buf *b, const struct tool_trace *tt,
		    const struct tool_task *tk, const struct kcovdf_call *c,
		    const struct kcovdf_rec *ret);
/* "main > f > g" */
void tool_call_path(struct kcovdf_buf *b, const struct kcovdf_call *c);
/* The call as `view --json` prints it (docs/json.md). */
void tool_call_json(struct kcovdf_buf *b, const struct tool_trace *tt,
		    const struct tool_task *tk, const struct kcovdf_call *c,
		    const struct kcovdf_rec *ret);

/* Option with a value: "-f VALUE", "-fVALUE", "--func VALUE",
 * "--func=VALUE". shortname or longname may be NULL. */
int tool_opt(int argc, char **argv, int *i, const char *shortname,
	     const char *longname, const char **val);
/* --color[=auto|always|never], --no-color */
int tool_color_opt(int argc, char **argv, int *i, int *mode);
unsigned long tool_number(const char *opt, const char *v);

/*
 * The command line of a reading command (view, report, check, diff,
 * export): the options they have in common, each accepted where its
 * pointer is set, and the trace (or rules) files:
 *
 *   --strict                 always: sets tool_strict
 *   --vmlinux, --modules, --kallsyms, --sysroot
 *                            always: into sa (symargs_parse())
 *   -h, --help               always: usage(stdout), and tool_args_parse()
 *                            returns 1 (the command returns 0)
 *   --json                   json: sets *json
 *   --color[=WHEN], --colour[=WHEN], --no-color
 *                            color: *color (tool_color_opt())
 *   -f, --func GLOBS         funcs: tool_filter_add()
 *   --task IDS               tasks: tool_tasks_add()
 *
 * The command's own options come from own(ctx, argc, argv, &i), which
 * returns 1 when argv[i] was one (consuming its value) and 0 when not; own
 * may be NULL. Any other argument starting with '-' (but "-") is usage(
 * stderr) and "CMD: unknown option 'X'" (exit 2); the others are files,
 * up to maxpaths of them, then "CMD: TOOMANY" (exit 2). What each command
 * requires of them (how many, which options go together) it checks itself.
 */
struct tool_args {
	int *json;
	int *color;
	struct tool_filter *funcs;
	struct tool_tasks *tasks;
	struct symargs sa;
	const char *paths[2];
	int npaths;
};
typedef int (*tool_own_opt)(void *ctx, int argc, char **argv, int *i);
/*
 * The help lines of the options reading commands have in common, those
 * of what (--task, --color, --json, the symbol options), each explanation
 * at column col (where the command's others start).
 */
enum {
	TOOL_HELP_TASK = 1, TOOL_HELP_COLOR = 2, TOOL_HELP_JSON = 4,
	TOOL_HELP_SYMS = 8,
};
void tool_help_common(FILE *f, int col, unsigned int what);
int tool_args_parse(struct tool_args *a, const char *cmd, int argc,
		    char **argv, tool_own_opt own, void *ctx,
		    void (*usage)(FILE *f), int maxpaths, const char *toomany);

#endif
