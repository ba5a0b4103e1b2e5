/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-built trace files for the tests (tests/merge/mkmerge.c,
 * tests/tools/mktrace.c, tests/fuzz/gen_corpus.c): the file's descriptor,
 * a check that exits on a failed write, a STREAM chunk and a SYMS chunk.
 */
#ifndef KCOVDF_TEST_TRACE_WRITER_H
#define KCOVDF_TEST_TRACE_WRITER_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf/kcovdf.h"

static int fd;			/* the trace being written */

static void chk(int rc, const char *what)
{
	if (rc) {
		perror(what);
		exit(1);
	}
}

/* The trace file, created (or emptied) as fd; exit 1 when it cannot be. */
static void create(const char *path)
{
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
}

/* A STREAM chunk: n words of task pid/tid, chunk seq of its stream. comm
 * fills the header's 16 bytes, without a NUL when it is that long (NUL
 * padded, as the format has it; a fuzz seed has such a name). */
static void stream_seq(uint32_t pid, uint32_t tid, uint32_t kind,
		       uint32_t fmt, uint64_t seq, const char *comm,
		       const uint64_t *w, size_t n)
{
	struct kcovdf_stream_hdr h = {
		.pid = pid, .tid = tid, .kind = kind, .format = fmt,
		.nwords = n, .seq = seq,
	};

	strncpy(h.comm, comm, sizeof(h.comm));
	chk(kcovdf_write_chunk(fd, KCOVDF_CHUNK_STREAM, 0, &h, sizeof(h), w,
			       n * 8), "stream");
}

/* A stream in one chunk, or its first. */
static void stream(uint32_t pid, uint32_t tid, uint32_t kind, uint32_t fmt,
		   const char *comm, const uint64_t *w, size_t n)
{
	stream_seq(pid, tid, kind, fmt, 0, comm, w, n);
}

/* A SYMS chunk: n functions, names[i] at addrs[i]. */
static void syms(const char *const *names, const uint64_t *addrs, int n)
{
	uint8_t buf[1024];
	size_t len = 0;

	for (int i = 0; i < n; i++) {
		struct kcovdf_sym_entry e = {
			.addr = addrs[i],
			.name_len = (uint32_t)strlen(names[i]),
		};

		if (len + sizeof(e) + e.name_len + 8 > sizeof(buf)) {
			fputs("syms: too many names\n", stderr);
			exit(1);
		}
		memcpy(buf + len, &e, sizeof(e));
		memcpy(buf + len + sizeof(e), names[i], e.name_len);
		len += sizeof(e) + e.name_len;
		while (len % 8)
			buf[len++] = 0;
	}
	chk(kcovdf_write_chunk(fd, KCOVDF_CHUNK_SYMS, 0, buf, len, NULL, 0),
	    "syms");
}

#endif /* KCOVDF_TEST_TRACE_WRITER_H */
