/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces of the kcov-dataflow user-space runtime.
 * See docs/runtime.md for the design; this file only declares.
 *
 * Nothing in runtime/ may be instrumented: the Makefile compiles it without
 * the plugin, and every function that instrumented code can reach is
 * additionally marked KCOVDF_NOINSTR.
 */
#ifndef KCOVDF_RT_INTERNAL_H
#define KCOVDF_RT_INTERNAL_H

#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/kcov_dataflow_abi.h>
#include "kcovdf/trace_file.h"

#if defined(__clang__)
#define KCOVDF_NOINSTR __attribute__((no_sanitize("coverage")))
#else
#define KCOVDF_NOINSTR __attribute__((no_sanitize_coverage))
#endif
#define KCOVDF_HIDDEN __attribute__((visibility("hidden")))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Largest record the runtime writes: header, pc, value, type id, fault
 * bitmap, 64 fields (a string takes 3 + 1 + 16, a wide value 3 + 8). */
#define RT_MAX_REC_WORDS (KCOV_DF_V2_FIXED_WORDS + 2 + KCOV_DF_MAX_FIELDS)

/* Bytes reserved in front of every buffer (and every chunk we write) for
 * the chunk header and the stream header, so that a STREAM chunk goes out
 * with one write() of contiguous memory. */
#define RT_CHUNK_HDRS \
	(sizeof(struct kcovdf_chunk_hdr) + sizeof(struct kcovdf_stream_hdr))

#define RT_DEFAULT_BUFFER_WORDS (256u * 1024u)	/* 2 MiB per stream */

/* Buffers of fewer words are written as they are: packing them saves
 * little and costs the clearing of the prediction tables. */
#define RT_PACK_MIN_WORDS 64
#define RT_MIN_BUFFER_WORDS RT_MAX_REC_WORDS

/* Thread states. */
enum {
	RT_T_NONE = 0,		/* no buffer yet (first record sets it up) */
	RT_T_ACTIVE = 1,	/* records go to the buffer */
	RT_T_LATE = 2,		/* final flush done: each record is written
				 * at once with an updated LOSS chunk */
	RT_T_OFF = 3,		/* recording disabled for this thread */
};

/*
 * One record stream of a thread (v1 records, or KCOV_TRACE_PC_EXT words).
 * Words [base, flushed) are in the file, [flushed, cur) are complete records
 * not yet written, [cur, end) free. The hot path writes at cur and then
 * publishes the new cur with a release store; a record becomes visible to
 * a flushing thread only as a whole.
 *
 * Ownership: cur is stored only by the owning thread. lim (the hot path's
 * limit; NULL sends every callback to the slow path), flushed, seq and the
 * counters change only under the owning thread's lock, which the owning
 * thread takes in its slow path and the exiting thread takes to flush it.
 */
struct rt_stream {
	_Atomic(uint64_t *) cur;
	_Atomic(uint64_t *) lim;
	uint64_t *flushed;
	uint64_t *base;
	uint64_t *end;
	size_t map_bytes;	/* mmap length (header room included) */
	uint64_t seq;		/* next chunk number */
	uint64_t records, dropped, truncated;
	_Atomic uint64_t skipped;
	uint64_t loss_written[4]; /* counters in the last LOSS chunk */
	int loss_valid;
	uint32_t kind, format;	/* KCOVDF_STREAM_*, KCOVDF_FMT_* */
	/* The buffer is a file the recorder reads after a SIGKILL (salvage.c;
	 * NULL: anonymous memory). Its header is in the mapping, in front. */
	struct kcovdf_salvage_hdr *sv;
};

struct rt_thread {
	/*
	 * Recursion guard. Set (relaxed store, then a signal fence) before
	 * any buffer word is touched and cleared (signal fence, then relaxed
	 * store) after the new cur is published. Only code running on this
	 * same thread -- a signal handler that interrupts a callback -- can
	 * observe it while it is set, so compiler ordering is all that is
	 * needed: the CPU always sees its own stores in program order, and
	 * a signal is delivered between two instructions. The signal fences
	 * stop the compiler from moving buffer stores across the flag.
	 */
	_Atomic int busy;
	_Atomic int state;	/* RT_T_* */
	struct rt_stream df;	/* v1 records */
	struct rt_stream pc;	/* PC_EXT words */
	/* Where a flush packs a buffer (STREAM_PACKED chunks, lib/wpack.c):
	 * mmap'd at the thread's first flush, under the lock below. */
	struct rt_pack *pack;
	size_t pack_bytes;
	atomic_int lock;	/* see struct rt_stream */
	uint32_t tid;
	char comm[16];
	/* signal bookkeeping (signals.c) */
	_Atomic int sig_depth;	/* > 0: inside a wrapped handler */
	_Atomic int segv_blocked; /* SIGSEGV/SIGBUS blocked (last known) */
	struct rt_thread *next, *prev;	/* registry, under rt.reg_lock */
	int registered;
};

struct rt_global {
	atomic_int init_state;	/* 0 not started, 1 running, 2 done */
	int enabled;		/* KCOVDF_OUT set and the file is usable */
	int fd;
	dev_t fd_dev;
	ino_t fd_ino;
	uint32_t pid;
	size_t buffer_words;
	int pack;		/* KCOVDF_PACK: pack STREAM chunks (default) */
	atomic_int final;	/* final flush done (exit or exec) */
	atomic_int broken;	/* output unusable: everything is dropped */
	atomic_int reg_lock;
	struct rt_thread *threads;
	char path[4096];
};

extern struct rt_global kcovdf_rt KCOVDF_HIDDEN;
extern __thread struct rt_thread kcovdf_tls
	__attribute__((tls_model("initial-exec"))) KCOVDF_HIDDEN;

/* core.c */
KCOVDF_HIDDEN int rt_init(void);
KCOVDF_HIDDEN void rt_slow_record(struct rt_thread *t, struct rt_stream *s,
				  const uint64_t *w, unsigned int n);
KCOVDF_HIDDEN int rt_thread_start(struct rt_thread *t);
KCOVDF_HIDDEN void rt_final_flush(const char *why);
/* Exported: the constructor of build/kcovdf-rt-dso.o, linked into shared
 * libraries by `kcovdf cc -shared`, calls it (runtime/dso.c). */
void __kcovdf_rt_dso_loaded(const void *addr);
KCOVDF_HIDDEN void rt_resume_after_exec_failure(void);
KCOVDF_HIDDEN int rt_exec_state(char *buf, size_t len);
KCOVDF_HIDDEN void rt_lock(atomic_int *l);
KCOVDF_HIDDEN void rt_unlock(atomic_int *l);
KCOVDF_HIDDEN uint32_t rt_gettid(void);

/* salvage.c (include/kcovdf/salvage.h) */
KCOVDF_HIDDEN void rt_salvage_init(void);
KCOVDF_HIDDEN void *rt_salvage_map(const struct rt_thread *t,
				   struct rt_stream *s, size_t len,
				   size_t words);
KCOVDF_HIDDEN void rt_salvage_sync(struct rt_stream *s);
KCOVDF_HIDDEN void rt_salvage_rewind(struct rt_stream *s, uint64_t *used_end);
KCOVDF_HIDDEN void rt_salvage_done(struct rt_stream *s);

/* nofault_*.S / signals.c: copy n bytes from src; 0 on success, non-zero
 * when any byte could not be read (dst contents then undefined). */
KCOVDF_HIDDEN int rt_copy_nofault(void *dst, uintptr_t src, size_t n);
KCOVDF_HIDDEN int kcovdf_copy_asm(void *dst, const void *src, size_t n);
KCOVDF_HIDDEN void rt_signals_init(void);
KCOVDF_HIDDEN void rt_signals_thread_init(struct rt_thread *t);
KCOVDF_HIDDEN void rt_signals_thread_exit(struct rt_thread *t);
/* The process is about to die of sig (our handler, before the default
 * action): write what every thread has buffered. Async-signal-safe; locks
 * are only tried, for a bounded time. */
KCOVDF_HIDDEN void rt_crash_flush(int sig);
KCOVDF_HIDDEN int rt_segv_handler_ok(void);
KCOVDF_HIDDEN int rt_real_sigaction(int sig, const struct sigaction *act,
				    struct sigaction *old);

#endif /* KCOVDF_RT_INTERNAL_H */
