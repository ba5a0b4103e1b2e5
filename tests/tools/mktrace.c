// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-built kernel-like traces for tests/suites/35-tools.sh, written with
 * the library's writer (kcovdf_write_*): until a trace from the patched
 * kernel is available, they give the tools what only kernel traces have
 * (source=kernel, KASLR bias, SYMS names, error returns, ERR_PTR, loss
 * markers, remote streams, the documented record format).
 *
 *   mktrace OUT.trace doc|v1 BIAS NAME=ADDR...
 *
 * ADDR is a function's address in the stand-in vmlinux
 * (tests/tools/kernel-funcs.c, from nm); the records carry ADDR + BIAS,
 * as a kernel with that KASLR offset would.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcovdf/kcovdf.h"
#include "../lib/trace_writer.h"

#define V1(kind, flags, idx, nextra, size) \
	KCOV_DF_V2_HDR(kind, flags, idx, nextra, size)
#define ARG KCOV_DF_KIND_ARG
#define RET KCOV_DF_KIND_RET
#define FIRST KCOV_DF_F_FIRST
#define SIGNED KCOV_DF_F_SIGNED
#define NONE KCOV_DF_ARGIDX_NONE
#define NW(a) (sizeof(a) / sizeof((a)[0]))
#define ENT(n, seq) KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_ENTRY, n, seq)
#define DRET(n, seq) KCOV_DF_DOC_HDR(KCOV_DF_DOC_TYPE_RET, n, seq)
#define META(i, size, raw) KCOV_DF_DOC_META(i, size, raw)
#define NEG(x) ((uint64_t)(int64_t)(x))

static const char *names[] = {
	"do_sys_open", "ksys_read", "filp_open", "vfs_llseek", "mutex_lock",
	"mutex_unlock",
};
enum { OPEN, READ, FILP, SEEK, LOCK, UNLOCK, NFN };
static uint64_t pc[NFN], bias;
static void header(const char *format)
{
	char kaslr[64], fmt[32];
	const char *kv[] = { "source=kernel", "kernel.release=6.12.0-test",
			     kaslr, fmt };
	struct kcovdf_map m = {
		.kind = KCOVDF_MAP_VMLINUX, .start = pc[OPEN],
		.end = pc[OPEN] + 0x100000, .bias = bias,
		.path_len = 7,
	};

	snprintf(kaslr, sizeof(kaslr), "kaslr_offset=0x%llx",
		 (unsigned long long)bias);
	snprintf(fmt, sizeof(fmt), "format=%s", format);
	chk(kcovdf_write_file_hdr(fd), "header");
	chk(kcovdf_write_meta(fd, kv, NW(kv)), "meta");
	/* start 0: no _text in the stand-in, the bias is exact. */
	m.start = 0;
	chk(kcovdf_write_chunk(fd, KCOVDF_CHUNK_MAP, 0, &m, sizeof(m),
			       "vmlinux", 7), "map");
	syms(names, pc, NFN);
}

static void loss(uint32_t pid, uint32_t tid, uint64_t records,
		 uint64_t dropped)
{
	struct kcovdf_loss l = {
		.pid = pid, .tid = tid, .records = records, .dropped = dropped,
	};

	chk(kcovdf_write_chunk(fd, KCOVDF_CHUNK_LOSS, 0, &l, sizeof(l), NULL,
			       0), "loss");
}

/* The documented format: one record per argument, returns apart, no
 * nesting, no signedness. */
static void doc_trace(void)
{
	const uint64_t name = 0xffff888012340000ULL, ubuf = 0x7ffd0000a000ULL;
	const uint64_t file = 0xffff888004321000ULL;
	uint64_t w[] = {
		/* do_sys_open(-100, name, 0) = -ENOENT */
		ENT(1, 1), pc[OPEN], META(0, 4, NEG(-100)), NEG(-100),
		ENT(1, 2), pc[OPEN], META(1, 8, name), name,
		ENT(1, 3), pc[OPEN], META(2, 4, 0), 0,
		DRET(1, 4), pc[OPEN], META(0, 4, NEG(-2)), NEG(-2),
		/* do_sys_open(-100, name, 0x241) = 3 */
		ENT(1, 5), pc[OPEN], META(0, 4, NEG(-100)), NEG(-100),
		ENT(1, 6), pc[OPEN], META(1, 8, name), name,
		ENT(1, 7), pc[OPEN], META(2, 4, 0x241), 0x241,
		DRET(1, 8), pc[OPEN], META(0, 4, 3), 3,
		/* ksys_read(99, ubuf, 4096) = -EBADF */
		ENT(1, 9), pc[READ], META(0, 4, 99), 99,
		ENT(1, 10), pc[READ], META(1, 8, ubuf), ubuf,
		ENT(1, 11), pc[READ], META(2, 8, 4096), 4096,
		DRET(1, 12), pc[READ], META(0, 8, NEG(-9)), NEG(-9),
		/* vfs_llseek(file {f_flags=2, f_mode=0x1f, f_pos=0}, -1, 2)
		 * = -EINVAL */
		ENT(3, 13), pc[SEEK], META(0, 8, file), 2, 0x1f, 0,
		ENT(1, 14), pc[SEEK], META(1, 8, NEG(-1)), NEG(-1),
		ENT(1, 15), pc[SEEK], META(2, 4, 2), 2,
		DRET(1, 16), pc[SEEK], META(0, 4, NEG(-22)), NEG(-22),
	};

	header("doc");
	stream(200, 201, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_DOC, "cat", w, NW(w));
	loss(200, 201, 16, 0);
}

/* The versioned format: nested calls, signed values, ERR_PTR, a loss,
 * a remote stream, a second task. */
static void v1_trace(void)
{
	const uint64_t name = 0xffff888012340000ULL, ubuf = 0x7ffd0000a000ULL;
	const uint64_t file = 0xffff888004321000ULL;
	const uint64_t lock = 0xffff888000aa0000ULL;
	uint64_t cat[] = {
		/* do_sys_open(-100, name, 0) { filp_open(name, 0) =
		 * ERR_PTR(-ENOENT) } = -ENOENT */
		V1(ARG, FIRST | SIGNED, 0, 0, 4), pc[OPEN], NEG(-100),
		V1(ARG, 0, 1, 0, 8), pc[OPEN], name,
		V1(ARG, SIGNED, 2, 0, 4), pc[OPEN], 0,
		V1(ARG, FIRST, 0, 0, 8), pc[FILP], name,
		V1(ARG, SIGNED, 1, 0, 4), pc[FILP], 0,
		V1(RET, KCOV_DF_F_FIELDS | KCOV_DF_F_ERRPTR, NONE, 1, 8),
		pc[FILP], NEG(-2), 0x1234,
		V1(RET, SIGNED, NONE, 0, 4), pc[OPEN], NEG(-2),
		/* ksys_read(99, ubuf, 4096) = -EBADF */
		V1(ARG, FIRST, 0, 0, 4), pc[READ], 99,
		V1(ARG, 0, 1, 0, 8), pc[READ], ubuf,
		V1(ARG, 0, 2, 0, 8), pc[READ], 4096,
		V1(RET, SIGNED, NONE, 0, 8), pc[READ], NEG(-9),
		/* 3 records lost */
		V1(KCOV_DF_KIND_LOST, 0, NONE, 0, 0), 0, 3,
		/* mutex_lock(lock) twice, mutex_unlock once */
		V1(ARG, FIRST, 0, 0, 8), pc[LOCK], lock,
		V1(RET, KCOV_DF_F_VOID, NONE, 0, 0), pc[LOCK], 0,
		V1(ARG, FIRST, 0, 0, 8), pc[UNLOCK], lock,
		V1(RET, KCOV_DF_F_VOID, NONE, 0, 0), pc[UNLOCK], 0,
		V1(ARG, FIRST, 0, 0, 8), pc[LOCK], lock,
		V1(RET, KCOV_DF_F_VOID, NONE, 0, 0), pc[LOCK], 0,
		/* vfs_llseek(file {2, 0x1f, 0}, -1, 2) = -EINVAL */
		V1(ARG, FIRST | KCOV_DF_F_FIELDS, 0, 4, 8), pc[SEEK], file,
		0x5eed, 2, 0x1f, 0,
		V1(ARG, SIGNED, 1, 0, 8), pc[SEEK], NEG(-1),
		V1(ARG, 0, 2, 0, 4), pc[SEEK], 2,
		V1(RET, SIGNED, NONE, 0, 4), pc[SEEK], NEG(-22),
	};
	uint64_t remote[] = {
		/* work done for cat elsewhere: ksys_read(3, ubuf, 16) = 16 */
		V1(ARG, FIRST | KCOV_DF_F_REMOTE, 0, 0, 4), pc[READ], 3,
		V1(ARG, KCOV_DF_F_REMOTE, 1, 0, 8), pc[READ], ubuf,
		V1(ARG, KCOV_DF_F_REMOTE, 2, 0, 8), pc[READ], 16,
		V1(RET, SIGNED | KCOV_DF_F_REMOTE, NONE, 0, 8), pc[READ], 16,
	};
	uint64_t sh[] = {
		/* do_sys_open(-100, name, 0x241) = 3 */
		V1(ARG, FIRST | SIGNED, 0, 0, 4), pc[OPEN], NEG(-100),
		V1(ARG, 0, 1, 0, 8), pc[OPEN], name,
		V1(ARG, SIGNED, 2, 0, 4), pc[OPEN], 0x241,
		V1(RET, SIGNED, NONE, 0, 4), pc[OPEN], 3,
	};

	header("1");
	stream(300, 300, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_VERSIONED, "cat", cat,
	       NW(cat));
	stream(300, 300, KCOVDF_STREAM_REMOTE, KCOVDF_FMT_VERSIONED, "cat", remote,
	       NW(remote));
	stream(301, 301, KCOVDF_STREAM_LOCAL, KCOVDF_FMT_VERSIONED, "sh", sh, NW(sh));
	loss(300, 300, 25, 3);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: mktrace OUT doc|v1 BIAS NAME=ADDR...\n");
		return 2;
	}
	bias = strtoull(argv[3], NULL, 0);
	for (int i = 4; i < argc; i++) {
		char *eq = strchr(argv[i], '=');

		for (int f = 0; eq && f < NFN; f++)
			if ((size_t)(eq - argv[i]) == strlen(names[f]) &&
			    !strncmp(argv[i], names[f], strlen(names[f])))
				pc[f] = strtoull(eq + 1, NULL, 16) + bias;
	}
	for (int f = 0; f < NFN; f++) {
		if (!pc[f]) {
			fprintf(stderr, "mktrace: no address for %s\n",
				names[f]);
			return 2;
		}
	}
	create(argv[1]);
	if (!strcmp(argv[2], "doc"))
		doc_trace();
	else
		v1_trace();
	return close(fd) ? 1 : 0;
}
