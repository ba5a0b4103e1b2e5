// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the input is a trace file.
 *
 *  1. kcovdf_trace_parse(); on failure there must be a message.
 *  2. The parsed trace is consistent (lengths, NUL-terminated strings,
 *     unique streams) and survives a round trip through the writer:
 *     parse(write(parse(x))) gives the same trace.
 *  3. Every string a JSON exporter would print (comm, META, MAP paths,
 *     SYMS names) goes through kcovdf_json_str(): the result is valid JSON.
 *  4. For every DOC or versioned stream: a checked record walk, kcovdf_calls_build()
 *     without a symboliser, the tree checked against the walk, and every
 *     call described and printed in text and in JSON (fuzz_check.h).
 *  5. For every PC_EXT stream: kcovdf_calls_merge() with the versioned stream of
 *     the same task (or none), symbols from the SYMS chunk; the merged tree
 *     is consistent (links, depths, count) and holds every dataflow call.
 *  6. The trace written again with packed chunks (kcovdf_write_stream)
 *     reads back the same.
 *  7. The calls streamed (kcovdf_calls_stream()), from the words in memory
 *     and from the file read chunk by chunk (kcovdf_trace_open() of the
 *     input in a memfd), are the tree's calls in the tree's order, opened
 *     under an open parent and closed innermost first.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_check.h"

static void check_trace(const struct kcovdf_trace *t, size_t len)
{
	uint64_t bytes = 0;

	FZ_CHECK(t->major == KCOVDF_FILE_MAJOR, "major %u", t->major);
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *s = &t->streams[i];

		FZ_CHECK(s->kind <= KCOVDF_STREAM_REMOTE_PCEXT &&
			 s->format <= KCOVDF_FMT_KCOV_PCEXT,
			 "stream %zu: kind %u format %u", i, s->kind,
			 s->format);
		FZ_CHECK(!s->nwords || s->words, "stream %zu: no words", i);
		for (size_t c = 0; c < s->nchunks; c++) {
			const struct kcovdf_chunk_ref *r = &s->chunks[c];

			FZ_CHECK(r->packed ? r->nwords <= 8 * r->bytes :
					     r->nwords * 8 == r->bytes,
				 "stream %zu chunk %zu: %" PRIu64 " words in %"
				 PRIu64 " bytes", i, c, r->nwords, r->bytes);
			FZ_CHECK(r->off + r->bytes <= len,
				 "stream %zu chunk %zu past the end", i, c);
			bytes += r->bytes;
		}
		FZ_CHECK(s->comm[16] == 0, "stream %zu: comm not terminated",
			 i);
		for (size_t k = 0; k < i; k++)
			FZ_CHECK(t->streams[k].pid != s->pid ||
				 t->streams[k].tid != s->tid ||
				 t->streams[k].kind != s->kind,
				 "streams %zu and %zu have the same task", k, i);
	}
	FZ_CHECK(bytes <= len, "%" PRIu64 " stream bytes from %zu bytes",
		 bytes, len);
	FZ_CHECK(!t->cut || (t->cut < len && t->cut_why[0]),
		 "cut at %" PRIu64 " of %zu without a reason", t->cut, len);
	for (size_t i = 0; i < t->nmeta; i++)
		FZ_CHECK(t->meta[i][0] && strchr(t->meta[i], '='),
			 "META entry %zu is \"%s\"", i, t->meta[i]);
	for (size_t i = 0; i < t->nmaps; i++)
		FZ_CHECK(t->maps[i].path && t->maps[i].build_id_len <= 32 &&
			 t->maps[i].kind <= KCOVDF_MAP_MODULE,
			 "MAP %zu inconsistent", i);
	for (size_t i = 0; i < t->nsyms; i++)
		FZ_CHECK(t->syms[i].name && t->syms[i].name[0],
			 "SYMS entry %zu has no name", i);
}

/* Write the parsed trace back with the library's writer; pack: streams
 * with kcovdf_write_stream(), packed. */
static int write_trace(int fd, const struct kcovdf_trace *t, int pack)
{
	int rc = kcovdf_write_file_hdr(fd);

	if (t->nmeta)
		rc |= kcovdf_write_meta(fd, (const char *const *)t->meta,
					t->nmeta);
	for (size_t i = 0; i < t->nmaps; i++) {
		const struct kcovdf_map_entry *e = &t->maps[i];
		struct kcovdf_map m = {
			.pid = e->pid, .kind = e->kind, .start = e->start,
			.end = e->end, .bias = e->bias,
			.build_id_len = e->build_id_len,
			.path_len = (uint32_t)strlen(e->path),
		};

		memcpy(m.build_id, e->build_id, sizeof(m.build_id));
		rc |= kcovdf_write_chunk(fd, KCOVDF_CHUNK_MAP, 0, &m, sizeof(m),
					 e->path, m.path_len);
	}
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *s = &t->streams[i];
		struct kcovdf_stream_hdr h = {
			.pid = s->pid, .tid = s->tid, .kind = s->kind,
			.format = s->format, .nwords = s->nwords,
		};

		memcpy(h.comm, s->comm, sizeof(h.comm));
		if (pack)
			rc |= kcovdf_write_stream(fd, &h, s->words, s->nwords,
						  1);
		else
			rc |= kcovdf_write_chunk(fd, KCOVDF_CHUNK_STREAM, 0,
						 &h, sizeof(h), s->words,
						 s->nwords * 8);
	}
	for (size_t i = 0; i < t->nlosses; i++)
		rc |= kcovdf_write_chunk(fd, KCOVDF_CHUNK_LOSS, 0,
					 &t->losses[i], sizeof(t->losses[i]),
					 NULL, 0);
	for (size_t i = 0; i < t->nsyms; i++) {
		struct kcovdf_sym_entry e = {
			.addr = t->syms[i].addr,
			.name_len = (uint32_t)strlen(t->syms[i].name),
		};

		rc |= kcovdf_write_chunk(fd, KCOVDF_CHUNK_SYMS, 0, &e,
					 sizeof(e), t->syms[i].name,
					 e.name_len);
	}
	return rc;
}

static void check_same(const struct kcovdf_trace *a,
		       const struct kcovdf_trace *b)
{
	FZ_CHECK(a->nmeta == b->nmeta && a->nstreams == b->nstreams &&
		 a->nmaps == b->nmaps && a->nlosses == b->nlosses &&
		 a->nsyms == b->nsyms, "round trip changes the counts");
	for (size_t i = 0; i < a->nmeta; i++)
		FZ_CHECK(!strcmp(a->meta[i], b->meta[i]),
			 "round trip changes META %zu", i);
	for (size_t i = 0; i < a->nstreams; i++) {
		const struct kcovdf_stream *x = &a->streams[i];
		const struct kcovdf_stream *y = &b->streams[i];

		FZ_CHECK(x->pid == y->pid && x->tid == y->tid &&
			 x->kind == y->kind && x->format == y->format &&
			 !memcmp(x->comm, y->comm, sizeof(x->comm)) &&
			 x->nwords == y->nwords &&
			 (!x->nwords ||
			  !memcmp(x->words, y->words, x->nwords * 8)),
			 "round trip changes stream %zu", i);
	}
	for (size_t i = 0; i < a->nmaps; i++) {
		const struct kcovdf_map_entry *x = &a->maps[i];
		const struct kcovdf_map_entry *y = &b->maps[i];

		FZ_CHECK(x->pid == y->pid && x->kind == y->kind &&
			 x->start == y->start && x->end == y->end &&
			 x->bias == y->bias &&
			 x->build_id_len == y->build_id_len &&
			 !memcmp(x->build_id, y->build_id, 32) &&
			 !strcmp(x->path, y->path),
			 "round trip changes MAP %zu", i);
	}
	FZ_CHECK(!a->nlosses || !memcmp(a->losses, b->losses,
					a->nlosses * sizeof(*a->losses)),
		 "round trip changes LOSS chunks");
	for (size_t i = 0; i < a->nsyms; i++)
		FZ_CHECK(a->syms[i].addr == b->syms[i].addr &&
			 !strcmp(a->syms[i].name, b->syms[i].name),
			 "round trip changes SYMS entry %zu", i);
}

static void round_trip(const struct kcovdf_trace *t, int pack)
{
	static int fd = -1;
	struct kcovdf_trace *t2;
	char err[300] = "";
	uint8_t *buf;
	off_t n;

	if (fd < 0)
		fd = memfd_create("kcovdf-fuzz", MFD_CLOEXEC);
	FZ_CHECK(fd >= 0, "memfd_create failed");
	FZ_CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0,
		 "cannot reset the memfd");
	FZ_CHECK(write_trace(fd, t, pack) == 0, "writer failed");
	n = lseek(fd, 0, SEEK_CUR);
	buf = malloc((size_t)n);
	FZ_CHECK(buf && pread(fd, buf, (size_t)n, 0) == n, "read back failed");
	t2 = kcovdf_trace_parse(buf, (size_t)n, err, sizeof(err));
	FZ_CHECK(t2, "the writer's output of a parsed trace does not parse: %s",
		 err);
	FZ_CHECK(!t2->cut, "the writer's output is cut");
	check_same(t, t2);
	kcovdf_trace_free(t2);
	free(buf);
}

/* The strings of the trace as an exporter would put them in JSON. */
static void strings_json(const struct kcovdf_trace *t)
{
	struct kcovdf_buf b = { 0 };

	kcovdf_buf_printf(&b, "{\"streams\":[");
	for (size_t i = 0; i < t->nstreams; i++) {
		kcovdf_buf_printf(&b, "%s{\"pid\":%u,\"comm\":", i ? "," : "",
				  t->streams[i].pid);
		kcovdf_json_str(&b, t->streams[i].comm);
		kcovdf_buf_printf(&b, "}");
	}
	kcovdf_buf_printf(&b, "],\"meta\":[");
	for (size_t i = 0; i < t->nmeta; i++) {
		kcovdf_buf_printf(&b, "%s", i ? "," : "");
		kcovdf_json_str(&b, t->meta[i]);
	}
	kcovdf_buf_printf(&b, "],\"maps\":[");
	for (size_t i = 0; i < t->nmaps; i++) {
		kcovdf_buf_printf(&b, "%s", i ? "," : "");
		kcovdf_json_str(&b, t->maps[i].path);
	}
	kcovdf_buf_printf(&b, "],\"syms\":[");
	for (size_t i = 0; i < t->nsyms; i++) {
		kcovdf_buf_printf(&b, "%s", i ? "," : "");
		kcovdf_json_str(&b, t->syms[i].name);
	}
	kcovdf_buf_printf(&b, "]}");
	fz_require_json(&b, "JSON of the trace's strings");
	kcovdf_buf_free(&b);
}

/* The merged tree of a PC_EXT stream and its task's versioned stream. */
static void check_merge(const struct kcovdf_trace *t,
			const struct kcovdf_stream *pc)
{
	const struct kcovdf_stream *df = NULL;
	const char *src = kcovdf_trace_meta(t, "source");
	uint32_t dkind = pc->kind == KCOVDF_STREAM_PCEXT ?
			 KCOVDF_STREAM_LOCAL : KCOVDF_STREAM_REMOTE;
	struct kcovdf_calls calls, plain;
	size_t n = 0, ndf = 0, nplain = 0;
	char err[300] = "";
	uint64_t unknown;
	int rc;

	for (size_t i = 0; i < t->nstreams; i++)
		if (t->streams[i].pid == pc->pid &&
		    t->streams[i].tid == pc->tid &&
		    t->streams[i].kind == dkind &&
		    t->streams[i].format == KCOVDF_FMT_VERSIONED)
			df = &t->streams[i];
	struct kcovdf_trace names = *t;
	struct kcovdf_sym *sym;

	/* Symbols from the trace's SYMS chunk only (no files are opened),
	 * so that frames and dataflow calls can match. */
	names.nmaps = 0;
	sym = kcovdf_sym_new(&names, NULL);
	FZ_CHECK(sym, "out of memory");
	rc = kcovdf_calls_merge(df, pc, src && !strcmp(src, "kernel"), sym,
				&calls, &unknown, err, sizeof(err));
	FZ_CHECK(rc == 0 || err[0], "merge failed silently");
	for (struct kcovdf_call *x = calls.root; x; x = kcovdf_call_next(x)) {
		FZ_CHECK(++n <= calls.ncalls, "merged walk visits more than "
			 "the %zu calls", calls.ncalls);
		FZ_CHECK(x->depth == (x->parent ? x->parent->depth + 1 : 0),
			 "merged call at depth %d under depth %d", x->depth,
			 x->parent ? x->parent->depth : -1);
		FZ_CHECK(!x->child || x->child->parent == x,
			 "merged child does not point back to its parent");
		ndf += (x->src & KCOVDF_SRC_DF) || x->section;
		fz_format_call(x, KCOVDF_FMT_VERSIONED, NULL, pc->pid);
	}
	FZ_CHECK(n == calls.ncalls, "merged walk visits %zu of %zu calls", n,
		 calls.ncalls);
	if (df) {
		kcovdf_calls_build(df, NULL, &plain, NULL, 0);
		nplain = plain.ncalls;
		kcovdf_calls_free(&plain);
	}
	FZ_CHECK(ndf == nplain, "merged tree holds %zu of %zu dataflow calls",
		 ndf, nplain);
	kcovdf_calls_free(&calls);
	kcovdf_sym_free(sym);
}

/* The calls of a task as kcovdf_calls_stream() hands them on. */
struct fz_sink {
	const struct kcovdf_call **open;	/* open calls, outermost first */
	size_t nopen, cap;
	uint64_t *seq;				/* pc, depth of each open */
	size_t n, seqcap;
	int format;
	uint32_t pid;
};

static void fz_open(void *arg, const struct kcovdf_call *c)
{
	struct fz_sink *s = arg;

	FZ_CHECK(c->parent == (s->nopen ? s->open[s->nopen - 1] : NULL),
		 "streamed call %zu opens under a call that is not the "
		 "innermost open one", s->n);
	FZ_CHECK(c->depth == (int)s->nopen, "streamed call %zu at depth %d "
		 "under %zu open calls", s->n, c->depth, s->nopen);
	if (s->nopen == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->open = realloc(s->open, s->cap * sizeof(*s->open));
		FZ_CHECK(s->open, "out of memory");
	}
	s->open[s->nopen++] = c;
	if (s->n + 2 > s->seqcap) {
		s->seqcap = s->seqcap ? 2 * s->seqcap : 256;
		s->seq = realloc(s->seq, s->seqcap * sizeof(*s->seq));
		FZ_CHECK(s->seq, "out of memory");
	}
	s->seq[s->n++] = c->pc;
	s->seq[s->n++] = ((uint64_t)c->nargs << 32) | (uint32_t)c->depth;
}

static void fz_close(void *arg, const struct kcovdf_call *c)
{
	struct fz_sink *s = arg;

	FZ_CHECK(s->nopen && s->open[s->nopen - 1] == c,
		 "a streamed call closes before the calls it holds");
	s->nopen--;
	/* Everything a printer reads at close: fields, string bytes, wide
	 * values, copied out of the chunk buffers (ASan checks). */
	fz_format_call(c, s->format, NULL, s->pid);
}

/* Stream the task's calls (from t) and compare them with the tree. */
static void check_stream(const struct kcovdf_trace *t,
			 const struct kcovdf_stream *df,
			 const struct kcovdf_stream *pc, int kernel,
			 struct kcovdf_sym *sym, const struct kcovdf_calls *tree,
			 int tree_rc)
{
	struct kcovdf_call_sink sink = { fz_open, fz_close, NULL };
	struct fz_sink s = { 0 };
	char err[300] = "";
	uint64_t unknown;
	size_t k = 0;
	int rc;

	sink.arg = &s;
	s.format = df && df->format == KCOVDF_FMT_DOC ? KCOVDF_FMT_DOC :
		   KCOVDF_FMT_VERSIONED;
	s.pid = df ? df->pid : pc->pid;
	rc = kcovdf_calls_stream(t, df, pc, kernel, sym, &sink, &unknown, err,
				 sizeof(err));
	FZ_CHECK(rc == tree_rc, "streaming says %d, the tree %d (%s)", rc,
		 tree_rc, err);
	FZ_CHECK(s.nopen == 0, "%zu streamed calls never closed", s.nopen);
	for (const struct kcovdf_call *c = tree->root; c;
	     c = kcovdf_call_next((struct kcovdf_call *)c), k += 2)
		FZ_CHECK(k + 1 < s.n && s.seq[k] == c->pc &&
			 s.seq[k + 1] == (((uint64_t)c->nargs << 32) |
					  (uint32_t)c->depth),
			 "streamed call %zu is not the tree's", k / 2);
	FZ_CHECK(k == s.n, "%zu calls streamed, the tree has %zu", s.n / 2,
		 k / 2);
	free(s.open);
	free(s.seq);
}

/* The input as a file, read chunk by chunk. */
static struct kcovdf_trace *open_as_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64], err[300];

	if (fd < 0)
		fd = memfd_create("kcovdf-fuzz-in", MFD_CLOEXEC);
	FZ_CHECK(fd >= 0, "memfd_create failed");
	FZ_CHECK(ftruncate(fd, 0) == 0 &&
		 pwrite(fd, data, size, 0) == (ssize_t)size,
		 "cannot write the memfd");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return kcovdf_trace_open(path, err, sizeof(err));
}

static const struct kcovdf_stream *same_stream(const struct kcovdf_trace *f,
					       const struct kcovdf_trace *t,
					       const struct kcovdf_stream *s)
{
	if (!s)
		return NULL;
	FZ_CHECK(f->nstreams == t->nstreams, "the file has %zu streams, the "
		 "bytes %zu", f->nstreams, t->nstreams);
	return &f->streams[s - t->streams];
}

/* Every task as the tools pair its streams: the tree, then the same
 * calls streamed from memory and from the file. */
static void check_tasks(const struct kcovdf_trace *t, const uint8_t *data,
			size_t size)
{
	const char *src = kcovdf_trace_meta(t, "source");
	int kernel = src && !strcmp(src, "kernel");
	struct kcovdf_trace names = *t;
	struct kcovdf_trace *f = open_as_file(data, size);
	struct kcovdf_sym *sym;

	FZ_CHECK(f, "a trace that parses does not open as a file");
	names.nmaps = 0;
	sym = kcovdf_sym_new(&names, NULL);
	FZ_CHECK(sym, "out of memory");
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *st = &t->streams[i], *pc = NULL;
		struct kcovdf_calls tree;
		char err[300];
		int rc;

		if (st->format == KCOVDF_FMT_KCOV_PCEXT)
			continue;
		for (size_t k = 0; st->format == KCOVDF_FMT_VERSIONED &&
				   k < t->nstreams; k++)
			if (t->streams[k].pid == st->pid &&
			    t->streams[k].tid == st->tid &&
			    t->streams[k].format == KCOVDF_FMT_KCOV_PCEXT &&
			    t->streams[k].kind == (st->kind ==
						   KCOVDF_STREAM_LOCAL ?
						   KCOVDF_STREAM_PCEXT :
						   KCOVDF_STREAM_REMOTE_PCEXT))
				pc = &t->streams[k];
		rc = pc ? kcovdf_calls_merge(st, pc, kernel, sym, &tree, NULL,
					     err, sizeof(err)) :
			  kcovdf_calls_build(st, sym, &tree, err, sizeof(err));
		check_stream(t, st, pc, kernel, sym, &tree, rc);
		check_stream(f, same_stream(f, t, st), same_stream(f, t, pc),
			     kernel, sym, &tree, rc);
		kcovdf_calls_free(&tree);
	}
	kcovdf_sym_free(sym);
	kcovdf_trace_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[300] = "";
	struct kcovdf_trace *t = kcovdf_trace_parse(data, size, err,
						    sizeof(err));

	if (!t) {
		FZ_CHECK(err[0], "trace rejected without a message");
		return 0;
	}
	check_trace(t, size);
	round_trip(t, 0);
	round_trip(t, 1);
	strings_json(t);
	/* As `kcovdf view` does: error names for kernel traces only. */
	{
		const char *src = kcovdf_trace_meta(t, "source");

		kcovdf_fmt_errno_names(test_fmt(), src && !strcmp(src, "kernel"));
	}
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *st = &t->streams[i];
		struct kcovdf_calls calls;
		struct fz_walk w;
		int wrc, rc;

		if (st->format != KCOVDF_FMT_DOC && st->format != KCOVDF_FMT_VERSIONED)
			continue;
		wrc = fz_walk_checked((int)st->format, st->words, st->nwords,
				      &w);
		err[0] = 0;
		rc = kcovdf_calls_build(st, NULL, &calls, err, sizeof(err));
		FZ_CHECK(rc == 0 || err[0], "call builder failed silently");
		fz_check_calls(st, &calls, rc, &w, wrc);
		for (struct kcovdf_call *c = calls.root; c;
		     c = kcovdf_call_next(c))
			fz_format_call(c, (int)st->format, NULL, st->pid);
		kcovdf_calls_free(&calls);
	}
	for (size_t i = 0; i < t->nstreams; i++)
		if (t->streams[i].format == KCOVDF_FMT_KCOV_PCEXT)
			check_merge(t, &t->streams[i]);
	check_tasks(t, data, size);
	kcovdf_trace_free(t);
	kcovdf_val_reset(test_fmt());
	return 0;
}
