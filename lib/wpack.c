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

uint32_t kcovdf_wpack_check(const uint64_t *w, size_t n)
{
	uint64_t a = 0, b = 0;

	for (size_t i = 0; i < n; i++) {
		a += w[i];
		b += a;
	}
	b ^= a * 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(b ^ (b >> 32));
}

struct wp_tables {
	uint64_t *hdr, *pc, *val, *fld, *gen;
	unsigned int hs, ps, vs, fs, gs;	/* 64 - table bits */
	size_t fmask;
};

/* A table index from two words: one multiplication, the top bits. */
static inline size_t wp_ix(uint64_t a, uint64_t b, unsigned int shift)
{
	return (size_t)(((a ^ ((b << 32) | (b >> 32))) *
			 0x9e3779b97f4a7c15ULL) >> shift);
}

static inline uint64_t wp_key(uint64_t h, uint64_t p);

/* A record's key: its header and function hashed. It picks the table
 * entries of its value and extra words, and predicts the next header. */
static inline uint64_t wp_key(uint64_t h, uint64_t p)
{
	return (h ^ ((p << 32) | (p >> 32))) * 0x9e3779b97f4a7c15ULL;
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
 * The encoder and the decoder walk the words the same way: in a V1
 * stream, record by record (header, pc, value, extra words, each with its
 * table entry); else word by word. Keep the two functions below in step:
 * the tests pack and unpack every format.
 */

/* Code word v predicted by *slot: a bit, or a bit and its difference.
 * The caller has checked that 10 bytes fit at op. */
#define WP_PUT(slot, v)								do {										uint64_t *s_ = (slot), v_ = (v), p_ = *s_;				if (p_ == v_) {									acc |= 1ULL << k;						} else {									uint64_t d_ = v_ - p_;							uint64_t z_ = (d_ << 1) ^							      (uint64_t)((int64_t)d_ >> 63);				*s_ = v_;								while (z_ > 0x7f) {								*op++ = (uint8_t)(z_ | 0x80);						z_ >>= 7;							}									*op++ = (uint8_t)z_;						}									if (++k == 64) {								memcpy(bp, &acc, 8);							bp += 8;								acc = 0;								k = 0;								}								} while (0)

size_t kcovdf_wpack_encode(struct kcovdf_wpack *ws, uint32_t format,
			   const uint64_t *w, size_t n, uint8_t *out,
			   size_t cap)
{
	struct wp_tables t;
	size_t nb = (n + 7) / 8, i = 0;
	uint8_t *bp = out, *op, *end = out + cap;
	uint64_t acc = 0;
	unsigned int k = 0;

	if (cap < nb)
		return 0;
	wp_init(ws, &t, format, n);
	/* Bits in out[0, nb), one per word; differences from out[nb] on. */
	op = out + nb;
	if (format != KCOVDF_FMT_V1) {
		uint64_t *gen = t.gen, w1 = 0, w2 = 0;
		unsigned int gs = t.gs;

		for (; i < n; i++) {
			if (end - op < 10)
				return 0;
			WP_PUT(&gen[wp_ix(w1, w2, gs)], w[i]);
			w2 = w1;
			w1 = w[i];
		}
	} else {
		uint64_t *hdr = t.hdr, *pc = t.pc, *val = t.val, *fld = t.fld;
		uint64_t pp = 0, h, p, key, ctx = 0;
		unsigned int hs = t.hs, ps = t.ps, vs = t.vs, fs = t.fs;
		size_t fmask = t.fmask, len, m, b;

		/* ctx: the previous record's header and function, hashed
		 * (its key): what predicts this header. */
		while (i < n) {
			h = w[i];
			len = wp_reclen(h);
			if (len > 1 && len <= n - i &&
			    10 * len <= (size_t)(end - op)) {
				/* A whole record, room for its worst case. */
				WP_PUT(&hdr[ctx >> hs], h);
				p = w[i + 1];
				WP_PUT(&pc[wp_ix(h, pp, ps)], p);
				key = wp_key(h, p);
				WP_PUT(&val[key >> vs], w[i + 2]);
				if (len > 3) {
					b = (size_t)(key >> fs);
					for (size_t j = 3; j < len; j++)
						WP_PUT(&fld[(b + j - 3) & fmask],
						       w[i + j]);
				}
				i += len;
				ctx = key;
				pp = p;
				continue;
			}
			if (end - op < 10)
				return 0;
			WP_PUT(&hdr[ctx >> hs], h);
			i++;
			if (len == 1 || i == n)
				continue;
			if (end - op < 10)
				return 0;
			p = w[i++];
			WP_PUT(&pc[wp_ix(h, pp, ps)], p);
			key = wp_key(h, p);
			if (i == n)
				break;
			if (end - op < 10)
				return 0;
			WP_PUT(&val[key >> vs], w[i]);
			i++;
			m = len - 3 < n - i ? len - 3 : n - i;
			b = (size_t)(key >> fs);
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
	if (k)
		memcpy(bp, &acc, nb - (size_t)(bp - out));
	return (size_t)(op - out);
}

/* Decode word *v predicted by *slot. */
#define WP_GET(slot, v)								do {										uint64_t *s_ = (slot);							if (k == 0) {									size_t a_ = nb - (size_t)(bp - in);					acc = 0;								memcpy(&acc, bp, a_ < 8 ? a_ : 8);					bp += 8;							}									if ((acc >> k) & 1) {								(v) = *s_;							} else {									uint64_t z_ = 0;							unsigned int sh_ = 0;							uint8_t c_;								do {										if (ip == end)									return -1;							c_ = *ip++;								/* The 10th byte holds bit 63 only. */					if (sh_ == 63 && c_ > 1)							return -1;							z_ |= (uint64_t)(c_ & 0x7f) << sh_;					sh_ += 7;							} while (c_ & 0x80);							(v) = *s_ + ((z_ >> 1) ^ (0 - (z_ & 1)));				*s_ = (v);							}									k = (k + 1) & 63;						} while (0)

int kcovdf_wpack_decode(struct kcovdf_wpack *ws, uint32_t format,
			const uint8_t *in, size_t len, uint64_t *w, size_t n)
{
	struct wp_tables t;
	size_t nb = (n + 7) / 8, i = 0;
	const uint8_t *bp = in, *ip, *end = in + len;
	uint64_t acc = 0;
	unsigned int k = 0;

	if (n > len * 8 || nb > len)
		return -1;
	/* Bits of words past the end must be clear. */
	if ((n & 7) && in[nb - 1] >> (n & 7))
		return -1;
	wp_init(ws, &t, format, n);
	ip = in + nb;
	if (format != KCOVDF_FMT_V1) {
		uint64_t *gen = t.gen, w1 = 0, w2 = 0;
		unsigned int gs = t.gs;

		for (; i < n; i++) {
			WP_GET(&gen[wp_ix(w1, w2, gs)], w[i]);
			w2 = w1;
			w1 = w[i];
		}
	} else {
		uint64_t *hdr = t.hdr, *pc = t.pc, *val = t.val, *fld = t.fld;
		uint64_t pp = 0, h, p, key, ctx = 0;
		unsigned int hs = t.hs, ps = t.ps, vs = t.vs, fs = t.fs;
		size_t fmask = t.fmask, rlen, m, b;

		while (i < n) {
			WP_GET(&hdr[ctx >> hs], w[i]);
			h = w[i++];
			rlen = wp_reclen(h);
			if (rlen == 1 || i == n)
				continue;
			WP_GET(&pc[wp_ix(h, pp, ps)], w[i]);
			p = w[i++];
			key = wp_key(h, p);
			if (i == n)
				break;
			WP_GET(&val[key >> vs], w[i]);
			i++;
			m = rlen - 3 < n - i ? rlen - 3 : n - i;
			b = (size_t)(key >> fs);
			for (size_t j = 0; j < m; j++)
				WP_GET(&fld[(b + j) & fmask], w[i + j]);
			i += m;
			ctx = key;
			pp = p;
		}
	}
	return ip == end ? 0 : -1;
}
