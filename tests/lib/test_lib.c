// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of libkcovdf: the record decoder (both formats, every error
 * path), the trace file reader (truncation at every byte, hostile headers),
 * and the call-tree builder. Built with ASan/UBSan by tests/suites/05-lib.sh.
 * TAP output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "kcovdf/kcovdf.h"
#include "test_fmt.h"
#include "tap.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(__SANITIZE_ADDRESS__)
#define __SANITIZE_ADDRESS__ 1
#endif
#endif

/* Under ASan, an allocation it cannot make returns NULL (as malloc does)
 * instead of ending the test, and one above 16 GiB is one it cannot make
 * (test_fmt_oom()). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1:max_allocation_size_mb=16384";
}


#define V2(kind, flags, idx, nextra, size) \
	KCOV_DF_V2_HDR(kind, flags, idx, nextra, size)

static void test_v2(void)
{
	uint64_t w[16];
	struct kcovdf_rec r;
	char err[200];
	int n;

	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIRST | KCOV_DF_F_SIGNED, 2, 0, 4);
	w[1] = 0x401000;
	w[2] = (uint64_t)-5;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, err, sizeof(err));
	ok(n == 3 && r.kind == KCOVDF_REC_ARG && r.argidx == 2 &&
	   r.size == 4 && r.pc == 0x401000 && r.value == (uint64_t)-5 &&
	   (r.flags & KCOV_DF_F_FIRST) && r.nfields == 0,
	   "v2 scalar argument");

	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIELDS | KCOV_DF_F_FAULT, 0, 5, 8);
	w[2] = 0x1000;
	w[3] = 0x1234567890abcdefULL;
	w[4] = 0x4;
	w[5] = 7;
	w[6] = 8;
	w[7] = KCOV_DF_BAD_READ;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 8, &r, err, sizeof(err));
	ok(n == 8 && r.nfields == 3 && r.type_id == 0x1234567890abcdefULL &&
	   r.unreadable == 4 && r.fields[0] == 7 && r.fields[2] == KCOV_DF_BAD_READ,
	   "v2 fields with a fault bitmap");

	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 7, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "past the end"), "v2 record longer than the words left");

	w[4] = 0x10;	/* names field 4 of 3 */
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 8, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "bitmap"), "v2 bitmap naming absent fields");

	w[0] = V2(KCOV_DF_KIND_RET, KCOV_DF_F_FIELDS | KCOV_DF_F_NULL, 0xff, 1, 8);
	w[2] = 0;
	w[3] = 1;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 4, &r, err, sizeof(err));
	ok(n == 4 && r.kind == KCOVDF_REC_RET && r.nfields == 0 &&
	   (r.flags & KCOV_DF_F_NULL), "v2 NULL object");

	w[0] = V2(KCOV_DF_KIND_RET, KCOV_DF_F_FIELDS | KCOV_DF_F_NULL, 0xff, 2, 8);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 5, &r, err, sizeof(err));
	ok(n < 0, "v2 NULL object carrying field words is rejected");

	w[0] = 0xE1000000ULL;	/* a DOC header in a versioned stream */
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 8, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "tag"), "v2 rejects a word without the tag");

	w[0] = V2(9, 0, 0, 0, 0);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 8, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "kind"), "v2 rejects an unknown kind");

	w[0] = V2(KCOV_DF_KIND_ARG, 0, 0, 3, 4);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 8, &r, err, sizeof(err));
	ok(n < 0, "v2 extra words without FIELDS are rejected");

	w[0] = V2(KCOV_DF_KIND_LOST, 0, 0xff, 0, 0);
	w[1] = 0;
	w[2] = 42;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, err, sizeof(err));
	ok(n == 3 && r.kind == KCOVDF_REC_LOST && r.value == 42, "v2 LOST marker");

	/* A field value that looks like a header must not confuse a walk. */
	{
		uint64_t s[] = {
			V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIELDS, 0, 3, 8), 0x10, 0x20,
			0x99, V2(KCOV_DF_KIND_ARG, 0, 0, 0, 8), 0xE0000000ULL,
			V2(KCOV_DF_KIND_RET, 0, 0xff, 0, 4), 0x10, 0,
		};
		n = kcovdf_walk(KCOVDF_FMT_VERSIONED, s, 9, NULL, NULL, err, sizeof(err));
		ok(n == 0, "v2 walk: field values that look like headers are data");
	}
}

/* Revision 1 records (tag 0xD1, old trace files) still decode, by tag. */
static void test_rev1(void)
{
	uint64_t w[8], w2[8];
	struct kcovdf_rec r, r2;
	char err[200];
	int n, n2;

	w[0] = KCOVDF_R1_HDR(KCOV_DF_KIND_ARG, KCOV_DF_F_FIELDS |
			     KCOV_DF_F_FAULT | KCOV_DF_F_SIGNED, 3, 4, 8);
	w[1] = 0x401000;
	w[2] = 0x7fff0000;
	w[3] = 0xabcdef;
	w[4] = 0x1;
	w[5] = KCOV_DF_BAD_READ;
	w[6] = 9;
	memcpy(w2, w, sizeof(w));
	w2[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIELDS | KCOV_DF_F_FAULT |
		   KCOV_DF_F_SIGNED, 3, 4, 8);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 7, &r, err, sizeof(err));
	n2 = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w2, 7, &r2, err,
			       sizeof(err));
	ok(n == 7 && n2 == 7 && r.rev == 1 && r2.rev == 2 &&
	   r.kind == r2.kind && r.flags == r2.flags && r.argidx == 3 &&
	   r2.argidx == 3 && r.size == 8 && r.type_id == 0xabcdef &&
	   r.unreadable == 1 && r.nfields == 2 && r.fields[1] == 9,
	   "revision 1 record decodes like the same revision 2 record");

	/* The same header bits read with the wrong revision's layout give
	 * another record: the tag decides. */
	w[0] = KCOVDF_R1_HDR(KCOV_DF_KIND_RET, KCOV_DF_F_VOID, 0xff, 0, 0);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, err, sizeof(err));
	ok(n == 3 && r.rev == 1 && r.flags == KCOV_DF_F_VOID &&
	   r.argidx == 0xff, "revision 1 void return");

	w[0] = (w[0] & ~(0xffULL << 56)) | (0xD3ULL << 56);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "tag 0xd3"), "unknown revision tag 0xD3 is rejected");
}

/* Revision 2's STRING, WIDE and NOTREAD records. */
static void test_v2_content(void)
{
	uint64_t w[32];
	struct kcovdf_rec r;
	char err[200];
	int n;

	memset(w, 0, sizeof(w));
	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_STRING, 1, 3, 8);
	w[1] = 0x401000;
	w[2] = 0x7fff1000;
	w[3] = 9;
	w[4] = 0x6867666564636261ULL;
	w[5] = 0x69;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 6, &r, err, sizeof(err));
	ok(n == 6 && r.str == &w[4] && r.str_len == 9 && r.nfields == 0,
	   "v2 string of 9 bytes");
	w[3] = 8;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 6, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "extra words"),
	   "v2 string length disagreeing with its words is rejected");
	w[3] = 129;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 6, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "max 128"), "v2 string longer than 128 is rejected");
	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_STRING | KCOV_DF_F_FAULT, 1, 1, 8);
	w[3] = 0;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 4, &r, err, sizeof(err));
	ok(n == 4 && r.str_len == 0 && (r.flags & KCOV_DF_F_FAULT),
	   "v2 string unreadable from its first byte");
	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_STRING | KCOV_DF_F_FAULT |
		  KCOV_DF_F_TRUNC, 1, 1, 8);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 4, &r, err, sizeof(err));
	ok(n < 0, "v2 string with FAULT and TRUNC is rejected");
	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_STRING | KCOV_DF_F_NULL, 1, 0, 8);
	w[2] = 0;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, err, sizeof(err));
	ok(n == 3 && (r.flags & KCOV_DF_F_NULL) && !r.str,
	   "v2 NULL string: no extra words");
	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_STRING | KCOV_DF_F_FIELDS, 1, 1,
		  8);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 4, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "exclude"), "v2 STRING with FIELDS is rejected");

	w[0] = V2(KCOV_DF_KIND_RET, KCOV_DF_F_WIDE | KCOV_DF_F_SIGNED, 0xff, 1,
		  16);
	w[2] = (uint64_t)-2;
	w[3] = (uint64_t)-1;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 4, &r, err, sizeof(err));
	ok(n == 4 && r.wide == &w[2] && r.wide_words == 2, "v2 wide value");
	w[0] = V2(KCOV_DF_KIND_RET, KCOV_DF_F_WIDE, 0xff, 0, 16);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, err, sizeof(err));
	ok(n < 0, "v2 wide value missing its extra word is rejected");
	w[0] = V2(KCOV_DF_KIND_RET, KCOV_DF_F_WIDE | KCOV_DF_F_TRUNC, 0xff, 8,
		  100);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 11, &r, err,
			      sizeof(err));
	ok(n == 11 && r.wide_words == 9, "v2 wide value of 100 bytes: 72 kept");
	w[0] = V2(KCOV_DF_KIND_RET, KCOV_DF_F_WIDE, 0xff, 8, 100);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 11, &r, err,
			      sizeof(err));
	ok(n < 0, "v2 wide value cut without TRUNC is rejected");
	w[0] = V2(KCOV_DF_KIND_RET, KCOV_DF_F_WIDE | KCOV_DF_F_FAULT, 0xff, 0,
		  16);
	w[2] = KCOV_DF_BAD_READ;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, err, sizeof(err));
	ok(n == 3 && !r.wide, "v2 unreadable wide value");

	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_NOTREAD, 0, 0, 8);
	w[2] = 0x7fff2000;
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, err, sizeof(err));
	ok(n == 3 && (r.flags & KCOV_DF_F_NOTREAD), "v2 pointer not read");
	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_NOTREAD, 0, 1, 8);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 4, &r, err, sizeof(err));
	ok(n < 0, "v2 NOTREAD with extra words is rejected");
	w[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_RESERVED, 0, 0, 8);
	n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "reserved"), "v2 reserved flag 0x8000 is rejected");
}

static int count_cb(const struct kcovdf_rec *rr, void *a)
{
	(void)rr;
	(*(int *)a)++;
	return 0;
}

static void test_doc(void)
{
	uint64_t w[20];
	struct kcovdf_rec r;
	char err[200];
	int n;

	w[0] = KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_ENTRY, 2, 77);
	w[1] = 0xffffffff81234560ULL;
	w[2] = KCOV_DF_DOC_META(3, 8, 0xffff888012345678ULL);
	w[3] = 11;
	w[4] = KCOV_DF_BAD_READ;
	n = kcovdf_rec_decode(KCOVDF_FMT_DOC, w, 5, &r, err, sizeof(err));
	ok(n == 5 && r.kind == KCOVDF_REC_ARG && r.argidx == 3 && r.size == 8 &&
	   r.seq == 77 && r.value == 0xffff888012345678ULL && r.nfields == 2 &&
	   r.unreadable == 2, "doc entry with a kernel pointer and a bad field");

	w[0] = KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_RET, 0, 1);
	n = kcovdf_rec_decode(KCOVDF_FMT_DOC, w, 4, &r, err, sizeof(err));
	ok(n == 4 && r.kind == KCOVDF_REC_RET && r.nfields == 1,
	   "doc: a value count of 0 means 1");

	w[0] = 0x1E1000000ULL;
	n = kcovdf_rec_decode(KCOVDF_FMT_DOC, w, 5, &r, err, sizeof(err));
	ok(n < 0 && strstr(err, "above 31"), "doc rejects high bits in a header");

	w[0] = KCOV_DF_DOC_HDR(0xA, 1, 1);
	n = kcovdf_rec_decode(KCOVDF_FMT_DOC, w, 5, &r, err, sizeof(err));
	ok(n < 0, "doc rejects an unknown type");

	w[0] = KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_ENTRY, 15, 1);
	n = kcovdf_rec_decode(KCOVDF_FMT_DOC, w, 17, &r, err, sizeof(err));
	ok(n < 0, "doc record of 18 words in 17 is rejected");

	/* A value 0xE0000000 must not split a record (the prototype bug). */
	{
		uint64_t s[] = {
			KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_ENTRY, 2, 1), 1,
			KCOV_DF_DOC_META(0, 8, 0x1000), 0xE0000000ULL,
			0xF1000000ULL,
			KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_RET, 1, 2), 1,
			KCOV_DF_DOC_META(0, 4, 0), 5,
		};
		int count = 0;

		n = kcovdf_walk(KCOVDF_FMT_DOC, s, 9, count_cb, &count, err,
				sizeof(err));
		ok(n == 0 && count == 2,
		   "doc walk: a value of 0xE0000000 does not split the record");
	}
	{
		uint64_t buf[8] = { 100, 0, 0, 0, 0, 0, 0, 0 };

		n = kcovdf_walk_buffer(KCOVDF_FMT_DOC, buf, 8, NULL, NULL, err,
				       sizeof(err));
		ok(n < 0 && strstr(err, "exceeds"), "hostile buf[0] is refused");
	}
}

/* --- trace files ------------------------------------------------- */

static size_t build_trace(uint8_t *out, size_t cap)
{
	char path[] = "/tmp/kcovdf-test-XXXXXX";
	int fd = mkstemp(path);
	const char *kv[] = { "source=user", "pid=1" };
	struct kcovdf_stream_hdr sh = { .pid = 10, .tid = 11,
		.kind = KCOVDF_STREAM_LOCAL, .format = KCOVDF_FMT_VERSIONED, .nwords = 3 };
	uint64_t words[3] = { V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIRST, 0, 0, 4), 0x10, 7 };
	struct kcovdf_loss loss = { .pid = 10, .tid = 11, .records = 1 };
	size_t n;

	strcpy(sh.comm, "t");
	kcovdf_write_file_hdr(fd);
	kcovdf_write_meta(fd, kv, 2);
	kcovdf_write_chunk(fd, KCOVDF_CHUNK_STREAM, 0, &sh, sizeof(sh), words,
			   sizeof(words));
	kcovdf_write_chunk(fd, KCOVDF_CHUNK_LOSS, 0, &loss, sizeof(loss), NULL, 0);
	n = (size_t)lseek(fd, 0, SEEK_CUR);
	lseek(fd, 0, SEEK_SET);
	if (n > cap || read(fd, out, n) != (ssize_t)n)
		n = 0;
	close(fd);
	unlink(path);
	return n;
}

static void test_trace(void)
{
	uint8_t buf[4096], mod[4096];
	size_t n = build_trace(buf, sizeof(buf));
	struct kcovdf_trace *t;
	char err[300];
	int all_clean = 1;

	t = kcovdf_trace_parse(buf, n, err, sizeof(err));
	ok(t && t->nstreams == 1 && t->streams[0].nwords == 3 &&
	   t->streams[0].words[2] == 7 && !strcmp(t->streams[0].comm, "t") &&
	   t->nlosses == 1 && !strcmp(kcovdf_trace_meta(t, "source"), "user"),
	   "trace round trip");
	kcovdf_trace_free(t);

	/* Every truncation is either a shorter valid file (cut at a chunk
	 * boundary) or a clean error; never a crash (ASan watches). */
	for (size_t cut = 0; cut < n; cut++) {
		t = kcovdf_trace_parse(buf, cut, err, sizeof(err));
		if (t) {
			kcovdf_trace_free(t);
		} else if (!err[0]) {
			all_clean = 0;
		}
	}
	ok(all_clean, "every truncation of a trace is rejected with a message or valid");

	/* Every single-byte corruption: no crash, errors say something. */
	all_clean = 1;
	for (size_t i = 0; i < n; i++) {
		for (int v = 0; v < 256; v += 51) {
			memcpy(mod, buf, n);
			mod[i] ^= (uint8_t)(v | 1);
			err[0] = 0;
			t = kcovdf_trace_parse(mod, n, err, sizeof(err));
			if (t)
				kcovdf_trace_free(t);
			else if (!err[0])
				all_clean = 0;
		}
	}
	ok(all_clean, "byte corruptions are rejected with a message or read");

	memcpy(mod, buf, n);
	mod[0] = 'X';
	t = kcovdf_trace_parse(mod, n, err, sizeof(err));
	ok(!t && strstr(err, "magic"), "bad magic");

	memcpy(mod, buf, n);
	mod[8] = 9;
	t = kcovdf_trace_parse(mod, n, err, sizeof(err));
	ok(!t && strstr(err, "version 9"), "unknown major version");

	{
		struct kcovdf_chunk_hdr ch = { .type = 99, .flags = 0, .size = 3 };
		size_t m = n;

		memcpy(mod, buf, n);
		memcpy(mod + m, &ch, sizeof(ch));
		m += sizeof(ch);
		memset(mod + m, 0, 8);
		m += 8;
		t = kcovdf_trace_parse(mod, m, err, sizeof(err));
		ok(t && t->nstreams == 1, "unknown optional chunk is skipped");
		kcovdf_trace_free(t);
		ch.flags = KCOVDF_CHUNK_CRITICAL;
		memcpy(mod + n, &ch, sizeof(ch));
		t = kcovdf_trace_parse(mod, m, err, sizeof(err));
		ok(!t && strstr(err, "unknown"), "unknown critical chunk is rejected");
	}
	t = kcovdf_trace_read("/nonexistent/trace", err, sizeof(err));
	ok(!t && strstr(err, "No such file"), "missing file");
}

/* fuzz review: a MAP chunk with path_len 0xffffffff. path_len + 1 was
 * computed in 32 bits: malloc(0), then a 4 GB memcpy into it. The file is
 * mapped, not allocated: untouched pages read as zeros and cost nothing. */
static void test_trace_huge_map(void)
{
	struct kcovdf_file_hdr fh = { .magic = KCOVDF_FILE_MAGIC,
		.major = KCOVDF_FILE_MAJOR, .hdr_size = sizeof(fh) };
	struct kcovdf_map m = { .path_len = 0xffffffffU };
	struct kcovdf_chunk_hdr ch = { .type = KCOVDF_CHUNK_MAP,
		.size = sizeof(m) + (uint64_t)m.path_len };
	size_t len = sizeof(fh) + sizeof(ch) + (size_t)ch.size;
	struct kcovdf_trace *t;
	char err[300] = "";
	uint8_t *b;

	if (sizeof(size_t) < 8) {
		ok(1, "# SKIP 4 GB MAP chunk: 32-bit");
		return;
	}
	b = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b == MAP_FAILED) {
		ok(1, "# SKIP 4 GB MAP chunk: cannot map 4 GB");
		return;
	}
	memcpy(b, &fh, sizeof(fh));
	memcpy(b + sizeof(fh), &ch, sizeof(ch));
	memcpy(b + sizeof(fh) + sizeof(ch), &m, sizeof(m));
	t = kcovdf_trace_parse(b, len, err, sizeof(err));
	ok(!t && strstr(err, "NUL"),
	   "4 GB MAP path of NULs: rejected before any copy");
	kcovdf_trace_free(t);
	munmap(b, len);
}

/* fuzz review: every STREAM chunk looked its stream up with a scan of all
 * streams: 100000 one-chunk streams (6 MB) took 9 s to read. */
static void test_trace_many_streams(void)
{
	enum { N = 50000 };
	size_t per = sizeof(struct kcovdf_chunk_hdr) +
		     sizeof(struct kcovdf_stream_hdr) + 8;
	size_t len = sizeof(struct kcovdf_file_hdr) + (2 * N + 1) * per;
	struct kcovdf_file_hdr fh = { .magic = KCOVDF_FILE_MAGIC,
		.major = KCOVDF_FILE_MAJOR, .hdr_size = sizeof(fh) };
	uint8_t *b = calloc(1, len), *p = b;
	struct kcovdf_trace *t;
	char err[300];
	clock_t t0;
	double secs;
	int same = 1;

	memcpy(p, &fh, sizeof(fh));
	p += sizeof(fh);
	/* Two chunks for each of N tasks, then a remote stream of task 0. */
	for (size_t i = 0; i < 2 * N + 1; i++) {
		struct kcovdf_chunk_hdr ch = { .type = KCOVDF_CHUNK_STREAM,
			.size = sizeof(struct kcovdf_stream_hdr) + 8 };
		struct kcovdf_stream_hdr h = { .pid = 7,
			.tid = (uint32_t)(i % N), .format = KCOVDF_FMT_VERSIONED,
			.kind = i == 2 * N ? KCOVDF_STREAM_REMOTE
					   : KCOVDF_STREAM_LOCAL,
			.nwords = 1, .seq = i / N };
		uint64_t word = i;

		memcpy(p, &ch, sizeof(ch));
		p += sizeof(ch);
		memcpy(p, &h, sizeof(h));
		p += sizeof(h);
		memcpy(p, &word, 8);
		p += 8;
	}
	t0 = clock();
	t = kcovdf_trace_parse(b, len, err, sizeof(err));
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	for (size_t i = 0; t && i < N; i++)
		same &= t->streams[i].tid == i && t->streams[i].nwords == 2 &&
			t->streams[i].words[0] == i &&
			t->streams[i].words[1] == N + i;
	ok(t && t->nstreams == N + 1 && same &&
	   t->streams[N].kind == KCOVDF_STREAM_REMOTE &&
	   t->streams[N].tid == 0 && t->streams[N].words[0] == 2 * N,
	   "50000 tasks: streams in order, chunks joined, kinds apart");
	ok(secs < 2.0, "50000 tasks: read in linear time");
	if (secs >= 2.0)
		printf("# took %.1f s of CPU\n", secs);
	kcovdf_trace_free(t);
	free(b);
}

/* Pairing: a versioned stream with the PC_EXT words of its task and side,
 * PC_EXT words alone when the task has no dataflow stream, DOC streams
 * never paired. */
static void test_trace_tasks(void)
{
	struct kcovdf_stream s[] = {
		{ .pid = 1, .tid = 1, .kind = KCOVDF_STREAM_PCEXT,
		  .format = KCOVDF_FMT_KCOV_PCEXT },
		{ .pid = 1, .tid = 1, .kind = KCOVDF_STREAM_LOCAL,
		  .format = KCOVDF_FMT_VERSIONED },
		{ .pid = 1, .tid = 1, .kind = KCOVDF_STREAM_REMOTE,
		  .format = KCOVDF_FMT_VERSIONED },
		{ .pid = 1, .tid = 2, .kind = KCOVDF_STREAM_PCEXT,
		  .format = KCOVDF_FMT_KCOV_PCEXT },
		{ .pid = 1, .tid = 1, .kind = KCOVDF_STREAM_REMOTE_PCEXT,
		  .format = KCOVDF_FMT_KCOV_PCEXT },
		{ .pid = 2, .tid = 2, .kind = KCOVDF_STREAM_LOCAL,
		  .format = KCOVDF_FMT_DOC },
		{ .pid = 2, .tid = 2, .kind = KCOVDF_STREAM_PCEXT,
		  .format = KCOVDF_FMT_KCOV_PCEXT },
	};
	struct kcovdf_trace t = { .streams = s, .nstreams = 7 };
	struct kcovdf_task_streams *ts;
	ssize_t n = kcovdf_trace_tasks(&t, &ts);

	ok(n == 4 && ts[0].st == &s[1] && ts[0].pcext == &s[0] &&
	   !ts[0].remote && ts[1].st == &s[2] && ts[1].pcext == &s[4] &&
	   ts[1].remote && ts[2].st == &s[3] && ts[2].pcext == &s[3] &&
	   ts[3].st == &s[5] && !ts[3].pcext,
	   "tasks: local and remote pairs, PC_EXT alone, DOC unpaired");
	free(ts);
	t.nstreams = 0;
	n = kcovdf_trace_tasks(&t, &ts);
	ok(n == 0 && ts, "tasks: none in a trace without streams");
	free(ts);
}

/* --- calls --------------------------------------------------------- */

static void test_calls(void)
{
	uint64_t w[] = {
		/* f(7) { g() {} ; h(1) } = 3, then a RET of k without entry */
		V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIRST, 0, 0, 4), 0xf, 7,
		V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIRST | KCOV_DF_F_NOARGS, 0xff, 0, 0), 0x9, 0,
		V2(KCOV_DF_KIND_RET, KCOV_DF_F_VOID, 0xff, 0, 0), 0x9, 0,
		V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIRST, 0, 0, 4), 0x4, 1,
		/* h tail-calls nothing but never returns through a ret */
		V2(KCOV_DF_KIND_RET, 0, 0xff, 0, 4), 0xf, 3,
		V2(KCOV_DF_KIND_RET, 0, 0xff, 0, 4), 0xb, 0,
	};
	struct kcovdf_stream st = { .pid = 1, .tid = 1, .format = KCOVDF_FMT_VERSIONED,
				    .words = w, .nwords = sizeof(w) / 8 };
	struct kcovdf_calls c;
	struct kcovdf_call *f, *g, *h, *k;
	char err[200];
	int rc = kcovdf_calls_build(&st, NULL, &c, err, sizeof(err));

	f = c.root;
	g = f ? f->child : NULL;
	h = g ? g->next : NULL;
	k = f ? f->next : NULL;
	ok(rc == 0 && c.nested && f && f->pc == 0xf && f->nargs == 1 &&
	   f->has_ret && f->ret.value == 3 && g && g->pc == 9 && g->nargs == 0 &&
	   g->has_ret && h && h->pc == 4 && h->no_exit && !h->has_ret &&
	   k && k->pc == 0xb && k->no_entry && c.ncalls == 4,
	   "call tree: nesting, void, missing exit, missing entry");
	kcovdf_calls_free(&c);
}

/* fuzz review: RETs of functions with no open call (recording began
 * inside them) under a deep stack. Each one scanned the whole stack:
 * 40000 entries and 40000 returns (1.9 MB) took 5 s, 10 MB minutes. */
static void test_calls_deep_stack(void)
{
	enum { N = 40000 };
	uint64_t *w = malloc((2 * N + 3) * 3 * sizeof(*w));
	struct kcovdf_stream st = { .pid = 1, .tid = 1, .format = KCOVDF_FMT_VERSIONED,
				    .words = w };
	struct kcovdf_calls c;
	struct kcovdf_call *x, *deepest = NULL;
	char err[200];
	size_t n = 0, depth_ok = 1;
	clock_t t0;
	double secs;
	int rc;

	/* A(), then N nested B(), then N returns of C, then A returns. */
	w[n++] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIRST, 0, 0, 8);
	w[n++] = 0xa;
	w[n++] = 0;
	for (size_t i = 0; i < N; i++) {
		w[n++] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIRST, 0, 0, 8);
		w[n++] = 0xb;
		w[n++] = i;
	}
	for (size_t i = 0; i < N; i++) {
		w[n++] = V2(KCOV_DF_KIND_RET, 0, 0xff, 0, 8);
		w[n++] = 0xc;
		w[n++] = i;
	}
	w[n++] = V2(KCOV_DF_KIND_RET, 0, 0xff, 0, 8);
	w[n++] = 0xa;
	w[n++] = 7;
	/* And once more B: all B calls were closed by A's return. */
	w[n++] = V2(KCOV_DF_KIND_RET, 0, 0xff, 0, 8);
	w[n++] = 0xb;
	w[n++] = 8;
	st.nwords = n;
	t0 = clock();
	rc = kcovdf_calls_build(&st, NULL, &c, err, sizeof(err));
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	for (x = c.root; rc == 0 && x; x = kcovdf_call_next(x)) {
		if (x->pc == 0xb && x->depth == N)
			deepest = x;
		if (x->pc == 0xb && !x->no_entry)
			depth_ok &= x->no_exit && !x->has_ret;
	}
	ok(rc == 0 && c.ncalls == 2 * N + 2 && c.root->pc == 0xa &&
	   c.root->has_ret && c.root->ret.value == 7 && !c.root->no_exit &&
	   depth_ok && deepest && deepest->child &&
	   deepest->child->no_entry && deepest->child->pc == 0xc &&
	   c.root->next && c.root->next->pc == 0xb && c.root->next->no_entry,
	   "deep stack: unmatched returns, closing return, closed calls");
	ok(secs < 2.0, "deep stack: 40000 unmatched returns in linear time");
	if (secs >= 2.0)
		printf("# took %.1f s of CPU\n", secs);
	kcovdf_calls_free(&c);
	free(w);
}

static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* fuzz: one call with very many arguments (records of the same function
 * without FIRST). Each argument used to copy all the previous ones into a
 * new arena block: 4000 arguments took 576 MB, a 5 MB stream terabytes. */
static void test_calls_many_args(void)
{
	enum { N = 4000 };
	uint64_t *w = malloc(N * 3 * sizeof(*w));
	struct kcovdf_stream st = { .pid = 1, .tid = 1, .format = KCOVDF_FMT_VERSIONED,
				    .words = w, .nwords = N * 3 };
	struct kcovdf_calls c;
	char err[200];
	long before = max_rss_kb();
	int rc, same = 1;

	for (size_t i = 0; i < N; i++) {
		w[3 * i] = V2(KCOV_DF_KIND_ARG, i ? 0 : KCOV_DF_F_FIRST,
			      i ? 1 : 0, 0, 8);
		w[3 * i + 1] = 0x10;
		w[3 * i + 2] = i;
	}
	rc = kcovdf_calls_build(&st, NULL, &c, err, sizeof(err));
	for (size_t i = 0; rc == 0 && i < c.root->nargs; i++)
		same &= c.root->args[i].value == i;
	ok(rc == 0 && c.ncalls == 1 && c.root->nargs == N && same,
	   "call with 4000 arguments: all kept, in order");
	ok(max_rss_kb() - before < 64 * 1024,
	   "call with 4000 arguments: memory linear in the arguments");
	kcovdf_calls_free(&c);
	free(w);

	/* The documented format: every argument index is a new slot. */
	{
		uint64_t d[256 * 4];
		struct kcovdf_stream ds = { .pid = 1, .tid = 1,
			.format = KCOVDF_FMT_DOC, .words = d, .nwords = 256 * 4 };

		for (unsigned int i = 0; i < 256; i++) {
			d[4 * i] = KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_ENTRY, 1, i);
			d[4 * i + 1] = 0x20;
			d[4 * i + 2] = KCOV_DF_DOC_META(i, 8, i);
			d[4 * i + 3] = i;
		}
		rc = kcovdf_calls_build(&ds, NULL, &c, err, sizeof(err));
		same = rc == 0 && c.ncalls == 1 && c.root->nargs == 256;
		for (unsigned int i = 0; same && i < 256; i++)
			same = c.root->args[i].argidx == i &&
			       c.root->args[i].fields[0] == i;
		ok(same, "doc call with 256 arguments: all kept, in order");
		kcovdf_calls_free(&c);
	}
}

/* --- values (bugs found by tests/fuzz) ------------------------------ */

static int buf_is(struct kcovdf_buf *b, const char *want)
{
	int same = b->s && !strcmp(b->s, want);

	if (!same)
		printf("# got \"%s\", want \"%s\"\n", b->s ? b->s : "(none)",
		       want);
	kcovdf_buf_free(b);
	return same;
}

/* Types as lib/sym.c builds them from DWARF. */
static struct kcovdf_type ty_int = { .kind = KCOVDF_T_INT, .name = "int",
	.size = 4, .is_signed = 1 };
static struct kcovdf_type ty_ld = { .kind = KCOVDF_T_FLOAT,
	.name = "long double", .size = 16, .float_fmt = KCOVDF_FLT_X87 };
static struct kcovdf_type ty_q = { .kind = KCOVDF_T_FLOAT,
	.name = "__float128", .size = 16, .float_fmt = KCOVDF_FLT_QUAD };
static struct kcovdf_type ty_i128 = { .kind = KCOVDF_T_INT,
	.name = "__int128", .size = 16, .is_signed = 1 };
static struct kcovdf_type ty_u128 = { .kind = KCOVDF_T_INT,
	.name = "unsigned __int128", .size = 16 };
static struct kcovdf_type ty_big = { .kind = KCOVDF_T_INT,
	.name = "_BitInt(800)", .size = 100 };
static struct kcovdf_type ty_v4 = { .kind = KCOVDF_T_ARRAY, .name = "v4si",
	.size = 16, .is_vector = 1, .target = &ty_int };
static struct kcovdf_type ty_cd = { .kind = KCOVDF_T_FLOAT,
	.name = "complex", .size = 16, .is_complex = 1 };
static struct kcovdf_type ty_cf = { .kind = KCOVDF_T_FLOAT,
	.name = "complex", .size = 8, .is_complex = 1 };
static struct kcovdf_type ty_h = { .kind = KCOVDF_T_FLOAT,
	.name = "_Float16", .size = 2, .float_fmt = KCOVDF_FLT_HALF };

/* A WIDE argument of type t with bytes w[0..nw-1], as view shows it
 * (json: its "value" and the keys after it). */
static void wide_val(struct kcovdf_buf *b, const struct kcovdf_type *t,
		     const uint64_t *w, unsigned int nw, unsigned int size,
		     unsigned int flags, int json)
{
	uint64_t rec[16];
	struct kcovdf_rec r;
	struct kcovdf_val v;
	struct kcovdf_param p = { "x", t };
	struct kcovdf_fn fn = { .name = "f", .params = &p, .nparams = 1 };
	char err[200];
	unsigned int ne = flags & KCOV_DF_F_FAULT ? 0 : nw - 1;

	rec[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_WIDE | flags, 0, ne, size);
	rec[1] = 0x1000;
	memcpy(&rec[2], w, nw * 8);
	if (kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, rec, 3 + ne, &r, err,
			      sizeof(err)) < 0) {
		kcovdf_buf_printf(b, "decode: %s", err);
		return;
	}
	kcovdf_val_describe(test_fmt(), NULL, &fn, &r, KCOVDF_FMT_VERSIONED, &v);
	kcovdf_fmt_val(b, &v, json);
	if (json)
		kcovdf_fmt_val_json_extra(b, &v);
}

/* Values wider than 64 bits, decoded exactly (#11 item 2). */
static void test_wide(void)
{
	struct kcovdf_buf b = { 0 };
	uint64_t w[16];

	w[0] = 0xc000000000000000ULL;	/* 3.0L: the mantissa alone is -2 */
	w[1] = 0x4000;
	wide_val(&b, &ty_ld, w, 2, 16, 0, 0);
	ok(buf_is(&b, "3"), "long double 3.0L is 3 (it showed as -2)");
	w[0] = 0xcccccccccccccccdULL;
	w[1] = 0xbffb;
	wide_val(&b, &ty_ld, w, 2, 16, 0, 0);
	ok(buf_is(&b, "-0.100000000000000000001"),
	   "long double -0.1L, 21 digits as gdb prints it");
	w[0] = ~0ULL;
	w[1] = 0x7ffe;
	wide_val(&b, &ty_ld, w, 2, 16, 0, 0);
	ok(buf_is(&b, "1.18973149535723176502e+4932"), "long double max");
	w[0] = 1;
	w[1] = 0;
	wide_val(&b, &ty_ld, w, 2, 16, 0, 0);
	ok(buf_is(&b, "3.64519953188247460253e-4951"),
	   "long double smallest denormal");
	w[0] = 0x8000000000000000ULL;
	w[1] = 0xffff;
	wide_val(&b, &ty_ld, w, 2, 16, 0, 0);
	ok(buf_is(&b, "-inf"), "long double -inf");
	w[0] = 0xc000000000000000ULL;
	w[1] = 0x7fff;
	wide_val(&b, &ty_ld, w, 2, 16, 0, 0);
	ok(buf_is(&b, "nan"), "long double nan");
	wide_val(&b, &ty_ld, w, 2, 16, 0, 1);
	ok(buf_is(&b, "null"), "JSON: long double nan is null");
	w[0] = 0x8000000000000000ULL;	/* 1.0L */
	w[1] = 0x3fff;
	wide_val(&b, &ty_ld, w, 2, 16, 0, 1);
	ok(buf_is(&b, "1"), "JSON: long double 1 is the number 1");

	w[0] = 0;			/* 2.5 in binary128 */
	w[1] = 0x4000400000000000ULL;
	wide_val(&b, &ty_q, w, 2, 16, 0, 0);
	ok(buf_is(&b, "2.5"), "_Float128 2.5");
	w[0] = 0x5555555555555555ULL;
	w[1] = 0x3ffd555555555555ULL;
	wide_val(&b, &ty_q, w, 2, 16, 0, 0);
	ok(buf_is(&b, "0.333333333333333333333333333333333317"),
	   "_Float128 1/3, 36 digits");

	w[0] = 0;
	w[1] = 0x8000000000000000ULL;
	wide_val(&b, &ty_i128, w, 2, 16, KCOV_DF_F_SIGNED, 0);
	ok(buf_is(&b, "-170141183460469231731687303715884105728"),
	   "__int128 minimum in decimal");
	w[0] = w[1] = ~0ULL;
	wide_val(&b, &ty_u128, w, 2, 16, 0, 1);
	ok(buf_is(&b, "340282366920938463463374607431768211455"),
	   "JSON: unsigned __int128 maximum, an exact number");
	w[0] = 1 | 0xfffffffe00000000ULL;
	w[1] = 3 | 400000ULL << 32;
	wide_val(&b, &ty_v4, w, 2, 16, 0, 0);
	ok(buf_is(&b, "{1, -2, 3, 400000}"), "vector of 4 int");
	wide_val(&b, &ty_v4, w, 2, 16, 0, 1);
	ok(buf_is(&b, "null,\"elements\":[1,-2,3,400000]"),
	   "JSON: vector elements");
	w[0] = 0x3ff8000000000000ULL;
	w[1] = 0xc000000000000000ULL;
	wide_val(&b, &ty_cd, w, 2, 16, 0, 0);
	ok(buf_is(&b, "1.5 - 2i"), "_Complex double");
	wide_val(&b, &ty_cd, w, 2, 16, 0, 1);
	ok(buf_is(&b, "null,\"real\":1.5,\"imag\":-2"), "JSON: complex parts");
	for (int i = 0; i < 9; i++)
		w[i] = 0x1111111111111111ULL * (uint64_t)(i + 1);
	wide_val(&b, &ty_big, w, 9, 100, KCOV_DF_F_TRUNC, 0);
	ok(b.s && !strncmp(b.s, "0x9999", 6) &&
	   strstr(b.s, " <first 72 of 100 bytes>"),
	   "a value cut at 72 bytes says so");
	kcovdf_buf_free(&b);
	wide_val(&b, &ty_big, w, 9, 100, KCOV_DF_F_TRUNC, 1);
	ok(buf_is(&b, "null,\"truncated\":true"), "JSON: cut value is null");
	w[0] = KCOV_DF_BAD_READ;
	wide_val(&b, &ty_ld, w, 1, 16, KCOV_DF_F_FAULT, 0);
	ok(buf_is(&b, "<unreadable>"), "unreadable wide value");

	/* The documented format: the bytes are the values (N = 2). */
	{
		uint64_t d[] = {
			KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_ENTRY, 2, 1), 0x1000,
			KCOV_DF_DOC_META(0, 16, 0xc000000000000000ULL),
			0xc000000000000000ULL, 0x4000,
		};
		struct kcovdf_param p = { "x", &ty_ld };
		struct kcovdf_fn fn = { .name = "f", .params = &p,
					.nparams = 1 };
		struct kcovdf_rec r;
		struct kcovdf_val v;

		kcovdf_rec_decode(KCOVDF_FMT_DOC, d, 5, &r, NULL, 0);
		kcovdf_val_describe(test_fmt(), NULL, &fn, &r, KCOVDF_FMT_DOC, &v);
		kcovdf_fmt_val(&b, &v, 0);
		ok(buf_is(&b, "3"), "documented format: long double from 2 values");
	}
	kcovdf_fmt_scalar(&b, &ty_cf, 0x400000003fc00000ULL, 8, 0, 0);
	ok(buf_is(&b, "1.5 + 2i"), "_Complex float (8 bytes)");
	kcovdf_fmt_scalar(&b, &ty_h, 0x3e00, 2, 0, 0);
	ok(buf_is(&b, "1.5"), "_Float16");
	kcovdf_fmt_scalar(&b, &ty_ld, 0xc000000000000000ULL, 0,
			  KCOV_DF_FIELD_FLOAT | KCOV_DF_FIELD_WIDE, 0);
	ok(buf_is(&b, "<long double: first 8 of 16 bytes: 0xc000000000000000>"),
	   "a long double field (8 bytes of it): no number made of part of it");
}

/* A STRING argument of n bytes s (flags: TRUNC, FAULT), as view shows it. */
static void str_val(struct kcovdf_buf *b, const char *str, unsigned int n,
		    unsigned int flags, int json)
{
	uint64_t rec[24];
	struct kcovdf_rec r;
	struct kcovdf_val v;
	struct kcovdf_param p = { "s", NULL };
	struct kcovdf_fn fn = { .name = "f", .params = &p, .nparams = 1 };
	unsigned int nw = (n + 7) / 8;

	memset(rec, 0, sizeof(rec));
	rec[0] = V2(KCOV_DF_KIND_ARG, KCOV_DF_F_STRING | flags, 0, 1 + nw, 8);
	rec[1] = 0x1000;
	rec[2] = 0x7fff1230;
	rec[3] = n;
	memcpy(&rec[4], str, n);
	if (kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, rec, 4 + nw, &r, NULL,
			      0) < 0) {
		kcovdf_buf_printf(b, "(decode failed)");
		return;
	}
	kcovdf_val_describe(test_fmt(), NULL, &fn, &r, KCOVDF_FMT_VERSIONED, &v);
	if (json)
		kcovdf_fmt_val_json_extra(b, &v);
	else
		kcovdf_fmt_val(b, &v, 0);
}

/* char * strings (#11 item 3). */
static void test_strings(void)
{
	struct kcovdf_buf b = { 0 };

	str_val(&b, "hello", 5, 0, 0);
	ok(buf_is(&b, "\"hello\""), "string");
	str_val(&b, "", 0, 0, 0);
	ok(buf_is(&b, "\"\""), "empty string");
	str_val(&b, "a\"b\\c\n\t\r\x01\x7f", 10, 0, 0);
	ok(buf_is(&b, "\"a\\\"b\\\\c\\n\\t\\r\\001\\177\""),
	   "string: C escapes, octal for other control characters");
	str_val(&b, "caf\xc3\xa9 \xff\xc3", 8, 0, 0);
	ok(buf_is(&b, "\"caf\xc3\xa9 \\377\\303\""),
	   "string: UTF-8 kept, other bytes octal (also a sequence cut short)");
	str_val(&b, "abcdefghij", 10, KCOV_DF_F_TRUNC, 0);
	ok(buf_is(&b, "\"abcdefghij\"..."), "string that goes on: ... after it");
	str_val(&b, "abc", 3, KCOV_DF_F_FAULT, 0);
	ok(buf_is(&b, "\"abc\"<unreadable>"), "string faulting after 3 bytes");
	str_val(&b, "", 0, KCOV_DF_F_FAULT, 0);
	ok(buf_is(&b, "0x7fff1230 <unreadable>"), "string unreadable at once");
	str_val(&b, "x\xff", 2, KCOV_DF_F_TRUNC, 1);
	ok(buf_is(&b, ",\"string\":\"x\\ufffd\",\"string_hex\":\"78ff\","
		  "\"truncated\":true"),
	   "JSON: string, its bytes when not UTF-8, cut");
	str_val(&b, "", 0, KCOV_DF_F_FAULT, 1);
	ok(buf_is(&b, ",\"unreadable\":true"), "JSON: unreadable string");
}

static void test_format(void)
{
	struct kcovdf_buf b = { 0 };
	const uint64_t nan64 = 0x7ff8000000000000ULL;
	const uint64_t ninf64 = 0xfff0000000000000ULL;

	/* fuzz: crash-json-float-nan. JSON has no NaN or infinity. */
	kcovdf_fmt_scalar(&b, NULL, nan64, 8, KCOV_DF_FIELD_FLOAT, 1);
	ok(buf_is(&b, "null"), "JSON: a NaN double is null");
	kcovdf_fmt_scalar(&b, NULL, ninf64, 8, KCOV_DF_FIELD_FLOAT, 1);
	ok(buf_is(&b, "null"), "JSON: -inf is null");
	kcovdf_fmt_scalar(&b, NULL, 0x7f800000, 4, KCOV_DF_FIELD_FLOAT, 1);
	ok(buf_is(&b, "null"), "JSON: an infinite float is null");
	kcovdf_fmt_scalar(&b, NULL, 0x3ff8000000000000ULL, 8,
			  KCOV_DF_FIELD_FLOAT, 1);
	ok(buf_is(&b, "1.5"), "JSON: a finite double is a number");
	kcovdf_fmt_scalar(&b, NULL, ninf64, 8, KCOV_DF_FIELD_FLOAT, 0);
	ok(buf_is(&b, "-inf"), "text: -inf stays -inf");

	/* fuzz: crash-json-str-comm-utf8. Task names, paths and symbols are
	 * bytes: JSON strings must still be valid UTF-8 without raw control
	 * characters. */
	kcovdf_json_str(&b, "a\"\\\n\x01\x7f");
	ok(buf_is(&b, "\"a\\\"\\\\\\u000a\\u0001\\u007f\""),
	   "JSON string: quote, backslash, C0 controls and DEL escaped");
	kcovdf_json_str(&b, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	ok(buf_is(&b, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""),
	   "JSON string: well-formed UTF-8 is kept");
	kcovdf_json_str(&b, "\xc2\x85");
	ok(buf_is(&b, "\"\\u0085\""), "JSON string: C1 control escaped");
	kcovdf_json_str(&b, "x\xff\xc0\xaf\xed\xa0\x80\xc3");
	ok(buf_is(&b, "\"x\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
		  "\\ufffd\""),
	   "JSON string: invalid, overlong, surrogate and cut UTF-8 -> U+FFFD");
	kcovdf_json_str(&b, NULL);
	ok(buf_is(&b, "\"\""), "JSON string: NULL is empty");

	/* fuzz: crash-errptr-int64-min. An ERR_PTR flag on a value outside
	 * the errno range; the error name was looked up as -value, which
	 * overflows for INT64_MIN. */
	{
		uint64_t w[] = {
			V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIRST | KCOV_DF_F_FIELDS |
			   KCOV_DF_F_ERRPTR, 0, 1, 8), 0x1000,
			0x8000000000000000ULL, 0xabc,
		};
		struct kcovdf_rec r;
		struct kcovdf_val v;
		char err[200];
		int n = kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 4, &r, err,
					  sizeof(err));

		/* The decoder now refuses the inconsistent record; the
		 * formatter must still be safe on what it is handed. */
		ok(n < 0 && strstr(err, "ERRPTR"),
		   "decode: ERR_PTR flag on INT64_MIN is refused");
		memset(&r, 0, sizeof(r));
		r.kind = KCOVDF_REC_ARG;
		r.flags = KCOV_DF_F_FIELDS | KCOV_DF_F_ERRPTR;
		r.value = 0x8000000000000000ULL;
		kcovdf_val_describe(test_fmt(), NULL, NULL, &r,
				    KCOVDF_FMT_VERSIONED, &v);
		kcovdf_fmt_val(&b, &v, 0);
		ok(v.is_errptr && buf_is(&b, "ERR_PTR(-?)"),
		   "text: ERR_PTR flag on INT64_MIN");
		kcovdf_fmt_val_json_extra(&b, &v);
		ok(buf_is(&b, ",\"err_ptr\":-9223372036854775808"),
		   "JSON: ERR_PTR flag on INT64_MIN");
		w[2] = (uint64_t)-12;
		kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 4, &r, NULL, 0);
		kcovdf_val_describe(test_fmt(), NULL, NULL, &r,
				    KCOVDF_FMT_VERSIONED, &v);
		kcovdf_fmt_val(&b, &v, 0);
		ok(buf_is(&b, "ERR_PTR(-ENOMEM)"), "text: ERR_PTR(-ENOMEM)");
	}
	/* The same for a signed 64-bit return value of INT64_MIN. */
	{
		struct kcovdf_type long_t = { .kind = KCOVDF_T_INT,
			.name = "long", .size = 8, .is_signed = 1 };
		struct kcovdf_fn fn = { .name = "f", .ret = &long_t };
		uint64_t w[] = { V2(KCOV_DF_KIND_RET, 0, 0xff, 0, 8), 0x1000,
				 0x8000000000000000ULL };
		struct kcovdf_rec r;
		struct kcovdf_val v;

		kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, NULL, 0);
		kcovdf_val_describe(test_fmt(), NULL, &fn, &r,
				    KCOVDF_FMT_VERSIONED, &v);
		kcovdf_fmt_val(&b, &v, 0);
		ok(buf_is(&b, "-9223372036854775808"),
		   "text: a long return of INT64_MIN");
		kcovdf_fmt_val_json_extra(&b, &v);
		ok(!b.s || !strstr(b.s, "errno"), "JSON: no errno for INT64_MIN");
		kcovdf_buf_free(&b);
		kcovdf_fmt_errno_names(test_fmt(), 1);
		kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, NULL, 0);
		kcovdf_val_describe(test_fmt(), NULL, &fn, &r,
				    KCOVDF_FMT_VERSIONED, &v);
		kcovdf_fmt_val(&b, &v, 0);
		ok(buf_is(&b, "-9223372036854775808"),
		   "text: a long return of INT64_MIN, errno names on");
		kcovdf_fmt_val_json_extra(&b, &v);
		ok(!b.s || !strstr(b.s, "errno"),
		   "JSON: no errno for INT64_MIN, errno names on");
		kcovdf_buf_free(&b);
		w[2] = (uint64_t)-22;
		kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, NULL, 0);
		kcovdf_val_describe(test_fmt(), NULL, &fn, &r,
				    KCOVDF_FMT_VERSIONED, &v);
		kcovdf_fmt_val(&b, &v, 0);
		ok(buf_is(&b, "-EINVAL"), "text: a long return of -EINVAL");
		kcovdf_fmt_val_json_extra(&b, &v);
		ok(buf_is(&b, ",\"errno\":\"EINVAL\""),
		   "JSON: errno of a long return of -22");
		kcovdf_fmt_errno_names(test_fmt(), 0);
	}
	kcovdf_val_reset(test_fmt());
}

/* PC_EXT words: the depth record (lowest depth and net change; the old
 * net-only type 2), addresses, an unknown type. */
static void test_pcext(void)
{
	struct kcovdf_pcext p;
	const uint64_t D = KCOV_RECORDFLAG_TYPE_DEPTH;

	ok(!kcovdf_pcext_decode(D | (0xfffffffULL << 28) | 0xfffffff, 1, &p) &&
	   p.type == KCOVDF_PCEXT_DEPTH && p.depth_min == -1 && p.depth == -1,
	   "pcext: depth record min -1 net -1");
	ok(!kcovdf_pcext_decode(D | (0xfffffffULL << 28), 1, &p) &&
	   p.depth_min == -1 && p.depth == 0,
	   "pcext: depth record min -1 net +0 (one left, another entered)");
	ok(!kcovdf_pcext_decode(D | 1, 1, &p) && p.depth_min == 0 &&
	   p.depth == 1, "pcext: depth record min 0 net +1");
	ok(kcovdf_pcext_decode(D | (1ULL << 28), 1, &p) &&
	   kcovdf_pcext_decode(D | (0xfffffffULL << 28) | 0xffffffe, 1, &p),
	   "pcext: a lowest depth above 0 or above the net change is refused");
	ok(!kcovdf_pcext_decode(KCOVDF_PCEXT_TYPE_DEPTH_NET |
				(KCOV_RECORD_IP_MASK - 2), 1, &p) &&
	   p.type == KCOVDF_PCEXT_DEPTH && p.depth == -3 && p.depth_min == -3,
	   "pcext: old depth record (type 2, net -3)");
	ok(!kcovdf_pcext_decode(KCOVDF_PCEXT_TYPE_DEPTH_NET | 2, 1, &p) &&
	   p.depth == 2 && p.depth_min == 0, "pcext: old depth record net +2");
	ok(!kcovdf_pcext_decode(KCOV_RECORDFLAG_TYPE_EXIT | 0xffffff81001000ULL, 1,
				&p) && p.type == KCOVDF_PCEXT_EXIT &&
	   p.pc == 0xffffffff81001000ULL, "pcext: kernel exit address");
	ok(kcovdf_pcext_decode(0x5000000000000000ULL, 1, &p) && p.type == 5,
	   "pcext: unknown type 5 refused, its nibble kept");
}

/* Two formatting contexts: their settings and memory are their own. */
static void test_fmt_contexts(void)
{
	struct kcovdf_type long_t = { .kind = KCOVDF_T_INT, .name = "long",
				      .size = 8, .is_signed = 1 };
	struct kcovdf_fn fn = { .name = "f", .ret = &long_t };
	uint64_t w[] = { V2(KCOV_DF_KIND_RET, 0, 0xff, 0, 8), 0x1000,
			 (uint64_t)-22 };
	uint64_t wf[] = { V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIELDS, 0, 3, 8),
			  0x1000, 0x7fff0000, 1, 2, 3 };
	struct kcovdf_fmt *a = kcovdf_fmt_new(), *b = kcovdf_fmt_new();
	struct kcovdf_rec r, rf;
	struct kcovdf_val va, vb, vf;
	struct kcovdf_item *items;
	struct kcovdf_call c = { .pc = 0x1000, .fn = &fn };
	struct kcovdf_buf t = { 0 }, obj = { 0 };
	ssize_t n;

	ok(a && b, "fmt: two contexts");
	if (!a || !b)
		return;
	kcovdf_fmt_errno_names(a, 1);
	kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 3, &r, NULL, 0);
	ok(!kcovdf_val_describe(a, NULL, &fn, &r, KCOVDF_FMT_VERSIONED, &va) &&
	   !kcovdf_val_describe(b, NULL, &fn, &r, KCOVDF_FMT_VERSIONED, &vb),
	   "fmt: the same return described in both");
	kcovdf_fmt_val(&t, &va, 0);
	ok(buf_is(&t, "-EINVAL"), "fmt: errno names on in one context");
	kcovdf_fmt_val(&t, &vb, 0);
	ok(buf_is(&t, "-22"), "fmt: off in the other");
	/* Values with memory of their own (field names) in b outlive a
	 * reset of a (ASan would see a use after free). */
	ok(kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, wf, 6, &rf, NULL, 0) > 0 &&
	   !kcovdf_val_describe(b, NULL, NULL, &rf, KCOVDF_FMT_VERSIONED, &vf),
	   "fmt: an object described in the second context");
	kcovdf_fmt_val(&obj, &vf, 0);
	c.has_ret = 1;
	c.ret = r;
	n = kcovdf_call_items(a, NULL, &c, NULL, KCOVDF_FMT_VERSIONED, &items);
	ok(n == 1 && items[0].is_ret, "fmt: items in the first context");
	if (n == 1) {
		kcovdf_item_text(&t, &items[0], 0);
		ok(buf_is(&t, "-EINVAL"), "fmt: an item names the error");
	}
	kcovdf_items_reset(a);
	kcovdf_fmt_free(a);
	kcovdf_fmt_val(&t, &vf, 0);
	ok(obj.s && !strcmp(obj.s, "0x7fff0000 {f0=0x2, f1=0x3}") &&
	   buf_is(&t, obj.s),
	   "fmt: the second context's values survive the first one's end");
	kcovdf_fmt_val(&t, &vb, 0);
	ok(buf_is(&t, "-22"), "fmt: and its setting");
	kcovdf_buf_free(&obj);
	kcovdf_fmt_free(b);
}

/* Out of memory: an error comes back, nothing aborts. The request is
 * one no allocator grants (about 120 GB: a record claiming 2^31 fields);
 * in a child, under an address-space limit (ASan: its allocation size
 * limit, see __asan_default_options()). */
static void test_fmt_oom(void)
{
	uint64_t w[] = { V2(KCOV_DF_KIND_ARG, KCOV_DF_F_FIELDS, 0, 3, 8),
			 0x1000, 0x7fff0000, 1, 2, 3 };
	struct kcovdf_buf t = { 0 };
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct kcovdf_fmt *f = kcovdf_fmt_new();
		struct kcovdf_rec r;
		struct kcovdf_val v;
		int rc, bad = 0;
#ifndef __SANITIZE_ADDRESS__
		struct rlimit rl = { 1UL << 32, 1UL << 32 };

		setrlimit(RLIMIT_AS, &rl);
#endif
		if (!f || kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, 6, &r,
					    NULL, 0) <= 0)
			_exit(3);
		r.nfields = 0x7fffffffu;	/* fields never read */
		errno = 0;
		rc = kcovdf_val_describe(f, NULL, NULL, &r,
					 KCOVDF_FMT_VERSIONED, &v);
		bad |= !(rc == -1 && errno == ENOMEM);
		/* The context is still usable. */
		r.nfields = 2;
		bad |= kcovdf_val_describe(f, NULL, NULL, &r,
					   KCOVDF_FMT_VERSIONED, &v) != 0;
		kcovdf_fmt_free(f);
		_exit(bad ? 1 : 0);
	}
	ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	   WEXITSTATUS(status) == 0,
	   "fmt: out of memory is an error (ENOMEM), not an abort");
	/* A buffer that cannot grow: the error stays, s is a string. */
	t.err = ENOMEM;
	ok(kcovdf_buf_printf(&t, "x") == -1 && t.len == 0,
	   "buf: appending after an error does nothing");
	kcovdf_buf_free(&t);
}

/* A kallsyms-format file with these bytes, read with types; its path is
 * removed again. */
static int ks_read(const char *text, size_t len, const char *types,
		   struct kcovdf_kallsyms *k)
{
	char path[] = "/tmp/kcovdf-test-kallsyms-XXXXXX";
	int fd = mkstemp(path), rc, e;

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		perror("kallsyms test file");
		abort();
	}
	close(fd);
	rc = kcovdf_kallsyms_read(path, types, k);
	e = errno;
	unlink(path);
	errno = e;
	return rc;
}

static int ks_is(const struct kcovdf_ksym *s, uint64_t addr, char type,
		 const char *name, const char *module)
{
	return s && s->addr == addr && s->type == type &&
	       !strcmp(s->name, name) &&
	       (module ? s->module && !strcmp(s->module, module) : !s->module);
}

static void test_kallsyms(void)
{
	static const char normal[] =
		"ffffffff81000100 T start_kernel\n"
		"ffffffff81000000 T _text\n"
		"ffffffff82000000 D jiffies\n"
		"ffffffff81000050 t helper\n"
		"ffffffff81000050 t helper_alias\n"
		"ffffffffc0a01000 t mod_init\t[mymod]\n"
		"ffffffffc0a00000 T mod_open   [my_mod2]  \r\n"
		"0000000000000000 A fixed_percpu_data\n"
		"ffffffff81000200 W weak_fn";	/* no newline at the end */
	static const char bad[] =
		"zzzz T not_hex\n"
		"\n"
		"ffffffff81000000\n"
		"ffffffff81000000 T\n"
		"ffffffff81000000 TT two_letters\n"
		"ffffffff81000000 T name trailing words\n"
		"ffffffff81000000 T name [unclosed\n"
		"ffffffff81000000 T name []\n"
		"ffffffff81000000 T name [a b]\n"
		"1ffffffff81000000 T seventeen_digits\n"
		"ffffffff81000000T glued\n"
		"ffffffff81000300 T good_one\n"
		"ffffffff81000000 T nul\0byte\n"
		"   0xffffffff81000400 t spaced_0x  \n";
	struct kcovdf_kallsyms k;
	const struct kcovdf_ksym *b;
	char *big, *longname;
	size_t n;
	int rc;

	rc = ks_read(normal, sizeof(normal) - 1, NULL, &k);
	ok(rc == 0 && k.n == 9 && k.skipped == 0 &&
	   k.text == 0xffffffff81000000ULL,
	   "kallsyms: every well-formed line, _text found");
	ok(rc == 0 && ks_is(&k.v[0], 0, 'A', "fixed_percpu_data", NULL) &&
	   ks_is(&k.v[1], 0xffffffff81000000ULL, 'T', "_text", NULL) &&
	   ks_is(&k.v[2], 0xffffffff81000050ULL, 't', "helper", NULL) &&
	   ks_is(&k.v[3], 0xffffffff81000050ULL, 't', "helper_alias", NULL) &&
	   ks_is(&k.v[4], 0xffffffff81000100ULL, 'T', "start_kernel", NULL) &&
	   ks_is(&k.v[5], 0xffffffff81000200ULL, 'W', "weak_fn", NULL) &&
	   ks_is(&k.v[6], 0xffffffff82000000ULL, 'D', "jiffies", NULL) &&
	   ks_is(&k.v[7], 0xffffffffc0a00000ULL, 'T', "mod_open", "my_mod2") &&
	   ks_is(&k.v[8], 0xffffffffc0a01000ULL, 't', "mod_init", "mymod"),
	   "kallsyms: sorted by address, equal ones in file order, modules");
	b = kcovdf_kallsyms_below(&k, 0xffffffff81000077ULL);
	ok(ks_is(b, 0xffffffff81000050ULL, 't', "helper_alias", NULL) &&
	   ks_is(kcovdf_kallsyms_below(&k, 0xffffffff81000100ULL),
		 0xffffffff81000100ULL, 'T', "start_kernel", NULL) &&
	   ks_is(kcovdf_kallsyms_below(&k, ~0ULL), 0xffffffffc0a01000ULL,
		 't', "mod_init", "mymod"),
	   "kallsyms: nearest at or below (the last of equal addresses)");
	kcovdf_kallsyms_free(&k);

	rc = ks_read(normal, sizeof(normal) - 1, "tT", &k);
	ok(rc == 0 && k.n == 6 && k.text == 0xffffffff81000000ULL &&
	   ks_is(&k.v[0], 0xffffffff81000000ULL, 'T', "_text", NULL) &&
	   ks_is(&k.v[5], 0xffffffffc0a01000ULL, 't', "mod_init", "mymod"),
	   "kallsyms: types \"tT\" keeps the functions");
	kcovdf_kallsyms_free(&k);
	rc = ks_read(normal, sizeof(normal) - 1, "", &k);
	ok(rc == 0 && k.n == 0 && !k.v && k.text == 0xffffffff81000000ULL,
	   "kallsyms: types \"\" keeps none, _text still found");
	kcovdf_kallsyms_free(&k);

	rc = ks_read(bad, sizeof(bad) - 1, NULL, &k);
	ok(rc == 0 && k.n == 2 && k.skipped == 12 &&
	   ks_is(&k.v[0], 0xffffffff81000300ULL, 'T', "good_one", NULL) &&
	   ks_is(&k.v[1], 0xffffffff81000400ULL, 't', "spaced_0x", NULL) &&
	   k.text == 0,
	   "kallsyms: malformed lines (and a NUL byte, an empty line) "
	   "skipped and counted");
	kcovdf_kallsyms_free(&k);

	/* A line longer than the limit is skipped whole: what comes after
	 * byte 1024 (here a well-formed line) is not read as a line. */
	n = 3 * KCOVDF_KALLSYMS_LINE_MAX;
	big = malloc(n + 200);
	longname = malloc(600);
	if (!big || !longname)
		abort();
	memset(longname, 'n', 599);
	longname[599] = 0;
	n = (size_t)sprintf(big, "ffffffff81000000 T ");
	memset(big + n, 'x', KCOVDF_KALLSYMS_LINE_MAX);
	n += KCOVDF_KALLSYMS_LINE_MAX;
	n += (size_t)sprintf(big + n, " ffffffff81000010 T tail_of_long\n"
			     "ffffffff81000020 T %s\n"
			     "ffffffff81000030 t after_long\n", longname);
	rc = ks_read(big, n, NULL, &k);
	ok(rc == 0 && k.n == 2 && k.skipped == 1 &&
	   ks_is(&k.v[0], 0xffffffff81000020ULL, 'T', longname, NULL) &&
	   ks_is(&k.v[1], 0xffffffff81000030ULL, 't', "after_long", NULL),
	   "kallsyms: an overlong line is skipped whole, a 599-byte name kept");
	kcovdf_kallsyms_free(&k);
	/* A long line without a newline at the end of the file. */
	memset(big, '1', 2 * KCOVDF_KALLSYMS_LINE_MAX);
	rc = ks_read(big, 2 * KCOVDF_KALLSYMS_LINE_MAX, NULL, &k);
	ok(rc == 0 && k.n == 0 && k.skipped == 1,
	   "kallsyms: an overlong last line without a newline");
	kcovdf_kallsyms_free(&k);
	free(big);
	free(longname);

	rc = ks_read("", 0, NULL, &k);
	ok(rc == 0 && k.n == 0 && k.skipped == 0 && k.text == 0 && !k.v,
	   "kallsyms: an empty file is no symbols");
	kcovdf_kallsyms_free(&k);
	kcovdf_kallsyms_free(&k);	/* twice: harmless */
	errno = 0;
	rc = kcovdf_kallsyms_read("/nonexistent/kallsyms", NULL, &k);
	ok(rc == -1 && errno == ENOENT && k.n == 0 && !k.v,
	   "kallsyms: a missing file is ENOENT, k empty");
	kcovdf_kallsyms_free(&k);
}

int main(void)
{
	test_pcext();
	test_v2();
	test_rev1();
	test_v2_content();
	test_doc();
	test_trace();
	test_trace_huge_map();
	test_trace_many_streams();
	test_trace_tasks();
	test_calls();
	test_calls_many_args();
	test_calls_deep_stack();
	test_format();
	test_wide();
	test_strings();
	test_fmt_contexts();
	test_fmt_oom();
	test_kallsyms();
	return tap_done();
}
