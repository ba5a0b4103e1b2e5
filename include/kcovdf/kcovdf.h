/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkcovdf: the one decoder of kcov-dataflow records, the trace file
 * reader and writer, and symbolisation. Every tool uses this library.
 *
 * The public API: what tools/, tests/ and bench/ use as library users
 * (compiled with -Iinclude -Iinclude/uapi; #include "kcovdf/kcovdf.h").
 * What only the library sources share is in lib/kcovdf_int.h.
 *
 * The library keeps no global state: what it builds lives in the objects
 * the caller owns and passes in (trace, symboliser, formatting context),
 * each documented with who owns what it returns and until when. Errors
 * are returned (-1 or NULL with errno set, or a message in err); see
 * docs/ARCHITECTURE.md for the allocation paths that still abort.
 */
#ifndef KCOVDF_KCOVDF_H
#define KCOVDF_KCOVDF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <linux/kcov_dataflow_abi.h>
#include "kcovdf/pcext.h"
#include "kcovdf/trace_file.h"
#include "kcovdf/wpack.h"

/*
 * Record format revision 1 (tag 0xD1): no longer written (KCOV_DF_ENABLE
 * refuses it), read from old trace files. It differs from revision 2 only
 * in the header word: flags (12 bits) at 51-40, argument index at 39-32,
 * extra words (16 bits) at 31-16.
 */
#define KCOVDF_R1_TAG		0xD1U
#define KCOVDF_R1_FLAGS(w)	((unsigned int)(((w) >> 40) & 0xfff))
#define KCOVDF_R1_ARGIDX(w)	((unsigned int)(((w) >> 32) & 0xff))
#define KCOVDF_R1_NEXTRA(w)	((unsigned int)(((w) >> 16) & 0xffff))
#define KCOVDF_R1_HDR(kind, flags, argidx, nextra, size)		\
	(((uint64_t)KCOVDF_R1_TAG << 56) |				\
	 (((uint64_t)(kind) & 0xf) << 52) |				\
	 (((uint64_t)(flags) & 0xfff) << 40) |				\
	 (((uint64_t)(argidx) & 0xff) << 32) |				\
	 (((uint64_t)(nextra) & 0xffff) << 16) |			\
	 ((uint64_t)((size) > 0xffff ? 0xffff : (size)) & 0xffff))

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

enum kcovdf_rec_kind {
	KCOVDF_REC_ARG = KCOV_DF_KIND_ARG,
	KCOVDF_REC_RET = KCOV_DF_KIND_RET,
	KCOVDF_REC_LOST = KCOV_DF_KIND_LOST,
	KCOVDF_REC_SECTION = KCOV_DF_KIND_SECTION,	/* versioned only */
};

/* One decoded record, in either format. Pointers point into the words. */
struct kcovdf_rec {
	int kind;		/* enum kcovdf_rec_kind */
	unsigned int flags;	/* KCOV_DF_F_* (DOC records: derived) */
	unsigned int argidx;	/* KCOV_DF_ARGIDX_NONE when none */
	unsigned int size;	/* bytes of the value */
	uint64_t pc;		/* instrumented function */
	uint64_t value;		/* scalar, pointer, or LOST count */
	uint64_t type_id;	/* layout id (FIELDS), else 0 */
	uint64_t unreadable;	/* bit i: field i could not be read */
	unsigned int nfields;	/* values in fields[] */
	const uint64_t *fields;
	uint32_t seq;		/* DOC only: the header's sequence number */
	unsigned int words;	/* words the record occupies */
	uint32_t task_pid;	/* SECTION: pid of the task that ran it;
				 * value is the handle, flags FIRST (start)
				 * or VOID (end) */
	unsigned int rev;	/* versioned records: 1 or 2 (the tag);
				 * DOC records: 0 */
	/* STRING: str_len bytes, byte i in bits 8*(i%8) of str[i/8] */
	const uint64_t *str;
	unsigned int str_len;
	/* WIDE: the value's bytes, 8 per word, wide_words words (the value
	 * word and the extra words); NULL when unreadable (FAULT) */
	const uint64_t *wide;
	unsigned int wide_words;
};

/*
 * Decode the record at w[0..avail-1] in the given format
 * (enum kcovdf_stream_format: DOC, or VERSIONED, whose records are of
 * revision 2 or, in old files, 1, each told by its tag). Returns the number of words
 * consumed (> 0), or -1 with a message in err when the words are not a
 * valid record (unknown tag or kind, record longer than avail, inconsistent
 * counts). Never reads beyond w[avail - 1].
 */
int kcovdf_rec_decode(int format, const uint64_t *w, size_t avail,
		      struct kcovdf_rec *r, char *err, size_t errlen);

/*
 * Walk record words (without the count word). Calls cb for each record;
 * stops at the first invalid record and returns -1 with err set (naming the
 * word offset), else 0. cb returning non-zero stops the walk and is returned.
 */
typedef int (*kcovdf_rec_cb)(const struct kcovdf_rec *r, void *arg);
int kcovdf_walk(int format, const uint64_t *words, size_t nwords,
		kcovdf_rec_cb cb, void *arg, char *err, size_t errlen);

/*
 * Walk a buffer as the kernel leaves it: buf[0] is the number of record
 * words, records follow. bufwords is the mapping's size in words; a count
 * larger than bufwords - 1 is an error (user space may have scribbled).
 */
int kcovdf_walk_buffer(int format, const uint64_t *buf, size_t bufwords,
		       kcovdf_rec_cb cb, void *arg, char *err, size_t errlen);

/*
 * KCOV_TRACE_PC_EXT words: the return address of the callback in the
 * function with the top byte replaced by the type (Jann Horn's KCOV
 * function entry/exit records).
 */
enum kcovdf_pcext_type {
	KCOVDF_PCEXT_ENTRY = 0,		/* function entry */
	KCOVDF_PCEXT_EXIT = 1,		/* function exit */
	KCOVDF_PCEXT_DEPTH = 0xe,	/* depth change while recording was
					 * suppressed (old files: type 2) */
	KCOVDF_PCEXT_NORMAL = 0xf,	/* another basic block */
};

struct kcovdf_pcext {
	int type;		/* enum kcovdf_pcext_type, or the unknown
				 * type nibble when decode returns -1 */
	uint64_t pc;		/* ENTRY, EXIT, NORMAL: the address */
	int64_t depth;		/* DEPTH: entries minus exits, the net change
				 * (28-bit signed; 56-bit in type 2 words) */
	int64_t depth_min;	/* DEPTH: the lowest depth reached, 0 or
				 * less (type 2 words: min(net, 0)) */
};

/*
 * Decode one PC_EXT word. kernel: addresses have their top byte set (the
 * kernel's word | ~KCOV_RECORD_IP_MASK); else cleared (user space).
 * Returns 0, or -1 for a type this decoder does not know (out->type says
 * which). A word never depends on its neighbours, so a reader may skip an
 * unknown one.
 */
int kcovdf_pcext_decode(uint64_t w, int kernel, struct kcovdf_pcext *out);

/* ------------------------------------------------------------------ */
/* Trace files                                                         */
/* ------------------------------------------------------------------ */

/* Where the words of one STREAM chunk are in the file. */
struct kcovdf_chunk_ref {
	uint64_t off;		/* file offset of the words, or of the packed
				 * bytes */
	uint64_t bytes;		/* packed bytes (plain: nwords * 8) */
	uint64_t nwords;	/* words (once unpacked) */
	int packed;		/* KCOVDF_CHUNK_STREAM_PACKED */
	uint32_t check;		/* packed: kcovdf_wpack_check() */
};

struct kcovdf_stream {
	uint32_t pid, tid, kind, format;
	char comm[17];
	uint64_t *words;	/* concatenated words of all its chunks; NULL
				 * for a trace opened with kcovdf_trace_open()
				 * until kcovdf_stream_load() */
	size_t nwords;		/* words of all its chunks */
	struct kcovdf_chunk_ref *chunks;	/* in file order */
	size_t nchunks;
};

struct kcovdf_map_entry {
	uint32_t pid, kind;
	uint64_t start, end, bias;
	uint8_t build_id[32];
	uint32_t build_id_len;
	char *path;
};

struct kcovdf_symname {
	uint64_t addr;
	char *name;
};

struct kcovdf_trace {
	uint16_t major, minor;
	char **meta;		/* "key=value" strings */
	size_t nmeta;
	struct kcovdf_stream *streams;
	size_t nstreams;
	struct kcovdf_map_entry *maps;
	size_t nmaps;
	struct kcovdf_loss *losses;
	size_t nlosses;
	struct kcovdf_symname *syms;	/* from SYMS chunks */
	size_t nsyms;
	/*
	 * A truncated file (disk full, the writer killed) ends inside a chunk:
	 * cut is that chunk's offset (0: the file is complete), cut_why says
	 * what was cut. Every chunk before it was read (nchunks complete
	 * chunks in all); kcovdf_trace_cut_losses() says what that costs.
	 */
	uint64_t size;		/* bytes in the file */
	uint64_t cut;
	size_t nchunks;
	char cut_why[160];
	size_t packed_chunks;	/* STREAM_PACKED chunks among them */
	void *src;		/* kcovdf_trace_open(): the file */
};

/* Read a whole trace file. Returns NULL with a message in err on any
 * malformed input (a file cut inside a chunk is not malformed: see cut);
 * never reads outside the file's bytes. */
struct kcovdf_trace *kcovdf_trace_read(const char *path, char *err,
				       size_t errlen);
struct kcovdf_trace *kcovdf_trace_parse(const void *data, size_t len,
					char *err, size_t errlen);
/*
 * Open a trace file for streaming: metadata (META, MAP, LOSS, SYMS) is
 * read and the STREAM chunks are indexed, but no words are read: streams
 * have words == NULL. Read them with a kcovdf_stream_reader (one chunk at
 * a time) or kcovdf_stream_load() (all of one stream). Packed chunks are
 * checked when they are read.
 */
struct kcovdf_trace *kcovdf_trace_open(const char *path, char *err,
				       size_t errlen);
void kcovdf_trace_free(struct kcovdf_trace *t);
/* Value of a META key (the last one given wins), or NULL. */
const char *kcovdf_trace_meta(const struct kcovdf_trace *t, const char *key);
/* The last LOSS chunk of a stream, or NULL. */
const struct kcovdf_loss *kcovdf_trace_loss(const struct kcovdf_trace *t,
					    const struct kcovdf_stream *s);
/*
 * For a truncated trace (t->cut), what the cut costs besides the records
 * after it, as text for a warning ("no LOSS chunk for 2 of 3 streams:
 * their losses are unknown; no SYMS chunk: ..."), or "" when nothing more
 * is known to be missing.
 */
void kcovdf_trace_cut_losses(const struct kcovdf_trace *t, char *buf,
			     size_t len);

/*
 * The tasks of a trace, as the reading commands show them: each dataflow
 * stream (DOC or versioned) with, for a versioned one, the PC_EXT stream
 * of the same task and side (LOCAL with PCEXT, REMOTE with REMOTE_PCEXT)
 * when there is one; and each PC_EXT stream whose task has no dataflow
 * stream on that side, alone (st == pcext). In stream order. Returns the
 * number of tasks with the array in *out (free() it), or -1 with errno
 * ENOMEM.
 */
struct kcovdf_task_streams {
	const struct kcovdf_stream *st;		/* dataflow, or PC_EXT alone */
	const struct kcovdf_stream *pcext;	/* its PC_EXT words, or NULL */
	int remote;		/* REMOTE or REMOTE_PCEXT */
};
ssize_t kcovdf_trace_tasks(const struct kcovdf_trace *t,
			   struct kcovdf_task_streams **out);

/* The words of a stream, one chunk at a time. */
struct kcovdf_stream_reader {
	const struct kcovdf_trace *t;
	const struct kcovdf_stream *s;
	size_t next;		/* next chunk */
	uint64_t pos;		/* words returned before the current chunk */
	uint64_t *buf;		/* the current chunk's words */
	size_t cap;
	uint8_t *pbuf;		/* packed bytes */
	size_t pcap;
	struct kcovdf_wpack *ws;
};
void kcovdf_stream_reader_init(struct kcovdf_stream_reader *r,
			       const struct kcovdf_trace *t,
			       const struct kcovdf_stream *s);
/* The next chunk: 1 with *words (valid until the next call) and *n, 0 at
 * the end, -1 with a message in err (a chunk that cannot be read or
 * unpacked). A stream with words loaded gives them all at once. */
int kcovdf_stream_reader_next(struct kcovdf_stream_reader *r,
			      const uint64_t **words, size_t *n, char *err,
			      size_t errlen);
void kcovdf_stream_reader_free(struct kcovdf_stream_reader *r);
/* Read all words of s (a stream of t) into s->words; 0, or -1 with err. */
int kcovdf_stream_load(const struct kcovdf_trace *t, struct kcovdf_stream *s,
		       char *err, size_t errlen);
/* Free them again (streams of a kcovdf_trace_open() trace only). */
void kcovdf_stream_unload(struct kcovdf_stream *s);
/* The records of a stream one at a time, chunk by chunk. */
struct kcovdf_rec_cursor {
	struct kcovdf_stream_reader rd;
	const uint64_t *w;
	size_t n, pos;
	uint64_t base;		/* stream offset of w[0] */
	uint64_t *carry;	/* a record's pieces from two chunks */
	int state;		/* 1 reading, 0 done, -1 error */
	char err[256];
};
void kcovdf_rec_cursor_init(struct kcovdf_rec_cursor *c,
			    const struct kcovdf_trace *t,
			    const struct kcovdf_stream *s);
/* 1: the next record in *r (what it points to is valid until the next
 * call), 0: the end, -1: an invalid record or unreadable chunk, message in
 * c->err ("word N: ..." as kcovdf_walk() says it). */
int kcovdf_rec_cursor_next(struct kcovdf_rec_cursor *c, struct kcovdf_rec *r);
void kcovdf_rec_cursor_free(struct kcovdf_rec_cursor *c);
/*
 * kcovdf_walk() over a stream, chunk by chunk; the records passed to cb
 * point into the current chunk (valid during the call only). Error
 * messages name the word offset in the whole stream, as kcovdf_walk()
 * over the concatenated words would.
 */
int kcovdf_walk_stream(const struct kcovdf_trace *t,
		       const struct kcovdf_stream *s, kcovdf_rec_cb cb,
		       void *arg, char *err, size_t errlen);

/* Writer: used by `kcovdf record` (the runtime writes chunks itself). */
int kcovdf_write_file_hdr(int fd);
int kcovdf_write_chunk(int fd, uint32_t type, uint32_t flags,
		       const void *a, size_t alen, const void *b, size_t blen);
int kcovdf_write_meta(int fd, const char *const *kv, size_t n);
/*
 * Write the words of a stream as STREAM chunks of at most
 * KCOVDF_WRITE_CHUNK_WORDS words each, split between records (PC_EXT
 * words: anywhere; words that do not decode as records are kept together
 * in the last chunk), each packed (STREAM_PACKED) unless pack is 0 or
 * packing would not make it smaller. h gives pid, tid, kind, format,
 * comm and the seq of the first chunk; nwords and seq are set per chunk.
 * Returns 0, or -1 (errno set) when a write fails.
 */
#define KCOVDF_WRITE_CHUNK_WORDS	(256u * 1024u)
int kcovdf_write_stream(int fd, const struct kcovdf_stream_hdr *h,
			const uint64_t *words, size_t nwords, int pack);

/* ------------------------------------------------------------------ */
/* Types and symbols (ELF symbol tables, DWARF via elfutils libdw)     */
/* ------------------------------------------------------------------ */

enum kcovdf_tkind {
	KCOVDF_T_UNKNOWN = 0, KCOVDF_T_VOID, KCOVDF_T_INT, KCOVDF_T_BOOL,
	KCOVDF_T_FLOAT, KCOVDF_T_PTR, KCOVDF_T_ENUM, KCOVDF_T_STRUCT,
	KCOVDF_T_UNION, KCOVDF_T_ARRAY, KCOVDF_T_FUNC,
};

struct kcovdf_type;

struct kcovdf_enumerator {
	int64_t value;
	char *name;
};

/* One field of a flattened object, as docs/layout.md defines it. */
struct kcovdf_tfield {
	char *name;			/* "a.b.c" */
	uint32_t offset;
	uint8_t size, bit_offset, bit_size, flags;	/* KCOV_DF_FIELD_* */
	const struct kcovdf_type *type;	/* the member's stripped type */
};

/* Floating-point formats, decided from the DWARF base type (as gdb does):
 * the size, and for 16 bytes the name (__float128 / _Float128 are IEEE
 * binary128, long double on x86-64 is x87's 80-bit extended format). */
enum kcovdf_float_fmt {
	KCOVDF_FLT_IEEE = 0,	/* binary32 or binary64, by size */
	KCOVDF_FLT_X87,		/* 80-bit extended, in 10, 12 or 16 bytes */
	KCOVDF_FLT_QUAD,	/* IEEE binary128 */
	KCOVDF_FLT_HALF,	/* IEEE binary16 (_Float16) */
	KCOVDF_FLT_BF16,	/* bfloat16 (__bf16) */
};

struct kcovdf_type {
	int kind;			/* enum kcovdf_tkind, after stripping */
	char *name;			/* as written: "size_t", "struct foo *" */
	uint64_t size;
	int is_signed;
	int is_char;
	int is_complex;			/* FLOAT: _Complex, two parts */
	int is_vector;			/* ARRAY: a vector (passed by value) */
	int float_fmt;			/* FLOAT: KCOVDF_FLT_*, of a part */
	const struct kcovdf_type *target;	/* pointee / element, stripped */
	struct kcovdf_enumerator *enums;
	size_t nenums;
	/* Flattened fields of this composite, or of the composite a pointer
	 * points to; NULL when the type is not decomposable. */
	struct kcovdf_tfield *fields;
	size_t nfields;
	int fields_trunc;
	char *object_name;		/* "struct foo" of the decomposed type */
};

struct kcovdf_param {
	char *name;			/* NULL when DWARF has none */
	const struct kcovdf_type *type;
};

struct kcovdf_fn {
	char *name;
	uint64_t addr;			/* run-time address of its entry */
	struct kcovdf_param *params;
	size_t nparams;
	const struct kcovdf_type *ret;	/* NULL: unknown */
	int have_dwarf;
	char *file;
	int line;
	char *object;			/* path or module of the ELF object */
};

/* A layout table read from an ELF file (struct kcov_df_layout). */
struct kcovdf_layout {
	uint64_t type_id;
	uint32_t size;
	uint16_t nfields, flags;
	struct kcov_df_field *fields;
	char *name;
};

struct kcovdf_symopts {
	const char *vmlinux;		/* kernel image with DWARF, or NULL */
	const char *const *module_dirs;	/* where to look for NAME.ko */
	size_t nmodule_dirs;
	const char *kallsyms;		/* e.g. /proc/kallsyms when live */
	const char *sysroot;		/* prefix for user-space paths, and
					 * for the system's debug places */
	/*
	 * Finding objects by the build ids the trace records (search set):
	 * the vmlinux and modules of a kernel trace when vmlinux (or
	 * module_dirs) does not give them, and a user-space object whose
	 * recorded path no longer holds it. Only a file whose GNU build id
	 * matches is used (modules of a trace that records none: by name,
	 * next to the vmlinux found). Searched in this order: in each of
	 * roots (the kcovdf tree, the trace's directory)
	 * build/kernel/<variant>/vmlinux and <variant>/modinst/; in each of
	 * dirs (the trace's directory) vmlinux, vmlinux-<anything>, NAME.ko;
	 * each of debug_path: a file, or a directory: its .build-id/NN/REST
	 * (.debug) tree, its vmlinux files and the NAME.ko below it; then
	 * the system's places under sysroot: /usr/lib/debug/.build-id/,
	 * /usr/lib/debug/boot/vmlinux-<release>,
	 * /usr/lib/debug/lib/modules/<release>/,
	 * /lib/modules/<release>/build/vmlinux, /lib/modules/<release>/,
	 * /boot/vmlinux-<release>. What was used: kcovdf_sym_notes(); what
	 * was searched in vain: a warning.
	 */
	int search;
	const char *const *roots;
	size_t nroots;
	const char *const *dirs;
	size_t ndirs;
	const char *const *debug_path;
	size_t ndebug_path;
};

/*
 * A symboliser for the objects of trace t (t and o may be NULL). Files
 * that are missing, unreadable or of another build are not errors: they
 * are warnings (kcovdf_sym_warnings()), and names come from what is left.
 * NULL, with errno ENOMEM, only when out of memory (nothing is kept).
 *
 * Out of memory in the lookups below is an error too, never a partial
 * answer: the call returns its error value with errno ENOMEM, keeps
 * nothing half built (no function or type with a missing name or field
 * is ever returned, then or later) and leaves s usable: the same call
 * made again when memory is available answers in full.
 */
struct kcovdf_sym;

struct kcovdf_sym *kcovdf_sym_new(const struct kcovdf_trace *t,
				  const struct kcovdf_symopts *o);
void kcovdf_sym_free(struct kcovdf_sym *s);
/* Warnings collected while loading (missing files, build-id mismatch). */
const char *kcovdf_sym_warnings(struct kcovdf_sym *s);
/* Which files were found by build id ("symbols from build/kernel/small/
 * vmlinux (build id 1a2b...)"), one line each, or "". */
const char *kcovdf_sym_notes(struct kcovdf_sym *s);
/*
 * The function whose entry is pc (the records' pc), owned by s and the
 * same pointer for the same pid and pc until kcovdf_sym_free(). Never NULL
 * but when out of memory (errno ENOMEM): a pc that nothing names (no ELF
 * symbol or DWARF, no SYMS or kallsyms entry at pc) is a function too,
 * named "0x<pc>", with have_dwarf 0, no parameters and ret NULL; object
 * is NULL when no opened ELF object holds pc.
 */
const struct kcovdf_fn *kcovdf_sym_fn(struct kcovdf_sym *s, uint32_t pid,
				      uint64_t pc);
/* The start of the function that contains addr (any address inside it,
 * such as a PC_EXT return address): ELF symbol sizes, DWARF, the trace's
 * SYMS names (nearest below), kallsyms (nearest below). 0; or -1 with
 * errno ENOENT when nothing knows the address (sym may be NULL: always
 * that), -1 with errno ENOMEM when out of memory. */
int kcovdf_sym_func_start(struct kcovdf_sym *s, uint32_t pid, uint64_t addr,
			  uint64_t *start);
/* The layout table with this id from any loaded object, or NULL when none
 * has it (the tables are read by kcovdf_sym_new(): this allocates nothing
 * and cannot run out of memory). */
const struct kcovdf_layout *kcovdf_sym_layout(struct kcovdf_sym *s,
					      uint64_t type_id);
/* Name of an error code (22 -> "EINVAL"), or NULL. */
const char *kcovdf_errno_name(long e);

/*
 * The kernel's symbol list in the /proc/kallsyms text format: lines
 * "ADDR TYPE NAME", or "ADDR TYPE NAME\t[MODULE]" for a module's symbol.
 * ADDR is 1 to 16 hex digits (an optional 0x before them), TYPE one
 * character, NAME and MODULE have no white space; fields are separated by
 * blanks (spaces, tabs), and blanks may end the line. A line that is not
 * that (ADDR too long, a second word in TYPE, anything after NAME but
 * [MODULE]), that holds a NUL byte, or that is longer than
 * KCOVDF_KALLSYMS_LINE_MAX bytes is skipped whole and counted in skipped.
 */
#define KCOVDF_KALLSYMS_LINE_MAX	1024

struct kcovdf_ksym {
	uint64_t addr;
	char type;			/* the type letter as written: 'T' */
	const char *name;
	const char *module;		/* "ext4" of "[ext4]"; NULL: vmlinux */
};

struct kcovdf_kallsyms {
	struct kcovdf_ksym *v;		/* by address; equal ones in file order */
	size_t n;
	uint64_t text;			/* address of _text (the last line
					 * naming it, whatever its type and
					 * types below), 0 if none */
	size_t skipped;			/* malformed or overlong lines */
	char *strings;			/* the names (owned: free with
					 * kcovdf_kallsyms_free) */
};

/*
 * Read the kallsyms-format file at path (/proc/kallsyms, or a saved copy)
 * into k, keeping the lines whose TYPE is one of the characters of types
 * ("tT": the functions), every line when types is NULL ("" keeps none:
 * only text is wanted). Returns 0 (an empty file is no symbols), or -1
 * with errno set: fopen()'s error, ENOMEM, EIO (a read error); k is then
 * empty. Free with kcovdf_kallsyms_free() (harmless on an empty k).
 */
int kcovdf_kallsyms_read(const char *path, const char *types,
			 struct kcovdf_kallsyms *k);
void kcovdf_kallsyms_free(struct kcovdf_kallsyms *k);
/* The symbol nearest at or below addr (of equal addresses the last in
 * file order), or NULL. */
const struct kcovdf_ksym *kcovdf_kallsyms_below(const struct kcovdf_kallsyms *k,
						uint64_t addr);

/* ------------------------------------------------------------------ */
/* Calls: records of one stream turned into a call tree                */
/* ------------------------------------------------------------------ */

struct kcovdf_call {
	uint64_t pc;
	const struct kcovdf_fn *fn;	/* NULL without symbols */
	struct kcovdf_rec *args;	/* ARG records in order */
	size_t nargs;
	struct kcovdf_rec ret;		/* valid when has_ret */
	int has_ret;
	int no_entry;		/* return seen, entry was not recorded */
	int no_exit;		/* entry seen, return never recorded */
	uint64_t lost;		/* a LOST marker: records dropped here */
	int depth;
	uint64_t index;		/* order of the call's first record */
	struct kcovdf_call *parent, *child, *last_child, *next;
	/* Remote sections (KCOV_DF_KIND_SECTION): a node with pc 0 whose
	 * children ran in the section. */
	int section;		/* this node is a remote section */
	int section_open;	/* its end record was never seen */
	uint64_t handle;	/* the section's handle */
	uint32_t section_pid;	/* the task that ran it */
	int remote;		/* a call inside a remote section */
	/* Merged trees (kcovdf_calls_merge): */
	unsigned int src;	/* KCOVDF_SRC_*: which streams saw the call */
	int exits_unrecorded;	/* closed by a DEPTH record */
	int entry_unrecorded;	/* opened by a DEPTH record */
	uint64_t blocks;	/* NORMAL PC_EXT words directly in the call */
};

#define KCOVDF_SRC_DF		0x1	/* dataflow records */
#define KCOVDF_SRC_PCEXT	0x2	/* PC_EXT entry or exit words */

struct kcovdf_calls {
	struct kcovdf_call *root;	/* first top-level call */
	size_t ncalls;
	int nested;		/* 0: no RET records, flat list */
	void *priv;
};

/*
 * Build the call tree of a stream (DOC or V1). DOC streams cannot express
 * calls without arguments or void returns, so they are not nested: every
 * group of argument records and every return is its own entry. Returns 0,
 * or -1 with err set when a record is invalid (the calls built up to that
 * record are kept, so a damaged trace still shows what came before), or
 * -1 with errno ENOMEM and err "out of memory" when memory ran out (what
 * was built is kept too, but it is not all the stream holds).
 */
int kcovdf_calls_build(const struct kcovdf_stream *st, struct kcovdf_sym *sym,
		       struct kcovdf_calls *out, char *err, size_t errlen);
void kcovdf_calls_free(struct kcovdf_calls *c);

/*
 * One call tree from a task's dataflow stream (V1, or NULL) and its PC_EXT
 * stream (or NULL), docs/tools.md "Merged call trees": the PC_EXT words
 * give the nesting of every instrumented function; each dataflow call is
 * attached to the next PC_EXT frame of the same function (start address
 * from kcovdf_sym_func_start()) that is consistent with the dataflow
 * nesting; dataflow calls that find none are kept where the dataflow tree
 * puts them. DEPTH words close (negative) or open (positive) frames marked
 * exits_unrecorded / entry_unrecorded. kernel selects the PC_EXT address
 * form. Returns 0, or -1 with err set when the dataflow stream is damaged
 * (the tree then holds what came before), or ENOMEM as above. PC_EXT
 * words of unknown type are counted in *unknown (may be NULL) and skipped.
 */
int kcovdf_calls_merge(const struct kcovdf_stream *df,
		       const struct kcovdf_stream *pcext, int kernel,
		       struct kcovdf_sym *sym, struct kcovdf_calls *out,
		       uint64_t *unknown, char *err, size_t errlen);
/*
 * The same calls (of df, merged with pcext when not NULL), handed on as
 * they become known instead of built into a tree: open(c) when a call and
 * its arguments are known (c->parent, open, is its caller in the tree;
 * c->depth its depth), close(c) when its subtree is complete (its return,
 * no_exit and the other marks are final), in pre-order. c->child, next and
 * last_child are not set. A call is freed after its close returns, so
 * memory follows the depth of the call stack, not the length of the
 * stream (merged trees: plus the look-ahead into the dataflow stream,
 * about 1024 calls; calls below a frame opened by a DEPTH word are held
 * until that frame's exit names it). t is the trace the streams belong
 * to (kcovdf_trace_open()); streams with words loaded need none. Returns
 * as kcovdf_calls_merge() does, after closing every call; when memory ran
 * out (ENOMEM) the calls still open are not closed but freed.
 */
struct kcovdf_call_sink {
	void (*open)(void *arg, const struct kcovdf_call *c);
	void (*close)(void *arg, const struct kcovdf_call *c);
	void *arg;
};
int kcovdf_calls_stream(const struct kcovdf_trace *t,
			const struct kcovdf_stream *df,
			const struct kcovdf_stream *pcext, int kernel,
			struct kcovdf_sym *sym,
			const struct kcovdf_call_sink *sink, uint64_t *unknown,
			char *err, size_t errlen);
/* Pre-order walk: the next call after c (children first). */
struct kcovdf_call *kcovdf_call_next(struct kcovdf_call *c);

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

/* A value ready to print: what a record says about one argument or
 * return, with names and types attached. */
struct kcovdf_fieldval {
	const char *name;		/* "x", "a.b", or "+8" when unnamed */
	const struct kcovdf_type *type;	/* NULL when unknown */
	uint64_t value;
	unsigned int flags;		/* KCOV_DF_FIELD_* */
	int unreadable;
	int optout;			/* the compiler did not know it (a
					 * by-value piece optimized out);
					 * unreadable is set too */
	uint32_t offset;		/* bytes into the object */
	unsigned int bytes;		/* bytes it covers (1..8) */
	/* 1 + the index of a pointer field that shares bytes with this
	 * non-pointer field (a union of a pointer and an integer), or 0:
	 * then the bytes may hold an address (diff compares them like a
	 * pointer). */
	unsigned int ptr_alias;
};

struct kcovdf_val {
	const char *name;		/* parameter name, "arg3", or NULL */
	const struct kcovdf_type *type;	/* NULL when unknown */
	uint64_t value;
	unsigned int size;
	int optout, is_null, is_errptr, byval, is_void, has_object;
	int rec_signed;			/* the record says: signed scalar */
	int not_read;			/* NOTREAD: the function does not read
					 * the object; only the pointer */
	/* WIDE (wider than 64 bits): the value's bytes, little-endian, 8 per
	 * word; NULL with wide_fault when they could not be read */
	const uint64_t *wide;
	unsigned int wide_words;
	int wide_trunc, wide_fault;	/* more than 72 bytes; unreadable */
	/* STRING (a char *): str_len bytes, byte i in bits 8*(i%8) of
	 * str[i/8]; str_trunc: the string goes on; str_fault: reading
	 * faulted after str_len bytes */
	int is_string, str_trunc, str_fault;
	const uint64_t *str;
	unsigned int str_len;
	const char *object_name;	/* "struct foo" */
	struct kcovdf_fieldval *fields;
	size_t nfields;
	int fields_trunc;
	/* Text shown after the fields, inside the braces (view's note
	 * that the other fields are as before), or NULL. */
	const char *note;
	/* Show a negative int/long return as an error name (-EINVAL): the
	 * setting of the kcovdf_fmt that described the value. */
	int errno_names;
};

/* The float format of a DWARF base type of this name and size (of one
 * part of a complex). */
int kcovdf_float_fmt(const char *name, uint64_t size);

/*
 * A formatting context: owns the memory of the values and items described
 * with it (kcovdf_val_describe(), kcovdf_call_items()) and holds the
 * formatting settings. The library keeps no state of its own: two contexts
 * never affect each other. A context is not thread-safe; use one per
 * thread. kcovdf_fmt_new() returns NULL with errno set (ENOMEM) when out
 * of memory; kcovdf_fmt_free() frees everything described with it (f may
 * be NULL).
 */
struct kcovdf_fmt;
struct kcovdf_fmt *kcovdf_fmt_new(void);
void kcovdf_fmt_free(struct kcovdf_fmt *f);
/* Show negative int/long returns as error names (-EINVAL): on for kernel
 * traces, where that is the convention, off (the default) for user
 * space. Applies to values described after the call. */
void kcovdf_fmt_errno_names(struct kcovdf_fmt *f, int on);

/* Describe an ARG or RET record. The names and fields out points to are
 * f's: they live until kcovdf_val_reset(f), kcovdf_items_reset(f) or
 * kcovdf_fmt_free(f). Returns 0, or -1 with errno set (ENOMEM; out is
 * then not usable). */
int kcovdf_val_describe(struct kcovdf_fmt *f, struct kcovdf_sym *sym,
			const struct kcovdf_fn *fn, const struct kcovdf_rec *r,
			int format, struct kcovdf_val *out);
/* Free what f's values use (not the items). */
void kcovdf_val_reset(struct kcovdf_fmt *f);

/*
 * Append a value as text ("5", "-EINVAL", "0x7ffd... {x=1, y=2}") or
 * JSON to a growing string. Start from a zeroed struct. When memory runs
 * out, err becomes ENOMEM and stays (like ferror()): the text is then
 * incomplete, every later append does nothing, and s is still a string
 * ("" when nothing could be allocated). kcovdf_buf_printf() returns 0, or
 * -1 (errno set) when it could not append; the kcovdf_fmt_*() and
 * kcovdf_item_*() functions that append to a buffer leave the error in
 * err. Check err before using the text.
 */
struct kcovdf_buf {
	char *s;
	size_t len, cap;
	int err;		/* 0, or ENOMEM: the text is incomplete */
	char none[1];		/* s when nothing could be allocated */
};
int kcovdf_buf_printf(struct kcovdf_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kcovdf_buf_free(struct kcovdf_buf *b);
void kcovdf_fmt_scalar(struct kcovdf_buf *b, const struct kcovdf_type *t,
		       uint64_t v, unsigned int size, unsigned int fflags,
		       int json);
/*
 * Display hints for kcovdf_fmt_scalar()'s fflags, beyond the KCOV_DF_FIELD_*
 * bits: an integer shown in hex (flags, masks) or octal (file modes). Text
 * only; JSON numbers stay numbers.
 */
#define KCOVDF_FMT_HEX	0x10000u
#define KCOVDF_FMT_OCT	0x20000u
/* The hint for an integer named name (a parameter, "a.b.f_flags", NULL)
 * of type t: octal for umode_t and mode_t, hex for types named like flags
 * (gfp_t, fmode_t, vm_flags_t, ...) and for names containing "flag",
 * "mode" or "mask"; else 0. */
unsigned int kcovdf_fmt_hint(const char *name, const struct kcovdf_type *t);
void kcovdf_fmt_val(struct kcovdf_buf *b, const struct kcovdf_val *v, int json);
void kcovdf_json_str(struct kcovdf_buf *b, const char *s);
/* A field's value as view shows it ("<unreadable>", "<optimized out>"). */
void kcovdf_fmt_fieldval(struct kcovdf_buf *b,
			 const struct kcovdf_fieldval *f);
/* The JSON keys after "value" for an argument or return: "fields",
 * "object", "optimized_out", "null", "err_ptr", "errno", "enum". */
void kcovdf_fmt_val_json_extra(struct kcovdf_buf *b,
			       const struct kcovdf_val *v);

/* ------------------------------------------------------------------ */
/* Items: a call's values by name (report, check, diff, export)        */
/* ------------------------------------------------------------------ */

enum kcovdf_item_state {
	KCOVDF_ITEM_OK = 0,
	KCOVDF_ITEM_OPTOUT,	/* the parameter was optimized out */
	KCOVDF_ITEM_UNREADABLE,	/* the field could not be read */
	KCOVDF_ITEM_NOTREAD,	/* a field of an object the function does
				 * not read at entry: not recorded */
};

/* One value of a call: an argument, a field of an argument, the return
 * value or one of its fields. Named as the tools show it: "max",
 * "p->refcnt" (field of a pointed-to object), "m.lo.x" (field of an object
 * passed by value), "ret", "ret->x". */
struct kcovdf_item {
	const char *param;	/* parameter name ("max", "arg2") or "ret" */
	const char *field;	/* "refcnt", "lo.x"; NULL: the value itself */
	int arrow;		/* field reached through a pointer */
	int is_ret;
	unsigned int argidx;	/* KCOV_DF_ARGIDX_NONE for the return */
	unsigned int order;	/* 0: the value, 1 + i: field i */
	const struct kcovdf_type *type;	/* NULL when unknown */
	uint64_t value;
	unsigned int size;	/* bytes, used when the type is unknown */
	unsigned int fflags;	/* KCOV_DF_FIELD_* hints (PTR, SIGNED, ...) */
	int state;		/* enum kcovdf_item_state */
	/* A value wider than 64 bits (value: its first 8 bytes) */
	const uint64_t *wide;
	unsigned int wide_words;
	int wide_trunc;
	/* A string (value: the pointer), as in struct kcovdf_val */
	int is_string, str_trunc, str_fault;
	const uint64_t *str;
	unsigned int str_len;
	/* A field whose bytes a pointer field of the same object shares
	 * (kcovdf_fieldval.ptr_alias): that pointer's value, when readable. */
	int has_alias;
	uint64_t alias_value;
	int errno_names;	/* the return's kcovdf_val.errno_names */
};

/*
 * The items of a call, in order: each argument's value (not for an object
 * passed by value: its fields carry the values), then its fields, then the
 * return value and its fields (none for void). ret, when not NULL, is used
 * as the call's return (DOC streams keep returns apart from entries).
 * The items and what they point to (but the types, which are sym's) are
 * f's: they live until kcovdf_items_reset(f) or kcovdf_fmt_free(f).
 * Returns the number of items, or -1 with errno set (ENOMEM).
 */
ssize_t kcovdf_call_items(struct kcovdf_fmt *f, struct kcovdf_sym *sym,
			  const struct kcovdf_call *c,
			  const struct kcovdf_rec *ret, int format,
			  struct kcovdf_item **out);
/* Free f's items and values (kcovdf_val_reset() too). */
void kcovdf_items_reset(struct kcovdf_fmt *f);
/* The item's name: "max", "p->refcnt", "m.lo.x", "ret". */
void kcovdf_item_path(struct kcovdf_buf *b, const struct kcovdf_item *it);
/* The value as `kcovdf view` shows it ("-EINVAL" for a kernel return,
 * "RED", "NULL", "<optimized out>", "<not read by callee>"), or as JSON
 * (null when unknown). */
void kcovdf_item_text(struct kcovdf_buf *b, const struct kcovdf_item *it,
		      int json);

/* An item's value as a number, for comparisons. */
enum kcovdf_num_kind { KCOVDF_NUM_INT = 1, KCOVDF_NUM_FLOAT };
struct kcovdf_num {
	int kind;		/* enum kcovdf_num_kind */
	int is_signed;		/* INT: u holds an int64_t */
	int is_ptr;
	uint64_t u;		/* INT: sign- or zero-extended from its width */
	double d;		/* FLOAT */
	const struct kcovdf_type *type;	/* for enumerator names, or NULL */
	/* Values wider than 64 bits: INT (__int128): hi holds bits 64-127
	 * (u bits 0-63); FLOAT (long double, _Float128): d is the nearest
	 * double, u and hi the value's first 16 bytes, so that equal
	 * numbers have equal u, hi and d. 0 otherwise. */
	int wide;
	uint64_t hi;
};
/* 0, or -1 when the value is unknown (optimized out, unreadable) or is no
 * single number (a vector, a complex, an integer wider than 128 bits, a
 * string: compare kcovdf_item_text() then). */
int kcovdf_item_num(const struct kcovdf_item *it, struct kcovdf_num *n);
/* -1, 0, 1: by value; a negative signed number is below every unsigned
 * one; an integer compared with a float is converted to double. */
int kcovdf_num_cmp(const struct kcovdf_num *a, const struct kcovdf_num *b);
/* The number of an error name ("EINVAL" -> 22, kernel-internal names such
 * as "EPROBE_DEFER" too), or 0. The inverse of kcovdf_errno_name(). */
long kcovdf_errno_value(const char *name);

/* ------------------------------------------------------------------ */
/* Contract rules (docs/rules.md)                                      */
/* ------------------------------------------------------------------ */

struct kcovdf_rules;

/* Parse rules text (len bytes). Returns NULL with "FILE:LINE:COLUMN:
 * message" in err and errno EINVAL on a syntax error, errno ENOMEM (the
 * message says "out of memory") when memory ran out. */
struct kcovdf_rules *kcovdf_rules_parse(const char *text, size_t len,
					const char *file, char *err,
					size_t errlen);
void kcovdf_rules_free(struct kcovdf_rules *rs);
size_t kcovdf_rules_count(const struct kcovdf_rules *rs);

struct kcovdf_rule_info {
	unsigned int line;	/* first line of the rule in its file */
	const char *text;	/* as written, comments removed */
	const char *kind;	/* "assert", "unique", "before", "balances" */
	/* Counters of the last kcovdf_rules_check(): */
	uint64_t calls;		/* calls of the rule's functions */
	uint64_t checked;	/* calls the rule could decide */
	uint64_t violations;
	uint64_t unknown;	/* a value it needs was not recorded */
	uint64_t not_applicable;	/* it names what the call has not */
};
void kcovdf_rules_info(const struct kcovdf_rules *rs, size_t i,
		       struct kcovdf_rule_info *out);

/* The streams to check, with their call trees. */
struct kcovdf_check_task {
	const struct kcovdf_stream *st;
	const struct kcovdf_calls *calls;
};

struct kcovdf_violation {
	size_t rule;			/* index of the rule */
	size_t task;			/* index into the tasks */
	const struct kcovdf_call *call;	/* the call that breaks it */
	const struct kcovdf_rec *ret;	/* DOC: its return, kept apart */
	int has_other;			/* an earlier call is involved */
	size_t other_task;
	const struct kcovdf_call *other;
	const struct kcovdf_rec *other_ret;
	const char *message;		/* the values that decided */
};
/* Called for each violation. What v points to is valid during the call. */
typedef void (*kcovdf_violation_cb)(const struct kcovdf_violation *v,
				    void *arg);

/*
 * Check every rule over the calls of the tasks (in order; each task's
 * calls in the order they began). kernel selects the default scope of
 * unique() (the whole trace; else per process). Returns 0, or -1 with
 * "FILE:LINE:COLUMN: message" in err when a rule names something that is
 * no parameter, field, enumerator or error name of any call it applies to
 * ("out of memory", errno ENOMEM, when memory ran out). The values are
 * described in a context of the check's own, with fmt's settings (NULL:
 * the defaults); fmt's memory is not touched.
 */
int kcovdf_rules_check(struct kcovdf_rules *rs,
		       const struct kcovdf_fmt *fmt, struct kcovdf_sym *sym,
		       const struct kcovdf_check_task *tasks, size_t ntasks,
		       int kernel, kcovdf_violation_cb cb, void *arg,
		       char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* Hash maps: byte strings to pointers                                 */
/* ------------------------------------------------------------------ */

/*
 * A hash map from byte strings to pointers, for the analysis code and the
 * tools: distinct values, unique keys, call paths. Keys are copied. Start
 * from a zeroed struct; the members are the implementation's. Not
 * thread-safe.
 */
struct kcovdf_hmap_ent;
struct kcovdf_hmap {
	struct kcovdf_hmap_ent *e;
	size_t n, cap;
};

/* The value slot of key, inserted (as NULL) when missing; *created says
 * which (created may be NULL). NULL with errno set (ENOMEM) when out of
 * memory; the map is then as before. */
void **kcovdf_hmap_slot(struct kcovdf_hmap *m, const void *key, size_t klen,
			int *created);
/* The value of key, or NULL. */
void *kcovdf_hmap_get(const struct kcovdf_hmap *m, const void *key,
		      size_t klen);
/* Free the table and the copied keys; free_val (may be NULL) on values. */
void kcovdf_hmap_free(struct kcovdf_hmap *m, void (*free_val)(void *));

#endif /* KCOVDF_KCOVDF_H */
