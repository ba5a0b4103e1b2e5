// SPDX-License-Identifier: GPL-2.0
/*
 * Evaluation of rule expressions in one call. Values are named and
 * compared through the items of query.c, so a rule sees exactly what
 * `kcovdf view` shows.
 *
 * Truth is three-valued: a comparison that needs a value the trace does not
 * have (optimized out, unreadable, a field of a NULL pointer, a return that
 * was never recorded) is unknown, and `and`, `or`, `not`, `=>` follow
 * Kleene's rules. A name that is nothing in the call (no parameter, field,
 * enumerator or error name) makes the expression not applicable to it.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

enum vkind {
	V_NUM,		/* a number */
	V_TV,		/* a truth value */
	V_UNK,		/* a value that was not recorded */
	V_NA,		/* a name that means nothing in the call */
	V_ENUMNAME,	/* a name to resolve against the other operand */
};

struct val {
	int k;			/* enum vkind */
	int tv;			/* V_TV: enum tv */
	struct kcovdf_num n;	/* V_NUM */
	const struct node *name;	/* V_ENUMNAME */
};

void rules_ctx_fresh(struct ctx *x)
{
	x->na = 0;
	x->nseen = 0;
	x->why.len = 0;
	if (x->why.s)
		x->why.s[0] = 0;
}

void rules_ctx_call(struct ctx *x, const struct lcall *lc, int format)
{
	x->lc = lc;
	x->format = format;
	x->have_items = 0;
	rules_ctx_fresh(x);
}

static void items(struct ctx *x)
{
	if (x->have_items)
		return;
	ssize_t n;

	n = kcovdf_call_items(x->fmt, x->sym, x->lc->c, x->lc->ret,
			      x->format, &x->items);
	x->nitems = n < 0 ? 0 : (size_t)n;
	if (n < 0)
		x->oom = 1;
	x->have_items = 1;
}

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

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

/* Does item it hold the value (rest NULL) or the field rest? */
static int item_is(const struct kcovdf_item *it, const char *rest)
{
	return rest ? it->field && !strcmp(it->field, rest) : !it->field;
}

enum { L_FOUND, L_UNKNOWN, L_NONE };

/* The return value or its field rest. */
static int lookup_ret(struct ctx *x, const struct node *n,
		      const struct kcovdf_item **out)
{
	const struct kcovdf_call *c = x->lc->c;
	const struct kcovdf_fn *fn = c->fn;

	for (size_t i = 0; i < x->nitems; i++) {
		if (x->items[i].is_ret && item_is(&x->items[i], n->rest)) {
			*out = &x->items[i];
			return L_FOUND;
		}
	}
	if (x->lc->ret || c->has_ret) {
		const struct kcovdf_rec *r = x->lc->ret ? x->lc->ret : &c->ret;

		/* void, or a struct returned by value: no value. */
		if ((r->flags & KCOV_DF_F_VOID) || !n->rest)
			return L_NONE;
		/* A NULL or ERR_PTR object has no fields. */
		return fn && has_field(fn->ret, n->rest) ? L_UNKNOWN : L_NONE;
	}
	if (fn && fn->ret && fn->ret->kind == KCOVDF_T_VOID)
		return L_NONE;
	if (n->rest && fn && fn->ret && !has_field(fn->ret, n->rest))
		return L_NONE;
	return L_UNKNOWN;	/* no return recorded */
}

/* Parameter idx or its field rest. */
static int lookup_arg(struct ctx *x, const struct node *n, int idx,
		      const struct kcovdf_item **out)
{
	const struct kcovdf_call *c = x->lc->c;
	const struct kcovdf_fn *fn = c->fn;
	int have_arg = 0;

	for (size_t i = 0; i < x->nitems; i++) {
		const struct kcovdf_item *it = &x->items[i];

		if (it->is_ret || it->argidx != (unsigned int)idx)
			continue;
		have_arg = 1;
		if (item_is(it, n->rest)) {
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
	/* Without DWARF: an object recorded without fields (NULL, ERR_PTR)
	 * may have had it. */
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

/* Find the item a name means in the current call: the return value, a
 * parameter, or a field of some argument named without the parameter.
 * L_UNKNOWN: the name means something, but this call has no value for it. */
static int lookup(struct ctx *x, const struct node *n,
		  const struct kcovdf_item **out)
{
	const struct kcovdf_fn *fn = x->lc->c->fn;
	int idx;

	items(x);
	if (!strcmp(n->first, "ret"))
		return lookup_ret(x, n, out);
	idx = param_index(x, n->first);
	if (idx >= 0)
		return lookup_arg(x, n, idx, out);
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

/* Add "name = value" to the values that decided (each name once). */
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
 * of the value it is compared with (other), or an error name. */
static struct val resolve_enum(struct ctx *x, struct val v,
			       const struct val *other)
{
	struct node *n = (struct node *)v.name;
	const struct kcovdf_type *t;
	struct val r = { .k = V_NUM };

	if (v.k != V_ENUMNAME)
		return v;
	r.n.kind = KCOVDF_NUM_INT;
	t = other && other->k == V_NUM ? other->n.type : NULL;
	for (size_t i = 0; t && i < t->nenums; i++) {
		if (!strcmp(t->enums[i].name, n->name)) {
			r.n.is_signed = t->is_signed || t->enums[i].value < 0;
			r.n.u = (uint64_t)t->enums[i].value;
			n->resolved = 1;
			return r;
		}
	}
	if (n->errno_val) {
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

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

static double num_double(const struct kcovdf_num *n)
{
	if (n->kind == KCOVDF_NUM_FLOAT)
		return n->d;
	return n->is_signed ? (double)(int64_t)n->u : (double)n->u;
}

/* A value alone is true when it is not zero. */
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

/* A truth value used as a number is 0 or 1. */
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
 * signed when an operand is (both, for &). + and - on a float give a
 * float; & on a float means nothing. */
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

/* ------------------------------------------------------------------ */
/* Expressions                                                         */
/* ------------------------------------------------------------------ */

static struct val eval(struct ctx *x, struct node *n);

/* The truth of an operand, its name resolved alone. */
static int eval_tv(struct ctx *x, struct node *n)
{
	return truth(resolve_enum(x, eval(x, n), NULL));
}

/* The two operands of a comparison or of arithmetic as numbers, a name on
 * one side resolved against the other: V_NUM when both are numbers, else
 * V_NA when one means nothing in the call, else V_UNK. */
static int eval_pair(struct ctx *x, struct node *n, struct val *a,
		     struct val *b)
{
	*a = eval(x, n->a);
	*b = eval(x, n->b);
	*a = as_num(resolve_enum(x, *a, b));
	*b = as_num(resolve_enum(x, *b, a));
	if (a->k == V_NA || b->k == V_NA)
		return V_NA;
	return a->k == V_NUM && b->k == V_NUM ? V_NUM : V_UNK;
}

static struct val eval_in(struct ctx *x, struct node *n)
{
	struct val a = eval(x, n->a), b;
	int any_u = 0;

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
	case N_CMP:
		ta = eval_pair(x, n, &a, &b);
		if (ta == V_NUM)
			return n->kind != N_CMP ? arith(n->kind, a, b) :
			       v_tv(cmp_holds(n->op, rule_cmp(a.n, b.n)));
		/* A comparison that cannot be decided is an unknown truth
		 * value; arithmetic on an unknown is an unknown number. */
		return n->kind == N_CMP && ta == V_UNK ? v_tv(TV_U) :
		       v_kind(ta);
	case N_IN:
		return eval_in(x, n);
	case N_ISERR:
		a = as_num(resolve_enum(x, eval(x, n->a), NULL));
		if (a.k != V_NUM)
			return a.k == V_NA ? a : v_tv(TV_U);
		/* -4095..-1 as a 64-bit value: an error code, or an
		 * ERR_PTR(). */
		return v_tv(a.n.kind == KCOVDF_NUM_INT &&
			    a.n.u >= (uint64_t)-4095);
	case N_NOT:
		ta = eval_tv(x, n->a);
		return v_tv(ta == TV_U ? TV_U : !ta);
	case N_AND:
	case N_OR: {
		/* The value that decides alone: false for and, true for or;
		 * else unknown if a side is, else the other value. */
		int alone = n->kind == N_AND ? TV_F : TV_T;

		ta = eval_tv(x, n->a);
		tb = eval_tv(x, n->b);
		if (ta == alone || tb == alone)
			return v_tv(alone);
		return v_tv(ta == TV_U || tb == TV_U ? TV_U : !alone);
	}
	case N_IMPL:
		ta = eval_tv(x, n->a);
		if (ta == TV_F)
			return v_tv(TV_T);
		tb = eval_tv(x, n->b);
		if (tb == TV_T)
			return v_tv(TV_T);
		return v_tv(ta == TV_T && tb == TV_F ? TV_F : TV_U);
	}
	return v_kind(V_NA);
}

int rules_eval_truth(struct ctx *x, struct node *n)
{
	struct val v = resolve_enum(x, eval(x, n), NULL);
	int t = truth(v);

	if (v.k == V_NA || (t == TV_U && x->na))
		return -1;
	return t;
}

int rules_eval_value(struct ctx *x, struct node *n, struct kcovdf_num *out)
{
	struct val v = as_num(resolve_enum(x, eval(x, n), NULL));

	if (v.k == V_NA)
		return -1;
	if (v.k != V_NUM)
		return 0;
	*out = v.n;
	return 1;
}
