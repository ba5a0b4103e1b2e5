// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf check RULES TRACE: verify contracts (docs/rules.md) over the
 * calls of a trace. Exit status: 0 every rule holds, 1 a rule is violated,
 * 2 the rules or the trace are bad.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_tool.h"

struct rule_out {
	uint64_t nviol;
	char **shown;		/* text or JSON of the first violations */
	size_t nshown;
};

struct check {
	struct tool_trace tt;
	struct tool_tasks tasks;
	struct tool_task **tk;	/* tasks checked, in order */
	size_t ntk;
	int json, strict, quiet;
	size_t max_shown;
	struct rule_out *out;
	struct kcovdf_rules *rules;
};

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		fatal("%s: %s", path, strerror(errno));
	for (;;) {
		size_t got;

		if (n + 4096 > cap) {
			char *nb;

			cap = cap ? 2 * cap : 8192;
			if (cap > ((size_t)64 << 20))
				fatal("%s: rules file larger than 64 MB", path);
			nb = realloc(buf, cap);
			if (!nb)
				fatal("out of memory");
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		fatal("%s: %s", path, strerror(errno));
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

/* "FILE:LINE:COL: message": show the line and a caret under COL. */
static void show_error_line(const char *file, const char *text, size_t len,
			    const char *err)
{
	size_t fl = strlen(file);
	int line, col;
	const char *p = text;

	if (strncmp(err, file, fl) || err[fl] != ':' ||
	    sscanf(err + fl + 1, "%d:%d", &line, &col) != 2 || line < 1 ||
	    col < 1)
		return;
	for (int l = 1; l < line && p; l++) {
		p = memchr(p, '\n', len - (size_t)(p - text));
		if (p)
			p++;
	}
	if (!p)
		return;
	{
		const char *e = memchr(p, '\n', len - (size_t)(p - text));
		int n = (int)(e ? e - p : (const char *)text + len - p);

		fprintf(stderr, "  %.*s\n  %*s^\n", n, p, col - 1, "");
	}
}

static void where(struct kcovdf_buf *b, const struct tool_task *tk,
		  const struct kcovdf_call *c)
{
	kcovdf_buf_printf(b, "[pid %u tid %u record %" PRIu64 "] ",
			  tk->st->pid, tk->st->tid, c->index);
	tool_call_path(b, c);
}

static void json_call(struct kcovdf_buf *b, struct check *k,
		      const struct tool_task *tk, const struct kcovdf_call *c,
		      const struct kcovdf_rec *ret)
{
	kcovdf_buf_printf(b, "{\"record\":%" PRIu64 ",\"path\":", c->index);
	{
		struct kcovdf_buf p = { 0 };

		kcovdf_buf_printf(&p, "%s", "");
		tool_call_path(&p, c);
		kcovdf_json_str(b, p.s);
		kcovdf_buf_free(&p);
	}
	kcovdf_buf_printf(b, ",\"call\":");
	tool_call_json(b, &k->tt, tk, c, ret);
	kcovdf_buf_printf(b, "}");
}

static void on_violation(const struct kcovdf_violation *v, void *arg)
{
	struct check *k = arg;
	struct rule_out *o = &k->out[v->rule];
	const struct tool_task *tk = k->tk[v->task];
	struct kcovdf_buf b = { 0 };
	char **ns;

	o->nviol++;
	if (k->max_shown && o->nshown >= k->max_shown)
		return;
	if (k->json) {
		kcovdf_buf_printf(&b, "{\"at\":");
		json_call(&b, k, tk, v->call, v->ret);
		kcovdf_buf_printf(&b, ",\"why\":");
		kcovdf_json_str(&b, v->message ? v->message : "");
		if (v->has_other) {
			kcovdf_buf_printf(&b, ",\"earlier\":");
			json_call(&b, k, k->tk[v->other_task], v->other,
				  v->other_ret);
		}
		kcovdf_buf_printf(&b, "}");
	} else {
		kcovdf_buf_printf(&b, "    ");
		where(&b, tk, v->call);
		kcovdf_buf_printf(&b, "\n      ");
		tool_call_line(&b, &k->tt, tk, v->call, v->ret);
		if (v->message && *v->message)
			kcovdf_buf_printf(&b, "\n      %s%s%s",
					  tc(C_DIM), v->message, tc(C_RESET));
		if (v->has_other) {
			kcovdf_buf_printf(&b, "\n      earlier: ");
			where(&b, k->tk[v->other_task], v->other);
			kcovdf_buf_printf(&b, "\n        ");
			tool_call_line(&b, &k->tt, k->tk[v->other_task],
				       v->other, v->other_ret);
		}
	}
	ns = realloc(o->shown, (o->nshown + 1) * sizeof(*ns));
	if (!ns)
		fatal("out of memory");
	o->shown = ns;
	tool_buf_check(&b);
	o->shown[o->nshown++] = b.s;
	tool_items_reset(&k->tt);
}

enum { ST_PASS, ST_FAIL, ST_NOCALLS, ST_UNCHECKED };

static int status_of(const struct kcovdf_rule_info *ri)
{
	if (ri->violations)
		return ST_FAIL;
	if (!ri->calls)
		return ST_NOCALLS;
	if (!ri->checked)
		return ST_UNCHECKED;
	return ST_PASS;
}

/* Rule i's counters and status, counted in nst; a rule that fails the
 * check (with --strict, any that does not pass) sets *failed. */
static int rule_status(const struct check *k, size_t i,
		       struct kcovdf_rule_info *ri, size_t *nst, int *failed)
{
	int st;

	kcovdf_rules_info(k->rules, i, ri);
	st = status_of(ri);
	nst[st]++;
	if (st == ST_FAIL || (k->strict && st != ST_PASS))
		*failed = KCOVDF_EXIT_FOUND;
	return st;
}

static void counts(struct kcovdf_buf *b, const struct kcovdf_rule_info *ri)
{
	kcovdf_buf_printf(b, "%" PRIu64 " call%s", ri->calls,
			  ri->calls == 1 ? "" : "s");
	if (ri->checked != ri->calls)
		kcovdf_buf_printf(b, ", %" PRIu64 " checked", ri->checked);
	if (ri->unknown)
		kcovdf_buf_printf(b, ", %" PRIu64 " unknown (value not "
				  "recorded)", ri->unknown);
	if (ri->not_applicable)
		kcovdf_buf_printf(b, ", %" PRIu64 " not applicable",
				  ri->not_applicable);
}

static const char *const status_name[] = {
	[ST_PASS] = "PASS", [ST_FAIL] = "FAIL", [ST_NOCALLS] = "NOCALLS",
	[ST_UNCHECKED] = "UNCHECKED",
};

static int print_text(struct check *k, const char *rules_path)
{
	size_t n = kcovdf_rules_count(k->rules), nst[4] = { 0 };
	uint64_t nviol = 0;
	struct kcovdf_buf b = { 0 };
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		struct kcovdf_rule_info ri;
		int st = rule_status(k, i, &ri, nst, &failed);

		nviol += ri.violations;
		if (k->quiet && st != ST_FAIL)
			continue;
		b.len = 0;
		kcovdf_buf_printf(&b, "%s", "");
		counts(&b, &ri);
		printf("%s%-9s%s %s:%u: %s\n", tc(st == ST_FAIL ? C_ERR :
						  st == ST_PASS ? C_OK : C_WARN),
		       status_name[st], tc(C_RESET), rules_path, ri.line,
		       ri.text);
		tool_buf_check(&b);
		if (st == ST_FAIL)
			printf("          %" PRIu64 " violation%s in %s\n",
			       ri.violations, ri.violations == 1 ? "" : "s",
			       b.s);
		else
			printf("          %s\n", b.s);
		for (size_t j = 0; j < k->out[i].nshown; j++)
			printf("%s\n", k->out[i].shown[j]);
		if (k->out[i].nviol > k->out[i].nshown)
			printf("    ... %" PRIu64 " more (--max 0 shows all)\n",
			       k->out[i].nviol - k->out[i].nshown);
	}
	printf("%zu rule%s: %zu passed, %zu failed", n, n == 1 ? "" : "s",
	       nst[ST_PASS], nst[ST_FAIL]);
	if (nst[ST_NOCALLS])
		printf(", %zu without calls", nst[ST_NOCALLS]);
	if (nst[ST_UNCHECKED])
		printf(", %zu unchecked", nst[ST_UNCHECKED]);
	printf(" (%" PRIu64 " violation%s)\n", nviol, nviol == 1 ? "" : "s");
	kcovdf_buf_free(&b);
	return failed;
}

static int print_json(struct check *k, const char *rules_path)
{
	size_t n = kcovdf_rules_count(k->rules), nst[4] = { 0 };
	struct kcovdf_buf b = { 0 };
	int failed = 0;

	kcovdf_buf_printf(&b, "{\"rules_file\":");
	kcovdf_json_str(&b, rules_path);
	kcovdf_buf_printf(&b, ",\"trace\":");
	kcovdf_json_str(&b, k->tt.path);
	kcovdf_buf_printf(&b, ",\"rules\":[");
	for (size_t i = 0; i < n; i++) {
		struct kcovdf_rule_info ri;
		int st = rule_status(k, i, &ri, nst, &failed);

		kcovdf_buf_printf(&b, "%s\n{\"line\":%u,\"rule\":",
				  i ? "," : "", ri.line);
		kcovdf_json_str(&b, ri.text);
		kcovdf_buf_printf(&b, ",\"kind\":\"%s\",\"status\":\"%s\","
				  "\"calls\":%" PRIu64 ",\"checked\":%" PRIu64
				  ",\"unknown\":%" PRIu64
				  ",\"not_applicable\":%" PRIu64
				  ",\"violations\":%" PRIu64 ",\"shown\":[",
				  ri.kind, status_name[st], ri.calls,
				  ri.checked, ri.unknown, ri.not_applicable,
				  ri.violations);
		for (size_t j = 0; j < k->out[i].nshown; j++)
			kcovdf_buf_printf(&b, "%s%s", j ? "," : "",
					  k->out[i].shown[j]);
		kcovdf_buf_printf(&b, "]}");
	}
	kcovdf_buf_printf(&b, "],\"passed\":%zu,\"failed\":%zu,"
			  "\"no_calls\":%zu,\"unchecked\":%zu,"
			  "\"status\":\"%s\"}\n", nst[ST_PASS], nst[ST_FAIL],
			  nst[ST_NOCALLS], nst[ST_UNCHECKED],
			  failed ? "fail" : "pass");
	tool_buf_check(&b);
	fputs(b.s, stdout);
	kcovdf_buf_free(&b);
	return failed;
}

static void usage(FILE *f)
{
	fputs("usage: kcovdf check [OPTIONS] RULES TRACE\n"
	      "\n"
	      "Verify the rules of the file RULES (docs/rules.md) over the "
	      "calls of TRACE.\n"
	      "Exit status: 0 all rules hold, 1 violations, 2 bad rules or "
	      "trace.\n"
	      "\n"
	      "  --max N            violations shown per rule (default 10, "
	      "0: all)\n"
	      "  --strict           rules without calls, or that no call could "
	      "decide,\n"
	      "                     fail too; a truncated trace exits 2\n"
	      "  -q, --quiet        show failed rules only\n", f);
	tool_help_common(f, 21, TOOL_HELP_TASK | TOOL_HELP_COLOR |
			 TOOL_HELP_JSON | TOOL_HELP_SYMS);
}

/* check's own options (tool_args_parse() the common ones). */
static int check_opt(void *ctx, int argc, char **argv, int *i)
{
	struct check *k = ctx;
	const char *val;

	if (!strcmp(argv[*i], "-q") || !strcmp(argv[*i], "--quiet"))
		k->quiet = 1;
	else if (tool_opt(argc, argv, i, NULL, "--max", &val))
		k->max_shown = tool_number("--max", val);
	else
		return 0;
	return 1;
}

int cmd_check(int argc, char **argv)
{
	struct check k = { .max_shown = 10 };
	int color = COLOR_AUTO, failed;
	struct tool_args a = { .json = &k.json, .color = &color,
			       .tasks = &k.tasks };
	const char *const *paths = a.paths;
	struct kcovdf_check_task *ct;
	char err[512];
	char *text;
	size_t len;

	if (tool_args_parse(&a, "check", argc, argv, check_opt, &k, usage, 2,
			    "too many arguments: RULES TRACE"))
		return 0;
	/* --strict also keeps its meaning for rules (docs/tools.md). */
	k.strict = tool_strict;
	if (a.npaths != 2) {
		usage(stderr);
		fatal("check: need a rules file and a trace file");
	}
	tool_color_init(k.json ? COLOR_NEVER : color);
	text = read_file(paths[0], &len);
	k.rules = kcovdf_rules_parse(text, len, paths[0], err, sizeof(err));
	if (!k.rules) {
		fprintf(stderr, "kcovdf: %s\n", err);
		show_error_line(paths[0], text, len, err);
		exit(KCOVDF_EXIT_USAGE);
	}
	tool_trace_open(&k.tt, paths[1], &a.sa, 0);
	k.tk = calloc(k.tt.ntasks + 1, sizeof(*k.tk));
	ct = calloc(k.tt.ntasks + 1, sizeof(*ct));
	k.out = calloc(kcovdf_rules_count(k.rules) + 1, sizeof(*k.out));
	if (!k.tk || !ct || !k.out)
		fatal("out of memory");
	for (size_t i = 0; i < k.tt.ntasks; i++) {
		if (!tool_tasks_match(&k.tasks, k.tt.tasks[i].st))
			continue;
		k.tk[k.ntk] = &k.tt.tasks[i];
		ct[k.ntk].st = k.tt.tasks[i].st;
		ct[k.ntk].calls = &k.tt.tasks[i].calls;
		k.ntk++;
	}
	if (kcovdf_rules_check(k.rules, k.tt.fmt, k.tt.sym, ct, k.ntk,
			       k.tt.kernel, on_violation, &k, err,
			       sizeof(err))) {
		fprintf(stderr, "kcovdf: %s\n", err);
		show_error_line(paths[0], text, len, err);
		exit(KCOVDF_EXIT_USAGE);
	}
	failed = k.json ? print_json(&k, paths[0]) : print_text(&k, paths[0]);
	fflush(stdout);
	tool_warn_losses(&k.tt);
	for (size_t i = 0; i < kcovdf_rules_count(k.rules); i++) {
		for (size_t j = 0; j < k.out[i].nshown; j++)
			free(k.out[i].shown[j]);
		free(k.out[i].shown);
	}
	free(k.out);
	free(k.tk);
	free(ct);
	free(text);
	kcovdf_rules_free(k.rules);
	tool_trace_close(&k.tt);
	return failed;
}
