/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcovdf record, in three parts: record.c (options, what both kinds of
 * recording share, the summary read back from the finished file),
 * record_user.c (a program built with `kcovdf cc`, and the salvage of the
 * buffers of killed processes) and record_kernel.c (the kernel's buffers).
 */
#ifndef KCOVDF_RECORD_H
#define KCOVDF_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define DEV_PATH "/sys/kernel/debug/kcov_dataflow"
#define KCOV_PATH "/sys/kernel/debug/kcov"

struct rec_opts {
	const char *out;
	int mode;		/* 0 auto, 1 kernel, 2 user */
	int format;		/* KCOVDF_FMT_VERSIONED or _DOC */
	unsigned long words;
	int pcext;		/* --pc-ext */
	int remote;		/* --remote */
	int follow;		/* --follow-forks */
	uint64_t handle;	/* --handle, 0: chosen from our pid */
	char **cmd;
};

int record_user(struct rec_opts *o);
int record_kernel(struct rec_opts *o);

/* The command line as one string (META cmdline); exits when out of
 * memory. */
char *rec_join_cmd(char **cmd);

/* The first META entries of every trace: source=SOURCE, tool, date (now,
 * UTC) and cmdline, in kv[0..3]; returns 4. */
size_t rec_meta_start(char **kv, const char *source, const char *cmdline);

/* META record.format's value: "doc" or "v2". */
const char *rec_format_name(const struct rec_opts *o);

/* waitpid() until it reports PID's end; its wait status. */
int rec_wait_status(pid_t pid);

/* The runtime's per-thread buffer without KCOVDF_BUFFER_WORDS
 * (docs/runtime.md). */
#define REC_USER_BUFFER_WORDS 262144UL

/* What a user-space recording knows that the file does not say. */
struct rec_user_end {
	unsigned long buffer_words;	/* the runtime's per-thread buffer */
	uint64_t salvage_uncertain;	/* records salvage dropped as maybe
					 * incomplete */
	unsigned int salvage_buffers;	/* buffers salvaged */
};

/*
 * Read the finished file back with the library, so that what we report is
 * what a reader will see: records, streams, processes, PC_EXT words,
 * losses, the streams of a user-space trace that ended without their
 * final counters. died: the signal the command died of, or 0. user: NULL
 * for a kernel trace. 0, or -1 when the file is unreadable or damaged.
 */
int rec_summarise(const char *path, int died, const struct rec_user_end *user);

#endif
