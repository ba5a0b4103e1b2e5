// SPDX-License-Identifier: GPL-2.0
/*
 * The parser of the rule language (docs/rules.md): rules, call patterns,
 * and expressions by precedence climbing over one table of operators
 * (token, precedence, associativity, node). Errors are
 * "FILE:LINE:COLUMN: message" (rules_error()).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

struct parser {
	struct lexer lx;
	struct rule *r;		/* the rule being parsed */
	int nest;		/* parse_binary() calls under way */
};

/* ------------------------------------------------------------------ */
/* Operators                                                           */
/* ------------------------------------------------------------------ */

enum assoc {
	A_LEFT,		/* a - b - c is (a - b) - c */
	A_RIGHT,	/* a => b => c is a => (b => c) */
	A_NONE,		/* a < b < c is a syntax error */
	A_PREFIX,	/* not a, -a */
};

/*
 * The operators, weakest first; a higher precedence binds tighter. `in`
 * takes a list in braces on its right instead of one operand.
 *
 * A prefix operator of precedence P may begin an operand that accepts
 * operators of precedence P or more, and its own operand is such an
 * operand. So `not` applies to a whole comparison (`not a == b`) and never
 * stands inside one (`a == not b` is an error), and unary minus takes a
 * primary.
 */
static const struct op {
	const char *tok;
	int word;		/* an identifier ("and"), not an operator */
	int prec;
	int assoc;		/* enum assoc */
	int kind;		/* enum node_kind */
	int cmp;		/* N_CMP: enum cmp_op */
} ops[] = {
	{ "=>",  0, 1, A_RIGHT,  N_IMPL,   0 },
	{ "or",  1, 2, A_LEFT,   N_OR,     0 },
	{ "||",  0, 2, A_LEFT,   N_OR,     0 },
	{ "and", 1, 3, A_LEFT,   N_AND,    0 },
	{ "&&",  0, 3, A_LEFT,   N_AND,    0 },
	{ "not", 1, 4, A_PREFIX, N_NOT,    0 },
	{ "!",   0, 4, A_PREFIX, N_NOT,    0 },
	{ "==",  0, 5, A_NONE,   N_CMP,    OP_EQ },
	{ "!=",  0, 5, A_NONE,   N_CMP,    OP_NE },
	{ "<",   0, 5, A_NONE,   N_CMP,    OP_LT },
	{ "<=",  0, 5, A_NONE,   N_CMP,    OP_LE },
	{ ">",   0, 5, A_NONE,   N_CMP,    OP_GT },
	{ ">=",  0, 5, A_NONE,   N_CMP,    OP_GE },
	{ "in",  1, 5, A_NONE,   N_IN,     0 },
	{ "&",   0, 6, A_LEFT,   N_BITAND, 0 },
	{ "+",   0, 7, A_LEFT,   N_ADD,    0 },
	{ "-",   0, 7, A_LEFT,   N_SUB,    0 },
	{ "-",   0, 8, A_PREFIX, N_NEG,    0 },
};

#define PREC_EXPR	1		/* a whole expression */
#define PREC_BITS	6		/* the items of `in {...}` */
#define PREC_PRIMARY	INT_MAX		/* a value, or one in parentheses */

/* The prefix (or else binary) operator that the current token is. */
static const struct op *op_here(const struct parser *p, int prefix)
{
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		const struct op *o = &ops[i];

		if ((o->assoc == A_PREFIX) == prefix &&
		    (o->word ? rules_is_word(&p->lx, o->tok) :
			       rules_is_op(&p->lx, o->tok)))
			return o;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Expressions                                                         */
/* ------------------------------------------------------------------ */

static struct node *new_node(struct parser *p, int kind, size_t pos)
{
	struct node *n = rules_calloc(1, sizeof(*n));

	if (!n)
		return rules_nomem(&p->lx);
	n->kind = kind;
	n->depth = 1;
	if (pos > p->lx.len)
		pos = p->lx.len;
	n->line = p->lx.lines[pos];
	n->col = p->lx.cols[pos];
	return n;
}

static void too_deep(struct parser *p, size_t pos)
{
	rules_error(&p->lx, pos, "expression nested too deeply (more than %d "
		    "levels)", RULES_MAX_DEPTH);
}

static int depth_of(const struct node *n)
{
	return n ? n->depth : 0;
}

/* The depth of n from its operands, which must not exceed the bound. */
static void set_depth(struct parser *p, struct node *n, size_t pos)
{
	int d = depth_of(n->a) > depth_of(n->b) ? depth_of(n->a) :
		depth_of(n->b);

	for (size_t i = 0; i < n->nlist; i++)
		if (depth_of(n->list[i]) > d)
			d = depth_of(n->list[i]);
	n->depth = d + 1;
	if (n->depth > RULES_MAX_DEPTH)
		too_deep(p, pos);
}

void rules_free_node(struct node *n)
{
	if (!n)
		return;
	rules_free_node(n->a);
	rules_free_node(n->b);
	for (size_t i = 0; i < n->nlist; i++)
		rules_free_node(n->list[i]);
	free(n->list);
	free(n->name);
	free(n->first);
	free(n);
}

static struct node *parse_binary(struct parser *p, int min_prec);

static struct node *parse_expr(struct parser *p)
{
	return parse_binary(p, PREC_EXPR);
}

/* name := IDENT { ('.' | '->') IDENT } */
static struct node *parse_path(struct parser *p)
{
	struct lexer *lx = &p->lx;
	struct node *n = new_node(p, N_NAME, lx->t.pos);
	struct kcovdf_buf b = { 0 };
	size_t first_len = lx->t.len;

	if (!n)
		return NULL;
	kcovdf_buf_printf(&b, "%.*s", (int)lx->t.len, lx->s + lx->t.pos);
	rules_next(lx);
	while (rules_is_op(lx, ".") || rules_is_op(lx, "->")) {
		char buf[RULES_TOK_DESC];

		if (rules_is_op(lx, "->"))
			n->arrow = 1;
		rules_next(lx);
		if (lx->t.kind != T_IDENT) {
			rules_error(lx, lx->t.pos, "expected a field name, "
				    "found %s",
				    rules_tok_desc(lx, buf, sizeof(buf)));
			break;
		}
		kcovdf_buf_printf(&b, ".%.*s", (int)lx->t.len,
				  lx->s + lx->t.pos);
		rules_next(lx);
	}
	if (b.err) {
		/* The node goes with the tree it is returned into. */
		kcovdf_buf_free(&b);
		rules_nomem(lx);
		return n;
	}
	n->name = b.s;
	n->first = rules_strndup(b.s, first_len);
	n->rest = b.s[first_len] ? b.s + first_len + 1 : NULL;
	n->errno_val = n->rest ? 0 : kcovdf_errno_value(n->name);
	if (!n->first ||
	    rules_push((void ***)&p->r->names, &p->r->nnames, n))
		rules_nomem(lx);
	return n;
}

static struct node *num_node(struct parser *p, size_t pos, uint64_t u,
			     int is_ptr)
{
	struct node *n = new_node(p, N_NUM, pos);

	if (!n)
		return NULL;
	n->num.kind = KCOVDF_NUM_INT;
	n->num.u = u;
	n->num.is_ptr = is_ptr;
	return n;
}

/* primary := NUMBER | CHAR | 'NULL' | 'true' | 'false' | name
 *          | 'is_err' '(' expr ')' | '(' expr ')' */
static struct node *parse_primary(struct parser *p)
{
	struct lexer *lx = &p->lx;
	size_t pos = lx->t.pos;
	char buf[RULES_TOK_DESC];
	struct node *n;

	if (lx->failed)
		return NULL;
	if (lx->t.kind == T_NUM) {
		n = new_node(p, N_NUM, pos);
		if (!n)
			return NULL;
		n->num = lx->t.num;
		rules_next(lx);
		return n;
	}
	if (rules_is_op(lx, "(")) {
		rules_next(lx);
		n = parse_expr(p);
		rules_expect_op(lx, ")", "')'");
		return n;
	}
	if (rules_is_word(lx, "NULL")) {
		rules_next(lx);
		return num_node(p, pos, 0, 1);
	}
	if (rules_is_word(lx, "true") || rules_is_word(lx, "false")) {
		n = num_node(p, pos, rules_is_word(lx, "true"), 0);
		rules_next(lx);
		return n;
	}
	if (rules_is_word(lx, "is_err")) {
		rules_next(lx);
		n = new_node(p, N_ISERR, pos);
		if (!n)
			return NULL;
		rules_expect_op(lx, "(", "'(' after is_err");
		n->a = parse_expr(p);
		set_depth(p, n, pos);
		rules_expect_op(lx, ")", "')'");
		return n;
	}
	if (lx->t.kind == T_IDENT && !rules_is_reserved(lx))
		return parse_path(p);
	rules_error(lx, pos, "expected a value (number, name, NULL, '('), "
		    "found %s", rules_tok_desc(lx, buf, sizeof(buf)));
	return NULL;
}

/* A prefix operator allowed here and its operand, or a primary. *prec
 * is the precedence of what was parsed. */
static struct node *parse_prefix(struct parser *p, int min_prec, int *prec)
{
	const struct op *u = op_here(p, 1);
	struct node *n;
	size_t pos;

	if (!u || u->prec < min_prec) {
		*prec = PREC_PRIMARY;
		return parse_primary(p);
	}
	pos = p->lx.t.pos;
	n = new_node(p, u->kind, pos);
	if (!n)
		return NULL;
	rules_next(&p->lx);
	n->a = parse_binary(p, u->prec);
	set_depth(p, n, pos);
	*prec = u->prec;
	return n;
}

/*
 * open item {',' item} close, each item an operand of precedence
 * min_prec or more, appended to *v: the right side of `in` ('{' bits
 * {',' bits} '}') and a rule's keys ('(' expr {',' expr} ')').
 */
static void parse_list(struct parser *p, const char *open, const char *what,
		       const char *close, const char *what_close,
		       int min_prec, struct node ***v, size_t *n)
{
	rules_expect_op(&p->lx, open, what);
	while (!p->lx.failed) {
		struct node *x = parse_binary(p, min_prec);

		if (rules_push((void ***)v, n, x)) {
			rules_free_node(x);
			rules_nomem(&p->lx);
			return;
		}
		if (!rules_is_op(&p->lx, ","))
			break;
		rules_next(&p->lx);
	}
	rules_expect_op(&p->lx, close, what_close);
}

/*
 * Precedence climbing: an operand, then every binary operator of
 * precedence min_prec or more that may take what was parsed so far as its
 * left operand: one that binds less tightly than it, or as tightly and
 * associates to the left. So comparisons do not chain, and nothing takes
 * a `not ...` as its left operand but `and`, `or` and `=>`.
 */
static struct node *parse_binary(struct parser *p, int min_prec)
{
	int prec;
	struct node *n;
	const struct op *b;

	if (p->nest >= RULES_MAX_DEPTH) {
		too_deep(p, p->lx.t.pos);
		return NULL;
	}
	p->nest++;
	n = parse_prefix(p, min_prec, &prec);
	while (!p->lx.failed && (b = op_here(p, 0)) && b->prec >= min_prec &&
	       (b->prec < prec || (b->prec == prec && b->assoc == A_LEFT))) {
		size_t pos = p->lx.t.pos;
		struct node *m = new_node(p, b->kind, pos);

		if (!m)
			break;	/* n goes with the tree it is returned into */
		m->op = b->cmp;
		rules_next(&p->lx);
		m->a = n;
		if (b->kind == N_IN)
			parse_list(p, "{", "'{' after 'in'", "}",
				   "',' or '}'", PREC_BITS, &m->list,
				   &m->nlist);
		else
			m->b = parse_binary(p, b->assoc == A_RIGHT ? b->prec :
						   b->prec + 1);
		set_depth(p, m, pos);
		n = m;
		prec = b->prec;
	}
	p->nest--;
	return n;
}

/* ------------------------------------------------------------------ */
/* Rules                                                               */
/* ------------------------------------------------------------------ */

/* Where a function pattern that starts at pos ends: name and glob
 * characters, and within brackets also '-', '!' and '^' (ext4_[a-f]*,
 * [!_]*), which outside them are no part of a function's name. */
static size_t pattern_end(const struct lexer *lx, size_t pos)
{
	int bracket = 0;

	for (; pos < lx->len; pos++) {
		unsigned char c = (unsigned char)lx->s[pos];

		if (c == '[' || c == ']')
			bracket = c == '[';
		else if (!rules_is_pat(c) &&
			 !(bracket && (c == '-' || c == '!' || c == '^')))
			break;
	}
	return pos;
}

/* Function patterns: GLOB {',' GLOB}, read as raw text. */
static void parse_globs(struct parser *p, struct callpat *cp)
{
	struct lexer *lx = &p->lx;
	char buf[RULES_TOK_DESC];

	for (;;) {
		size_t start;
		char *glob;

		lx->pos = lx->t.pos;
		rules_skip_space(lx);
		start = lx->pos;
		lx->pos = pattern_end(lx, start);
		if (lx->pos == start) {
			rules_next(lx);
			rules_error(lx, start, "expected a function name or "
				    "pattern, found %s",
				    rules_tok_desc(lx, buf, sizeof(buf)));
			return;
		}
		glob = rules_strndup(lx->s + start, lx->pos - start);
		if (!glob ||
		    rules_push((void ***)&cp->globs, &cp->nglobs, glob)) {
			free(glob);
			rules_nomem(lx);
			return;
		}
		rules_next(lx);
		if (!rules_is_op(lx, ","))
			return;
		rules_next(lx);
	}
}

/* ['(' keys ')'] ['when' expr]: the keys are required for unique(). */
static void parse_keys_when(struct parser *p, struct callpat *cp,
			    int need_keys)
{
	if (!p->lx.failed && (need_keys || rules_is_op(&p->lx, "(")))
		parse_list(p, "(", "'('", ")", "',' or ')'", PREC_EXPR,
			   &cp->keys, &cp->nkeys);
	if (!p->lx.failed && rules_is_word(&p->lx, "when")) {
		rules_next(&p->lx);
		cp->when = parse_expr(p);
	}
}

/* ['per' ('task' | 'process' | 'trace')] */
static void parse_scope(struct parser *p, struct rule *r)
{
	static const struct { const char *word; int scope; } scopes[] = {
		{ "task", S_TASK }, { "process", S_PROCESS },
		{ "trace", S_TRACE },
	};
	struct lexer *lx = &p->lx;
	char buf[RULES_TOK_DESC];

	if (lx->failed || !rules_is_word(lx, "per"))
		return;
	rules_next(lx);
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		if (rules_is_word(lx, scopes[i].word)) {
			r->scope = scopes[i].scope;
			rules_next(lx);
			return;
		}
	}
	rules_error(lx, lx->t.pos, "expected task, process or trace after "
		    "'per', found %s", rules_tok_desc(lx, buf, sizeof(buf)));
}

/*
 * rule := funcs ':' expr
 *       | funcs ':' 'unique' '(' keys ')' ['when' expr] [scope]
 *       | callpat ('before' | 'balances') callpat [scope]
 */
static void parse_rule(struct parser *p)
{
	struct lexer *lx = &p->lx;
	struct rule *r = p->r;
	char buf[RULES_TOK_DESC];

	rules_next(lx);
	parse_globs(p, &r->a);
	if (lx->failed)
		return;
	if (rules_is_op(lx, ":")) {
		rules_next(lx);
		if (rules_is_word(lx, "unique")) {
			r->kind = R_UNIQUE;
			rules_next(lx);
			parse_keys_when(p, &r->a, 1);
			parse_scope(p, r);
		} else {
			r->kind = R_ASSERT;
			r->expr = parse_expr(p);
		}
	} else {
		size_t pos;

		parse_keys_when(p, &r->a, 0);
		if (lx->failed)
			return;
		if (rules_is_word(lx, "before")) {
			r->kind = R_BEFORE;
		} else if (rules_is_word(lx, "balances")) {
			r->kind = R_BALANCE;
		} else {
			rules_error(lx, lx->t.pos, "expected ':', 'before' or "
				    "'balances' after the function, found %s",
				    rules_tok_desc(lx, buf, sizeof(buf)));
			return;
		}
		rules_next(lx);
		parse_globs(p, &r->b);
		parse_keys_when(p, &r->b, 0);
		if (!lx->failed && r->a.nkeys != r->b.nkeys)
			rules_error(lx, lx->t.pos, "both sides need the same "
				    "number of keys (%zu and %zu)",
				    r->a.nkeys, r->b.nkeys);
		pos = lx->t.pos;
		parse_scope(p, r);
		if (!lx->failed && r->kind == R_BEFORE &&
		    r->scope != S_DEFAULT && r->scope != S_TASK)
			rules_error(lx, pos, "'before' compares the calls of "
				    "one task (tasks share no clock): only "
				    "'per task'");
	}
	if (!lx->failed && lx->t.kind != T_EOF)
		rules_error(lx, lx->t.pos, "expected the end of the rule, "
			    "found %s", rules_tok_desc(lx, buf, sizeof(buf)));
}

static void free_callpat(struct callpat *cp)
{
	for (size_t i = 0; i < cp->nglobs; i++)
		free(cp->globs[i]);
	free(cp->globs);
	for (size_t i = 0; i < cp->nkeys; i++)
		rules_free_node(cp->keys[i]);
	free(cp->keys);
	rules_free_node(cp->when);
}

static void free_rule(struct rule *r)
{
	free_callpat(&r->a);
	free_callpat(&r->b);
	rules_free_node(r->expr);
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
	struct kcovdf_rules *rs = rules_calloc(1, sizeof(*rs));
	struct parser p = {
		.lx = { .file = file, .err = err, .errlen = errlen },
	};
	struct lexer *lx = &p.lx;
	size_t i = 0, cap = 0;
	int line = 1, col = 1;

	if (rs)
		rs->file = strdup(file);
	if (len < SIZE_MAX / sizeof(int)) {
		lx->s = rules_calloc(len + 1, 1);
		lx->lines = rules_calloc(len + 1, sizeof(int));
		lx->cols = rules_calloc(len + 1, sizeof(int));
	}
	if (!rs || !rs->file || !lx->s || !lx->lines || !lx->cols) {
		/* No position to name yet. */
		if (err && errlen)
			snprintf(err, errlen, "%s: out of memory", file);
		lx->failed = lx->oom = 1;
	}
	while (i < len && !lx->failed) {
		size_t end;

		if (rules_logical_line(lx, text, len, &i, &line, &col))
			break;
		rules_skip_space(lx);
		if (lx->pos == lx->len)
			continue;
		if (rs->n == cap) {
			struct rule *nv = NULL;

			if (cap <= SIZE_MAX / 2 / sizeof(*nv))
				nv = realloc(rs->v, 2 * (cap ? cap : 4) *
					     sizeof(*nv));
			if (!nv) {
				rules_nomem(lx);
				break;
			}
			cap = 2 * (cap ? cap : 4);
			rs->v = nv;
		}
		p.r = &rs->v[rs->n++];
		memset(p.r, 0, sizeof(*p.r));
		p.r->line = lx->lines[lx->pos];
		end = lx->len;
		while (end > lx->pos && isspace((unsigned char)lx->s[end - 1]))
			end--;
		p.r->text = rules_strndup(lx->s + lx->pos, end - lx->pos);
		if (!p.r->text) {
			rules_nomem(lx);
			break;
		}
		lx->pos = 0;
		parse_rule(&p);
	}
	free(lx->s);
	free(lx->lines);
	free(lx->cols);
	if (lx->failed) {
		kcovdf_rules_free(rs);
		errno = lx->oom ? ENOMEM : EINVAL;
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
	static const char *const kinds[] = {
		[R_ASSERT] = "assert", [R_UNIQUE] = "unique",
		[R_BEFORE] = "before", [R_BALANCE] = "balances",
	};
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
