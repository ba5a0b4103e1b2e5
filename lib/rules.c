// SPDX-License-Identifier: GPL-2.0
/*
 * Contract rules over recorded calls: the language of docs/rules.md, its
 * parser (errors as FILE:LINE:COLUMN) and its evaluation over the call
 * trees of a trace. Values are named and compared through the items of
 * query.c, so a rule sees exactly what `kcovdf view` shows.
 *
 * Truth is three-valued: a comparison that needs a value the trace does not
 * have (optimized out, unreadable, a field of a NULL pointer, a return that
 * was never recorded) is unknown, and `and`, `or`, `not`, `=>` follow
 * Kleene's rules. A call is a violation only when its rule is false.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmap.h"
#include "kcovdf.h"

/* ------------------------------------------------------------------ */
/* Syntax tree                                                         */
/* ------------------------------------------------------------------ */

enum node_kind {
	N_NUM, N_NAME, N_NEG, N_NOT, N_AND, N_OR, N_IMPL, N_CMP, N_IN,
	N_BITAND, N_ISERR, N_ADD, N_SUB,
};

enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct node {
	int kind;
	int op;			/* N_CMP */
	int line, col;
	struct node *a, *b;
	struct node **list;	/* N_IN */
	size_t nlist;
	struct kcovdf_num num;	/* N_NUM */
	char *name;		/* N_NAME: "p.lo.x" */
	char *first;		/* "p" */
	const char *rest;	/* "lo.x" (points into name), or NULL */
	int arrow;		/* written with "->" */
	long errno_val;		/* the name is an error name */
	int resolved;		/* the name meant something in some call */
	int used;		/* the name was evaluated in some call */
};

enum rule_kind { R_ASSERT, R_UNIQUE, R_BEFORE, R_BALANCE };
enum scope { S_DEFAULT, S_TASK, S_PROCESS, S_TRACE };

struct callpat {
	char **globs;
	size_t nglobs;
	struct node **keys;
	size_t nkeys;
	struct node *when;
};

struct rule {
	int kind, scope;
	int line;
	char *text;
	struct callpat a, b;	/* b: BEFORE, BALANCE */
	struct node *expr;	/* ASSERT */
	struct node **names;	/* every N_NAME of the rule */
	size_t nnames;
	uint64_t calls, checked, violations, unknown, na;
};

struct kcovdf_rules {
	char *file;
	struct rule *v;
	size_t n;
};

/* ------------------------------------------------------------------ */
/* Lexer                                                               */
/* ------------------------------------------------------------------ */

enum tok_kind { T_EOF, T_IDENT, T_NUM, T_OP, T_PAT };

struct tok {
	int kind;
	size_t pos, len;	/* in the logical line */
	struct kcovdf_num num;
};

struct parser {
	const char *file;
	char *s;		/* the logical line, comments removed */
	size_t len;
	int *lines, *cols;	/* source position of each byte (and len) */
	size_t pos;
	struct tok t;		/* the current token */
	struct rule *r;
	char *err;
	size_t errlen;
	int failed;
};

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz);

	if (!p)
		abort();
	return p;
}

static char *xstrndup(const char *s, size_t n)
{
	char *p = xcalloc(1, n + 1);

	memcpy(p, s, n);
	return p;
}

static void push_ptr(void ***v, size_t *n, void *x)
{
	if (!(*n & (*n - 1)) || *n == 0) {
		size_t nc = *n ? 2 * *n : 1;
		void **nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			abort();
		*v = nv;
	}
	(*v)[(*n)++] = x;
}

static void perr_at(struct parser *p, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void perr_at(struct parser *p, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return;
	p->failed = 1;
	if (pos > p->len)
		pos = p->len;
	n = snprintf(p->err, p->errlen, "%s:%d:%d: ", p->file, p->lines[pos],
		     p->cols[pos]);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

static const char *tok_desc(struct parser *p, char *buf, size_t len)
{
	if (p->t.kind == T_EOF)
		return "the end of the rule";
	snprintf(buf, len, "'%.*s'", (int)(p->t.len > 40 ? 40 : p->t.len),
		 p->s + p->t.pos);
	return buf;
}

static int is_ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static int is_ident(int c)
{
	return isalnum(c) || c == '_';
}

static int is_pat(int c)
{
	return is_ident(c) || c == '.' || c == '*' || c == '?' || c == '[' ||
	       c == ']' || c == '$';
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && isspace((unsigned char)p->s[p->pos]))
		p->pos++;
}

static void lex_number(struct parser *p)
{
	const char *s = p->s + p->pos;
	char *end;
	struct tok *t = &p->t;

	t->kind = T_NUM;
	memset(&t->num, 0, sizeof(t->num));
	t->num.kind = KCOVDF_NUM_INT;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		t->num.u = strtoull(s, &end, 16);
		if (end == s + 2) {
			perr_at(p, p->pos, "bad hexadecimal number");
			end = (char *)s + 2;
		}
	} else {
		size_t i = 0;

		while (isdigit((unsigned char)s[i]))
			i++;
		if (s[i] == '.' && isdigit((unsigned char)s[i + 1])) {
			t->num.kind = KCOVDF_NUM_FLOAT;
			t->num.d = strtod(s, &end);
		} else {
			t->num.u = strtoull(s, &end, 10);
		}
	}
	if (errno == ERANGE)
		perr_at(p, p->pos, "number out of range (64 bits)");
	if (is_ident(*end)) {
		perr_at(p, p->pos + (size_t)(end - s), "unexpected '%c' in a "
			"number", *end);
	}
	t->len = (size_t)(end - s);
	p->pos += t->len;
}

static void lex(struct parser *p)
{
	static const char *ops2[] = {
		"=>", "==", "!=", "<=", ">=", "&&", "||", "->",
	};
	const char *s;

	skip_space(p);
	p->t.pos = p->pos;
	p->t.len = 0;
	if (p->pos >= p->len) {
		p->t.kind = T_EOF;
		return;
	}
	s = p->s + p->pos;
	if (is_ident_start((unsigned char)s[0])) {
		size_t n = 0;

		while (is_ident((unsigned char)s[n]))
			n++;
		p->t.kind = T_IDENT;
		p->t.len = n;
		p->pos += n;
		return;
	}
	if (isdigit((unsigned char)s[0])) {
		lex_number(p);
		return;
	}
	if (s[0] == '\'') {
		/* A character: 'a', '\n', '\0', '\\', '\''. */
		unsigned char c = (unsigned char)s[1];
		size_t n = 3;

		if (c == '\\') {
			static const char from[] = "nrt0\\'", to[] = "\n\r\t\0\\'";
			const char *q = s[2] ? strchr(from, s[2]) : NULL;

			if (!q) {
				perr_at(p, p->pos, "bad character escape");
				return;
			}
			c = (unsigned char)to[q - from];
			n = 4;
		}
		if (!c && n == 3) {
			perr_at(p, p->pos, "bad character literal");
			return;
		}
		if (p->pos + n > p->len || s[n - 1] != '\'') {
			perr_at(p, p->pos, "unterminated character literal");
			return;
		}
		p->t.kind = T_NUM;
		memset(&p->t.num, 0, sizeof(p->t.num));
		p->t.num.kind = KCOVDF_NUM_INT;
		p->t.num.u = c;
		p->t.len = n;
		p->pos += n;
		return;
	}
	for (size_t i = 0; i < sizeof(ops2) / sizeof(ops2[0]); i++) {
		if (!strncmp(s, ops2[i], 2)) {
			p->t.kind = T_OP;
			p->t.len = 2;
			p->pos += 2;
			return;
		}
	}
	/* Glob characters are tokens too, so that parse_globs() can rescan
	 * a function pattern; anywhere else the parser rejects them. */
	if (strchr("<>!&(){},:.-+*?[]$", s[0])) {
		p->t.kind = T_OP;
		p->t.len = 1;
		p->pos++;
		return;
	}
	if (s[0] == '=')
		perr_at(p, p->pos, "'=' is not an operator: compare with '=='");
	else if (s[0] == '|')
		perr_at(p, p->pos, "'|' is not an operator: 'or' is '||'");
	else
		perr_at(p, p->pos, "unexpected character '%c'", s[0]);
	p->t.kind = T_EOF;
}

static int is_op(struct parser *p, const char *op)
{
	return p->t.kind == T_OP && p->t.len == strlen(op) &&
	       !strncmp(p->s + p->t.pos, op, p->t.len);
}

static int is_word(struct parser *p, const char *w)
{
	return p->t.kind == T_IDENT && p->t.len == strlen(w) &&
	       !strncmp(p->s + p->t.pos, w, p->t.len);
}

static void expect_op(struct parser *p, const char *op, const char *what)
{
	char buf[64];

	if (!is_op(p, op)) {
		perr_at(p, p->t.pos, "expected %s, found %s", what,
			tok_desc(p, buf, sizeof(buf)));
		return;
	}
	lex(p);
}

static const char *const reserved[] = {
	"and", "or", "not", "in", "when", "unique", "before", "balances",
	"per", "NULL", "true", "false", "is_err",
};

static int is_reserved(struct parser *p)
{
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (is_word(p, reserved[i]))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Parser                                                              */
/* ------------------------------------------------------------------ */

static struct node *new_node(struct parser *p, int kind, size_t pos)
{
	struct node *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	if (pos > p->len)
		pos = p->len;
	n->line = p->lines[pos];
	n->col = p->cols[pos];
	return n;
}

static void free_node(struct node *n)
{
	if (!n)
		return;
	free_node(n->a);
	free_node(n->b);
	for (size_t i = 0; i < n->nlist; i++)
		free_node(n->list[i]);
	free(n->list);
	free(n->name);
	free(n->first);
	free(n);
}

static struct node *parse_expr(struct parser *p);

static struct node *parse_path(struct parser *p)
{
	struct node *n = new_node(p, N_NAME, p->t.pos);
	struct kcovdf_buf b = { 0 };
	size_t first_len = p->t.len;

	kcovdf_buf_printf(&b, "%.*s", (int)p->t.len, p->s + p->t.pos);
	lex(p);
	while (is_op(p, ".") || is_op(p, "->")) {
		char buf[64];

		if (is_op(p, "->"))
			n->arrow = 1;
		lex(p);
		if (p->t.kind != T_IDENT) {
			perr_at(p, p->t.pos, "expected a field name, found %s",
				tok_desc(p, buf, sizeof(buf)));
			break;
		}
		kcovdf_buf_printf(&b, ".%.*s", (int)p->t.len,
				  p->s + p->t.pos);
		lex(p);
	}
	n->name = b.s;
	n->first = xstrndup(b.s, first_len);
	n->rest = b.s[first_len] ? b.s + first_len + 1 : NULL;
	n->errno_val = n->rest ? 0 : kcovdf_errno_value(n->name);
	push_ptr((void ***)&p->r->names, &p->r->nnames, n);
	return n;
}

static struct node *num_node(struct parser *p, size_t pos, uint64_t u,
			     int is_ptr)
{
	struct node *n = new_node(p, N_NUM, pos);

	n->num.kind = KCOVDF_NUM_INT;
	n->num.u = u;
	n->num.is_ptr = is_ptr;
	return n;
}

static struct node *parse_primary(struct parser *p)
{
	char buf[64];
	size_t pos = p->t.pos;
	struct node *n;

	if (p->failed)
		return NULL;
	if (p->t.kind == T_NUM) {
		n = new_node(p, N_NUM, pos);
		n->num = p->t.num;
		lex(p);
		return n;
	}
	if (is_op(p, "(")) {
		lex(p);
		n = parse_expr(p);
		expect_op(p, ")", "')'");
		return n;
	}
	if (is_word(p, "NULL")) {
		lex(p);
		return num_node(p, pos, 0, 1);
	}
	if (is_word(p, "true") || is_word(p, "false")) {
		n = num_node(p, pos, is_word(p, "true"), 0);
		lex(p);
		return n;
	}
	if (is_word(p, "is_err")) {
		lex(p);
		n = new_node(p, N_ISERR, pos);
		expect_op(p, "(", "'(' after is_err");
		n->a = parse_expr(p);
		expect_op(p, ")", "')'");
		return n;
	}
	if (p->t.kind == T_IDENT && !is_reserved(p))
		return parse_path(p);
	perr_at(p, pos, "expected a value (number, name, NULL, '('), found %s",
		tok_desc(p, buf, sizeof(buf)));
	return NULL;
}

static struct node *parse_unary(struct parser *p)
{
	if (is_op(p, "-")) {
		struct node *n = new_node(p, N_NEG, p->t.pos);

		lex(p);
		n->a = parse_unary(p);
		return n;
	}
	return parse_primary(p);
}

static struct node *parse_sum(struct parser *p)
{
	struct node *n = parse_unary(p);

	while (!p->failed && (is_op(p, "+") || is_op(p, "-"))) {
		struct node *m = new_node(p, is_op(p, "+") ? N_ADD : N_SUB,
					  p->t.pos);

		lex(p);
		m->a = n;
		m->b = parse_unary(p);
		n = m;
	}
	return n;
}

static struct node *parse_bitand(struct parser *p)
{
	struct node *n = parse_sum(p);

	while (!p->failed && is_op(p, "&")) {
		struct node *m = new_node(p, N_BITAND, p->t.pos);

		lex(p);
		m->a = n;
		m->b = parse_sum(p);
		n = m;
	}
	return n;
}

static struct node *parse_cmp(struct parser *p)
{
	static const char *ops[] = { "==", "!=", "<", "<=", ">", ">=" };
	struct node *n = parse_bitand(p);

	if (p->failed)
		return n;
	for (int i = 0; i < 6; i++) {
		if (is_op(p, ops[i])) {
			struct node *m = new_node(p, N_CMP, p->t.pos);

			m->op = i;
			lex(p);
			m->a = n;
			m->b = parse_bitand(p);
			return m;
		}
	}
	if (is_word(p, "in")) {
		struct node *m = new_node(p, N_IN, p->t.pos);

		lex(p);
		m->a = n;
		expect_op(p, "{", "'{' after 'in'");
		while (!p->failed) {
			push_ptr((void ***)&m->list, &m->nlist,
				 parse_bitand(p));
			if (!is_op(p, ","))
				break;
			lex(p);
		}
		expect_op(p, "}", "',' or '}'");
		return m;
	}
	return n;
}

static struct node *parse_not(struct parser *p)
{
	if (is_word(p, "not") || is_op(p, "!")) {
		struct node *n = new_node(p, N_NOT, p->t.pos);

		lex(p);
		n->a = parse_not(p);
		return n;
	}
	return parse_cmp(p);
}

static struct node *parse_and(struct parser *p)
{
	struct node *n = parse_not(p);

	while (!p->failed && (is_word(p, "and") || is_op(p, "&&"))) {
		struct node *m = new_node(p, N_AND, p->t.pos);

		lex(p);
		m->a = n;
		m->b = parse_not(p);
		n = m;
	}
	return n;
}

static struct node *parse_or(struct parser *p)
{
	struct node *n = parse_and(p);

	while (!p->failed && (is_word(p, "or") || is_op(p, "||"))) {
		struct node *m = new_node(p, N_OR, p->t.pos);

		lex(p);
		m->a = n;
		m->b = parse_and(p);
		n = m;
	}
	return n;
}

static struct node *parse_expr(struct parser *p)
{
	struct node *n = parse_or(p);

	if (!p->failed && is_op(p, "=>")) {
		struct node *m = new_node(p, N_IMPL, p->t.pos);

		lex(p);
		m->a = n;
		m->b = parse_expr(p);
		return m;
	}
	return n;
}

/* Function patterns: GLOB {',' GLOB}, read as raw text. */
static void parse_globs(struct parser *p, struct callpat *cp)
{
	char buf[64];

	for (;;) {
		size_t start;

		p->pos = p->t.pos;
		skip_space(p);
		start = p->pos;
		while (p->pos < p->len && is_pat((unsigned char)p->s[p->pos]))
			p->pos++;
		if (p->pos == start) {
			lex(p);
			perr_at(p, start, "expected a function name or pattern, "
				"found %s", tok_desc(p, buf, sizeof(buf)));
			return;
		}
		push_ptr((void ***)&cp->globs, &cp->nglobs,
			 xstrndup(p->s + start, p->pos - start));
		lex(p);
		if (!is_op(p, ","))
			return;
		lex(p);
	}
}

static void parse_keys(struct parser *p, struct node ***keys, size_t *nkeys)
{
	expect_op(p, "(", "'('");
	while (!p->failed) {
		push_ptr((void ***)keys, nkeys, parse_expr(p));
		if (!is_op(p, ","))
			break;
		lex(p);
	}
	expect_op(p, ")", "',' or ')'");
}

static void parse_scope(struct parser *p, struct rule *r)
{
	char buf[64];

	if (p->failed || !is_word(p, "per"))
		return;
	lex(p);
	if (is_word(p, "task"))
		r->scope = S_TASK;
	else if (is_word(p, "process"))
		r->scope = S_PROCESS;
	else if (is_word(p, "trace"))
		r->scope = S_TRACE;
	else {
		perr_at(p, p->t.pos, "expected task, process or trace after "
			"'per', found %s", tok_desc(p, buf, sizeof(buf)));
		return;
	}
	lex(p);
}

static void parse_callpat(struct parser *p, struct callpat *cp)
{
	parse_globs(p, cp);
	if (!p->failed && is_op(p, "("))
		parse_keys(p, &cp->keys, &cp->nkeys);
	if (!p->failed && is_word(p, "when")) {
		lex(p);
		cp->when = parse_expr(p);
	}
}

static void parse_rule(struct parser *p)
{
	struct rule *r = p->r;
	char buf[64];

	lex(p);
	parse_globs(p, &r->a);
	if (p->failed)
		return;
	if (is_op(p, ":")) {
		lex(p);
		if (is_word(p, "unique")) {
			r->kind = R_UNIQUE;
			lex(p);
			parse_keys(p, &r->a.keys, &r->a.nkeys);
			if (!p->failed && is_word(p, "when")) {
				lex(p);
				r->a.when = parse_expr(p);
			}
			parse_scope(p, r);
		} else {
			r->kind = R_ASSERT;
			r->expr = parse_expr(p);
		}
	} else {
		if (is_op(p, "("))
			parse_keys(p, &r->a.keys, &r->a.nkeys);
		if (!p->failed && is_word(p, "when")) {
			lex(p);
			r->a.when = parse_expr(p);
		}
		if (p->failed)
			return;
		if (is_word(p, "before"))
			r->kind = R_BEFORE;
		else if (is_word(p, "balances"))
			r->kind = R_BALANCE;
		else {
			perr_at(p, p->t.pos, "expected ':', 'before' or "
				"'balances' after the function, found %s",
				tok_desc(p, buf, sizeof(buf)));
			return;
		}
		lex(p);
		parse_callpat(p, &r->b);
		if (!p->failed && r->a.nkeys != r->b.nkeys)
			perr_at(p, p->t.pos, "both sides need the same number "
				"of keys (%zu and %zu)", r->a.nkeys,
				r->b.nkeys);
		{
			size_t pos = p->t.pos;

			parse_scope(p, r);
			if (!p->failed && r->kind == R_BEFORE &&
			    r->scope != S_DEFAULT && r->scope != S_TASK)
				perr_at(p, pos, "'before' compares the calls "
					"of one task (tasks share no clock): "
					"only 'per task'");
		}
	}
	if (!p->failed && p->t.kind != T_EOF)
		perr_at(p, p->t.pos, "expected the end of the rule, found %s",
			tok_desc(p, buf, sizeof(buf)));
}

static void free_callpat(struct callpat *cp)
{
	for (size_t i = 0; i < cp->nglobs; i++)
		free(cp->globs[i]);
	free(cp->globs);
	for (size_t i = 0; i < cp->nkeys; i++)
		free_node(cp->keys[i]);
	free(cp->keys);
	free_node(cp->when);
}

static void free_rule(struct rule *r)
{
	free_callpat(&r->a);
	free_callpat(&r->b);
	free_node(r->expr);
	free(r->names);
	free(r->text);
}

void kcovdf_rules_free(struct kcovdf_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		free_rule(&rs->v[i]);
	free(rs->v);
	free(rs->file);
	free(rs);
}

struct kcovdf_rules *kcovdf_rules_parse(const char *text, size_t len,
					const char *file, char *err,
					size_t errlen)
{
	struct kcovdf_rules *rs = xcalloc(1, sizeof(*rs));
	struct parser p = { .file = file, .err = err, .errlen = errlen };
	size_t i = 0, cap = 0;
	int line = 1, col = 1;

	rs->file = strdup(file);
	if (!rs->file)
		abort();
	p.s = xcalloc(len + 1, 1);
	p.lines = xcalloc(len + 1, sizeof(int));
	p.cols = xcalloc(len + 1, sizeof(int));
	while (i < len && !p.failed) {
		/* One logical line: physical lines joined at a trailing '\',
		 * without the comment. */
		int first_line = line, in_comment = 0, cont = 0;
		size_t n = 0;

		while (i < len) {
			char c = text[i];

			if (c == '\0') {
				p.s[n] = 0;
				p.len = n;
				p.lines[n] = line;
				p.cols[n] = col;
				perr_at(&p, n, "NUL byte in the rules");
				break;
			}
			if (c == '\n') {
				i++;
				line++;
				col = 1;
				if (n && p.s[n - 1] == '\\' && !in_comment) {
					n--;
					while (n && (p.s[n - 1] == ' ' ||
						     p.s[n - 1] == '\t'))
						n--;
					p.s[n++] = ' ';
					cont = 1;
					continue;
				}
				break;
			}
			if (cont && (c == ' ' || c == '\t')) {
				i++;
				col++;
				continue;
			}
			cont = 0;
			if (c == '#')
				in_comment = 1;
			i++;
			col++;
			if (in_comment)
				continue;
			p.s[n] = c;
			p.lines[n] = line;
			p.cols[n] = col - 1;
			n++;
		}
		if (p.failed)
			break;
		p.s[n] = 0;
		p.len = n;
		p.lines[n] = n ? p.lines[n - 1] : first_line;
		p.cols[n] = n ? p.cols[n - 1] + 1 : 1;
		p.pos = 0;
		skip_space(&p);
		if (p.pos == n)
			continue;
		if (rs->n == cap) {
			struct rule *nv;

			cap = cap ? 2 * cap : 8;
			nv = realloc(rs->v, cap * sizeof(*nv));
			if (!nv)
				abort();
			rs->v = nv;
		}
		p.r = &rs->v[rs->n++];
		memset(p.r, 0, sizeof(*p.r));
		p.r->line = p.lines[p.pos];
		{
			size_t end = n;

			while (end > p.pos && isspace((unsigned char)p.s[end - 1]))
				end--;
			p.r->text = xstrndup(p.s + p.pos, end - p.pos);
		}
		p.pos = 0;
		parse_rule(&p);
	}
	free(p.s);
	free(p.lines);
	free(p.cols);
	if (p.failed) {
		kcovdf_rules_free(rs);
		return NULL;
	}
	return rs;
}

size_t kcovdf_rules_count(const struct kcovdf_rules *rs)
{
	return rs->n;
}

void kcovdf_rules_info(const struct kcovdf_rules *rs, size_t i,
		       struct kcovdf_rule_info *out)
{
	static const char *kinds[] = { "assert", "unique", "before",
				       "balances" };
	const struct rule *r = &rs->v[i];

	memset(out, 0, sizeof(*out));
	out->line = (unsigned int)r->line;
	out->text = r->text;
	out->kind = kinds[r->kind];
	out->calls = r->calls;
	out->checked = r->checked;
	out->violations = r->violations;
	out->unknown = r->unknown;
	out->not_applicable = r->na;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

enum tv { TV_F = 0, TV_T = 1, TV_U = 2 };
enum vkind { V_NUM, V_TV, V_UNK, V_NA, V_ENUMNAME };

struct val {
	int k;
	int tv;
	struct kcovdf_num n;
	const struct node *name;	/* V_ENUMNAME */
};

/* One call as rules see it: the call, and for DOC streams its return. */
struct lcall {
	size_t task;
	const struct kcovdf_call *c;
	const struct kcovdf_rec *ret;
};

struct ctx {
	struct kcovdf_sym *sym;
	int format;
	const struct lcall *lc;
	struct kcovdf_item *items;
	size_t nitems;
	int have_items;
	int na;
	struct kcovdf_buf why;
	const char *seen[16];
	size_t nseen;
};

/* Start on a new expression of the same call. */
static void ctx_fresh(struct ctx *x)
{
	x->na = 0;
	x->nseen = 0;
	x->why.len = 0;
	if (x->why.s)
		x->why.s[0] = 0;
}

static void ctx_call(struct ctx *x, const struct lcall *lc, int format)
{
	x->lc = lc;
	x->format = format;
	x->have_items = 0;
	x->na = 0;
	x->nseen = 0;
	x->why.len = 0;
	if (x->why.s)
		x->why.s[0] = 0;
}

static void items(struct ctx *x)
{
	if (x->have_items)
		return;
	x->nitems = kcovdf_call_items(x->sym, x->lc->c, x->lc->ret, x->format,
				      &x->items);
	x->have_items = 1;
}

static int has_field(const struct kcovdf_type *t, const char *name)
{
	for (size_t i = 0; t && i < t->nfields; i++)
		if (t->fields[i].name && !strcmp(t->fields[i].name, name))
			return 1;
	return 0;
}

/* Parameter index of a name: DWARF names, names of the records, argN. */
static int param_index(struct ctx *x, const char *name)
{
	const struct kcovdf_fn *fn = x->lc->c->fn;
	char *end;
	unsigned long n;

	for (size_t i = 0; fn && i < fn->nparams; i++)
		if (fn->params[i].name && !strcmp(fn->params[i].name, name))
			return (int)i;
	for (size_t i = 0; i < x->nitems; i++)
		if (!x->items[i].is_ret && !strcmp(x->items[i].param, name))
			return (int)x->items[i].argidx;
	if (strncmp(name, "arg", 3) || !isdigit((unsigned char)name[3]))
		return -1;
	n = strtoul(name + 3, &end, 10);
	return *end || n > 255 ? -1 : (int)n;
}

enum { L_FOUND, L_UNKNOWN, L_NONE };

/* Find the item a name means in the current call. L_UNKNOWN: the name
 * means something, but this call has no value for it. */
static int lookup(struct ctx *x, const struct node *n,
		  const struct kcovdf_item **out)
{
	const struct kcovdf_call *c = x->lc->c;
	const struct kcovdf_fn *fn = c->fn;
	int idx;

	items(x);
	if (!strcmp(n->first, "ret")) {
		int have_ret = x->lc->ret || c->has_ret;

		for (size_t i = 0; i < x->nitems; i++) {
			const struct kcovdf_item *it = &x->items[i];

			if (it->is_ret && (n->rest ? it->field &&
					   !strcmp(it->field, n->rest) :
					   !it->field)) {
				*out = it;
				return L_FOUND;
			}
		}
		if (have_ret) {
			const struct kcovdf_rec *r = x->lc->ret ? x->lc->ret :
						     &c->ret;

			/* void, or a struct returned by value: no value. */
			if ((r->flags & KCOV_DF_F_VOID) || !n->rest)
				return L_NONE;
			/* A NULL or ERR_PTR object has no fields. */
			return fn && has_field(fn->ret, n->rest) ? L_UNKNOWN :
			       L_NONE;
		}
		if (fn && fn->ret && fn->ret->kind == KCOVDF_T_VOID)
			return L_NONE;
		if (n->rest && fn && fn->ret && !has_field(fn->ret, n->rest))
			return L_NONE;
		return L_UNKNOWN;	/* no return recorded */
	}
	idx = param_index(x, n->first);
	if (idx >= 0) {
		int have_arg = 0;

		for (size_t i = 0; i < x->nitems; i++) {
			const struct kcovdf_item *it = &x->items[i];

			if (it->is_ret || it->argidx != (unsigned int)idx)
				continue;
			have_arg = 1;
			if (n->rest ? it->field && !strcmp(it->field, n->rest)
				    : !it->field) {
				*out = it;
				return L_FOUND;
			}
		}
		for (size_t i = 0; i < c->nargs; i++)
			if (c->args[i].argidx == (unsigned int)idx)
				have_arg = 1;
		if (!have_arg)	/* entry not recorded */
			return L_UNKNOWN;
		if (!n->rest)
			return L_NONE;	/* a struct passed by value */
		if (fn && (size_t)idx < fn->nparams &&
		    has_field(fn->params[idx].type, n->rest))
			return L_UNKNOWN;
		/* Without DWARF: an object recorded without fields (NULL,
		 * ERR_PTR) may have had it. */
		if (!fn) {
			int ptr = 0, nf = 0;

			for (size_t i = 0; i < x->nitems; i++) {
				const struct kcovdf_item *it = &x->items[i];

				if (it->is_ret || it->argidx != (unsigned int)idx)
					continue;
				if (it->field)
					nf++;
				else if (it->fflags & KCOV_DF_FIELD_PTR)
					ptr = 1;
			}
			if (ptr && !nf)
				return L_UNKNOWN;
		}
		return L_NONE;
	}
	/* A field of some argument, named without the parameter. */
	for (size_t i = 0; i < x->nitems; i++) {
		const struct kcovdf_item *it = &x->items[i];

		if (!it->is_ret && it->field && !strcmp(it->field, n->name)) {
			*out = it;
			return L_FOUND;
		}
	}
	for (size_t i = 0; fn && i < fn->nparams; i++)
		if (has_field(fn->params[i].type, n->name))
			return L_UNKNOWN;
	return L_NONE;
}

static void note(struct ctx *x, const struct node *n,
		 const struct kcovdf_item *it, const char *what)
{
	for (size_t i = 0; i < x->nseen; i++)
		if (!strcmp(x->seen[i], n->name))
			return;
	if (x->nseen < sizeof(x->seen) / sizeof(x->seen[0]))
		x->seen[x->nseen++] = n->name;
	kcovdf_buf_printf(&x->why, "%s", x->why.len ? ", " : "");
	if (it)
		kcovdf_item_path(&x->why, it);
	else
		kcovdf_buf_printf(&x->why, "%s", n->name);
	kcovdf_buf_printf(&x->why, " = ");
	if (it)
		kcovdf_item_text(&x->why, it, 0);
	else
		kcovdf_buf_printf(&x->why, "%s", what);
}

static struct val eval(struct ctx *x, struct node *n);

static struct val v_tv(int tv)
{
	struct val v = { .k = V_TV, .tv = tv };

	return v;
}

static struct val v_kind(int k)
{
	struct val v = { .k = k };

	return v;
}

static struct val eval_name(struct ctx *x, struct node *n)
{
	const struct kcovdf_item *it = NULL;
	struct val v = { 0 };

	n->used = 1;
	switch (lookup(x, n, &it)) {
	case L_FOUND:
		n->resolved = 1;
		note(x, n, it, NULL);
		if (kcovdf_item_num(it, &v.n))
			return v_kind(V_UNK);
		v.k = V_NUM;
		return v;
	case L_UNKNOWN:
		n->resolved = 1;
		note(x, n, NULL, "<not recorded>");
		return v_kind(V_UNK);
	}
	if (!n->rest) {
		v.k = V_ENUMNAME;
		v.name = n;
		return v;
	}
	x->na = 1;
	return v_kind(V_NA);
}

/* An identifier that is no name of the call: an enumerator of the type
 * of the value it is compared with, or an error name. */
static struct val resolve_enum(struct ctx *x, struct val v,
			       const struct val *other)
{
	struct node *n = (struct node *)v.name;
	const struct kcovdf_type *t;

	if (v.k != V_ENUMNAME)
		return v;
	t = other && other->k == V_NUM ? other->n.type : NULL;
	for (size_t i = 0; t && i < t->nenums; i++) {
		if (!strcmp(t->enums[i].name, n->name)) {
			struct val r = { .k = V_NUM };

			r.n.kind = KCOVDF_NUM_INT;
			r.n.is_signed = t->is_signed ||
					t->enums[i].value < 0;
			r.n.u = (uint64_t)t->enums[i].value;
			n->resolved = 1;
			return r;
		}
	}
	if (n->errno_val) {
		struct val r = { .k = V_NUM };

		r.n.kind = KCOVDF_NUM_INT;
		r.n.is_signed = 1;
		r.n.u = (uint64_t)n->errno_val;
		n->resolved = 1;
		return r;
	}
	if (other && other->k == V_UNK)
		return v_kind(V_UNK);
	x->na = 1;
	return v_kind(V_NA);
}

static double num_double(const struct kcovdf_num *n)
{
	if (n->kind == KCOVDF_NUM_FLOAT)
		return n->d;
	return n->is_signed ? (double)(int64_t)n->u : (double)n->u;
}

static int truth(struct val v)
{
	switch (v.k) {
	case V_TV:
		return v.tv;
	case V_NUM:
		if (v.n.kind == KCOVDF_NUM_FLOAT)
			return v.n.d != 0;
		return v.n.u != 0;
	default:
		return TV_U;
	}
}

static struct val as_num(struct val v)
{
	if (v.k == V_TV) {
		if (v.tv == TV_U)
			return v_kind(V_UNK);
		v.k = V_NUM;
		memset(&v.n, 0, sizeof(v.n));
		v.n.kind = KCOVDF_NUM_INT;
		v.n.u = (uint64_t)v.tv;
	}
	return v;
}

/* Numbers compare by value, except that a pointer compared with a
 * negative number is read as signed: ERR_PTR(-ENOENT) == -ENOENT. */
static int rule_cmp(struct kcovdf_num a, struct kcovdf_num b)
{
	if (a.is_ptr && b.is_signed && (int64_t)b.u < 0)
		a.is_signed = 1;
	if (b.is_ptr && a.is_signed && (int64_t)a.u < 0)
		b.is_signed = 1;
	return kcovdf_num_cmp(&a, &b);
}

static int cmp_holds(int op, int c)
{
	switch (op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	default: return c >= 0;
	}
}

/* &, +, -: 64-bit integer arithmetic that wraps, as in C; a result is
 * signed when an operand is. + and - on a float give a float. */
static struct val arith(int kind, struct val a, struct val b)
{
	if (a.n.kind == KCOVDF_NUM_FLOAT || b.n.kind == KCOVDF_NUM_FLOAT) {
		double x = num_double(&a.n), y = num_double(&b.n);

		if (kind == N_BITAND)
			return v_kind(V_NA);
		a.n.kind = KCOVDF_NUM_FLOAT;
		a.n.d = kind == N_ADD ? x + y : x - y;
	} else if (kind == N_BITAND) {
		a.n.u &= b.n.u;
		a.n.is_signed = a.n.is_signed && b.n.is_signed;
	} else {
		a.n.u = kind == N_ADD ? a.n.u + b.n.u : a.n.u - b.n.u;
		a.n.is_signed = a.n.is_signed || b.n.is_signed;
	}
	a.n.type = NULL;
	a.n.is_ptr = 0;
	return a;
}

static struct val eval(struct ctx *x, struct node *n)
{
	struct val a, b;
	int ta, tb;

	switch (n->kind) {
	case N_NUM:
		a.k = V_NUM;
		a.n = n->num;
		return a;
	case N_NAME:
		return eval_name(x, n);
	case N_NEG:
		a = as_num(resolve_enum(x, eval(x, n->a), NULL));
		if (a.k != V_NUM)
			return a;
		if (a.n.kind == KCOVDF_NUM_FLOAT) {
			a.n.d = -a.n.d;
		} else {
			a.n.u = (uint64_t)0 - a.n.u;
			a.n.is_signed = 1;
		}
		a.n.type = NULL;
		a.n.is_ptr = 0;
		return a;
	case N_BITAND:
	case N_ADD:
	case N_SUB:
		a = eval(x, n->a);
		b = eval(x, n->b);
		a = as_num(resolve_enum(x, a, &b));
		b = as_num(resolve_enum(x, b, &a));
		if (a.k == V_NA || b.k == V_NA)
			return v_kind(V_NA);
		if (a.k != V_NUM || b.k != V_NUM)
			return v_kind(V_UNK);
		return arith(n->kind, a, b);
	case N_ISERR:
		a = as_num(resolve_enum(x, eval(x, n->a), NULL));
		if (a.k != V_NUM)
			return a.k == V_NA ? a : v_tv(TV_U);
		/* -4095..-1 as a 64-bit value: an error code, or an
		 * ERR_PTR(). */
		return v_tv(a.n.kind == KCOVDF_NUM_INT &&
			    a.n.u >= (uint64_t)-4095);
	case N_NOT:
		ta = truth(resolve_enum(x, eval(x, n->a), NULL));
		return v_tv(ta == TV_U ? TV_U : !ta);
	case N_AND:
		ta = truth(resolve_enum(x, eval(x, n->a), NULL));
		tb = truth(resolve_enum(x, eval(x, n->b), NULL));
		if (ta == TV_F || tb == TV_F)
			return v_tv(TV_F);
		return v_tv(ta == TV_T && tb == TV_T ? TV_T : TV_U);
	case N_OR:
		ta = truth(resolve_enum(x, eval(x, n->a), NULL));
		tb = truth(resolve_enum(x, eval(x, n->b), NULL));
		if (ta == TV_T || tb == TV_T)
			return v_tv(TV_T);
		return v_tv(ta == TV_F && tb == TV_F ? TV_F : TV_U);
	case N_IMPL:
		ta = truth(resolve_enum(x, eval(x, n->a), NULL));
		if (ta == TV_F)
			return v_tv(TV_T);
		tb = truth(resolve_enum(x, eval(x, n->b), NULL));
		if (tb == TV_T)
			return v_tv(TV_T);
		return v_tv(ta == TV_T && tb == TV_F ? TV_F : TV_U);
	case N_CMP:
		a = eval(x, n->a);
		b = eval(x, n->b);
		a = as_num(resolve_enum(x, a, &b));
		b = as_num(resolve_enum(x, b, &a));
		if (a.k == V_NA || b.k == V_NA)
			return v_kind(V_NA);
		if (a.k != V_NUM || b.k != V_NUM)
			return v_tv(TV_U);
		return v_tv(cmp_holds(n->op, rule_cmp(a.n, b.n)));
	case N_IN: {
		int any_u = 0;

		a = eval(x, n->a);
		if (a.k == V_ENUMNAME) {
			/* Resolve against the list's first value. */
			b = eval(x, n->list[0]);
			a = resolve_enum(x, a, &b);
		}
		a = as_num(a);
		if (a.k == V_NA)
			return a;
		for (size_t i = 0; i < n->nlist; i++) {
			b = as_num(resolve_enum(x, eval(x, n->list[i]), &a));
			if (b.k == V_NA)
				return b;
			if (a.k != V_NUM || b.k != V_NUM) {
				any_u = 1;
				continue;
			}
			if (!rule_cmp(a.n, b.n))
				return v_tv(TV_T);
		}
		return v_tv(any_u ? TV_U : TV_F);
	}
	}
	return v_kind(V_NA);
}

/* The truth of an expression in a call: TV_T, TV_F, TV_U, or -1 when
 * the expression names something the call does not have. */
static int eval_top(struct ctx *x, struct node *n)
{
	struct val v = resolve_enum(x, eval(x, n), NULL);
	int t = truth(v);

	if (v.k == V_NA || (t == TV_U && x->na))
		return -1;
	return t;
}

/* ------------------------------------------------------------------ */
/* Checking                                                            */
/* ------------------------------------------------------------------ */

struct occ {
	size_t task;
	const struct kcovdf_call *c;
	const struct kcovdf_rec *ret;
	int second;		/* a call of the second side */
};

struct occs {
	struct occ *v;
	size_t n, cap;
};

/* One key of a balances rule: first-side calls not yet matched; with a
 * scope wider than a task, also second-side calls not yet matched (tasks
 * share no clock, so only the counts can be compared). */
struct bal {
	size_t rule;
	struct occs open, extra;
};

struct checker {
	struct kcovdf_rules *rs;
	struct kcovdf_sym *sym;
	const struct kcovdf_check_task *tasks;
	size_t ntasks;
	int kernel;
	kcovdf_violation_cb cb;
	void *cbarg;
	struct ctx x;
	struct hmap match;	/* (pid, pc) -> per rule: bit 0 side a, 1 b */
	struct hmap uniq;	/* unique: key -> struct occ, the first */
	struct hmap seen;	/* before: keys of first-side calls */
	struct hmap balmap;	/* balances: key -> struct bal */
	struct bal **bals;
	size_t nbals;
};

static const char *call_name(const struct kcovdf_call *c, char *buf,
			     size_t len)
{
	if (c->fn && c->fn->name)
		return c->fn->name;
	snprintf(buf, len, "0x%" PRIx64, c->pc);
	return buf;
}

static int glob_match(const struct callpat *cp, const char *name)
{
	for (size_t i = 0; i < cp->nglobs; i++)
		if (!fnmatch(cp->globs[i], name, 0))
			return 1;
	return 0;
}

/* Which rules apply to the function at pc in process pid. */
static const unsigned char *matches(struct checker *k, uint32_t pid,
				    const struct kcovdf_call *c)
{
	uint64_t key[2] = { pid, c->pc };
	int created;
	void **slot = hmap_slot(&k->match, key, sizeof(key), &created);

	if (created) {
		unsigned char *m = xcalloc(k->rs->n, 1);
		char buf[32];
		const char *name = call_name(c, buf, sizeof(buf));

		for (size_t i = 0; i < k->rs->n; i++) {
			struct rule *r = &k->rs->v[i];

			m[i] = (unsigned char)(glob_match(&r->a, name) |
					       (r->b.nglobs &&
						glob_match(&r->b, name) ? 2 : 0));
		}
		*slot = m;
	}
	return *slot;
}

static void report(struct checker *k, size_t rule, const struct lcall *lc,
		   const struct occ *other, const char *msg)
{
	struct kcovdf_violation v = {
		.rule = rule,
		.task = lc->task,
		.call = lc->c,
		.ret = lc->ret,
		.message = msg,
	};

	if (other) {
		v.has_other = 1;
		v.other_task = other->task;
		v.other = other->c;
		v.other_ret = other->ret;
	}
	k->rs->v[rule].violations++;
	k->cb(&v, k->cbarg);
}

/* Defaults: unique keys are objects, so per address space (per process in
 * user space, the whole trace for the kernel); order is per task. */
static int eff_scope(struct checker *k, const struct rule *r)
{
	if (r->scope != S_DEFAULT)
		return r->scope;
	if (r->kind == R_UNIQUE)
		return k->kernel ? S_TRACE : S_PROCESS;
	return S_TASK;
}

/* The scope part of a key. */
static uint64_t scope_id(struct checker *k, const struct rule *r,
			 size_t task)
{
	int s = eff_scope(k, r);

	if (s == S_TASK)
		return task;
	if (s == S_PROCESS)
		return (uint64_t)1 << 32 | k->tasks[task].st->pid;
	return (uint64_t)-1;
}

/* Evaluate the keys of a call. Returns 1 with key[] filled (3 words of
 * header, then 2 per key), 0 when a key is unknown, -1 when it names
 * something the call does not have. */
static int eval_keys(struct checker *k, struct node **keys, size_t nkeys,
		     uint64_t *key)
{
	for (size_t i = 0; i < nkeys; i++) {
		struct val v = as_num(resolve_enum(&k->x, eval(&k->x, keys[i]),
						   NULL));

		if (v.k == V_NA)
			return -1;
		if (v.k != V_NUM)
			return 0;
		if (v.n.kind == KCOVDF_NUM_FLOAT) {
			key[3 + 2 * i] = 1;
			memcpy(&key[4 + 2 * i], &v.n.d, sizeof(double));
		} else {
			key[3 + 2 * i] = 0;
			key[4 + 2 * i] = v.n.u;
		}
	}
	return 1;
}

#define MAX_KEYS 8

/* Is the `when` condition of a call pattern true? 1, 0, or -1 (unknown or
 * not applicable: counted by the caller). */
static int when_holds(struct checker *k, struct rule *r, struct node *when)
{
	int t;

	if (!when)
		return 1;
	t = eval_top(&k->x, when);
	if (t == TV_T)
		return 1;
	if (t == TV_F)
		return 0;
	if (t == -1)
		r->na++;
	else
		r->unknown++;
	return -1;
}

static void check_unique(struct checker *k, size_t ri, const struct lcall *lc)
{
	struct rule *r = &k->rs->v[ri];
	uint64_t key[3 + 2 * MAX_KEYS];
	int created, rc;
	void **slot;

	if (when_holds(k, r, r->a.when) != 1)
		return;
	key[0] = ri;
	key[1] = 'U';
	key[2] = scope_id(k, r, lc->task);
	rc = eval_keys(k, r->a.keys, r->a.nkeys, key);
	if (rc <= 0) {
		if (rc < 0)
			r->na++;
		else
			r->unknown++;
		return;
	}
	r->checked++;
	slot = hmap_slot(&k->uniq, key, (3 + 2 * r->a.nkeys) * 8, &created);
	if (created) {
		struct occ *o = xcalloc(1, sizeof(*o));

		o->task = lc->task;
		o->c = lc->c;
		o->ret = lc->ret;
		*slot = o;
		return;
	}
	{
		struct kcovdf_buf msg = { 0 };

		kcovdf_buf_printf(&msg, "again with the same key (%s)",
				  k->x.why.s ? k->x.why.s : "");
		report(k, ri, lc, *slot, msg.s);
		kcovdf_buf_free(&msg);
	}
}

static struct bal *bal_of(struct checker *k, size_t ri, const uint64_t *key,
			  size_t klen)
{
	int created;
	void **slot = hmap_slot(&k->balmap, key, klen, &created);

	if (created) {
		struct bal *b = xcalloc(1, sizeof(*b));

		b->rule = ri;
		*slot = b;
		push_ptr((void ***)&k->bals, &k->nbals, b);
	}
	return *slot;
}

static void occ_push(struct occs *o, const struct lcall *lc)
{
	if (o->n == o->cap) {
		size_t nc = o->cap ? 2 * o->cap : 4;
		struct occ *nv = realloc(o->v, nc * sizeof(*nv));

		if (!nv)
			abort();
		o->v = nv;
		o->cap = nc;
	}
	o->v[o->n].task = lc->task;
	o->v[o->n].c = lc->c;
	o->v[o->n].ret = lc->ret;
	o->v[o->n].second = 0;
	o->n++;
}

/* The keys of one side of an order rule, after its `when`. 1: key[]
 * filled; 0: the call does not take part (counted). */
static int side_key(struct checker *k, struct rule *r, struct callpat *cp,
		    uint64_t *key)
{
	int rc;

	ctx_fresh(&k->x);
	if (when_holds(k, r, cp->when) != 1)
		return 0;
	rc = eval_keys(k, cp->keys, cp->nkeys, key);
	if (rc < 0)
		r->na++;
	else if (rc == 0)
		r->unknown++;
	return rc > 0;
}

static void check_order(struct checker *k, size_t ri, const struct lcall *lc,
			unsigned char m)
{
	struct rule *r = &k->rs->v[ri];
	uint64_t key[3 + 2 * MAX_KEYS];
	size_t klen = (3 + 2 * r->a.nkeys) * 8;
	int per_task = eff_scope(k, r) == S_TASK;
	char buf[32];

	key[0] = ri;
	key[1] = 'O';
	key[2] = scope_id(k, r, lc->task);
	r->calls++;
	/* The second side first: a call that is both does not satisfy
	 * itself. */
	if ((m & 2) && side_key(k, r, &r->b, key)) {
		struct kcovdf_buf msg = { 0 };

		r->checked++;
		if (r->kind == R_BEFORE) {
			if (!hmap_get(&k->seen, key, klen)) {
				kcovdf_buf_printf(&msg, "no earlier call of %s",
						  r->a.globs[0]);
				if (r->a.nglobs > 1)
					kcovdf_buf_printf(&msg, " (or the "
							  "other patterns)");
				if (r->a.nkeys)
					kcovdf_buf_printf(&msg, " with the "
						"same key (%s)", k->x.why.s ?
						k->x.why.s : "");
				kcovdf_buf_printf(&msg, " in this task");
				report(k, ri, lc, NULL, msg.s);
			}
		} else {
			struct bal *b = bal_of(k, ri, key, klen);

			if (b->open.n) {
				b->open.n--;
			} else if (!per_task) {
				occ_push(&b->extra, lc);
			} else {
				kcovdf_buf_printf(&msg, "%s without an open %s",
						  call_name(lc->c, buf,
							    sizeof(buf)),
						  r->a.globs[0]);
				if (r->a.nkeys)
					kcovdf_buf_printf(&msg, " with the "
						"same key (%s)", k->x.why.s ?
						k->x.why.s : "");
				kcovdf_buf_printf(&msg, " in this task");
				report(k, ri, lc, NULL, msg.s);
			}
		}
		kcovdf_buf_free(&msg);
	}
	if (!(m & 1) || !side_key(k, r, &r->a, key))
		return;
	if (r->kind == R_BEFORE) {
		*hmap_slot(&k->seen, key, klen, NULL) = (void *)1;
	} else {
		struct bal *b = bal_of(k, ri, key, klen);

		if (!(m & 2))
			r->checked++;
		if (b->extra.n)
			b->extra.n--;
		else
			occ_push(&b->open, lc);
	}
}

static void check_call(struct checker *k, const struct lcall *lc, int format)
{
	const unsigned char *m = matches(k, k->tasks[lc->task].st->pid, lc->c);

	for (size_t i = 0; i < k->rs->n; i++) {
		struct rule *r = &k->rs->v[i];
		int t;

		if (!m[i])
			continue;
		ctx_call(&k->x, lc, format);
		switch (r->kind) {
		case R_ASSERT:
			r->calls++;
			t = eval_top(&k->x, r->expr);
			if (t == TV_T) {
				r->checked++;
			} else if (t == TV_F) {
				struct kcovdf_buf msg = { 0 };

				r->checked++;
				kcovdf_buf_printf(&msg, "%s%s", k->x.why.len ?
						  "with " : "", k->x.why.len ?
						  k->x.why.s : "");
				report(k, i, lc, NULL, msg.s);
				kcovdf_buf_free(&msg);
			} else if (t == -1) {
				r->na++;
			} else {
				r->unknown++;
			}
			break;
		case R_UNIQUE:
			if (!(m[i] & 1))
				break;
			r->calls++;
			check_unique(k, i, lc);
			break;
		default:
			check_order(k, i, lc, m[i]);
		}
	}
	kcovdf_items_reset();
}

/* DOC streams are flat: returns are entries of their own. Pair each
 * return with the innermost open entry of the same function. */
static void check_doc(struct checker *k, size_t task)
{
	const struct kcovdf_calls *calls = k->tasks[task].calls;
	const struct kcovdf_call **open = NULL, **all = NULL;
	const struct kcovdf_rec **rets;
	size_t nopen = 0, nall = 0;
	const struct kcovdf_call *c;

	for (c = calls->root; c; c = c->next)
		nall++;
	all = xcalloc(nall, sizeof(*all));
	open = xcalloc(nall, sizeof(*open));
	rets = xcalloc(nall, sizeof(*rets));
	nall = 0;
	for (c = calls->root; c; c = c->next)
		all[nall++] = c;
	/* Index of each open entry in all[] is found by a scan from the top
	 * of the stack; entries closed by a later return are skipped as
	 * calls of their own. */
	{
		size_t *openidx = xcalloc(nall, sizeof(size_t));
		char *merged = xcalloc(nall, 1);

		for (size_t i = 0; i < nall; i++) {
			c = all[i];
			if (c->lost)
				continue;
			if (!c->no_entry) {
				openidx[nopen] = i;
				open[nopen++] = c;
				continue;
			}
			for (size_t j = nopen; j > 0; j--) {
				if (open[j - 1]->pc != c->pc)
					continue;
				rets[openidx[j - 1]] = &c->ret;
				merged[i] = 1;
				nopen = j - 1;
				break;
			}
		}
		for (size_t i = 0; i < nall; i++) {
			struct lcall lc = { .task = task, .c = all[i],
					    .ret = rets[i] };

			if (merged[i] || all[i]->lost)
				continue;
			check_call(k, &lc, KCOVDF_FMT_DOC);
		}
		free(openidx);
		free(merged);
	}
	free(all);
	free(open);
	free(rets);
}

static int cmp_occ(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;

	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	return x->c->index < y->c->index ? -1 : x->c->index > y->c->index;
}

/* Calls left unmatched when the scope of their key ends. */
static void finish_balances(struct checker *k)
{
	for (size_t ri = 0; ri < k->rs->n; ri++) {
		struct occs all = { 0 };
		struct rule *r = &k->rs->v[ri];
		int per_task = eff_scope(k, r) == S_TASK;

		for (size_t i = 0; i < k->nbals; i++) {
			struct bal *b = k->bals[i];

			if (b->rule != ri)
				continue;
			for (size_t j = 0; j < b->open.n; j++) {
				struct lcall lc = { .task = b->open.v[j].task,
						    .c = b->open.v[j].c,
						    .ret = b->open.v[j].ret };

				occ_push(&all, &lc);
			}
			for (size_t j = 0; j < b->extra.n; j++) {
				struct lcall lc = { .task = b->extra.v[j].task,
						    .c = b->extra.v[j].c,
						    .ret = b->extra.v[j].ret };

				occ_push(&all, &lc);
				all.v[all.n - 1].second = 1;
			}
		}
		if (all.n)
			qsort(all.v, all.n, sizeof(*all.v), cmp_occ);
		for (size_t i = 0; i < all.n; i++) {
			struct lcall lc = { .task = all.v[i].task,
					    .c = all.v[i].c,
					    .ret = all.v[i].ret };
			struct kcovdf_buf msg = { 0 };
			char buf[32];
			const char *name = call_name(all.v[i].c, buf,
						     sizeof(buf));

			if (!all.v[i].second)
				kcovdf_buf_printf(&msg, "never matched by %s%s",
						  r->b.globs[0], per_task ?
						  " in this task" : "");
			else
				kcovdf_buf_printf(&msg, "one %s more than %s",
						  name, r->a.globs[0]);
			report(k, ri, &lc, NULL, msg.s);
			kcovdf_buf_free(&msg);
		}
		free(all.v);
	}
}

int kcovdf_rules_check(struct kcovdf_rules *rs, struct kcovdf_sym *sym,
		       const struct kcovdf_check_task *tasks, size_t ntasks,
		       int kernel, kcovdf_violation_cb cb, void *arg,
		       char *err, size_t errlen)
{
	struct checker k = {
		.rs = rs, .sym = sym, .tasks = tasks, .ntasks = ntasks,
		.kernel = kernel, .cb = cb, .cbarg = arg,
	};
	int rc = 0;

	k.x.sym = sym;
	for (size_t i = 0; i < rs->n; i++) {
		struct rule *r = &rs->v[i];

		r->calls = r->checked = r->violations = r->unknown = r->na = 0;
		if (r->a.nkeys > MAX_KEYS) {
			snprintf(err, errlen, "%s:%d: at most %d keys",
				 rs->file, r->line, MAX_KEYS);
			return -1;
		}
		for (size_t j = 0; j < r->nnames; j++)
			r->names[j]->resolved = r->names[j]->used = 0;
	}
	for (size_t t = 0; t < ntasks; t++) {
		const struct kcovdf_stream *st = tasks[t].st;

		if (st->format == KCOVDF_FMT_DOC) {
			check_doc(&k, t);
			continue;
		}
		for (const struct kcovdf_call *c = tasks[t].calls->root; c;
		     c = kcovdf_call_next((struct kcovdf_call *)c)) {
			struct lcall lc = { .task = t, .c = c };

			if (!c->lost && !c->section)
				check_call(&k, &lc, (int)st->format);
		}
	}
	finish_balances(&k);
	/* A name that meant nothing in any call the rule applied to is a
	 * mistake in the rule (a typo), not a property of the trace. */
	for (size_t i = 0; i < rs->n && !rc; i++) {
		struct rule *r = &rs->v[i];

		for (size_t j = 0; j < r->nnames; j++) {
			struct node *n = r->names[j];

			if (!n->used || n->resolved)
				continue;
			snprintf(err, errlen, "%s:%d:%d: '%s' is no parameter, "
				 "field, enumerator or error name in any call "
				 "the rule applies to", rs->file, n->line,
				 n->col, n->name);
			rc = -1;
			break;
		}
	}
	for (size_t i = 0; i < k.match.cap; i++)
		if (k.match.e[i].key)
			free(k.match.e[i].val);
	hmap_free(&k.match, NULL);
	for (size_t i = 0; i < k.nbals; i++) {
		free(k.bals[i]->open.v);
		free(k.bals[i]->extra.v);
		free(k.bals[i]);
	}
	free(k.bals);
	hmap_free(&k.balmap, NULL);
	hmap_free(&k.uniq, free);
	hmap_free(&k.seen, NULL);
	kcovdf_buf_free(&k.x.why);
	return rc;
}
