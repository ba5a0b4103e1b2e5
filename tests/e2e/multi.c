// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end: threads, fork and invalid pointers through kcovdf cc and
 * kcovdf record. check_multi.py asserts the exact values per task.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define T __attribute__((noinline))
#define NTHREADS 4
#define NCALLS 500

struct pair { long a; long b; };

static volatile long sink;

T long work(int thread, int i) { sink += i; return (long)thread * 1000 + i; }
T int in_child(int v) { sink += v; return v + 1; }
/* May read *p (never does: sink is never 12345), so the pointer is not
 * readnone and its fields are recorded (a pointer the function cannot read
 * is NOTREAD, docs/compiler.md): the runtime must survive the bad ones. */
T long peek(const struct pair *p)
{
	if (++sink == 12345)
		sink += p->a;
	return p ? 1 : 0;
}

static void *thread_main(void *arg)
{
	int t = (int)(intptr_t)arg;

	for (int i = 0; i < NCALLS; i++)
		work(t, i);
	return NULL;
}

int main(void)
{
	pthread_t th[NTHREADS];
	long page = sysconf(_SC_PAGESIZE);
	char *unmapped, *none, *edge;
	pid_t pid;
	int st;

	for (int t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, thread_main, (void *)(intptr_t)(t + 1));
	for (int t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);

	pid = fork();
	if (pid == 0) {
		in_child(41);
		_exit(0);
	}
	waitpid(pid, &st, 0);

	/* Invalid pointers: each must give unreadable fields, no crash. */
	unmapped = mmap(NULL, page, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped, page);
	none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	edge = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(edge + page, page, PROT_NONE);
	*(long *)(edge + page - 8) = 77;	/* a readable, b is not */

	peek((const struct pair *)unmapped);
	peek((const struct pair *)none);
	peek((const struct pair *)0xffff888000000000UL);
	peek((const struct pair *)(edge + page - 8));
	peek(NULL);
	printf("done\n");
	return WIFEXITED(st) ? 0 : 1;
}
