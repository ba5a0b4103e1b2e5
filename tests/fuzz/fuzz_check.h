/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Invariant checks shared by the libFuzzer harnesses (fuzz_trace.c and
 * fuzz_records.c): a strict JSON validator, a record walk that checks what
 * every decoded record claims against the words it was given, and checks
 * of a call tree against the records it was built from. A failed check
 * prints what broke and aborts, which libFuzzer reports as a crash and
 * saves the input.
 */
#ifndef KCOVDF_FUZZ_CHECK_H
#define KCOVDF_FUZZ_CHECK_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf/kcovdf.h"
#include "../lib/test_fmt.h"

__attribute__((format(printf, 1, 2), noreturn))
static void fz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("INVARIANT FAILED: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

#define FZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			fz_fail(__VA_ARGS__);				\
	} while (0)

/* ------------------------------------------------------------------ */
/* Strict JSON (RFC 8259), UTF-8 (RFC 3629), no raw control characters */
/* ------------------------------------------------------------------ */

struct fz_json {
	const unsigned char *s, *end, *start;
	int depth;
	const char *why;
};

static int fz_j_value(struct fz_json *p);

static int fz_j_err(struct fz_json *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return 0;
}

static void fz_j_ws(struct fz_json *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' ||
				 *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static int fz_j_lit(struct fz_json *p, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, lit, n))
		return fz_j_err(p, "bad literal");
	p->s += n;
	return 1;
}

static int fz_j_hex4(struct fz_json *p, unsigned int *out)
{
	unsigned int v = 0;

	if (p->end - p->s < 4)
		return fz_j_err(p, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		unsigned char c = *p->s++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return fz_j_err(p, "bad hex digit in \\u escape");
	}
	*out = v;
	return 1;
}

/* One UTF-8 sequence starting at a byte >= 0x80: no overlong forms, no
 * surrogates, nothing above U+10FFFF, no C1 control characters. */
static int fz_j_utf8(struct fz_json *p)
{
	const unsigned char *s = p->s;
	unsigned int c = *s, n, cp, min;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 1; cp = c & 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 2; cp = c & 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 3; cp = c & 0x07; min = 0x10000;
	} else {
		return fz_j_err(p, "invalid UTF-8 lead byte");
	}
	if ((size_t)(p->end - s) < n + 1)
		return fz_j_err(p, "truncated UTF-8 sequence");
	for (unsigned int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return fz_j_err(p, "bad UTF-8 continuation byte");
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return fz_j_err(p, "overlong, surrogate or out-of-range UTF-8");
	if (cp >= 0x80 && cp <= 0x9f)
		return fz_j_err(p, "raw C1 control character");
	p->s += n + 1;
	return 1;
}

static int fz_j_string(struct fz_json *p)
{
	p->s++;	/* the opening quote */
	while (p->s < p->end) {
		unsigned char c = *p->s;

		if (c == '"') {
			p->s++;
			return 1;
		}
		if (c < 0x20 || c == 0x7f)
			return fz_j_err(p, "raw control character in a string");
		if (c >= 0x80) {
			if (!fz_j_utf8(p))
				return 0;
			continue;
		}
		p->s++;
		if (c != '\\')
			continue;
		if (p->s >= p->end)
			return fz_j_err(p, "string ends inside an escape");
		c = *p->s++;
		if (strchr("\"\\/bfnrt", c) && c)
			continue;
		if (c != 'u')
			return fz_j_err(p, "unknown escape");
		{
			unsigned int u, lo;

			if (!fz_j_hex4(p, &u))
				return 0;
			if (u >= 0xdc00 && u <= 0xdfff)
				return fz_j_err(p, "lone low surrogate");
			if (u >= 0xd800 && u <= 0xdbff) {
				if (p->end - p->s < 2 || p->s[0] != '\\' ||
				    p->s[1] != 'u')
					return fz_j_err(p, "lone high surrogate");
				p->s += 2;
				if (!fz_j_hex4(p, &lo))
					return 0;
				if (lo < 0xdc00 || lo > 0xdfff)
					return fz_j_err(p, "bad surrogate pair");
			}
		}
	}
	return fz_j_err(p, "unterminated string");
}

static int fz_j_digits(struct fz_json *p)
{
	const unsigned char *b = p->s;

	while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
		p->s++;
	return p->s > b;
}

static int fz_j_number(struct fz_json *p)
{
	if (p->s < p->end && *p->s == '-')
		p->s++;
	if (p->s < p->end && *p->s == '0') {
		p->s++;
	} else if (p->s < p->end && *p->s >= '1' && *p->s <= '9') {
		fz_j_digits(p);
	} else {
		return fz_j_err(p, "not a value");
	}
	if (p->s < p->end && *p->s == '.') {
		p->s++;
		if (!fz_j_digits(p))
			return fz_j_err(p, "no digits after '.'");
	}
	if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
		p->s++;
		if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
			p->s++;
		if (!fz_j_digits(p))
			return fz_j_err(p, "no digits in exponent");
	}
	return 1;
}

static int fz_j_container(struct fz_json *p, int obj)
{
	unsigned char close = obj ? '}' : ']';

	if (++p->depth > 64)
		return fz_j_err(p, "nested too deeply");
	p->s++;
	fz_j_ws(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		p->depth--;
		return 1;
	}
	for (;;) {
		fz_j_ws(p);
		if (obj) {
			if (p->s >= p->end || *p->s != '"')
				return fz_j_err(p, "object key is not a string");
			if (!fz_j_string(p))
				return 0;
			fz_j_ws(p);
			if (p->s >= p->end || *p->s != ':')
				return fz_j_err(p, "missing ':'");
			p->s++;
		}
		if (!fz_j_value(p))
			return 0;
		fz_j_ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			p->depth--;
			return 1;
		}
		return fz_j_err(p, "missing ',' or closing bracket");
	}
}

static int fz_j_value(struct fz_json *p)
{
	fz_j_ws(p);
	if (p->s >= p->end)
		return fz_j_err(p, "value expected");
	switch (*p->s) {
	case '{':
		return fz_j_container(p, 1);
	case '[':
		return fz_j_container(p, 0);
	case '"':
		return fz_j_string(p);
	case 't':
		return fz_j_lit(p, "true");
	case 'f':
		return fz_j_lit(p, "false");
	case 'n':
		return fz_j_lit(p, "null");
	default:
		return fz_j_number(p);
	}
}

/* Returns NULL when s[0..len-1] is one valid JSON text, else why not (and
 * the offset in *at). */
static const char *fz_json_check(const char *s, size_t len, size_t *at)
{
	struct fz_json p = {
		.s = (const unsigned char *)s,
		.end = (const unsigned char *)s + len,
		.start = (const unsigned char *)s,
	};

	if (fz_j_value(&p)) {
		fz_j_ws(&p);
		if (p.s != p.end)
			fz_j_err(&p, "text after the value");
	}
	*at = (size_t)(p.s - p.start);
	return p.why;
}

/* A kcovdf_buf holding JSON: must be valid, and NUL-terminated at len. */
static void fz_require_json(const struct kcovdf_buf *b, const char *what)
{
	const char *why;
	size_t at;

	FZ_CHECK(b->s, "%s: no JSON text produced", what);
	FZ_CHECK(b->s[b->len] == 0 && strlen(b->s) == b->len,
		 "%s: buffer not NUL-terminated at its length", what);
	why = fz_json_check(b->s, b->len, &at);
	FZ_CHECK(!why, "%s: invalid JSON (%s) at byte %zu of: %s", what, why,
		 at, b->s);
}

/* Text output: when anything was printed it is a C string of len bytes
 * without control characters. */
static void fz_require_text(const struct kcovdf_buf *b, const char *what)
{
	if (!b->s) {
		FZ_CHECK(b->len == 0, "%s: length without a buffer", what);
		return;
	}
	FZ_CHECK(b->s[b->len] == 0 && strlen(b->s) == b->len,
		 "%s: buffer not NUL-terminated at its length", what);
	for (size_t i = 0; i < b->len; i++)
		FZ_CHECK((unsigned char)b->s[i] >= 0x20 &&
			 (unsigned char)b->s[i] != 0x7f,
			 "%s: control character 0x%02x at byte %zu", what,
			 (unsigned char)b->s[i], i);
}

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

static int fz_rec_same(const struct kcovdf_rec *a, const struct kcovdf_rec *b)
{
	return a->kind == b->kind && a->flags == b->flags &&
	       a->argidx == b->argidx && a->size == b->size &&
	       a->pc == b->pc && a->value == b->value &&
	       a->type_id == b->type_id && a->unreadable == b->unreadable &&
	       a->nfields == b->nfields &&
	       (a->nfields == 0 || a->fields == b->fields) &&
	       a->seq == b->seq && a->words == b->words &&
	       a->task_pid == b->task_pid && a->rev == b->rev &&
	       a->str == b->str && a->str_len == b->str_len &&
	       a->wide == b->wide && a->wide_words == b->wide_words;
}

/* What one record may claim, given it starts at base[pos] of n words. */
static void fz_check_rec(int format, const uint64_t *base, size_t n,
			 size_t pos, const struct kcovdf_rec *r)
{
	const uint64_t *w = base + pos;

	FZ_CHECK(r->words >= (format == KCOVDF_FMT_DOC ? 4u : 3u),
		 "record at word %zu claims %u words", pos, r->words);
	FZ_CHECK(pos < n && r->words <= n - pos,
		 "record at word %zu of %u words extends past the %zu given",
		 pos, r->words, n);
	FZ_CHECK(r->kind == KCOVDF_REC_ARG || r->kind == KCOVDF_REC_RET ||
		 r->kind == KCOVDF_REC_LOST ||
		 (r->kind == KCOVDF_REC_SECTION && format == KCOVDF_FMT_VERSIONED),
		 "record at word %zu has kind %d", pos, r->kind);
	if (r->kind == KCOVDF_REC_SECTION)
		FZ_CHECK(r->words == 4 && r->pc == 0 && r->nfields == 0 &&
			 r->task_pid == w[3] && r->value == w[2] &&
			 !(r->flags & KCOV_DF_F_FIRST) ==
			 !!(r->flags & KCOV_DF_F_VOID),
			 "SECTION record at word %zu: %u words, pid %u", pos,
			 r->words, r->task_pid);
	FZ_CHECK(r->pc == w[1], "record at word %zu: pc is not word 1", pos);
	if (r->nfields) {
		FZ_CHECK(r->fields >= w + (format == KCOVDF_FMT_DOC ? 3 : 4) &&
			 r->fields + r->nfields <= w + r->words,
			 "record at word %zu: %u fields lie outside its %u "
			 "words", pos, r->nfields, r->words);
	}
	if (format == KCOVDF_FMT_DOC) {
		FZ_CHECK(r->nfields >= 1 && r->nfields <= KCOV_DF_DOC_MAX_VALS &&
			 r->words == KCOV_DF_DOC_HDR_WORDS + r->nfields,
			 "doc record at word %zu: %u values in %u words", pos,
			 r->nfields, r->words);
		FZ_CHECK(r->kind != KCOVDF_REC_LOST, "doc record is LOST");
		for (unsigned int i = 0; i < r->nfields; i++)
			FZ_CHECK(!!((r->unreadable >> i) & 1) ==
				 (r->fields[i] == KCOV_DF_BAD_READ),
				 "doc record at word %zu: unreadable bit %u "
				 "disagrees with the value", pos, i);
	} else {
		FZ_CHECK((KCOV_DF_V2_IS_HDR(w[0]) && r->rev == 2 &&
			  r->words == KCOV_DF_V2_WORDS(w[0])) ||
			 ((w[0] >> 56) == KCOVDF_R1_TAG && r->rev == 1 &&
			  r->words == 3 + KCOVDF_R1_NEXTRA(w[0])),
			 "versioned record at word %zu: length or revision "
			 "is not the header's", pos);
		FZ_CHECK(r->nfields <= KCOV_DF_MAX_FIELDS,
			 "versioned record at word %zu: %u fields", pos,
			 r->nfields);
		FZ_CHECK(r->nfields == 64 || !(r->unreadable >> r->nfields),
			 "versioned record at word %zu: unreadable bits "
			 "beyond the fields", pos);
		if (r->kind != KCOVDF_REC_SECTION &&
		    (r->kind == KCOVDF_REC_LOST ||
		     !(r->flags & (KCOV_DF_F_FIELDS | KCOV_DF_F_STRING |
				   KCOV_DF_F_WIDE))))
			FZ_CHECK(r->nfields == 0 && r->words == 3,
				 "versioned record at word %zu: words without "
				 "FIELDS, STRING or WIDE", pos);
		FZ_CHECK(r->rev == 2 || !(r->flags & ~0xfffu),
			 "revision 1 record at word %zu with flags 0x%x",
			 pos, r->flags);
		if (r->str)
			FZ_CHECK((r->flags & KCOV_DF_F_STRING) &&
				 r->str_len <= KCOV_DF_STR_MAX &&
				 r->str == w + 4 &&
				 r->str + (r->str_len + 7) / 8 <= w + r->words,
				 "string record at word %zu: %u bytes outside "
				 "its %u words", pos, r->str_len, r->words);
		else
			FZ_CHECK(r->str_len == 0, "string length without bytes");
		if (r->wide)
			FZ_CHECK((r->flags & KCOV_DF_F_WIDE) &&
				 r->wide == w + 2 && r->wide_words >= 1 &&
				 r->wide_words <= 1 + KCOV_DF_WIDE_MAX_EXTRA &&
				 r->wide + r->wide_words <= w + r->words,
				 "wide record at word %zu: %u words outside "
				 "its %u", pos, r->wide_words, r->words);
	}
}

struct fz_walk {
	int format;
	const uint64_t *base;
	size_t n, pos;
	size_t nrec, narg, nnoargs, nret, nlost, nsect;
};

static int fz_walk_cb(const struct kcovdf_rec *r, void *arg)
{
	struct fz_walk *s = arg;
	struct kcovdf_rec again;
	char err[200];
	int m;

	fz_check_rec(s->format, s->base, s->n, s->pos, r);
	/* A record decodes the same from exactly its own words, and not from
	 * one word fewer: its length comes from its header alone. */
	m = kcovdf_rec_decode(s->format, s->base + s->pos, r->words, &again,
			      err, sizeof(err));
	FZ_CHECK(m == (int)r->words && fz_rec_same(r, &again),
		 "record at word %zu decodes differently from its own words",
		 s->pos);
	m = kcovdf_rec_decode(s->format, s->base + s->pos, r->words - 1,
			      &again, err, sizeof(err));
	FZ_CHECK(m < 0 && err[0], "record at word %zu decodes from %u words "
		 "although it needs %u", s->pos, r->words - 1, r->words);
	s->pos += r->words;
	s->nrec++;
	if (r->kind == KCOVDF_REC_ARG) {
		if (s->format == KCOVDF_FMT_VERSIONED && (r->flags & KCOV_DF_F_NOARGS))
			s->nnoargs++;
		else
			s->narg++;
	} else if (r->kind == KCOVDF_REC_RET) {
		s->nret++;
	} else if (r->kind == KCOVDF_REC_SECTION) {
		s->nsect++;
	} else {
		s->nlost++;
	}
	return 0;
}

/* Walk words[0..n-1] checking every record; returns kcovdf_walk's result
 * with the counts of what was decoded before it stopped in *s. */
static int fz_walk_checked(int format, const uint64_t *words, size_t n,
			   struct fz_walk *s)
{
	char err[300] = "";
	struct kcovdf_rec r;
	int rc;

	memset(s, 0, sizeof(*s));
	s->format = format;
	s->base = words;
	s->n = n;
	rc = kcovdf_walk(format, words, n, fz_walk_cb, s, err, sizeof(err));
	if (rc == 0) {
		FZ_CHECK(s->pos == n, "walk succeeded but its records cover "
			 "%zu of %zu words", s->pos, n);
	} else {
		FZ_CHECK(rc == -1 && err[0], "walk failed (%d) without a "
			 "message", rc);
		FZ_CHECK(s->pos < n, "walk failed after covering all words");
		FZ_CHECK(kcovdf_rec_decode(format, words + s->pos, n - s->pos,
					   &r, NULL, 0) < 0,
			 "walk stopped at word %zu, which decodes", s->pos);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Calls                                                               */
/* ------------------------------------------------------------------ */

static void fz_check_rec_in(const struct kcovdf_stream *st,
			    const struct kcovdf_rec *r)
{
	if (r->nfields)
		FZ_CHECK(r->fields >= st->words &&
			 r->fields + r->nfields <= st->words + st->nwords,
			 "a call's record points outside its stream");
}

/* The tree is well formed and holds exactly the records the walk saw. */
static void fz_check_calls(const struct kcovdf_stream *st,
			   const struct kcovdf_calls *c, int rc,
			   const struct fz_walk *w, int walk_rc)
{
	size_t n = 0, nargs = 0, nrets = 0;

	FZ_CHECK((rc == 0) == (walk_rc == 0),
		 "call builder returned %d, record walk %d", rc, walk_rc);
	for (struct kcovdf_call *x = c->root; x; x = kcovdf_call_next(x)) {
		FZ_CHECK(++n <= c->ncalls, "pre-order walk visits more than "
			 "the %zu calls built", c->ncalls);
		FZ_CHECK(x->depth == (x->parent ? x->parent->depth + 1 : 0),
			 "call at depth %d under a parent at depth %d",
			 x->depth, x->parent ? x->parent->depth : -1);
		FZ_CHECK(c->nested || !x->child, "flat list has children");
		FZ_CHECK(!x->child || x->child->parent == x,
			 "child does not point back to its parent");
		FZ_CHECK(!x->nargs || x->args, "arguments without records");
		for (size_t i = 0; i < x->nargs; i++) {
			FZ_CHECK(x->args[i].kind == KCOVDF_REC_ARG &&
				 x->args[i].pc == x->pc,
				 "argument record of another kind or function");
			fz_check_rec_in(st, &x->args[i]);
		}
		if (x->has_ret) {
			FZ_CHECK(x->ret.kind == KCOVDF_REC_RET &&
				 x->ret.pc == x->pc,
				 "return record of another kind or function");
			fz_check_rec_in(st, &x->ret);
		}
		FZ_CHECK(!x->no_entry || x->has_ret, "no_entry without return");
		FZ_CHECK(!(x->no_exit && x->has_ret), "no_exit with a return");
		nargs += x->nargs;
		nrets += x->has_ret ? 1 : 0;
	}
	FZ_CHECK(n == c->ncalls, "pre-order walk visits %zu of %zu calls", n,
		 c->ncalls);
	FZ_CHECK(nargs == w->narg && nrets == w->nret,
		 "tree holds %zu args and %zu returns, the stream %zu and %zu",
		 nargs, nrets, w->narg, w->nret);
	FZ_CHECK(c->ncalls <= w->nrec, "%zu calls from %zu records",
		 c->ncalls, w->nrec);
}

/* ------------------------------------------------------------------ */
/* Values: text and JSON of every call, as `kcovdf view` prints them     */
/* ------------------------------------------------------------------ */

static void fz_json_val(struct kcovdf_buf *b, const struct kcovdf_val *v)
{
	kcovdf_buf_printf(b, "\"value\":");
	kcovdf_fmt_val(b, v, 1);
	if (v->type && v->type->name) {
		kcovdf_buf_printf(b, ",\"type\":");
		kcovdf_json_str(b, v->type->name);
	}
	kcovdf_fmt_val_json_extra(b, v);
}

/* Describe and print one call in text and in JSON; check both. */
static void fz_format_call(const struct kcovdf_call *c, int format,
			   const struct kcovdf_fn *fn, uint32_t pid)
{
	struct kcovdf_buf t = { 0 }, j = { 0 };
	struct kcovdf_val v;

	kcovdf_buf_printf(&j, "{\"pid\":%u,\"depth\":%d,", pid, c->depth);
	if (c->lost) {
		kcovdf_buf_printf(&j, "\"lost\":%" PRIu64 "}", c->lost);
		goto out;
	}
	kcovdf_buf_printf(&j, "\"func\":");
	if (fn && fn->name) {
		kcovdf_json_str(&j, fn->name);
	} else {
		char name[32];

		snprintf(name, sizeof(name), "0x%" PRIx64, c->pc);
		kcovdf_json_str(&j, name);
	}
	kcovdf_buf_printf(&j, ",\"pc\":%" PRIu64 ",\"args\":[", c->pc);
	for (size_t i = 0; i < c->nargs; i++) {
		kcovdf_val_describe(test_fmt(), NULL, fn, &c->args[i], format, &v);
		FZ_CHECK(v.name, "argument without a name");
		FZ_CHECK(!v.nfields || v.fields, "fields without values");
		kcovdf_buf_printf(&t, "%s%s=", i ? ", " : "", v.name);
		kcovdf_fmt_val(&t, &v, 0);
		kcovdf_buf_printf(&j, "%s{\"name\":", i ? "," : "");
		kcovdf_json_str(&j, v.name);
		kcovdf_buf_printf(&j, ",");
		fz_json_val(&j, &v);
		kcovdf_buf_printf(&j, "}");
	}
	kcovdf_buf_printf(&j, "],\"ret\":");
	if (c->has_ret) {
		kcovdf_val_describe(test_fmt(), NULL, fn, &c->ret, format, &v);
		FZ_CHECK(!v.nfields || v.fields, "fields without values");
		kcovdf_buf_printf(&t, " = ");
		kcovdf_fmt_val(&t, &v, 0);
		kcovdf_fmt_val(&j, &v, 1);
		if (!v.is_void) {
			kcovdf_buf_printf(&j, ",\"ret_detail\":{");
			fz_json_val(&j, &v);
			kcovdf_buf_printf(&j, "}");
		}
	} else {
		kcovdf_buf_printf(&j, "null");
	}
	if (c->no_entry)
		kcovdf_buf_printf(&j, ",\"no_entry\":true");
	if (c->no_exit)
		kcovdf_buf_printf(&j, ",\"no_exit\":true");
	kcovdf_buf_printf(&j, "}");
out:
	fz_require_text(&t, "text of a call");
	fz_require_json(&j, "JSON of a call");
	kcovdf_buf_free(&t);
	kcovdf_buf_free(&j);
	kcovdf_val_reset(test_fmt());
}

#endif
