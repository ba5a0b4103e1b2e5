/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wpack: the packed encoding of STREAM words in a trace file
 * (KCOVDF_CHUNK_STREAM_PACKED, docs/trace-format.md "Packed streams").
 * Lossless for any sequence of words: the record structure only chooses
 * which earlier word predicts the next one, and the decoder follows the
 * same structure from the words it has already decoded.
 *
 * Used by the user-space runtime (compiled into libkcovdf-rt.a: no
 * allocation, no library call, so it may run in the flush path) and by
 * lib/ (writer and reader). Each chunk is packed on its own: a packed
 * chunk never depends on another one.
 */
#ifndef KCOVDF_WPACK_H
#define KCOVDF_WPACK_H

#include <stddef.h>
#include <stdint.h>

/* Codec number in struct kcovdf_packed_hdr; readers refuse others. */
#define KCOVDF_WPACK_CODEC	1

#define KCOVDF_WPACK_HDR_BITS	10
#define KCOVDF_WPACK_PC_BITS	12
#define KCOVDF_WPACK_VAL_BITS	12
#define KCOVDF_WPACK_FLD_BITS	14
#define KCOVDF_WPACK_GEN_BITS	12

/* Prediction tables: the last word seen in each context. Zeroed at the
 * start of every chunk (by the functions below), as far as a chunk of its
 * size uses them. About 232 KiB. */
struct kcovdf_wpack {
	uint64_t hdr[1u << KCOVDF_WPACK_HDR_BITS];
	uint64_t pc[1u << KCOVDF_WPACK_PC_BITS];
	uint64_t val[1u << KCOVDF_WPACK_VAL_BITS];
	uint64_t fld[1u << KCOVDF_WPACK_FLD_BITS];
	uint64_t gen[1u << KCOVDF_WPACK_GEN_BITS];
};

/*
 * Pack n words of a stream of the given format (enum kcovdf_stream_format)
 * into out; *check is set to kcovdf_wpack_check() of the words. Returns
 * the number of bytes written, or 0 when they would not fit in cap bytes
 * (the caller then writes the words as they are; with cap = 8 * n, a
 * packed chunk is never larger than a plain one).
 */
size_t kcovdf_wpack_encode(struct kcovdf_wpack *ws, uint32_t format,
			   const uint64_t *w, size_t n, uint8_t *out,
			   size_t cap, uint32_t *check);

/*
 * Unpack exactly n words from len bytes; *check is set to
 * kcovdf_wpack_check() of what was unpacked (compare it with the chunk's).
 * Returns 0, or -1 when the bytes are not the packing of n words (too few
 * or too many bytes, a number longer than 64 bits). Never reads beyond
 * in[len - 1] nor writes beyond w[n - 1]. n <= 8 * len holds for every
 * valid packing (one byte carries at most 8 words), so a reader can check
 * that before it allocates.
 */
int kcovdf_wpack_decode(struct kcovdf_wpack *ws, uint32_t format,
			const uint8_t *in, size_t len, uint64_t *w, size_t n,
			uint32_t *check);

/* The check of n words that a packed chunk carries (Fletcher-like sums,
 * folded to 32 bits). */
uint32_t kcovdf_wpack_check(const uint64_t *w, size_t n);

#endif /* KCOVDF_WPACK_H */
