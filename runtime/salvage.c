// SPDX-License-Identifier: GPL-2.0
/*
 * Buffers that outlive the process (include/kcovdf/salvage.h): with
 * KCOVDF_SALVAGE_DIR set (by `kcovdf record`), each stream buffer is a file
 * in that directory mapped MAP_SHARED, with a header the flush path keeps
 * current. A SIGKILL leaves the file behind with the records not yet
 * written; the recorder appends them to the trace. Every normal end of a
 * thread's streams (thread exit, process exit, exec, the flush before a
 * signal's default action) marks the file done and removes it.
 *
 * The buffer is kept zero beyond the records: files start zero, and when
 * the owner starts its buffer over it zeroes what it had used, so the
 * recorder finds the unwritten records from `flushed` up to the first word
 * that does not decode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rt_internal.h"
#include "kcovdf/salvage.h"

static char sv_dir[PATH_MAX - 64];
static int sv_on;
static atomic_uint sv_serial;

void rt_salvage_init(void)
{
	const char *d = secure_getenv("KCOVDF_SALVAGE_DIR");

	sv_on = 0;
	if (!d || !*d || strlen(d) >= sizeof(sv_dir))
		return;
	strcpy(sv_dir, d);
	sv_on = 1;
}

/* "<dir>/<pid>.<tid>.<kind>.<serial>" without stdio (async-signal-safe:
 * the flush before a signal's default action removes files too). */
static char *put_u32(char *p, uint32_t v)
{
	char tmp[10];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static void sv_name(char *buf, const struct kcovdf_salvage_hdr *h)
{
	size_t n = strlen(sv_dir);
	char *p = buf;

	memcpy(p, sv_dir, n);
	p += n;
	*p++ = '/';
	p = put_u32(p, h->pid);
	*p++ = '.';
	p = put_u32(p, h->tid);
	*p++ = '.';
	p = put_u32(p, h->kind);
	*p++ = '.';
	p = put_u32(p, h->reserved);
	*p = 0;
}

/*
 * A buffer of len bytes (header room and words) in a new file, after a
 * header page; NULL when salvage is off or the file cannot be made (the
 * caller then maps anonymous memory).
 */
void *rt_salvage_map(const struct rt_thread *t, struct rt_stream *s,
		     size_t len, size_t words)
{
	struct kcovdf_salvage_hdr h;
	char name[PATH_MAX];
	size_t total = KCOVDF_SALVAGE_HDR_BYTES + len;
	char *m;
	int fd;

	if (!sv_on)
		return NULL;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, KCOVDF_SALVAGE_MAGIC, 8);
	h.version = KCOVDF_SALVAGE_VERSION;
	h.hdr_size = sizeof(h);
	h.pid = kcovdf_rt.pid;
	h.tid = t->tid;
	h.kind = s->kind;
	h.format = s->format;
	memcpy(h.comm, t->comm, sizeof(h.comm));
	h.data_off = KCOVDF_SALVAGE_HDR_BYTES + RT_CHUNK_HDRS;
	h.words = words;
	h.seq = s->seq;
	h.records = s->records;
	h.dropped = s->dropped;
	h.truncated = s->truncated;
	h.skipped = atomic_load(&s->skipped);
	h.reserved = atomic_fetch_add(&sv_serial, 1);
	sv_name(name, &h);
	fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return NULL;
	/* Reserve the space: a write into a hole of a full tmpfs would be a
	 * SIGBUS in the callback. Without the space: anonymous memory. */
	if (posix_fallocate(fd, 0, (off_t)total) != 0) {
		close(fd);
		unlink(name);
		return NULL;
	}
	m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m == MAP_FAILED) {
		unlink(name);
		return NULL;
	}
	memcpy(m, &h, sizeof(h));
	s->sv = (struct kcovdf_salvage_hdr *)m;
	return m + KCOVDF_SALVAGE_HDR_BYTES;
}

/* After a flush: what is in the trace, and the counters. Caller holds the
 * thread's lock. */
void rt_salvage_sync(struct rt_stream *s)
{
	struct kcovdf_salvage_hdr *h = s->sv;

	h->seq = s->seq;
	h->records = s->records;
	h->dropped = s->dropped;
	h->truncated = s->truncated;
	h->skipped = atomic_load(&s->skipped);
	h->flushed = (uint64_t)(s->flushed - s->base);
}

/* The owner starts its buffer over: zero what was used, then nothing is
 * unwritten. Caller holds the thread's lock; everything is flushed. */
void rt_salvage_rewind(struct rt_stream *s, uint64_t *used_end)
{
	if (used_end > s->base)
		memset(s->base, 0, (size_t)(used_end - s->base) * 8);
	s->sv->flushed = 0;
}

/* The stream ended normally: nothing to salvage. Async-signal-safe. */
void rt_salvage_done(struct rt_stream *s)
{
	char name[PATH_MAX];

	if (!s->sv || s->sv->done)
		return;
	rt_salvage_sync(s);
	s->sv->done = 1;
	if (s->sv->pid == kcovdf_rt.pid) {	/* not a fork child's copy */
		sv_name(name, s->sv);
		unlink(name);
	}
}
