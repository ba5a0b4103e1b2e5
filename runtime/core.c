// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime core: initialisation, the trace file, per-thread buffers and their
 * flushing, thread exit, fork, process exit. See docs/runtime.md.
 *
 * Nothing here is on the hot path; the callbacks (callbacks.c) come here only
 * for the first record of a thread, a full buffer, or a late record.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "rt_internal.h"
#include "kcovdf_rt.h"
#include "kcovdf/salvage.h"
#include "kcovdf/wpack.h"

extern int __kcov_df_gate;

struct rt_global kcovdf_rt = { .fd = -1 };
#define rt kcovdf_rt

static pthread_key_t rt_key;
static uint32_t rt_init_tid;

/* Counters of the stream an exec'ing thread had in the previous image
 * (KCOVDF_EXEC_STATE): its records continue in this image. */
#define RT_EXEC_ENV "KCOVDF_EXEC_STATE"
static struct {
	int valid;
	uint32_t pid, tid;
	uint64_t v[2][5];	/* df, pc: seq records dropped truncated skipped */
} exec_state;

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

KCOVDF_NOINSTR void rt_lock(atomic_int *l)
{
	int spins = 0;

	while (atomic_exchange_explicit(l, 1, memory_order_acquire)) {
		if (++spins > 64)
			sched_yield();
	}
}

KCOVDF_NOINSTR void rt_unlock(atomic_int *l)
{
	atomic_store_explicit(l, 0, memory_order_release);
}

KCOVDF_NOINSTR uint32_t rt_gettid(void)
{
	return (uint32_t)syscall(SYS_gettid);
}

static void rt_msg(const char *fmt, const char *a, int err)
{
	char m[512];
	int n = snprintf(m, sizeof(m), "kcovdf-rt[%d]: ", (int)getpid());

	n += snprintf(m + n, sizeof(m) - n, fmt, a);
	if (err)
		n += snprintf(m + n, sizeof(m) - n, ": %s", strerror(err));
	if (n > (int)sizeof(m) - 2)
		n = sizeof(m) - 2;
	m[n++] = '\n';
	if (write(2, m, n) < 0) {
		/* nothing more we can do */
	}
}

static void *rt_mmap(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/*
 * Write len bytes with one write(). Returns 0 when all of it went out.
 * O_APPEND makes the kernel place the whole buffer at the end of the file
 * under the inode lock, so chunks of different threads and processes never
 * interleave. A short write leaves a partial chunk at the end of the file;
 * anything appended after it would be unreadable, so the output is marked
 * broken and everything from then on is counted as dropped.
 */
static int rt_write(const void *buf, size_t len)
{
	struct stat st;
	ssize_t n;

	if (atomic_load(&rt.broken) || rt.fd < 0)
		return -1;
	/* The program may have closed our descriptor and reused its number:
	 * never write into someone else's file. */
	if (fstat(rt.fd, &st) != 0 || st.st_dev != rt.fd_dev ||
	    st.st_ino != rt.fd_ino) {
		if (!atomic_exchange(&rt.broken, 1))
			rt_msg("output descriptor %s no longer refers to the "
			       "trace file; output stopped", rt.path, 0);
		return -1;
	}
	do
		n = write(rt.fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)len)
		return 0;
	/* A short write sets no errno: none is printed. */
	if (n > 0 && !atomic_exchange(&rt.broken, 1))
		rt_msg("short write to %s (disk full or file size limit?); "
		       "output stopped", rt.path, 0);
	return -1;
}

/* Append a chunk header for a payload of size bytes at p; returns the
 * address after the header. */
static char *put_chunk_hdr(char *p, uint32_t type, uint32_t flags,
			   uint64_t size)
{
	struct kcovdf_chunk_hdr h = { .type = type, .flags = flags,
				      .size = size };
	memcpy(p, &h, sizeof(h));
	return p + sizeof(h);
}

/* ------------------------------------------------------------------ */
/* Streams                                                             */
/* ------------------------------------------------------------------ */

/* Count records and TRUNC records in [from, to) of a stream. */
static void count_records(const struct rt_stream *s, const uint64_t *from,
			  const uint64_t *to, uint64_t *nrec, uint64_t *ntrunc)
{
	*nrec = *ntrunc = 0;
	if (s->format == KCOVDF_FMT_KCOV_PCEXT) {
		*nrec = (uint64_t)(to - from);
		return;
	}
	while (from < to) {
		(*nrec)++;
		if (KCOV_DF_V2_FLAGS(*from) & KCOV_DF_F_TRUNC)
			(*ntrunc)++;
		from += KCOV_DF_V2_WORDS(*from);
	}
}

static void fill_stream_hdr(struct kcovdf_stream_hdr *sh,
			    const struct rt_thread *t,
			    const struct rt_stream *s, uint64_t nwords)
{
	memset(sh, 0, sizeof(*sh));
	sh->pid = rt.pid;
	sh->tid = t->tid;
	sh->kind = s->kind;
	sh->format = s->format;
	sh->nwords = nwords;
	sh->seq = s->seq;
	memcpy(sh->comm, t->comm, sizeof(sh->comm));
}

/* The thread's packing space: prediction tables and room for the
 * largest packed chunk. */
struct rt_pack {
	struct kcovdf_wpack ws;
	char out[];
};

/*
 * Pack [from, from + nwords) into a STREAM_PACKED chunk in the thread's
 * packing space (mmap'd at its first use). Returns the chunk's length, or
 * 0 when it is written as it is (packing off, a small buffer, no memory,
 * or a packing no smaller than the words). Caller holds t->lock.
 */
static size_t pack_locked(struct rt_thread *t, struct rt_stream *s,
			  const uint64_t *from, uint64_t nwords,
			  const struct kcovdf_stream_hdr *sh)
{
	const size_t hdrs = RT_CHUNK_HDRS + sizeof(struct kcovdf_packed_hdr);
	struct kcovdf_packed_hdr ph = { .codec = KCOVDF_WPACK_CODEC };
	size_t n, len;
	char *p;

	if (!rt.pack || nwords < RT_PACK_MIN_WORDS)
		return 0;
	if (!t->pack) {
		len = (sizeof(struct rt_pack) + hdrs + rt.buffer_words * 8 +
		       8 + 4095) & ~(size_t)4095;
		t->pack = rt_mmap(len);
		if (!t->pack)
			return 0;
		t->pack_bytes = len;
	}
	p = t->pack->out;
	/* Smaller than the plain chunk, or not at all. */
	n = kcovdf_wpack_encode(&t->pack->ws, s->format, from, nwords,
				(uint8_t *)p + hdrs,
				nwords * 8 - sizeof(ph), &ph.check);
	if (!n)
		return 0;
	memcpy(put_chunk_hdr(p, KCOVDF_CHUNK_STREAM_PACKED,
			     KCOVDF_CHUNK_CRITICAL,
			     sizeof(*sh) + sizeof(ph) + n), sh, sizeof(*sh));
	memcpy(p + RT_CHUNK_HDRS, &ph, sizeof(ph));
	len = hdrs + n;
	memset(p + len, 0, pad8(len) - len);
	return pad8(len);
}

static void pack_free(struct rt_thread *t)
{
	if (t->pack)
		munmap(t->pack, t->pack_bytes);
	t->pack = NULL;
	t->pack_bytes = 0;
}

/*
 * Write [flushed, cur) as one STREAM chunk: packed (STREAM_PACKED) in the
 * thread's packing space, or as it is with the headers in the 80 bytes
 * before `flushed` (header room in front of the buffer, or words already
 * written). Caller holds t->lock.
 */
static void flush_locked(struct rt_thread *t, struct rt_stream *s)
{
	uint64_t *from = s->flushed;
	uint64_t *to = atomic_load_explicit(&s->cur, memory_order_acquire);
	uint64_t nrec, ntrunc, nwords;
	struct kcovdf_stream_hdr sh;
	size_t packed;
	char *h;

	if (!s->base || to == from)
		return;
	nwords = (uint64_t)(to - from);
	count_records(s, from, to, &nrec, &ntrunc);
	fill_stream_hdr(&sh, t, s, nwords);
	packed = pack_locked(t, s, from, nwords, &sh);
	if (packed) {
		h = t->pack->out;
	} else {
		h = (char *)from - RT_CHUNK_HDRS;
		memcpy(put_chunk_hdr(h, KCOVDF_CHUNK_STREAM, 0,
				     sizeof(sh) + nwords * 8),
		       &sh, sizeof(sh));
	}
	if (rt_write(h, packed ? packed : RT_CHUNK_HDRS + nwords * 8) != 0)
		s->dropped += nrec;
	s->records += nrec;
	s->truncated += ntrunc;
	s->seq++;	/* also on failure: the gap shows in seq */
	s->flushed = to;
	if (s->sv)
		rt_salvage_sync(s);
}

/* The owner starts its buffer over (everything in it is flushed). Caller
 * holds t->lock. */
static void stream_rewind(struct rt_stream *s)
{
	if (s->sv)
		rt_salvage_rewind(s, atomic_load_explicit(&s->cur,
							  memory_order_relaxed));
	s->flushed = s->base;
}

static int stream_used(const struct rt_stream *s)
{
	return s->base || s->records || s->seq ||
	       atomic_load(&s->skipped) || s->loss_valid;
}

/* Build a LOSS chunk for s at p; returns its length. */
static size_t put_loss(char *p, const struct rt_thread *t,
		       struct rt_stream *s)
{
	struct kcovdf_loss l;

	memset(&l, 0, sizeof(l));
	l.pid = rt.pid;
	l.tid = t->tid;
	l.kind = s->kind;
	l.records = s->records;
	l.dropped = s->dropped;
	l.truncated = s->truncated;
	l.skipped = atomic_load(&s->skipped);
	p = put_chunk_hdr(p, KCOVDF_CHUNK_LOSS, 0, sizeof(l));
	memcpy(p, &l, sizeof(l));
	s->loss_written[0] = l.records;
	s->loss_written[1] = l.dropped;
	s->loss_written[2] = l.truncated;
	s->loss_written[3] = l.skipped;
	s->loss_valid = 1;
	return sizeof(struct kcovdf_chunk_hdr) + sizeof(l);
}

static int loss_changed(const struct rt_stream *s)
{
	return !s->loss_valid || s->loss_written[0] != s->records ||
	       s->loss_written[1] != s->dropped ||
	       s->loss_written[2] != s->truncated ||
	       s->loss_written[3] != atomic_load(&s->skipped);
}

/* Flush s and write its LOSS chunk (when something changed). Caller holds
 * t->lock. The LOSS counters are cumulative; a reader keeps the last LOSS
 * chunk of each (pid, tid, kind). */
static void finish_stream_locked(struct rt_thread *t, struct rt_stream *s)
{
	char buf[sizeof(struct kcovdf_chunk_hdr) + sizeof(struct kcovdf_loss)];
	size_t n;

	flush_locked(t, s);
	if (!stream_used(s) || !loss_changed(s))
		return;
	n = put_loss(buf, t, s);
	if (rt_write(buf, n) != 0)
		s->loss_valid = 0;
}

static int stream_alloc(const struct rt_thread *t, struct rt_stream *s)
{
	size_t words = rt.buffer_words;
	size_t len = (RT_CHUNK_HDRS + words * 8 + 4095) & ~(size_t)4095;
	char *m = rt_salvage_map(t, s, len, words);

	if (!m)
		m = rt_mmap(len);
	if (!m)
		return 0;
	s->map_bytes = len;
	s->base = (uint64_t *)(m + RT_CHUNK_HDRS);
	s->end = s->base + words;
	s->flushed = s->base;
	atomic_store(&s->cur, s->base);
	atomic_store(&s->lim, s->end);
	return 1;
}

static void stream_free(struct rt_stream *s)
{
	if (s->sv)
		munmap(s->sv, KCOVDF_SALVAGE_HDR_BYTES + s->map_bytes);
	else if (s->base)
		munmap((char *)s->base - RT_CHUNK_HDRS, s->map_bytes);
	s->sv = NULL;
	s->base = s->end = s->flushed = NULL;
	atomic_store(&s->cur, NULL);
	atomic_store(&s->lim, NULL);
}

/*
 * A record after the final flush of this thread (process exit or exec
 * started, or the thread's own exit): written at once, together with an
 * updated LOSS chunk, in one write. Caller holds t->lock.
 */
static void late_record(struct rt_thread *t, struct rt_stream *s,
			const uint64_t *w, unsigned int n)
{
	char buf[RT_CHUNK_HDRS + RT_MAX_REC_WORDS * 8 +
		 sizeof(struct kcovdf_chunk_hdr) + sizeof(struct kcovdf_loss)];
	struct kcovdf_stream_hdr sh;
	uint64_t nrec, ntrunc;
	char *p;

	flush_locked(t, s);	/* records that were in flight */
	count_records(s, w, w + n, &nrec, &ntrunc);
	s->records += nrec;
	s->truncated += ntrunc;
	fill_stream_hdr(&sh, t, s, n);
	p = put_chunk_hdr(buf, KCOVDF_CHUNK_STREAM, 0, sizeof(sh) + n * 8);
	memcpy(p, &sh, sizeof(sh));
	p += sizeof(sh);
	memcpy(p, w, n * 8);
	p += n * 8;
	s->seq++;
	/* Count the drop before the LOSS chunk is built: if the write fails,
	 * the LOSS chunk is gone with it, and the next one says so. */
	p += put_loss(p, t, s);
	if (rt_write(buf, (size_t)(p - buf)) != 0) {
		s->dropped += nrec;
		s->loss_valid = 0;
	}
}

/* Called by the callbacks' slow paths with t->busy set. */
KCOVDF_NOINSTR void rt_slow_record(struct rt_thread *t, struct rt_stream *s,
				   const uint64_t *w, unsigned int n)
{
	uint64_t *cur;

	rt_lock(&t->lock);
	switch (atomic_load(&t->state)) {
	case RT_T_ACTIVE:
		break;
	case RT_T_LATE:
		late_record(t, s, w, n);
		/* fallthrough */
	default:
		rt_unlock(&t->lock);
		return;
	}
	if (!s->base && !stream_alloc(t, s)) {
		s->records++;
		s->dropped++;
		rt_unlock(&t->lock);
		return;
	}
	cur = atomic_load_explicit(&s->cur, memory_order_relaxed);
	if ((size_t)(s->end - cur) < n) {
		flush_locked(t, s);
		stream_rewind(s);
		cur = s->base;
	}
	memcpy(cur, w, (size_t)n * 8);
	atomic_store_explicit(&s->cur, cur + n, memory_order_release);
	atomic_store_explicit(&s->lim, s->end, memory_order_relaxed);
	rt_unlock(&t->lock);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

static void read_comm(struct rt_thread *t)
{
	char name[17] = { 0 };

	if (prctl(PR_GET_NAME, name, 0, 0, 0) == 0)
		memcpy(t->comm, name, sizeof(t->comm));
}

/* Returns 0 (and does not insert) when the final flush has already run:
 * checked under the lock the final flush holds, so a thread starting
 * concurrently with exit either is flushed by it or starts LATE. */
static int reg_insert(struct rt_thread *t)
{
	rt_lock(&rt.reg_lock);
	if (atomic_load(&rt.final)) {
		rt_unlock(&rt.reg_lock);
		return 0;
	}
	t->prev = NULL;
	t->next = rt.threads;
	if (rt.threads)
		rt.threads->prev = t;
	rt.threads = t;
	t->registered = 1;
	rt_unlock(&rt.reg_lock);
	return 1;
}

static void reg_remove(struct rt_thread *t)
{
	rt_lock(&rt.reg_lock);
	if (t->registered) {
		if (t->prev)
			t->prev->next = t->next;
		else
			rt.threads = t->next;
		if (t->next)
			t->next->prev = t->prev;
		t->registered = 0;
	}
	rt_unlock(&rt.reg_lock);
}

/* First callback of a thread (busy is set). Returns non-zero when the
 * thread records (ACTIVE or LATE). */
KCOVDF_NOINSTR int rt_thread_start(struct rt_thread *t)
{
	int st = atomic_load(&t->state);

	if (st == RT_T_ACTIVE || st == RT_T_LATE)
		return 1;
	if (st == RT_T_OFF)
		return 0;
	t->df.kind = KCOVDF_STREAM_LOCAL;
	t->df.format = KCOVDF_FMT_VERSIONED;
	t->pc.kind = KCOVDF_STREAM_PCEXT;
	t->pc.format = KCOVDF_FMT_KCOV_PCEXT;
	if (!rt_init()) {
		/* Disabled, or the runtime is being initialised by this very
		 * thread (a callback from inside rt_init). */
		if (atomic_load(&rt.init_state) == 2)
			atomic_store(&t->state, RT_T_OFF);
		return 0;
	}
	t->tid = rt_gettid();
	read_comm(t);
	rt_signals_thread_init(t);
	pthread_setspecific(rt_key, t);	/* destructor at thread exit */
	if (exec_state.valid && exec_state.pid == rt.pid &&
	    exec_state.tid == t->tid) {
		struct rt_stream *ss[2] = { &t->df, &t->pc };

		for (int i = 0; i < 2; i++) {
			ss[i]->seq = exec_state.v[i][0];
			ss[i]->records = exec_state.v[i][1];
			ss[i]->dropped = exec_state.v[i][2];
			ss[i]->truncated = exec_state.v[i][3];
			atomic_store(&ss[i]->skipped, exec_state.v[i][4]);
			ss[i]->loss_valid = ss[i]->records || ss[i]->seq;
			/* force a LOSS chunk for this image at the end */
			ss[i]->loss_written[0] = UINT64_MAX;
		}
		exec_state.valid = 0;
	}
	if (!reg_insert(t)) {
		/* The process is exiting: no buffer, write records at once. */
		atomic_store(&t->state, RT_T_LATE);
		return 1;
	}
	atomic_store(&t->state, RT_T_ACTIVE);
	return 1;
}

/* The calling thread's stream state, for the image exec() starts:
 * "KCOVDF_EXEC_STATE=pid,tid,<df: seq,records,dropped,truncated,skipped>,
 * <pc: same>". Called after the final flush. Returns 0 when none. */
KCOVDF_NOINSTR int rt_exec_state(char *buf, size_t len)
{
	struct rt_thread *t = &kcovdf_tls;
	int n;

	if (!rt.enabled || atomic_load(&t->state) == RT_T_NONE ||
	    atomic_load(&t->state) == RT_T_OFF)
		return 0;
	n = snprintf(buf, len,
		     RT_EXEC_ENV "=%u,%u,%llu,%llu,%llu,%llu,%llu,"
		     "%llu,%llu,%llu,%llu,%llu",
		     rt.pid, t->tid, (unsigned long long)t->df.seq,
		     (unsigned long long)t->df.records,
		     (unsigned long long)t->df.dropped,
		     (unsigned long long)t->df.truncated,
		     (unsigned long long)atomic_load(&t->df.skipped),
		     (unsigned long long)t->pc.seq,
		     (unsigned long long)t->pc.records,
		     (unsigned long long)t->pc.dropped,
		     (unsigned long long)t->pc.truncated,
		     (unsigned long long)atomic_load(&t->pc.skipped));
	return n > 0 && (size_t)n < len;
}

static void read_exec_state(void)
{
	const char *e = getenv(RT_EXEC_ENV);
	unsigned long long v[12];

	if (!e)
		return;
	if (sscanf(e, "%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,"
		   "%llu,%llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &v[6], &v[7], &v[8], &v[9], &v[10], &v[11]) == 12 &&
	    v[0] == rt.pid) {
		exec_state.pid = (uint32_t)v[0];
		exec_state.tid = (uint32_t)v[1];
		for (int i = 0; i < 10; i++)
			exec_state.v[i / 5][i % 5] = v[2 + i];
		exec_state.valid = 1;
	}
	/* Not for our children. */
	unsetenv(RT_EXEC_ENV);
}

/* Flush both streams, write their LOSS chunks, switch to LATE. Caller holds
 * t->lock. */
static void thread_finish_locked(struct rt_thread *t)
{
	finish_stream_locked(t, &t->df);
	finish_stream_locked(t, &t->pc);
	rt_salvage_done(&t->df);
	rt_salvage_done(&t->pc);
	atomic_store(&t->state, RT_T_LATE);
	atomic_store(&t->df.lim, NULL);
	atomic_store(&t->pc.lim, NULL);
}

/* pthread key destructor: the thread is exiting. */
static KCOVDF_NOINSTR void thread_dtor(void *arg)
{
	struct rt_thread *t = &kcovdf_tls;
	int was_busy = atomic_exchange(&t->busy, 1);

	(void)arg;
	atomic_signal_fence(memory_order_seq_cst);
	reg_remove(t);
	rt_lock(&t->lock);
	if (t->tid == rt_gettid()) {	/* not a stale copy after fork */
		read_comm(t);
		thread_finish_locked(t);
		/* Nobody else can reach this thread's buffers any more (it
		 * left the registry), and records that other destructors
		 * still make are written one by one. */
		stream_free(&t->df);
		stream_free(&t->pc);
		pack_free(t);
	}
	rt_unlock(&t->lock);
	rt_signals_thread_exit(t);
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store(&t->busy, was_busy);
}

/* ------------------------------------------------------------------ */
/* META and MAP chunks                                                 */
/* ------------------------------------------------------------------ */

struct kvbuf {
	char *p;
	size_t len, cap;
};

static void kv_add(struct kvbuf *b, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void kv_add(struct kvbuf *b, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len >= b->cap)
		return;
	n = snprintf(b->p + b->len, b->cap - b->len, "%s=", key);
	if (n < 0 || (size_t)n >= b->cap - b->len)
		return;
	va_start(ap, fmt);
	int m = vsnprintf(b->p + b->len + n, b->cap - b->len - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)(n + m) >= b->cap - b->len)
		return;	/* does not fit: left out whole */
	/* A value cannot hold a NUL; vsnprintf stops at one anyway. */
	b->len += n + m + 1;
}

static void read_file_str(const char *path, char *out, size_t cap,
			  int nul_to_space)
{
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	out[0] = 0;
	if (fd < 0)
		return;
	n = read(fd, out, cap - 1);
	close(fd);
	if (n <= 0)
		return;
	out[n] = 0;
	while (n > 0 && (out[n - 1] == 0 || out[n - 1] == '\n'))
		out[--n] = 0;
	for (ssize_t i = 0; i < n; i++)
		if (out[i] == 0 || out[i] == '\n')
			out[i] = nul_to_space ? ' ' : '?';
}

static void exe_path(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);

	out[n > 0 ? n : 0] = 0;
}

/* The META chunk written once, by the process that creates the file. */
static void write_file_meta(void)
{
	char buf[16384], tmp[4096];
	struct kvbuf b = { buf + sizeof(struct kcovdf_chunk_hdr), 0,
			   sizeof(buf) - sizeof(struct kcovdf_chunk_hdr) - 8 };
	struct utsname u;
	struct timespec ts;

	kv_add(&b, "source", "user");
	kv_add(&b, "format", "%d", KCOVDF_FMT_VERSIONED);
	kv_add(&b, "runtime", "kcovdf-rt %d", KCOVDF_RT_VERSION);
	kv_add(&b, "pid", "%u", rt.pid);
	exe_path(tmp, sizeof(tmp));
	kv_add(&b, "exe", "%s", tmp);
	read_file_str("/proc/self/cmdline", tmp, sizeof(tmp), 1);
	kv_add(&b, "cmdline", "%s", tmp);
	clock_gettime(CLOCK_REALTIME, &ts);
	kv_add(&b, "time", "%lld", (long long)ts.tv_sec);
	if (uname(&u) == 0) {
		kv_add(&b, "hostname", "%s", u.nodename);
		kv_add(&b, "os.release", "%s", u.release);
		kv_add(&b, "machine", "%s", u.machine);
	}
	kv_add(&b, "page_size", "%ld", sysconf(_SC_PAGESIZE));
	kv_add(&b, "pointer_size", "%zu", sizeof(void *));
	kv_add(&b, "endian", "little");
	kv_add(&b, "buffer_words", "%zu", rt.buffer_words);
	put_chunk_hdr(buf, KCOVDF_CHUNK_META, 0, b.len);
	memset(b.p + b.len, 0, 8);
	rt_write(buf, sizeof(struct kcovdf_chunk_hdr) + pad8(b.len));
}

/* A META chunk of per-process keys, by every process (after exec too). */
static void write_proc_meta(uint32_t ppid, const char *why)
{
	char buf[8192], tmp[4096], key[64];
	struct kvbuf b = { buf + sizeof(struct kcovdf_chunk_hdr), 0,
			   sizeof(buf) - sizeof(struct kcovdf_chunk_hdr) - 8 };

	snprintf(key, sizeof(key), "proc.%u.ppid", rt.pid);
	kv_add(&b, key, "%u", ppid);
	snprintf(key, sizeof(key), "proc.%u.start", rt.pid);
	kv_add(&b, key, "%s", why);
	exe_path(tmp, sizeof(tmp));
	snprintf(key, sizeof(key), "proc.%u.exe", rt.pid);
	kv_add(&b, key, "%s", tmp);
	read_file_str("/proc/self/cmdline", tmp, sizeof(tmp), 1);
	snprintf(key, sizeof(key), "proc.%u.cmdline", rt.pid);
	kv_add(&b, key, "%s", tmp);
	put_chunk_hdr(buf, KCOVDF_CHUNK_META, 0, b.len);
	memset(b.p + b.len, 0, 8);
	rt_write(buf, sizeof(struct kcovdf_chunk_hdr) + pad8(b.len));
}

struct mapbuf {
	char *p;
	size_t len, cap;
	int first;
	uintptr_t only;		/* non-zero: only the object holding it */
};

static void find_build_id(struct dl_phdr_info *info, uint8_t *id,
			  uint32_t *len)
{
	*len = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *e;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		e = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= e) {
			const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
			size_t nsz = (n->n_namesz + 3) & ~3u;
			size_t dsz = (n->n_descsz + 3) & ~3u;
			const char *name = p + sizeof(*n);
			const char *desc = name + nsz;

			if (desc + dsz > e)
				break;
			if (n->n_type == NT_GNU_BUILD_ID &&
			    n->n_namesz == 4 && memcmp(name, "GNU", 4) == 0 &&
			    n->n_descsz > 0) {
				*len = n->n_descsz > 32 ? 32 : n->n_descsz;
				memcpy(id, desc, *len);
				return;
			}
			p = desc + dsz;
		}
	}
}

static int map_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct mapbuf *mb = arg;
	struct kcovdf_map m;
	char path[PATH_MAX];
	uint64_t lo = UINT64_MAX, hi = 0;
	size_t plen, clen;

	(void)size;
	memset(&m, 0, sizeof(m));
	if (mb->first || !info->dlpi_name || !info->dlpi_name[0])
		exe_path(path, sizeof(path));
	else if (info->dlpi_name[0] != '/' && strchr(info->dlpi_name, '/') &&
		 realpath(info->dlpi_name, path))
		;	/* found through a relative LD_LIBRARY_PATH entry or
			 * dlopen("./lib.so"): a reader needs the absolute path */
	else
		snprintf(path, sizeof(path), "%s", info->dlpi_name);
	mb->first = 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if (info->dlpi_addr + ph->p_vaddr < lo)
			lo = info->dlpi_addr + ph->p_vaddr;
		if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > hi)
			hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	if (hi == 0 || (mb->only && (mb->only < lo || mb->only >= hi)))
		return 0;
	m.pid = rt.pid;
	m.kind = KCOVDF_MAP_ELF;
	m.start = lo;
	m.end = hi;
	m.bias = info->dlpi_addr;
	find_build_id(info, m.build_id, &m.build_id_len);
	plen = strlen(path);
	m.path_len = (uint32_t)plen;
	clen = sizeof(struct kcovdf_chunk_hdr) + pad8(sizeof(m) + plen);
	if (mb->len + clen > mb->cap)
		return 1;
	put_chunk_hdr(mb->p + mb->len, KCOVDF_CHUNK_MAP, 0, sizeof(m) + plen);
	memcpy(mb->p + mb->len + sizeof(struct kcovdf_chunk_hdr), &m,
	       sizeof(m));
	memcpy(mb->p + mb->len + sizeof(struct kcovdf_chunk_hdr) + sizeof(m),
	       path, plen);
	mb->len += clen;
	return 0;
}

/* One MAP chunk per loaded object (or only the one holding `only`), all in
 * one write. */
static void write_maps_of(uintptr_t only)
{
	struct mapbuf mb = { .cap = 1 << 20, .first = 1, .only = only };

	mb.p = rt_mmap(mb.cap);	/* zero-filled: padding is zero */
	if (!mb.p)
		return;
	dl_iterate_phdr(map_cb, &mb);
	if (mb.len)
		rt_write(mb.p, mb.len);
	munmap(mb.p, mb.cap);
}

static void write_maps(void)
{
	write_maps_of(0);
}

/*
 * Called by the constructor of every shared library `kcovdf cc -shared`
 * linked (runtime/dso.c, build/kcovdf-rt-dso.o), with an address inside
 * it: a MAP chunk for that library, so that one dlopen'ed while recording
 * (and perhaps dlclose'd before exit) can be symbolised. Libraries loaded
 * with the program run their constructors before ours: the MAP chunks of
 * the initialisation cover them.
 */
KCOVDF_NOINSTR void __kcovdf_rt_dso_loaded(const void *addr)
{
	struct rt_thread *t = &kcovdf_tls;
	int was_busy;

	if (atomic_load(&rt.init_state) != 2 || !rt.enabled ||
	    (uint32_t)getpid() != rt.pid || atomic_load(&rt.broken))
		return;
	was_busy = atomic_exchange(&t->busy, 1);
	atomic_signal_fence(memory_order_seq_cst);
	write_maps_of((uintptr_t)addr);
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store(&t->busy, was_busy);
}

/* ------------------------------------------------------------------ */
/* Initialisation                                                      */
/* ------------------------------------------------------------------ */

/* Open (creating if needed) the trace file. The first process to find it
 * empty, under flock, writes the file header and the file META chunk. */
static int open_output(const char *path)
{
	struct kcovdf_file_hdr fh;
	struct stat st;
	int fd, hi;

	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		rt_msg("cannot open %s", path, errno);
		return -1;
	}
	/* Keep clear of the low descriptor numbers programs manage. */
	hi = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	if (hi >= 0) {
		close(fd);
		fd = hi;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rt_msg("%s is not a regular file (chunks written by several "
		       "writers could interleave); tracing disabled", path, 0);
		close(fd);
		return -1;
	}
	rt.fd = fd;
	rt.fd_dev = st.st_dev;
	rt.fd_ino = st.st_ino;
	while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
		;
	if (fstat(fd, &st) == 0 && st.st_size == 0) {
		memset(&fh, 0, sizeof(fh));
		memcpy(fh.magic, KCOVDF_FILE_MAGIC, 8);
		fh.major = KCOVDF_FILE_MAJOR;
		fh.minor = KCOVDF_FILE_MINOR;
		fh.hdr_size = sizeof(fh);
		if (rt_write(&fh, sizeof(fh)) == 0)
			write_file_meta();
	} else {
		int rfd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = rfd >= 0 ? pread(rfd, &fh, sizeof(fh), 0) : -1;

		if (rfd >= 0)
			close(rfd);
		if (n != (ssize_t)sizeof(fh) ||
		    memcmp(fh.magic, KCOVDF_FILE_MAGIC, 8) != 0 ||
		    fh.major != KCOVDF_FILE_MAJOR) {
			rt_msg("%s exists and is not a kcovdf trace file; "
			       "tracing disabled", path, 0);
			flock(fd, LOCK_UN);
			close(fd);
			rt.fd = -1;
			return -1;
		}
	}
	flock(fd, LOCK_UN);
	return atomic_load(&rt.broken) ? -1 : 0;
}

/*
 * fork() holds the registry lock across the fork so that the child never
 * inherits it held by a thread that does not exist there. The forking
 * thread's recursion guard is held too: a signal handler running
 * instrumented code in between would otherwise try to take the lock again
 * (first record of the thread).
 */
static int fork_was_busy;

static void atfork_prepare(void)
{
	fork_was_busy = atomic_exchange(&kcovdf_tls.busy, 1);
	atomic_signal_fence(memory_order_seq_cst);
	rt_lock(&rt.reg_lock);
}

static void atfork_parent(void)
{
	rt_unlock(&rt.reg_lock);
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store(&kcovdf_tls.busy, fork_was_busy);
}

static void stream_reset_child(struct rt_stream *s)
{
	if (s->sv) {
		/* The parent's file, shared with it: the child's first
		 * record maps a file of its own. */
		stream_free(s);
	} else if (s->base) {
		s->flushed = s->base;
		atomic_store(&s->cur, s->base);
		atomic_store(&s->lim, s->end);
	}
	s->seq = s->records = s->dropped = s->truncated = 0;
	atomic_store(&s->skipped, 0);
	s->loss_valid = 0;
}

/*
 * In the child of fork(): only the forking thread exists. It keeps its
 * buffers but drops the records the parent had buffered (the parent writes
 * them); the other threads' buffers are unmapped. Chunks now carry the
 * child's pid; the inherited O_APPEND descriptor is shared with the parent.
 */
static void atfork_child(void)
{
	struct rt_thread *self = &kcovdf_tls, *t, *next;
	uint32_t ppid = rt.pid;

	rt.pid = (uint32_t)getpid();
	for (t = rt.threads; t; t = next) {
		next = t->next;
		if (t == self)
			continue;
		/* A stale copy of another thread's state: free its memory. */
		stream_free(&t->df);
		stream_free(&t->pc);
		pack_free(t);
		t->registered = 0;
	}
	rt.threads = NULL;
	atomic_store(&rt.reg_lock, 0);
	atomic_store(&self->lock, 0);
	if (atomic_load(&self->state) == RT_T_ACTIVE ||
	    atomic_load(&self->state) == RT_T_LATE) {
		self->tid = rt_gettid();
		stream_reset_child(&self->df);
		stream_reset_child(&self->pc);
		if (atomic_load(&self->state) == RT_T_ACTIVE) {
			self->prev = self->next = NULL;
			rt.threads = self;
			self->registered = 1;
		}
	}
	if (rt.enabled && !atomic_load(&rt.broken)) {
		write_proc_meta(ppid, "fork");
		write_maps();
	}
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store(&self->busy, fork_was_busy);
}

static void at_exit_flush(void)
{
	rt_final_flush("exit");
}

/*
 * Runs last among this program's destructors (lower priorities run later
 * at exit), after the atexit handlers. Records made afterwards (destructors
 * of libraries, other threads still running) are written one by one.
 */
static KCOVDF_NOINSTR __attribute__((destructor(101))) void rt_dtor(void)
{
	if (atomic_load(&rt.init_state) == 2)
		at_exit_flush();
}

#ifdef KCOVDF_RT_SHARED
#include <dlfcn.h>
/*
 * libkcovdf-rt.so in a process whose executable has the runtime (linked by
 * `kcovdf cc`, which exports it): every instrumented object resolves the
 * callbacks and the gate to the executable's, which records; this copy
 * stays dormant and touches nothing, the gate least of all. The gate's
 * address here goes through the GOT, so it is the definition the dynamic
 * linker chose.
 */
static int rt_dormant;

static int other_runtime(void)
{
	Dl_info self, gate;

	if (!dladdr((void *)&kcovdf_rt, &self) ||
	    !dladdr((void *)&__kcov_df_gate, &gate))
		return 0;
	return self.dli_fbase != gate.dli_fbase;
}
#else
#define rt_dormant 0
#endif

static int do_init(void)
{
	const char *out = secure_getenv("KCOVDF_OUT");
	const char *bw = getenv("KCOVDF_BUFFER_WORDS");
	int err;

#ifdef KCOVDF_RT_SHARED
	if (other_runtime()) {
		rt_dormant = 1;
		return 0;
	}
#endif

	rt.pid = (uint32_t)getpid();
	rt.buffer_words = RT_DEFAULT_BUFFER_WORDS;
	rt.pack = !(getenv("KCOVDF_PACK") && !strcmp(getenv("KCOVDF_PACK"), "0"));
	if (bw && *bw) {
		unsigned long long v = strtoull(bw, NULL, 0);

		if (v < RT_MIN_BUFFER_WORDS)
			v = RT_MIN_BUFFER_WORDS;
		if (v > (1ULL << 28))
			v = 1ULL << 28;
		rt.buffer_words = (size_t)v;
	}
	if (!out || !*out)
		return 0;
	rt_salvage_init();
	read_exec_state();
	snprintf(rt.path, sizeof(rt.path), "%s", out);
	if (open_output(out) != 0)
		return 0;
	err = pthread_key_create(&rt_key, thread_dtor);
	if (err) {
		rt_msg("pthread_key_create failed%s", "", err);
		return 0;
	}
	rt_signals_init();
	/* quick_exit() runs these, then leaves without destructors (glibc
	 * calls its _exit internally, not through our interposed one). */
	at_quick_exit(at_exit_flush);
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
	write_proc_meta((uint32_t)getppid(), "exec");
	write_maps();
	return 1;
}

/*
 * Initialise once. Called by the constructor, and by the first callback if
 * instrumented code runs before it. Returns non-zero when recording.
 */
KCOVDF_NOINSTR int rt_init(void)
{
	int expect = 0;
	struct rt_thread *t = &kcovdf_tls;

	if (atomic_load(&rt.init_state) == 2)
		return rt.enabled;
	if (atomic_compare_exchange_strong(&rt.init_state, &expect, 1)) {
		int was_busy = atomic_exchange(&t->busy, 1);

		rt_init_tid = rt_gettid();
		rt.enabled = do_init();
		if (!rt.enabled && !rt_dormant)
			__kcov_df_gate = 0;
		atomic_store(&rt.init_state, 2);
		atomic_store(&t->busy, was_busy);
		return rt.enabled;
	}
	if (rt_init_tid == rt_gettid())
		return 0;	/* a callback from inside do_init() */
	while (atomic_load(&rt.init_state) != 2)
		sched_yield();
	return rt.enabled;
}

static KCOVDF_NOINSTR __attribute__((constructor(101))) void rt_ctor(void)
{
	rt_init();
}

/* ------------------------------------------------------------------ */
/* Final flush (exit, exec)                                            */
/* ------------------------------------------------------------------ */

/*
 * Flush every live thread, write LOSS chunks and the MAP chunks again.
 * Other threads may still be running: each one is flushed under its own
 * lock, which its slow path also takes, so a flush never races with a
 * buffer reset. Their hot path never blocks: it only appends after cur, and
 * [flushed, cur) is published with a release store. Setting lim to NULL
 * sends their next callback to the slow path, which finds the thread LATE
 * and writes that record (and anything that was in flight) at once.
 */
KCOVDF_NOINSTR void rt_final_flush(const char *why)
{
	struct rt_thread *self = &kcovdf_tls, *t;
	int was_busy;

	if (!rt.enabled || (uint32_t)getpid() != rt.pid)
		return;	/* disabled, or a vfork child sharing our memory */
	was_busy = atomic_exchange(&self->busy, 1);
	atomic_signal_fence(memory_order_seq_cst);
	if (self->tid == rt_gettid())
		read_comm(self);
	write_maps();
	rt_lock(&rt.reg_lock);
	for (t = rt.threads; t; t = t->next) {
		rt_lock(&t->lock);
		thread_finish_locked(t);
		rt_unlock(&t->lock);
	}
	atomic_store(&rt.final, 1);
	rt_unlock(&rt.reg_lock);
	(void)why;
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store(&self->busy, was_busy);
}

/*
 * Take a lock that may be held: by another thread for a short while (it is
 * running), or by the code this signal handler interrupted (it will never
 * let go). Tries for about 100 ms. clock_gettime() and sched_yield() are
 * async-signal-safe.
 */
static int trylock_bounded(atomic_int *l)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (!atomic_exchange_explicit(l, 1, memory_order_acquire))
			return 1;
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000000000L +
		    (t.tv_nsec - t0.tv_nsec) > 100000000L)
			return 0;
	}
}

/*
 * A signal is about to end the process (our handler runs just before the
 * default action): flush every thread's buffers and write their LOSS
 * chunks, as the final flush at exit does, with only async-signal-safe
 * calls (fstat, write; no allocation, no dl_iterate_phdr: the MAP chunks
 * written at start and at every library load stand). Locks are tried, not
 * waited for: a thread whose lock cannot be had (the signal interrupted
 * its own slow path, which holds it) is left out and its buffered records
 * are lost; its stream then ends without a final LOSS chunk, which readers
 * report. Other threads go on running until the kernel ends the process;
 * they are LATE from here on, so their records are written one by one.
 */
KCOVDF_NOINSTR void rt_crash_flush(int sig)
{
	struct rt_thread *self = &kcovdf_tls, *t;
	int was_busy;

	(void)sig;
	if (atomic_load(&rt.init_state) != 2 || !rt.enabled ||
	    (uint32_t)getpid() != rt.pid || atomic_load(&rt.final))
		return;	/* nothing buffered: not recording, a vfork child,
			 * or the final flush already ran */
	was_busy = atomic_exchange(&self->busy, 1);
	atomic_signal_fence(memory_order_seq_cst);
	if (trylock_bounded(&rt.reg_lock)) {
		for (t = rt.threads; t; t = t->next) {
			if (!trylock_bounded(&t->lock))
				continue;
			thread_finish_locked(t);
			rt_unlock(&t->lock);
		}
		atomic_store(&rt.final, 1);
		rt_unlock(&rt.reg_lock);
	} else if (self->registered && atomic_load(&self->state) ==
		   RT_T_ACTIVE && trylock_bounded(&self->lock)) {
		/* The registry is held (by this thread's interrupted code, or
		 * a thread starting or exiting): at least our own records. */
		thread_finish_locked(self);
		rt_unlock(&self->lock);
	}
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store(&self->busy, was_busy);
}

/* exec failed: back to buffering. */
KCOVDF_NOINSTR void rt_resume_after_exec_failure(void)
{
	struct rt_thread *t;

	if (!rt.enabled || (uint32_t)getpid() != rt.pid)
		return;
	rt_lock(&rt.reg_lock);
	atomic_store(&rt.final, 0);
	for (t = rt.threads; t; t = t->next) {
		rt_lock(&t->lock);
		if (atomic_load(&t->state) == RT_T_LATE) {
			atomic_store(&t->state, RT_T_ACTIVE);
			if (t->df.base)
				atomic_store(&t->df.lim, t->df.end);
			if (t->pc.base)
				atomic_store(&t->pc.lim, t->pc.end);
		}
		rt_unlock(&t->lock);
	}
	rt_unlock(&rt.reg_lock);
}

/* ------------------------------------------------------------------ */
/* Public API (kcovdf_rt.h)                                            */
/* ------------------------------------------------------------------ */

KCOVDF_NOINSTR int kcovdf_rt_enabled(void)
{
	return rt_init();
}

KCOVDF_NOINSTR int kcovdf_rt_output_fd(void)
{
	return rt_init() ? rt.fd : -1;
}

KCOVDF_NOINSTR int kcovdf_rt_flush(void)
{
	struct rt_thread *t = &kcovdf_tls;
	int was_busy;

	if (!rt_init())
		return -1;
	was_busy = atomic_exchange(&t->busy, 1);
	atomic_signal_fence(memory_order_seq_cst);
	rt_lock(&t->lock);
	if (atomic_load(&t->state) == RT_T_ACTIVE) {
		read_comm(t);
		flush_locked(t, &t->df);
		flush_locked(t, &t->pc);
		/* The owner may rewind its own buffers. */
		if (t->df.base) {
			stream_rewind(&t->df);
			atomic_store_explicit(&t->df.cur, t->df.base,
					      memory_order_release);
		}
		if (t->pc.base) {
			stream_rewind(&t->pc);
			atomic_store_explicit(&t->pc.cur, t->pc.base,
					      memory_order_release);
		}
	}
	rt_unlock(&t->lock);
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store(&t->busy, was_busy);
	return atomic_load(&rt.broken) ? -1 : 0;
}

KCOVDF_NOINSTR int kcovdf_rt_get_counters(unsigned int kind,
					  struct kcovdf_rt_counters *c)
{
	struct rt_thread *t = &kcovdf_tls;
	struct rt_stream *s;
	uint64_t nrec = 0, ntrunc = 0;
	int was_busy;

	if (kind == KCOVDF_STREAM_LOCAL)
		s = &t->df;
	else if (kind == KCOVDF_STREAM_PCEXT)
		s = &t->pc;
	else
		return -1;
	was_busy = atomic_exchange(&t->busy, 1);
	atomic_signal_fence(memory_order_seq_cst);
	rt_lock(&t->lock);
	if (s->base)
		count_records(s, s->flushed, atomic_load(&s->cur), &nrec,
			      &ntrunc);
	c->records = s->records + nrec;
	c->dropped = s->dropped;
	c->truncated = s->truncated + ntrunc;
	c->skipped = atomic_load(&s->skipped);
	rt_unlock(&t->lock);
	atomic_signal_fence(memory_order_seq_cst);
	atomic_store(&t->busy, was_busy);
	return 0;
}
