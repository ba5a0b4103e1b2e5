// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf record --follow-forks: see follow.h for the idea.
 *
 * Injecting a system call into a stopped task (x86-64): its first stop is
 * right after the fork, vfork or clone that created it returned, so the two
 * bytes before its instruction pointer are a `syscall` instruction. We
 * point rip at that instruction, put the call's number and arguments in
 * the registers, single-step it, read rax, and finally put every register
 * back. The device path is written into the task's stack, well below its
 * stack pointer (past the 128-byte red zone), and the words it covered are
 * restored afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/kcov_dataflow.h>

#include "follow.h"
#include "kcovdf_tool.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

int follow_child_prepare(void)
{
	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		return -errno;
	if (raise(SIGSTOP))
		return -errno;
	return 0;
}

void follow_attach(struct follow *f, pid_t child)
{
	int st;

	(void)f;
	while (waitpid(child, &st, __WALL) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
		die("--follow-forks: the command did not stop for tracing "
		    "(status 0x%x)", st);
	/* EXITKILL: if we die, nothing runs on unrecorded. */
	if (ptrace(PTRACE_SETOPTIONS, child, NULL,
		   (void *)(long)(PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
				  PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
				  PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL)))
		die("--follow-forks: PTRACE_SETOPTIONS: %s", strerror(errno));
	if (ptrace(PTRACE_CONT, child, NULL, NULL))
		die("--follow-forks: PTRACE_CONT: %s", strerror(errno));
}

static struct follow_task *find(struct follow *f, pid_t tid)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->tasks[i].tid == tid)
			return &f->tasks[i];
	return NULL;
}

static void add_task(struct follow *f, const struct follow_task *t)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		struct follow_task *nt = realloc(f->tasks, cap * sizeof(*nt));

		if (!nt)
			die("out of memory");
		f->tasks = nt;
		f->cap = cap;
	}
	f->tasks[f->n++] = *t;
}

static void read_comm(pid_t tid, char comm[16])
{
	char path[64];
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)tid);
	fp = fopen(path, "re");
	if (!fp)
		return;
	if (fgets(comm, 16, fp))
		comm[strcspn(comm, "\n")] = 0;
	fclose(fp);
}

static pid_t read_tgid(pid_t tid)
{
	char path[64], line[128];
	pid_t tgid = tid;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fp = fopen(path, "re");
	if (!fp)
		return tid;
	while (fgets(line, sizeof(line), fp))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(fp);
	return tgid;
}

#if defined(__x86_64__)

/*
 * Run one system call in the stopped task @tid. Signals that arrive
 * meanwhile are kept in *@pending (the last one wins; the task is about to
 * run again, and a lost duplicate of a standard signal is not observable).
 * Returns the call's result, or -ESRCH when the task went away.
 */
static long inject(pid_t tid, const struct user_regs_struct *saved,
		   unsigned long insn, long nr, long a0, long a1, long a2,
		   long a3, int *pending)
{
	struct user_regs_struct r = *saved;
	int st;

	r.rip = insn;
	r.rax = nr;
	r.orig_rax = -1;	/* not in a system call: no restart */
	r.rdi = a0;
	r.rsi = a1;
	r.rdx = a2;
	r.r10 = a3;
	if (ptrace(PTRACE_SETREGS, tid, NULL, &r))
		return -errno;
	for (;;) {
		if (ptrace(PTRACE_SINGLESTEP, tid, NULL, NULL))
			return -errno;
		while (waitpid(tid, &st, __WALL) < 0)
			if (errno != EINTR)
				return -errno;
		if (!WIFSTOPPED(st))
			return -ESRCH;
		if (WSTOPSIG(st) == SIGTRAP && (st >> 16) == 0)
			break;
		if ((st >> 16) == 0)
			*pending = WSTOPSIG(st);
		if (ptrace(PTRACE_GETREGS, tid, NULL, &r))
			return -errno;
		if (r.rip != insn)	/* it ran, then stopped again */
			break;
	}
	if (ptrace(PTRACE_GETREGS, tid, NULL, &r))
		return -errno;
	return (long)r.rax;
}

#define SCRATCH_WORDS 8

/* Enable recording in the new task @tid; 0 or -errno. */
static int setup(struct follow *f, pid_t tid, int *pending)
{
	struct user_regs_struct saved;
	unsigned long insn, scratch, keep[SCRATCH_WORDS];
	char path[SCRATCH_WORDS * sizeof(long)];
	struct follow_task t;
	long word, fdc, r;
	int pidfd, err = 0;

	memset(&t, 0, sizeof(t));
	t.fd = -1;
	if (strlen(f->dev) >= sizeof(path))
		return -ENAMETOOLONG;
	memset(path, 0, sizeof(path));
	strcpy(path, f->dev);
	if (ptrace(PTRACE_GETREGS, tid, NULL, &saved))
		return -errno;
	insn = saved.rip - 2;
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, tid, (void *)insn, NULL);
	if (errno)
		return -errno;
	if ((word & 0xffff) != 0x050f)		/* syscall */
		return -ENOEXEC;
	scratch = (saved.rsp - 128 - 512) & ~15UL;
	for (int i = 0; i < SCRATCH_WORDS; i++) {
		errno = 0;
		keep[i] = ptrace(PTRACE_PEEKDATA, tid,
				 (void *)(scratch + i * sizeof(long)), NULL);
		if (errno)
			return -errno;
	}
	for (int i = 0; i < SCRATCH_WORDS; i++) {
		unsigned long w;

		memcpy(&w, path + i * sizeof(long), sizeof(w));
		if (ptrace(PTRACE_POKEDATA, tid,
			   (void *)(scratch + i * sizeof(long)), (void *)w)) {
			err = -errno;
			goto restore;
		}
	}

	fdc = inject(tid, &saved, insn, SYS_openat, AT_FDCWD, (long)scratch,
		     O_RDWR, 0, pending);
	if (fdc < 0) {
		err = (int)fdc;
		goto restore;
	}
	pidfd = (int)syscall(SYS_pidfd_open, tid, PIDFD_THREAD);
	if (pidfd < 0)
		pidfd = (int)syscall(SYS_pidfd_open, tid, 0);
	if (pidfd >= 0) {
		t.fd = (int)syscall(SYS_pidfd_getfd, pidfd, (int)fdc, 0);
		if (t.fd < 0)
			err = -errno;
		close(pidfd);
	} else {
		err = -errno;
	}
	if (!err && ioctl(t.fd, KCOV_DF_INIT_TRACE, f->words))
		err = -errno;
	if (!err) {
		t.buf = mmap(NULL, f->words * 8, PROT_READ | PROT_WRITE,
			     MAP_SHARED, t.fd, 0);
		if (t.buf == MAP_FAILED) {
			t.buf = NULL;
			err = -errno;
		}
	}
	if (!err) {
		t.words = f->words;
		r = inject(tid, &saved, insn, SYS_ioctl, fdc, KCOV_DF_ENABLE,
			   (long)f->format, 0, pending);
		if (r < 0)
			err = (int)r;
	}
	/* The task's descriptor goes; its recording (and ours) stays. */
	r = inject(tid, &saved, insn, SYS_close, fdc, 0, 0, 0, pending);
	if (!err && r < 0)
		err = (int)r;
restore:
	for (int i = 0; i < SCRATCH_WORDS; i++)
		ptrace(PTRACE_POKEDATA, tid,
		       (void *)(scratch + i * sizeof(long)), (void *)keep[i]);
	if (ptrace(PTRACE_SETREGS, tid, NULL, &saved) && !err)
		err = -errno;
	if (err) {
		if (t.buf)
			munmap(t.buf, f->words * 8);
		if (t.fd >= 0)
			close(t.fd);
		return err;
	}
	t.tid = tid;
	t.tgid = read_tgid(tid);
	read_comm(tid, t.comm);
	add_task(f, &t);
	return 0;
}

#else

static int setup(struct follow *f, pid_t tid, int *pending)
{
	(void)f;
	(void)tid;
	(void)pending;
	return -ENOSYS;
}

#endif

int follow_wait(struct follow *f, pid_t child)
{
	int status = 1, st;

	for (;;) {
		pid_t p = waitpid(-1, &st, __WALL);
		int sig, ev;

		if (p < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ECHILD)
				break;
			die("waitpid: %s", strerror(errno));
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			struct follow_task *t = find(f, p);

			if (t)
				t->exited = 1;
			if (p == child) {
				if (WIFEXITED(st)) {
					status = WEXITSTATUS(st);
				} else {
					warnx_("command killed by signal %d",
					       WTERMSIG(st));
					status = 128 + WTERMSIG(st);
				}
			}
			continue;
		}
		if (!WIFSTOPPED(st))
			continue;
		sig = WSTOPSIG(st);
		ev = st >> 16;
		if (sig == SIGTRAP && ev) {
			/* fork, vfork, clone, exec or exit: the new task
			 * reports itself with its own first stop. */
			if (ev == PTRACE_EVENT_EXIT || ev == PTRACE_EVENT_EXEC) {
				struct follow_task *t = find(f, p);

				if (t)
					read_comm(p, t->comm);
			}
			ptrace(PTRACE_CONT, p, NULL, NULL);
			continue;
		}
		if (sig == SIGSTOP && p != child && !find(f, p)) {
			int pending = 0, err = setup(f, p, &pending);

			if (err) {
				f->missed++;
				warnx_("--follow-forks: task %d is not "
				       "recorded: %s", (int)p, strerror(-err));
				add_task(f, &(struct follow_task){
					.tid = p, .tgid = p, .fd = -1 });
			}
			ptrace(PTRACE_CONT, p, NULL, (void *)(long)pending);
			continue;
		}
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU) {
			siginfo_t si;

			/* A group-stop, not a signal to deliver: without
			 * PTRACE_SEIZE there is no listening; resume. */
			if (ptrace(PTRACE_GETSIGINFO, p, NULL, &si) &&
			    errno == EINVAL)
				sig = 0;
		}
		ptrace(PTRACE_CONT, p, NULL, (void *)(long)sig);
	}
	return status;
}

void follow_free(struct follow *f)
{
	for (size_t i = 0; i < f->n; i++) {
		if (f->tasks[i].buf)
			munmap(f->tasks[i].buf, f->tasks[i].words * 8);
		if (f->tasks[i].fd >= 0)
			close(f->tasks[i].fd);
	}
	free(f->tasks);
	f->tasks = NULL;
	f->n = f->cap = 0;
}
