// SPDX-License-Identifier: GPL-2.0
/*
 * ext_probe: does KCOV_TRACE_PC_EXT really lose entry/exit balance while
 * records are suppressed (context switches, interrupts)? A diagnostic for
 * docs/kernel.md "The depth record", run once in a guest whose whole
 * kernel is KCOV-instrumented with function entry/exit hooks (variant
 * allubsan: CONFIG_KCOV_INSTRUMENT_ALL + CONFIG_KCOV_EXT_RECORDS); not
 * part of make check.
 *
 *   ext_probe [SECONDS]
 *
 * The task enables KCOV_TRACE_PC_EXT and, for SECONDS, runs rounds of
 * system calls that block and switch (pipe ping-pong with a second thread
 * on the same CPU, nanosleep, sched_yield) under a 1 ms interval timer
 * (interrupts, signals, softirqs). After each round it replays the stream
 * with a stack, as a reader would: an entry pushes, an exit pops and must
 * name the function on top. A round starts in user space (the count is
 * reset there), so it starts at depth 0 and must end there. It counts
 * depth records (type 0xe, decoded as lowest depth and net change; any
 * other type but entry, exit and basic block is counted too), exits
 * that find another function on top of the stack, exits at depth 0 and
 * rounds that do not end at depth 0, and prints the first few with the
 * records around them, symbolised with /proc/kallsyms.
 *
 * Build: gcc -O2 -Wall -static -pthread -o ext_probe ext_probe.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define KCOV_INIT_TRACE		_IOR('c', 1, unsigned long)
#define KCOV_ENABLE		_IO('c', 100)
#define KCOV_DISABLE		_IO('c', 101)
#define KCOV_TRACE_PC_EXT	2
#define IP_MASK			0x00ffffffffffffffULL
#define TYPE(r)			((r) >> 60)
#define WORDS			(1UL << 21)
#define MAX_DEPTH		4096
#define SHOW			6

struct sym {
	uint64_t addr;
	char name[64];
};

static struct sym *syms;
static size_t nsyms;

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void syms_load(void)
{
	char line[512], t, name[256];
	unsigned long long a;
	size_t cap = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &a, &t, name) != 3 ||
		    (t != 't' && t != 'T'))
			continue;
		if (nsyms == cap) {
			cap = cap ? 2 * cap : 65536;
			syms = realloc(syms, cap * sizeof(*syms));
			if (!syms)
				exit(1);
		}
		syms[nsyms].addr = a;
		name[sizeof(syms[nsyms].name) - 1] = 0;
		memcpy(syms[nsyms].name, name, sizeof(syms[nsyms].name));
		nsyms++;
	}
	fclose(f);
	qsort(syms, nsyms, sizeof(*syms), sym_cmp);
}

static const char *sym_of(uint64_t pc)
{
	size_t lo = 0, hi = nsyms;

	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (syms[mid].addr <= pc)
			lo = mid;
		else
			hi = mid;
	}
	return nsyms && syms[lo].addr <= pc ? syms[lo].name : "?";
}

static const char *kind(uint64_t r)
{
	switch (TYPE(r)) {
	case 0x0: return "ENTRY";
	case 0x1: return "EXIT ";
	case 0xf: return "BB   ";
	default: return "DEPTH";
	}
}

static void show(const uint64_t *c, uint64_t n, uint64_t at, const char *why)
{
	uint64_t i, from = at > 12 ? at - 12 : 0, to = at + 6 < n ? at + 6 : n;

	printf("--- %s (record %" PRIu64 ")\n", why, at);
	for (i = from; i < to; i++) {
		uint64_t r = c[i];

		if (TYPE(r) == 0xe)
			printf("%s DEPTH min %+lld net %+lld\n",
			       i == at ? ">>" : "  ",
			       (long long)((int64_t)(r << 8) >> 36),
			       (long long)((int64_t)(r << 36) >> 36));
		else if (TYPE(r) != 0x0 && TYPE(r) != 0x1 && TYPE(r) != 0xf)
			printf("%s %s %#018" PRIx64 "\n", i == at ? ">>" : "  ",
			       kind(r), r);
		else
			printf("%s %s %s\n", i == at ? ">>" : "  ", kind(r),
			       sym_of(r | ~IP_MASK));
	}
}

static int pp[2][2];
static volatile int stop;

static void *pinger(void *arg)
{
	char c;

	(void)arg;
	while (!stop && read(pp[0][0], &c, 1) == 1)
		if (write(pp[1][1], &c, 1) != 1)
			break;
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	unsigned long long rounds = 0, recs = 0, entries = 0, depth_recs = 0;
	unsigned long long mismatch = 0, underflow = 0, shown = 0, unended = 0;
	double secs = argc > 1 ? atof(argv[1]) : 10;
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	static uint64_t stack[MAX_DEPTH];
	struct timespec t0, t;
	pthread_t th;
	cpu_set_t cpu;
	uint64_t *cover;
	int fd;

	syms_load();
	CPU_ZERO(&cpu);
	CPU_SET(0, &cpu);
	sched_setaffinity(0, sizeof(cpu), &cpu);
	if (pipe(pp[0]) || pipe(pp[1]))
		return 1;
	pthread_create(&th, NULL, pinger, NULL);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
	fd = open("/sys/kernel/debug/kcov", O_RDWR);
	if (fd < 0 || ioctl(fd, KCOV_INIT_TRACE, WORDS)) {
		perror("kcov");
		return 1;
	}
	cover = mmap(NULL, WORDS * 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		     0);
	if (cover == MAP_FAILED || ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC_EXT)) {
		perror("kcov enable");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct timespec ts = { 0, 200000 };
		uint64_t n, i;
		long sp = 0;
		char c = 'x';
		int k;

		__atomic_store_n(&cover[0], 0, __ATOMIC_RELAXED);
		for (k = 0; k < 20; k++) {
			if (write(pp[0][1], &c, 1) != 1 ||
			    read(pp[1][0], &c, 1) != 1) {
				perror("ping-pong");
				return 1;
			}
			sched_yield();
			getppid();
		}
		nanosleep(&ts, NULL);
		n = __atomic_load_n(&cover[0], __ATOMIC_RELAXED);
		if (n >= WORDS - 1)
			n = WORDS - 2;
		rounds++;
		recs += n;
		for (i = 0; i < n; i++) {
			uint64_t r = cover[1 + i];

			switch (TYPE(r)) {
			case 0x0:
				entries++;
				if (sp < MAX_DEPTH)
					stack[sp] = r | ~IP_MASK;
				sp++;
				break;
			case 0x1:
				if (sp == 0) {
					underflow++;
					if (shown < SHOW) {
						show(&cover[1], n, i,
						     "exit at depth 0");
						shown++;
					}
					break;
				}
				sp--;
				if (sp < MAX_DEPTH &&
				    strcmp(sym_of(stack[sp]),
					   sym_of(r | ~IP_MASK))) {
					mismatch++;
					if (shown < SHOW) {
						show(&cover[1], n, i,
						     "exit of another function");
						shown++;
					}
				}
				break;
			case 0xf:
				break;
			default:
				depth_recs++;
				if (shown < SHOW) {
					show(&cover[1], n, i, "depth record");
					shown++;
				}
				break;
			}
		}
		if (sp)
			unended++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	ioctl(fd, KCOV_DISABLE, 0);
	stop = 1;
	printf("ext_probe: %llu rounds, %llu records, %llu entries; %llu depth "
	       "records, %llu exits of another function than the one on top, "
	       "%llu exits at depth 0, %llu rounds not back at depth 0\n",
	       rounds, recs, entries, depth_recs, mismatch, underflow,
	       unended);
	return 0;
}
