// SPDX-License-Identifier: GPL-2.0
/*
 * Time N calls of the benchmark module's kcovdf_bench_fn() (one write(2)
 * of N to /sys/kernel/debug/kcovdf_bench/run), with KCOV-Dataflow recording
 * off or on for this task.
 * usage: dfbench off|record N
 * prints "<mode> <ns per call> <records per call>"
 * "record" records in format revision 2 (KCOV_DF_FMT_V2; the kernel refuses
 * the old revision 1) into a 1 Mi-word buffer, and calls in
 * batches small enough to fit, rewinding the buffer (word 0) between
 * batches outside the timed region; records counts what the kernel wrote
 * (KCOV_DF_GET_STATS), and the run fails if any record was dropped.
 * Tracers (function_graph, fprobe) are set up by the caller and run with
 * mode "off".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/kcov_dataflow.h>

#define PROG "dfbench"
#include "guest.h"

#define WORDS (1UL << 20)
/* At most 5 records of at most 8 words per call fit in a batch. */
#define BATCH (WORDS / 48)


static double run(int fd, long n)
{
	char s[32];
	int len = snprintf(s, sizeof(s), "%ld", n);
	double t0, t1;

	t0 = now_ns();
	if (write(fd, s, len) != len)
		die("write /sys/kernel/debug/kcovdf_bench/run");
	t1 = now_ns();
	return t1 - t0;
}

int main(int argc, char **argv)
{
	struct kcov_df_stats st = { 0 };
	int rec, fd, dfd = -1;
	uint64_t *buf = NULL;
	double total = 0;
	long n, done;
	char *end;

	if (argc != 3 || (strcmp(argv[1], "off") && strcmp(argv[1], "record"))) {
		fprintf(stderr, "usage: dfbench off|record N\n");
		return 2;
	}
	rec = !strcmp(argv[1], "record");
	errno = 0;
	n = strtol(argv[2], &end, 10);
	if (errno || *end || n <= 0) {
		fprintf(stderr, "dfbench: bad N '%s'\n", argv[2]);
		return 2;
	}
	fd = open("/sys/kernel/debug/kcovdf_bench/run", O_WRONLY);
	if (fd < 0)
		die("open /sys/kernel/debug/kcovdf_bench/run (insmod kcovdf_bench.ko)");
	if (rec) {
		dfd = open("/sys/kernel/debug/kcov_dataflow", O_RDWR);
		if (dfd < 0)
			die("open /sys/kernel/debug/kcov_dataflow");
		if (ioctl(dfd, KCOV_DF_INIT_TRACE, WORDS))
			die("KCOV_DF_INIT_TRACE");
		buf = mmap(NULL, WORDS * 8, PROT_READ | PROT_WRITE, MAP_SHARED,
			   dfd, 0);
		if (buf == MAP_FAILED)
			die("mmap");
	}
	for (done = 0; done < n; ) {
		long b = n - done < (long)BATCH ? n - done : (long)BATCH;

		if (rec) {
			__atomic_store_n(&buf[0], 0, __ATOMIC_RELAXED);
			if (ioctl(dfd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
				die("KCOV_DF_ENABLE");
		}
		total += run(fd, b);
		if (rec && ioctl(dfd, KCOV_DF_DISABLE, 0))
			die("KCOV_DF_DISABLE");
		done += b;
	}
	if (rec) {
		if (ioctl(dfd, KCOV_DF_GET_STATS, &st))
			die("KCOV_DF_GET_STATS");
		if (st.dropped) {
			fprintf(stderr, "dfbench: %llu records dropped\n",
				(unsigned long long)st.dropped);
			return 1;
		}
	}
	printf("%s %.1f %.3f\n", argv[1], total / n, (double)st.records / n);
	return 0;
}
