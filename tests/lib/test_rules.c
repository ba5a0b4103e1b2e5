// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the contract-rule language (docs/rules.md): its lexer,
 * parser, evaluator and checker, through the public interface of kcovdf.h
 * only, so that the same tests hold the behaviour of lib/rules*.c in place
 * whatever the files inside look like.
 *
 * Calls come from V1 and DOC record words written by hand and built into
 * call trees by kcovdf_calls_build(); each call then gets a synthetic
 * function (rules_fixture.h), so no ELF file is needed. Built with ASan
 * and UBSan by tests/suites/05-lib.sh. TAP output.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf/kcovdf.h"
#include "tap.h"
#include "rules_fixture.h"

/* A failed expectation inside a group: say what, count it once. */
static int bad;

__attribute__((format(printf, 1, 2)))
static void diag(const char *fmt, ...)
{
	va_list ap;

	bad++;
	if (bad > 20)
		return;
	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}


/* ------------------------------------------------------------------ */
/* Parsing and checking                                                */
/* ------------------------------------------------------------------ */

struct task {
	uint32_t pid, tid;
	struct sb *s;
};

struct viol {
	size_t rule, task, other_task;
	uint64_t index, other_index;
	const char *fn;
	int has_other, doc_ret;
	char msg[300];
};

struct result {
	int parsed;		/* 0: syntax error in err */
	int rc;			/* kcovdf_rules_check() */
	char err[512];
	size_t nrules;
	struct kcovdf_rule_info info[16];
	struct viol v[64];
	size_t nv;
};

static void on_viol(const struct kcovdf_violation *v, void *arg)
{
	struct result *r = arg;
	struct viol *o;

	if (r->nv >= NW(r->v))
		return;
	o = &r->v[r->nv++];
	o->rule = v->rule;
	o->task = v->task;
	o->index = v->call->index;
	o->fn = v->call->fn ? v->call->fn->name : "?";
	o->doc_ret = v->ret != NULL;
	o->has_other = v->has_other;
	if (v->has_other) {
		o->other_task = v->other_task;
		o->other_index = v->other->index;
	}
	snprintf(o->msg, sizeof(o->msg), "%s", v->message ? v->message : "");
}

/* Parse rules and check them over the tasks. */
static void run(const char *rules, const struct task *tasks, size_t ntasks,
		int kernel, struct result *r)
{
	struct kcovdf_stream st[8];
	struct kcovdf_calls calls[8];
	struct kcovdf_check_task ct[8];
	struct kcovdf_rules *rs;

	memset(r, 0, sizeof(*r));
	rs = kcovdf_rules_parse(rules, strlen(rules), "t.rules", r->err,
				sizeof(r->err));
	if (!rs)
		return;
	r->parsed = 1;
	for (size_t i = 0; i < ntasks; i++) {
		char err[200];

		memset(&st[i], 0, sizeof(st[i]));
		st[i].pid = tasks[i].pid;
		st[i].tid = tasks[i].tid;
		st[i].format = (uint32_t)tasks[i].s->format;
		st[i].words = tasks[i].s->w;
		st[i].nwords = tasks[i].s->n;
		snprintf(st[i].comm, sizeof(st[i].comm), "t%zu", i);
		if (kcovdf_calls_build(&st[i], NULL, &calls[i], err,
				       sizeof(err))) {
			fprintf(stderr, "test_rules: bad test stream: %s\n",
				err);
			exit(2);
		}
		attach_fns(&calls[i]);
		ct[i].st = &st[i];
		ct[i].calls = &calls[i];
	}
	r->rc = kcovdf_rules_check(rs, NULL, NULL, ct, ntasks, kernel, on_viol,
				   r, r->err, sizeof(r->err));
	r->nrules = kcovdf_rules_count(rs);
	for (size_t i = 0; i < r->nrules && i < NW(r->info); i++) {
		kcovdf_rules_info(rs, i, &r->info[i]);
		/* The text lives in the rules: keep a copy. */
		r->info[i].text = strdup(r->info[i].text);
	}
	for (size_t i = 0; i < ntasks; i++)
		kcovdf_calls_free(&calls[i]);
	kcovdf_rules_free(rs);
}

static void result_free(struct result *r)
{
	for (size_t i = 0; i < r->nrules && i < NW(r->info); i++)
		free((char *)r->info[i].text);
}

/* The outcome of a one-rule file over the tasks, as one string:
 * "S" syntax error, "E" check error, else the counters
 * "calls/checked/violations/unknown/not_applicable". */
static const char *outcome(const char *rules, const struct task *tasks,
			   size_t ntasks, int kernel, struct result *r)
{
	static char buf[128];
	const struct kcovdf_rule_info *i = &r->info[0];

	run(rules, tasks, ntasks, kernel, r);
	if (!r->parsed)
		return "S";
	if (r->rc)
		return "E";
	snprintf(buf, sizeof(buf), "%" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%"
		 PRIu64 "/%" PRIu64, i->calls, i->checked, i->violations,
		 i->unknown, i->not_applicable);
	return buf;
}

/* ------------------------------------------------------------------ */
/* The single-call fixture: each function called once                  */
/* ------------------------------------------------------------------ */

static struct sb one;
static struct task one_task = { 100, 100, &one };

/* One rule over the single-call fixture: 'T' true, 'F' false (a
 * violation), 'U' unknown, 'N' not applicable, '0' no call, 'S' syntax
 * error, 'E' error from the checker. */
static char ev(const char *rule)
{
	struct result r;
	char c;

	run(rule, &one_task, 1, 0, &r);
	if (!r.parsed)
		c = 'S';
	else if (r.rc)
		c = 'E';
	else if (r.info[0].violations)
		c = 'F';
	else if (r.info[0].unknown)
		c = 'U';
	else if (r.info[0].not_applicable)
		c = 'N';
	else if (r.info[0].checked)
		c = 'T';
	else
		c = '0';
	result_free(&r);
	return c;
}

/* Expect ev(rule) == want for each pair of a table. */
struct evcase {
	const char *rule;
	char want;
};

static void ev_table(const struct evcase *c, size_t n, const char *name)
{
	bad = 0;
	for (size_t i = 0; i < n; i++) {
		char got = ev(c[i].rule);

		if (got != c[i].want)
			diag("%s: got %c, want %c", c[i].rule, got, c[i].want);
	}
	ok(!bad, "%s (%zu rules)", name, n);
}

/* The error of a rules text (parse or check), or "" when there is none. */
static const char *error_of(const char *rules)
{
	static char buf[512];
	struct result r;

	run(rules, &one_task, 1, 0, &r);
	snprintf(buf, sizeof(buf), "%s", !r.parsed || r.rc ? r.err : "");
	result_free(&r);
	return buf;
}

struct errcase {
	const char *rules;
	const char *want;	/* the whole message */
};

static void err_table(const struct errcase *c, size_t n, const char *name)
{
	bad = 0;
	for (size_t i = 0; i < n; i++) {
		const char *got = error_of(c[i].rules);

		if (strcmp(got, c[i].want))
			diag("%s: got \"%s\", want \"%s\"", c[i].rules, got,
			     c[i].want);
	}
	ok(!bad, "%s (%zu cases)", name, n);
}

/* ------------------------------------------------------------------ */
/* Lexer                                                               */
/* ------------------------------------------------------------------ */

static void test_lex(void)
{
	static const struct evcase tokens[] = {
		/* numbers */
		{ "set_max: 42 == 42", 'T' },
		{ "set_max: 0x2a == 42", 'T' },
		{ "set_max: 0X2A == 42", 'T' },
		{ "set_max: 0xffffffffffffffff == 18446744073709551615", 'T' },
		{ "set_max: 007 == 7", 'T' },
		{ "set_max: 08 == 8", 'T' },
		{ "set_max: 1.5 == 1.5", 'T' },
		{ "set_max: 0.5 < 1", 'T' },
		{ "set_max: 1.5e3 == 1500", 'T' },
		{ "set_max: 2.0 == 2", 'T' },
		/* characters */
		{ "set_max: 'a' == 97", 'T' },
		{ "set_max: ' ' == 32", 'T' },
		{ "set_max: '\\n' == 10", 'T' },
		{ "set_max: '\\t' == 9", 'T' },
		{ "set_max: '\\r' == 13", 'T' },
		{ "set_max: '\\0' == 0", 'T' },
		{ "set_max: '\\\\' == 92", 'T' },
		{ "set_max: '\\'' == 39", 'T' },
		{ "set_max: ''' == 39", 'T' },	/* as lexed today */
		{ "set_max: '\"' == 34", 'T' },
		/* identifiers, words, operators */
		{ "0xf000: arg1 < 0 and arg0 == 7", 'T' },
		{ "set_max: max==5&&max!=4||false", 'T' },
		{ "set_max: max>=5 and max<=5 and max>4 and max<6", 'T' },
		{ "set_max: max == 5 => ret == 0", 'T' },
		{ "obj_get: p->refcnt == 1 and p.kind == 2", 'T' },
		{ "set_max: max in {1, 5}", 'T' },
		{ "set_max: max & 4 == 4 and max + 1 == 6 and max - 1 == 4",
		  'T' },
		{ "set_max: !(max == 4)", 'T' },
		{ "set_max: is_err(-1)", 'T' },
		{ "set_max: NULL == 0", 'T' },
		/* white space: tabs, carriage returns, form feeds */
		{ "set_max:\tmax\t==\t5", 'T' },
		{ "set_max: max == 5\r\n", 'T' },
		{ "\fset_max:\vmax == 5", 'T' },
		{ "set_max:max==5", 'T' },
		/* continuations, also before CRLF */
		{ "set_max: max \\\n == 5", 'T' },
		{ "set_max: max \\\r\n == 5\r\n", 'T' },
	};
	static const struct errcase errs[] = {
		{ "set_max: 0x == 0",
		  "t.rules:1:10: bad hexadecimal number" },
		{ "set_max: 0xg == 0",
		  "t.rules:1:10: bad hexadecimal number" },
		{ "set_max: 0X", "t.rules:1:10: bad hexadecimal number" },
		{ "set_max: 0x1g == 0",
		  "t.rules:1:13: unexpected 'g' in a number" },
		{ "set_max: 12abc == 0",
		  "t.rules:1:12: unexpected 'a' in a number" },
		{ "set_max: 1e3 == 0",
		  "t.rules:1:11: unexpected 'e' in a number" },
		{ "set_max: 1.5x == 0",
		  "t.rules:1:13: unexpected 'x' in a number" },
		{ "set_max: 18446744073709551616 == 0",
		  "t.rules:1:10: number out of range (64 bits)" },
		{ "set_max: 0x10000000000000000 == 0",
		  "t.rules:1:10: number out of range (64 bits)" },
		{ "set_max: max == 1.0e999",
		  "t.rules:1:17: number out of range (64 bits)" },
		{ "set_max: max == '\\q'",
		  "t.rules:1:17: bad character escape" },
		{ "set_max: max == '\\",
		  "t.rules:1:17: bad character escape" },
		{ "set_max: max == '",
		  "t.rules:1:17: bad character literal" },
		{ "set_max: max == '#'",
		  "t.rules:1:17: bad character literal" },
		{ "set_max: max == 'ab'",
		  "t.rules:1:17: unterminated character literal" },
		{ "set_max: max == 'a",
		  "t.rules:1:17: unterminated character literal" },
		{ "set_max: max == '\\n",
		  "t.rules:1:17: unterminated character literal" },
		{ "set_max: max = 5",
		  "t.rules:1:14: '=' is not an operator: compare with '=='" },
		{ "set_max: max === 5",
		  "t.rules:1:16: '=' is not an operator: compare with '=='" },
		{ "set_max: max == 5 | true",
		  "t.rules:1:19: '|' is not an operator: 'or' is '||'" },
		{ "set_max: max == 5 ||| true",
		  "t.rules:1:21: '|' is not an operator: 'or' is '||'" },
		{ "set_max: max @ 5", "t.rules:1:14: unexpected character '@'" },
		{ "set_max: max ~ 5", "t.rules:1:14: unexpected character '~'" },
		{ "set_max: max ^ 5", "t.rules:1:14: unexpected character '^'" },
		{ "set_max: max % 5", "t.rules:1:14: unexpected character '%'" },
		{ "set_max: max / 5", "t.rules:1:14: unexpected character '/'" },
		{ "set_max: max; 5", "t.rules:1:13: unexpected character ';'" },
		{ "set_max: \"x\"", "t.rules:1:10: unexpected character '\"'" },
		{ "set_max: `x`", "t.rules:1:10: unexpected character '`'" },
		{ "set_max: max \\ 5",
		  "t.rules:1:14: unexpected character '\\'" },
		{ "set_max: max == 5 \\",
		  "t.rules:1:19: unexpected character '\\'" },
		/* bytes that are not printable ASCII are written as \xNN */
		{ "set_max: m\x7f",
		  "t.rules:1:11: unexpected character '\\x7f'" },
		{ "set_max: caf\xc3\xa9",
		  "t.rules:1:13: unexpected character '\\xc3'" },
		{ "\x13", "t.rules:1:1: unexpected character '\\x13'" },
		{ "f: x == 1\x1b[2J", "t.rules:1:10: unexpected character "
		  "'\\x1b'" },
		/* ... also inside a token quoted in a message */
		{ "set_max: 1 '\x01'", "t.rules:1:12: expected the end of the "
		  "rule, found ''\\x01''" },
		{ "'\xe7'\\#u", "t.rules:1:1: expected a function name or "
		  "pattern, found ''\\xe7''" },
		/* glob characters are tokens, but no operators */
		{ "set_max: max * 2",
		  "t.rules:1:14: expected the end of the rule, found '*'" },
		{ "set_max: max ? 2",
		  "t.rules:1:14: expected the end of the rule, found '?'" },
		{ "set_max: max[0]",
		  "t.rules:1:13: expected the end of the rule, found '['" },
		{ "set_max: $x",
		  "t.rules:1:10: expected a value (number, name, NULL, '('), "
		  "found '$'" },
		{ "set_max: .5 == 0",
		  "t.rules:1:10: expected a value (number, name, NULL, '('), "
		  "found '.'" },
		{ "set_max: 1. == 1",
		  "t.rules:1:11: expected the end of the rule, found '.'" },
		/* a continuation needs the '\' at the end of the line */
		{ "set_max: max == 5 \\ \n or true",
		  "t.rules:1:19: unexpected character '\\'" },
	};

	ev_table(tokens, NW(tokens), "lexer: every token kind");
	err_table(errs, NW(errs), "lexer: bad numbers, characters, operators");
}

/* ------------------------------------------------------------------ */
/* Positions in error messages                                         */
/* ------------------------------------------------------------------ */

static void test_positions(void)
{
	static const struct errcase c[] = {
		{ "set_max: max = 5", "t.rules:1:14: '=' is not an operator: "
		  "compare with '=='" },
		/* tabs count as one column */
		{ "\tset_max:\tmax\t=\t5", "t.rules:1:15: '=' is not an "
		  "operator: compare with '=='" },
		/* line numbers after comments and blank lines */
		{ "# comment\n\n  \nset_max: max == 5 # = here is a comment\n"
		  "set_max: max = 5\n", "t.rules:5:14: '=' is not an "
		  "operator: compare with '=='" },
		/* on the continued line of a rule */
		{ "set_max: max == 5 \\\n    and max = 5",
		  "t.rules:2:13: '=' is not an operator: compare with '=='" },
		{ "set_max: max == 5 \\\n\\\n and max = 5",
		  "t.rules:3:10: '=' is not an operator: compare with '=='" },
		/* a comment on a continued line ends that physical line */
		{ "set_max: max == 5 \\\n  and # note\nset_max: ) ",
		  "t.rules:2:7: expected a value (number, name, NULL, '('), "
		  "found the end of the rule" },
		/* the end of the rule: the column after its last character */
		{ "set_max: max ==", "t.rules:1:16: expected a value (number, "
		  "name, NULL, '('), found the end of the rule" },
		{ "set_max: max == # nothing", "t.rules:1:17: expected a value "
		  "(number, name, NULL, '('), found the end of the rule" },
		{ "set_max: max ==   ", "t.rules:1:19: expected a value "
		  "(number, name, NULL, '('), found the end of the rule" },
		{ "set_max: (max == 5 \\\n", "t.rules:1:20: expected ')', "
		  "found the end of the rule" },
		/* the second rule of a file */
		{ "set_max: max == 5\nobj_get: p->", "t.rules:2:13: expected a "
		  "field name, found the end of the rule" },
		/* a NUL byte */
		{ "set_max: max == 5\nobj\0_get: 1", "t.rules:2:4: NUL byte "
		  "in the rules" },
		/* CRLF line ends: CR is white space */
		{ "set_max: max == 5\r\nset_max: max = 5\r\n",
		  "t.rules:2:14: '=' is not an operator: compare with '=='" },
	};

	bad = 0;
	for (size_t i = 0; i < NW(c); i++) {
		/* error_of() takes strlen(); the NUL case needs its length */
		size_t len = strlen(c[i].rules);
		char err[512] = "";
		struct kcovdf_rules *rs;

		if (strstr(c[i].want, "NUL byte"))
			len += 1 + strlen(c[i].rules + len + 1);
		rs = kcovdf_rules_parse(c[i].rules, len, "t.rules", err,
					sizeof(err));
		if (rs || strcmp(err, c[i].want))
			diag("%s: got \"%s\", want \"%s\"", c[i].rules,
			     rs ? "(parsed)" : err, c[i].want);
		kcovdf_rules_free(rs);
	}
	ok(!bad, "positions: FILE:LINE:COLUMN of errors (%zu cases)", NW(c));
}

/* ------------------------------------------------------------------ */
/* Parser: precedence and associativity                                */
/* ------------------------------------------------------------------ */

/* The binary operators of docs/rules.md, weakest first. */
static const struct bop {
	const char *op;
	int prec;
	int right;	/* right-associative */
	int cmp;	/* comparisons do not chain */
} bops[] = {
	{ "=>", 1, 1, 0 },
	{ "or", 2, 0, 0 }, { "||", 2, 0, 0 },
	{ "and", 3, 0, 0 }, { "&&", 3, 0, 0 },
	{ "==", 5, 0, 1 }, { "!=", 5, 0, 1 }, { "<", 5, 0, 1 },
	{ "<=", 5, 0, 1 }, { ">", 5, 0, 1 }, { ">=", 5, 0, 1 },
	{ "&", 6, 0, 0 },
	{ "+", 7, 0, 0 }, { "-", 7, 0, 0 },
};

/* What the operator gives on literals: unsigned 64-bit numbers, truth
 * values 0 and 1 (docs/rules.md "Values and comparisons"). */
static uint64_t apply(const char *op, uint64_t a, uint64_t b)
{
	if (!strcmp(op, "=>"))
		return !a || b;
	if (!strcmp(op, "or") || !strcmp(op, "||"))
		return a || b;
	if (!strcmp(op, "and") || !strcmp(op, "&&"))
		return a && b;
	if (!strcmp(op, "=="))
		return a == b;
	if (!strcmp(op, "!="))
		return a != b;
	if (!strcmp(op, "<"))
		return a < b;
	if (!strcmp(op, "<="))
		return a <= b;
	if (!strcmp(op, ">"))
		return a > b;
	if (!strcmp(op, ">="))
		return a >= b;
	if (!strcmp(op, "&"))
		return a & b;
	if (!strcmp(op, "+"))
		return a + b;
	return a - b;
}

/*
 * For every ordered pair of binary operators A, B: `x A y B z` means
 * `(x A y) B z` when A binds tighter or as tight and left-associative,
 * else `x A (y B z)`; two comparisons are a syntax error. Operands are
 * chosen from 0..3 so that the two readings differ in truth where any
 * choice can tell them apart; explicit parentheses give either reading.
 */
static void test_precedence(void)
{
	char rule[128], want_err[160];
	int nb = (int)NW(bops);

	for (int i = 0; i < nb; i++) {
		const struct bop *a = &bops[i];
		int told = 0;

		bad = 0;
		for (int j = 0; j < nb; j++) {
			const struct bop *b = &bops[j];
			int found = 0;

			if (a->cmp && b->cmp) {
				snprintf(rule, sizeof(rule),
					 "set_max: 1 %s 2 %s 3", a->op, b->op);
				snprintf(want_err, sizeof(want_err),
					 "t.rules:1:%zu: expected the end of "
					 "the rule, found '%s'",
					 strlen("set_max: 1 ") + strlen(a->op) +
					 4, b->op);
				if (strcmp(error_of(rule), want_err))
					diag("%s: got \"%s\"", rule,
					     error_of(rule));
				snprintf(rule, sizeof(rule),
					 "set_max: (1 %s 2) %s 3", a->op,
					 b->op);
				if (ev(rule) != (apply(b->op, apply(a->op, 1,
						2), 3) ? 'T' : 'F'))
					diag("%s: wrong", rule);
				continue;
			}
			for (uint64_t x = 0; x < 4 && !found; x++)
			for (uint64_t y = 0; y < 4 && !found; y++)
			for (uint64_t z = 0; z < 4 && !found; z++) {
				int l = !!apply(b->op, apply(a->op, x, y), z);
				int r = !!apply(a->op, x, apply(b->op, y, z));
				int left = a->prec > b->prec ||
					   (a->prec == b->prec && !a->right);
				int want = left ? l : r;
				char got;

				if (l == r && !(x == 3 && y == 3 && z == 3))
					continue;
				found = 1;
				told += l != r;
				snprintf(rule, sizeof(rule),
					 "set_max: %" PRIu64 " %s %" PRIu64
					 " %s %" PRIu64, x, a->op, y, b->op, z);
				got = ev(rule);
				if (got != (want ? 'T' : 'F'))
					diag("%s: got %c, want %c", rule, got,
					     want ? 'T' : 'F');
				snprintf(rule, sizeof(rule),
					 "set_max: (%" PRIu64 " %s %" PRIu64
					 ") %s %" PRIu64, x, a->op, y, b->op,
					 z);
				if (ev(rule) != (l ? 'T' : 'F'))
					diag("%s: wrong", rule);
				snprintf(rule, sizeof(rule),
					 "set_max: %" PRIu64 " %s (%" PRIu64
					 " %s %" PRIu64 ")", x, a->op, y,
					 b->op, z);
				if (ev(rule) != (r ? 'T' : 'F'))
					diag("%s: wrong", rule);
			}
		}
		ok(!bad, "precedence: '%s' with each binary operator (%d "
		   "pairs tell the readings apart)", a->op, told);
	}
}

static void test_unary_in(void)
{
	static const struct evcase c[] = {
		/* not and ! apply to a whole comparison */
		{ "set_max: not 1 == 2", 'T' },
		{ "set_max: ! 1 == 2", 'T' },
		{ "set_max: !2 == 1", 'T' },
		{ "set_max: not 1 & 0", 'T' },
		{ "set_max: not 1 in {2}", 'T' },
		/* ... but bind tighter than and, or, => */
		{ "set_max: not 0 and 0", 'F' },
		{ "set_max: not 1 or 1", 'T' },
		{ "set_max: ! 0 => 1", 'T' },
		{ "set_max: not 0 => 0", 'F' },
		{ "set_max: not not 2", 'T' },
		{ "set_max: !!0", 'F' },
		{ "set_max: ! not ! 0", 'T' },
		/* unary minus binds tighter than every binary operator */
		{ "set_max: -1 + 2 == 1", 'T' },
		{ "set_max: -2 & 3 == 2", 'T' },
		{ "set_max: - 1 < 0", 'T' },
		{ "set_max: - - 1 == 1", 'T' },
		{ "set_max: --1 == 1", 'T' },
		{ "set_max: 1 - -1 == 2", 'T' },
		{ "set_max: 1--1 == 2", 'T' },
		{ "set_max: -(1 + 2) == 0 - 3", 'F' },	/* signed vs not */
		{ "set_max: -(1 + 2) < 0", 'T' },
		{ "set_max: -max == -5", 'T' },
		/* in: a comparison; its list items are '&' expressions */
		{ "set_max: 1 + 1 in {2}", 'T' },
		{ "set_max: 3 & 1 in {1}", 'T' },
		{ "set_max: 1 in {2 - 1, 3}", 'T' },
		{ "set_max: 1 in {3 & 1}", 'T' },
		{ "set_max: 1 in {(0 == 0)}", 'T' },
		{ "set_max: 1 in {2, 3}", 'F' },
		{ "set_max: 1 in {1} and 0", 'F' },
		{ "set_max: 0 or 1 in {1}", 'T' },
		{ "set_max: 1 in {1} => 0", 'F' },
		{ "set_max: max in {5}", 'T' },
		/* parentheses, is_err */
		{ "set_max: ((((1))))", 'T' },
		{ "set_max: (0 or 1) and (1 => 0)", 'F' },
		{ "set_max: is_err(0 - 1) and is_err(-4095)", 'T' },
		{ "set_max: is_err(-4096) or is_err(0) or is_err(1)", 'F' },
		{ "set_max: is_err(-1.0)", 'F' },
		{ "set_max: is_err(1 - 2 + 0)", 'T' },
		{ "set_max: not is_err(max)", 'T' },
		/* a value alone: true when not zero */
		{ "set_max: max", 'T' },
		{ "set_max: ret", 'F' },
		{ "set_max: 0.0", 'F' },
		{ "set_max: 0.5", 'T' },
		{ "set_max: NULL", 'F' },
		{ "set_max: true", 'T' },
		{ "set_max: false", 'F' },
		{ "set_max: true + true == 2", 'T' },
		{ "set_max: (1 < 2) + (2 < 3) == 2", 'T' },
	};
	static const struct errcase e[] = {
		{ "set_max: 1 in {1} == 1", "t.rules:1:19: expected the end "
		  "of the rule, found '=='" },
		{ "set_max: 1 == 1 in {1}", "t.rules:1:17: expected the end "
		  "of the rule, found 'in'" },
		{ "set_max: 1 in {0 == 0}", "t.rules:1:18: expected ',' or "
		  "'}', found '=='" },
		{ "set_max: 1 in {1 or 0}", "t.rules:1:18: expected ',' or "
		  "'}', found 'or'" },
		{ "set_max: 1 in {}", "t.rules:1:16: expected a value (number, "
		  "name, NULL, '('), found '}'" },
		{ "set_max: 1 in {1,}", "t.rules:1:18: expected a value "
		  "(number, name, NULL, '('), found '}'" },
		{ "set_max: 1 in 1", "t.rules:1:15: expected '{' after 'in', "
		  "found '1'" },
		{ "set_max: 1 in {1", "t.rules:1:17: expected ',' or '}', "
		  "found the end of the rule" },
		{ "set_max: is_err -1", "t.rules:1:17: expected '(' after "
		  "is_err, found '-'" },
		{ "set_max: is_err(1", "t.rules:1:18: expected ')', found the "
		  "end of the rule" },
		{ "set_max: is_err(1, 2)", "t.rules:1:18: expected ')', found "
		  "','" },
		{ "set_max: (1", "t.rules:1:12: expected ')', found the end of "
		  "the rule" },
		{ "set_max: (1))", "t.rules:1:13: expected the end of the "
		  "rule, found ')'" },
		{ "set_max: ()", "t.rules:1:11: expected a value (number, "
		  "name, NULL, '('), found ')'" },
		{ "set_max: not", "t.rules:1:13: expected a value (number, "
		  "name, NULL, '('), found the end of the rule" },
		{ "set_max: 1 +", "t.rules:1:13: expected a value (number, "
		  "name, NULL, '('), found the end of the rule" },
		{ "set_max: 1 => ", "t.rules:1:15: expected a value (number, "
		  "name, NULL, '('), found the end of the rule" },
		{ "set_max: - not 1", "t.rules:1:12: expected a value (number, "
		  "name, NULL, '('), found 'not'" },
		{ "set_max: 1 not 1", "t.rules:1:12: expected the end of the "
		  "rule, found 'not'" },
		{ "set_max: 1 2", "t.rules:1:12: expected the end of the rule, "
		  "found '2'" },
	};

	ev_table(c, NW(c), "parser: not, !, unary minus, in, is_err, "
		 "parentheses");
	err_table(e, NW(e), "parser: errors in expressions");
}

/* ------------------------------------------------------------------ */
/* Parser: rule forms                                                  */
/* ------------------------------------------------------------------ */

static void test_rule_forms(void)
{
	/* Every example of docs/rules.md parses, with its kind. */
	static const struct { const char *rule, *kind; } docs[] = {
		{ "set_max_threads: ret == 0 => max <= 1024", "assert" },
		{ "looper_enter: unique(thread) when ret == 0", "unique" },
		{ "obj_get: p->refcnt != 0", "assert" },
		{ "dev_init(d) when ret == 0 before dev_use(d)", "before" },
		{ "mutex_lock(l) balances mutex_unlock(l)", "balances" },
		{ "set_max_threads*: ret == 0 or ret == -EINVAL", "assert" },
		{ "span: r != NULL => r->lo.x <= r->hi.x", "assert" },
		{ "vfs_llseek: whence == SEEK_END => ret != -EINVAL", "assert" },
		{ "do_sys_open: unique(filename, flags) when ret >= 0",
		  "unique" },
		{ "cfg_load before cfg_apply", "before" },
		{ "spin_trylock(l) when ret == 1 balances spin_unlock(l)",
		  "balances" },
		{ "obj_kind: p->refcnt >= 0", "assert" },
		{ "obj_kind: p != NULL => p->refcnt >= 0", "assert" },
		{ "f, g: 1", "assert" },
		{ "sys_*: ret >= 0", "assert" },
		{ "ext4_[a-f]*: 1", "assert" },
		{ "[!_]*, x[^a-c-]: 1", "assert" },
		{ "a[-]b before c[!-]", "before" },
		{ "f: c == RED", "assert" },
		{ "f: c in {RED, BLUE}", "assert" },
		{ "f: ret->x == 1 and ret.x == 1", "assert" },
		{ "f: lo.x == 1 and refcnt == 2", "assert" },
		{ "f: flags & 0x40 == 0x40", "assert" },
		{ "f: !x == 1", "assert" },
		{ "f: a or b => c", "assert" },
		{ "f: is_err(ret) => ret == -ENOENT", "assert" },
		{ "f: x == 'a' or x == '\\n' or x == 1.5", "assert" },
		{ "f: unique(k) per task", "unique" },
		{ "f: unique(k) when ret == 0 per process", "unique" },
		{ "f: unique(k, j) per trace", "unique" },
		{ "a(k) when ret == 0 before b(k) when ret == 0 per task",
		  "before" },
		{ "a, b before c, d", "before" },
		{ "a balances b per process", "balances" },
		{ "a(k) balances b(k) per trace", "balances" },
		{ "a(k, j) when k != 0 balances b(j, k) when 1", "balances" },
		{ "*_buggy: max > 0", "assert" },
		{ "[sl]et_max_threads, *_buggy: ret >= -22", "assert" },
		{ "f.cold: 1", "assert" },
		{ "?et$x: 1", "assert" },
		{ "0x401000: arg0 == 1", "assert" },
		{ "f: p->in == 1 and p.per.and == 2", "assert" },
	};
	static const struct errcase e[] = {
		{ "f", "t.rules:1:2: expected ':', 'before' or 'balances' "
		  "after the function, found the end of the rule" },
		{ "f x", "t.rules:1:3: expected ':', 'before' or 'balances' "
		  "after the function, found 'x'" },
		{ "set-max: 1", "t.rules:1:4: expected ':', 'before' or "
		  "'balances' after the function, found '-'" },
		{ "f when x: y", "t.rules:1:9: expected ':', 'before' or "
		  "'balances' after the function, found ':'" },
		{ ": x", "t.rules:1:1: expected a function name or pattern, "
		  "found ':'" },
		{ "f,: x", "t.rules:1:3: expected a function name or pattern, "
		  "found ':'" },
		{ "f before", "t.rules:1:9: expected a function name or "
		  "pattern, found the end of the rule" },
		{ "f before (x)", "t.rules:1:10: expected a function name or "
		  "pattern, found '('" },
		{ "f:", "t.rules:1:3: expected a value (number, name, NULL, "
		  "'('), found the end of the rule" },
		{ "f: unique x", "t.rules:1:11: expected '(', found 'x'" },
		{ "f: unique", "t.rules:1:10: expected '(', found the end of "
		  "the rule" },
		{ "f: unique()", "t.rules:1:11: expected a value (number, name, "
		  "NULL, '('), found ')'" },
		{ "f: unique(a", "t.rules:1:12: expected ',' or ')', found the "
		  "end of the rule" },
		{ "f: unique(a b)", "t.rules:1:13: expected ',' or ')', found "
		  "'b'" },
		{ "f: unique(a) when", "t.rules:1:18: expected a value (number, "
		  "name, NULL, '('), found the end of the rule" },
		{ "f: unique(a) per", "t.rules:1:17: expected task, process or "
		  "trace after 'per', found the end of the rule" },
		{ "f: unique(a) per cpu", "t.rules:1:18: expected task, "
		  "process or trace after 'per', found 'cpu'" },
		{ "f: unique(a) x", "t.rules:1:14: expected the end of the "
		  "rule, found 'x'" },
		{ "f: unique(a) per task when ret == 0", "t.rules:1:23: "
		  "expected the end of the rule, found 'when'" },
		{ "f: unique(a) per task per trace", "t.rules:1:23: expected "
		  "the end of the rule, found 'per'" },
		{ "f: x per task", "t.rules:1:6: expected the end of the rule, "
		  "found 'per'" },
		{ "f: x when y", "t.rules:1:6: expected the end of the rule, "
		  "found 'when'" },
		{ "f: x before g", "t.rules:1:6: expected the end of the rule, "
		  "found 'before'" },
		{ "f(a) before g", "t.rules:1:14: both sides need the same "
		  "number of keys (1 and 0)" },
		{ "f before g(a, b)", "t.rules:1:17: both sides need the same "
		  "number of keys (0 and 2)" },
		{ "f(a) balances g(a, b) per task", "t.rules:1:23: both sides "
		  "need the same number of keys (1 and 2)" },
		{ "f before g per process", "t.rules:1:12: 'before' compares "
		  "the calls of one task (tasks share no clock): only 'per "
		  "task'" },
		{ "f(a) before g(a) when 1 per trace", "t.rules:1:25: 'before' "
		  "compares the calls of one task (tasks share no clock): only "
		  "'per task'" },
		{ "f before g before h", "t.rules:1:12: expected the end of the "
		  "rule, found 'before'" },
		{ "f before g: x", "t.rules:1:11: expected the end of the rule, "
		  "found ':'" },
		{ "f() before g()", "t.rules:1:3: expected a value (number, "
		  "name, NULL, '('), found ')'" },
		{ "f(a before g(a)", "t.rules:1:5: expected ',' or ')', found "
		  "'before'" },
		{ "f: p->", "t.rules:1:7: expected a field name, found the end "
		  "of the rule" },
		{ "f: p.1", "t.rules:1:6: expected a field name, found '1'" },
		{ "f: p..x", "t.rules:1:6: expected a field name, found '.'" },
		/* reserved words are no names */
		{ "f: and", "t.rules:1:4: expected a value (number, name, "
		  "NULL, '('), found 'and'" },
		{ "f: in == 1", "t.rules:1:4: expected a value (number, name, "
		  "NULL, '('), found 'in'" },
		{ "f: when", "t.rules:1:4: expected a value (number, name, "
		  "NULL, '('), found 'when'" },
		{ "f: unique == 1", "t.rules:1:11: expected '(', found '=='" },
		{ "f: before", "t.rules:1:4: expected a value (number, name, "
		  "NULL, '('), found 'before'" },
		{ "f: balances", "t.rules:1:4: expected a value (number, name, "
		  "NULL, '('), found 'balances'" },
		{ "f: per", "t.rules:1:4: expected a value (number, name, "
		  "NULL, '('), found 'per'" },
		{ "f: x == or", "t.rules:1:9: expected a value (number, name, "
		  "NULL, '('), found 'or'" },
		/* a long token is cut to 40 characters */
		{ "f: x y234567890123456789012345678901234567890123456789",
		  "t.rules:1:6: expected the end of the rule, found "
		  "'y234567890123456789012345678901234567890'" },
	};
	struct result r;
	int good = 1;

	bad = 0;
	for (size_t i = 0; i < NW(docs); i++) {
		char err[512];
		struct kcovdf_rules *rs = kcovdf_rules_parse(
			docs[i].rule, strlen(docs[i].rule), "t.rules", err,
			sizeof(err));
		struct kcovdf_rule_info info;

		if (!rs) {
			diag("%s: %s", docs[i].rule, err);
			continue;
		}
		kcovdf_rules_info(rs, 0, &info);
		if (kcovdf_rules_count(rs) != 1 ||
		    strcmp(info.kind, docs[i].kind) || info.line != 1 ||
		    strcmp(info.text, docs[i].rule) || info.calls ||
		    info.checked || info.violations)
			diag("%s: kind %s, line %u, text \"%s\"", docs[i].rule,
			     info.kind, info.line, info.text);
		kcovdf_rules_free(rs);
	}
	ok(!bad, "parser: every rule form and example of docs/rules.md "
	   "(%zu rules)", NW(docs));
	err_table(e, NW(e), "parser: errors in rules");

	/* Line and text of each rule: comments gone, continuations joined,
	 * trailing white space dropped. */
	run("# head\n\nset_max: max == 5 # five\n  set_max: max \\\n"
	    "     \t== 5 \\\n  or ret == 0   \n\\\n\nobj_get: unique(p)\n"
	    "# tail\n", &one_task, 1, 0, &r);
	good = r.parsed && !r.rc && r.nrules == 3 && r.info[0].line == 3 &&
	       !strcmp(r.info[0].text, "set_max: max == 5") &&
	       r.info[1].line == 4 &&
	       !strcmp(r.info[1].text, "set_max: max == 5 or ret == 0") &&
	       r.info[2].line == 9 &&
	       !strcmp(r.info[2].text, "obj_get: unique(p)") &&
	       !strcmp(r.info[2].kind, "unique");
	if (!good && r.parsed)
		for (size_t i = 0; i < r.nrules; i++)
			printf("# rule %zu: line %u \"%s\"\n", i,
			       r.info[i].line, r.info[i].text);
	ok(good, "parser: rule lines and texts (comments, continuations)");
	result_free(&r);
	run("set_max: max \\\r\n  \t== 5 \\\r\n or 1\r\nobj_get: 1\r\n",
	    &one_task, 1, 0, &r);
	ok(r.parsed && r.nrules == 2 && r.info[1].line == 4 &&
	   !strcmp(r.info[0].text, "set_max: max == 5 or 1"),
	   "parser: continuations in a file with CRLF line ends");
	result_free(&r);

	/* Empty files and files of comments hold no rules. */
	good = 1;
	{
		static const char *const empty[] = {
			"", "\n", "   \n\t\n", "# only a comment", "#a\n#b\n",
			"\\\n", " \\\n \\\n",
		};

		for (size_t i = 0; i < NW(empty); i++) {
			char err[200];
			struct kcovdf_rules *rs = kcovdf_rules_parse(
				empty[i], strlen(empty[i]), "t.rules", err,
				sizeof(err));

			good &= rs && kcovdf_rules_count(rs) == 0;
			kcovdf_rules_free(rs);
		}
	}
	ok(good, "parser: empty and comment-only files hold no rules");

	/* Text given with a length: bytes after it are not read. */
	{
		char err[200];
		const char *txt = "set_max: max == 5 garbage";
		struct kcovdf_rules *rs = kcovdf_rules_parse(txt, 17, "t.rules",
							     err, sizeof(err));

		ok(rs && kcovdf_rules_count(rs) == 1,
		   "parser: reads only the given length");
		kcovdf_rules_free(rs);
	}

	/* An error message is cut to the buffer, and always terminated. */
	{
		char err[12];
		struct kcovdf_rules *rs;

		memset(err, 'x', sizeof(err));
		rs = kcovdf_rules_parse("f: x = 1", 8, "t.rules", err,
					sizeof(err));
		ok(!rs && !strcmp(err, "t.rules:1:6"),
		   "parser: an error message is cut to the buffer");
	}
}

/* ------------------------------------------------------------------ */
/* Evaluator                                                           */
/* ------------------------------------------------------------------ */

static void test_eval(void)
{
	static const struct evcase arith[] = {
		/* 64-bit wrapping arithmetic on unsigned literals */
		{ "set_max: 0 - 1 == 0xffffffffffffffff", 'T' },
		{ "set_max: 0 - 1 > 0", 'T' },
		{ "set_max: 0xffffffffffffffff + 1 == 0", 'T' },
		{ "set_max: 0xffffffffffffffff + 2 == 1", 'T' },
		/* unary minus makes a signed value */
		{ "set_max: -1 < 0", 'T' },
		{ "set_max: -1 == 0xffffffffffffffff", 'F' },
		{ "set_max: -1 == 0 - 1", 'F' },
		{ "set_max: -0x8000000000000000 < 0", 'T' },
		{ "set_max: -0x8000000000000000 - 1 > 0", 'T' },
		{ "set_max: -0 == 0", 'T' },
		/* a result is signed when an operand is (+, -) or when both
		 * are (&) */
		{ "set_max: -1 + 0 < 0", 'T' },
		{ "set_max: 0 + -1 < 0", 'T' },
		{ "set_max: -1 & 0xff == 0xff", 'T' },
		{ "set_max: -1 & -2 < 0", 'T' },
		{ "set_max: -1 & 0xffffffffffffffff > 0", 'T' },
		{ "set_max: 1 - 2 < 0", 'F' },
		{ "set_max: -1 - 1 == -2", 'T' },
		/* floating point */
		{ "set_max: 1.5 + 1.5 == 3", 'T' },
		{ "set_max: 0.1 + 0.2 == 0.3", 'F' },
		{ "set_max: 2.5 - 3 < 0", 'T' },
		{ "set_max: -1.5 < -1", 'T' },
		{ "set_max: 1 + 0.5 == 1.5", 'T' },
		{ "set_max: -1 + 0.5 == -0.5", 'T' },
		{ "set_max: 0 - 1 + 0.5 > 1000", 'T' },
		{ "set_max: 1.5 & 1", 'N' },	/* & takes integers */
		{ "set_max: 1 & 1.5 == 1", 'N' },
		/* comparisons of signed and unsigned values */
		{ "set_max: -1 < 1", 'T' },
		{ "set_max: -1 < 0xffffffffffffffff", 'T' },
		{ "set_max: -1 != 0xffffffffffffffff", 'T' },
		{ "set_max: 2 > -3", 'T' },
		{ "set_max: -3 < -2", 'T' },
		{ "set_max: 1.5 > 1 and 1 < 1.5 and 1.0 == 1", 'T' },
		{ "set_max: -0.5 < 0 and 0 > -0.5", 'T' },
	};
	static const struct evcase vals[] = {
		/* int, unsigned int, long, unsigned long: by value */
		{ "set_max: max == 5 and max > -1", 'T' },
		{ "set_max: ret == 0", 'T' },
		{ "paint: ret == -22 and ret == -EINVAL and ret < 0", 'T' },
		{ "paint: ret == 0xffffffea", 'F' },
		{ "paint: ret == EINVAL", 'F' },
		{ "paint: -ret == EINVAL", 'T' },
		{ "mix: u == 4294967295 and u == 0xffffffff", 'T' },
		{ "mix: u == -1", 'F' },
		{ "mix: u > 0", 'T' },
		{ "mix: ul == 0xffffffffffffffff and ul == 0 - 1", 'T' },
		{ "mix: ul == -1", 'F' },
		{ "mix: ul + 1 == 0", 'T' },
		{ "span: n == -5 and n < 0 and n + 5 == 0", 'T' },
		{ "span: ret == 7", 'T' },
		/* char, _Bool, float, double */
		{ "mix: ch == 'a' and ch == 97", 'T' },
		{ "mix: b == true and b and b == 1", 'T' },
		{ "mix: f == 1.5 and f > 1 and f < 2", 'T' },
		{ "mix: d == -2.25 and d < -2", 'T' },
		{ "mix: f + d == -0.75", 'T' },
		{ "mix: f & 1", 'N' },
		{ "mix: ret == 0", 'E' },	/* void: no return value */
		/* enumerators of the type compared with */
		{ "paint: c == BLUE", 'T' },
		{ "paint: BLUE == c", 'T' },
		{ "paint: c != RED and c == 2", 'T' },
		{ "paint: c in {RED, BLUE}", 'T' },
		{ "paint: c in {RED, GREEN}", 'F' },
		{ "paint: BLUE in {c}", 'T' },
		{ "paint: m == MODE_NEG and m < MODE_OFF and m == -1", 'T' },
		{ "paint: m < 0", 'T' },
		{ "paint: c + 1 == 3", 'T' },
		{ "paint: c == MODE_AUTO", 'E' },	/* not c's enumerator */
		{ "obj_get: p->kind == BLUE", 'T' },
		{ "obj_new: kind == GREEN and ret->kind == GREEN", 'T' },
		/* error names */
		{ "set_max: EINVAL == 22 and -EINVAL == -22", 'T' },
		{ "set_max: ENOENT == 2 and EPERM == 1", 'T' },
		{ "set_max: EPROBE_DEFER == 517 and ENOTSUPP == 524", 'T' },
		{ "set_max: EWOULDBLOCK == EAGAIN and EDEADLOCK == EDEADLK",
		  'T' },
		{ "set_max: ENOTSUP == 95", 'T' },
		{ "set_max: EBOGUS == 1", 'E' },
		{ "set_max: is_err(-ENOENT)", 'T' },
		/* pointers: a pointer compared with a negative number is
		 * read as signed */
		{ "obj_get: p == 0x7000 and p != NULL and p", 'T' },
		{ "obj_get: p > 0", 'T' },
		{ "obj_new: ret == 0x8000", 'T' },
		{ "obj_new: ret > -1", 'T' },
		{ "obj_new: -1 < ret", 'T' },
		{ "obj_new: not is_err(ret)", 'T' },
		/* fields: p->f, p.f, a field named without the parameter,
		 * nested fields, fields of the return */
		{ "obj_get: p->refcnt == 1 and p.refcnt == 1", 'T' },
		{ "obj_get: refcnt == 1", 'T' },
		{ "obj_get: p->lo.x == -3 and p.hi.x == 7", 'T' },
		{ "obj_get: lo.x < hi.x", 'T' },
		{ "obj_get: p->flags & 0x40 == 0x40", 'T' },
		{ "obj_get: p->flags & 0x40 == 0", 'F' },
		{ "obj_new: ret->refcnt == 0 and ret.kind == 1", 'T' },
		{ "obj_new: ret->lo.x == 0", 'T' },
		{ "span: r.lo.x == 2 and r->hi.x == 9", 'T' },
		{ "span: r.hi.x - r.lo.x == ret", 'T' },
		{ "span: hi.x == 9", 'T' },
		{ "span: r == 0x7ff0", 'E' },	/* by value: no value */
		/* argN, and parameters with reserved names */
		{ "set_max: arg0 == 5 and arg0 == max", 'T' },
		{ "kw: arg0 == 3 and arg1 == 4", 'T' },
		{ "obj_get: arg0->refcnt == 1", 'T' },
		/* without symbols: named 0x..., arguments argN, values as
		 * the record gives them */
		{ "0xf000: arg0 == 7 and arg1 == -1 and arg1 < 0", 'T' },
		{ "0xf000: ret == 0xfffffffe", 'T' },
		{ "0xf000: ret == -2", 'F' },
		{ "0xf0*: arg0 + arg1 == 6", 'T' },
		/* functions not called: no calls */
		{ "nothing_*: 1", '0' },
	};

	ev_table(arith, NW(arith), "evaluator: arithmetic, overflow, "
		 "signedness, floats");
	ev_table(vals, NW(vals), "evaluator: values of calls (types, "
		 "enumerators, errors, pointers, fields)");
}

/* Values that were not recorded: Kleene's three-valued logic. */
static void test_unknown(void)
{
	static const uint64_t objf[] = { 1, 2, 3, 4, 5 };
	static struct sb s;
	struct task t = { 100, 100, &s };
	static const struct {
		const char *rule, *want;
	} c[] = {
		/* set_max(max=<optimized out>) = 0 */
		{ "set_max: max == 1", "2/1/1/1/0" },
		{ "set_max: max == 1 or true", "2/2/0/0/0" },
		{ "set_max: max == 1 or false", "2/1/1/1/0" },
		{ "set_max: max == 1 and false", "2/2/2/0/0" },
		{ "set_max: max == 1 and true", "2/1/1/1/0" },
		{ "set_max: false => max == 1", "2/2/0/0/0" },
		{ "set_max: max == 1 => true", "2/2/0/0/0" },
		{ "set_max: max == 1 => false", "2/1/0/1/0" },
		{ "set_max: true => max == 1", "2/1/1/1/0" },
		{ "set_max: not (max == 1)", "2/1/0/1/0" },
		{ "set_max: max in {1, 5}", "2/1/0/1/0" },
		{ "set_max: 5 in {max, 5}", "2/2/0/0/0" },
		{ "set_max: 5 in {max, 6}", "2/1/0/1/0" },
		{ "set_max: is_err(max)", "2/1/1/1/0" },
		{ "set_max: max + 1 == 2", "2/1/1/1/0" },
		{ "set_max: -max == 2", "2/1/1/1/0" },
		/* the second set_max has no return recorded */
		{ "set_max: ret == 0", "2/1/0/1/0" },
		/* obj_get(p=NULL) = -EINVAL: its fields are unknown */
		{ "obj_get: p->refcnt >= 0", "2/1/0/1/0" },
		{ "obj_get: p != NULL => p->refcnt >= 0", "2/2/0/0/0" },
		{ "obj_get: p == NULL or refcnt > 0", "2/2/0/0/0" },
		/* unreadable field (fault bitmap) */
		{ "obj_get: p->kind == 2", "2/0/0/2/0" },
		{ "obj_get: p->hi.x == 4", "2/0/0/2/0" },
		/* ERR_PTR return: no fields */
		{ "obj_new: ret->refcnt == 0", "1/0/0/1/0" },
		{ "obj_new: is_err(ret) and ret == -ENOMEM", "1/1/0/0/0" },
		{ "obj_new: ret < 0", "1/1/1/0/0" },	/* 0 is not negative */
		/* a return without its entry */
		{ "use: d == 1", "1/0/0/1/0" },
		{ "use: ret == 3", "1/1/0/0/0" },
		/* ... on both sides of a rule: counted once */
		{ "use(d) balances use(d)", "1/0/0/1/0" },
		{ "use(d) before use(d)", "1/0/0/1/0" },
		{ "use(d) when d > 0 balances use(d) when ret > 0",
		  "1/0/0/1/0" },
		/* a field no call has is an error; a name of some of the
		 * calls makes the others not applicable, and an unknown
		 * value beside it too */
		{ "obj_get: p->nosuch == 1", "E" },
		{ "set_max, obj_get: max == 5", "4/1/0/1/2" },
		{ "set_max, obj_get: max == 5 or p == NULL", "4/2/0/0/2" },
		{ "set_max, obj_get: p == NULL or max == 5", "4/2/0/0/2" },
	};

	s.format = KCOVDF_FMT_V1;
	rec(&s, ARG, FIRST | KCOV_DF_F_OPTOUT, F_SETMAX, 0, 4, 0);
	rec(&s, RET, 0, F_SETMAX, NONE, 4, 0);
	/* obj_get(p=NULL) = -EINVAL */
	rec(&s, ARG, FIRST | KCOV_DF_F_FIELDS | KCOV_DF_F_NULL, F_OBJGET, 0,
	    8, 0);
	s.w[s.n - 3] = v1(ARG, FIRST | KCOV_DF_F_FIELDS | KCOV_DF_F_NULL, 0,
			  1, 8);
	put(&s, 0x5eed);
	rec(&s, RET, 0, F_OBJGET, NONE, 4, NEG(-22));
	/* obj_get(p {refcnt=1, kind=<unreadable>, ..., hi.x=<unreadable>}) */
	rec_obj(&s, ARG, FIRST, F_OBJGET, 0, 0x7000, objf, 5, 0x2 | 0x8);
	rec(&s, RET, 0, F_OBJGET, NONE, 4, 0);
	/* obj_new(kind=0) = ERR_PTR(-ENOMEM) */
	rec(&s, ARG, FIRST, F_OBJNEW, 0, 4, 0);
	put(&s, v1(RET, KCOV_DF_F_FIELDS | KCOV_DF_F_ERRPTR, NONE, 1, 8));
	put(&s, pc_of(F_OBJNEW));
	put(&s, NEG(-12));
	put(&s, 0x5eed);
	/* use(...) = 3, its entry not recorded */
	rec(&s, RET, 0, F_USE, NONE, 4, 3);
	/* set_max(max=5), no return recorded */
	rec(&s, ARG, FIRST, F_SETMAX, 0, 4, 5);

	bad = 0;
	for (size_t i = 0; i < NW(c); i++) {
		struct result r;
		const char *got = outcome(c[i].rule, &t, 1, 0, &r);

		if (strcmp(got, c[i].want))
			diag("%s: got %s, want %s (%s)", c[i].rule, got,
			     c[i].want, r.err);
		result_free(&r);
	}
	ok(!bad, "evaluator: unknown values, Kleene logic, not applicable "
	   "(%zu rules; calls/checked/violations/unknown/n.a.)", NW(c));
}

/* ------------------------------------------------------------------ */
/* Checker                                                             */
/* ------------------------------------------------------------------ */

/* The violations of a run as text: "rule:task:index:fn:message", then
 * " (doc ret)" when the call's return is given apart (DOC), and, with an
 * earlier call, " <task:index". */
static const char *viols(const struct result *r)
{
	static char buf[4096];
	size_t n = 0;

	buf[0] = 0;
	for (size_t i = 0; i < r->nv && n < sizeof(buf); i++) {
		const struct viol *v = &r->v[i];

		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "%s%zu:%zu:%" PRIu64 ":%s:%s", i ? "|" : "",
				      v->rule, v->task, v->index, v->fn,
				      v->msg);
		if (v->doc_ret && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      " (doc ret)");
		if (v->has_other && n < sizeof(buf))
			n += (size_t)snprintf(buf + n, sizeof(buf) - n,
					      " <%zu:%" PRIu64, v->other_task,
					      v->other_index);
	}
	return buf;
}

struct ccase {
	const char *rule;
	int kernel;
	const char *counts;	/* calls/checked/violations/unknown/n.a. */
	const char *viols;
};

static void check_table(const struct ccase *c, size_t n,
			const struct task *t, size_t nt, const char *name)
{
	bad = 0;
	for (size_t i = 0; i < n; i++) {
		struct result r;
		const char *got = outcome(c[i].rule, t, nt, c[i].kernel, &r);

		if (strcmp(got, c[i].counts))
			diag("%s: counts %s, want %s (%s)", c[i].rule, got,
			     c[i].counts, r.err);
		if (strcmp(viols(&r), c[i].viols))
			diag("%s: violations \"%s\", want \"%s\"", c[i].rule,
			     viols(&r), c[i].viols);
		result_free(&r);
	}
	ok(!bad, "%s (%zu rules)", name, n);
}

static void test_check_assert(void)
{
	static const struct ccase c[] = {
		{ "set_max_buggy: ret == 0 => max <= 1024", 0, "1/1/1/0/0",
		  "0:0:3:set_max_buggy:with ret = 0, max = 4096" },
		{ "set_max*: max <= 1024", 0, "2/2/1/0/0",
		  "0:0:3:set_max_buggy:with max = 4096" },
		{ "set_max, set_max_buggy: max < 10 or max > 100", 0,
		  "2/2/0/0/0", "" },
		{ "[o]bj_*: p->refcnt > 0", 0, "2/1/0/0/1", "" },
		{ "obj_get: p->kind == RED", 0, "1/1/1/0/0",
		  "0:0:5:obj_get:with p->kind = BLUE" },
		{ "paint: c == BLUE => ret == 0", 0, "1/1/1/0/0",
		  "0:0:9:paint:with c = BLUE, ret = -22" },
		{ "obj_get: 1 == 2", 0, "1/1/1/0/0", "0:0:5:obj_get:" },
		{ "*: true", 0, "9/9/0/0/0", "" },
		/* bracket expressions: ranges and negation */
		{ "[a-o]*: true", 0, "4/4/0/0/0", "" },
		{ "[!s]*: true", 0, "6/6/0/0/0", "" },
		{ "set_max[!_]*, [^a-z]*: true", 0, "1/1/0/0/0", "" },
		{ "?et_max: max == 5\nset_max: max != 5", 0, "1/1/0/0/0",
		  "1:0:1:set_max:with max = 5" },
	};

	check_table(c, NW(c), &one_task, 1, "checker: assertions, "
		    "violation messages, globs");
}

static void test_check_unique(void)
{
	static struct sb a, b, k;
	struct task t[] = { { 100, 100, &a }, { 100, 101, &b },
			    { 200, 200, &k } };
	static const struct ccase c[] = {
		/* user space: per process by default; the values of `when`
		 * are shown with the key's */
		{ "obj_get: unique(p) when ret == 0", 0, "5/3/1/0/0",
		  "0:1:1:obj_get:again with the same key (ret = 0, p = 0x7000) "
		  "<0:1" },
		/* kernel: the whole trace */
		{ "obj_get: unique(p) when ret == 0", 1, "5/3/2/0/0",
		  "0:1:1:obj_get:again with the same key (ret = 0, p = 0x7000) "
		  "<0:1|0:2:1:obj_get:again with the same key (ret = 0, p = "
		  "0x7000) <0:1" },
		{ "obj_get: unique(p) when ret == 0 per trace", 0, "5/3/2/0/0",
		  "0:1:1:obj_get:again with the same key (ret = 0, p = 0x7000) "
		  "<0:1|0:2:1:obj_get:again with the same key (ret = 0, p = "
		  "0x7000) <0:1" },
		{ "obj_get: unique(p) when ret == 0 per task", 1, "5/3/0/0/0",
		  "" },
		{ "obj_get: unique(p) per task", 0, "5/5/2/0/0",
		  "0:0:3:obj_get:again with the same key (p = 0x7000) <0:1|"
		  "0:2:3:obj_get:again with the same key (p = 0x7000) <2:1" },
		{ "obj_get: unique(p->refcnt, p) per process", 0, "5/5/3/0/0",
		  "0:0:3:obj_get:again with the same key (p->refcnt = 1, p = "
		  "0x7000) <0:1|"
		  "0:1:1:obj_get:again with the same key (p->refcnt = 1, p = "
		  "0x7000) <0:1|"
		  "0:2:3:obj_get:again with the same key (p->refcnt = 1, p = "
		  "0x7000) <2:1" },
		{ "obj_get: unique(ret)", 1, "5/5/3/0/0",
		  "0:1:1:obj_get:again with the same key (ret = 0) <0:1|"
		  "0:2:1:obj_get:again with the same key (ret = 0) <0:1|"
		  "0:2:3:obj_get:again with the same key (ret = -22) <0:3" },
		/* keys: expressions, floats; unknown keys are counted */
		{ "obj_get: unique(p->refcnt + 0.5) per task", 0, "5/5/2/0/0",
		  "0:0:3:obj_get:again with the same key (p->refcnt = 1) <0:1|"
		  "0:2:3:obj_get:again with the same key (p->refcnt = 1) <2:1" },
		{ "obj_get: unique(p->hi.x)", 0, "5/4/2/1/0",
		  "0:1:1:obj_get:again with the same key (p->hi.x = 4) <0:1|"
		  "0:2:3:obj_get:again with the same key (p->hi.x = 4) <2:1" },
		{ "obj_get: unique(p) when p->hi.x > 0", 0, "5/4/2/1/0",
		  "0:1:1:obj_get:again with the same key (p->hi.x = 4, p = "
		  "0x7000) <0:1|"
		  "0:2:3:obj_get:again with the same key (p->hi.x = 4, p = "
		  "0x7000) <2:1" },
		/* a key some calls do not have */
		{ "obj_get, set_max: unique(p)", 0, "6/5/3/0/1",
		  "0:0:3:obj_get:again with the same key (p = 0x7000) <0:1|"
		  "0:1:1:obj_get:again with the same key (p = 0x7000) <0:1|"
		  "0:2:3:obj_get:again with the same key (p = 0x7000) <2:1" },
		/* ... and none of the calls evaluated has */
		{ "obj_get, set_max: unique(p) when max > 0", 0, "E", "" },
		{ "obj_get: unique(1, 2, 3, 4, 5, 6, 7, 8) per task", 0,
		  "5/5/2/0/0", "0:0:3:obj_get:again with the same key () <0:1|"
		  "0:2:3:obj_get:again with the same key () <2:1" },
		{ "obj_get: unique(1, 2, 3, 4, 5, 6, 7, 8, 9)", 0, "E", "" },
	};
	static const uint64_t o1[] = { 1, 2, 3, 4, 5 };
	static const uint64_t o2[] = { 1, 2, 3, 0, 5 };
	struct result r;

	a.format = b.format = k.format = KCOVDF_FMT_V1;
	/* task 0 (pid 100): obj_get(0x7000) = 0 twice, the second with an
	 * unreadable hi.x, = -EINVAL */
	rec_obj(&a, ARG, FIRST, F_OBJGET, 0, 0x7000, o1, 5, 0);
	rec(&a, RET, 0, F_OBJGET, NONE, 4, 0);
	rec_obj(&a, ARG, FIRST, F_OBJGET, 0, 0x7000, o2, 5, 0x8);
	rec(&a, RET, 0, F_OBJGET, NONE, 4, NEG(-22));
	/* task 1 (pid 100, another thread): obj_get(0x7000) = 0 */
	rec_obj(&b, ARG, FIRST, F_OBJGET, 0, 0x7000, o1, 5, 0);
	rec(&b, RET, 0, F_OBJGET, NONE, 4, 0);
	call1(&b, F_SETMAX, 4, 1, 0);
	/* task 2 (pid 200): obj_get(0x7000) = 0, = -EINVAL */
	rec_obj(&k, ARG, FIRST, F_OBJGET, 0, 0x7000, o1, 5, 0);
	rec(&k, RET, 0, F_OBJGET, NONE, 4, 0);
	rec_obj(&k, ARG, FIRST, F_OBJGET, 0, 0x7000, o1, 5, 0);
	rec(&k, RET, 0, F_OBJGET, NONE, 4, NEG(-22));

	check_table(c, NW(c), t, NW(t), "checker: unique (scopes, keys, "
		    "earlier call)");
	run("obj_get: unique(1, 2, 3, 4, 5, 6, 7, 8, 9)\n", t, NW(t), 0, &r);
	ok(r.parsed && r.rc && !strcmp(r.err, "t.rules:1: at most 8 keys"),
	   "checker: at most 8 keys (\"%s\")", r.err);
	result_free(&r);
}

static void test_check_order(void)
{
	static struct sb a, b;
	struct task t[] = { { 100, 100, &a }, { 100, 101, &b } };
	static const struct ccase c[] = {
		{ "init(d) when ret == 0 before use(d)", 0, "8/5/4/0/0",
		  "0:0:5:use:no earlier call of init with the same key (d = "
		  "0xb) in this task|"
		  "0:0:9:use:no earlier call of init with the same key (d = "
		  "0xc) in this task|"
		  "0:0:11:use:no earlier call of init with the same key (d = "
		  "0xc) in this task|"
		  "0:1:1:use:no earlier call of init with the same key (d = "
		  "0xa) in this task" },
		{ "init(d) before use(d) per task", 0, "8/5/2/0/0",
		  "0:0:5:use:no earlier call of init with the same key (d = "
		  "0xb) in this task|"
		  "0:1:1:use:no earlier call of init with the same key (d = "
		  "0xa) in this task" },
		{ "init before use", 0, "8/5/1/0/0",
		  "0:1:1:use:no earlier call of init in this task" },
		{ "init, set_max before use", 0, "9/5/1/0/0",
		  "0:1:1:use:no earlier call of init (or the other patterns) "
		  "in this task" },
		/* a call of both sides does not satisfy itself */
		{ "use before use", 0, "5/5/2/0/0",
		  "0:0:3:use:no earlier call of use in this task|"
		  "0:1:1:use:no earlier call of use in this task" },
		{ "use(d) before use(d)", 0, "5/5/4/0/0",
		  "0:0:3:use:no earlier call of use with the same key (d = "
		  "0xa) in this task|"
		  "0:0:5:use:no earlier call of use with the same key (d = "
		  "0xb) in this task|"
		  "0:0:9:use:no earlier call of use with the same key (d = "
		  "0xc) in this task|"
		  "0:1:1:use:no earlier call of use with the same key (d = "
		  "0xa) in this task" },
		{ "init(d) before use(d) when ret == 1", 0, "8/1/0/0/0", "" },
		{ "init(d) before use(d->refcnt)", 0, "E", "" },
		{ "nothing before use", 0, "5/5/5/0/0",
		  "0:0:3:use:no earlier call of nothing in this task|"
		  "0:0:5:use:no earlier call of nothing in this task|"
		  "0:0:9:use:no earlier call of nothing in this task|"
		  "0:0:11:use:no earlier call of nothing in this task|"
		  "0:1:1:use:no earlier call of nothing in this task" },
		{ "init before nothing", 0, "3/0/0/0/0", "" },
	};

	a.format = b.format = KCOVDF_FMT_V1;
	/* task 0: init(A)=0 use(A)=0 use(B)=0 init(C)=-1 use(C)=0 use(C)=1 */
	call1(&a, F_INIT, 8, 0xa, 0);
	call1(&a, F_USE, 8, 0xa, 0);
	call1(&a, F_USE, 8, 0xb, 0);
	call1(&a, F_INIT, 8, 0xc, NEG(-1));
	call1(&a, F_USE, 8, 0xc, 0);
	call1(&a, F_USE, 8, 0xc, 1);
	/* task 1: use(A)=0 set_max(1)=0 init(A)=0 */
	call1(&b, F_USE, 8, 0xa, 0);
	call1(&b, F_SETMAX, 4, 1, 0);
	call1(&b, F_INIT, 8, 0xa, 0);
	check_table(c, NW(c), t, NW(t), "checker: before (keys, when, "
		    "tasks, both sides)");
}

static void test_check_balance(void)
{
	static struct sb a, b;
	struct task t[] = { { 100, 100, &a }, { 100, 101, &b } };
	static const struct ccase c[] = {
		{ "lock(l) balances unlock(l)", 0, "8/8/4/0/0",
		  "0:0:11:unlock:unlock without an open lock with the same key "
		  "(l = 0x1) in this task|"
		  "0:0:17:unlock:unlock without an open lock with the same key "
		  "(l = 0x5) in this task|"
		  "0:1:1:unlock:unlock without an open lock with the same key "
		  "(l = 0x3) in this task|"
		  "0:0:13:lock:never matched by unlock in this task" },
		{ "lock(l) balances unlock(l) per process", 0, "8/8/2/0/0",
		  "0:0:11:unlock:one unlock more than lock|"
		  "0:0:17:unlock:one unlock more than lock" },
		{ "lock(l) balances unlock(l) per trace", 0, "8/8/2/0/0",
		  "0:0:11:unlock:one unlock more than lock|"
		  "0:0:17:unlock:one unlock more than lock" },
		{ "lock balances unlock", 0, "8/8/2/0/0",
		  "0:0:11:unlock:unlock without an open lock in this task|"
		  "0:1:1:unlock:unlock without an open lock in this task" },
		{ "trylock(l) when ret == 1 balances unlock(l)", 0,
		  "7/6/4/0/0",
		  "0:0:5:unlock:unlock without an open trylock with the same "
		  "key (l = 0x2) in this task|"
		  "0:0:9:unlock:unlock without an open trylock with the same "
		  "key (l = 0x1) in this task|"
		  "0:0:11:unlock:unlock without an open trylock with the same "
		  "key (l = 0x1) in this task|"
		  "0:1:1:unlock:unlock without an open trylock with the same "
		  "key (l = 0x3) in this task" },
		{ "trylock(l) balances unlock(l)", 0, "7/7/5/0/0",
		  "0:0:5:unlock:unlock without an open trylock with the same "
		  "key (l = 0x2) in this task|"
		  "0:0:9:unlock:unlock without an open trylock with the same "
		  "key (l = 0x1) in this task|"
		  "0:0:11:unlock:unlock without an open trylock with the same "
		  "key (l = 0x1) in this task|"
		  "0:1:1:unlock:unlock without an open trylock with the same "
		  "key (l = 0x3) in this task|"
		  "0:0:7:trylock:never matched by unlock in this task" },
		/* a function on both sides */
		{ "unlock balances unlock", 0, "5/5/4/0/0",
		  "0:0:5:unlock:unlock without an open unlock in this task|"
		  "0:1:1:unlock:unlock without an open unlock in this task|"
		  "0:0:17:unlock:never matched by unlock in this task|"
		  "0:1:1:unlock:never matched by unlock in this task" },
	};

	a.format = b.format = KCOVDF_FMT_V1;
	/* task 0 (2 records a call, from record 1): lock(1) lock(2)
	 * unlock(2) trylock(2)=0 unlock(1) unlock(1) lock(3) trylock(5)=1
	 * unlock(5) */
	call1(&a, F_LOCK, 8, 1, 0);
	a.w[a.n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	call1(&a, F_LOCK, 8, 2, 0);
	a.w[a.n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	call1(&a, F_UNLOCK, 8, 2, 0);
	a.w[a.n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	call1(&a, F_TRYLOCK, 8, 2, 0);
	call1(&a, F_UNLOCK, 8, 1, 0);
	a.w[a.n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	call1(&a, F_UNLOCK, 8, 1, 0);
	a.w[a.n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	/* lock(3) is not closed in this task */
	call1(&a, F_LOCK, 8, 3, 0);
	a.w[a.n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	call1(&a, F_TRYLOCK, 8, 5, 1);
	call1(&a, F_UNLOCK, 8, 5, 0);
	a.w[a.n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	/* task 1: unlock(3) */
	call1(&b, F_UNLOCK, 8, 3, 0);
	b.w[b.n - 3] = v1(RET, KCOV_DF_F_VOID, NONE, 0, 0);
	check_table(c, NW(c), t, NW(t), "checker: balances (per task, "
		    "process, trace; when; both sides)");
}

/* DOC streams: returns apart from entries, paired with the innermost
 * open entry of the same function; no signedness in the records. */
static void test_check_doc(void)
{
	static struct sb d;
	struct task t = { 300, 300, &d };
	static const struct ccase c[] = {
		{ "set_max: ret == max + 10", 1, "2/2/0/0/0", "" },
		{ "set_max: ret == max + 11", 1, "2/2/2/0/0",
		  "0:0:1:set_max:with ret = 11, max = 1 (doc ret)|"
		  "0:0:2:set_max:with ret = 12, max = 2 (doc ret)" },
		{ "obj_get: ret == -EINVAL", 1, "1/1/0/0/0", "" },
		{ "0xf000: ret < 0", 1, "1/1/1/0/0",
		  "0:0:7:?:with ret = 4294967274 (doc ret)" },
		{ "0xf000: ret == 4294967274", 1, "1/1/0/0/0", "" },
		{ "use: ret == 0", 1, "1/1/0/0/0", "" },
		{ "use: d == 1", 1, "1/0/0/1/0", "" },
		{ "set_max: unique(ret)", 1, "2/2/0/0/0", "" },
		{ "set_max before set_max", 1, "2/2/1/0/0",
		  "0:0:1:set_max:no earlier call of set_max in this task "
		  "(doc ret)" },
	};

	d.format = KCOVDF_FMT_DOC;
	/* set_max(1) { set_max(2) = 12 } = 11 */
	doc(&d, 1, F_SETMAX, 0, 4, 1);
	doc(&d, 1, F_SETMAX, 0, 4, 2);
	doc(&d, 0, F_SETMAX, 0, 4, 12);
	doc(&d, 0, F_SETMAX, 0, 4, 11);
	/* obj_get(p=0) = -EINVAL (an int: signed from the DWARF type) */
	doc(&d, 1, F_OBJGET, 0, 8, 0);
	doc(&d, 0, F_OBJGET, 0, 4, 0xffffffea);
	/* 0xf000(7) = -EINVAL, without a type: unsigned */
	doc(&d, 1, F_NODWARF, 0, 4, 7);
	doc(&d, 0, F_NODWARF, 0, 4, 0xffffffea);
	/* use() = 0 without its entry */
	doc(&d, 0, F_USE, 0, 4, 0);
	check_table(c, NW(c), &t, 1, "checker: documented format (returns "
		    "paired with entries, no signedness)");
}

/* Nested calls, LOST markers, remote sections: every call checked once,
 * markers and sections never. */
static void test_check_nested(void)
{
	static struct sb s;
	struct task t = { 100, 100, &s };
	static const struct ccase c[] = {
		{ "set_max: max > 0", 0, "4/4/0/0/0", "" },
		{ "set_max: ret == max", 0, "4/4/1/0/0",
		  "0:0:2:set_max:with ret = 0, max = 2" },
		{ "*: 1", 0, "4/4/0/0/0", "" },
		{ "0x0: 1", 0, "0/0/0/0/0", "" },
		{ "set_max before set_max", 0, "4/4/1/0/0",
		  "0:0:1:set_max:no earlier call of set_max in this task" },
	};

	s.format = KCOVDF_FMT_V1;
	/* set_max(1) { set_max(2) = 0 } = 1; 3 records lost; set_max(3) = 3 */
	rec(&s, ARG, FIRST, F_SETMAX, 0, 4, 1);
	call1(&s, F_SETMAX, 4, 2, 0);
	rec(&s, RET, 0, F_SETMAX, NONE, 4, 1);
	put(&s, v1(KCOV_DF_KIND_LOST, 0, NONE, 0, 0));
	put(&s, 0);
	put(&s, 3);
	call1(&s, F_SETMAX, 4, 3, 3);
	/* a remote section (handle 9, pid 77) holding set_max(4) = 4 */
	put(&s, v1(KCOV_DF_KIND_SECTION, FIRST, NONE, 1, 0));
	put(&s, 0);
	put(&s, 9);
	put(&s, 77);
	call1(&s, F_SETMAX, 4, 4, 4);
	put(&s, v1(KCOV_DF_KIND_SECTION, KCOV_DF_F_VOID, NONE, 1, 0));
	put(&s, 0);
	put(&s, 9);
	put(&s, 77);
	check_table(c, NW(c), &t, 1, "checker: nested calls, lost records, "
		    "sections");
}

/* A name that means nothing in any call the rule applies to is an error
 * in the rules; one that some calls have is not. */
static void test_check_names(void)
{
	static const struct errcase e[] = {
		{ "set_max: ret == 0 => mx <= 1024", "t.rules:1:22: 'mx' is no "
		  "parameter, field, enumerator or error name in any call the "
		  "rule applies to" },
		{ "set_max: max == 5\n\nobj_get: p->nosuch \\\n  == 1",
		  "t.rules:3:10: 'p.nosuch' is no parameter, field, enumerator "
		  "or error name in any call the rule applies to" },
		{ "paint: c == PURPLE", "t.rules:1:13: 'PURPLE' is no "
		  "parameter, field, enumerator or error name in any call the "
		  "rule applies to" },
		{ "obj_get: unique(q)", "t.rules:1:17: 'q' is no parameter, "
		  "field, enumerator or error name in any call the rule "
		  "applies to" },
		{ "set_max(x) before set_max_buggy(max)", "t.rules:1:9: 'x' is no parameter, "
		  "field, enumerator or error name in any call the rule "
		  "applies to" },
		{ "mix: ret == 0", "t.rules:1:6: 'ret' is no parameter, field, "
		  "enumerator or error name in any call the rule applies to" },
		{ "span: r.nosuch == 0 or n == -5", "t.rules:1:7: 'r.nosuch' "
		  "is no parameter, field, enumerator or error name in any "
		  "call the rule applies to" },
		/* not evaluated (false => ...): no error */
		{ "set_max: false => mx == 1", "" },
		/* names of some of the functions */
		{ "set_max, obj_get: max == 5 or p->refcnt == 1", "" },
		/* never called: no error */
		{ "nothing: mx == 1", "" },
		/* the first bad name of the first bad rule */
		{ "set_max: a == b\nset_max: c == 1", "t.rules:1:10: 'a' is no "
		  "parameter, field, enumerator or error name in any call the "
		  "rule applies to" },
	};

	err_table(e, NW(e), "checker: names no call has are errors");
}

/* Deep nesting is an error, not a stack overflow: the parser, the
 * evaluator and kcovdf_rules_free() recurse once a level. */
static char *repeat(const char *head, const char *unit, size_t n,
		    const char *mid, const char *unit2, size_t n2,
		    const char *tail)
{
	size_t len = strlen(head) + n * strlen(unit) + strlen(mid) +
		     n2 * strlen(unit2) + strlen(tail) + 1;
	char *s = malloc(len), *q = s;

	if (!s)
		abort();
	q = stpcpy(q, head);
	for (size_t i = 0; i < n; i++)
		q = stpcpy(q, unit);
	q = stpcpy(q, mid);
	for (size_t i = 0; i < n2; i++)
		q = stpcpy(q, unit2);
	stpcpy(q, tail);
	return s;
}

static void test_deep(void)
{
	static const char *const deep[][3] = {
		{ "(", "1", ")" }, { "not ", "1", "" }, { "!", "1", "" },
		{ "-", "1", "" }, { "1 + ", "1", "" }, { "1 => ", "1", "" },
		{ "is_err(", "1", ")" }, { "(1 in {", "1", "})" },
		{ "1 - (", "1", ")" }, { "x->y or ", "1", "" },
	};
	const char *want = "expression nested too deeply (more than 256 "
			   "levels)";
	char *t;

	bad = 0;
	for (size_t i = 0; i < NW(deep); i++) {
		const char *got;

		t = repeat("set_max: ", deep[i][0], 100000, deep[i][1],
			   deep[i][2], strlen(deep[i][2]) ? 100000 : 0, "");
		got = error_of(t);
		if (!strstr(got, want))
			diag("100000 x '%s': \"%s\"", deep[i][0], got);
		free(t);
	}
	/* ... in keys and conditions too */
	t = repeat("obj_get: unique(", "(", 300, "p", ")", 300, ")");
	if (strcmp(error_of(t), "t.rules:1:273: expression nested too deeply "
		   "(more than 256 levels)"))
		diag("unique: %s", error_of(t));
	free(t);
	t = repeat("init when ", "- ", 300, "1", "", 0, " before use");
	if (!strstr(error_of(t), want))
		diag("when: %s", error_of(t));
	free(t);
	/* the 256th '(' opens level 257 */
	t = repeat("set_max: ", "(", 256, "max == 5", ")", 256, "");
	if (strcmp(error_of(t), "t.rules:1:266: expression nested too deeply "
		   "(more than 256 levels)"))
		diag("256 parentheses: %s", error_of(t));
	free(t);
	ok(!bad, "parser: nesting deeper than 256 levels is an error");

	/* 256 levels are fine */
	bad = 0;
	t = repeat("set_max: ", "(", 254, "max == 5", ")", 254, "");
	if (ev(t) != 'T')
		diag("254 parentheses: %c %s", ev(t), error_of(t));
	free(t);
	t = repeat("set_max: ", "1 + ", 254, "1 == 255", "", 0, "");
	if (ev(t) != 'T')
		diag("a chain of 255 terms: %c %s", ev(t), error_of(t));
	free(t);
	t = repeat("set_max: ", "1 + ", 255, "1 == 256", "", 0, "");
	if (strcmp(error_of(t), "t.rules:1:1032: expression nested too deeply "
		   "(more than 256 levels)"))
		diag("a chain of 256 terms: %s", error_of(t));
	free(t);
	t = repeat("set_max: ", "not not ", 127, "max == 5", "", 0, "");
	if (ev(t) != 'T')
		diag("254 nots: %c %s", ev(t), error_of(t));
	free(t);
	ok(!bad, "parser: 256 levels of nesting are fine");
}

/* Checking twice gives the same counters: they start from zero. */
static void test_check_twice(void)
{
	struct kcovdf_stream st = {
		.pid = 100, .tid = 100, .format = KCOVDF_FMT_V1,
		.words = one.w, .nwords = one.n,
	};
	struct kcovdf_calls calls;
	struct kcovdf_check_task ct = { &st, &calls };
	const char *txt = "set_max*: max <= 1024\nobj_get: unique(p)\n";
	struct kcovdf_rules *rs;
	struct result r1 = { 0 }, r2 = { 0 };
	struct kcovdf_rule_info a, b;
	char err[200];
	int same = 1;

	kcovdf_calls_build(&st, NULL, &calls, err, sizeof(err));
	attach_fns(&calls);
	rs = kcovdf_rules_parse(txt, strlen(txt), "t.rules", err,
				sizeof(err));
	kcovdf_rules_check(rs, NULL, NULL, &ct, 1, 0, on_viol, &r1, err,
			   sizeof(err));
	kcovdf_rules_info(rs, 0, &a);
	kcovdf_rules_check(rs, NULL, NULL, &ct, 1, 0, on_viol, &r2, err,
			   sizeof(err));
	kcovdf_rules_info(rs, 0, &b);
	same = a.calls == b.calls && a.checked == b.checked &&
	       a.violations == b.violations && a.violations == 1 &&
	       r1.nv == r2.nv && r1.nv == 1;
	ok(same, "checker: a second check starts from zero");
	kcovdf_calls_free(&calls);
	kcovdf_rules_free(rs);
}

int main(void)
{
	make_one(&one);
	test_lex();
	test_positions();
	test_precedence();
	test_unary_in();
	test_rule_forms();
	test_eval();
	test_unknown();
	test_check_assert();
	test_check_unique();
	test_check_order();
	test_check_balance();
	test_check_doc();
	test_check_nested();
	test_check_names();
	test_check_twice();
	test_deep();
	return tap_done();
}
