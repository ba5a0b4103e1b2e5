/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KCOV-Dataflow compiler ABI, version 2: what instrumented code calls, with
 * which arguments, and the layout tables the compiler emits. Shared by the
 * compiler plugin, the kernel and the user-space runtime that implement the
 * callbacks, and decoders that read layout tables from ELF files. Not a
 * user-space interface of the kernel (that is <uapi/linux/kcov_dataflow.h>,
 * whose record flags the info word reuses).
 *
 * The same file builds in the kernel and in user space: it uses only the
 * __u8 .. __u64 types of <linux/types.h>.
 */
#ifndef _LINUX_KCOV_DATAFLOW_ABI_H
#define _LINUX_KCOV_DATAFLOW_ABI_H

#include <linux/types.h>
#include <uapi/linux/kcov_dataflow.h>

#define KCOV_DF_COMPILER_ABI	2

/* ------------------------------------------------------------------ */
/* Callbacks                                                           */
/* ------------------------------------------------------------------ */
/*
 * Instrumented code (modes "args" and "ret") calls, with interrupts and
 * locks exactly as the instrumented code had them:
 *
 *   void __kcov_df_trace_args_v2(__u64 func, __u64 info, __u64 value,
 *                                const struct kcov_df_layout *layout);
 *   void __kcov_df_trace_ret_v2(__u64 func, __u64 info, __u64 value,
 *                               const struct kcov_df_layout *layout);
 *
 * The names carry the ABI version: an object built for another version of
 * this ABI, or by a compiler whose -fsanitize-coverage=trace-args,trace-ret
 * calls __sanitizer_cov_trace_args/_ret with another signature, cannot
 * bind to these callbacks by accident.
 *
 * func is the address of the instrumented function. info is a compile-time
 * constant, KCOV_DF_INFO(argidx, flags, size). value and layout depend on
 * the flags:
 *
 *   (none), SIGNED  value is the scalar, sign- or zero-extended to 64 bits
 *                   as SIGNED says; layout NULL
 *   FIELDS          value points to an object whose fields layout
 *                   describes (a pointer argument, or with BYVAL the
 *                   address of a copy of an object passed or returned by
 *                   value)
 *   BYVAL           without FIELDS: the address of a copy of an object
 *                   that has no layout; nothing is read
 *   STRING          value is a pointer to plain `char`; the callback
 *                   reads at most KCOV_DF_STR_MAX bytes up to the NUL,
 *                   without faulting; layout NULL
 *   WIDE            a scalar wider than 64 bits (__int128, long double,
 *                   _Float128, ...): value is the address of a copy of
 *                   its size bytes (readable, in the caller's frame);
 *                   SIGNED tells signed integers; layout NULL
 *   NOTREAD         value is a pointer to an object the function does not
 *                   read at entry (LLVM made the parameter writeonly or
 *                   readnone, or the function's memory effects exclude
 *                   reading argument memory, or the object is overwritten
 *                   before it is read): the caller may have left it
 *                   unwritten, so nothing behind it is read; layout NULL
 *   OPTOUT          the value is unknown (optimized out): value 0
 *   VOID            return of a void function: value 0
 *
 * size is the declared type's size in bytes. The callback copies the
 * flags into the record header and reads what the flags say.
 *
 * At entry, one call per source-level parameter in index order; the first
 * carries KCOV_DF_F_FIRST. A function without parameters makes one call
 * with KCOV_DF_F_FIRST | KCOV_DF_F_NOARGS, argidx KCOV_DF_ARGIDX_NONE.
 * Before every return, one call to the return callback (argidx
 * KCOV_DF_ARGIDX_NONE; KCOV_DF_F_VOID for void functions), none before a
 * musttail call.
 *
 * With the inline gate, calls are made only while the global int named by
 * the plugin's -kcov-df-gate-symbol option (default __kcov_df_gate) is
 * non-zero.
 *
 * Calling convention: on x86-64 and arm64 the two callbacks are called with
 * the preserve_most convention (clang's __attribute__((preserve_most)), the
 * kernel's __preserve_most): arguments as in C, but the callee saves every
 * register it uses, so an instrumented function keeps no registers free for
 * a call that almost never happens. With -kcov-df-preserve-most=false, or
 * on other architectures, the C convention is used.
 *
 * ABI guard: every object that calls the callbacks references the symbol
 * KCOV_DF_ABI_SYM_PRESERVE_MOST or KCOV_DF_ABI_SYM_C (the convention it
 * calls them with). An implementation defines the symbols of the
 * conventions it implements (a preserve_most implementation may define
 * both), so that an object built for another convention or another ABI
 * version fails to link instead of corrupting registers or records.
 *
 * The entry/exit hooks of -kcov-df-entry-exit keep LLVM's names and C
 * convention: void __sanitizer_cov_trace_pc_entry(void),
 * void __sanitizer_cov_trace_pc_exit(void).
 */
#define KCOV_DF_TRACE_ARGS_SYM		"__kcov_df_trace_args_v2"
#define KCOV_DF_TRACE_RET_SYM		"__kcov_df_trace_ret_v2"
#define KCOV_DF_ABI_SYM_PRESERVE_MOST	"__kcov_df_abi_v2_pm"
#define KCOV_DF_ABI_SYM_C		"__kcov_df_abi_v2_c"

/* ------------------------------------------------------------------ */
/* Info word                                                           */
/* ------------------------------------------------------------------ */
/*
 *   bits  7-0   argument index (KCOV_DF_ARGIDX_NONE: none)
 *   bits 23-8   flags: the record flags KCOV_DF_F_* the compiler knows
 *               (FIRST, NOARGS, FIELDS, BYVAL, VOID, OPTOUT, SIGNED,
 *               STRING, WIDE, NOTREAD)
 *   bits 31-24  reserved, 0
 *   bits 63-32  size in bytes of the declared type
 */
#define KCOV_DF_INFO_ARGIDX(i)	((__u32)((i) & 0xff))
#define KCOV_DF_INFO_FLAGS(i)	((__u32)(((i) >> 8) & 0xffff))
#define KCOV_DF_INFO_SIZE(i)	((__u32)(((i) >> 32) & 0xffffffff))
#define KCOV_DF_INFO(argidx, flags, size)				\
	(((__u64)(argidx) & 0xff) | (((__u64)(flags) & 0xffff) << 8) |	\
	 (((__u64)(size) & 0xffffffff) << 32))

/* ------------------------------------------------------------------ */
/* Layout tables                                                       */
/* ------------------------------------------------------------------ */
/*
 * Layout of an object type, computed by the compiler from debug info.
 * Emitted once per type as a constant named "__kcov_df_layout_<id>" (id in
 * 16 lower-case hex digits) in a COMDAT group of the same name, so the
 * linker keeps one copy. The NUL-terminated type name ("struct foo",
 * "union bar", or the typedef name of an anonymous struct) follows
 * fields[nfields].
 *
 * type_id is the xxHash64 (seed 0) of the type's canonical description:
 * equal for the same type in every translation unit, different when the
 * layout or names differ.
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
/*
 * The compiler does not know this field's value (a by-value object whose
 * bytes arrive in pieces, some of them optimized out): the callback must
 * not read it; it records KCOV_DF_BAD_READ and sets the field's bit in
 * the FAULT bitmap (the documented format: KCOV_DF_BAD_READ), so that no
 * reader ever sees a value. span_offset/span_size do not cover it.
 */
#define KCOV_DF_FIELD_OPTOUT	0x80

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

#endif /* _LINUX_KCOV_DATAFLOW_ABI_H */
