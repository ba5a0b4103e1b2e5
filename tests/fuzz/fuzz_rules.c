// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the input is a rules file (docs/rules.md).
 *
 *  1. kcovdf_rules_parse(). A rejected file comes with a message
 *     "fuzz.rules:LINE:COLUMN: message" whose position lies inside the
 *     text and whose message is printable ASCII.
 *  2. Every parsed rule is consistent: a line inside the text, a kind, a
 *     text without comments or line breaks; its name list holds exactly
 *     the names of its expressions.
 *  3. The text of each rule, parsed alone, gives the same rule.
 *  4. Every expression printed with the fewest parentheses that the
 *     precedence table of docs/rules.md needs (written out here, apart
 *     from lib/rules_parse.c) parses back to the same tree: the parser
 *     follows the documented grammar.
 *  5. kcovdf_rules_check() over a small fixed trace (V1 calls of every
 *     kind of value, a second thread, a DOC task of another process), as
 *     user space and as kernel: violations name a rule, a task and a call
 *     and say why in printable text; no rule decides or counts more calls
 *     than it has; an error names a position inside the text; a second
 *     check gives the same counts.
 *
 * The harness looks inside the parsed rules (lib/rules_int.h): it is
 * built from the library's sources. FUZZ_RULES_VERBOSE=1 in the
 * environment prints the parse error or every rule's counts.
 */
#include <ctype.h>
#include <limits.h>

/* FZ_CHECK from fuzz_check.h; its record and call checks are not used. */
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wunused-function"
#include "fuzz_check.h"
#pragma clang diagnostic pop
#include "rules_int.h"
#include "../lib/rules_fixture.h"

#define FILE_NAME "fuzz.rules"

/* ------------------------------------------------------------------ */
/* The fixed trace                                                     */
/* ------------------------------------------------------------------ */

#define NTASKS 3

static struct sb fx_w[NTASKS];
static struct kcovdf_stream fx_st[NTASKS];
static struct kcovdf_calls fx_calls[NTASKS];
static struct kcovdf_check_task fx_tasks[NTASKS];

static void fixture(void)
{
	static const uint64_t o1[] = { 1, 2, 3, 4, 5 };
	static const uint64_t o2[] = { 0, 1, 9, 4, 0x40 };
	static const uint32_t pid[NTASKS] = { 100, 100, 200 };
	static int done;
	struct sb *s;

	if (done)
		return;
	done = 1;
	/* task 0: each function once */
	make_one(&fx_w[0]);
	/* task 1, a second thread: repeated objects and keys, values not
	 * recorded, nesting, a loss, a return without its entry */
	s = &fx_w[1];
	s->format = KCOVDF_FMT_V1;
	rec_obj(s, ARG, FIRST, F_OBJGET, 0, 0x7000, o1, 5, 0);
	rec(s, RET, 0, F_OBJGET, NONE, 4, 0);
	rec_obj(s, ARG, FIRST, F_OBJGET, 0, 0x7000, o2, 5, 0xa);
	rec(s, RET, 0, F_OBJGET, NONE, 4, NEG(-22));
	put(s, v1(ARG, FIRST | KCOV_DF_F_FIELDS | KCOV_DF_F_NULL, 0, 1, 8));
	put(s, pc_of(F_OBJGET));
	put(s, 0);
	put(s, 0x5eed);
	rec(s, RET, 0, F_OBJGET, NONE, 4, NEG(-14));
	rec(s, ARG, FIRST | KCOV_DF_F_OPTOUT, F_SETMAX, 0, 4, 0);
	call1(s, F_INIT, 8, 0xa, 0);		/* nested in set_max */
	call1(s, F_USE, 8, 0xa, 0);
	rec(s, RET, 0, F_SETMAX, NONE, 4, 0);
	call1(s, F_USE, 8, 0xb, 1);
	call1(s, F_LOCK, 8, 1, 0);
	s->w[s->n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	call1(s, F_TRYLOCK, 8, 2, 1);
	call1(s, F_UNLOCK, 8, 1, 0);
	s->w[s->n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	call1(s, F_UNLOCK, 8, 3, 0);
	s->w[s->n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	put(s, v1(KCOV_DF_KIND_LOST, 0, NONE, 0, 0));
	put(s, 0);
	put(s, 2);
	rec(s, RET, 0, F_USE, NONE, 4, 3);
	rec(s, ARG, FIRST, F_OBJNEW, 0, 4, 0);
	put(s, v1(RET, KCOV_DF_F_FIELDS | KCOV_DF_F_ERRPTR, NONE, 1, 8));
	put(s, pc_of(F_OBJNEW));
	put(s, NEG(-12));
	put(s, 0x5eed);
	call1(s, F_NODWARF, 8, 5, 6);
	/* 0xf000(NULL object) = 0, without DWARF */
	put(s, v1(ARG, FIRST | KCOV_DF_F_FIELDS | KCOV_DF_F_NULL, 0, 1, 8));
	put(s, 0xf000);
	put(s, 0);
	put(s, 0x5eed);
	rec(s, RET, 0, F_NODWARF, NONE, 4, 0);
	rec(s, ARG, FIRST, F_SETMAX, 0, 4, 7);	/* never returns */
	/* task 2, another process: the documented format */
	s = &fx_w[2];
	s->format = KCOVDF_FMT_DOC;
	doc(s, 1, F_SETMAX, 0, 4, 1);
	doc(s, 1, F_SETMAX, 0, 4, 2);
	doc(s, 0, F_SETMAX, 0, 4, 12);
	doc(s, 0, F_SETMAX, 0, 4, NEG(-22));
	doc(s, 1, F_OBJGET, 0, 8, 0x7000);
	doc(s, 0, F_OBJGET, 0, 4, 0);
	doc(s, 0, F_USE, 0, 4, 0);
	doc(s, 1, F_NODWARF, 0, 4, 7);
	for (int i = 0; i < NTASKS; i++) {
		char err[200];

		fx_st[i].pid = pid[i];
		fx_st[i].tid = pid[i] + (uint32_t)i;
		fx_st[i].format = (uint32_t)fx_w[i].format;
		fx_st[i].words = fx_w[i].w;
		fx_st[i].nwords = fx_w[i].n;
		FZ_CHECK(!kcovdf_calls_build(&fx_st[i], NULL, &fx_calls[i], err,
					     sizeof(err)),
			 "the fixed trace does not build: %s", err);
		attach_fns(&fx_calls[i]);
		fx_tasks[i].st = &fx_st[i];
		fx_tasks[i].calls = &fx_calls[i];
	}
}

/* ------------------------------------------------------------------ */
/* Messages                                                            */
/* ------------------------------------------------------------------ */

static void require_printable(const char *s, const char *what)
{
	FZ_CHECK(s, "%s: none", what);
	for (const char *c = s; *c; c++)
		FZ_CHECK(*c >= 0x20 && *c < 0x7f, "%s: byte 0x%02x at %zu "
			 "is not printable ASCII: %s", what,
			 (unsigned char)*c, (size_t)(c - s), s);
}

/* Length of physical line `line` (1-based) of the text, or -1. */
static long line_len(const char *text, size_t len, long line)
{
	size_t i = 0;

	for (long l = 1; l < line; l++) {
		const char *nl = memchr(text + i, '\n', len - i);

		if (!nl)
			return -1;
		i = (size_t)(nl - text) + 1;
	}
	{
		const char *nl = memchr(text + i, '\n', len - i);

		return (long)((nl ? (size_t)(nl - text) : len) - i);
	}
}

/* "fuzz.rules:LINE:COLUMN: message" (or "fuzz.rules:LINE: message" when
 * col is 0) with the position inside the text. */
static void check_error(const char *err, const char *text, size_t len,
			int col)
{
	long l = 0, c = 1;
	char *end;
	size_t fl = strlen(FILE_NAME);

	require_printable(err, "error message");
	FZ_CHECK(!strncmp(err, FILE_NAME ":", fl + 1),
		 "error without the file name: %s", err);
	l = strtol(err + fl + 1, &end, 10);
	if (col) {
		FZ_CHECK(*end == ':', "error without a column: %s", err);
		c = strtol(end + 1, &end, 10);
	}
	FZ_CHECK(end[0] == ':' && end[1] == ' ' && end[2],
		 "error without a message: %s", err);
	FZ_CHECK(l >= 1 && line_len(text, len, l) >= 0,
		 "error on line %ld, outside the text: %s", l, err);
	FZ_CHECK(c >= 1 && c <= line_len(text, len, l) + 1,
		 "error in column %ld of a line of %ld bytes: %s", c,
		 line_len(text, len, l), err);
}

/* ------------------------------------------------------------------ */
/* Trees                                                               */
/* ------------------------------------------------------------------ */

static size_t count_names(const struct node *n)
{
	size_t k;

	if (!n)
		return 0;
	k = (n->kind == N_NAME) + count_names(n->a) + count_names(n->b);
	for (size_t i = 0; i < n->nlist; i++)
		k += count_names(n->list[i]);
	return k;
}

static int name_listed(const struct rule *r, const struct node *n)
{
	for (size_t i = 0; i < r->nnames; i++)
		if (r->names[i] == n)
			return 1;
	return 0;
}

/* Every node is well formed; every name is in the rule's list. */
static void check_tree(const struct rule *r, const struct node *n)
{
	if (!n)
		return;
	FZ_CHECK(n->kind >= N_NUM && n->kind <= N_SUB, "node kind %d",
		 n->kind);
	FZ_CHECK(n->line >= 1 && n->col >= 1, "node at %d:%d", n->line,
		 n->col);
	switch (n->kind) {
	case N_NUM:
		FZ_CHECK(!n->a && !n->b && !n->nlist, "number with operands");
		break;
	case N_NAME:
		FZ_CHECK(n->name && n->first && name_listed(r, n) &&
			 !strncmp(n->name, n->first, strlen(n->first)),
			 "name node not listed or inconsistent");
		FZ_CHECK(n->rest ? n->rest == n->name + strlen(n->first) + 1 :
			 !n->name[strlen(n->first)], "name %s: rest", n->name);
		break;
	case N_NEG:
	case N_NOT:
	case N_ISERR:
		FZ_CHECK(n->a && !n->b && !n->nlist, "unary node %d", n->kind);
		break;
	case N_IN:
		FZ_CHECK(n->a && !n->b && n->nlist, "in without a list");
		break;
	default:
		FZ_CHECK(n->a && n->b && !n->nlist, "binary node %d without "
			 "two operands", n->kind);
		FZ_CHECK(n->kind != N_CMP || (n->op >= OP_EQ && n->op <= OP_GE),
			 "comparison %d", n->op);
	}
	check_tree(r, n->a);
	check_tree(r, n->b);
	for (size_t i = 0; i < n->nlist; i++)
		check_tree(r, n->list[i]);
}

static int same_tree(const struct node *a, const struct node *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->nlist != b->nlist)
		return 0;
	switch (a->kind) {
	case N_NUM:
		if (a->num.kind != b->num.kind ||
		    a->num.is_ptr != b->num.is_ptr ||
		    a->num.is_signed != b->num.is_signed)
			return 0;
		if (a->num.kind == KCOVDF_NUM_FLOAT)
			return !memcmp(&a->num.d, &b->num.d, sizeof(double));
		return a->num.u == b->num.u;
	case N_NAME:
		return !strcmp(a->name, b->name) && a->arrow == b->arrow;
	case N_CMP:
		if (a->op != b->op)
			return 0;
		break;
	}
	for (size_t i = 0; i < a->nlist; i++)
		if (!same_tree(a->list[i], b->list[i]))
			return 0;
	return same_tree(a->a, b->a) && same_tree(a->b, b->b);
}

static int same_keys(struct node *const *a, size_t na, struct node *const *b,
		     size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!same_tree(a[i], b[i]))
			return 0;
	return 1;
}

static int same_callpat(const struct callpat *a, const struct callpat *b)
{
	if (a->nglobs != b->nglobs ||
	    !same_keys(a->keys, a->nkeys, b->keys, b->nkeys) ||
	    !same_tree(a->when, b->when))
		return 0;
	for (size_t i = 0; i < a->nglobs; i++)
		if (strcmp(a->globs[i], b->globs[i]))
			return 0;
	return 1;
}

static int same_rule(const struct rule *a, const struct rule *b)
{
	return a->kind == b->kind && a->scope == b->scope &&
	       !strcmp(a->text, b->text) && a->nnames == b->nnames &&
	       same_callpat(&a->a, &b->a) && same_callpat(&a->b, &b->b) &&
	       same_tree(a->expr, b->expr);
}

/* ------------------------------------------------------------------ */
/* Printing with the precedence of docs/rules.md                       */
/* ------------------------------------------------------------------ */

/*
 * docs/rules.md, "Expressions": `=>` (right-associative) is the weakest,
 * then or, and, not, the comparisons and `in` (which do not chain), `&`,
 * `+` and `-`, unary minus. Written out here from the grammar, not taken
 * from the parser, so that a parser that disagrees with the document is
 * caught.
 */
static int doc_prec(const struct node *n)
{
	switch (n->kind) {
	case N_IMPL: return 1;
	case N_OR: return 2;
	case N_AND: return 3;
	case N_NOT: return 4;
	case N_CMP: case N_IN: return 5;
	case N_BITAND: return 6;
	case N_ADD: case N_SUB: return 7;
	case N_NEG: return 8;
	default: return INT_MAX;
	}
}

static void print_expr(struct kcovdf_buf *b, const struct node *n, int min)
{
	static const char *const cmp[] = { "==", "!=", "<", "<=", ">", ">=" };
	static const char *const bin[] = {
		[N_IMPL] = "=>", [N_OR] = "or", [N_AND] = "and",
		[N_BITAND] = "&", [N_ADD] = "+", [N_SUB] = "-",
	};
	int p = doc_prec(n), paren = p < min;

	kcovdf_buf_printf(b, "%s", paren ? "(" : "");
	switch (n->kind) {
	case N_NUM:
		if (n->num.kind == KCOVDF_NUM_FLOAT)
			kcovdf_buf_printf(b, "%.17e", n->num.d);
		else if (n->num.is_ptr)
			kcovdf_buf_printf(b, "NULL");
		else
			kcovdf_buf_printf(b, "%" PRIu64, n->num.u);
		break;
	case N_NAME:
		kcovdf_buf_printf(b, "%s", n->first);
		if (n->rest)
			kcovdf_buf_printf(b, "%s%s", n->arrow ? "->" : ".",
					  n->rest);
		break;
	case N_ISERR:
		kcovdf_buf_printf(b, "is_err(");
		print_expr(b, n->a, 1);
		kcovdf_buf_printf(b, ")");
		break;
	case N_NOT:
		kcovdf_buf_printf(b, "not ");
		print_expr(b, n->a, p);
		break;
	case N_NEG:
		kcovdf_buf_printf(b, "-");
		print_expr(b, n->a, p);
		break;
	case N_IN:
		print_expr(b, n->a, p + 1);
		kcovdf_buf_printf(b, " in {");
		for (size_t i = 0; i < n->nlist; i++) {
			kcovdf_buf_printf(b, "%s", i ? ", " : "");
			print_expr(b, n->list[i], 6);
		}
		kcovdf_buf_printf(b, "}");
		break;
	default:
		/* Left-associative operators take their own level on the
		 * left, `=>` on the right, comparisons on neither side. */
		print_expr(b, n->a, n->kind == N_OR || n->kind == N_AND ||
			   n->kind == N_BITAND || n->kind == N_ADD ||
			   n->kind == N_SUB ? p : p + 1);
		kcovdf_buf_printf(b, " %s ", n->kind == N_CMP ? cmp[n->op] :
				  bin[n->kind]);
		print_expr(b, n->b, n->kind == N_IMPL ? p : p + 1);
	}
	kcovdf_buf_printf(b, "%s", paren ? ")" : "");
}

/* The expression printed and parsed back as an assertion. */
static void round_trip_expr(const struct node *n)
{
	struct kcovdf_buf b = { 0 };
	struct kcovdf_rules *rs;
	char err[300] = "";

	if (!n)
		return;
	kcovdf_buf_printf(&b, "f: ");
	print_expr(&b, n, 1);
	rs = kcovdf_rules_parse(b.s, b.len, FILE_NAME, err, sizeof(err));
	if (!rs && strstr(err, "nested too deeply")) {
		kcovdf_buf_free(&b);
		return;
	}
	FZ_CHECK(rs && rs->n == 1 && same_tree(rs->v[0].expr, n),
		 "printed with the documented precedence, the expression "
		 "parses %s: %s (%s)", rs ? "differently" : "no more", b.s,
		 err);
	kcovdf_rules_free(rs);
	kcovdf_buf_free(&b);
}

static void check_rules(const struct kcovdf_rules *rs, const char *text,
			size_t len)
{
	long nlines = 1;

	for (size_t i = 0; i < len; i++)
		nlines += text[i] == '\n';
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->v[i];
		struct kcovdf_rule_info info;
		struct kcovdf_rules *again;
		char err[300] = "";
		size_t names;

		kcovdf_rules_info(rs, i, &info);
		FZ_CHECK(info.line >= 1 && info.line <= nlines && info.kind &&
			 info.text && info.text[0] && !strchr(info.text, '\n') &&
			 !strchr(info.text, '#') && !isspace((unsigned char)
			 info.text[strlen(info.text) - 1]),
			 "rule %zu: line %u, text \"%s\"", i, info.line,
			 info.text);
		FZ_CHECK(r->a.nglobs >= 1 &&
			 (r->kind == R_BEFORE || r->kind == R_BALANCE) ==
			 (r->b.nglobs >= 1) &&
			 (r->kind == R_ASSERT) == !!r->expr &&
			 (r->kind != R_UNIQUE || r->a.nkeys >= 1) &&
			 r->a.nkeys == (r->b.nglobs ? r->b.nkeys : r->a.nkeys),
			 "rule %zu (%s) inconsistent", i, info.text);
		names = count_names(r->expr) + count_names(r->a.when) +
			count_names(r->b.when);
		for (size_t k = 0; k < r->a.nkeys; k++)
			names += count_names(r->a.keys[k]);
		for (size_t k = 0; k < r->b.nkeys; k++)
			names += count_names(r->b.keys[k]);
		FZ_CHECK(names == r->nnames, "rule %zu lists %zu names, its "
			 "expressions have %zu", i, r->nnames, names);
		check_tree(r, r->expr);
		check_tree(r, r->a.when);
		check_tree(r, r->b.when);
		for (size_t k = 0; k < r->a.nkeys; k++)
			check_tree(r, r->a.keys[k]);
		for (size_t k = 0; k < r->b.nkeys; k++)
			check_tree(r, r->b.keys[k]);

		again = kcovdf_rules_parse(r->text, strlen(r->text), FILE_NAME,
					   err, sizeof(err));
		FZ_CHECK(again && again->n == 1 && same_rule(&again->v[0], r),
			 "the text of rule %zu parses %s: \"%s\" (%s)", i,
			 again ? "differently" : "no more", r->text, err);
		kcovdf_rules_free(again);

		round_trip_expr(r->expr);
		round_trip_expr(r->a.when);
		round_trip_expr(r->b.when);
		for (size_t k = 0; k < r->a.nkeys; k++)
			round_trip_expr(r->a.keys[k]);
		for (size_t k = 0; k < r->b.nkeys; k++)
			round_trip_expr(r->b.keys[k]);
	}
}

/* ------------------------------------------------------------------ */
/* Checking                                                            */
/* ------------------------------------------------------------------ */

struct run {
	const struct kcovdf_rules *rs;
	uint64_t nviol;
};

static void on_violation(const struct kcovdf_violation *v, void *arg)
{
	struct run *run = arg;

	run->nviol++;
	FZ_CHECK(v->rule < run->rs->n && v->task < NTASKS && v->call,
		 "violation of rule %zu in task %zu", v->rule, v->task);
	FZ_CHECK(!v->has_other || (v->other_task < NTASKS && v->other),
		 "violation with a bad earlier call");
	FZ_CHECK(!v->ret || fx_st[v->task].format == KCOVDF_FMT_DOC,
		 "a return kept apart in a V1 task");
	require_printable(v->message, "violation message");
}

static void check_over_trace(struct kcovdf_rules *rs, const char *text,
			     size_t len, int kernel)
{
	struct run run = { .rs = rs };
	uint64_t first[64][5];
	char err[300] = "";
	size_t n = rs->n < 64 ? rs->n : 64;
	uint64_t total = 0;
	int rc;

	for (int pass = 0; pass < 2; pass++) {
		run.nviol = 0;
		err[0] = 0;
		rc = kcovdf_rules_check(rs, NULL, NULL, fx_tasks, NTASKS, kernel,
					on_violation, &run, err, sizeof(err));
		if (rc) {
			if (getenv("FUZZ_RULES_VERBOSE"))
				fprintf(stderr, "check: %s\n", err);
			FZ_CHECK(rc == -1, "check returned %d", rc);
			/* "at most 8 keys" has no column */
			check_error(err, text, len, !strstr(err, "at most"));
			return;
		}
		total = 0;
		for (size_t i = 0; i < n; i++) {
			struct kcovdf_rule_info ri;
			uint64_t c[5];

			kcovdf_rules_info(rs, i, &ri);
			if (pass == 0 && getenv("FUZZ_RULES_VERBOSE"))
				fprintf(stderr, "%s %u: %s: %" PRIu64 " calls, %"
					PRIu64 " checked, %" PRIu64 " violations, %"
					PRIu64 " unknown, %" PRIu64 " n.a.\n",
					kernel ? "kernel" : "user", ri.line,
					ri.text, ri.calls, ri.checked,
					ri.violations, ri.unknown,
					ri.not_applicable);
			total += ri.violations;
			c[0] = ri.calls;
			c[1] = ri.checked;
			c[2] = ri.violations;
			c[3] = ri.unknown;
			c[4] = ri.not_applicable;
			FZ_CHECK(ri.checked + ri.unknown + ri.not_applicable <=
				 ri.calls, "rule %zu (%s): %" PRIu64 " calls, %"
				 PRIu64 " checked, %" PRIu64 " unknown, %" PRIu64
				 " not applicable", i, ri.text, ri.calls,
				 ri.checked, ri.unknown, ri.not_applicable);
			if (strcmp(ri.kind, "balances"))
				FZ_CHECK(ri.violations <= ri.checked,
					 "rule %zu (%s): %" PRIu64 " violations "
					 "in %" PRIu64 " checked calls", i,
					 ri.text, ri.violations, ri.checked);
			if (pass == 0)
				memcpy(first[i], c, sizeof(c));
			else
				FZ_CHECK(!memcmp(first[i], c, sizeof(c)),
					 "rule %zu: a second check counts "
					 "differently", i);
		}
		if (n == rs->n)
			FZ_CHECK(total == run.nviol, "%" PRIu64 " violations "
				 "counted, %" PRIu64 " reported", total,
				 run.nviol);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char err[300] = "";
	struct kcovdf_rules *rs;

	fixture();
	rs = kcovdf_rules_parse(text, size, FILE_NAME, err, sizeof(err));
	if (!rs) {
		if (getenv("FUZZ_RULES_VERBOSE"))
			fprintf(stderr, "parse: %s\n", err);
		check_error(err, text, size, 1);
		return 0;
	}
	FZ_CHECK(kcovdf_rules_count(rs) == rs->n, "count");
	check_rules(rs, text, size);
	check_over_trace(rs, text, size, 0);
	check_over_trace(rs, text, size, 1);
	kcovdf_rules_free(rs);
	return 0;
}
