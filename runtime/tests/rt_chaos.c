// SPDX-License-Identifier: GPL-2.0
/*
 * rt_chaos: the user-space runtime under everything at once, for
 * tests/suites/20-runtime.sh and RELIABILITY.md.
 *
 *   KCOVDF_OUT=trace rt_chaos [SECONDS]
 *
 * Four threads call the callbacks with struct pointers that are NULL,
 * ERR_PTR, kernel, non-canonical, wrapping, freed, or point into pages that
 * a fifth thread keeps remapping, protecting and unprotecting, and into the
 * last bytes before such a page. A sixth thread sends SIGUSR1 to the
 * workers; the handler records bad pointers too. The main thread forks
 * children that do the same for a moment and exit (exit(), _exit() or by
 * returning through exec of /bin/true). The traced program must never
 * crash because of the runtime: exit status 0 means every process survived
 * and every child exited 0; the suite then reads the trace back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kcovdf_rt.h"
#include "rt_callbacks.h"

#define NPAGES	16
#define NWORK	4

static struct {
	uint64_t type_id;
	uint32_t size;
	uint16_t nfields, flags;
	uint32_t span_offset, span_size;
	uint16_t version, name_len;
	uint32_t reserved;
	struct kcov_df_field f[5];
	char name[12];
} quad_layout = {
	.type_id = 0xc4a05, .size = 5000, .nfields = 5,
	.span_offset = 0, .span_size = 5000,
	.version = KCOV_DF_LAYOUT_VERSION, .name_len = 11,
	/* the last field lies past a page from the first */
	.f = { { 0, 8, 0, 0, 0 }, { 8, 4, 0, 0, KCOV_DF_FIELD_SIGNED },
	       { 12, 2, 3, 9, 0 }, { 16, 8, 0, 0, KCOV_DF_FIELD_PTR },
	       { 4992, 8, 0, 0, 0 } },
	.name = "struct quad",
};
#define QUAD ((const struct kcov_df_layout *)&quad_layout)
#define FINFO(i) KCOV_DF_INFO(i, KCOV_DF_F_FIELDS, 8)

static char *region;
static long pg;
static atomic_int stop;
static atomic_ullong calls, sigs, flips;

static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t bad_pointer(uint64_t *s)
{
	static char *freed;
	uint64_t r = next(s);

	switch (r % 10) {
	case 0:
		return 0;
	case 1:
		return (uint64_t)-12;			/* ERR_PTR */
	case 2:
		return 0xffff888000000000ULL + (r >> 40);	/* kernel */
	case 3:
		return 0x1234567800000000ULL;		/* non-canonical */
	case 4:
		return (uint64_t)-4096 - 64;		/* wraps */
	case 5:
		if (!freed) {
			freed = malloc(64);
			free(freed);	/* still mapped: read as it is */
		}
		return (uintptr_t)freed;
	case 6:	/* the last bytes before a flapping page */
		return (uintptr_t)region + (r >> 8) % NPAGES * pg - (r >> 4) % 24;
	default:	/* anywhere in the flapping pages */
		return (uintptr_t)region + (r >> 8) % (NPAGES * pg);
	}
}

static void record_bad(uint64_t *s, uint64_t pc)
{
	__kcov_df_trace_args_v2(pc, FINFO(0), bad_pointer(s), QUAD);
	__kcov_df_trace_ret_v2(pc, FINFO(0), bad_pointer(s), QUAD);
	atomic_fetch_add_explicit(&calls, 2, memory_order_relaxed);
}

static void on_usr1(int sig)
{
	uint64_t s = (uint64_t)sig * 77 + (uintptr_t)&s;

	atomic_fetch_add_explicit(&sigs, 1, memory_order_relaxed);
	for (int i = 0; i < 3; i++)
		record_bad(&s, 0x7700 + i);
}

/* Change one page of the region: protect, unprotect, replace. */
static void flip(uint64_t *s)
{
	uint64_t r = next(s);
	char *p = region + (r >> 8) % NPAGES * pg;

	switch (r % 4) {
	case 0:
		mprotect(p, pg, PROT_NONE);
		break;
	case 1:
		mprotect(p, pg, PROT_READ | PROT_WRITE);
		break;
	case 2:	/* a fresh page: the region is ours, never unmapped */
		if (mmap(p, pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) !=
		    MAP_FAILED)
			memset(p, (int)r, 64);
		break;
	default:
		mmap(p, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		     -1, 0);
		break;
	}
	atomic_fetch_add_explicit(&flips, 1, memory_order_relaxed);
}

static void *flipper(void *arg)
{
	uint64_t s = (uintptr_t)arg;

	while (!atomic_load(&stop))
		flip(&s);
	return NULL;
}

static void *worker(void *arg)
{
	uint64_t s = (uintptr_t)arg * 0x1234567, i = 0;

	while (!atomic_load(&stop)) {
		record_bad(&s, 0x1000 + (uintptr_t)arg);
		if ((++i & 1023) == 0)
			kcovdf_rt_flush();
	}
	return NULL;
}

static pthread_t workers[NWORK];

static void *signaller(void *arg)
{
	uint64_t s = (uintptr_t)arg;
	struct timespec ts = { 0, 20000 };

	while (!atomic_load(&stop)) {
		pthread_kill(workers[next(&s) % NWORK], SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A child: two threads of bad pointers for a moment, flipping inline. */
static void child(int how)
{
	pthread_t th[2];
	double end = now() + 0.05;
	uint64_t s = (uint64_t)getpid();

	atomic_store(&stop, 0);
	for (uintptr_t i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, worker, (void *)(i + 10));
	while (now() < end) {
		flip(&s);
		record_bad(&s, 0x2000);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	if (how == 0)
		exit(0);
	if (how == 1)
		_exit(0);
	execl("/bin/true", "true", (char *)NULL);
	_exit(0);	/* no /bin/true: still a clean exit */
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? strtod(argv[1], NULL) : 2, end;
	pthread_t fl, sg;
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	unsigned int forks = 0, bad_children = 0;

	if (secs <= 0 || secs > 3600) {
		fprintf(stderr, "usage: rt_chaos [SECONDS (0-3600]]\n");
		return 2;
	}
	pg = sysconf(_SC_PAGESIZE);
	region = mmap(NULL, NPAGES * pg, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	sigaction(SIGUSR1, &sa, NULL);
	for (uintptr_t i = 0; i < NWORK; i++)
		pthread_create(&workers[i], NULL, worker, (void *)(i + 1));
	pthread_create(&fl, NULL, flipper, (void *)7);
	pthread_create(&sg, NULL, signaller, (void *)9);
	end = now() + secs;
	while (now() < end) {
		int status;
		pid_t pid = fork();

		if (pid == 0)
			child(forks % 3);
		if (pid < 0) {
			perror("fork");
			break;
		}
		forks++;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status)) {
			fprintf(stderr, "child %d: status %#x\n", pid, status);
			bad_children++;
		}
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < NWORK; i++)
		pthread_join(workers[i], NULL);
	pthread_join(fl, NULL);
	pthread_join(sg, NULL);
	fprintf(stderr,
		"rt_chaos: %.0f s, %llu callbacks, %llu signals, %llu page "
		"changes, %u children (%u failed), enabled %d\n", secs,
		(unsigned long long)atomic_load(&calls),
		(unsigned long long)atomic_load(&sigs),
		(unsigned long long)atomic_load(&flips), forks, bad_children,
		kcovdf_rt_enabled());
	return bad_children ? 1 : 0;
}
