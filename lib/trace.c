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

#include "kcovdf_int.h"
#include "kcovdf/wpack.h"

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

/*
 * A STREAM or STREAM_PACKED chunk: its stream header at p (the chunk's
 * first bytes, hlen of them read), its words or packed bytes at file
 * offset off + sizeof(chunk header) + hlen.
 */
static int add_stream(struct kcovdf_trace *t, struct stream_index *ix,
		      const uint8_t *p, uint64_t size, int packed,
		      char *err, size_t errlen, uint64_t off)
{
	struct kcovdf_stream_hdr h;
	struct kcovdf_packed_hdr ph;
	struct kcovdf_stream *s;
	struct kcovdf_chunk_ref *c;
	uint64_t hlen = sizeof(h) + (packed ? sizeof(ph) : 0), body;
	size_t *slot;

	if (size < hlen) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": %s chunk of %" PRIu64 " bytes is too short",
			  off, packed ? "STREAM_PACKED" : "STREAM", size);
		return -1;
	}
	memcpy(&h, p, sizeof(h));
	body = size - hlen;
	if (packed) {
		memcpy(&ph, p + sizeof(h), sizeof(ph));
		if (ph.codec != KCOVDF_WPACK_CODEC) {
			fail_null(err, errlen, "offset %" PRIu64
				  ": STREAM_PACKED chunk with codec %u: this "
				  "kcovdf unpacks codec %u", off, ph.codec,
				  KCOVDF_WPACK_CODEC);
			return -1;
		}
		/* A packed word costs at least one bit. */
		if (h.nwords > body * 8) {
			fail_null(err, errlen, "offset %" PRIu64
				  ": STREAM_PACKED chunk claims %" PRIu64
				  " words in %" PRIu64 " bytes", off,
				  h.nwords, body);
			return -1;
		}
	} else if (h.nwords > body / 8 || h.nwords * 8 != body) {
		fail_null(err, errlen, "offset %" PRIu64
			  ": STREAM chunk claims %" PRIu64
			  " words but holds %" PRIu64 " bytes of them",
			  off, h.nwords, body);
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
	if (!h.nwords)
		return 0;
	c = grow(s->chunks, s->nchunks, 1, sizeof(*c));
	if (!c)
		goto oom;
	s->chunks = c;
	c = &s->chunks[s->nchunks++];
	c->off = off + sizeof(struct kcovdf_chunk_hdr) + hlen;
	c->bytes = body;
	c->nwords = h.nwords;
	c->packed = packed;
	c->check = packed ? ph.check : 0;
	s->nwords += h.nwords;
	t->packed_chunks += packed;
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

/* ------------------------------------------------------------------ */
/* Where the bytes come from: memory (parse) or a file (read, open)    */
/* ------------------------------------------------------------------ */

struct src {
	const uint8_t *mem;	/* kcovdf_trace_parse(): the bytes */
	int fd;			/* else the file */
	uint64_t size;
	uint8_t *win;		/* read-ahead for small reads of a file */
	uint64_t win_off;
	size_t win_len;
};

#define SRC_WIN (64 * 1024)

/* Copy n bytes at off into buf; 0, or -1 when they are not all there. */
static int src_read(struct src *s, uint64_t off, void *buf, size_t n)
{
	uint8_t *b = buf;

	if (off > s->size || n > s->size - off)
		return -1;
	if (!n)
		return 0;
	if (s->mem) {
		memcpy(buf, s->mem + off, n);
		return 0;
	}
	if (n <= SRC_WIN / 4) {
		if (!s->win && !(s->win = malloc(SRC_WIN)))
			return -1;
		if (off < s->win_off || off + n > s->win_off + s->win_len) {
			size_t want = s->size - off < SRC_WIN ?
				      (size_t)(s->size - off) : SRC_WIN;
			ssize_t got;

			s->win_len = 0;
			s->win_off = off;
			while (s->win_len < want) {
				got = pread(s->fd, s->win + s->win_len,
					    want - s->win_len,
					    (off_t)(off + s->win_len));
				if (got < 0 && errno == EINTR)
					continue;
				if (got <= 0)
					break;
				s->win_len += (size_t)got;
			}
			if (s->win_len < n)
				return -1;
		}
		memcpy(buf, s->win + (off - s->win_off), n);
		return 0;
	}
	while (n) {
		ssize_t got = pread(s->fd, b, n, (off_t)off);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		b += got;
		off += (uint64_t)got;
		n -= (size_t)got;
	}
	return 0;
}

static void src_free(struct src *s)
{
	if (!s)
		return;
	if (!s->mem && s->fd >= 0)
		close(s->fd);
	free(s->win);
	free(s);
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

/*
 * Read the file header and every chunk: metadata into t, STREAM chunks
 * into their streams' chunk lists (words are not read). A chunk that does
 * not fit in the file ends the scan: the file was cut there (t->cut).
 */
static struct kcovdf_trace *scan(struct src *src, char *err, size_t errlen)
{
	struct kcovdf_file_hdr fh;
	struct kcovdf_trace *t;
	struct stream_index ix = { 0 };
	uint64_t off, len = src->size;
	uint8_t *p = NULL;
	size_t pcap = 0;

	if (len < sizeof(fh))
		return fail_null(err, errlen,
				 "not a kcovdf trace: %" PRIu64 " bytes, "
				 "shorter than the %zu-byte header", len,
				 sizeof(fh));
	if (src_read(src, 0, &fh, sizeof(fh)))
		return fail_null(err, errlen, "cannot read the header");
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
	t->size = len;
	off = fh.hdr_size;
	while (off < len) {
		struct kcovdf_chunk_hdr ch;
		uint64_t padded, need;
		int rc = 0, stream;

		if (len - off < sizeof(ch)) {
			t->cut = off;
			snprintf(t->cut_why, sizeof(t->cut_why),
				 "a chunk header (%" PRIu64 " of %zu bytes)",
				 len - off, sizeof(ch));
			break;
		}
		if (src_read(src, off, &ch, sizeof(ch))) {
			fail_null(err, errlen, "offset %" PRIu64
				  ": cannot read", off);
			goto bad;
		}
		if (ch.size > len - off - sizeof(ch)) {
			static const char *const names[] = {
				[KCOVDF_CHUNK_META] = "META",
				[KCOVDF_CHUNK_STREAM] = "STREAM",
				[KCOVDF_CHUNK_MAP] = "MAP",
				[KCOVDF_CHUNK_LOSS] = "LOSS",
				[KCOVDF_CHUNK_SYMS] = "SYMS",
				[KCOVDF_CHUNK_STREAM_PACKED] = "STREAM_PACKED",
			};

			t->cut = off;
			snprintf(t->cut_why, sizeof(t->cut_why),
				 "a %s%s chunk of %" PRIu64 " bytes (%" PRIu64
				 " in the file)",
				 ch.type < sizeof(names) / sizeof(names[0]) &&
				 names[ch.type] ? names[ch.type] : "type-",
				 ch.type < sizeof(names) / sizeof(names[0]) &&
				 names[ch.type] ? "" : "?", ch.size,
				 len - off - sizeof(ch));
			break;
		}
		stream = ch.type == KCOVDF_CHUNK_STREAM ||
			 ch.type == KCOVDF_CHUNK_STREAM_PACKED;
		switch (ch.type) {
		case KCOVDF_CHUNK_META:
		case KCOVDF_CHUNK_MAP:
		case KCOVDF_CHUNK_LOSS:
		case KCOVDF_CHUNK_SYMS:
		case KCOVDF_CHUNK_STREAM:
		case KCOVDF_CHUNK_STREAM_PACKED:
			/* Stream chunks: only their headers. */
			need = ch.size;
			if (stream && need > sizeof(struct kcovdf_stream_hdr) +
					     sizeof(struct kcovdf_packed_hdr))
				need = sizeof(struct kcovdf_stream_hdr) +
				       sizeof(struct kcovdf_packed_hdr);
			if (need > pcap) {
				uint8_t *np = realloc(p, (size_t)need);

				if (!np) {
					fail_null(err, errlen, "offset %" PRIu64
						  ": out of memory", off);
					goto bad;
				}
				p = np;
				pcap = (size_t)need;
			}
			if (src_read(src, off + sizeof(ch), p, (size_t)need)) {
				fail_null(err, errlen, "offset %" PRIu64
					  ": cannot read", off);
				goto bad;
			}
			break;
		}
		switch (ch.type) {
		case KCOVDF_CHUNK_META:
			rc = add_meta(t, p, ch.size, err, errlen, off);
			break;
		case KCOVDF_CHUNK_STREAM:
		case KCOVDF_CHUNK_STREAM_PACKED:
			rc = add_stream(t, &ix, p, ch.size,
					ch.type == KCOVDF_CHUNK_STREAM_PACKED,
					err, errlen, off);
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
		t->nchunks++;
		padded = (ch.size + 7) & ~7ULL;
		if (padded > len - off - sizeof(ch))
			padded = len - off - sizeof(ch);
		off += sizeof(ch) + padded;
	}
	free(ix.slot);
	free(p);
	return t;
bad:
	free(ix.slot);
	free(p);
	kcovdf_trace_free(t);
	return NULL;
}

/* Read (and unpack) one chunk's words into w. */
static int read_chunk(struct src *src, const struct kcovdf_stream *s,
		      const struct kcovdf_chunk_ref *c, uint64_t *w,
		      uint8_t **pbuf, size_t *pcap, struct kcovdf_wpack **ws,
		      char *err, size_t errlen)
{
	uint32_t check;

	if (!c->packed) {
		if (src_read(src, c->off, w, (size_t)c->nwords * 8))
			goto unreadable;
		return 0;
	}
	if (c->bytes > *pcap) {
		uint8_t *np = realloc(*pbuf, (size_t)c->bytes);

		if (!np)
			goto oom;
		*pbuf = np;
		*pcap = (size_t)c->bytes;
	}
	if (!*ws && !(*ws = malloc(sizeof(**ws))))
		goto oom;
	if (src_read(src, c->off, *pbuf, (size_t)c->bytes))
		goto unreadable;
	if (kcovdf_wpack_decode(*ws, s->format, *pbuf, (size_t)c->bytes, w,
				(size_t)c->nwords, &check) ||
	    check != c->check) {
		fail_null(err, errlen, "offset %" PRIu64 ": packed STREAM "
			  "chunk of stream %u/%u does not unpack to its %"
			  PRIu64 " words (damaged)", c->off - 16 - 56, s->pid,
			  s->tid, c->nwords);
		return -1;
	}
	return 0;
unreadable:
	fail_null(err, errlen, "offset %" PRIu64 ": cannot read the words "
		  "of stream %u/%u", c->off, s->pid, s->tid);
	return -1;
oom:
	fail_null(err, errlen, "out of memory");
	return -1;
}

static int load(struct src *src, struct kcovdf_stream *s, char *err,
		size_t errlen)
{
	uint8_t *pbuf = NULL;
	size_t pcap = 0;
	struct kcovdf_wpack *ws = NULL;
	uint64_t at = 0;
	int rc = 0;

	if (s->words || !s->nwords)
		return 0;
	s->words = malloc(s->nwords * 8);
	if (!s->words) {
		fail_null(err, errlen, "out of memory for the %zu words of "
			  "stream %u/%u", s->nwords, s->pid, s->tid);
		return -1;
	}
	for (size_t i = 0; i < s->nchunks && !rc; i++) {
		rc = read_chunk(src, s, &s->chunks[i], s->words + at, &pbuf,
				&pcap, &ws, err, errlen);
		at += s->chunks[i].nwords;
	}
	free(pbuf);
	free(ws);
	if (rc) {
		free(s->words);
		s->words = NULL;
	}
	return rc;
}

/* Read every stream's words: kcovdf_trace_read() and _parse(). */
static struct kcovdf_trace *read_all(struct src *src, char *err,
				     size_t errlen)
{
	struct kcovdf_trace *t = scan(src, err, errlen);

	if (!t)
		return NULL;
	for (size_t i = 0; i < t->nstreams; i++) {
		if (load(src, &t->streams[i], err, errlen)) {
			kcovdf_trace_free(t);
			return NULL;
		}
	}
	return t;
}

struct kcovdf_trace *kcovdf_trace_parse(const void *data, size_t len,
					char *err, size_t errlen)
{
	struct src src = { .mem = data ? data : (const uint8_t *)"",
			   .fd = -1, .size = len };

	return read_all(&src, err, errlen);
}

static struct src *src_open(const char *path, char *err, size_t errlen)
{
	struct src *s;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail_null(err, errlen, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > MAX_TRACE_BYTES) {
		close(fd);
		return fail_null(err, errlen, "%s: not a regular file of "
				 "sensible size", path);
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return fail_null(err, errlen, "%s: out of memory", path);
	}
	s->fd = fd;
	s->size = (uint64_t)st.st_size;
	return s;
}

static void prefix_path(const char *path, char *err, size_t errlen)
{
	char tmp[512];

	if (!err || !errlen)
		return;
	snprintf(tmp, sizeof(tmp), "%s: %s", path, err);
	snprintf(err, errlen, "%s", tmp);
}

struct kcovdf_trace *kcovdf_trace_read(const char *path, char *err,
				       size_t errlen)
{
	struct src *src = src_open(path, err, errlen);
	struct kcovdf_trace *t;

	if (!src)
		return NULL;
	t = read_all(src, err, errlen);
	src_free(src);
	if (!t)
		prefix_path(path, err, errlen);
	return t;
}

struct kcovdf_trace *kcovdf_trace_open(const char *path, char *err,
				       size_t errlen)
{
	struct src *src = src_open(path, err, errlen);
	struct kcovdf_trace *t;

	if (!src)
		return NULL;
	t = scan(src, err, errlen);
	if (!t) {
		src_free(src);
		prefix_path(path, err, errlen);
		return NULL;
	}
	/* Small reads of words go through the window; big ones do not. */
	t->src = src;
	return t;
}

int kcovdf_stream_load(const struct kcovdf_trace *t, struct kcovdf_stream *s,
		       char *err, size_t errlen)
{
	if (!t->src)
		return s->words || !s->nwords ? 0 :
		       (fail_null(err, errlen, "the trace's file is closed"),
			-1);
	return load(t->src, s, err, errlen);
}

void kcovdf_stream_unload(struct kcovdf_stream *s)
{
	free(s->words);
	s->words = NULL;
}

void kcovdf_stream_reader_init(struct kcovdf_stream_reader *r,
			       const struct kcovdf_trace *t,
			       const struct kcovdf_stream *s)
{
	memset(r, 0, sizeof(*r));
	r->t = t;
	r->s = s;
}

int kcovdf_stream_reader_next(struct kcovdf_stream_reader *r,
			      const uint64_t **words, size_t *n, char *err,
			      size_t errlen)
{
	const struct kcovdf_stream *s = r->s;
	const struct kcovdf_chunk_ref *c;

	if (s->words) {
		if (r->next++ || !s->nwords)
			return 0;
		*words = s->words;
		*n = s->nwords;
		return 1;
	}
	if (r->next >= s->nchunks)
		return 0;
	if (r->next)
		r->pos += s->chunks[r->next - 1].nwords;
	c = &s->chunks[r->next++];
	if (!r->t || !r->t->src) {
		fail_null(err, errlen, "the trace's file is closed");
		return -1;
	}
	if (c->nwords > r->cap) {
		uint64_t *nb = realloc(r->buf, (size_t)c->nwords * 8);

		if (!nb) {
			fail_null(err, errlen, "out of memory");
			return -1;
		}
		r->buf = nb;
		r->cap = (size_t)c->nwords;
	}
	if (read_chunk(r->t->src, s, c, r->buf, &r->pbuf, &r->pcap, &r->ws,
		       err, errlen))
		return -1;
	*words = r->buf;
	*n = (size_t)c->nwords;
	return 1;
}

void kcovdf_stream_reader_free(struct kcovdf_stream_reader *r)
{
	free(r->buf);
	free(r->pbuf);
	free(r->ws);
	memset(r, 0, sizeof(*r));
}

/* The longest record: a v1 header with 65535 extra words (the documented
 * format's count is smaller). A record that straddles chunks (writers never
 * split one, but words are words) is decoded from a copy of its pieces. */
#define MAX_REC_WORDS (3 + 65535)

void kcovdf_rec_cursor_init(struct kcovdf_rec_cursor *c,
			    const struct kcovdf_trace *t,
			    const struct kcovdf_stream *s)
{
	memset(c, 0, sizeof(*c));
	kcovdf_stream_reader_init(&c->rd, t, s);
	c->state = 1;
}

int kcovdf_rec_cursor_next(struct kcovdf_rec_cursor *c, struct kcovdf_rec *r)
{
	const struct kcovdf_stream *s = c->rd.s;
	char sub[160];

	while (c->state > 0) {
		int m;

		if (c->pos == c->n) {
			c->base += c->n;
			c->pos = c->n = 0;
			c->state = kcovdf_stream_reader_next(&c->rd, &c->w,
							     &c->n, c->err,
							     sizeof(c->err));
			continue;
		}
		m = kcovdf_rec_decode((int)s->format, c->w + c->pos,
				      c->n - c->pos, r, sub, sizeof(sub));
		if (m < 0 && c->n - c->pos < MAX_REC_WORDS &&
		    c->rd.next < s->nchunks && !s->words) {
			/* Perhaps the rest is in the next chunk(s). The
			 * piece is copied first: the reader reuses its
			 * buffer (the piece may be in it, or in carry). */
			const uint64_t *nw;
			size_t nn, keep = c->n - c->pos;
			uint64_t *nc = malloc(keep * 8);

			if (!nc) {
				snprintf(c->err, sizeof(c->err),
					 "out of memory");
				c->state = -1;
				break;
			}
			memcpy(nc, c->w + c->pos, keep * 8);
			if (kcovdf_stream_reader_next(&c->rd, &nw, &nn, c->err,
						      sizeof(c->err)) < 0) {
				free(nc);
				c->state = -1;
				break;
			}
			{
				uint64_t *big = realloc(nc, (keep + nn) * 8);

				if (!big) {
					free(nc);
					snprintf(c->err, sizeof(c->err),
						 "out of memory");
					c->state = -1;
					break;
				}
				nc = big;
			}
			memcpy(nc + keep, nw, nn * 8);
			free(c->carry);
			c->carry = nc;
			c->base += c->pos;
			c->w = nc;
			c->n = keep + nn;
			c->pos = 0;
			continue;
		}
		if (m < 0) {
			snprintf(c->err, sizeof(c->err), "word %" PRIu64 ": %s",
				 c->base + c->pos, sub);
			c->state = -1;
			break;
		}
		c->pos += (size_t)m;
		return 1;
	}
	return c->state;
}

void kcovdf_rec_cursor_free(struct kcovdf_rec_cursor *c)
{
	free(c->carry);
	kcovdf_stream_reader_free(&c->rd);
	memset(c, 0, sizeof(*c));
}

int kcovdf_walk_stream(const struct kcovdf_trace *t,
		       const struct kcovdf_stream *s, kcovdf_rec_cb cb,
		       void *arg, char *err, size_t errlen)
{
	struct kcovdf_rec_cursor c;
	struct kcovdf_rec r;
	int rc = 0, m;

	if (s->words)
		return kcovdf_walk((int)s->format, s->words, s->nwords, cb, arg,
				   err, errlen);
	kcovdf_rec_cursor_init(&c, t, s);
	while ((m = kcovdf_rec_cursor_next(&c, &r)) > 0)
		if (cb && (rc = cb(&r, arg)))
			break;
	if (!rc && m < 0) {
		fail_null(err, errlen, "%s", c.err);
		rc = -1;
	}
	kcovdf_rec_cursor_free(&c);
	return rc;
}

const struct kcovdf_loss *kcovdf_trace_loss(const struct kcovdf_trace *t,
					    const struct kcovdf_stream *s)
{
	const struct kcovdf_loss *l = NULL;

	for (size_t i = 0; i < t->nlosses; i++)
		if (t->losses[i].pid == s->pid && t->losses[i].tid == s->tid &&
		    t->losses[i].kind == s->kind)
			l = &t->losses[i];
	return l;
}

void kcovdf_trace_cut_losses(const struct kcovdf_trace *t, char *buf,
			     size_t len)
{
	const char *src = kcovdf_trace_meta(t, "source");
	size_t noloss = 0, o = 0;

	buf[0] = 0;
	if (!t->cut)
		return;
	for (size_t i = 0; i < t->nstreams; i++)
		noloss += !kcovdf_trace_loss(t, &t->streams[i]);
	if (noloss && o < len)
		o += (size_t)snprintf(buf + o, len - o,
				      "no LOSS chunk for %zu of %zu stream%s "
				      "(written when a thread or the recording "
				      "ends): %s losses are unknown", noloss,
				      t->nstreams, t->nstreams == 1 ? "" : "s",
				      noloss == 1 ? "its" : "their");
	if (src && !strcmp(src, "kernel") && !t->nsyms && o < len)
		o += (size_t)snprintf(buf + o, len - o,
				      "%sno SYMS chunk: function names need "
				      "--vmlinux or --kallsyms", o ? "; " : "");
	if (!src && o < len)
		snprintf(buf + o, len - o, "%sno META chunk: the source "
			 "(user or kernel) is unknown", o ? "; " : "");
}

void kcovdf_trace_free(struct kcovdf_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nmeta; i++)
		free(t->meta[i]);
	free(t->meta);
	for (size_t i = 0; i < t->nstreams; i++) {
		free(t->streams[i].words);
		free(t->streams[i].chunks);
	}
	free(t->streams);
	for (size_t i = 0; i < t->nmaps; i++)
		free(t->maps[i].path);
	free(t->maps);
	free(t->losses);
	for (size_t i = 0; i < t->nsyms; i++)
		free(t->syms[i].name);
	free(t->syms);
	src_free(t->src);
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

/* Where the chunk that starts at w[0] should end: at most max words,
 * between records. */
static size_t chunk_end(uint32_t format, const uint64_t *w, size_t n,
			size_t max)
{
	size_t pos = 0;

	if (n <= max || format == KCOVDF_FMT_KCOV_PCEXT)
		return n < max ? n : max;
	while (pos < n) {
		struct kcovdf_rec r;
		int m = kcovdf_rec_decode((int)format, w + pos, n - pos, &r,
					  NULL, 0);

		if (m < 0)
			return n;	/* the rest stays together */
		if (pos + (size_t)m > max)
			return pos ? pos : (size_t)m;
		pos += (size_t)m;
	}
	return pos;
}

int kcovdf_write_stream(int fd, const struct kcovdf_stream_hdr *h,
			const uint64_t *words, size_t nwords, int pack)
{
	struct kcovdf_stream_hdr sh = *h;
	struct kcovdf_packed_hdr ph = { .codec = KCOVDF_WPACK_CODEC };
	struct kcovdf_wpack *ws = NULL;
	uint8_t *out = NULL, *body = NULL;
	size_t pos = 0, cap = 0;
	int rc = 0;

	do {
		size_t n = chunk_end(h->format, words + pos, nwords - pos,
				     KCOVDF_WRITE_CHUNK_WORDS);
		size_t packed = 0;

		sh.nwords = n;
		if (pack && n) {
			if (!ws && !(ws = malloc(sizeof(*ws))))
				pack = 0;
			if (pack && n * 8 > cap) {
				uint8_t *no = realloc(out, n * 8);

				if (no) {
					out = no;
					cap = n * 8;
				} else {
					pack = 0;
				}
			}
			if (pack)
				packed = kcovdf_wpack_encode(ws, h->format,
							     words + pos, n,
							     out, n * 8,
							     &ph.check);
		}
		if (packed) {
			size_t blen = sizeof(ph) + packed;
			uint8_t *nb = realloc(body, blen);

			if (!nb) {
				rc = -1;
				break;
			}
			body = nb;
			memcpy(body, &ph, sizeof(ph));
			memcpy(body + sizeof(ph), out, packed);
			rc = kcovdf_write_chunk(fd, KCOVDF_CHUNK_STREAM_PACKED,
						KCOVDF_CHUNK_CRITICAL, &sh,
						sizeof(sh), body, blen);
		} else {
			rc = kcovdf_write_chunk(fd, KCOVDF_CHUNK_STREAM, 0, &sh,
						sizeof(sh), words + pos, n * 8);
		}
		sh.seq++;
		pos += n;
	} while (!rc && pos < nwords);
	free(ws);
	free(out);
	free(body);
	return rc;
}
