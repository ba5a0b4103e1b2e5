// SPDX-License-Identifier: GPL-2.0
/*
 * Synthetic kernel traces for tests/suites/54-merge.sh, written with the
 * library's writer: dataflow and PC_EXT streams of the same tasks, DEPTH
 * words, remote sections, truncated streams, words and records of unknown
 * kinds. Functions live at made-up addresses named by a SYMS chunk, so no
 * kernel image is needed.
 *
 *   mkmerge OUT.trace merge|damaged|badsection
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
#define SECT KCOV_DF_KIND_SECTION
#define FIRST KCOV_DF_F_FIRST
#define NOARGS KCOV_DF_F_NOARGS
#define VOID KCOV_DF_F_VOID
#define REMOTE KCOV_DF_F_REMOTE
#define SIGNED KCOV_DF_F_SIGNED
#define NONE KCOV_DF_ARGIDX_NONE
#define NW(a) (sizeof(a) / sizeof((a)[0]))

#define BASE 0xffffffff81000000ULL
static const char *names[] = {
	"ksys_read", "vfs_read", "rw_verify_area", "security_file_permission",
	"fsnotify", "schedule", "pipe_read", "kworker_fn",
};
enum { KSYS_READ, VFS_READ, VERIFY, SECURITY, FSNOTIFY, SCHEDULE, PIPE_READ,
       WORKER, NFN };
#define F(i) (BASE + 0x1000 * (uint64_t)(i))
/* PC_EXT words: an address inside the function, top byte = type. */
#define IP(i, off) ((F(i) + (off)) & KCOV_RECORD_IP_MASK)
#define EN(i) (IP(i, 0x10) | KCOV_RECORDFLAG_TYPE_ENTRY)
#define EX(i) (IP(i, 0x80) | KCOV_RECORDFLAG_TYPE_EXIT)
#define BB(i) (IP(i, 0x40) | KCOV_RECORDFLAG_TYPE_NORMAL)
#define DEPTH(d) (KCOV_RECORDFLAG_TYPE_DEPTH | \
		  ((uint64_t)(int64_t)(d) & KCOV_RECORD_IP_MASK))

static void header(void)
{
	const char *kv[] = { "source=kernel", "kernel.release=6.12.0-test",
			     "kaslr_offset=0x0", "record.pcext=1" };
	uint64_t addrs[NFN];

	chk(kcovdf_write_file_hdr(fd), "header");
	chk(kcovdf_write_meta(fd, kv, NW(kv)), "meta");
	for (int i = 0; i < NFN; i++)
		addrs[i] = F(i);
	syms(names, addrs, NFN);
}

#define PC KCOVDF_STREAM_PCEXT
#define LOCAL KCOVDF_STREAM_LOCAL
#define FMT_PC KCOVDF_FMT_KCOV_PCEXT
#define FMT_V1 KCOVDF_FMT_VERSIONED

/* ksys_read(fd, buf, count) as tasks 10 to 50 call it: the records of
 * its three arguments, and of its return. */
#define READ_ARGS(fd, buf, count)					\
	V1(ARG, FIRST | SIGNED, 0, 0, 4), F(KSYS_READ), fd,		\
	V1(ARG, 0, 1, 0, 8), F(KSYS_READ), buf,				\
	V1(ARG, 0, 2, 0, 8), F(KSYS_READ), count
#define READ_RET(n) V1(RET, SIGNED, NONE, 0, 8), F(KSYS_READ), n

static void merge_trace(void)
{
	/* 10: values nest under a frame that has none. */
	uint64_t df10[] = {
		READ_ARGS(3, 0x7ffd0000a000ULL, 123),
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(VERIFY), 0,
		V1(RET, SIGNED, NONE, 0, 4), F(VERIFY), 0,
		READ_RET(123),
	};
	uint64_t pc10[] = {
		EN(KSYS_READ), BB(KSYS_READ),
		EN(VFS_READ),
		EN(VERIFY), EN(SECURITY), EX(SECURITY), EX(VERIFY),
		EN(FSNOTIFY), EX(FSNOTIFY),
		EX(VFS_READ),
		EX(KSYS_READ),
	};
	/* 20: DEPTH words. schedule's exits happened while recording was
	 * off (-1); pipe_read was entered while it was off (+1). */
	uint64_t df20[] = {
		READ_ARGS(4, 0x7ffd0000b000ULL, 16),
		READ_RET(16),
	};
	uint64_t pc20[] = {
		EN(KSYS_READ), EN(VFS_READ), EN(SCHEDULE), DEPTH(-1),
		DEPTH(1), EX(PIPE_READ), EX(VFS_READ), EX(KSYS_READ),
	};
	/* 30: the PC_EXT buffer filled up after two entries; dataflow went
	 * on, and lost records itself. */
	uint64_t df30[] = {
		READ_ARGS(5, 0x7ffd0000c000ULL, 1),
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(VERIFY), 0,
		V1(RET, SIGNED, NONE, 0, 4), F(VERIFY), 0,
		V1(KCOV_DF_KIND_LOST, 0, NONE, 0, 0), 0, 2,
		READ_RET(1),
	};
	uint64_t pc30[] = { EN(KSYS_READ), EN(VFS_READ) };
	/* 40: PC_EXT words of types this reader does not know. */
	uint64_t pc40[] = {
		EN(FSNOTIFY), IP(FSNOTIFY, 0x20) | 0x3000000000000000ULL,
		IP(FSNOTIFY, 0x20) | 0x7000000000000000ULL, EX(FSNOTIFY),
	};
	/* 50: remote work: two sections, the second never ended. */
	uint64_t rdf50[] = {
		V1(SECT, FIRST | REMOTE, NONE, 1, 8), 0, 0x42, 77,
		V1(ARG, FIRST | REMOTE | SIGNED, 0, 0, 4), F(PIPE_READ), 7,
		V1(RET, REMOTE | SIGNED, NONE, 0, 8), F(PIPE_READ), 64,
		V1(SECT, VOID | REMOTE, NONE, 1, 8), 0, 0x42, 77,
		V1(SECT, FIRST | REMOTE, NONE, 1, 8), 0, 0x42, 78,
		V1(ARG, FIRST | NOARGS | REMOTE, NONE, 0, 0), F(WORKER), 0,
	};
	uint64_t rpc50[] = {
		EN(PIPE_READ), EN(FSNOTIFY), EX(FSNOTIFY), EX(PIPE_READ),
		EN(WORKER), EN(SCHEDULE),
	};
	uint64_t df50[] = {
		READ_ARGS(7, 0x7ffd0000d000ULL, 64),
		READ_RET(64),
	};

	/* 80: dataflow calls without PC_EXT frames (a file built for
	 * dataflow only) enclose a frame that has both: they open around it.
	 * An earlier dataflow-only call is passed over, placed as it is. */
	uint64_t df80[] = {
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(VERIFY), 1,
		V1(RET, SIGNED, NONE, 0, 4), F(VERIFY), 0,
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(KSYS_READ), 8,
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(VFS_READ), 8,
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(PIPE_READ), 9,
		V1(RET, SIGNED, NONE, 0, 8), F(PIPE_READ), 32,
		V1(RET, SIGNED, NONE, 0, 8), F(VFS_READ), 32,
		V1(RET, SIGNED, NONE, 0, 8), F(KSYS_READ), 32,
	};
	uint64_t pc80[] = { EN(PIPE_READ), EN(FSNOTIFY), EX(FSNOTIFY),
			    EX(PIPE_READ) };
	/* 90: PC_EXT says fsnotify returned (DEPTH -1) where the dataflow
	 * has no return: the calls after it are its siblings, not its
	 * children. Then a function entered unseen (DEPTH +1) whose return
	 * the dataflow has: one call. */
	uint64_t df90[] = {
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(FSNOTIFY), 1,
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(VERIFY), 2,
		V1(RET, SIGNED, NONE, 0, 4), F(VERIFY), 0,
		V1(RET, SIGNED, NONE, 0, 4), F(SECURITY), -13,
	};
	uint64_t pc90[] = { EN(FSNOTIFY), DEPTH(-1), EN(VERIFY), EX(VERIFY),
			    DEPTH(1), EX(SECURITY) };

	header();
	stream(10, 10, LOCAL, FMT_V1, "nest", df10, NW(df10));
	stream(10, 10, PC, FMT_PC, "nest", pc10, NW(pc10));
	stream(20, 20, LOCAL, FMT_V1, "depth", df20, NW(df20));
	stream(20, 20, PC, FMT_PC, "depth", pc20, NW(pc20));
	stream(30, 30, LOCAL, FMT_V1, "trunc", df30, NW(df30));
	stream(30, 30, PC, FMT_PC, "trunc", pc30, NW(pc30));
	stream(40, 40, PC, FMT_PC, "unknown", pc40, NW(pc40));
	stream(50, 50, LOCAL, FMT_V1, "remote", df50, NW(df50));
	stream(50, 50, KCOVDF_STREAM_REMOTE, FMT_V1, "remote", rdf50, NW(rdf50));
	stream(50, 50, KCOVDF_STREAM_REMOTE_PCEXT, FMT_PC, "remote", rpc50,
	       NW(rpc50));
	stream(80, 80, LOCAL, FMT_V1, "enclose", df80, NW(df80));
	stream(80, 80, PC, FMT_PC, "enclose", pc80, NW(pc80));
	stream(90, 90, LOCAL, FMT_V1, "released", df90, NW(df90));
	stream(90, 90, PC, FMT_PC, "released", pc90, NW(pc90));
}

/* A dataflow record of an unknown kind in the middle of a stream. */
static void damaged_trace(void)
{
	uint64_t df[] = {
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(KSYS_READ), 3,
		V1(ARG, FIRST | SIGNED, 0, 0, 4), F(VERIFY), 0,
		V1(9, 0, NONE, 0, 0), 0, 0,
		V1(RET, SIGNED, NONE, 0, 8), F(KSYS_READ), 1,
	};
	uint64_t pc[] = { EN(KSYS_READ), EN(VERIFY), EX(VERIFY),
			  EX(KSYS_READ) };

	header();
	stream(60, 60, LOCAL, FMT_V1, "damaged", df, NW(df));
	stream(60, 60, PC, FMT_PC, "damaged", pc, NW(pc));
}

/* A SECTION record without its pid word. */
static void badsection_trace(void)
{
	uint64_t df[] = {
		V1(SECT, FIRST | REMOTE, NONE, 0, 8), 0, 0x42,
	};

	header();
	stream(70, 70, KCOVDF_STREAM_REMOTE, FMT_V1, "bad", df, NW(df));
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkmerge OUT merge|damaged|badsection\n");
		return 2;
	}
	create(argv[1]);
	if (!strcmp(argv[2], "merge"))
		merge_trace();
	else if (!strcmp(argv[2], "damaged"))
		damaged_trace();
	else if (!strcmp(argv[2], "badsection"))
		badsection_trace();
	else
		return 2;
	return close(fd) ? 1 : 0;
}
