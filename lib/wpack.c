// SPDX-License-Identifier: GPL-2.0
/*
 * wpack: packed STREAM words (include/kcovdf/wpack.h, docs/trace-format.md
 * "Packed streams").
 *
 * Every word is predicted from an earlier word: the last word seen in the
 * same context. A prediction that holds costs one bit; otherwise the
 * difference (word - prediction, zigzag, LEB128) follows in 1 to 10 bytes.
 * The bits of all words come first, then the differences.
 *
 * The contexts follow the records (tag 0xD1 and 0xD2 headers give their
 * length) in a stream of format V1 (any format but DOC and PC_EXT):
 *
 *   header   the previous record's header and function
 *   pc       this header and the previous record's function
 *   value    this header and this function: the same argument of the
 *            same function last time
 *   extra i  the same, plus i: field i of the object this argument of
 *            this function pointed to last time
 *
 * so an object recorded again with few fields changed costs one bit per
 * unchanged field. A word where a header should be that has another tag,
 * and every word of other formats (PC_EXT words, the documented format),
 * is predicted from the two words before it.
 *
 * The tables are zeroed at the start of every chunk; there are four sets
 * of sizes, chosen by the number of words (both sides know it), so a small
 * chunk clears little. Each set has its own copy of the code, with the
 * sizes as constants: the packing runs at every flush of the user-space
 * runtime, and registers matter there.
 *
 * This file is compiled into the user-space runtime as well: no
 * allocation, no library call but memset and memcpy.
 */
#include <string.h>

#include "kcovdf/trace_file.h"
#include "kcovdf/wpack.h"

#define WP_K 0x9e3779b97f4a7c15ULL
#define WP_INLINE static inline __attribute__((always_inline))

static uint32_t wp_fold(uint64_t a, uint64_t b)
{
	b ^= a * WP_K;
	return (uint32_t)(b ^ (b >> 32));
}

uint32_t kcovdf_wpack_check(const uint64_t *w, size_t n)
{
	uint64_t a = 0, b = 0;

	for (size_t i = 0; i < n; i++) {
		a += w[i];
		b += a;
	}
	return wp_fold(a, b);
}

/* A table index from two words: one multiplication, the top bits. */
WP_INLINE uint64_t wp_mix(uint64_t a, uint64_t b)
{
	return (a ^ ((b << 32) | (b >> 32))) * WP_K;
}

/* Streams read as records: every format but the documented one and
 * PC_EXT words (V1 today; a later revision of the versioned records gets
 * the same contexts without a new codec). */
WP_INLINE int wp_records(uint32_t format)
{
	return format != KCOVDF_FMT_DOC && format != KCOVDF_FMT_KCOV_PCEXT;
}

/* Length of the record a header starts, 1 when it is no header. */
WP_INLINE size_t wp_reclen(uint64_t w)
{
	switch (w >> 56) {
	case 0xD1:
		return 3 + ((w >> 16) & 0xffff);
	case 0xD2:
		return 3 + ((w >> 16) & 0xfff);
	default:
		return 1;
	}
}

/* The size set of a chunk of n words: table bits (hdr, pc, val, fld, gen)
 * 6 6 6 8 6 up to 256 words, 7 9 9 11 9 up to 2048, 9 11 11 13 11 up to
 * 16384, else 10 12 12 14 12 (WP_ENC_TIER below). */
static int wp_tier_of(size_t n)
{
	return n <= 256 ? 0 : n <= 2048 ? 1 : n <= 16384 ? 2 : 3;
}

WP_INLINE void wp_clear(struct kcovdf_wpack *ws, uint32_t format,
			const unsigned int *b)
{
	if (wp_records(format)) {
		memset(ws->hdr, 0, sizeof(uint64_t) << b[0]);
		memset(ws->pc, 0, sizeof(uint64_t) << b[1]);
		memset(ws->val, 0, sizeof(uint64_t) << b[2]);
		memset(ws->fld, 0, sizeof(uint64_t) << b[3]);
	} else {
		memset(ws->gen, 0, sizeof(uint64_t) << b[4]);
	}
}

/*
 * The encoder and the decoder walk the words the same way: in a V1
 * stream, record by record (header, pc, value, extra words, each with its
 * table entry); else word by word. Keep the two in step: the tests pack
 * and unpack every format and every size set.
 */

/* Code word v predicted by *slot: a bit, or a bit and its difference.
 * The caller has checked that 10 bytes fit at op. */
#define WP_PUT(slot, v)							\
	do {								\
		uint64_t *s_ = (slot), v_ = (v), p_ = *s_;		\
		if (p_ == v_) {						\
			acc |= 1ULL << k;				\
		} else {						\
			uint64_t d_ = v_ - p_;				\
			uint64_t z_ = (d_ << 1) ^			\
				      (uint64_t)((int64_t)d_ >> 63);	\
			*s_ = v_;					\
			while (z_ > 0x7f) {				\
				*op++ = (uint8_t)(z_ | 0x80);		\
				z_ >>= 7;				\
			}						\
			*op++ = (uint8_t)z_;				\
		}							\
		if (++k == 64) {					\
			/* A copy: acc itself stays in a register. */	\
			uint64_t a_ = acc;				\
			memcpy(bp, &a_, 8);				\
			bp += 8;					\
			acc = 0;					\
			k = 0;						\
		}							\
	} while (0)

WP_INLINE size_t wp_encode(struct kcovdf_wpack *ws, uint32_t format,
			   const uint64_t *w, size_t n, uint8_t *out,
			   size_t cap, uint32_t *check, const unsigned int hb,
			   const unsigned int pb, const unsigned int vb,
			   const unsigned int fb, const unsigned int gb)
{
	const unsigned int bits[5] = { hb, pb, vb, fb, gb };
	const size_t fmask = ((size_t)1 << fb) - 1;
	size_t nb = (n + 7) / 8, i = 0;
	uint8_t *bp = out, *op, *end = out + cap;
	uint64_t acc = 0;
	unsigned int k = 0;

	if (cap < nb)
		return 0;
	wp_clear(ws, format, bits);
	/* Bits in out[0, nb), one per word; differences from out[nb] on. */
	op = out + nb;
	if (!wp_records(format)) {
		uint64_t *gen = ws->gen, w1 = 0, w2 = 0;

		for (; i < n; i++) {
			if (end - op < 10)
				return 0;
			WP_PUT(&gen[wp_mix(w1, w2) >> (64 - gb)], w[i]);
			w2 = w1;
			w1 = w[i];
		}
	} else {
		uint64_t *hdr = ws->hdr, *pc = ws->pc, *val = ws->val;
		uint64_t *fld = ws->fld;
		uint64_t pp = 0, h, p, key, ctx = 0;
		size_t len, m, b;

		/* ctx: the previous record's key, what predicts this
		 * header. */
		while (i < n) {
			h = w[i];
			len = wp_reclen(h);
			if (len > 1 && len <= n - i &&
			    10 * len <= (size_t)(end - op)) {
				/* A whole record, room for its worst case. */
				WP_PUT(&hdr[ctx >> (64 - hb)], h);
				p = w[i + 1];
				WP_PUT(&pc[wp_mix(h, pp) >> (64 - pb)], p);
				key = wp_mix(h, p);
				WP_PUT(&val[key >> (64 - vb)], w[i + 2]);
				b = (size_t)(key >> (64 - fb));
				for (size_t j = 3; j < len; j++)
					WP_PUT(&fld[(b + j - 3) & fmask],
					       w[i + j]);
				i += len;
				ctx = key;
				pp = p;
				continue;
			}
			if (end - op < 10)
				return 0;
			WP_PUT(&hdr[ctx >> (64 - hb)], h);
			i++;
			if (len == 1 || i == n)
				continue;
			if (end - op < 10)
				return 0;
			p = w[i++];
			WP_PUT(&pc[wp_mix(h, pp) >> (64 - pb)], p);
			key = wp_mix(h, p);
			if (i == n)
				break;
			if (end - op < 10)
				return 0;
			WP_PUT(&val[key >> (64 - vb)], w[i]);
			i++;
			m = len - 3 < n - i ? len - 3 : n - i;
			b = (size_t)(key >> (64 - fb));
			for (size_t j = 0; j < m; j++) {
				if (end - op < 10)
					return 0;
				WP_PUT(&fld[(b + j) & fmask], w[i + j]);
			}
			i += m;
			ctx = key;
			pp = p;
		}
	}
	if (k) {
		uint64_t a = acc;

		memcpy(bp, &a, nb - (size_t)(bp - out));
	}
	/* A pass of its own: cheaper than two more live registers in the
	 * loop above (5 instructions a word there, 3 here). */
	*check = kcovdf_wpack_check(w, n);
	return (size_t)(op - out);
}

/* One copy of the code per size set, the sizes constants in it. */
#define WP_ENC_TIER(t, hb, pb, vb, fb, gb)				\
static size_t wp_encode_##t(struct kcovdf_wpack *ws, uint32_t format,	\
			    const uint64_t *w, size_t n, uint8_t *out,	\
			    size_t cap, uint32_t *check)		\
{									\
	return wp_encode(ws, format, w, n, out, cap, check, hb, pb, vb,	\
			 fb, gb);					\
}
WP_ENC_TIER(0, 6, 6, 6, 8, 6)
WP_ENC_TIER(1, 7, 9, 9, 11, 9)
WP_ENC_TIER(2, 9, 11, 11, 13, 11)
WP_ENC_TIER(3, KCOVDF_WPACK_HDR_BITS, KCOVDF_WPACK_PC_BITS,
	    KCOVDF_WPACK_VAL_BITS, KCOVDF_WPACK_FLD_BITS,
	    KCOVDF_WPACK_GEN_BITS)

size_t kcovdf_wpack_encode(struct kcovdf_wpack *ws, uint32_t format,
			   const uint64_t *w, size_t n, uint8_t *out,
			   size_t cap, uint32_t *check)
{
	switch (wp_tier_of(n)) {
	case 0:
		return wp_encode_0(ws, format, w, n, out, cap, check);
	case 1:
		return wp_encode_1(ws, format, w, n, out, cap, check);
	case 2:
		return wp_encode_2(ws, format, w, n, out, cap, check);
	default:
		return wp_encode_3(ws, format, w, n, out, cap, check);
	}
}

/* Decode word (v) predicted by *slot. */
#define WP_GET(slot, v)							\
	do {								\
		uint64_t *s_ = (slot);					\
		if (k == 0) {						\
			size_t a_ = nb - (size_t)(bp - in);		\
			acc = 0;					\
			memcpy(&acc, bp, a_ < 8 ? a_ : 8);		\
			bp += 8;					\
		}							\
		if ((acc >> k) & 1) {					\
			(v) = *s_;					\
		} else {						\
			uint64_t z_ = 0;				\
			unsigned int sh_ = 0;				\
			uint8_t c_;					\
			do {						\
				if (ip == end)				\
					return -1;			\
				c_ = *ip++;				\
				/* The 10th byte holds bit 63 only. */	\
				if (sh_ == 63 && c_ > 1)		\
					return -1;			\
				z_ |= (uint64_t)(c_ & 0x7f) << sh_;	\
				sh_ += 7;				\
			} while (c_ & 0x80);				\
			(v) = *s_ + ((z_ >> 1) ^ (0 - (z_ & 1)));	\
			*s_ = (v);					\
		}							\
		ca += (v);						\
		cb += ca;						\
		k = (k + 1) & 63;					\
	} while (0)

WP_INLINE int wp_decode(struct kcovdf_wpack *ws, uint32_t format,
			const uint8_t *in, size_t len, uint64_t *w, size_t n,
			uint32_t *check, const unsigned int hb,
			const unsigned int pb, const unsigned int vb,
			const unsigned int fb, const unsigned int gb)
{
	const unsigned int bits[5] = { hb, pb, vb, fb, gb };
	const size_t fmask = ((size_t)1 << fb) - 1;
	size_t nb = (n + 7) / 8, i = 0;
	const uint8_t *bp = in, *ip, *end = in + len;
	uint64_t acc = 0, ca = 0, cb = 0;
	unsigned int k = 0;

	wp_clear(ws, format, bits);
	ip = in + nb;
	if (!wp_records(format)) {
		uint64_t *gen = ws->gen, w1 = 0, w2 = 0;

		for (; i < n; i++) {
			WP_GET(&gen[wp_mix(w1, w2) >> (64 - gb)], w[i]);
			w2 = w1;
			w1 = w[i];
		}
	} else {
		uint64_t *hdr = ws->hdr, *pc = ws->pc, *val = ws->val;
		uint64_t *fld = ws->fld;
		uint64_t pp = 0, h, p, key, ctx = 0;
		size_t rlen, m, b;

		while (i < n) {
			WP_GET(&hdr[ctx >> (64 - hb)], w[i]);
			h = w[i++];
			rlen = wp_reclen(h);
			if (rlen == 1 || i == n)
				continue;
			WP_GET(&pc[wp_mix(h, pp) >> (64 - pb)], w[i]);
			p = w[i++];
			key = wp_mix(h, p);
			if (i == n)
				break;
			WP_GET(&val[key >> (64 - vb)], w[i]);
			i++;
			m = rlen - 3 < n - i ? rlen - 3 : n - i;
			b = (size_t)(key >> (64 - fb));
			for (size_t j = 0; j < m; j++)
				WP_GET(&fld[(b + j) & fmask], w[i + j]);
			i += m;
			ctx = key;
			pp = p;
		}
	}
	*check = wp_fold(ca, cb);
	return ip == end ? 0 : -1;
}

#define WP_DEC_TIER(t, hb, pb, vb, fb, gb)				\
static int wp_decode_##t(struct kcovdf_wpack *ws, uint32_t format,	\
			 const uint8_t *in, size_t len, uint64_t *w,	\
			 size_t n, uint32_t *check)			\
{									\
	return wp_decode(ws, format, in, len, w, n, check, hb, pb, vb,	\
			 fb, gb);					\
}
WP_DEC_TIER(0, 6, 6, 6, 8, 6)
WP_DEC_TIER(1, 7, 9, 9, 11, 9)
WP_DEC_TIER(2, 9, 11, 11, 13, 11)
WP_DEC_TIER(3, KCOVDF_WPACK_HDR_BITS, KCOVDF_WPACK_PC_BITS,
	    KCOVDF_WPACK_VAL_BITS, KCOVDF_WPACK_FLD_BITS,
	    KCOVDF_WPACK_GEN_BITS)

int kcovdf_wpack_decode(struct kcovdf_wpack *ws, uint32_t format,
			const uint8_t *in, size_t len, uint64_t *w, size_t n,
			uint32_t *check)
{
	size_t nb = (n + 7) / 8;

	if (n > len * 8 || nb > len)
		return -1;
	/* Bits of words past the end must be clear. */
	if ((n & 7) && in[nb - 1] >> (n & 7))
		return -1;
	switch (wp_tier_of(n)) {
	case 0:
		return wp_decode_0(ws, format, in, len, w, n, check);
	case 1:
		return wp_decode_1(ws, format, in, len, w, n, check);
	case 2:
		return wp_decode_2(ws, format, in, len, w, n, check);
	default:
		return wp_decode_3(ws, format, in, len, w, n, check);
	}
}
