/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcovdf record --follow-forks: record every task the command creates.
 *
 * Recording in the kernel is per task, and a child does not inherit it; the
 * documentation's pattern is that each child opens the device, sizes it and
 * enables recording for itself. A command we did not write does not do
 * that, so the recorder does it for it: it traces the command with ptrace,
 * and when a new task (fork, vfork or clone) first stops, it makes that
 * task run openat(2) of the device, takes the new descriptor over with
 * pidfd_getfd(2), sizes and maps the buffer itself, makes the task run
 * ioctl(KCOV_DF_ENABLE) and close(2), and lets it go. The task's descriptor
 * table and registers are as they were; its buffer stays mapped in the
 * recorder, which reads it after the task is gone.
 */
#ifndef KCOVDF_FOLLOW_H
#define KCOVDF_FOLLOW_H

#include <stdint.h>
#include <sys/types.h>

struct follow_task {
	pid_t tid, tgid;
	char comm[16];
	int fd;			/* the recorder's copy of the descriptor */
	uint64_t *buf;		/* mapped; word 0 counts the words after it */
	unsigned long words;
	int exited;
};

struct follow {
	const char *dev;	/* the device path */
	unsigned long words;	/* buffer size per task, in words */
	unsigned long format;	/* KCOV_DF_ENABLE's argument */
	struct follow_task *tasks;
	size_t n, cap;
	unsigned long missed;	/* tasks that could not be set up */
};

/* In the forked child, before it enables itself and execs: ask to be
 * traced and stop until the recorder has attached. 0 or -errno. */
int follow_child_prepare(void);

/* In the recorder: the child stopped in follow_child_prepare(); set the
 * tracing options and let it run. Dies on failure. */
void follow_attach(struct follow *f, pid_t child);

/* Run every traced task to its end, setting up each new one. Returns the
 * exit status of @child the way a shell reports it. */
int follow_wait(struct follow *f, pid_t child);

/* Unmap and close everything. */
void follow_free(struct follow *f);

#endif
