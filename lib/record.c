// SPDX-License-Identifier: GPL-2.0
/*
 * The one record decoder. Both formats are walked from a known record start
 * using only the lengths the headers give; a word that is not a valid header
 * where one must be is an error, reported with its position, never skipped.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kcovdf_int.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Kernel pointers lose their top 16 bits in the DOC meta word. */
static uint64_t doc_raw_extend(uint64_t raw)
{
	if (raw & (1ULL << 47))
		raw |= 0xffff000000000000ULL;
	return raw;
}

static int decode_doc(const uint64_t *w, size_t avail, struct kcovdf_rec *r,
		      char *err, size_t errlen)
{
	uint64_t hdr = w[0], meta;
	unsigned int type, n;

	if (hdr >> 32)
		return fail(err, errlen,
			    "not a record header: 0x%016" PRIx64
			    " has bits above 31 set", hdr);
	type = KCOV_DF_DOC_TYPE(hdr);
	if (type != KCOV_DF_DOC_TYPE_ENTRY && type != KCOV_DF_DOC_TYPE_RET)
		return fail(err, errlen,
			    "not a record header: 0x%016" PRIx64
			    " has type 0x%x (want 0xe or 0xf)", hdr, type);
	n = KCOV_DF_DOC_NVALS(hdr);
	if (n == 0)
		n = 1;	/* as the documented reader does */
	if (avail < KCOV_DF_DOC_HDR_WORDS + (size_t)n)
		return fail(err, errlen,
			    "record of %u words runs past the end (%zu left)",
			    KCOV_DF_DOC_HDR_WORDS + n, avail);
	memset(r, 0, sizeof(*r));
	meta = w[2];
	r->kind = type == KCOV_DF_DOC_TYPE_ENTRY ? KCOVDF_REC_ARG
						  : KCOVDF_REC_RET;
	r->flags = 0;
	r->argidx = type == KCOV_DF_DOC_TYPE_ENTRY ? KCOV_DF_DOC_ARGIDX(meta)
						    : KCOV_DF_ARGIDX_NONE;
	r->size = KCOV_DF_DOC_SIZE(meta);
	r->pc = w[1];
	r->value = doc_raw_extend(KCOV_DF_DOC_RAW(meta));
	r->type_id = 0;
	r->unreadable = 0;
	r->seq = KCOV_DF_DOC_SEQ(hdr);
	r->task_pid = 0;
	r->nfields = n;
	r->fields = &w[3];
	r->words = KCOV_DF_DOC_HDR_WORDS + n;
	/*
	 * A single value equal to the raw value is a scalar; anything else
	 * carries the fields of an object. The documented format cannot say
	 * which for a one-field struct whose field equals its address, so the
	 * symboliser decides with the parameter's type; here we only mark
	 * values that the kernel marks as unreadable.
	 */
	for (unsigned int i = 0; i < n && i < 64; i++)
		if (w[3 + i] == KCOV_DF_BAD_READ)
			r->unreadable |= 1ULL << i;
	return (int)r->words;
}

/* Words holding a STRING record's n bytes. */
static unsigned int str_words(unsigned int n)
{
	return (n + 7) / 8;
}

/*
 * A versioned record: revision 2 (tag 0xD2) or revision 1 (0xD1, old
 * trace files), told apart by the tag. Revision 1 has no STRING, WIDE or
 * NOTREAD flags (12 flag bits).
 */
static int decode_versioned(const uint64_t *w, size_t avail,
			    struct kcovdf_rec *r, char *err, size_t errlen)
{
	uint64_t hdr = w[0];
	unsigned int tag = (unsigned int)(hdr >> 56);
	unsigned int kind, flags, nextra, words, meta_words, content;

	if (tag == KCOV_DF_V2_TAG) {
		kind = KCOV_DF_V2_KIND(hdr);
		flags = KCOV_DF_V2_FLAGS(hdr);
		nextra = KCOV_DF_V2_NEXTRA(hdr);
	} else if (tag == KCOVDF_R1_TAG) {
		kind = KCOV_DF_V2_KIND(hdr);	/* same bits */
		flags = KCOVDF_R1_FLAGS(hdr);
		nextra = KCOVDF_R1_NEXTRA(hdr);
	} else {
		return fail(err, errlen,
			    "not a record header: 0x%016" PRIx64
			    " (tag 0x%02x, want 0x%02x or 0x%02x)", hdr, tag,
			    KCOV_DF_V2_TAG, KCOVDF_R1_TAG);
	}
	words = KCOV_DF_V2_FIXED_WORDS + nextra;
	if (kind != KCOV_DF_KIND_ARG && kind != KCOV_DF_KIND_RET &&
	    kind != KCOV_DF_KIND_LOST && kind != KCOV_DF_KIND_SECTION)
		return fail(err, errlen, "record of unknown kind %u", kind);
	if (avail < words)
		return fail(err, errlen,
			    "record of %u words runs past the end (%zu left)",
			    words, avail);
	if (flags & KCOV_DF_F_RESERVED)
		return fail(err, errlen, "record with reserved flag 0x%x",
			    KCOV_DF_F_RESERVED);
	memset(r, 0, sizeof(*r));
	r->rev = tag == KCOV_DF_V2_TAG ? 2 : 1;
	r->kind = (int)kind;
	r->flags = flags;
	r->argidx = tag == KCOV_DF_V2_TAG ? KCOV_DF_V2_ARGIDX(hdr)
					   : KCOVDF_R1_ARGIDX(hdr);
	r->size = KCOV_DF_V2_SIZE(hdr);
	r->pc = w[1];
	r->value = w[2];
	r->words = words;
	if (kind == KCOV_DF_KIND_SECTION) {
		/* Start (FIRST) or end (VOID) of a remote section: value is
		 * the handle, the one extra word the pid that ran it. */
		if (nextra != 1)
			return fail(err, errlen,
				    "SECTION record with %u extra words (want 1)",
				    nextra);
		if (flags & ~(unsigned int)(KCOV_DF_F_FIRST | KCOV_DF_F_VOID |
					    KCOV_DF_F_REMOTE) ||
		    !(flags & KCOV_DF_F_FIRST) == !(flags & KCOV_DF_F_VOID))
			return fail(err, errlen,
				    "SECTION record with flags 0x%x (want FIRST "
				    "or VOID, and REMOTE)", flags);
		if (w[1] != 0 || r->argidx != KCOV_DF_ARGIDX_NONE)
			return fail(err, errlen,
				    "SECTION record with a function or argument");
		if (w[3] > UINT32_MAX)
			return fail(err, errlen,
				    "SECTION record with pid 0x%" PRIx64, w[3]);
		r->task_pid = (uint32_t)w[3];
		return (int)words;
	}
	if (kind == KCOV_DF_KIND_LOST) {
		if (nextra)
			return fail(err, errlen,
				    "LOST record with %u extra words", nextra);
		return (int)words;
	}
	content = flags & (KCOV_DF_F_FIELDS | KCOV_DF_F_STRING |
			   KCOV_DF_F_WIDE | KCOV_DF_F_NOTREAD);
	if (content & (content - 1))
		return fail(err, errlen,
			    "record with flags 0x%x: FIELDS, STRING, WIDE and "
			    "NOTREAD exclude one another", flags);
	if ((flags & KCOV_DF_F_ERRPTR) && w[2] < (uint64_t)-4095)
		return fail(err, errlen,
			    "ERRPTR flag on 0x%016" PRIx64
			    ", which is not an error pointer", w[2]);
	if ((flags & KCOV_DF_F_NULL) && w[2] != 0)
		return fail(err, errlen, "NULL flag on a non-zero pointer");
	if ((flags & KCOV_DF_F_NULL) && (flags & KCOV_DF_F_ERRPTR))
		return fail(err, errlen, "NULL and ERRPTR flags together");
	if (content == KCOV_DF_F_STRING) {
		unsigned int n;

		if (flags & (KCOV_DF_F_NULL | KCOV_DF_F_ERRPTR)) {
			if (nextra || (flags & (KCOV_DF_F_FAULT |
						KCOV_DF_F_TRUNC)))
				return fail(err, errlen,
					    "NULL/ERR_PTR string record with "
					    "bytes or FAULT/TRUNC");
			return (int)words;
		}
		if (nextra < 1)
			return fail(err, errlen,
				    "STRING record without its length word");
		if (w[3] > KCOV_DF_STR_MAX)
			return fail(err, errlen,
				    "STRING record of %" PRIu64
				    " bytes (max %u)", w[3], KCOV_DF_STR_MAX);
		n = (unsigned int)w[3];
		if (nextra != 1 + str_words(n))
			return fail(err, errlen,
				    "STRING record of %u bytes has %u extra "
				    "words (want %u)", n, nextra,
				    1 + str_words(n));
		if ((flags & KCOV_DF_F_FAULT) && (flags & KCOV_DF_F_TRUNC))
			return fail(err, errlen,
				    "STRING record with both FAULT and TRUNC");
		r->str = &w[4];
		r->str_len = n;
		return (int)words;
	}
	if (content == KCOV_DF_F_WIDE) {
		unsigned int need = (r->size + 7) / 8;

		need = need ? need - 1 : 0;
		if (flags & (KCOV_DF_F_NULL | KCOV_DF_F_ERRPTR))
			return fail(err, errlen,
				    "NULL/ERRPTR flag on a WIDE value");
		if (flags & KCOV_DF_F_FAULT) {
			if (nextra || (flags & KCOV_DF_F_TRUNC))
				return fail(err, errlen,
					    "unreadable WIDE value with %u "
					    "extra words or TRUNC", nextra);
			return (int)words;
		}
		if (need > KCOV_DF_WIDE_MAX_EXTRA) {
			if (nextra != KCOV_DF_WIDE_MAX_EXTRA ||
			    !(flags & KCOV_DF_F_TRUNC))
				return fail(err, errlen,
					    "WIDE value of %u bytes with %u "
					    "extra words (want %u and TRUNC)",
					    r->size, nextra,
					    KCOV_DF_WIDE_MAX_EXTRA);
		} else if (nextra != need || (flags & KCOV_DF_F_TRUNC)) {
			return fail(err, errlen,
				    "WIDE value of %u bytes with %u extra "
				    "words (want %u)", r->size, nextra, need);
		}
		r->wide = &w[2];
		r->wide_words = 1 + nextra;
		return (int)words;
	}
	if (!(flags & KCOV_DF_F_FIELDS)) {
		if (nextra)
			return fail(err, errlen,
				    "record without FIELDS, STRING or WIDE has "
				    "%u extra words", nextra);
		if (flags & (KCOV_DF_F_FAULT | KCOV_DF_F_NULL |
			     KCOV_DF_F_ERRPTR))
			return fail(err, errlen,
				    "FAULT/NULL/ERRPTR flag without FIELDS or "
				    "STRING");
		return (int)words;
	}
	meta_words = 1 + ((flags & KCOV_DF_F_FAULT) ? 1 : 0);
	if (nextra < meta_words)
		return fail(err, errlen,
			    "FIELDS record with %u extra words, needs %u",
			    nextra, meta_words);
	if ((flags & (KCOV_DF_F_NULL | KCOV_DF_F_ERRPTR)) &&
	    nextra != meta_words)
		return fail(err, errlen,
			    "NULL/ERR_PTR record carries %u field words",
			    nextra - meta_words);
	r->type_id = w[3];
	if (flags & KCOV_DF_F_FAULT)
		r->unreadable = w[4];
	r->nfields = nextra - meta_words;
	if (r->nfields > KCOV_DF_MAX_FIELDS)
		return fail(err, errlen, "record with %u fields (max %u)",
			    r->nfields, KCOV_DF_MAX_FIELDS);
	if (r->nfields < 64 && (r->unreadable >> r->nfields))
		return fail(err, errlen,
			    "unreadable bitmap 0x%" PRIx64
			    " names fields beyond the %u present",
			    r->unreadable, r->nfields);
	r->fields = &w[3 + meta_words];
	return (int)words;
}

int kcovdf_rec_decode(int format, const uint64_t *w, size_t avail,
		      struct kcovdf_rec *r, char *err, size_t errlen)
{
	if (avail == 0)
		return fail(err, errlen, "no words left for a record");
	switch (format) {
	case KCOVDF_FMT_DOC:
		if (avail < KCOV_DF_DOC_HDR_WORDS + 1)
			return fail(err, errlen,
				    "%zu words left, a record needs at least 4",
				    avail);
		return decode_doc(w, avail, r, err, errlen);
	case KCOVDF_FMT_VERSIONED:
		if (avail < KCOV_DF_V2_FIXED_WORDS)
			return fail(err, errlen,
				    "%zu words left, a record needs at least 3",
				    avail);
		return decode_versioned(w, avail, r, err, errlen);
	default:
		return fail(err, errlen, "unknown record format %d", format);
	}
}

int kcovdf_walk(int format, const uint64_t *words, size_t nwords,
		kcovdf_rec_cb cb, void *arg, char *err, size_t errlen)
{
	size_t pos = 0;
	struct kcovdf_rec r;
	char sub[160];

	while (pos < nwords) {
		int n = kcovdf_rec_decode(format, words + pos, nwords - pos, &r,
					  sub, sizeof(sub));
		if (n < 0)
			return fail(err, errlen, "word %zu: %s", pos, sub);
		if (cb) {
			int rc = cb(&r, arg);

			if (rc)
				return rc;
		}
		pos += (size_t)n;
	}
	return 0;
}

int kcovdf_walk_buffer(int format, const uint64_t *buf, size_t bufwords,
		       kcovdf_rec_cb cb, void *arg, char *err, size_t errlen)
{
	uint64_t n;

	if (bufwords < 1)
		return fail(err, errlen, "empty buffer");
	n = __atomic_load_n(&buf[0], __ATOMIC_ACQUIRE);
	if (n > bufwords - 1)
		return fail(err, errlen,
			    "buffer count %" PRIu64 " exceeds its %zu words",
			    n, bufwords - 1);
	return kcovdf_walk(format, buf + 1, (size_t)n, cb, arg, err, errlen);
}

int kcovdf_pcext_decode(uint64_t w, int kernel, struct kcovdf_pcext *out)
{
	uint64_t t = w & KCOV_RECORDFLAG_TYPEMASK;

	memset(out, 0, sizeof(*out));
	out->type = (int)(t >> 60);
	if (t == KCOV_RECORDFLAG_TYPE_DEPTH) {
		/* Bits 55-28 the lowest depth, 27-0 the net change, both
		 * signed: shift each field's sign bit to bit 63 and back. */
		out->type = KCOVDF_PCEXT_DEPTH;
		out->depth_min = (int64_t)(w << 8) >> 36;
		out->depth = (int64_t)(w << 36) >> 36;
		if (out->depth_min > 0 || out->depth_min > out->depth)
			return -1;
		return 0;
	}
	if (t == KCOVDF_PCEXT_TYPE_DEPTH_NET) {
		/* Low 56 bits, signed: shift the sign bit to bit 63 and back. */
		out->type = KCOVDF_PCEXT_DEPTH;
		out->depth = (int64_t)(w << 8) >> 8;
		out->depth_min = out->depth < 0 ? out->depth : 0;
		return 0;
	}
	if (t != KCOV_RECORDFLAG_TYPE_ENTRY && t != KCOV_RECORDFLAG_TYPE_EXIT &&
	    t != KCOV_RECORDFLAG_TYPE_NORMAL)
		return -1;
	out->pc = kernel ? w | ~KCOV_RECORD_IP_MASK : w & KCOV_RECORD_IP_MASK;
	return 0;
}
