// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the fuzz harnesses with the library's own
 * writer (through tests/lib/trace_writer.h): gen_corpus DIR makes
 * DIR/fuzz_trace/seed-*.kcovdf (trace files with DOC and versioned
 * (revision 2) streams, META, MAP, LOSS, SYMS and unknown chunks, PC_EXT
 * streams with DEPTH and unknown words next to dataflow streams with
 * remote sections) and DIR/fuzz_records/seed-*.bin (control word + record
 * words, see fuzz_records.c). The outputs are committed in
 * tests/fuzz/corpus/; regenerate them with tests/fuzz/gen_corpus.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kcovdf/kcovdf.h"
#include "../lib/trace_writer.h"

#define V2(kind, flags, idx, nextra, size) \
	KCOV_DF_V2_HDR(kind, flags, idx, nextra, size)
#define ARG KCOV_DF_KIND_ARG
#define RET KCOV_DF_KIND_RET
#define LOST KCOV_DF_KIND_LOST
#define F_FIRST KCOV_DF_F_FIRST
#define DOC_E(n, seq) KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_ENTRY, n, seq)
#define DOC_R(n, seq) KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_RET, n, seq)
#define NW(a) (sizeof(a) / sizeof((a)[0]))

static const char *outdir;

static void die(const char *what)
{
	fprintf(stderr, "gen_corpus: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* DIR/sub/name, made the writer's fd (tests/lib/trace_writer.h). */
static void create_in(const char *sub, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", outdir, sub);
	if (mkdir(path, 0755) && errno != EEXIST)
		die(path);
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, sub, name);
	create(path);
}

static void map(uint32_t pid, uint32_t kind, uint64_t start, uint64_t end,
		uint64_t bias, const char *path, int idlen)
{
	struct kcovdf_map m = {
		.pid = pid, .kind = kind, .start = start, .end = end,
		.bias = bias, .build_id_len = (uint32_t)idlen,
		.path_len = (uint32_t)strlen(path),
	};

	for (int i = 0; i < idlen; i++)
		m.build_id[i] = (uint8_t)(0x11 * (i + 1));
	chk(kcovdf_write_chunk(fd, KCOVDF_CHUNK_MAP, 0, &m, sizeof(m), path,
			       m.path_len), "map");
}

static void loss(uint32_t pid, uint32_t tid, uint64_t dropped)
{
	struct kcovdf_loss l = {
		.pid = pid, .tid = tid, .records = 100, .dropped = dropped,
		.truncated = 1, .skipped = 2,
	};

	chk(kcovdf_write_chunk(fd, KCOVDF_CHUNK_LOSS, 0, &l, sizeof(l), NULL,
			       0), "loss");
}

static void trace_v2_nested(void)
{
	const char *kv[] = { "source=user", "pid=10", "argv=./prog -x" };
	/* f(7, p={a=1, b=2, <fault>}) { g() {} ; h(ERR_PTR(-ENOMEM)) } */
	uint64_t c0[] = {
		V2(ARG, F_FIRST | KCOV_DF_F_SIGNED, 0, 0, 4), 0x401000, 7,
		V2(ARG, KCOV_DF_F_FIELDS | KCOV_DF_F_FAULT, 1, 5, 8), 0x401000,
		0x7ffd0000, 0x1234abcd5678ef90ULL, 0x4, 1, 2, KCOV_DF_BAD_READ,
		V2(ARG, F_FIRST | KCOV_DF_F_NOARGS, 0xff, 0, 0), 0x401100, 0,
		V2(RET, KCOV_DF_F_VOID, 0xff, 0, 0), 0x401100, 0,
		V2(ARG, F_FIRST | KCOV_DF_F_FIELDS | KCOV_DF_F_ERRPTR, 0, 1, 8),
		0x401200, (uint64_t)-12, 0x1234abcd5678ef90ULL,
	};
	/* = -22, then 5 records lost, then k() returns without an entry */
	uint64_t c1[] = {
		V2(RET, KCOV_DF_F_SIGNED, 0xff, 0, 4), 0x401000, (uint64_t)-22,
		V2(LOST, 0, 0xff, 0, 0), 0, 5,
		V2(RET, 0, 0xff, 0, 8), 0x401300, 0xffffffffffffffffULL,
	};
	const uint64_t a[] = { 0x401000, 0x401100, 0x401200, 0x401300 };
	const char *n[] = { "f", "g", "h", "k" };

	create_in("fuzz_trace", "seed-v2-nested.kcovdf");
	chk(kcovdf_write_file_hdr(fd), "header");
	chk(kcovdf_write_meta(fd, kv, NW(kv)), "meta");
	map(10, KCOVDF_MAP_ELF, 0x400000, 0x402000, 0, "/usr/bin/prog", 20);
	stream(10, 10, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_VERSIONED, "prog", c0,
	       NW(c0));
	stream_seq(10, 10, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_VERSIONED, 1, "prog",
		   c1, NW(c1));
	loss(10, 10, 5);
	syms(n, a, NW(a));
	close(fd);
}

static void trace_doc(void)
{
	const char *kv[] = { "source=kernel", "kernel=6.12.0", "format=doc" };
	uint64_t w[] = {
		DOC_E(1, 1), 0xffffffff81234560ULL,
		KCOV_DF_DOC_META(0, 4, 3), 3,
		DOC_E(3, 2), 0xffffffff81234560ULL,
		KCOV_DF_DOC_META(1, 24, 0xffff888012345678ULL), 11,
		KCOV_DF_BAD_READ, 0xE0000000ULL,
		DOC_R(1, 3), 0xffffffff81234560ULL,
		KCOV_DF_DOC_META(0, 4, 0xffffffffffeaULL), (uint64_t)-22,
		DOC_R(0, 5), 0xffffffffc0001000ULL, KCOV_DF_DOC_META(0, 8, 0), 0,
		DOC_E(15, 6), 0xffffffffc0001000ULL,
		KCOV_DF_DOC_META(0, 255, 0xffffc90000001000ULL),
		1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	};
	const uint64_t a[] = { 0xffffffff81234560ULL, 0xffffffffc0001000ULL };
	const char *n[] = { "do_sys_open", "ext4_lookup" };

	create_in("fuzz_trace", "seed-doc-kernel.kcovdf");
	chk(kcovdf_write_file_hdr(fd), "header");
	chk(kcovdf_write_meta(fd, kv, NW(kv)), "meta");
	map(0, KCOVDF_MAP_VMLINUX, 0xffffffff81000000ULL,
	    0xffffffff83000000ULL, 0x1a000000, "/boot/vmlinux-6.12", 20);
	map(0, KCOVDF_MAP_MODULE, 0xffffffffc0000000ULL,
	    0xffffffffc0010000ULL, 0, "ext4", 0);
	stream(200, 201, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_DOC, "cat", w, NW(w));
	syms(n, a, NW(a));
	loss(200, 201, 0);
	close(fd);
}

static void trace_multi(void)
{
	uint64_t local[] = {
		V2(ARG, F_FIRST, 0, 0, 8), 0x1000, 1,
		V2(RET, 0, 0xff, 0, 8), 0x1000, 2,
	};
	uint64_t remote[] = {
		V2(ARG, F_FIRST | KCOV_DF_F_REMOTE, 0, 0, 2), 0x2000, 0xffff,
	};
	uint64_t doc[] = {
		DOC_E(1, 0), 0x3000, KCOV_DF_DOC_META(0, 1, 'A'), 'A',
		DOC_E(1, 1), 0x3000, KCOV_DF_DOC_META(1, 1, 'B'), 'B',
		DOC_E(1, 3), 0x3000, KCOV_DF_DOC_META(0, 1, 'C'), 'C',
	};
	uint64_t pcext[] = { 0xffffffff81000010ULL, 0xffffffff81000020ULL };
	uint64_t unknown[2] = { 0x42, 0x43 };

	create_in("fuzz_trace", "seed-multi.kcovdf");
	chk(kcovdf_write_file_hdr(fd), "header");
	chk(kcovdf_write_meta(fd, NULL, 0), "meta");
	stream(20, 20, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_VERSIONED, "multi",
	       local, NW(local));
	stream(20, 20, KCOVDF_STREAM_REMOTE, KCOVDF_FMT_VERSIONED, "kworker",
	       remote, NW(remote));
	chk(kcovdf_write_chunk(fd, 77, 0, unknown, 13, NULL, 0), "unknown chunk");
	stream(20, 21, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_DOC, "0123456789abcdef",
	       doc, NW(doc));
	stream(20, 22, KCOVDF_STREAM_PCEXT, KCOVDF_FMT_KCOV_PCEXT, "pcext",
	       pcext, NW(pcext));
	stream(20, 23, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_VERSIONED, "empty",
	       NULL, 0);
	close(fd);
}

static void trace_fields(void)
{
	uint64_t w[3 + 3 + 64 + 60];
	size_t n = 0;

	/* A call with a 64-field object, a NULL, a by-value struct, an
	 * optimized-out parameter and a truncated object; returns a struct. */
	w[n++] = V2(ARG, F_FIRST | KCOV_DF_F_FIELDS | KCOV_DF_F_TRUNC, 0, 65, 8);
	w[n++] = 0x5000;
	w[n++] = 0x7fff00001000ULL;
	w[n++] = 0xfeedfacecafebeefULL;
	for (int i = 0; i < 64; i++)
		w[n++] = (uint64_t)i * 0x0101010101010101ULL;
	w[n++] = V2(ARG, KCOV_DF_F_FIELDS | KCOV_DF_F_NULL, 1, 1, 8);
	w[n++] = 0x5000;
	w[n++] = 0;
	w[n++] = 0xfeedfacecafebeefULL;
	w[n++] = V2(ARG, KCOV_DF_F_FIELDS | KCOV_DF_F_BYVAL, 2, 3, 16);
	w[n++] = 0x5000;
	w[n++] = 0x7fff00002000ULL;
	w[n++] = 0x0123456789abcdefULL;
	w[n++] = 0x3ff0000000000000ULL;	/* 1.0 */
	w[n++] = 0x7ff8000000000000ULL;	/* NaN */
	w[n++] = V2(ARG, KCOV_DF_F_OPTOUT, 3, 0, 4);
	w[n++] = 0x5000;
	w[n++] = 0;
	w[n++] = V2(ARG, KCOV_DF_F_SIGNED, 4, 0, 1);
	w[n++] = 0x5000;
	w[n++] = (uint64_t)-1;
	w[n++] = V2(RET, KCOV_DF_F_FIELDS | KCOV_DF_F_BYVAL |
		    KCOV_DF_F_FAULT, 0xff, 4, 24);
	w[n++] = 0x5000;
	w[n++] = 0x7fff00003000ULL;
	w[n++] = 0x0123456789abcdefULL;
	w[n++] = 2;
	w[n++] = 1;
	w[n++] = KCOV_DF_BAD_READ;

	create_in("fuzz_trace", "seed-v2-fields.kcovdf");
	chk(kcovdf_write_file_hdr(fd), "header");
	stream(30, 31, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_VERSIONED, "fields", w,
	       n);
	close(fd);
}

static void trace_flat(void)
{
	const char *kv[] = { "source=user", "mode=args" };
	uint64_t w[] = {
		V2(ARG, F_FIRST, 0, 0, 4), 0x6000, 1,
		V2(ARG, 0, 1, 0, 4), 0x6000, 2,
		V2(ARG, F_FIRST | KCOV_DF_F_NOARGS, 0xff, 0, 0), 0x6100, 0,
		V2(ARG, 0, 1, 0, 4), 0x6000, 3,	/* after a loss: no FIRST */
		V2(LOST, 0, 0xff, 0, 0), 0, 1000,
	};

	create_in("fuzz_trace", "seed-v2-args-only.kcovdf");
	chk(kcovdf_write_file_hdr(fd), "header");
	chk(kcovdf_write_meta(fd, kv, NW(kv)), "meta");
	stream(40, 40, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_VERSIONED, "flat", w,
	       NW(w));
	close(fd);
}

/* PC_EXT words next to the dataflow records of the same tasks: the merged
 * call tree (kcovdf_calls_merge), DEPTH words, unknown word types, remote
 * sections with their REMOTE_PCEXT words, a SECTION without its end. */
#define PCW(a, t) (((a) & KCOV_RECORD_IP_MASK) | (t))
#define PE(a) PCW(a, KCOV_RECORDFLAG_TYPE_ENTRY)
#define PX(a) PCW(a, KCOV_RECORDFLAG_TYPE_EXIT)
#define PN(a) PCW(a, KCOV_RECORDFLAG_TYPE_NORMAL)
/* The depth record: lowest depth (bits 55-28) and net change (27-0); PD1
 * the net change alone, type 2, as older kernels of the series wrote it. */
#define PD(m, d) (KCOV_RECORDFLAG_TYPE_DEPTH | \
		  (((uint64_t)(int64_t)(m) & 0xfffffffULL) << 28) | \
		  ((uint64_t)(int64_t)(d) & 0xfffffffULL))
#define PD1(d) (KCOVDF_PCEXT_TYPE_DEPTH_NET | \
		((uint64_t)(int64_t)(d) & KCOV_RECORD_IP_MASK))
#define SECT KCOV_DF_KIND_SECTION

static void trace_pcext_merge(void)
{
	const char *kv[] = { "source=kernel", "record.pcext=1" };
	const uint64_t f = 0xffffffff81001000ULL, g = 0xffffffff81002000ULL;
	const uint64_t h = 0xffffffff81003000ULL;
	uint64_t df[] = {
		V2(ARG, F_FIRST | KCOV_DF_F_SIGNED, 0, 0, 4), f, 3,
		V2(ARG, F_FIRST, 0, 0, 8), h, 123,
		V2(RET, 0, 0xff, 0, 8), h, 123,
		V2(LOST, 0, 0xff, 0, 0), 0, 2,
		V2(RET, KCOV_DF_F_SIGNED, 0xff, 0, 4), f, 0,
	};
	uint64_t pc[] = {
		PE(f + 0x10), PN(f + 0x20), PE(g + 0x10), PE(h + 0x10),
		PX(h + 0x80), PD(-1, -1), PD(0, 2), PD(-1, 0), PD1(-1), PD1(2),
		PX(g + 0x80),
		PCW(f + 0x30, 0x5000000000000000ULL), PX(f + 0x80),
		PX(h + 0x80), PD1(-(1LL << 55)), PD1((1LL << 55) - 1),
		PD(-(1LL << 27), (1LL << 27) - 1), PD(1, 0),
	};
	uint64_t rdf[] = {
		V2(SECT, F_FIRST | KCOV_DF_F_REMOTE, 0xff, 1, 8), 0, 0x42, 77,
		V2(ARG, F_FIRST | KCOV_DF_F_REMOTE, 0, 0, 8), h, 1,
		V2(RET, KCOV_DF_F_REMOTE, 0xff, 0, 8), h, 1,
		V2(SECT, KCOV_DF_F_VOID | KCOV_DF_F_REMOTE, 0xff, 1, 8), 0,
		0x42, 77,
		V2(SECT, F_FIRST | KCOV_DF_F_REMOTE, 0xff, 1, 8), 0, 0x43, 78,
		V2(ARG, F_FIRST | KCOV_DF_F_REMOTE, 0, 0, 8), g, 2,
	};
	uint64_t rpc[] = { PE(h + 0x10), PE(g + 0x10), PX(g + 0x80),
			   PX(h + 0x80), PE(g + 0x10) };
	const uint64_t a[] = { f, g, h };
	const char *n[] = { "f", "g", "h" };

	create_in("fuzz_trace", "seed-pcext-merge.kcovdf");
	chk(kcovdf_write_file_hdr(fd), "header");
	chk(kcovdf_write_meta(fd, kv, NW(kv)), "meta");
	syms(n, a, NW(a));
	stream(50, 50, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_VERSIONED, "cat", df,
	       NW(df));
	stream(50, 50, KCOVDF_STREAM_PCEXT, KCOVDF_FMT_KCOV_PCEXT, "cat", pc,
	       NW(pc));
	stream(50, 50, KCOVDF_STREAM_REMOTE, KCOVDF_FMT_VERSIONED, "cat", rdf,
	       NW(rdf));
	stream(50, 50, KCOVDF_STREAM_REMOTE_PCEXT, KCOVDF_FMT_KCOV_PCEXT, "cat",
	       rpc, NW(rpc));
	stream(51, 51, KCOVDF_STREAM_PCEXT, KCOVDF_FMT_KCOV_PCEXT, "alone", pc,
	       NW(pc));
	close(fd);
}

/* Packed chunks (STREAM_PACKED) of a dataflow stream with struct
 * records and of its PC_EXT stream, split over several chunks, then the
 * same truncated inside the last chunk. */
static void trace_packed(const char *name, int cut)
{
	const char *kv[] = { "source=kernel", "record.pcext=1" };
	const uint64_t f = 0xffffffff81001000ULL, g = 0xffffffff81002000ULL;
	struct kcovdf_stream_hdr h = { .pid = 60, .tid = 60,
				       .format = KCOVDF_FMT_VERSIONED };
	uint64_t df[13 * 12], pc[4 * 12];
	const uint64_t a[] = { f, g };
	const char *n[] = { "f", "g" };
	size_t k = 0;

	for (int i = 0; i < 12; i++) {
		df[k++] = V2(ARG, F_FIRST | KCOV_DF_F_FIELDS, 0, 4, 8);
		df[k++] = f;
		df[k++] = 0xffff888000001000ULL;
		df[k++] = 0x1234;
		df[k++] = 1;
		df[k++] = (uint64_t)i;
		df[k++] = 3;
		df[k++] = V2(ARG, F_FIRST, 0, 0, 4);
		df[k++] = g;
		df[k++] = (uint64_t)i * 2;
		df[k++] = V2(RET, 0, 0xff, 0, 4);
		df[k++] = g;
		df[k++] = 0;
	}
	for (int i = 0; i < 12; i++) {
		pc[4 * i] = PE(f + 0x10);
		pc[4 * i + 1] = PE(g + 0x10);
		pc[4 * i + 2] = PX(g + 0x80);
		pc[4 * i + 3] = PX(f + 0x80);
	}
	create_in("fuzz_trace", name);
	chk(kcovdf_write_file_hdr(fd), "header");
	chk(kcovdf_write_meta(fd, kv, NW(kv)), "meta");
	syms(n, a, NW(a));
	chk(kcovdf_write_stream(fd, &h, df, 10 * 12, 1), "stream");
	h.seq = 1;
	chk(kcovdf_write_stream(fd, &h, df + 10 * 12, 3 * 12, 1), "stream");
	h.kind = KCOVDF_STREAM_PCEXT;
	h.format = KCOVDF_FMT_KCOV_PCEXT;
	h.seq = 0;
	chk(kcovdf_write_stream(fd, &h, pc, NW(pc), 1), "stream");
	if (cut)
		chk(ftruncate(fd, lseek(fd, 0, SEEK_CUR) - 9), "ftruncate");
	close(fd);
}

static void trace_header_only(void)
{
	create_in("fuzz_trace", "seed-header-only.kcovdf");
	chk(kcovdf_write_file_hdr(fd), "header");
	close(fd);
}

/* ---- fuzz_records: control word, then words ---- */

/* Type numbers of fuzz_records.c's synthetic types. */
enum { T_INT = 0, T_ULONG = 1, T_CHAR = 2, T_BOOL = 3, T_FLOAT = 4,
       T_DOUBLE = 5, T_ENUM = 6, T_UENUM = 7, T_PTR_S = 8, T_STRUCT_S = 9,
       T_UNION_U = 10, T_LONG = 11, T_VOIDP = 12, T_SHORT = 13,
       T_ARRAY = 14, T_ODDNAME = 15, T_CHARARR = 16, T_U16ARR = 17,
       T_USHORT = 18, T_VOID = 19, T_UNKNOWN = 20, T_LDOUBLE = 21,
       T_I128 = 22, T_U128 = 23, T_F128 = 24, T_V4SI = 25, T_CDOUBLE = 26,
       T_CFLOAT = 27, T_HALF = 28, T_CHARP = 29, T_BITINT = 30 };

/* A seed of fuzz_records: its file, the control word's fields (v2 format,
 * typed, errno names, the parameters' and the return's types) and the
 * words after it. */
struct rec_seed {
	const char *name;
	int v2, typed, errnames, nparams, ret;
	const int *ptypes;
	const uint64_t *w;
	size_t n;
};

static void records(const struct rec_seed *s)
{
	uint8_t ctl[8] = { 0 };

	ctl[0] = (uint8_t)((s->v2 ? 1 : 0) | (s->typed ? 2 : 0) |
			   (s->errnames ? 4 : 0));
	ctl[1] = (uint8_t)(s->nparams | (s->ret << 3));
	for (int i = 0; i < s->nparams && i < 6; i++)
		ctl[2 + i] = (uint8_t)s->ptypes[i];
	create_in("fuzz_records", s->name);
	if (write(fd, ctl, 8) != 8 ||
	    write(fd, s->w, s->n * 8) != (ssize_t)(s->n * 8))
		die(s->name);
	close(fd);
}

static void records_seeds(void)
{
	uint64_t doc[] = {
		DOC_E(1, 1), 0xffffffff81000000ULL, KCOV_DF_DOC_META(0, 4, 5), 5,
		DOC_E(3, 2), 0xffffffff81000000ULL,
		KCOV_DF_DOC_META(1, 8, 0xffff888000001000ULL), (uint64_t)-1,
		KCOV_DF_BAD_READ, 0x40490fdb,
		DOC_E(1, 3), 0xffffffff81000000ULL, KCOV_DF_DOC_META(2, 4, 1), 1,
		DOC_R(1, 4), 0xffffffff81000000ULL,
		KCOV_DF_DOC_META(0, 4, 0xfffffffffff4ULL), (uint64_t)-12,
	};
	uint64_t v2[] = {
		V2(ARG, F_FIRST | KCOV_DF_F_SIGNED, 0, 0, 4), 0x1000,
		(uint64_t)-5,
		V2(ARG, KCOV_DF_F_FIELDS | KCOV_DF_F_FAULT | KCOV_DF_F_TRUNC, 1,
		   6, 8), 0x1000, 0x7fff1000, 0xabcdef, 0x2, (uint64_t)-3,
		KCOV_DF_BAD_READ, 0x1f, 0x4048f5c3,
		V2(ARG, KCOV_DF_F_FIELDS | KCOV_DF_F_BYVAL, 2, 3, 8), 0x1000,
		0x7fff2000, 0x1234, 0x3ff8000000000000ULL, 7,
		V2(ARG, F_FIRST | KCOV_DF_F_NOARGS, 0xff, 0, 0), 0x2000, 0,
		V2(RET, KCOV_DF_F_VOID, 0xff, 0, 0), 0x2000, 0,
		V2(RET, KCOV_DF_F_SIGNED, 0xff, 0, 4), 0x1000,
		(uint64_t)-2,
		V2(LOST, 0, 0xff, 0, 0), 0, 3,
		V2(RET, KCOV_DF_F_FIELDS | KCOV_DF_F_ERRPTR, 0xff, 1, 8),
		0x3000, (uint64_t)-4095, 0xabcdef,
		V2(RET, KCOV_DF_F_FIELDS | KCOV_DF_F_NULL, 0xff, 1, 8),
		0x3000, 0, 0xabcdef,
		/* strings: "hello\n\"x", cut after 9 bytes, faulted, NULL */
		V2(ARG, F_FIRST | KCOV_DF_F_STRING, 3, 2, 8), 0x4000,
		0x7fff3000, 8, 0x78220a6f6c6c6568ULL,
		V2(ARG, KCOV_DF_F_STRING | KCOV_DF_F_TRUNC, 0, 3, 8), 0x4000,
		0x7fff3100, 9, 0x6867666564636261ULL, 0xff,
		V2(ARG, KCOV_DF_F_STRING | KCOV_DF_F_FAULT, 1, 2, 8), 0x4000,
		0x7fff3200, 2, 0x4241,
		V2(ARG, KCOV_DF_F_STRING | KCOV_DF_F_NULL, 2, 0, 8), 0x4000, 0,
		/* wide: __int128 -2, long double 3.0, 80 bytes cut to 72 */
		V2(ARG, KCOV_DF_F_WIDE | KCOV_DF_F_SIGNED, 3, 1, 16), 0x4000,
		(uint64_t)-2, (uint64_t)-1,
		V2(ARG, KCOV_DF_F_WIDE, 4, 1, 16), 0x4000,
		0xc000000000000000ULL, 0x4000,
		V2(ARG, KCOV_DF_F_WIDE | KCOV_DF_F_TRUNC, 5, 8, 80), 0x4000,
		1, 2, 3, 4, 5, 6, 7, 8, 9,
		V2(RET, KCOV_DF_F_WIDE | KCOV_DF_F_FAULT, 0xff, 0, 16), 0x4000,
		KCOV_DF_BAD_READ,
		/* a pointer the callee does not read */
		V2(ARG, F_FIRST | KCOV_DF_F_NOTREAD, 0, 0, 8), 0x5000,
		0x7fff5000,
	};
	uint64_t sect[] = {
		V2(SECT, F_FIRST | KCOV_DF_F_REMOTE, 0xff, 1, 8), 0, 0x42, 77,
		V2(ARG, F_FIRST | KCOV_DF_F_REMOTE, 0, 0, 8), 0x1000, 5,
		V2(SECT, F_FIRST, 0xff, 1, 8), 0, 0x43, 78,
		V2(RET, KCOV_DF_F_REMOTE, 0xff, 0, 8), 0x1000, 6,
		V2(SECT, KCOV_DF_F_VOID, 0xff, 1, 8), 0, 0x43, 78,
		V2(SECT, KCOV_DF_F_VOID | KCOV_DF_F_REMOTE, 0xff, 1, 8), 0,
		0x42, 77,
		V2(SECT, KCOV_DF_F_VOID, 0xff, 1, 8), 0, 0x99, 1,
	};
	const int doc_types[] = { T_INT, T_PTR_S, T_ENUM };
	const int v2_types[] = { T_LONG, T_PTR_S, T_STRUCT_S, T_CHAR, T_BOOL,
				 T_ODDNAME };
	const int v2_types2[] = { T_FLOAT, T_UNION_U, T_UNION_U, T_UENUM,
				  T_ARRAY, T_VOIDP | 0x80 };
	const int v2_types3[] = { T_CHARARR, T_U16ARR, T_ARRAY };
	const int v2_types4[] = { T_CHARP, T_CHARP, T_CHARP, T_I128,
				  T_LDOUBLE, T_BITINT };
	const int v2_types5[] = { T_V4SI, T_CHARP, T_HALF, T_U128, T_F128,
				  T_CFLOAT };

	const struct rec_seed seeds[] = {
		{ "seed-doc.bin", 0, 0, 0, 0, 0, NULL, doc, NW(doc) },
		{ "seed-doc-typed.bin", 0, 1, 1, 3, T_INT, doc_types, doc, NW(doc) },
		{ "seed-v2.bin", 1, 0, 0, 0, 0, NULL, v2, NW(v2) },
		{ "seed-v2-typed.bin", 1, 1, 1, 6, T_LONG, v2_types, v2, NW(v2) },
		{ "seed-v2-typed2.bin", 1, 1, 0, 6, T_DOUBLE, v2_types2, v2, NW(v2) },
		{ "seed-v2-arrays.bin", 1, 1, 0, 3, T_U16ARR, v2_types3, v2, NW(v2) },
		{ "seed-v2-wide.bin", 1, 1, 0, 6, T_F128, v2_types4, v2, NW(v2) },
		{ "seed-v2-wide2.bin", 1, 1, 0, 6, T_CDOUBLE, v2_types5, v2, NW(v2) },
		{ "seed-v2-section.bin", 1, 1, 0, 1, T_LONG, v2_types, sect, NW(sect) },
	};

	for (size_t i = 0; i < NW(seeds); i++)
		records(&seeds[i]);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: gen_corpus DIR\n", stderr);
		return 2;
	}
	outdir = argv[1];
	trace_v2_nested();
	trace_doc();
	trace_multi();
	trace_fields();
	trace_flat();
	trace_header_only();
	trace_pcext_merge();
	trace_packed("seed-packed.kcovdf", 0);
	trace_packed("seed-packed-cut.kcovdf", 1);
	records_seeds();
	return 0;
}
