/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * KCOV-Dataflow: records of function arguments and return values.
 *
 * This is the one definition of the record formats and of the compiler
 * ABI. The kernel (kernel/kcov_dataflow.c), the user-space runtime
 * (runtime/), the LLVM plugin (compiler/) and the decoder (lib/) all
 * include this file; the kernel patch series carries a byte-identical
 * copy (checked by tests/check-uapi-copy.sh).
 *
 * Two record formats exist, selected by the argument of KCOV_DF_ENABLE:
 *
 *  KCOV_DF_FMT_DOC (0)  the documented format of the original RFC,
 *                       byte for byte: 3 + N words per record, at most
 *                       15 values, four-bit type tag.
 *  KCOV_DF_FMT_V1  (1)  the versioned format: every header word carries
 *                       a tag and a version, the record length is in the
 *                       header, up to 64 fields per object, a bitmap of
 *                       unreadable fields, loss markers.
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
	__u64 truncated;	/* records written with fewer values than the
				 * object has (documented format: 15 max) */
	__u64 reserved[4];
};

#define KCOV_DF_ABI_VERSION	1

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
 * (<linux/kcov.h>, include it first). trace_mode must be KCOV_DF_FMT_V1,
 * area_size is ignored. KCOV_DF_DISABLE ends it. Each section arrives
 * whole, between two KCOV_DF_KIND_SECTION records, its records carrying
 * KCOV_DF_F_REMOTE.
 */
#define KCOV_DF_REMOTE_ENABLE	_IOW('d', 102, struct kcov_remote_arg)

/* Argument of KCOV_DF_ENABLE, bits 0-7. Other bits must be zero. */
#define KCOV_DF_FMT_DOC		0
#define KCOV_DF_FMT_V1		1
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
/* KCOV_DF_FMT_V1: the versioned record format                         */
/* ------------------------------------------------------------------ */
/*
 *  word 0  header  bits 63-56 tag KCOV_DF_V1_TAG (0xD1: format 1),
 *                  bits 55-52 kind (KCOV_DF_KIND_*),
 *                  bits 51-40 flags (KCOV_DF_F_*),
 *                  bits 39-32 argument index (0xff: none),
 *                  bits 31-16 number of extra words E,
 *                  bits 15-0  size in bytes of the value (clamped 65535)
 *  word 1  pc      address of the instrumented function (0 for LOST)
 *  word 2  value   the scalar (sign- or zero-extended), the pointer, or
 *                  for BYVAL the address of the copy; for LOST the number
 *                  of records dropped just before this one
 *  words 3 .. 3+E-1 extra words. With KCOV_DF_F_FIELDS:
 *                  extra[0]  type id of the layout (struct kcov_df_layout)
 *                  extra[1]  with KCOV_DF_F_FAULT only: bitmap, bit i set
 *                            when field i could not be read
 *                  then one word per field, in layout order.
 *
 * A record is 3 + E words. The number of field values is
 * E - 1 - (FAULT ? 1 : 0); at most KCOV_DF_MAX_FIELDS.
 */
#define KCOV_DF_V1_TAG		0xD1U
#define KCOV_DF_V1_FIXED_WORDS	3

#define KCOV_DF_KIND_ARG	1	/* an argument at function entry */
#define KCOV_DF_KIND_RET	2	/* a return value at function exit */
#define KCOV_DF_KIND_LOST	3	/* records were dropped here */
/*
 * Bracket of a remote section: E = 1, size 8, argument index 0xff, pc 0,
 * value the KCOV handle, extra[0] the pid (initial namespace) of the task
 * that ran the section; KCOV_DF_F_FIRST opens, KCOV_DF_F_VOID closes.
 */
#define KCOV_DF_KIND_SECTION	4

#define KCOV_DF_F_FIRST		0x001	/* first record of a call */
#define KCOV_DF_F_NOARGS	0x002	/* entry of a function with no
					 * recorded argument (argidx 0xff) */
#define KCOV_DF_F_FIELDS	0x004	/* the object's fields follow */
#define KCOV_DF_F_BYVAL		0x008	/* passed or returned by value;
					 * value is the address of a copy */
#define KCOV_DF_F_NULL		0x010	/* pointer was NULL: no fields */
#define KCOV_DF_F_ERRPTR	0x020	/* pointer was an ERR_PTR: no fields */
#define KCOV_DF_F_FAULT		0x040	/* bitmap of unreadable fields */
#define KCOV_DF_F_TRUNC		0x080	/* the object has more fields than
					 * were recorded */
#define KCOV_DF_F_VOID		0x100	/* return of a void function */
#define KCOV_DF_F_OPTOUT	0x200	/* value optimized out */
#define KCOV_DF_F_REMOTE	0x400	/* recorded in a remote section */
#define KCOV_DF_F_SIGNED	0x800	/* scalar value is signed */

#define KCOV_DF_ARGIDX_NONE	0xffU
#define KCOV_DF_MAX_FIELDS	64

#define KCOV_DF_V1_IS_HDR(w)	((__u32)((w) >> 56) == KCOV_DF_V1_TAG)
#define KCOV_DF_V1_KIND(w)	((__u32)(((w) >> 52) & 0xf))
#define KCOV_DF_V1_FLAGS(w)	((__u32)(((w) >> 40) & 0xfff))
#define KCOV_DF_V1_ARGIDX(w)	((__u32)(((w) >> 32) & 0xff))
#define KCOV_DF_V1_NEXTRA(w)	((__u32)(((w) >> 16) & 0xffff))
#define KCOV_DF_V1_SIZE(w)	((__u32)((w) & 0xffff))
#define KCOV_DF_V1_WORDS(w)	(KCOV_DF_V1_FIXED_WORDS + KCOV_DF_V1_NEXTRA(w))

#define KCOV_DF_V1_HDR(kind, flags, argidx, nextra, size)		\
	(((__u64)KCOV_DF_V1_TAG << 56) |				\
	 (((__u64)(kind) & 0xf) << 52) |				\
	 (((__u64)(flags) & 0xfff) << 40) |				\
	 (((__u64)(argidx) & 0xff) << 32) |				\
	 (((__u64)(nextra) & 0xffff) << 16) |				\
	 ((__u64)((size) > 0xffff ? 0xffff : (size)) & 0xffff))

/* ------------------------------------------------------------------ */
/* Compiler ABI                                                        */
/* ------------------------------------------------------------------ */
/*
 * The instrumentation (compiler/kcovdf-plugin.so, modes "args" and "ret")
 * calls, with interrupts and locks exactly as the instrumented code had them:
 *
 *   void __sanitizer_cov_trace_args(__u64 func, __u64 info, __u64 value,
 *                                   const struct kcov_df_layout *layout);
 *   void __sanitizer_cov_trace_ret(__u64 func, __u64 info, __u64 value,
 *                                  const struct kcov_df_layout *layout);
 *
 * func is the address of the instrumented function. info is a compile-time
 * constant (KCOV_DF_INFO_*). value is the scalar (extended to 64 bits as
 * its type's signedness says), the pointer, or for objects passed or
 * returned by value the address of a copy in memory. layout is NULL unless
 * value points to an object whose fields should be read.
 *
 * At entry, one call per source-level parameter in index order; the first
 * carries KCOV_DF_F_FIRST. A function without parameters makes one call
 * with KCOV_DF_F_FIRST | KCOV_DF_F_NOARGS. Before every return, one call to
 * __sanitizer_cov_trace_ret (KCOV_DF_F_VOID for void functions), none
 * before a musttail call.
 *
 * With the inline gate, calls are made only while the global int named by
 * the plugin's -kcov-df-gate-symbol option (default __kcov_df_gate) is
 * non-zero.
 *
 * Calling convention: on x86-64 and arm64 the two callbacks are called with
 * the preserve_most convention (clang's __attribute__((preserve_most)), the
 * kernel's __preserve_most): arguments as in C, but the callee saves every
 * register it uses, so an instrumented function keeps no registers free for
 * a call that almost never happens. A runtime must define them with that
 * attribute and define the symbol KCOV_DF_ABI_SYM_PRESERVE_MOST, which every
 * instrumented object references so that a runtime of the wrong convention
 * fails to link. With -kcov-df-preserve-most=false, or on other
 * architectures, the C convention is used and KCOV_DF_ABI_SYM_C is
 * referenced instead; a preserve_most runtime may define both.
 *
 * KCOV_DF_F_OPTOUT on a RET record means the returned value was optimized
 * out (the function returns poison, or its value was folded away).
 */
#define KCOV_DF_ABI_SYM_PRESERVE_MOST	"__kcov_df_abi_1_pm"
#define KCOV_DF_ABI_SYM_C		"__kcov_df_abi_1_c"
#define KCOV_DF_INFO_ARGIDX(i)	((__u32)((i) & 0xff))
#define KCOV_DF_INFO_FLAGS(i)	((__u32)(((i) >> 8) & 0xfff))
#define KCOV_DF_INFO_SIZE(i)	((__u32)(((i) >> 32) & 0xffffffff))
#define KCOV_DF_INFO(argidx, flags, size)				\
	(((__u64)(argidx) & 0xff) | (((__u64)(flags) & 0xfff) << 8) |	\
	 (((__u64)(size) & 0xffffffff) << 32))

/*
 * Layout of an object type, computed by the compiler from debug info.
 * Emitted once per type as a constant named "__kcov_df_layout_<id>" (id in
 * 16 lower-case hex digits) in a COMDAT group of the same name, so the
 * linker keeps one copy. The NUL-terminated type name ("struct foo",
 * "union bar", or the typedef name of an anonymous struct) follows
 * fields[nfields].
 *
 * type_id is the xxHash64 (seed 0) of the type's canonical description
 * (see docs/layout.md): equal for the same type in every translation unit,
 * different when the layout or names differ.
 */
struct kcov_df_field {
	__u32 offset;		/* byte offset of the bytes to read */
	__u8 size;		/* bytes to read, 1..8 */
	__u8 bit_offset;	/* bitfield: right shift of the value read */
	__u8 bit_size;		/* bitfield width in bits; 0: not a bitfield */
	__u8 flags;		/* KCOV_DF_FIELD_* */
};

#define KCOV_DF_FIELD_SIGNED	0x01	/* sign-extend from size / bit_size */
#define KCOV_DF_FIELD_PTR	0x02
#define KCOV_DF_FIELD_FLOAT	0x04
#define KCOV_DF_FIELD_ARRAY	0x08	/* first bytes of an array */
#define KCOV_DF_FIELD_ENUM	0x10
#define KCOV_DF_FIELD_BOOL	0x20
#define KCOV_DF_FIELD_WIDE	0x40	/* wider than 8 bytes: first 8 read */

struct kcov_df_layout {
	__u64 type_id;
	__u32 size;		/* sizeof the type */
	__u16 nfields;
	__u16 flags;		/* KCOV_DF_LAYOUT_* */
	__u32 span_offset;	/* lowest byte any field reads */
	__u32 span_size;	/* bytes from span_offset covering all fields */
	__u16 version;		/* KCOV_DF_LAYOUT_VERSION */
	__u16 name_len;		/* strlen of the name after fields[] */
	__u32 reserved;
	struct kcov_df_field fields[];
};

#define KCOV_DF_LAYOUT_VERSION	1
#define KCOV_DF_LAYOUT_UNION	0x1	/* the type is a union */
#define KCOV_DF_LAYOUT_TRUNC	0x2	/* more members than fields[] holds */

#define KCOV_DF_LAYOUT_SYM_PREFIX "__kcov_df_layout_"

#endif /* _UAPI_LINUX_KCOV_DATAFLOW_H */
