/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * KCOV-Dataflow: records of function arguments and return values.
 *
 * The user-space interface: the debugfs file's ioctls and counters, and the
 * record formats a reader of the buffer decodes. (What instrumented code
 * and the compiler agree on, the callbacks and the layout tables, is not
 * user-space interface: it is in <linux/kcov_dataflow_abi.h>.)
 *
 * Two record formats exist, selected by the argument of KCOV_DF_ENABLE:
 *
 *  KCOV_DF_FMT_DOC (0)  the documented format of the original RFC,
 *                       byte for byte: 3 + N words per record, at most
 *                       15 values, four-bit type tag.
 *  KCOV_DF_FMT_V2  (2)  the versioned format, revision 2: every header
 *                       word carries a tag naming the revision, the record
 *                       length is in the header, up to 64 fields per
 *                       object, a bitmap of unreadable fields, loss
 *                       markers, strings, values wider than 64 bits.
 *
 * Revision 1 (argument 1, tag 0xD1) is no longer written: KCOV_DF_ENABLE
 * refuses argument 1 with EINVAL. Its records differed from revision 2
 * only in the header word (12 flag bits at 51-40, argument index at 39-32,
 * 16 bits of extra-word count at 31-16); a reader of old traces tells the
 * two apart by the tag, never by guessing.
 *
 * In both formats the buffer is an array of 64-bit words; word 0 holds the
 * number of record words written after it, so records occupy words
 * 1 .. buf[0]. A reader walks from word 1, using only the length each header
 * gives; it never scans for marker bits.
 */
#ifndef _UAPI_LINUX_KCOV_DATAFLOW_H
#define _UAPI_LINUX_KCOV_DATAFLOW_H

#include <linux/types.h>
#include <linux/ioctl.h>

/* ------------------------------------------------------------------ */
/* Device interface: /sys/kernel/debug/kcov_dataflow                   */
/* ------------------------------------------------------------------ */

struct kcov_df_stats {
	__u32 size;		/* bytes of this struct the kernel filled in */
	__u32 abi_version;	/* KCOV_DF_ABI_VERSION */
	__u64 records;		/* records written */
	__u64 dropped;		/* records that did not fit, dropped whole */
	/*
	 * records written with fewer values than the object has (documented
	 * format: 15 max; revision 2: more than 64 fields, a string longer than
	 * KCOV_DF_STR_MAX, a value wider than 72 bytes)
	 */
	__u64 truncated;
	__u64 reserved[4];
};

/* 2: record format revision 2 (KCOV_DF_FMT_V2); argument 1 refused. */
#define KCOV_DF_ABI_VERSION	2

/* Allocate the buffer; the argument is its size in 64-bit words. */
#define KCOV_DF_INIT_TRACE	_IOR('d', 1, unsigned long)
/* The name used in the RFC's ioctl table. */
#define KCOV_DF_INIT_TRACK	KCOV_DF_INIT_TRACE
/* Read the descriptor's counters (struct kcov_df_stats). */
#define KCOV_DF_GET_STATS	_IOR('d', 2, struct kcov_df_stats)
/* Start recording for the calling task; the argument selects the format. */
#define KCOV_DF_ENABLE		_IO('d', 100)
/* Stop recording for the calling task; the argument must be 0. */
#define KCOV_DF_DISABLE		_IO('d', 101)
/*
 * Receive the records of remote sections (kcov_remote_start() ..
 * kcov_remote_stop(), KCOV's handles) on this descriptor, as KCOV's
 * KCOV_REMOTE_ENABLE does; struct kcov_remote_arg is KCOV's
 * (<linux/kcov.h>, include it first). trace_mode must be KCOV_DF_FMT_V2,
 * area_size is ignored. KCOV_DF_DISABLE ends it. Each section arrives
 * whole, between two KCOV_DF_KIND_SECTION records, its records carrying
 * KCOV_DF_F_REMOTE.
 */
#define KCOV_DF_REMOTE_ENABLE	_IOW('d', 102, struct kcov_remote_arg)

/* Argument of KCOV_DF_ENABLE, bits 0-7. Other bits must be zero. */
#define KCOV_DF_FMT_DOC		0
#define KCOV_DF_FMT_V2		2
#define KCOV_DF_FMT_MASK	0xffUL

/* Written in place of a value that could not be read. */
#define KCOV_DF_BAD_READ	0xBADADD85ULL

/* ------------------------------------------------------------------ */
/* KCOV_DF_FMT_DOC: the documented record format                       */
/* ------------------------------------------------------------------ */
/*
 *  word 0  type_and_seq  bits 31-28 type (0xE entry, 0xF return),
 *                        bits 27-24 number of values N (1..15),
 *                        bits 23-0  sequence number; bits 63-32 zero
 *  word 1  pc            address of the instrumented function
 *  word 2  meta          bits 63-56 argument index (0 for a return),
 *                        bits 55-48 size in bytes (clamped to 255),
 *                        bits 47-0  raw value or pointer (low 48 bits)
 *  word 3.. N values     the scalar, or the fields of the pointed-to or
 *                        by-value struct (first 15), 0xBADADD85 where a
 *                        field could not be read
 *
 * A scalar wider than 64 bits (KCOV_DF_F_WIDE in revision 2) has its
 * bytes in the values, 8 per value, low bytes first (at most 15 values).
 * A string (KCOV_DF_F_STRING) or a pointer whose object the function does
 * not read at entry (KCOV_DF_F_NOTREAD) is the pointer alone (N = 1).
 *
 * The sequence number counts the records the task produced for this
 * descriptor, written or dropped, modulo 2^24: a gap means loss.
 * A reader must treat N == 0 as 1 (the RFC's sample does).
 */
#define KCOV_DF_DOC_TYPE_ENTRY	0xEU
#define KCOV_DF_DOC_TYPE_RET	0xFU
#define KCOV_DF_DOC_HDR_WORDS	3
#define KCOV_DF_DOC_MAX_VALS	15

#define KCOV_DF_DOC_TYPE(w)	((__u32)(((w) >> 28) & 0xf))
#define KCOV_DF_DOC_NVALS(w)	((__u32)(((w) >> 24) & 0xf))
#define KCOV_DF_DOC_SEQ(w)	((__u32)((w) & 0xffffff))
#define KCOV_DF_DOC_ARGIDX(m)	((__u32)(((m) >> 56) & 0xff))
#define KCOV_DF_DOC_SIZE(m)	((__u32)(((m) >> 48) & 0xff))
#define KCOV_DF_DOC_RAW(m)	((m) & 0xffffffffffffULL)

#define KCOV_DF_DOC_HDR(type, nvals, seq)				\
	((((__u64)(type) & 0xf) << 28) | (((__u64)(nvals) & 0xf) << 24) | \
	 ((__u64)(seq) & 0xffffff))
#define KCOV_DF_DOC_META(argidx, size, raw)				\
	((((__u64)(argidx) & 0xff) << 56) |				\
	 (((__u64)((size) > 255 ? 255 : (size))) << 48) |		\
	 ((__u64)(raw) & 0xffffffffffffULL))

/* ------------------------------------------------------------------ */
/* KCOV_DF_FMT_V2: the versioned record format, revision 2             */
/* ------------------------------------------------------------------ */
/*
 *  word 0  header  bits 63-56 tag KCOV_DF_V2_TAG (0xD2: revision 2),
 *                  bits 55-52 kind (KCOV_DF_KIND_*),
 *                  bits 51-36 flags (KCOV_DF_F_*, 16 bits),
 *                  bits 35-28 argument index (0xff: none),
 *                  bits 27-16 number of extra words E (0..4095),
 *                  bits 15-0  size in bytes of the value (clamped 65535)
 *  word 1  pc      address of the instrumented function (0 for LOST)
 *  word 2  value   the scalar (sign- or zero-extended), the pointer, for
 *                  BYVAL the address of the copy, for WIDE bytes 0-7 of
 *                  the value; for LOST the number of records dropped
 *                  just before this one
 *  words 3 .. 3+E-1 extra words, by flags:
 *    FIELDS  extra[0]  type id of the object's layout
 *            extra[1]  with KCOV_DF_F_FAULT only: bitmap, bit i set
 *                      when field i could not be read (or its value is
 *                      not known: the layout marks it optimized out)
 *            then one word per field, in layout order (at most
 *            KCOV_DF_MAX_FIELDS); NULL and ERRPTR records have the type
 *            id word only
 *    STRING  extra[0]  n, the number of bytes recorded (0..KCOV_DF_STR_MAX)
 *            then (n + 7) / 8 words holding the bytes: byte i is bits
 *            8*(i%8) .. 8*(i%8)+7 of word i/8 (little-endian order);
 *            the NUL is not recorded. With TRUNC: the string goes on
 *            after n bytes (no NUL within the bound). With FAULT:
 *            reading faulted after n bytes (n may be 0). NULL and ERRPTR
 *            pointers have no extra words.
 *    WIDE    bytes 8 .. of the value, 8 per word, little-endian:
 *            (size + 7) / 8 - 1 words, at most KCOV_DF_WIDE_MAX_EXTRA;
 *            a larger value keeps its first 72 bytes and has TRUNC.
 *            With FAULT (the copy could not be read): E = 0 and value
 *            KCOV_DF_BAD_READ.
 *    NOTREAD none (E = 0): value is the pointer, no NULL/ERRPTR flag
 *    other   none (E = 0)
 *
 * A record is 3 + E words. FIELDS, STRING, WIDE and NOTREAD exclude one
 * another.
 */
#define KCOV_DF_V2_TAG		0xD2U
#define KCOV_DF_V2_FIXED_WORDS	3

#define KCOV_DF_KIND_ARG	1	/* an argument at function entry */
#define KCOV_DF_KIND_RET	2	/* a return value at function exit */
#define KCOV_DF_KIND_LOST	3	/* records were dropped here */
/*
 * Bracket of a remote section: E = 1, size 8, argument index 0xff, pc 0,
 * value the KCOV handle, extra[0] the pid of the task that ran the
 * section, in the pid namespace of the task that enabled the descriptor
 * (0 if it has none there); KCOV_DF_F_FIRST opens, KCOV_DF_F_VOID closes.
 */
#define KCOV_DF_KIND_SECTION	4

#define KCOV_DF_F_FIRST		0x0001	/* first record of a call */
/* entry of a function with no recorded argument (argidx 0xff) */
#define KCOV_DF_F_NOARGS	0x0002
#define KCOV_DF_F_FIELDS	0x0004	/* the object's fields follow */
/* passed or returned by value; value is the address of a copy */
#define KCOV_DF_F_BYVAL		0x0008
#define KCOV_DF_F_NULL		0x0010	/* pointer was NULL: no fields */
#define KCOV_DF_F_ERRPTR	0x0020	/* pointer was an ERR_PTR: no fields */
/* FIELDS: bitmap of unreadable fields; STRING: reading faulted */
#define KCOV_DF_F_FAULT		0x0040
/* more fields, bytes of a string or of a wide value than were recorded */
#define KCOV_DF_F_TRUNC		0x0080
#define KCOV_DF_F_VOID		0x0100	/* return of a void function */
#define KCOV_DF_F_OPTOUT	0x0200	/* value optimized out */
#define KCOV_DF_F_REMOTE	0x0400	/* recorded in a remote section */
#define KCOV_DF_F_SIGNED	0x0800	/* scalar value is signed */
/* value is a char *: its bytes follow */
#define KCOV_DF_F_STRING	0x1000
/* a scalar wider than 64 bits: its bytes are the value and extra words */
#define KCOV_DF_F_WIDE		0x2000
/*
 * the function does not read the pointed-to object at entry (the compiler let
 * the caller skip writing it): its memory is not what the call received, so
 * only the pointer is recorded
 */
#define KCOV_DF_F_NOTREAD	0x4000
#define KCOV_DF_F_RESERVED	0x8000	/* must be 0 */

#define KCOV_DF_ARGIDX_NONE	0xffU
#define KCOV_DF_MAX_FIELDS	64
#define KCOV_DF_STR_MAX		128	/* bytes of a string recorded */
#define KCOV_DF_WIDE_MAX_EXTRA	8	/* extra words of a WIDE value */

#define KCOV_DF_V2_IS_HDR(w)	((__u32)((w) >> 56) == KCOV_DF_V2_TAG)
#define KCOV_DF_V2_KIND(w)	((__u32)(((w) >> 52) & 0xf))
#define KCOV_DF_V2_FLAGS(w)	((__u32)(((w) >> 36) & 0xffff))
#define KCOV_DF_V2_ARGIDX(w)	((__u32)(((w) >> 28) & 0xff))
#define KCOV_DF_V2_NEXTRA(w)	((__u32)(((w) >> 16) & 0xfff))
#define KCOV_DF_V2_SIZE(w)	((__u32)((w) & 0xffff))
#define KCOV_DF_V2_WORDS(w)	(KCOV_DF_V2_FIXED_WORDS + KCOV_DF_V2_NEXTRA(w))

#define KCOV_DF_V2_HDR(kind, flags, argidx, nextra, size)		\
	(((__u64)KCOV_DF_V2_TAG << 56) |				\
	 (((__u64)(kind) & 0xf) << 52) |				\
	 (((__u64)(flags) & 0xffff) << 36) |				\
	 (((__u64)(argidx) & 0xff) << 28) |				\
	 (((__u64)(nextra) & 0xfff) << 16) |				\
	 ((__u64)((size) > 0xffff ? 0xffff : (size)) & 0xffff))

#endif /* _UAPI_LINUX_KCOV_DATAFLOW_H */
