// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the trace file container (lib/trace.c, lib/wpack.c):
 *  - a file cut at every byte keeps every complete chunk before the cut
 *    and says where the cut is (the disk-full outcome of docs/runtime.md);
 *  - packed streams (STREAM_PACKED): round trips of random and recorded-
 *    looking words in every format, damaged packings refused, never a
 *    read or write out of bounds (ASan), the writer's chunking at record
 *    boundaries, an unknown codec refused with a message;
 *  - reading chunk by chunk (kcovdf_trace_open, the stream reader, the
 *    record cursor) gives exactly what reading the whole file gives, also
 *    for a record split over two chunks.
 * Built with ASan and UBSan by tests/suites/05-lib.sh. TAP output.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kcovdf/kcovdf.h"
#include "tap.h"

#define V2(kind, flags, idx, nextra, size) \
	KCOV_DF_V2_HDR(kind, flags, idx, nextra, size)
#define ARG KCOV_DF_KIND_ARG
#define RET KCOV_DF_KIND_RET
#define SECT KCOV_DF_KIND_SECTION

static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	uint64_t z = (rnd_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Records as a program makes them: a few functions called again and
 * again, scalars and a struct of 6 fields that changes a little. */
static size_t make_records(uint64_t *w, size_t cap)
{
	size_t n = 0;
	uint64_t obj[6] = { 1, 2, 0x7ffd00001000ULL, 4, 5, 6 };

	while (n + 3 + 7 + 3 <= cap) {
		uint64_t f = 0x401000 + 0x40 * (rnd() % 5);

		obj[rnd() % 6] += rnd() % 3;
		w[n++] = V2(ARG, KCOV_DF_F_FIRST | KCOV_DF_F_FIELDS, 0, 7, 8);
		w[n++] = f;
		w[n++] = 0x7ffd00000f00ULL + 16 * (rnd() % 4);
		w[n++] = 0x1234567890abcdefULL;
		for (int i = 0; i < 6; i++)
			w[n++] = obj[i];
		w[n++] = V2(RET, KCOV_DF_F_SIGNED, KCOV_DF_ARGIDX_NONE, 0, 4);
		w[n++] = f;
		w[n++] = rnd() % 4 ? 0 : (uint64_t)-22;
	}
	return n;
}

static int round_trip(uint32_t format, const uint64_t *w, size_t n,
		      size_t *packed_len)
{
	static struct kcovdf_wpack ws;
	uint8_t *out = malloc(n * 10 + 16);
	uint64_t *back = malloc(n * 8 + 8);
	size_t len;
	int same;

	uint32_t c1 = 1, c2 = 2;

	len = kcovdf_wpack_encode(&ws, format, w, n, out, n * 10 + 16, &c1);
	*packed_len = len;
	same = (len || !n) &&
	       kcovdf_wpack_decode(&ws, format, out, len, back, n, &c2) == 0 &&
	       (!n || !memcmp(back, w, n * 8)) &&
	       (!n || (c1 == c2 && c1 == kcovdf_wpack_check(w, n)));
	free(out);
	free(back);
	return same;
}

static void test_wpack(void)
{
	enum { N = 40000 };
	uint64_t *w = malloc(N * 8);
	static struct kcovdf_wpack ws;
	int all = 1;
	size_t len, n;

	/* Random words, every length up to 300, every format (3: one this
	 * library has no name for yet, read as records). */
	for (uint32_t f = 0; f <= 3; f++)
		for (size_t k = 0; k <= 300; k++) {
			for (size_t i = 0; i < k; i++)
				w[i] = rnd() >> (rnd() % 64);
			all &= round_trip(f, w, k, &len);
		}
	ok(all, "wpack: random words of every length and format round-trip");

	/* Every size set (the tables grow at 257, 2049 and 16385 words). */
	all = 1;
	for (uint32_t f = 0; f <= KCOVDF_FMT_KCOV_PCEXT; f++)
		for (size_t k = 0; k < 8; k++) {
			static const size_t sizes[] = { 256, 257, 2048, 2049,
							16384, 16385, 30000,
							N };

			if (k % 2)
				make_records(w, sizes[k]);
			else
				for (size_t i = 0; i < sizes[k]; i++)
					w[i] = rnd() >> (rnd() % 64);
			all &= round_trip(f, w, sizes[k], &len);
		}
	ok(all, "wpack: every table size set round-trips, checks agree");

	/* Words that look like headers of both revisions, cut records. */
	all = 1;
	for (size_t k = 0; k < 2000; k++) {
		for (size_t i = 0; i < 64; i++) {
			uint64_t r = rnd();

			w[i] = r % 3 == 0 ? (0xD1ULL << 56) | (r >> 8 & 0xffff0000ULL) :
			       r % 3 == 1 ? (0xD2ULL << 56) | (r >> 8 & 0x0fff0000ULL) :
			       r >> 40;
		}
		all &= round_trip(KCOVDF_FMT_VERSIONED, w, 1 + k % 64, &len);
	}
	ok(all, "wpack: v1 and v2 headers claiming any length round-trip");

	n = make_records(w, N);
	all = round_trip(KCOVDF_FMT_VERSIONED, w, n, &len);
	ok(all && len * 10 < n * 8,
	   "wpack: repeated objects pack to less than a tenth");
	printf("# %zu words, %zu bytes packed (%.1f%%)\n", n, len,
	       100.0 * (double)len / (double)(n * 8));

	/* The packing of an object never seen before costs at most about
	 * 10 bytes a word: a plain chunk is written instead. */
	{
		uint8_t out[64 * 8];

		for (size_t i = 0; i < 64; i++)
			w[i] = rnd();
		uint32_t c;

		ok(kcovdf_wpack_encode(&ws, KCOVDF_FMT_VERSIONED, w, 64, out,
				       sizeof(out), &c) == 0,
		   "wpack: words that do not pack smaller are refused");
	}

	/* Every cut of a packing fails; every byte flip is harmless. */
	{
		size_t m = 500, plen;
		uint8_t *out = malloc(m * 8), *mod = malloc(m * 8);
		uint64_t *back = malloc(m * 8);
		int cut_ok = 1, flip_ok = 1;
		uint32_t c;

		m = make_records(w, m);
		plen = kcovdf_wpack_encode(&ws, KCOVDF_FMT_VERSIONED, w, m, out,
					   m * 8, &c);
		for (size_t c = 0; c < plen; c++) {
			uint8_t *cut = malloc(c ? c : 1);
			uint32_t c2;

			memcpy(cut, out, c);
			cut_ok &= kcovdf_wpack_decode(&ws, KCOVDF_FMT_VERSIONED, cut,
						      c, back, m, &c2) == -1;
			free(cut);
		}
		ok(plen && cut_ok, "wpack: every cut of a packing is refused");
		for (size_t i = 0; i < plen; i++) {
			memcpy(mod, out, plen);
			mod[i] ^= (uint8_t)(1 + rnd() % 255);
			/* Either refused or some words: ASan checks the
			 * bounds. */
			(void)kcovdf_wpack_decode(&ws, KCOVDF_FMT_VERSIONED, mod,
						  plen, back, m, &c);
		}
		ok(flip_ok, "wpack: byte flips in a packing: no overrun");
		ok(kcovdf_wpack_decode(&ws, KCOVDF_FMT_VERSIONED, out, plen, back,
				       8 * plen + 1, &c) == -1,
		   "wpack: more than 8 words a byte is refused");
		free(out);
		free(mod);
		free(back);
	}
	free(w);
}

/* ------------------------------------------------------------------ */

struct chunkpos {
	size_t off, end;	/* end: offset after payload (no padding) */
	int stream;		/* words it adds */
	uint64_t first, nwords;	/* in its stream */
	int sid;
};

static struct chunkpos pos[64];
static size_t npos;

static void mark(int fd, size_t before, int sid, uint64_t first,
		 uint64_t nwords)
{
	size_t after = (size_t)lseek(fd, 0, SEEK_CUR);
	struct kcovdf_chunk_hdr ch;

	pread(fd, &ch, sizeof(ch), (off_t)before);
	pos[npos].off = before;
	pos[npos].end = before + sizeof(ch) + (size_t)ch.size;
	pos[npos].stream = sid >= 0;
	pos[npos].sid = sid;
	pos[npos].first = first;
	pos[npos].nwords = nwords;
	npos++;
	(void)after;
}

static uint64_t dfw[1200], pcw[300];
static size_t ndf, npc;

/* A trace as the runtime writes it: META, MAP, STREAM chunks of two tasks
 * (some packed), a PC_EXT stream, LOSS chunks, SYMS last. */
static size_t build(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	const char *kv[] = { "source=kernel", "pid=1" };
	struct kcovdf_map m = { .pid = 1, .start = 0x400000,
				.end = 0x500000, .path_len = 4 };
	struct kcovdf_loss l = { .pid = 1, .tid = 1, .records = 9 };
	uint8_t syms[32] = { 0 };
	struct kcovdf_sym_entry se = { .addr = 0x401000, .name_len = 4 };
	size_t b, done = 0, pdone = 0;

	npos = 0;
	ndf = make_records(dfw, 1200);
	for (size_t i = 0; i < 300; i++)
		pcw[i] = (0x401000 + 16 * (rnd() % 40)) |
			 (i % 2 ? KCOV_RECORDFLAG_TYPE_EXIT : 0);
	npc = 300;
	kcovdf_write_file_hdr(fd);
	b = (size_t)lseek(fd, 0, SEEK_CUR);
	kcovdf_write_meta(fd, kv, 2);
	mark(fd, b, -1, 0, 0);
	b = (size_t)lseek(fd, 0, SEEK_CUR);
	kcovdf_write_chunk(fd, KCOVDF_CHUNK_MAP, 0, &m, sizeof(m), "prog", 4);
	mark(fd, b, -1, 0, 0);
	for (int c = 0; c < 6; c++) {
		struct kcovdf_stream_hdr h = { .pid = 1, .tid = 1,
			.format = KCOVDF_FMT_VERSIONED, .seq = (uint64_t)c };
		/* records are 13 words: cut at record boundaries */
		size_t n = c == 5 ? ndf - done : 13 * (5 + 3 * (size_t)c);

		if (done + n > ndf)
			n = ndf - done;
		strcpy(h.comm, "t");
		b = (size_t)lseek(fd, 0, SEEK_CUR);
		kcovdf_write_stream(fd, &h, dfw + done, n, c % 2);
		mark(fd, b, 0, done, n);
		done += n;
		if (c == 2) {
			struct kcovdf_stream_hdr p = { .pid = 1, .tid = 1,
				.kind = KCOVDF_STREAM_PCEXT,
				.format = KCOVDF_FMT_KCOV_PCEXT };

			b = (size_t)lseek(fd, 0, SEEK_CUR);
			kcovdf_write_stream(fd, &p, pcw, 200, 1);
			mark(fd, b, 1, 0, 200);
			pdone = 200;
		}
	}
	{
		struct kcovdf_stream_hdr p = { .pid = 1, .tid = 1,
			.kind = KCOVDF_STREAM_PCEXT,
			.format = KCOVDF_FMT_KCOV_PCEXT, .seq = 1 };

		b = (size_t)lseek(fd, 0, SEEK_CUR);
		kcovdf_write_stream(fd, &p, pcw + pdone, npc - pdone, 0);
		mark(fd, b, 1, pdone, npc - pdone);
	}
	b = (size_t)lseek(fd, 0, SEEK_CUR);
	kcovdf_write_chunk(fd, KCOVDF_CHUNK_LOSS, 0, &l, sizeof(l), NULL, 0);
	mark(fd, b, -1, 0, 0);
	memcpy(syms, &se, sizeof(se));
	memcpy(syms + sizeof(se), "main", 4);
	b = (size_t)lseek(fd, 0, SEEK_CUR);
	kcovdf_write_chunk(fd, KCOVDF_CHUNK_SYMS, 0, syms, 24, NULL, 0);
	mark(fd, b, -1, 0, 0);
	b = (size_t)lseek(fd, 0, SEEK_END);
	close(fd);
	return b;
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;

	fseek(f, 0, SEEK_END);
	*n = (size_t)ftell(f);
	rewind(f);
	b = malloc(*n);
	if (fread(b, 1, *n, f) != *n)
		*n = 0;
	fclose(f);
	return b;
}

static void test_cut(void)
{
	char path[] = "/tmp/kcovdf-test-trace-XXXXXX";
	int fd = mkstemp(path);
	size_t n, len;
	uint8_t *buf;
	int all = 1, packed_seen = 0;
	char err[300];

	close(fd);
	n = build(path);
	buf = slurp(path, &len);
	for (size_t i = 0; i < npos; i++)
		packed_seen |= pos[i].stream &&
			       ((struct kcovdf_chunk_hdr *)(buf + pos[i].off))->type ==
			       KCOVDF_CHUNK_STREAM_PACKED;
	ok(len == n && npos > 10 && packed_seen,
	   "a trace of 14 chunks, some of them packed");
	for (size_t cut = 0; cut <= len; cut++) {
		struct kcovdf_trace *t = kcovdf_trace_parse(buf, cut, err,
							    sizeof(err));
		size_t complete = 0, expect_cut = 0;
		uint64_t want[2] = { 0, 0 };
		int good;

		if (cut < sizeof(struct kcovdf_file_hdr)) {
			all &= !t && strstr(err, "shorter than");
			continue;
		}
		for (size_t i = 0; i < npos; i++) {
			if (pos[i].end <= cut) {
				complete++;
				if (pos[i].stream)
					want[pos[i].sid] = pos[i].first +
							   pos[i].nwords;
			} else if (pos[i].off < cut && !expect_cut) {
				expect_cut = pos[i].off;
			}
		}
		good = t && t->nchunks == complete && t->cut == expect_cut;
		for (size_t s = 0; good && s < t->nstreams; s++) {
			const struct kcovdf_stream *st = &t->streams[s];
			int sid = st->kind == KCOVDF_STREAM_PCEXT;
			const uint64_t *ref = sid ? pcw : dfw;

			good &= st->nwords == want[sid] &&
				!memcmp(st->words, ref, st->nwords * 8);
		}
		if (!good && all)
			printf("# cut at %zu: %s (kept %zu, cut %llu)\n", cut,
			       t ? "wrong" : err, t ? t->nchunks : 0,
			       t ? (unsigned long long)t->cut : 0ULL);
		all &= good;
		kcovdf_trace_free(t);
	}
	ok(all, "cut at every byte: every complete chunk kept, the cut named");
	{
		struct kcovdf_trace *t = kcovdf_trace_parse(buf, len - 3, err,
							    sizeof(err));
		char what[300];

		kcovdf_trace_cut_losses(t, what, sizeof(what));
		ok(t && t->cut && strstr(t->cut_why, "SYMS") &&
		   strstr(what, "no SYMS chunk"),
		   "a cut SYMS chunk: named, and what it costs");
		kcovdf_trace_free(t);
		t = kcovdf_trace_parse(buf, pos[npos - 3].off + 5, err,
				       sizeof(err));
		kcovdf_trace_cut_losses(t, what, sizeof(what));
		ok(t && strstr(what, "no LOSS chunk for 2 of 2 streams"),
		   "a cut before the LOSS chunks: losses unknown");
		kcovdf_trace_free(t);
	}

	/* Chunk by chunk from the file gives the same words and records. */
	{
		struct kcovdf_trace *whole = kcovdf_trace_read(path, err,
							       sizeof(err));
		struct kcovdf_trace *t = kcovdf_trace_open(path, err,
							   sizeof(err));
		int same = whole && t && whole->nstreams == t->nstreams;

		for (size_t s = 0; same && s < t->nstreams; s++) {
			struct kcovdf_stream_reader rd;
			const uint64_t *w;
			size_t k, at = 0;
			int rc;

			same &= !t->streams[s].words &&
				t->streams[s].nwords == whole->streams[s].nwords;
			kcovdf_stream_reader_init(&rd, t, &t->streams[s]);
			while ((rc = kcovdf_stream_reader_next(&rd, &w, &k, err,
							       sizeof(err))) > 0) {
				same &= !memcmp(w, whole->streams[s].words + at,
						k * 8);
				at += k;
			}
			same &= rc == 0 && at == whole->streams[s].nwords;
			kcovdf_stream_reader_free(&rd);
		}
		ok(same, "kcovdf_trace_open: the stream reader gives the "
		   "words kcovdf_trace_read() gives");
		kcovdf_trace_free(whole);
		kcovdf_trace_free(t);
	}
	free(buf);
	unlink(path);
}

/* A record split over two chunks (writers never do it, but a reader
 * takes words as words): the cursor joins the pieces. */
static int count_cb(const struct kcovdf_rec *r, void *arg)
{
	uint64_t *sum = arg;

	sum[0]++;
	sum[1] += r->value + r->task_pid;
	return 0;
}

static void test_straddle(void)
{
	char path[] = "/tmp/kcovdf-test-trace-XXXXXX";
	int fd = mkstemp(path);
	uint64_t w[] = {
		V2(ARG, KCOV_DF_F_FIRST, 0, 0, 4), 0x401000, 5,
		V2(SECT, KCOV_DF_F_FIRST | KCOV_DF_F_REMOTE,
		   KCOV_DF_ARGIDX_NONE, 1, 0), 0, 0x77, 42,
		V2(RET, 0, KCOV_DF_ARGIDX_NONE, 0, 4), 0x401000, 9,
	};
	struct kcovdf_stream_hdr h = { .pid = 2, .tid = 2,
				       .format = KCOVDF_FMT_VERSIONED };
	struct kcovdf_trace *t;
	uint64_t a[2] = { 0, 0 }, b[2] = { 0, 0 };
	char err[300];

	kcovdf_write_file_hdr(fd);
	h.nwords = 5;
	kcovdf_write_chunk(fd, KCOVDF_CHUNK_STREAM, 0, &h, sizeof(h), w, 40);
	h.nwords = 5;
	h.seq = 1;
	kcovdf_write_chunk(fd, KCOVDF_CHUNK_STREAM, 0, &h, sizeof(h), w + 5,
			   40);
	close(fd);
	kcovdf_walk(KCOVDF_FMT_VERSIONED, w, 10, count_cb, a, NULL, 0);
	t = kcovdf_trace_open(path, err, sizeof(err));
	ok(t && kcovdf_walk_stream(t, &t->streams[0], count_cb, b, err,
				   sizeof(err)) == 0 &&
	   a[0] == 3 && a[0] == b[0] && a[1] == b[1],
	   "a record split over two chunks is read whole");
	kcovdf_trace_free(t);
	/* The same with the second piece missing: an error at its word. */
	t = kcovdf_trace_open(path, err, sizeof(err));
	if (t)
		t->streams[0].nchunks = 1, t->streams[0].nwords = 5;
	ok(t && kcovdf_walk_stream(t, &t->streams[0], NULL, NULL, err,
				   sizeof(err)) == -1 &&
	   strstr(err, "word 3:"),
	   "a record cut at the end of the stream: its word named");
	kcovdf_trace_free(t);
	unlink(path);
}

static void test_writer(void)
{
	size_t n = 300000 / 13 * 13 + 13 * 100;
	uint64_t *w = malloc(n * 8);
	char path[] = "/tmp/kcovdf-test-trace-XXXXXX";
	int fd = mkstemp(path), whole = 1, bounded = 1, fd2;
	struct kcovdf_stream_hdr h = { .pid = 3, .tid = 3,
				       .format = KCOVDF_FMT_VERSIONED, .seq = 7 };
	struct kcovdf_trace *t;
	char err[300];
	size_t got;

	n = make_records(w, n);
	kcovdf_write_file_hdr(fd);
	kcovdf_write_stream(fd, &h, w, n, 1);
	h.tid = 4;
	kcovdf_write_stream(fd, &h, w, n, 0);
	close(fd);
	fd2 = open(path, O_RDONLY);
	t = kcovdf_trace_open(path, err, sizeof(err));
	for (size_t s = 0; t && s < t->nstreams; s++)
		for (size_t c = 0; c < t->streams[s].nchunks; c++) {
			bounded &= t->streams[s].chunks[c].nwords <=
				   KCOVDF_WRITE_CHUNK_WORDS;
			/* between records: each chunk walks on its own */
			if (s == 1) {
				uint64_t *cw = malloc(t->streams[s].chunks[c].nwords * 8);

				pread(fd2, cw, t->streams[s].chunks[c].nwords * 8,
				      (off_t)t->streams[s].chunks[c].off);
				whole &= kcovdf_walk(KCOVDF_FMT_VERSIONED, cw,
						     t->streams[s].chunks[c].nwords,
						     NULL, NULL, NULL, 0) == 0;
				free(cw);
			}
			bounded &= t->streams[s].chunks[c].packed == (s == 0);
		}
	close(fd2);
	ok(t && t->nstreams == 2 && t->streams[0].nchunks == 2 && bounded &&
	   whole, "writer: chunks of at most 256 Ki words, split between "
	   "records, packed when asked");
	kcovdf_trace_free(t);
	t = kcovdf_trace_read(path, err, sizeof(err));
	ok(t && t->streams[0].nwords == n && t->streams[1].nwords == n &&
	   !memcmp(t->streams[0].words, w, n * 8) &&
	   !memcmp(t->streams[1].words, w, n * 8),
	   "writer: packed and plain read back the same");
	kcovdf_trace_free(t);

	/* An unknown codec, and a reader that knows no STREAM_PACKED. */
	{
		uint8_t *buf = slurp(path, &got);
		size_t off = sizeof(struct kcovdf_file_hdr);
		struct kcovdf_chunk_hdr ch;

		memcpy(&ch, buf + off, sizeof(ch));
		ok(ch.type == KCOVDF_CHUNK_STREAM_PACKED &&
		   (ch.flags & KCOVDF_CHUNK_CRITICAL),
		   "a packed chunk is critical: older readers refuse it");
		buf[off + 16 + 48] = 9;
		t = kcovdf_trace_parse(buf, got, err, sizeof(err));
		ok(!t && strstr(err, "codec 9"),
		   "an unknown codec is refused with a message");
		buf[off + 16 + 48] = 1;
		{
			struct kcovdf_chunk_hdr c0;
			int refused = 1;

			memcpy(&c0, buf + off, sizeof(c0));
			/* Every byte of the first packed chunk's body, in
			 * steps (each parse unpacks the whole file). */
			for (size_t i = off + 16 + 56; i < off + 16 + c0.size;
			     i += 97) {
				buf[i] ^= 0x10;
				t = kcovdf_trace_parse(buf, got, err,
						       sizeof(err));
				refused &= !t && strstr(err, "damaged") != NULL;
				kcovdf_trace_free(t);
				buf[i] ^= 0x10;
			}
			ok(refused, "a damaged packing is refused, never read "
			   "as other words");
		}
		free(buf);
	}
	free(w);
	unlink(path);
}

int main(void)
{
	test_wpack();
	test_cut();
	test_straddle();
	test_writer();
	return tap_done();
}
