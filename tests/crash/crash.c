// SPDX-License-Identifier: GPL-2.0
/*
 * Programs that die (tests/suites/20-runtime-crash.sh): built with
 * `kcovdf cc`, run under `kcovdf record` with the default buffer, so that
 * nothing would reach the trace file without the flush the runtime does
 * before a signal's default action. Every scenario makes known calls first
 * (step(1), step(2), ... each returning its argument; `last` marks the call
 * in which the program dies), then dies its way.
 *
 *   crash SCENARIO [ARG]
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct where {
	int line;
	int code;
};

__attribute__((noinline)) int step(int i)
{
	__asm__ volatile("" ::: "memory");
	return i;
}

static void steps(int n)
{
	for (int i = 1; i <= n; i++)
		step(i);
}

static volatile int *volatile null_ptr;
static volatile int zero;

__attribute__((noinline)) int last(const struct where *w)
{
	switch (w->code) {
	case 1:
		return *null_ptr;			/* SIGSEGV */
	case 2:
		abort();				/* SIGABRT */
	case 3:
		return 100 / zero;			/* SIGFPE */
	case 4:
		__builtin_trap();			/* SIGILL (ud2) */
	case 5:
		__builtin_debugtrap();			/* SIGTRAP (int3) */
		return 5;
	case 6:
		kill(getpid(), SIGTERM);
		return 6;
	case 7:
		kill(getpid(), SIGKILL);
		return 7;
	case 8:
		raise(SIGUSR1);
		return 8;
	}
	return 0;
}

static void die_with(int code)
{
	struct where w = { __LINE__, code };

	last(&w);
	step(99);	/* reached only when the program survived */
}

/* Deep recursion until the stack overflows (SIGSEGV on the alternate
 * stack the runtime sets up). */
static volatile int recurse_limit = 1 << 30;

__attribute__((noinline)) int recurse(int depth)
{
	char frame[4000];

	frame[0] = (char)depth;
	__asm__ volatile("" : : "r"(frame) : "memory");	/* keep it */
	if (depth > recurse_limit)
		return 0;
	return recurse(depth + 1) + frame[0];
}

/* Threads: each worker records `per` steps and waits; then main dies. */
static pthread_barrier_t bar;
static int per_thread = 1000;

static void *worker(void *arg)
{
	int base = (int)(long)arg * 100000;

	for (int i = 1; i <= per_thread; i++)
		step(base + i);
	pthread_barrier_wait(&bar);	/* all recorded */
	pthread_barrier_wait(&bar);	/* never passes: main dies */
	return NULL;
}

/* A worker dies while the others keep recording. */
static volatile int spin = 1;

static void *spinner(void *arg)
{
	int base = (int)(long)arg * 100000, i = 0;

	pthread_barrier_wait(&bar);
	while (spin) {
		step(base + (++i % 50000));
		usleep(100);
	}
	return NULL;
}

static void *crasher(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&bar);
	steps(3);
	usleep(20000);
	die_with(1);
	return NULL;
}

/* The program's own handlers: reset and raise again, the usual idiom. */
__attribute__((noinline)) void on_signal(int sig)
{
	signal(sig, SIG_DFL);
	raise(sig);
}

__attribute__((noinline)) void on_segv(int sig)
{
	(void)sig;
	signal(SIGSEGV, SIG_DFL);	/* the fault happens again */
}

__attribute__((noinline)) void once(int sig)
{
	step(sig);	/* SA_RESETHAND: the second one is SIG_DFL */
	raise(sig);
}

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "";
	pthread_t th[4];

	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(s, "exit")) {
		steps(2);
		return 3;
	}
	if (!strcmp(s, "quickexit")) {	/* no destructors */
		steps(2);
		quick_exit(4);
	}
	if (!strcmp(s, "segv") || !strcmp(s, "abort") || !strcmp(s, "fpe") ||
	    !strcmp(s, "ill") || !strcmp(s, "trap") || !strcmp(s, "term") ||
	    !strcmp(s, "kill")) {
		static const char *const names[] = {
			"", "segv", "abort", "fpe", "ill", "trap", "term",
			"kill",
		};
		int code = 0;

		for (int i = 1; i < 8; i++)
			if (!strcmp(s, names[i]))
				code = i;
		steps(2);
		die_with(code);
		return 0;
	}
	if (!strcmp(s, "wait")) {	/* killed from outside */
		FILE *f;

		steps(2);
		f = fopen(argv[2], "w");	/* "I am ready" */
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
		for (;;)
			pause();
	}
	if (!strcmp(s, "stack")) {
		steps(2);
		return recurse(0);
	}
	/* killthreads: SIGKILL, buffers wrapped */
	if (!strcmp(s, "threads") || !strcmp(s, "killthreads")) {
		if (argc > 2)
			per_thread = atoi(argv[2]);
		pthread_barrier_init(&bar, NULL, 5);
		for (long i = 0; i < 4; i++)
			pthread_create(&th[i], NULL, worker, (void *)(i + 1));
		pthread_barrier_wait(&bar);
		steps(2);
		die_with(strcmp(s, "threads") ? 7 : 1);
		return 0;
	}
	if (!strcmp(s, "forkkill")) {	/* a child killed, the parent goes on */
		int fds[2], st;
		char c;
		pid_t pid;

		if (pipe(fds))
			return 2;
		pid = fork();
		if (pid == 0) {
			steps(3);
			if (write(fds[1], "r", 1) != 1)
				_exit(2);
			for (;;)
				pause();
		}
		if (read(fds[0], &c, 1) != 1)
			return 2;
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		step(WIFSIGNALED(st) ? WTERMSIG(st) : -1);
		return 0;
	}
	if (!strcmp(s, "threadcrash")) {
		pthread_barrier_init(&bar, NULL, 4);
		for (long i = 0; i < 3; i++)
			pthread_create(&th[i], NULL, spinner, (void *)(i + 1));
		pthread_create(&th[3], NULL, crasher, NULL);
		for (int i = 0; i < 4; i++)
			pthread_join(th[i], NULL);
		return 0;
	}
	if (!strcmp(s, "reraise")) {	/* handler: SIG_DFL, raise */
		signal(SIGTERM, on_signal);
		steps(2);
		die_with(6);
		return 0;
	}
	if (!strcmp(s, "segvhandler")) {	/* handler resets, refault */
		signal(SIGSEGV, on_segv);
		steps(2);
		die_with(1);
		return 0;
	}
	if (!strcmp(s, "resethand")) {	/* SA_RESETHAND handler */
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = once;
		sa.sa_flags = SA_RESETHAND;
		sigaction(SIGUSR1, &sa, NULL);
		steps(2);
		die_with(8);
		return 0;
	}
	if (!strcmp(s, "query")) {	/* sigaction reports SIG_DFL */
		struct sigaction old;

		steps(1);
		for (int sig = 1; sig < 32; sig++) {
			if (sig == SIGKILL || sig == SIGSTOP)
				continue;
			if (sigaction(sig, NULL, &old) == 0 &&
			    old.sa_handler != SIG_DFL &&
			    old.sa_handler != SIG_IGN) {
				printf("signal %d: not SIG_DFL\n", sig);
				return 1;
			}
		}
		printf("all SIG_DFL\n");
		return 0;
	}
	fprintf(stderr, "usage: crash SCENARIO\n");
	return 2;
}
