// SPDX-License-Identifier: GPL-2.0
/*
 * binder_loop: the two calls of the RFC's binder audit, made on C binder.
 *
 *   binder_loop [-d DEVICE] [-m MAX_THREADS] [-n ENTERS]
 *
 * Opens the binder device (default /dev/binderfs/binder: mount binderfs
 * first, `mkdir /dev/binderfs; mount -t binder binder /dev/binderfs`), sets
 * the maximum number of threads binder may ask this process to spawn with
 * BINDER_SET_MAX_THREADS (default 0xffffffff), then sends BC_ENTER_LOOPER
 * ENTERS times (default 2), each in a BINDER_WRITE_READ of its own, and
 * prints the result of every call. Exit status 0 when every call succeeded.
 *
 * Built static (gcc -static), so it runs in kernel/vm.sh's busybox guest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/android/binder.h>

static void usage(void)
{
	fputs("usage: binder_loop [-d DEVICE] [-m MAX_THREADS] [-n ENTERS]\n",
	      stderr);
	exit(2);
}

static unsigned long number(const char *s, unsigned long max)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || v > max || s[0] == '-')
		usage();
	return v;
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/binderfs/binder";
	uint32_t max_threads = 0xffffffff;
	unsigned long enters = 2, i;
	int fd, opt, failed = 0;

	while ((opt = getopt(argc, argv, "d:m:n:")) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 'm':
			max_threads = (uint32_t)number(optarg, UINT32_MAX);
			break;
		case 'n':
			enters = number(optarg, 100);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "binder_loop: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	if (ioctl(fd, BINDER_SET_MAX_THREADS, &max_threads) < 0) {
		printf("BINDER_SET_MAX_THREADS %u (%#x): %s\n", max_threads,
		       max_threads, strerror(errno));
		failed = 1;
	} else {
		printf("BINDER_SET_MAX_THREADS %u (%#x): 0\n", max_threads,
		       max_threads);
	}
	for (i = 1; i <= enters; i++) {
		uint32_t cmd = BC_ENTER_LOOPER;
		struct binder_write_read bwr = {
			.write_size = sizeof(cmd),
			.write_buffer = (binder_uintptr_t)(uintptr_t)&cmd,
		};

		if (ioctl(fd, BINDER_WRITE_READ, &bwr) < 0) {
			printf("BINDER_WRITE_READ BC_ENTER_LOOPER (%lu of %lu): %s\n",
			       i, enters, strerror(errno));
			failed = 1;
		} else {
			printf("BINDER_WRITE_READ BC_ENTER_LOOPER (%lu of %lu): 0, %llu bytes consumed\n",
			       i, enters, (unsigned long long)bwr.write_consumed);
		}
	}
	close(fd);
	return failed;
}
