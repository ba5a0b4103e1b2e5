// SPDX-License-Identifier: GPL-2.0
/*
 * wpack: packed STREAM words (include/kcovdf/wpack.h, docs/trace-format.md
 * "Packed streams").
 *
 * Every word is predicted from an earlier word: the last word seen in the
 * same context. A prediction that holds costs one bit; otherwise the
 * difference (word - prediction, zigzag, LEB128) follows in 1 to 10 bytes.
 * The words are taken in groups of 8: one byte of bits (bit j set: word j
 * of the group is its prediction), then the differences of the others.
 *
 * The contexts follow the records (tag 0xD1 and 0xD2 headers give their
 * length) in a stream of format V1:
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
 * The tables are zeroed at the start of every chunk; their size follows
 * from the number of words (both sides know it), so packing a few words
 * costs little.
 *
 * This file is compiled into the user-space runtime as well: no
 * allocation, no library call but memset.
 */
#include <string.h>

#include "kcovdf/trace_file.h"
#include "kcovdf/wpack.h"

struct wp_tables {
	uint64_t *hdr, *pc, *val, *fld, *gen;
	unsigned int hs, ps, vs, fs, gs;	/* 64 - table bits */
	size_t fmask;
};

static inline uint64_t wp_hash(uint64_t a, uint64_t b)
{
	return (a ^ (b * 0x9e3779b97f4a7c15ULL) ^ (b >> 29)) *
	       0xff51afd7ed558ccdULL;
}

static unsigned int wp_bits(size_t n, unsigned int max)
{
	unsigned int b = 6;

	while (b < max && ((size_t)1 << (b - 1)) < n)
		b++;
	return b;
}

/* Zero the tables a chunk of n words uses; their size grows with n. */
static void wp_init(struct kcovdf_wpack *ws, struct wp_tables *t,
		    uint32_t format, size_t n)
{
	unsigned int hb = wp_bits(n, KCOVDF_WPACK_HDR_BITS);
	unsigned int pb = wp_bits(n, KCOVDF_WPACK_PC_BITS);
	unsigned int vb = wp_bits(n, KCOVDF_WPACK_VAL_BITS);
	unsigned int fb = wp_bits(n, KCOVDF_WPACK_FLD_BITS);
	unsigned int gb = wp_bits(n, KCOVDF_WPACK_GEN_BITS);

	t->hdr = ws->hdr;
	t->pc = ws->pc;
	t->val = ws->val;
	t->fld = ws->fld;
	t->gen = ws->gen;
	t->hs = 64 - hb;
	t->ps = 64 - pb;
	t->vs = 64 - vb;
	t->fs = 64 - fb;
	t->gs = 64 - gb;
	t->fmask = ((size_t)1 << fb) - 1;
	if (format == KCOVDF_FMT_V1) {
		memset(ws->hdr, 0, sizeof(uint64_t) << hb);
		memset(ws->pc, 0, sizeof(uint64_t) << pb);
		memset(ws->val, 0, sizeof(uint64_t) << vb);
		memset(ws->fld, 0, sizeof(uint64_t) << fb);
	} else {
		memset(ws->gen, 0, sizeof(uint64_t) << gb);
	}
}

/* Length of the record a header starts, 1 when it is no header. */
static inline size_t wp_reclen(uint64_t w)
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

/*
 * The walk both sides share: WP_WORD(slot, i) codes word i with the
 * prediction in *slot. A macro, so that the encoder's and the decoder's
 * loops are one text and cannot drift apart.
 */
#define WP_WALK(t, format, w, n)					\
	do {								\
		size_t i_ = 0;						\
		if ((format) != KCOVDF_FMT_V1) {			\
			uint64_t w1_ = 0, w2_ = 0;			\
			for (; i_ < (n); i_++) {			\
				WP_WORD(&(t)->gen[wp_hash(w1_, w2_) >>	\
						  (t)->gs], i_);	\
				w2_ = w1_;				\
				w1_ = (w)[i_];				\
			}						\
			break;						\
		}							\
		uint64_t ph_ = 0, pp_ = 0, h_, p_, k_;			\
		size_t len_, m_, b_;					\
		while (i_ < (n)) {					\
			WP_WORD(&(t)->hdr[wp_hash(ph_, pp_) >> (t)->hs],\
				i_);					\
			h_ = (w)[i_++];					\
			len_ = wp_reclen(h_);				\
			if (len_ == 1 || i_ == (n))			\
				continue;				\
			WP_WORD(&(t)->pc[wp_hash(h_, pp_) >> (t)->ps],	\
				i_);					\
			p_ = (w)[i_++];					\
			k_ = wp_hash(h_, p_);				\
			if (i_ == (n))					\
				break;					\
			WP_WORD(&(t)->val[k_ >> (t)->vs], i_);		\
			i_++;						\
			m_ = len_ - 3 < (n) - i_ ? len_ - 3 : (n) - i_;	\
			b_ = (size_t)(k_ >> (t)->fs);			\
			for (size_t j_ = 0; j_ < m_; j_++, i_++)	\
				WP_WORD(&(t)->fld[(b_ + j_) &		\
						  (t)->fmask], i_);	\
			ph_ = h_;					\
			pp_ = p_;					\
		}							\
	} while (0)

size_t kcovdf_wpack_encode(struct kcovdf_wpack *ws, uint32_t format,
			   const uint64_t *w, size_t n, uint8_t *out,
			   size_t cap)
{
	struct wp_tables t;
	size_t nb = (n + 7) / 8, o = nb, k = 0;
	uint64_t acc = 0;

	if (cap < nb)
		return 0;
	wp_init(ws, &t, format, n);
	/* Bits in out[0, nb), one per word; differences from out[nb] on. */
#define WP_WORD(slot, idx)						\
	do {								\
		uint64_t *s_ = (slot), v_ = w[idx], p_ = *s_;		\
		if (p_ == v_) {						\
			acc |= 1ULL << (k & 63);			\
		} else {						\
			uint64_t d_ = v_ - p_;				\
			uint64_t z_ = (d_ << 1) ^			\
				      (uint64_t)((int64_t)d_ >> 63);	\
			*s_ = v_;					\
			if (cap - o < 10)				\
				return 0;				\
			while (z_ > 0x7f) {				\
				out[o++] = (uint8_t)(z_ | 0x80);	\
				z_ >>= 7;				\
			}						\
			out[o++] = (uint8_t)z_;				\
		}							\
		if ((++k & 63) == 0) {					\
			memcpy(out + (k / 8 - 8), &acc, 8);		\
			acc = 0;					\
		}							\
	} while (0)
	WP_WALK(&t, format, w, n);
#undef WP_WORD
	if (k & 63)
		memcpy(out + (k & ~(size_t)63) / 8, &acc, nb - (k & ~(size_t)63) / 8);
	return o;
}

int kcovdf_wpack_decode(struct kcovdf_wpack *ws, uint32_t format,
			const uint8_t *in, size_t len, uint64_t *w, size_t n)
{
	struct wp_tables t;
	size_t nb = (n + 7) / 8, o = nb, k = 0;
	uint64_t acc = 0;

	if (n > len * 8 || nb > len)
		return -1;
	/* Bits of words past the end must be clear. */
	if ((n & 7) && in[nb - 1] >> (n & 7))
		return -1;
	wp_init(ws, &t, format, n);
#define WP_WORD(slot, idx)						\
	do {								\
		uint64_t *s_ = (slot), z_ = 0;				\
		if ((k & 63) == 0) {					\
			size_t a_ = nb - k / 8 < 8 ? nb - k / 8 : 8;	\
			acc = 0;					\
			memcpy(&acc, in + k / 8, a_);			\
		}							\
		if ((acc >> (k++ & 63)) & 1) {				\
			w[idx] = *s_;					\
		} else {						\
			unsigned int sh_ = 0;				\
			uint8_t b_;					\
			do {						\
				if (o >= len)				\
					return -1;			\
				b_ = in[o++];				\
				/* The 10th byte holds bit 63 only. */	\
				if (sh_ == 63 && b_ > 1)		\
					return -1;			\
				z_ |= (uint64_t)(b_ & 0x7f) << sh_;	\
				sh_ += 7;				\
			} while (b_ & 0x80);				\
			w[idx] = *s_ + ((z_ >> 1) ^ (0 - (z_ & 1)));	\
			*s_ = w[idx];					\
		}							\
	} while (0)
	WP_WALK(&t, format, w, n);
#undef WP_WORD
	return o == len ? 0 : -1;
}
