// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the input is record words.
 *
 * Input: an 8-byte control word, then 64-bit little-endian record words
 * (trailing bytes that do not fill a word are ignored).
 *   control byte 0, bit 0: format (0 KCOVDF_FMT_DOC, 1 KCOVDF_FMT_VERSIONED)
 *   control byte 0, bit 2: error names for negative returns
 *                          (kcovdf_fmt_errno_names)
 *   control byte 0, bit 1: describe values with a synthetic function whose
 *                          parameter and return types (the DWARF the
 *                          symboliser would give) are chosen by:
 *   control byte 1: bits 0-2 number of parameters, bits 3-7 return type
 *   control bytes 2-7: type of parameters 0-5 (bit 7: no name in DWARF)
 *
 * Checks (fuzz_check.h): every record stays inside the words given and
 * decodes the same from its own words; kcovdf_walk's records cover exactly
 * the words on success; kcovdf_walk_buffer agrees with kcovdf_walk and
 * refuses counts beyond the buffer; the call tree holds exactly the records;
 * every value prints as text without control characters and as valid JSON,
 * also through kcovdf_fmt_scalar() with every synthetic type and with field
 * flags taken from the record (for the first 32 records).
 */
#include "fuzz_check.h"

/* ---- synthetic types, as lib/sym.c would build them from DWARF ---- */

enum {
	T_INT, T_ULONG, T_CHAR, T_BOOL, T_FLOAT, T_DOUBLE, T_ENUM, T_UENUM,
	T_PTR_S, T_STRUCT_S, T_UNION_U, T_LONG, T_VOIDP, T_SHORT, T_ARRAY,
	T_ODDNAME, T_CHARARR, T_U16ARR, T_USHORT, T_VOID, T_UNKNOWN,
	/* wider than 64 bits, and strings (format revision 2) */
	T_LDOUBLE, T_I128, T_U128, T_F128, T_V4SI, T_CDOUBLE, T_CFLOAT,
	T_HALF, T_CHARP, T_BITINT, NTYPES
};

static struct kcovdf_type types[NTYPES];

static struct kcovdf_enumerator mode_enums[] = {
	{ -1, "MODE_NEG" }, { 0, "MODE_OFF" }, { 1, "MODE_ON" },
	{ INT64_MIN, "MODE_MIN" },
};
static struct kcovdf_enumerator flag_enums[] = {
	{ 1, "F_ONE" }, { -1, "F_ALL" }, { 0x7fffffff, "F_\"q\"" },
};

static struct kcovdf_tfield s_fields[] = {
	{ "a", 0, 4, 0, 0, KCOV_DF_FIELD_SIGNED, &types[T_INT] },
	{ "b.c", 8, 8, 0, 0, 0, &types[T_ULONG] },
	{ "bits", 16, 4, 3, 5, KCOV_DF_FIELD_SIGNED, &types[T_INT] },
	{ "name", 20, 8, 0, 0, KCOV_DF_FIELD_ARRAY, &types[T_ARRAY] },
	{ "f", 28, 4, 0, 0, KCOV_DF_FIELD_FLOAT, &types[T_FLOAT] },
	{ "e", 32, 4, 0, 0, KCOV_DF_FIELD_ENUM | KCOV_DF_FIELD_SIGNED,
	  &types[T_ENUM] },
	{ "p", 40, 8, 0, 0, KCOV_DF_FIELD_PTR, &types[T_VOIDP] },
	{ "ok", 48, 1, 0, 0, KCOV_DF_FIELD_BOOL, &types[T_BOOL] },
	{ "d", 50, 8, 0, 0, KCOV_DF_FIELD_FLOAT, &types[T_DOUBLE] },
};
static struct kcovdf_tfield u_fields[] = {
	{ "i", 0, 4, 0, 0, KCOV_DF_FIELD_SIGNED, &types[T_INT] },
	{ "d", 0, 8, 0, 0, KCOV_DF_FIELD_FLOAT, &types[T_DOUBLE] },
};

static void init_types(void)
{
	static int done;
	struct kcovdf_type *t = types;

	if (done)
		return;
	done = 1;
	t[T_INT] = (struct kcovdf_type){ .kind = KCOVDF_T_INT, .name = "int",
		.size = 4, .is_signed = 1 };
	t[T_ULONG] = (struct kcovdf_type){ .kind = KCOVDF_T_INT,
		.name = "unsigned long", .size = 8 };
	t[T_CHAR] = (struct kcovdf_type){ .kind = KCOVDF_T_INT, .name = "char",
		.size = 1, .is_signed = 1, .is_char = 1 };
	t[T_BOOL] = (struct kcovdf_type){ .kind = KCOVDF_T_BOOL,
		.name = "_Bool", .size = 1 };
	t[T_FLOAT] = (struct kcovdf_type){ .kind = KCOVDF_T_FLOAT,
		.name = "float", .size = 4 };
	t[T_DOUBLE] = (struct kcovdf_type){ .kind = KCOVDF_T_FLOAT,
		.name = "double", .size = 8 };
	t[T_ENUM] = (struct kcovdf_type){ .kind = KCOVDF_T_ENUM,
		.name = "enum mode", .size = 4, .is_signed = 1,
		.enums = mode_enums,
		.nenums = sizeof(mode_enums) / sizeof(mode_enums[0]) };
	t[T_UENUM] = (struct kcovdf_type){ .kind = KCOVDF_T_ENUM,
		.name = "enum flags", .size = 8, .enums = flag_enums,
		.nenums = sizeof(flag_enums) / sizeof(flag_enums[0]) };
	t[T_PTR_S] = (struct kcovdf_type){ .kind = KCOVDF_T_PTR,
		.name = "struct s *", .size = 8, .target = &t[T_STRUCT_S],
		.fields = s_fields,
		.nfields = sizeof(s_fields) / sizeof(s_fields[0]),
		.object_name = "struct s" };
	t[T_STRUCT_S] = (struct kcovdf_type){ .kind = KCOVDF_T_STRUCT,
		.name = "struct s", .size = 58, .fields = s_fields,
		.nfields = sizeof(s_fields) / sizeof(s_fields[0]),
		.fields_trunc = 1, .object_name = "struct s" };
	t[T_UNION_U] = (struct kcovdf_type){ .kind = KCOVDF_T_UNION,
		.name = "union u", .size = 8, .fields = u_fields,
		.nfields = sizeof(u_fields) / sizeof(u_fields[0]),
		.object_name = "union u" };
	t[T_LONG] = (struct kcovdf_type){ .kind = KCOVDF_T_INT, .name = "long",
		.size = 8, .is_signed = 1 };
	t[T_VOIDP] = (struct kcovdf_type){ .kind = KCOVDF_T_PTR,
		.name = "void *", .size = 8, .target = &t[T_VOID] };
	t[T_SHORT] = (struct kcovdf_type){ .kind = KCOVDF_T_INT,
		.name = "short", .size = 2, .is_signed = 1 };
	t[T_ARRAY] = (struct kcovdf_type){ .kind = KCOVDF_T_ARRAY,
		.name = "u8[16]", .size = 16 };
	/* A name that needs every kind of JSON escaping. */
	t[T_ODDNAME] = (struct kcovdf_type){ .kind = KCOVDF_T_INT,
		.name = "odd \"type\"\\\n\t\x01\x7f caf\xc3\xa9", .size = 8 };
	t[T_CHARARR] = (struct kcovdf_type){ .kind = KCOVDF_T_ARRAY,
		.name = "char[12]", .size = 12, .target = &t[T_CHAR] };
	t[T_U16ARR] = (struct kcovdf_type){ .kind = KCOVDF_T_ARRAY,
		.name = "unsigned short[3]", .size = 6, .target = &t[T_USHORT] };
	t[T_USHORT] = (struct kcovdf_type){ .kind = KCOVDF_T_INT,
		.name = "unsigned short", .size = 2 };
	t[T_VOID] = (struct kcovdf_type){ .kind = KCOVDF_T_VOID,
		.name = "void" };
	t[T_LDOUBLE] = (struct kcovdf_type){ .kind = KCOVDF_T_FLOAT,
		.name = "long double", .size = 16,
		.float_fmt = KCOVDF_FLT_X87 };
	t[T_I128] = (struct kcovdf_type){ .kind = KCOVDF_T_INT,
		.name = "__int128", .size = 16, .is_signed = 1 };
	t[T_U128] = (struct kcovdf_type){ .kind = KCOVDF_T_INT,
		.name = "unsigned __int128", .size = 16 };
	t[T_F128] = (struct kcovdf_type){ .kind = KCOVDF_T_FLOAT,
		.name = "_Float128", .size = 16, .float_fmt = KCOVDF_FLT_QUAD };
	t[T_V4SI] = (struct kcovdf_type){ .kind = KCOVDF_T_ARRAY,
		.name = "v4si", .size = 16, .is_vector = 1, .target = &t[T_INT] };
	t[T_CDOUBLE] = (struct kcovdf_type){ .kind = KCOVDF_T_FLOAT,
		.name = "complex", .size = 16, .is_complex = 1 };
	t[T_CFLOAT] = (struct kcovdf_type){ .kind = KCOVDF_T_FLOAT,
		.name = "complex", .size = 8, .is_complex = 1 };
	t[T_HALF] = (struct kcovdf_type){ .kind = KCOVDF_T_FLOAT,
		.name = "_Float16", .size = 2, .float_fmt = KCOVDF_FLT_HALF };
	t[T_CHARP] = (struct kcovdf_type){ .kind = KCOVDF_T_PTR,
		.name = "const char *", .size = 8, .target = &t[T_CHAR] };
	t[T_BITINT] = (struct kcovdf_type){ .kind = KCOVDF_T_INT,
		.name = "_BitInt(800)", .size = 100, .is_signed = 1 };
}

static const struct kcovdf_type *type_of(unsigned int sel)
{
	sel %= NTYPES;
	return sel == T_UNKNOWN ? NULL : &types[sel];
}

static const char *const param_names[] = {
	"a", "len", "\"quoted\"", "p", "flags", "caf\xc3\xa9",
};

static void make_fn(struct kcovdf_fn *fn, struct kcovdf_param *params,
		    const uint8_t *ctl)
{
	memset(fn, 0, sizeof(*fn));
	fn->name = "fuzz_fn";
	fn->have_dwarf = 1;
	fn->params = params;
	fn->nparams = ctl[1] & 7;
	if (fn->nparams > 6)
		fn->nparams = 6;
	fn->ret = type_of(ctl[1] >> 3);
	for (size_t i = 0; i < fn->nparams; i++) {
		params[i].type = type_of(ctl[2 + i] & 0x7f);
		params[i].name = (ctl[2 + i] & 0x80) ? NULL
			: (char *)param_names[i];
	}
}

/* ---- per record: kcovdf_fmt_scalar with every type and flag set ---- */

static void scalar_both(const struct kcovdf_type *t, uint64_t v,
			unsigned int size, unsigned int fflags)
{
	struct kcovdf_buf b = { 0 };

	kcovdf_fmt_scalar(&b, t, v, size, fflags, 1);
	fz_require_json(&b, "JSON of kcovdf_fmt_scalar()");
	kcovdf_buf_free(&b);
	kcovdf_fmt_scalar(&b, t, v, size, fflags, 0);
	FZ_CHECK(b.len, "kcovdf_fmt_scalar() printed nothing");
	fz_require_text(&b, "text of kcovdf_fmt_scalar()");
	kcovdf_buf_free(&b);
}

static int scalar_cb(const struct kcovdf_rec *r, void *arg)
{
	unsigned int *seen = arg;

	/* Every type for every record is slow; the first records suffice. */
	if (++*seen > 32)
		return 1;
	/* Flags as a layout would give them, taken from the record. */
	scalar_both(NULL, r->value, r->size, r->argidx & 0x7f);
	scalar_both(NULL, r->value, 0, (r->argidx >> 1) & 0x7f);
	for (unsigned int i = 0; i < NTYPES; i++)
		scalar_both(type_of(i), r->value, r->size, 0);
	for (unsigned int i = 0; i < r->nfields && i < 4; i++)
		scalar_both(type_of((unsigned int)(r->fields[i] >> 59)),
			    r->fields[i], 0, (unsigned int)(r->fields[i] >> 57));
	return 0;
}

/* ---- kcovdf_walk_buffer against kcovdf_walk ---- */

struct seq {
	uint64_t *pcs;
	size_t n, cap;
};

static int seq_cb(const struct kcovdf_rec *r, void *arg)
{
	struct seq *s = arg;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		s->pcs = realloc(s->pcs, s->cap * 2 * sizeof(*s->pcs));
		FZ_CHECK(s->pcs, "out of memory");
	}
	s->pcs[2 * s->n] = r->pc;
	s->pcs[2 * s->n + 1] = r->words;
	s->n++;
	return 0;
}

static void check_buffer(int format, const uint64_t *words, size_t n)
{
	uint64_t *buf = malloc((n + 1) * 8);
	struct seq a = { 0 }, b = { 0 };
	char err[300];
	int ra, rb;

	FZ_CHECK(buf, "out of memory");
	if (n)
		memcpy(buf + 1, words, n * 8);
	/* Exactly the words: the same records as a plain walk. */
	buf[0] = n;
	ra = kcovdf_walk(format, words, n, seq_cb, &a, NULL, 0);
	rb = kcovdf_walk_buffer(format, buf, n + 1, seq_cb, &b, err,
				sizeof(err));
	FZ_CHECK(ra == rb && a.n == b.n &&
		 (!a.n || !memcmp(a.pcs, b.pcs, a.n * 16)),
		 "walk_buffer and walk disagree");
	/* A count beyond the mapping is refused before any record. */
	buf[0] = n + 1;
	b.n = 0;
	rb = kcovdf_walk_buffer(format, buf, n + 1, seq_cb, &b, err,
				sizeof(err));
	FZ_CHECK(rb == -1 && b.n == 0 && strstr(err, "exceeds"),
		 "walk_buffer accepts a count beyond its buffer");
	buf[0] = UINT64_MAX;
	rb = kcovdf_walk_buffer(format, buf, n + 1, seq_cb, &b, err,
				sizeof(err));
	FZ_CHECK(rb == -1 && b.n == 0, "walk_buffer accepts count 2^64-1");
	/* The input's own first word as the count. */
	if (n) {
		uint64_t cnt = words[0];

		a.n = b.n = 0;
		rb = kcovdf_walk_buffer(format, words, n, seq_cb, &b, err,
					sizeof(err));
		if (cnt > n - 1) {
			FZ_CHECK(rb == -1 && b.n == 0,
				 "walk_buffer accepts count %" PRIu64
				 " in %zu words", cnt, n);
		} else {
			ra = kcovdf_walk(format, words + 1, (size_t)cnt,
					 seq_cb, &a, NULL, 0);
			FZ_CHECK(ra == rb && a.n == b.n &&
				 (!a.n || !memcmp(a.pcs, b.pcs, a.n * 16)),
				 "walk_buffer and walk disagree");
		}
	}
	free(a.pcs);
	free(b.pcs);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kcovdf_param params[6];
	struct kcovdf_fn fn;
	struct kcovdf_stream st = { .pid = 1, .tid = 1 };
	struct kcovdf_calls calls;
	struct fz_walk w;
	uint64_t *words;
	size_t n;
	char err[300];
	int format, wrc, rc;

	if (size < 8)
		return 0;
	init_types();
	format = (data[0] & 1) ? KCOVDF_FMT_VERSIONED : KCOVDF_FMT_DOC;
	kcovdf_fmt_errno_names(test_fmt(), !!(data[0] & 4));
	make_fn(&fn, params, data);
	n = (size - 8) / 8;
	/* Exactly n words on the heap: ASan sees any read past the end. */
	words = malloc(n ? n * 8 : 1);
	FZ_CHECK(words, "out of memory");
	if (n)
		memcpy(words, data + 8, n * 8);

	wrc = fz_walk_checked(format, words, n, &w);
	check_buffer(format, words, n);
	{
		unsigned int seen = 0;

		kcovdf_walk(format, words, n, scalar_cb, &seen, NULL, 0);
	}

	st.format = (uint32_t)format;
	st.words = words;
	st.nwords = n;
	err[0] = 0;
	rc = kcovdf_calls_build(&st, NULL, &calls, err, sizeof(err));
	FZ_CHECK(rc == 0 || err[0], "call builder failed silently");
	fz_check_calls(&st, &calls, rc, &w, wrc);
	for (struct kcovdf_call *c = calls.root; c; c = kcovdf_call_next(c))
		fz_format_call(c, format, (data[0] & 2) ? &fn : NULL, 1);
	kcovdf_calls_free(&calls);
	kcovdf_val_reset(test_fmt());
	free(words);
	return 0;
}
