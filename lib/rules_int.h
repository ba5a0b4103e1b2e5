/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Contract rules (docs/rules.md), inside libkcovdf: what the lexer
 * (rules_lex.c), the parser (rules_parse.c), the evaluator (rules_eval.c)
 * and the checker (rules_check.c) share. The public interface is in
 * kcovdf.h; nothing here is for the tools.
 *
 * No global state: a rules file is a struct kcovdf_rules, a parse a
 * struct lexer, an evaluation a struct ctx, a check a struct checker on the
 * caller's stack. Bad input is an error returned with its position;
 * running out of memory is an error too (ENOMEM): the parse fails with
 * "out of memory" at the token it reached, the check stops and fails.
 */
#ifndef KCOVDF_RULES_INT_H
#define KCOVDF_RULES_INT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_int.h"

/* ------------------------------------------------------------------ */
/* Syntax tree                                                         */
/* ------------------------------------------------------------------ */

enum node_kind {
	N_NUM, N_NAME, N_NEG, N_NOT, N_AND, N_OR, N_IMPL, N_CMP, N_IN,
	N_BITAND, N_ISERR, N_ADD, N_SUB,
};

enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct node {
	int kind;		/* enum node_kind */
	int op;			/* N_CMP: enum cmp_op */
	int line, col;		/* where it was written */
	int depth;		/* levels of the tree from here down (1: a leaf) */
	struct node *a, *b;	/* operands (a alone for N_NEG, N_NOT, N_ISERR,
				 * and the value of N_IN) */
	struct node **list;	/* N_IN: the values in braces */
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

/*
 * How deep an expression may nest: parentheses, operands of operators, and
 * the levels of the tree (a chain `a + b + c ...` is as deep as it is
 * long). The parser, the evaluator and the printer recurse once a level,
 * so without a bound a long enough rules file overflows the stack. Real
 * rules nest a few levels.
 */
#define RULES_MAX_DEPTH	256

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
	int kind, scope;	/* enum rule_kind, enum scope */
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
/* Memory: NULL or -1 when out of memory; the callers turn that into  */
/* the parser's error or the checker's sticky out-of-memory flag.      */
/* ------------------------------------------------------------------ */

static inline void *rules_calloc(size_t n, size_t sz)
{
	return calloc(n ? n : 1, sz);
}

static inline char *rules_strndup(const char *s, size_t n)
{
	char *p = rules_calloc(1, n + 1);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* Append x to a growing array of pointers (capacity: powers of two).
 * -1 when out of memory: x is not in the array then. */
static inline int rules_push(void ***v, size_t *n, void *x)
{
	if (*n == 0 || !(*n & (*n - 1))) {
		size_t nc = *n ? 2 * *n : 1;
		void **nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = x;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Lexer (rules_lex.c)                                                 */
/* ------------------------------------------------------------------ */

enum tok_kind { T_EOF, T_IDENT, T_NUM, T_OP };

struct tok {
	int kind;		/* enum tok_kind */
	size_t pos, len;	/* in the logical line */
	struct kcovdf_num num;	/* T_NUM */
};

/*
 * The tokens of one logical line of a rules file. The first error stops
 * everything: it is kept in err ("FILE:LINE:COLUMN: message") and failed
 * is set; later errors are not reported.
 */
struct lexer {
	const char *file;
	char *s;		/* the logical line, comments removed */
	size_t len;
	int *lines, *cols;	/* source position of each byte (and of len) */
	size_t pos;		/* where the next token starts */
	struct tok t;		/* the current token */
	char *err;
	size_t errlen;
	int failed;
	int oom;		/* the error is "out of memory" (ENOMEM) */
};

/*
 * Read the next logical line of text[*i..len-1]: physical lines joined at
 * a trailing '\' (its white space folded into one space), without the
 * comment ('#' to the end of the physical line). *line and *col follow the
 * reader through the text. Returns 0, or -1 with the error set (a NUL byte).
 * lx->s, lines and cols must hold len + 1 entries.
 */
int rules_logical_line(struct lexer *lx, const char *text, size_t len,
		       size_t *i, int *line, int *col);

void rules_error(struct lexer *lx, size_t pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The error "out of memory" at the current token; always returns NULL. */
void *rules_nomem(struct lexer *lx);
/* Move to the next token (kind T_EOF at the end of the logical line). */
void rules_next(struct lexer *lx);
void rules_skip_space(struct lexer *lx);
/* Can c be part of a function pattern (fnmatch(3) glob)? */
int rules_is_pat(int c);
/* Is the current token this operator, this word, a reserved word? */
int rules_is_op(const struct lexer *lx, const char *op);
int rules_is_word(const struct lexer *lx, const char *w);
int rules_is_reserved(const struct lexer *lx);
/* The current token for a message: "'tok'" (at most 40 bytes of it,
 * those that are not printable ASCII written as \xNN) or "the end of the
 * rule". buf should hold RULES_TOK_DESC bytes. */
#define RULES_TOK_DESC	(2 + 40 * 4 + 1)
const char *rules_tok_desc(const struct lexer *lx, char *buf, size_t len);
/* Consume the operator op, or fail with "expected WHAT, found ...". */
void rules_expect_op(struct lexer *lx, const char *op, const char *what);

/* ------------------------------------------------------------------ */
/* Parser (rules_parse.c)                                              */
/* ------------------------------------------------------------------ */

void rules_free_node(struct node *n);

/* ------------------------------------------------------------------ */
/* Evaluator (rules_eval.c)                                            */
/* ------------------------------------------------------------------ */

enum tv { TV_F = 0, TV_T = 1, TV_U = 2 };

/* One call as rules see it: the call, and for DOC streams its return. */
struct lcall {
	size_t task;
	const struct kcovdf_call *c;
	const struct kcovdf_rec *ret;
};

/* Evaluating expressions of one call. why collects the values that
 * decided ("ret = 0, max = 4096"), for the violation's message. */
struct ctx {
	struct kcovdf_fmt *fmt;	/* the check's own: items of one call */
	struct kcovdf_sym *sym;
	int format;
	const struct lcall *lc;
	struct kcovdf_item *items;
	size_t nitems;
	int have_items;
	int na;			/* a name meant nothing in this call */
	int oom;		/* memory ran out: the check fails */
	struct kcovdf_buf why;
	const char *seen[16];
	size_t nseen;
};

/* Start on a call; start on a new expression of the same call. */
void rules_ctx_call(struct ctx *x, const struct lcall *lc, int format);
void rules_ctx_fresh(struct ctx *x);
/* The truth of an expression in the call: TV_T, TV_F, TV_U, or -1 when
 * the expression names something the call does not have. */
int rules_eval_truth(struct ctx *x, struct node *n);
/* The value of an expression (a key): 1 with *out set, 0 when unknown,
 * -1 when it names something the call does not have. */
int rules_eval_value(struct ctx *x, struct node *n, struct kcovdf_num *out);

#endif /* KCOVDF_RULES_INT_H */
