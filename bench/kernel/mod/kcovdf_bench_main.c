// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark trigger: writing a decimal N to
 * /sys/kernel/debug/kcovdf_bench/run calls kcovdf_bench_fn() N times in
 * the writing task; user space times the write(2). This object is not
 * instrumented: only the calls of kcovdf_bench_fn() make records.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include "kcovdf_bench.h"

#define KCOVDF_BENCH_MAX_CALLS 100000000UL

static struct dentry *kcovdf_bench_dir;
static long kcovdf_bench_sink;

static ssize_t kcovdf_bench_run(struct file *file, const char __user *buf,
				size_t count, loff_t *ppos)
{
	struct kcovdf_bench_obj o = { 1, 2, 3, 4 };
	unsigned long n, i;
	long acc = 0;
	int err;

	err = kstrtoul_from_user(buf, count, 10, &n);
	if (err)
		return err;
	if (n > KCOVDF_BENCH_MAX_CALLS)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		o.a = (int)i;
		acc += kcovdf_bench_fn((int)i, (long)i, &o, (unsigned int)i);
	}
	WRITE_ONCE(kcovdf_bench_sink, acc);
	return count;
}

static const struct file_operations kcovdf_bench_fops = {
	.owner = THIS_MODULE,
	.write = kcovdf_bench_run,
};

static int __init kcovdf_bench_init(void)
{
	kcovdf_bench_dir = debugfs_create_dir("kcovdf_bench", NULL);
	debugfs_create_file("run", 0200, kcovdf_bench_dir, NULL,
			    &kcovdf_bench_fops);
	return 0;
}

static void __exit kcovdf_bench_exit(void)
{
	debugfs_remove(kcovdf_bench_dir);
}

module_init(kcovdf_bench_init);
module_exit(kcovdf_bench_exit);
MODULE_DESCRIPTION("kcov-dataflow benchmark: a function called N times");
MODULE_LICENSE("GPL");
