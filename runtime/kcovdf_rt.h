/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcov-dataflow user-space runtime (build/libkcovdf-rt.a): optional API for
 * programs linked with it. Recording needs none of this: it starts by itself
 * when the environment variable KCOVDF_OUT names the trace file. See
 * docs/runtime.md.
 */
#ifndef KCOVDF_RT_H
#define KCOVDF_RT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KCOVDF_RT_VERSION 1

/* Non-zero when records are being written to the trace file. */
int kcovdf_rt_enabled(void);

/* Write the calling thread's buffered records now (STREAM chunks).
 * Returns 0, or -1 when disabled or the output is unusable. */
int kcovdf_rt_flush(void);

/* The descriptor of the trace file (a high, close-on-exec number), or -1. */
int kcovdf_rt_output_fd(void);

/* The calling thread's counters for one stream kind (KCOVDF_STREAM_LOCAL
 * or KCOVDF_STREAM_PCEXT), as its next LOSS chunk would carry them,
 * records still in the buffer included. Returns 0, or -1 for a bad kind. */
struct kcovdf_rt_counters {
	uint64_t records, dropped, truncated, skipped;
};
int kcovdf_rt_get_counters(unsigned int kind, struct kcovdf_rt_counters *c);

#ifdef __cplusplus
}
#endif

#endif /* KCOVDF_RT_H */
