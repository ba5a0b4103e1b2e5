/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kcovdf trace file: a container for record streams and for what later
 * analysis needs to make sense of them. Written by the user-space runtime and
 * by `kcovdf record`; read by lib/trace_read.c only. See docs/trace-format.md.
 *
 * All integers are little-endian. The file is
 *
 *   struct kcovdf_file_hdr
 *   chunk*          each: struct kcovdf_chunk_hdr, then `size` payload bytes,
 *                   then zero padding to the next multiple of 8
 *
 * A reader rejects a file whose magic or major version it does not know and
 * a chunk of unknown type with KCOVDF_CHUNK_CRITICAL set. Unknown chunks
 * without that flag are skipped. A file that ends inside a chunk (disk
 * full, the writer killed) is truncated: the complete chunks before the
 * cut are read, and the reader says where the cut is.
 */
#ifndef KCOVDF_TRACE_FILE_H
#define KCOVDF_TRACE_FILE_H

#include <stdint.h>

#define KCOVDF_FILE_MAGIC	"KCOVDFT\0"
#define KCOVDF_FILE_MAJOR	1
#define KCOVDF_FILE_MINOR	2	/* 1: stream kind REMOTE_PCEXT,
					 * 2: chunk type STREAM_PACKED */

struct kcovdf_file_hdr {
	char magic[8];		/* KCOVDF_FILE_MAGIC */
	uint16_t major;		/* KCOVDF_FILE_MAJOR */
	uint16_t minor;
	uint32_t hdr_size;	/* sizeof(struct kcovdf_file_hdr) */
	uint64_t flags;		/* none defined; must be 0 */
	uint64_t reserved;
};

struct kcovdf_chunk_hdr {
	uint32_t type;		/* KCOVDF_CHUNK_* */
	uint32_t flags;		/* KCOVDF_CHUNK_CRITICAL */
	uint64_t size;		/* payload bytes, without padding */
};

#define KCOVDF_CHUNK_CRITICAL	0x1

enum kcovdf_chunk_type {
	/* "key=value\0" strings; see docs/trace-format.md for the keys. */
	KCOVDF_CHUNK_META = 1,
	/* struct kcovdf_stream_hdr, then nwords record words. */
	KCOVDF_CHUNK_STREAM = 2,
	/* struct kcovdf_map: where an ELF object (program, library, vmlinux,
	 * module) was loaded. */
	KCOVDF_CHUNK_MAP = 3,
	/* struct kcovdf_loss: counters of one stream's producer. */
	KCOVDF_CHUNK_LOSS = 4,
	/* struct kcovdf_sym_entry records: names of the functions the
	 * streams mention, taken from kallsyms when the trace was made, so a
	 * trace can be read without the kernel image. */
	KCOVDF_CHUNK_SYMS = 5,
	/* A STREAM chunk whose words are packed (include/kcovdf/wpack.h):
	 * struct kcovdf_stream_hdr (nwords: the words once unpacked), struct
	 * kcovdf_packed_hdr, then the packed bytes. Always written with
	 * KCOVDF_CHUNK_CRITICAL: a reader that cannot unpack it must not read
	 * the trace as if the records were not there. Minor version 2. */
	KCOVDF_CHUNK_STREAM_PACKED = 6,
};

struct kcovdf_packed_hdr {
	uint32_t codec;		/* KCOVDF_WPACK_CODEC */
	uint32_t check;		/* kcovdf_wpack_check() of the words: a
				 * damaged packing (one flipped bit changes
				 * every word predicted from it) is refused,
				 * not read as other records */
};

/* Where the records of a stream came from. */
enum kcovdf_stream_kind {
	KCOVDF_STREAM_LOCAL = 0,	/* the task's own records */
	KCOVDF_STREAM_REMOTE = 1,	/* work done on the task's behalf */
	KCOVDF_STREAM_PCEXT = 2,	/* KCOV_TRACE_PC_EXT words */
	KCOVDF_STREAM_REMOTE_PCEXT = 3,	/* PC_EXT words of remote work
					 * (KCOV_REMOTE_ENABLE) */
};

/* Record format of a stream's words. */
enum kcovdf_stream_format {
	KCOVDF_FMT_DOC = 0,		/* KCOV_DF_FMT_DOC */
	/* The versioned records: revision 2 (KCOV_DF_FMT_V2, tag 0xD2);
	 * in files written before it, revision 1 (tag 0xD1). Each record's
	 * tag says which. */
	KCOVDF_FMT_VERSIONED = 1,
	KCOVDF_FMT_V1 = KCOVDF_FMT_VERSIONED,	/* its old name */
	KCOVDF_FMT_KCOV_PCEXT = 2,	/* KCOV_TRACE_PC_EXT words */
};

/*
 * Several STREAM chunks may carry the same (pid, tid, kind): their words
 * are concatenated in file order. A chunk always holds whole records.
 */
struct kcovdf_stream_hdr {
	uint32_t pid;
	uint32_t tid;
	uint32_t kind;		/* enum kcovdf_stream_kind */
	uint32_t format;	/* enum kcovdf_stream_format */
	uint64_t nwords;
	uint64_t seq;		/* chunk number within this stream, from 0 */
	char comm[16];		/* NUL-padded task name */
};

enum kcovdf_map_kind {
	KCOVDF_MAP_ELF = 0,		/* user-space program or library */
	KCOVDF_MAP_VMLINUX = 1,
	KCOVDF_MAP_MODULE = 2,
};

/*
 * An object loaded at run time. For user space, bias is what was added to
 * the ELF's virtual addresses (dlpi_addr); for vmlinux it is the KASLR
 * offset; for a module, start is the address of its .text. The path (not
 * NUL-terminated, path_len bytes) follows the struct.
 */
struct kcovdf_map {
	uint32_t pid;		/* 0 for kernel objects */
	uint32_t kind;		/* enum kcovdf_map_kind */
	uint64_t start;
	uint64_t end;
	uint64_t bias;
	uint8_t build_id[32];
	uint32_t build_id_len;
	uint32_t path_len;
};

struct kcovdf_loss {
	uint32_t pid;
	uint32_t tid;
	uint32_t kind;		/* enum kcovdf_stream_kind */
	uint32_t reserved;
	uint64_t records;	/* records produced */
	uint64_t dropped;	/* records lost (buffer full, write failed) */
	uint64_t truncated;	/* records with values cut */
	uint64_t skipped;	/* callbacks ignored (recursion, signal) */
};

/* Entries follow one another; each is padded to a multiple of 8 bytes. */
struct kcovdf_sym_entry {
	uint64_t addr;		/* run-time address */
	uint32_t name_len;	/* bytes of name after the struct */
	uint32_t reserved;
};

#endif /* KCOVDF_TRACE_FILE_H */
