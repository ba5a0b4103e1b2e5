// SPDX-License-Identifier: GPL-2.0
/*
 * System call latency in the guest.
 * usage: sysloop getpid|eventfd|pipe ITERATIONS
 * prints "<workload> <ns per operation>"
 * usage: sysloop uptime
 * prints "uptime_s <seconds since boot>" (CLOCK_BOOTTIME, ns resolution)
 *   getpid   one getpid(2)
 *   eventfd  write(2) of 1 then read(2) of an eventfd: two system calls
 *   pipe     a one-byte round trip between two processes over two pipes,
 *            both pinned to CPU 0: two context switches per round trip and
 *            no cross-CPU wake-up (under QEMU TCG a wake-up of an idle vCPU
 *            costs milliseconds and varies tenfold with the host's load)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "sysloop"
#include "guest.h"

int main(int argc, char **argv)
{
	double t0, t1;
	char *end;
	long n, i;

	if (argc == 2 && !strcmp(argv[1], "uptime")) {
		struct timespec t;

		clock_gettime(CLOCK_BOOTTIME, &t);
		printf("uptime_s %ld.%09ld\n", (long)t.tv_sec, t.tv_nsec);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: sysloop getpid|eventfd|pipe ITERATIONS | sysloop uptime\n");
		return 2;
	}
	errno = 0;
	n = strtol(argv[2], &end, 10);
	if (errno || *end || n <= 0) {
		fprintf(stderr, "sysloop: bad ITERATIONS '%s'\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "getpid")) {
		t0 = now_ns();
		for (i = 0; i < n; i++)
			syscall(SYS_getpid);
		t1 = now_ns();
	} else if (!strcmp(argv[1], "eventfd")) {
		uint64_t v = 1;
		int fd = eventfd(0, 0);

		if (fd < 0)
			die("eventfd");
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			if (write(fd, &v, sizeof(v)) != sizeof(v))
				die("write");
			if (read(fd, &v, sizeof(v)) != sizeof(v))
				die("read");
		}
		t1 = now_ns();
	} else if (!strcmp(argv[1], "pipe")) {
		int ab[2], ba[2];
		char c = 'x';
		cpu_set_t cpu0;
		pid_t pid;

		CPU_ZERO(&cpu0);
		CPU_SET(0, &cpu0);
		if (sched_setaffinity(0, sizeof(cpu0), &cpu0))
			die("sched_setaffinity");
		if (pipe(ab) || pipe(ba))
			die("pipe");
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			/* Only the parent's ends stay open: EOF ends the child. */
			close(ab[1]);
			close(ba[0]);
			while (read(ab[0], &c, 1) == 1)
				if (write(ba[1], &c, 1) != 1)
					_exit(1);
			_exit(0);
		}
		close(ab[0]);
		close(ba[1]);
		t0 = now_ns();
		for (i = 0; i < n; i++) {
			if (write(ab[1], &c, 1) != 1)
				die("write");
			if (read(ba[0], &c, 1) != 1)
				die("read");
		}
		t1 = now_ns();
		close(ab[1]);
		waitpid(pid, NULL, 0);
	} else {
		fprintf(stderr, "sysloop: unknown workload '%s'\n", argv[1]);
		return 2;
	}
	printf("%s %.1f\n", argv[1], (t1 - t0) / n);
	return 0;
}
