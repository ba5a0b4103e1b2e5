/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buffers a recorder can read after the program died (SIGKILL): when
 * KCOVDF_SALVAGE_DIR names a directory (`kcovdf record` sets it), the
 * user-space runtime makes every per-thread stream buffer a file there,
 * mapped MAP_SHARED, so that its contents outlive the process. The file is
 *
 *   struct kcovdf_salvage_hdr    (in the first SALVAGE_HDR_BYTES)
 *   header room, then the buffer: `words` 64-bit words at `data_off`
 *
 * The runtime keeps the header current at every flush (what is written to
 * the trace, the stream's counters) and zeroes the buffer when it starts
 * over, so the records not yet written are the valid ones from `flushed`
 * up to the first word that does not decode (zero). When the thread's
 * streams end normally (thread or process exit, exec, the flush before a
 * signal's default action) `done` is set and the file removed; a file left
 * with done == 0 belongs to a thread that never got there. See
 * docs/runtime.md, "SIGKILL: salvaged buffers".
 */
#ifndef KCOVDF_SALVAGE_H
#define KCOVDF_SALVAGE_H

#include <stdint.h>

#define KCOVDF_SALVAGE_MAGIC "KCDFSALV"
#define KCOVDF_SALVAGE_VERSION 1
#define KCOVDF_SALVAGE_HDR_BYTES 4096

struct kcovdf_salvage_hdr {
	char magic[8];		/* KCOVDF_SALVAGE_MAGIC */
	uint32_t version;	/* KCOVDF_SALVAGE_VERSION */
	uint32_t hdr_size;	/* sizeof(struct kcovdf_salvage_hdr) */
	uint32_t pid, tid;
	uint32_t kind, format;	/* enum kcovdf_stream_kind, _format */
	char comm[16];
	uint64_t data_off;	/* byte offset of the buffer in the file */
	uint64_t words;		/* its capacity in words */
	uint64_t flushed;	/* words [0, flushed) are in the trace file */
	uint64_t seq;		/* the next STREAM chunk's seq */
	uint64_t records, dropped, truncated, skipped; /* as written */
	uint32_t done;		/* 1: ended normally, nothing to salvage */
	uint32_t reserved;
};

#endif /* KCOVDF_SALVAGE_H */
