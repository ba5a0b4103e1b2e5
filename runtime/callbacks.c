// SPDX-License-Identifier: GPL-2.0
/*
 * The compiler callbacks: __kcov_df_trace_args_v2/__kcov_df_trace_ret_v2
 * (compiler ABI 2, <linux/kcov_dataflow_abi.h>; KCOV_DF_FMT_V2 records) and
 * __sanitizer_cov_trace_pc{,_entry,_exit} (KCOV_TRACE_PC_EXT words). The hot path of a scalar record is: guard check, guard set,
 * three stores, publish, guard clear. Everything else (first record of a
 * thread, full buffer, struct fields, late records) is out of line.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <string.h>

#include "rt_internal.h"

/*
 * The inline gate of the plugin (-kcov-df-gate): instrumented code calls
 * the callbacks only while it is non-zero. It starts at 1 so that the first
 * call (possibly from a constructor that runs before ours) initialises the
 * runtime; rt_init() clears it when KCOVDF_OUT is not set.
 */
int __kcov_df_gate = 1;

__thread struct rt_thread kcovdf_tls
	__attribute__((tls_model("initial-exec")));

/* x86-64 user addresses are below 2^47 (2^56 with 5-level paging, which
 * Linux hands out only on request). Anything above is a kernel or a
 * non-canonical address: unreadable, and we do not even try. */
#define RT_USER_TOP 0x0100000000000000ULL

/* ------------------------------------------------------------------ */
/* Header word                                                         */
/* ------------------------------------------------------------------ */

/*
 * KCOV_DF_V2_HDR(kind, INFO_FLAGS(info), INFO_ARGIDX(info), nextra, size)
 * in fewer instructions: in the info word argidx (bits 0-7) and flags
 * (8-23) are adjacent in the same order as in the header (bits 28-35,
 * 36-51), so one mask and one shift move both. The reserved flag 0x8000
 * is cleared. tests/ checks the equivalence.
 */
#define INFO_ARGFLAGS_MASK 0x7fffffULL

static inline __attribute__((always_inline)) uint64_t
v2_hdr(uint64_t kind, uint64_t info, uint64_t nextra)
{
	uint64_t size = info >> 32;

	if (size > 0xffff)
		size = 0xffff;
	return ((uint64_t)KCOV_DF_V2_TAG << 56) | (kind << 52) |
	       ((info & INFO_ARGFLAGS_MASK) << 28) | (nextra << 16) | size;
}

/* The info word with its flags replaced. */
static inline uint64_t info_with_flags(uint64_t info, uint64_t flags)
{
	return (info & ~0xffff00ULL) | ((flags & 0xffff) << 8);
}

/* ------------------------------------------------------------------ */
/* Struct fields                                                       */
/* ------------------------------------------------------------------ */

/* Bytes copied at once for a whole span; larger spans are read field by
 * field. Bounded because the slow path may run on a signal handler's small
 * alternate stack (the whole slow path uses about 2.5 KiB of stack). */
#define RT_SPAN_MAX 512

static inline int user_range_ok(uint64_t addr, uint64_t len)
{
	return addr + len >= addr && addr + len <= RT_USER_TOP;
}

static KCOVDF_NOINSTR uint64_t field_value(const struct kcov_df_field *f,
					   const unsigned char *src)
{
	unsigned int size = f->size;
	uint64_t x = 0;
	unsigned int bits;

	if (size == 0 || size > 8)
		size = 8;
	memcpy(&x, src, size);	/* little-endian host: low bytes first */
	if (f->bit_size) {
		bits = f->bit_size > 64 ? 64 : f->bit_size;
		x >>= f->bit_offset & 63;
		if (bits < 64)
			x &= (1ULL << bits) - 1;
	} else {
		bits = size * 8;
	}
	if ((f->flags & KCOV_DF_FIELD_SIGNED) && bits < 64 &&
	    (x >> (bits - 1)) & 1)
		x |= ~0ULL << bits;
	return x;
}

static inline unsigned int field_bytes(const struct kcov_df_field *f)
{
	return f->size == 0 || f->size > 8 ? 8 : f->size;
}

/* Flags that say what follows the value word; the slow path sets the one
 * it writes. */
#define REC_CONTENT_FLAGS						\
	(KCOV_DF_F_FIELDS | KCOV_DF_F_STRING | KCOV_DF_F_WIDE |	\
	 KCOV_DF_F_NOTREAD | KCOV_DF_F_RESERVED)

/*
 * Compose a STRING record: value is a char *; up to KCOV_DF_STR_MAX bytes
 * before the NUL, read without faulting, one page at a time (a fault is
 * all or nothing within a page). One byte more than the bound is read to
 * tell a string of exactly KCOV_DF_STR_MAX bytes (no TRUNC) from a longer
 * one.
 */
static KCOVDF_NOINSTR unsigned int
compose_string(uint64_t *w, uint64_t kind, uint64_t func, uint64_t info,
	       uint64_t value)
{
	uint64_t flags = (KCOV_DF_INFO_FLAGS(info) & ~REC_CONTENT_FLAGS) |
			 KCOV_DF_F_STRING;
	unsigned char buf[KCOV_DF_STR_MAX + 1];
	unsigned int n = 0, got = 0, nw;
	int nul = 0;

	w[1] = func;
	w[2] = value;
	if (value == 0 || value >= (uint64_t)-4095) {
		flags |= value == 0 ? KCOV_DF_F_NULL : KCOV_DF_F_ERRPTR;
		w[0] = v2_hdr(kind, info_with_flags(info, flags), 0);
		return KCOV_DF_V2_FIXED_WORDS;
	}
	while (got < sizeof(buf)) {
		uint64_t addr = value + got;
		uint64_t chunk = 4096 - (addr & 4095);

		if (chunk > sizeof(buf) - got)
			chunk = sizeof(buf) - got;
		if (!user_range_ok(addr, chunk) ||
		    rt_copy_nofault(buf + got, addr, chunk)) {
			flags |= KCOV_DF_F_FAULT;
			break;
		}
		for (unsigned int i = 0; i < chunk; i++)
			if (!buf[got + i]) {
				nul = 1;
				got += i;
				break;
			}
		if (nul)
			break;
		got += (unsigned int)chunk;
	}
	n = got > KCOV_DF_STR_MAX ? KCOV_DF_STR_MAX : got;
	if (!nul && !(flags & KCOV_DF_F_FAULT))
		flags |= KCOV_DF_F_TRUNC;	/* no NUL in 129 bytes */
	nw = (n + 7) / 8;
	w[3] = n;
	if (nw) {
		w[3 + nw] = 0;	/* zero the bytes after the last */
		memcpy(&w[4], buf, n);	/* little-endian: byte i of word i/8 */
	}
	w[0] = v2_hdr(kind, info_with_flags(info, flags), 1 + nw);
	return KCOV_DF_V2_FIXED_WORDS + 1 + nw;
}

/*
 * Compose a WIDE record: value is the address of a copy of a scalar of
 * `size` bytes (in the instrumented function's frame). Its bytes go to the
 * value word and up to KCOV_DF_WIDE_MAX_EXTRA extra words.
 */
static KCOVDF_NOINSTR unsigned int
compose_wide(uint64_t *w, uint64_t kind, uint64_t func, uint64_t info,
	     uint64_t value)
{
	uint64_t flags = (KCOV_DF_INFO_FLAGS(info) & ~REC_CONTENT_FLAGS) |
			 KCOV_DF_F_WIDE;
	uint64_t size = KCOV_DF_INFO_SIZE(info);
	uint64_t nw = (size + 7) / 8, bytes = size;

	w[1] = func;
	if (nw == 0)
		nw = 1;
	if (nw > 1 + KCOV_DF_WIDE_MAX_EXTRA) {
		nw = 1 + KCOV_DF_WIDE_MAX_EXTRA;
		bytes = nw * 8;
		flags |= KCOV_DF_F_TRUNC;
	}
	w[1 + nw] = 0;	/* zero the bytes after the last */
	w[2] = 0;
	if (!user_range_ok(value, bytes) ||
	    rt_copy_nofault(&w[2], value, bytes)) {
		flags = (flags & ~KCOV_DF_F_TRUNC) | KCOV_DF_F_FAULT;
		w[2] = KCOV_DF_BAD_READ;
		nw = 1;
	}
	w[0] = v2_hdr(kind, info_with_flags(info, flags), nw - 1);
	return (unsigned int)(KCOV_DF_V2_FIXED_WORDS + nw - 1);
}

/*
 * Compose a FIELDS record in w[]; returns its length in words. value is the
 * object's address (a pointer argument or, for BYVAL, the copy).
 */
static KCOVDF_NOINSTR unsigned int
compose_fields(uint64_t *w, uint64_t kind, uint64_t func, uint64_t info,
	       uint64_t value, const struct kcov_df_layout *l)
{
	uint64_t flags = (KCOV_DF_INFO_FLAGS(info) & ~REC_CONTENT_FLAGS) |
			 KCOV_DF_F_FIELDS;
	uint64_t vals[KCOV_DF_MAX_FIELDS];
	unsigned char span[RT_SPAN_MAX];
	uint64_t bad = 0, nf, i, so, ss, e;
	int span_ok = 0;

	w[1] = func;
	w[2] = value;
	w[3] = l->type_id;
	nf = l->nfields;
	if (l->flags & KCOV_DF_LAYOUT_TRUNC)
		flags |= KCOV_DF_F_TRUNC;
	if (nf > KCOV_DF_MAX_FIELDS) {
		nf = KCOV_DF_MAX_FIELDS;
		flags |= KCOV_DF_F_TRUNC;
	}
	if (value == 0 || value >= (uint64_t)-4095) {
		/* No object: the record keeps the type id and has no field
		 * words (docs/runtime.md, "NULL and ERR_PTR"). */
		flags |= value == 0 ? KCOV_DF_F_NULL : KCOV_DF_F_ERRPTR;
		w[0] = v2_hdr(kind, info_with_flags(info, flags), 1);
		return KCOV_DF_V2_FIXED_WORDS + 1;
	}

	/* One copy of the whole span when it is readable. */
	so = l->span_offset;
	ss = l->span_size;
	if (ss && ss <= RT_SPAN_MAX && user_range_ok(value + so, ss) &&
	    value + so >= value)
		span_ok = rt_copy_nofault(span, value + so, ss) == 0;

	for (i = 0; i < nf; i++) {
		const struct kcov_df_field *f = &l->fields[i];
		uint64_t off = f->offset, n = field_bytes(f);
		unsigned char tmp[8];

		if (f->flags & KCOV_DF_FIELD_OPTOUT) {
			/* The compiler does not know it: never a value. */
			vals[i] = KCOV_DF_BAD_READ;
			bad |= 1ULL << i;
			continue;
		}
		if (span_ok && off >= so && off + n <= so + ss) {
			vals[i] = field_value(f, span + (off - so));
			continue;
		}
		/* Span unreadable (or field outside it): this field alone. */
		if (user_range_ok(value + off, n) && value + off >= value &&
		    rt_copy_nofault(tmp, value + off, n) == 0) {
			vals[i] = field_value(f, tmp);
		} else {
			vals[i] = KCOV_DF_BAD_READ;
			bad |= 1ULL << i;
		}
	}

	e = 1;
	if (bad) {
		flags |= KCOV_DF_F_FAULT;
		w[4] = bad;
		e = 2;
	}
	memcpy(&w[3 + e], vals, nf * sizeof(vals[0]));
	e += nf;
	w[0] = v2_hdr(kind, info_with_flags(info, flags), e);
	return (unsigned int)(KCOV_DF_V2_FIXED_WORDS + e);
}

/* ------------------------------------------------------------------ */
/* Slow paths                                                          */
/* ------------------------------------------------------------------ */

/*
 * Everything the hot path does not do: records with fields, the first record
 * of a thread, a full buffer, unusual info words, late records, and the
 * count of callbacks skipped because a signal handler interrupted one. The
 * slow paths take the recursion guard themselves (the hot path has released
 * it when it tail-calls them); a signal handler running between the two
 * finds the guard free and records normally, which is correct: the hot path
 * holds no state across the call.
 */
static KCOVDF_NOINSTR void df_slow(uint64_t kind, uint64_t func, uint64_t info,
				   uint64_t value,
				   const struct kcov_df_layout *layout)
{
	struct rt_thread *t = &kcovdf_tls;
	uint64_t w[RT_MAX_REC_WORDS];
	uint64_t fl;
	unsigned int n;

	if (atomic_load_explicit(&t->busy, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&t->df.skipped, 1,
					  memory_order_relaxed);
		return;
	}
	atomic_store_explicit(&t->busy, 1, memory_order_relaxed);
	atomic_signal_fence(memory_order_seq_cst);
	if (atomic_load(&t->state) != RT_T_ACTIVE && !rt_thread_start(t))
		goto out;
	fl = KCOV_DF_INFO_FLAGS(info);
	if (fl & KCOV_DF_F_NOTREAD) {
		/* The object is not what the call received: never read. */
		layout = NULL;
		fl &= ~(uint64_t)(KCOV_DF_F_STRING | KCOV_DF_F_WIDE);
	}
	if (layout && layout->version == KCOV_DF_LAYOUT_VERSION) {
		n = compose_fields(w, kind, func, info, value, layout);
	} else if (fl & KCOV_DF_F_STRING) {
		n = compose_string(w, kind, func, info, value);
	} else if (fl & KCOV_DF_F_WIDE) {
		n = compose_wide(w, kind, func, info, value);
	} else {
		/* No layout (or one we cannot read): a plain value. */
		fl &= ~(uint64_t)(REC_CONTENT_FLAGS & ~KCOV_DF_F_NOTREAD);
		w[0] = v2_hdr(kind, info_with_flags(info, fl), 0);
		w[1] = func;
		w[2] = value;
		n = KCOV_DF_V2_FIXED_WORDS;
	}
	rt_slow_record(t, &t->df, w, n);
out:
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store_explicit(&t->busy, 0, memory_order_relaxed);
}

#if defined(__x86_64__) || defined(__aarch64__)
#define CB_VALUE_CC __attribute__((preserve_most))
#else
#define CB_VALUE_CC
#endif

/*
 * Same argument registers as the callbacks, so the hot path tail-calls; and
 * the same preserve_most convention, so the callbacks save no registers for
 * a call that only the slow path makes: these save everything df_slow()
 * (an ordinary C function) may clobber, on the slow path only.
 */
static KCOVDF_NOINSTR __attribute__((noinline, used)) CB_VALUE_CC void
df_slow_args(uint64_t func, uint64_t info, uint64_t value,
	     const struct kcov_df_layout *layout)
{
	df_slow(KCOV_DF_KIND_ARG, func, info, value, layout);
}

static KCOVDF_NOINSTR __attribute__((noinline, used)) CB_VALUE_CC void
df_slow_ret(uint64_t func, uint64_t info, uint64_t value,
	    const struct kcov_df_layout *layout)
{
	df_slow(KCOV_DF_KIND_RET, func, info, value, layout);
}

static KCOVDF_NOINSTR __attribute__((noinline)) void pc_slow(uint64_t word)
{
	struct rt_thread *t = &kcovdf_tls;

	if (atomic_load_explicit(&t->busy, memory_order_relaxed)) {
		atomic_fetch_add_explicit(&t->pc.skipped, 1,
					  memory_order_relaxed);
		return;
	}
	atomic_store_explicit(&t->busy, 1, memory_order_relaxed);
	atomic_signal_fence(memory_order_seq_cst);
	if (atomic_load(&t->state) == RT_T_ACTIVE || rt_thread_start(t))
		rt_slow_record(t, &t->pc, &word, 1);
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store_explicit(&t->busy, 0, memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* Hot paths                                                           */
/* ------------------------------------------------------------------ */

/*
 * Info words the hot path handles: size <= 0xffff (no clamping), the
 * reserved bits 24-31 and flag 0x8000 clear, and none of the flags that
 * need extra words (FIELDS, STRING, WIDE). Then the header's low 52 bits
 * are the info word's argidx and flags (bits 0-23) moved to bits 28-51 and
 * its size moved to bits 0-15.
 */
#define HOT_INFO_REJECT 0xffff0000ff800000ULL
#define HOT_INFO_REJECT_FLAGS						\
	((uint64_t)(KCOV_DF_F_FIELDS | KCOV_DF_F_STRING | KCOV_DF_F_WIDE) << 8)

/* The hot path in C (the x86-64 callbacks have it in assembly below). */
static inline __attribute__((always_inline, unused)) int
df_hot(uint64_t kind, uint64_t func, uint64_t info, uint64_t value,
       const struct kcov_df_layout *layout)
{
	struct rt_thread *t = &kcovdf_tls;
	uint64_t *p;
	uintptr_t lim;

	/* One test for both: a struct record, or the guard is held (a
	 * signal handler interrupted a callback of this thread). */
	if (unlikely(((uintptr_t)layout |
		      (uintptr_t)(unsigned int)atomic_load_explicit(&t->busy,
						      memory_order_relaxed))))
		return 0;
	if (unlikely(info & (HOT_INFO_REJECT | HOT_INFO_REJECT_FLAGS)))
		return 0;
	atomic_store_explicit(&t->busy, 1, memory_order_relaxed);
	/* The guard is set before any buffer word is read or written: the
	 * signal fence keeps the compiler from moving buffer accesses above
	 * the store (the CPU needs no fence: only this thread's signal
	 * handlers look at the guard, and a thread sees its own stores in
	 * program order). */
	atomic_signal_fence(memory_order_seq_cst);
	p = atomic_load_explicit(&t->df.cur, memory_order_relaxed);
	lim = (uintptr_t)atomic_load_explicit(&t->df.lim,
					      memory_order_relaxed);
	if (unlikely((uintptr_t)p + 3 * sizeof(uint64_t) > lim)) {
		/* Full, or no buffer yet, or the thread is LATE. */
		atomic_signal_fence(memory_order_seq_cst);
		atomic_store_explicit(&t->busy, 0, memory_order_relaxed);
		return 0;
	}
	p[0] = ((uint64_t)KCOV_DF_V2_TAG << 56) | (kind << 52) |
	       ((info & 0xffffffULL) << 28) | (info >> 32);
	p[1] = func;
	p[2] = value;
	/* Release: a thread flushing us at exit that sees the new cur sees
	 * the three words too (a plain store on x86-64). */
	atomic_store_explicit(&t->df.cur, p + 3, memory_order_release);
	/* The guard is cleared only after the record is complete. */
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store_explicit(&t->busy, 0, memory_order_relaxed);
	return 1;
}

static inline __attribute__((always_inline)) int pc_hot(uint64_t word)
{
	struct rt_thread *t = &kcovdf_tls;
	uint64_t *p;
	uintptr_t lim;

	if (unlikely(atomic_load_explicit(&t->busy, memory_order_relaxed)))
		return 0;
	atomic_store_explicit(&t->busy, 1, memory_order_relaxed);
	atomic_signal_fence(memory_order_seq_cst);
	p = atomic_load_explicit(&t->pc.cur, memory_order_relaxed);
	lim = (uintptr_t)atomic_load_explicit(&t->pc.lim,
					      memory_order_relaxed);
	if (unlikely((uintptr_t)p + sizeof(uint64_t) > lim)) {
		atomic_signal_fence(memory_order_seq_cst);
		atomic_store_explicit(&t->busy, 0, memory_order_relaxed);
		return 0;
	}
	p[0] = word;
	atomic_store_explicit(&t->pc.cur, p + 1, memory_order_release);
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store_explicit(&t->busy, 0, memory_order_relaxed);
	return 1;
}

#define CB_ATTR KCOVDF_NOINSTR __attribute__((noinline, used))

/*
 * The callbacks of compiler ABI 2 and its guards, under the names the ABI
 * header gives (asm labels: the C names are ours).
 *
 * The plugin calls the value callbacks with the preserve_most convention on
 * x86-64 (header: "Calling convention"): we save what we use, the
 * instrumented function saves nothing. Every instrumented object references
 * the guard of the convention it was built for; we implement both.
 */
extern const char kcovdf_abi_pm __asm__(KCOV_DF_ABI_SYM_PRESERVE_MOST);
extern const char kcovdf_abi_c __asm__(KCOV_DF_ABI_SYM_C);
__attribute__((used)) const char kcovdf_abi_pm = 1;
__attribute__((used)) const char kcovdf_abi_c = 1;

CB_VALUE_CC void kcovdf_trace_args(uint64_t func, uint64_t info,
				   uint64_t value,
				   const struct kcov_df_layout *layout)
	__asm__(KCOV_DF_TRACE_ARGS_SYM);
CB_VALUE_CC void kcovdf_trace_ret(uint64_t func, uint64_t info,
				  uint64_t value,
				  const struct kcov_df_layout *layout)
	__asm__(KCOV_DF_TRACE_RET_SYM);

/* libkcovdf-rt.so (KCOVDF_RT_SHARED) uses the C version: %fs:sym@tpoff
 * addresses TLS as only an executable can. */
#if defined(__x86_64__) && !defined(KCOVDF_RT_SHARED)
/*
 * x86-64: the same hot path as df_hot(), written out so that it needs no
 * register but r11 and rcx: preserve_most leaves r11 to the callee, and
 * rcx, the layout argument, is known to be NULL on the hot path, so it is
 * used as scratch and cleared again before returning or going to the slow
 * path (clang's version of df_hot() saves and restores four registers).
 * The info word is tested against one 64-bit mask (size > 0xffff, the
 * reserved bits and flag, flags that need extra words). The header is
 * built in rcx (argidx and flags, bits 0-23 of the info word, shifted to
 * 28-51; the size, bits 32-47, to 0-15), stored, and the tag and kind
 * or-ed into its top 12 bits; that 16-bit or reads bytes one store wrote
 * whole, so the CPU forwards them. (Building the header in memory with a
 * chain of read-modify-writes, as format revision 1's layout allowed, is
 * slower here: bytes 3-6 must move by 4 bits, and an or over bytes that
 * two stores wrote stalls the store buffer.) The end of the new record
 * doubles as the full-buffer test. Everything else goes, with the argument
 * registers as they came, to df_slow_*() (a tail call). The guard and the
 * fences are those of df_hot(): the stores are in program order in the
 * instruction stream.
 */
#define HOT_ASM(kind_tag, slow)						\
	__asm__ volatile(						\
	"cmpl	$0, __kcov_df_gate(%%rip)\n\t"				\
	"je	1f\n\t"							\
	"movabs	%[reject], %%r11\n\t"	/* size > 0xffff, reserved, */	\
	"and	%%rsi, %%r11\n\t"	/* extra words */		\
	"or	%%rcx, %%r11\n\t"	/* a layout */			\
	"jnz	3f\n\t"							\
	"cmpl	$0, %%fs:kcovdf_tls@tpoff+%c[busy]\n\t"			\
	"jne	3f\n\t"							\
	"movl	$1, %%fs:kcovdf_tls@tpoff+%c[busy]\n\t"			\
	"mov	%%esi, %%ecx\n\t"	/* argidx, flags: bits 28-51 */	\
	"shl	$28, %%rcx\n\t"						\
	"mov	%%rsi, %%r11\n\t"	/* size: bits 0-15 */		\
	"shr	$32, %%r11\n\t"						\
	"or	%%r11, %%rcx\n\t"					\
	"mov	%%fs:kcovdf_tls@tpoff+%c[cur], %%r11\n\t"		\
	"add	$24, %%r11\n\t"						\
	"cmp	%%fs:kcovdf_tls@tpoff+%c[lim], %%r11\n\t"		\
	"ja	2f\n\t"							\
	"mov	%%rcx, -24(%%r11)\n\t"					\
	"orw	%[tag], -18(%%r11)\n\t"	/* tag, kind: bits 52-63 */	\
	"mov	%%rdi, -16(%%r11)\n\t"					\
	"mov	%%rdx, -8(%%r11)\n\t"					\
	"mov	%%r11, %%fs:kcovdf_tls@tpoff+%c[cur]\n\t"		\
	"movl	$0, %%fs:kcovdf_tls@tpoff+%c[busy]\n\t"			\
	"xor	%%ecx, %%ecx\n"		/* the layout argument, NULL */	\
	"1:\tret\n"							\
	"2:\txor	%%ecx, %%ecx\n\t"				\
	"movl	$0, %%fs:kcovdf_tls@tpoff+%c[busy]\n"			\
	"3:\tjmp	" slow "\n\t"					\
	: : [busy] "i" (offsetof(struct rt_thread, busy)),		\
	    [cur] "i" (offsetof(struct rt_thread, df.cur)),		\
	    [lim] "i" (offsetof(struct rt_thread, df.lim)),		\
	    [reject] "i" (HOT_INFO_REJECT | HOT_INFO_REJECT_FLAGS),	\
	    [tag] "i" ((((uint64_t)KCOV_DF_V2_TAG << 4) | (kind_tag)) << 4))

__attribute__((naked, used)) KCOVDF_NOINSTR void
kcovdf_trace_args(uint64_t func, uint64_t info, uint64_t value,
		  const struct kcov_df_layout *layout)
{
	HOT_ASM(KCOV_DF_KIND_ARG, "df_slow_args");
}

__attribute__((naked, used)) KCOVDF_NOINSTR void
kcovdf_trace_ret(uint64_t func, uint64_t info, uint64_t value,
		 const struct kcov_df_layout *layout)
{
	HOT_ASM(KCOV_DF_KIND_RET, "df_slow_ret");
}
#else
CB_ATTR CB_VALUE_CC void kcovdf_trace_args(uint64_t func, uint64_t info,
					   uint64_t value,
					   const struct kcov_df_layout *layout)
{
	if (unlikely(!__kcov_df_gate))
		return;
	if (likely(df_hot(KCOV_DF_KIND_ARG, func, info, value, layout)))
		return;
	df_slow_args(func, info, value, layout);
}

CB_ATTR CB_VALUE_CC void kcovdf_trace_ret(uint64_t func, uint64_t info,
					  uint64_t value,
					  const struct kcov_df_layout *layout)
{
	if (unlikely(!__kcov_df_gate))
		return;
	if (likely(df_hot(KCOV_DF_KIND_RET, func, info, value, layout)))
		return;
	df_slow_ret(func, info, value, layout);
}

#endif

/* KCOV_TRACE_PC_EXT words: the caller's return address with the top byte
 * replaced by the record type (seed 003: ENTRY 0x00, EXIT 0x10, NORMAL
 * 0xf0). User-space addresses have a zero top byte, so a reader recovers
 * the address as word & 0x00ffffffffffffff. */
#define PCEXT_IP_MASK 0x00ffffffffffffffULL
#define PCEXT_ENTRY 0x0000000000000000ULL
#define PCEXT_EXIT 0x1000000000000000ULL
#define PCEXT_NORMAL 0xf000000000000000ULL
#define RET_IP ((uint64_t)(uintptr_t)__builtin_return_address(0))

CB_ATTR void __sanitizer_cov_trace_pc_entry(void)
{
	if (unlikely(!__kcov_df_gate))
		return;
	uint64_t w = (RET_IP & PCEXT_IP_MASK) | PCEXT_ENTRY;

	if (likely(pc_hot(w)))
		return;
	pc_slow(w);
}

CB_ATTR void __sanitizer_cov_trace_pc_exit(void)
{
	if (unlikely(!__kcov_df_gate))
		return;
	uint64_t w = (RET_IP & PCEXT_IP_MASK) | PCEXT_EXIT;

	if (likely(pc_hot(w)))
		return;
	pc_slow(w);
}

CB_ATTR void __sanitizer_cov_trace_pc(void)
{
	if (unlikely(!__kcov_df_gate))
		return;
	uint64_t w = (RET_IP & PCEXT_IP_MASK) | PCEXT_NORMAL;

	if (likely(pc_hot(w)))
		return;
	pc_slow(w);
}
