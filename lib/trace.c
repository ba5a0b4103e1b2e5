// SPDX-License-Identifier: GPL-2.0
/*
 * Trace file reader and writer (include/kcovdf/trace_file.h,
 * docs/trace-format.md). The reader checks every length against the bytes
 * it has and rejects what it does not understand with a message that says
 * where and why.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kcovdf.h"

#define MAX_TRACE_BYTES (1ULL << 40)

static void *fail_null(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return NULL;
}

static void *xrealloc(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return realloc(p, n * size);
}

/* The capacity of an array of n elements: the next power of two. */
static size_t cap_of(size_t n)
{
	size_t c = 1;

	while (c < n && c <= SIZE_MAX / 2)
		c *= 2;
	return c < n ? n : c;
}

/*
 * The arrays of a trace grow to powers of two, so reading n entries costs
 * O(n), not n reallocs that may each copy the whole array (they do under
 * ASan and other allocators: 50000 streams took 45 s). The capacity is
 * implicit, cap_of(count); NULL when out of memory.
 */
static void *grow(void *p, size_t n, size_t add, size_t size)
{
	if (n && n + add <= cap_of(n))
		return p;
	if (n + add < n)
		return NULL;
	return xrealloc(p, cap_of(n + add), size);
}

/*
 * The streams by (pid, tid, kind) while a file is read, so that a trace of
 * many tasks does not cost a scan of every stream per chunk (100000
 * streams took 9 s). Open addressing; a slot holds a stream index + 1.
 */
struct stream_index {
	size_t *slot;
	size_t cap;
};

static size_t *stream_slot(const struct kcovdf_trace *t,
			   const struct stream_index *ix,
			   uint32_t pid, uint32_t tid, uint32_t kind)
{
	uint64_t key = ((uint64_t)pid << 32 | tid) ^ ((uint64_t)kind << 61);
	size_t mask = ix->cap - 1;
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & mask;

	while (ix->slot[i]) {
		const struct kcovdf_stream *s = &t->streams[ix->slot[i] - 1];

		if (s->pid == pid && s->tid == tid && s->kind == kind)
			break;
		i = (i + 1) & mask;
	}
	return &ix->slot[i];
}

/* Room for one more stream, at most half full. */
static int stream_index_reserve(const struct kcovdf_trace *t,
				struct stream_index *ix)
{
	size_t nc = ix->cap ? 2 * ix->cap : 64;
	size_t *ns;

	if (2 * (t->nstreams + 1) <= ix->cap)
		return 0;
	ns = calloc(nc, sizeof(*ns));
	if (!ns)
		return -1;
	free(ix->slot);
	ix->slot = ns;
	ix->cap = nc;
	for (size_t k = 0; k < t->nstreams; k++) {
		const struct kcovdf_stream *s = &t->streams[k];

		*stream_slot(t, ix, s->pid, s->tid, s->kind) = k + 1;
	}
	return 0;
}

static int add_stream(struct kcovdf_trace *t, struct stream_index *ix,
		      const uint8_t *p, uint64_t size,
		      char *err, size_t errlen, uint64_t off)
{
	struct kcovdf_stream_hdr h;
	struct kcovdf_stream *s;
	uint64_t *nw;
	size_t *slot;

	if (size < sizeof(h)) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": STREAM chunk of %" PRIu64 " bytes is too short",
			  off, size);
		return -1;
	}
	memcpy(&h, p, sizeof(h));
	if (h.nwords > (size - sizeof(h)) / 8 ||
	    h.nwords * 8 != size - sizeof(h)) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": STREAM chunk claims %" PRIu64
			  " words but holds %" PRIu64 " bytes of them",
			  off, h.nwords, size - sizeof(h));
		return -1;
	}
	if (h.kind > KCOVDF_STREAM_REMOTE_PCEXT ||
	    h.format > KCOVDF_FMT_KCOV_PCEXT) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": STREAM chunk of unknown kind %u or format %u",
			  off, h.kind, h.format);
		return -1;
	}
	if (stream_index_reserve(t, ix))
		goto oom;
	slot = stream_slot(t, ix, h.pid, h.tid, h.kind);
	s = *slot ? &t->streams[*slot - 1] : NULL;
	if (s && s->format != h.format) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": stream %u/%u changes format from %u to %u",
			  off, h.pid, h.tid, s->format, h.format);
		return -1;
	}
	if (!s) {
		s = grow(t->streams, t->nstreams, 1, sizeof(*s));
		if (!s)
			goto oom;
		t->streams = s;
		s = &t->streams[t->nstreams++];
		*slot = t->nstreams;
		memset(s, 0, sizeof(*s));
		s->pid = h.pid;
		s->tid = h.tid;
		s->kind = h.kind;
		s->format = h.format;
	}
	/* The name of the last chunk wins (a task may rename itself). */
	memcpy(s->comm, h.comm, sizeof(h.comm));
	s->comm[16] = 0;
	if (h.nwords) {
		nw = grow(s->words, s->nwords, h.nwords, 8);
		if (!nw)
			goto oom;
		memcpy(nw + s->nwords, p + sizeof(h), h.nwords * 8);
		s->words = nw;
		s->nwords += h.nwords;
	}
	return 0;
oom:
	fail_null(err, errlen, "out of memory");
	return -1;
}

static int add_meta(struct kcovdf_trace *t, const uint8_t *p, uint64_t size,
		    char *err, size_t errlen, uint64_t off)
{
	uint64_t i = 0;

	if (size && p[size - 1] != 0) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": META chunk does not end with a NUL", off);
		return -1;
	}
	while (i < size) {
		const char *kv = (const char *)p + i;
		size_t len = strlen(kv);
		char **nm;

		if (len && !strchr(kv, '=')) {
			fail_null(err, errlen, "offset %" PRIu64
				  ": META entry \"%.40s\" has no '='", off, kv);
			return -1;
		}
		if (len) {
			nm = grow(t->meta, t->nmeta, 1, sizeof(*nm));
			if (!nm || !(nm[t->nmeta] = strdup(kv))) {
				if (nm)
					t->meta = nm;
				fail_null(err, errlen, "out of memory");
				return -1;
			}
			t->meta = nm;
			t->nmeta++;
		}
		i += len + 1;
	}
	return 0;
}

static int add_map(struct kcovdf_trace *t, const uint8_t *p, uint64_t size,
		   char *err, size_t errlen, uint64_t off)
{
	struct kcovdf_map m;
	struct kcovdf_map_entry *e;

	if (size < sizeof(m)) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": MAP chunk too short", off);
		return -1;
	}
	memcpy(&m, p, sizeof(m));
	if (m.path_len != size - sizeof(m) || m.build_id_len > 32 ||
	    m.kind > KCOVDF_MAP_MODULE) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": MAP chunk is inconsistent (path_len %u, "
			  "%" PRIu64 " bytes, build id %u, kind %u)", off,
			  m.path_len, size, m.build_id_len, m.kind);
		return -1;
	}
	if (memchr(p + sizeof(m), 0, m.path_len)) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": MAP path contains a NUL", off);
		return -1;
	}
	e = grow(t->maps, t->nmaps, 1, sizeof(*e));
	if (!e)
		goto oom;
	t->maps = e;
	e = &t->maps[t->nmaps];
	memset(e, 0, sizeof(*e));
	e->pid = m.pid;
	e->kind = m.kind;
	e->start = m.start;
	e->end = m.end;
	e->bias = m.bias;
	memcpy(e->build_id, m.build_id, sizeof(e->build_id));
	e->build_id_len = m.build_id_len;
	/* size_t: path_len + 1 wraps to 0 in 32 bits. */
	e->path = malloc((size_t)m.path_len + 1);
	if (!e->path)
		goto oom;
	memcpy(e->path, p + sizeof(m), m.path_len);
	e->path[m.path_len] = 0;
	t->nmaps++;
	return 0;
oom:
	fail_null(err, errlen, "out of memory");
	return -1;
}

static int add_loss(struct kcovdf_trace *t, const uint8_t *p, uint64_t size,
		    char *err, size_t errlen, uint64_t off)
{
	struct kcovdf_loss *l;

	if (size != sizeof(*l)) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": LOSS chunk of %" PRIu64 " bytes (want %zu)",
			  off, size, sizeof(*l));
		return -1;
	}
	l = grow(t->losses, t->nlosses, 1, sizeof(*l));
	if (!l) {
		fail_null(err, errlen, "out of memory");
		return -1;
	}
	t->losses = l;
	memcpy(&t->losses[t->nlosses++], p, sizeof(*l));
	return 0;
}

static int add_syms(struct kcovdf_trace *t, const uint8_t *p, uint64_t size,
		    char *err, size_t errlen, uint64_t off)
{
	uint64_t i = 0;

	while (i < size) {
		struct kcovdf_sym_entry e;
		struct kcovdf_symname *n;
		uint64_t step;

		if (size - i < sizeof(e))
			goto bad;
		memcpy(&e, p + i, sizeof(e));
		if (e.name_len == 0 || e.name_len > size - i - sizeof(e) ||
		    memchr(p + i + sizeof(e), 0, e.name_len))
			goto bad;
		n = grow(t->syms, t->nsyms, 1, sizeof(*n));
		if (!n)
			goto oom;
		t->syms = n;
		n = &t->syms[t->nsyms];
		n->addr = e.addr;
		n->name = malloc((size_t)e.name_len + 1);
		if (!n->name)
			goto oom;
		memcpy(n->name, p + i + sizeof(e), e.name_len);
		n->name[e.name_len] = 0;
		t->nsyms++;
		step = (sizeof(e) + e.name_len + 7) & ~7ULL;
		i += step < size - i ? step : size - i;
	}
	return 0;
bad:
	fail_null(err, errlen, "offset %" PRIu64
		  ": malformed SYMS entry at byte %" PRIu64, off, i);
	return -1;
oom:
	fail_null(err, errlen, "out of memory");
	return -1;
}

struct kcovdf_trace *kcovdf_trace_parse(const void *data, size_t len,
					char *err, size_t errlen)
{
	const uint8_t *b = data;
	struct kcovdf_file_hdr fh;
	struct kcovdf_trace *t;
	struct stream_index ix = { 0 };
	uint64_t off;

	if (len < sizeof(fh))
		return fail_null(err, errlen,
				 "not a kcovdf trace: %zu bytes, shorter than "
				 "the %zu-byte header", len, sizeof(fh));
	memcpy(&fh, b, sizeof(fh));
	if (memcmp(fh.magic, KCOVDF_FILE_MAGIC, 8))
		return fail_null(err, errlen,
				 "not a kcovdf trace (bad magic)");
	if (fh.major != KCOVDF_FILE_MAJOR)
		return fail_null(err, errlen,
				 "trace format version %u.%u is not supported "
				 "(this kcovdf reads %u.x)", fh.major, fh.minor,
				 KCOVDF_FILE_MAJOR);
	if (fh.hdr_size < sizeof(fh) || fh.hdr_size > len || fh.hdr_size % 8)
		return fail_null(err, errlen, "bad header size %u",
				 fh.hdr_size);
	if (fh.flags)
		return fail_null(err, errlen,
				 "trace uses header flags 0x%" PRIx64
				 " this kcovdf does not know", fh.flags);
	t = calloc(1, sizeof(*t));
	if (!t)
		return fail_null(err, errlen, "out of memory");
	t->major = fh.major;
	t->minor = fh.minor;
	off = fh.hdr_size;
	while (off < len) {
		struct kcovdf_chunk_hdr ch;
		const uint8_t *p;
		uint64_t padded;
		int rc = 0;

		if (len - off < sizeof(ch)) {
			fail_null(err, errlen, "offset %" PRIu64
				  ": truncated chunk header (%" PRIu64
				  " bytes left)", off, (uint64_t)(len - off));
			goto bad;
		}
		memcpy(&ch, b + off, sizeof(ch));
		if (ch.size > len - off - sizeof(ch)) {
			fail_null(err, errlen, "offset %" PRIu64
				  ": chunk of %" PRIu64 " bytes runs past the "
				  "end of the file (truncated?)", off, ch.size);
			goto bad;
		}
		p = b + off + sizeof(ch);
		switch (ch.type) {
		case KCOVDF_CHUNK_META:
			rc = add_meta(t, p, ch.size, err, errlen, off);
			break;
		case KCOVDF_CHUNK_STREAM:
			rc = add_stream(t, &ix, p, ch.size, err, errlen, off);
			break;
		case KCOVDF_CHUNK_MAP:
			rc = add_map(t, p, ch.size, err, errlen, off);
			break;
		case KCOVDF_CHUNK_LOSS:
			rc = add_loss(t, p, ch.size, err, errlen, off);
			break;
		case KCOVDF_CHUNK_SYMS:
			rc = add_syms(t, p, ch.size, err, errlen, off);
			break;
		default:
			if (ch.flags & KCOVDF_CHUNK_CRITICAL) {
				fail_null(err, errlen, "offset %" PRIu64
					  ": chunk type %u is required to read "
					  "this trace but unknown to this kcovdf",
					  off, ch.type);
				goto bad;
			}
			break;
		}
		if (rc)
			goto bad;
		padded = (ch.size + 7) & ~7ULL;
		if (padded > len - off - sizeof(ch))
			padded = len - off - sizeof(ch);
		off += sizeof(ch) + padded;
	}
	free(ix.slot);
	/* Words exactly as long as the stream: a reader's overrun is seen. */
	for (size_t i = 0; i < t->nstreams; i++) {
		struct kcovdf_stream *s = &t->streams[i];
		uint64_t *nw;

		if (s->nwords && (nw = realloc(s->words, s->nwords * 8)))
			s->words = nw;
	}
	return t;
bad:
	free(ix.slot);
	kcovdf_trace_free(t);
	return NULL;
}

struct kcovdf_trace *kcovdf_trace_read(const char *path, char *err,
				       size_t errlen)
{
	struct kcovdf_trace *t;
	struct stat st;
	uint8_t *buf;
	size_t got = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_null(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > MAX_TRACE_BYTES) {
		close(fd);
		return fail_null(err, errlen, "%s: not a regular file of "
				 "sensible size", path);
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return fail_null(err, errlen, "%s: out of memory", path);
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	t = kcovdf_trace_parse(buf, got, err, errlen);
	if (!t && err && errlen) {
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
		snprintf(err, errlen, "%s", tmp);
	}
	free(buf);
	return t;
}

void kcovdf_trace_free(struct kcovdf_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nmeta; i++)
		free(t->meta[i]);
	free(t->meta);
	for (size_t i = 0; i < t->nstreams; i++)
		free(t->streams[i].words);
	free(t->streams);
	for (size_t i = 0; i < t->nmaps; i++)
		free(t->maps[i].path);
	free(t->maps);
	free(t->losses);
	for (size_t i = 0; i < t->nsyms; i++)
		free(t->syms[i].name);
	free(t->syms);
	free(t);
}

const char *kcovdf_trace_meta(const struct kcovdf_trace *t, const char *key)
{
	size_t kl = strlen(key);
	const char *v = NULL;

	for (size_t i = 0; i < t->nmeta; i++)
		if (!strncmp(t->meta[i], key, kl) && t->meta[i][kl] == '=')
			v = t->meta[i] + kl + 1;
	return v;
}

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

int kcovdf_write_file_hdr(int fd)
{
	struct kcovdf_file_hdr h;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, KCOVDF_FILE_MAGIC, 8);
	h.major = KCOVDF_FILE_MAJOR;
	h.minor = KCOVDF_FILE_MINOR;
	h.hdr_size = sizeof(h);
	return write_all(fd, &h, sizeof(h));
}

int kcovdf_write_chunk(int fd, uint32_t type, uint32_t flags,
		       const void *a, size_t alen, const void *b, size_t blen)
{
	struct kcovdf_chunk_hdr ch = {
		.type = type, .flags = flags, .size = alen + blen,
	};
	static const uint8_t zero[8];
	size_t pad = (8 - (alen + blen) % 8) % 8;
	uint8_t *buf;
	size_t total = sizeof(ch) + alen + blen + pad;
	int rc;

	/* One write() per chunk, so concurrent O_APPEND writers never
	 * interleave inside a chunk. */
	buf = malloc(total);
	if (!buf)
		return -1;
	memcpy(buf, &ch, sizeof(ch));
	if (alen)
		memcpy(buf + sizeof(ch), a, alen);
	if (blen)
		memcpy(buf + sizeof(ch) + alen, b, blen);
	memcpy(buf + sizeof(ch) + alen + blen, zero, pad);
	rc = write_all(fd, buf, total);
	free(buf);
	return rc;
}

int kcovdf_write_meta(int fd, const char *const *kv, size_t n)
{
	size_t len = 0, off = 0;
	char *buf;
	int rc;

	for (size_t i = 0; i < n; i++)
		len += strlen(kv[i]) + 1;
	buf = malloc(len ? len : 1);
	if (!buf)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(kv[i]) + 1;

		memcpy(buf + off, kv[i], l);
		off += l;
	}
	rc = kcovdf_write_chunk(fd, KCOVDF_CHUNK_META, 0, buf, len, NULL, 0);
	free(buf);
	return rc;
}
