// SPDX-License-Identifier: GPL-2.0
/*
 * The lexer of the rule language (docs/rules.md): logical lines (comments
 * removed, continuation lines joined, every byte keeping its line and
 * column in the file for messages) and their tokens. Errors are
 * "FILE:LINE:COLUMN: message"; the first one is kept.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

void rules_error(struct lexer *lx, size_t pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (lx->failed)
		return;
	lx->failed = 1;
	if (pos > lx->len)
		pos = lx->len;
	n = snprintf(lx->err, lx->errlen, "%s:%d:%d: ", lx->file,
		     lx->lines[pos], lx->cols[pos]);
	if (n < 0 || (size_t)n >= lx->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

void *rules_nomem(struct lexer *lx)
{
	if (!lx->failed)
		lx->oom = 1;
	rules_error(lx, lx->t.pos, "out of memory");
	return NULL;
}

int rules_logical_line(struct lexer *lx, const char *text, size_t len,
		       size_t *i, int *line, int *col)
{
	int first_line = *line, in_comment = 0, cont = 0;
	size_t n = 0;

	while (*i < len) {
		char c = text[*i];

		if (c == '\0') {
			lx->s[n] = 0;
			lx->len = n;
			lx->lines[n] = *line;
			lx->cols[n] = *col;
			rules_error(lx, n, "NUL byte in the rules");
			return -1;
		}
		if (c == '\n') {
			/* A '\' ends the line before a CR too (CRLF). */
			size_t m = n && lx->s[n - 1] == '\r' ? n - 1 : n;

			(*i)++;
			(*line)++;
			*col = 1;
			if (m && lx->s[m - 1] == '\\' && !in_comment) {
				/* The '\' and the white space before it
				 * become one space; the next line's leading
				 * white space goes. */
				n = m - 1;
				while (n && (lx->s[n - 1] == ' ' ||
					     lx->s[n - 1] == '\t'))
					n--;
				lx->s[n++] = ' ';
				cont = 1;
				continue;
			}
			break;
		}
		if (cont && (c == ' ' || c == '\t')) {
			(*i)++;
			(*col)++;
			continue;
		}
		cont = 0;
		if (c == '#')
			in_comment = 1;
		(*i)++;
		(*col)++;
		if (in_comment)
			continue;
		lx->s[n] = c;
		lx->lines[n] = *line;
		lx->cols[n] = *col - 1;
		n++;
	}
	lx->s[n] = 0;
	lx->len = n;
	lx->lines[n] = n ? lx->lines[n - 1] : first_line;
	lx->cols[n] = n ? lx->cols[n - 1] + 1 : 1;
	lx->pos = 0;
	return 0;
}

const char *rules_tok_desc(const struct lexer *lx, char *buf, size_t len)
{
	size_t n = 0, k = lx->t.len > 40 ? 40 : lx->t.len;

	if (lx->t.kind == T_EOF)
		return "the end of the rule";
	/* 'tok', without raw bytes: a character literal may hold any. */
	buf[n++] = '\'';
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)lx->s[lx->t.pos + i];

		if (n + 4 + 2 > len)
			break;
		if (isprint(c))
			buf[n++] = (char)c;
		else
			n += (size_t)snprintf(buf + n, len - n, "\\x%02x", c);
	}
	buf[n++] = '\'';
	buf[n] = 0;
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

int rules_is_pat(int c)
{
	return is_ident(c) || c == '.' || c == '*' || c == '?' || c == '[' ||
	       c == ']' || c == '$';
}

void rules_skip_space(struct lexer *lx)
{
	while (lx->pos < lx->len && isspace((unsigned char)lx->s[lx->pos]))
		lx->pos++;
}

/* 42, 0x2a, 1.5 (strtod: also 1.5e3). */
static void lex_number(struct lexer *lx)
{
	const char *s = lx->s + lx->pos;
	char *end;
	struct tok *t = &lx->t;

	t->kind = T_NUM;
	memset(&t->num, 0, sizeof(t->num));
	t->num.kind = KCOVDF_NUM_INT;
	errno = 0;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		/* strtoull() would read "0x" without digits as 0. */
		if (!isxdigit((unsigned char)s[2])) {
			rules_error(lx, lx->pos, "bad hexadecimal number");
			end = (char *)s + 2;
		} else {
			t->num.u = strtoull(s, &end, 16);
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
		rules_error(lx, lx->pos, "number out of range (64 bits)");
	if (is_ident(*end))
		rules_error(lx, lx->pos + (size_t)(end - s),
			    "unexpected '%c' in a number", *end);
	t->len = (size_t)(end - s);
	lx->pos += t->len;
}

/* 'a', '\n', '\0', '\\', '\''. */
static void lex_char(struct lexer *lx)
{
	static const char from[] = "nrt0\\'", to[] = "\n\r\t\0\\'";
	const char *s = lx->s + lx->pos;
	unsigned char c = (unsigned char)s[1];
	size_t n = 3;

	if (c == '\\') {
		const char *q = s[2] ? strchr(from, s[2]) : NULL;

		if (!q) {
			rules_error(lx, lx->pos, "bad character escape");
			return;
		}
		c = (unsigned char)to[q - from];
		n = 4;
	}
	if (!c && n == 3) {
		rules_error(lx, lx->pos, "bad character literal");
		return;
	}
	if (lx->pos + n > lx->len || s[n - 1] != '\'') {
		rules_error(lx, lx->pos, "unterminated character literal");
		return;
	}
	lx->t.kind = T_NUM;
	memset(&lx->t.num, 0, sizeof(lx->t.num));
	lx->t.num.kind = KCOVDF_NUM_INT;
	lx->t.num.u = c;
	lx->t.len = n;
	lx->pos += n;
}

void rules_next(struct lexer *lx)
{
	static const char *const ops2[] = {
		"=>", "==", "!=", "<=", ">=", "&&", "||", "->",
	};
	const char *s;

	rules_skip_space(lx);
	lx->t.pos = lx->pos;
	lx->t.len = 0;
	if (lx->pos >= lx->len) {
		lx->t.kind = T_EOF;
		return;
	}
	s = lx->s + lx->pos;
	if (is_ident_start((unsigned char)s[0])) {
		size_t n = 0;

		while (is_ident((unsigned char)s[n]))
			n++;
		lx->t.kind = T_IDENT;
		lx->t.len = n;
		lx->pos += n;
		return;
	}
	if (isdigit((unsigned char)s[0])) {
		lex_number(lx);
		return;
	}
	if (s[0] == '\'') {
		lex_char(lx);
		return;
	}
	for (size_t i = 0; i < sizeof(ops2) / sizeof(ops2[0]); i++) {
		if (!strncmp(s, ops2[i], 2)) {
			lx->t.kind = T_OP;
			lx->t.len = 2;
			lx->pos += 2;
			return;
		}
	}
	/* Glob characters are tokens too, so that the parser can rescan a
	 * function pattern; anywhere else the parser rejects them. */
	if (strchr("<>!&(){},:.-+*?[]$", s[0])) {
		lx->t.kind = T_OP;
		lx->t.len = 1;
		lx->pos++;
		return;
	}
	if (s[0] == '=')
		rules_error(lx, lx->pos,
			    "'=' is not an operator: compare with '=='");
	else if (s[0] == '|')
		rules_error(lx, lx->pos,
			    "'|' is not an operator: 'or' is '||'");
	else if (isprint((unsigned char)s[0]))
		rules_error(lx, lx->pos, "unexpected character '%c'", s[0]);
	else	/* a control character or a byte of UTF-8: not raw */
		rules_error(lx, lx->pos, "unexpected character '\\x%02x'",
			    (unsigned char)s[0]);
	lx->t.kind = T_EOF;
}

int rules_is_op(const struct lexer *lx, const char *op)
{
	return lx->t.kind == T_OP && lx->t.len == strlen(op) &&
	       !strncmp(lx->s + lx->t.pos, op, lx->t.len);
}

int rules_is_word(const struct lexer *lx, const char *w)
{
	return lx->t.kind == T_IDENT && lx->t.len == strlen(w) &&
	       !strncmp(lx->s + lx->t.pos, w, lx->t.len);
}

int rules_is_reserved(const struct lexer *lx)
{
	static const char *const reserved[] = {
		"and", "or", "not", "in", "when", "unique", "before",
		"balances", "per", "NULL", "true", "false", "is_err",
	};

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (rules_is_word(lx, reserved[i]))
			return 1;
	return 0;
}

void rules_expect_op(struct lexer *lx, const char *op, const char *what)
{
	char buf[RULES_TOK_DESC];

	if (!rules_is_op(lx, op)) {
		rules_error(lx, lx->t.pos, "expected %s, found %s", what,
			    rules_tok_desc(lx, buf, sizeof(buf)));
		return;
	}
	rules_next(lx);
}
