// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny quota "subsystem" with a planted bug, for the contract-check test
 * (tests/suites/52-kernel-trace.sh, tests/kernel-trace/audit.rules).
 *
 * kcovdf_audit_charge() checks "used + amount > limit" in 32 bits, so a huge
 * amount wraps around and is accepted: it returns 0 although the quota is
 * exceeded. kcovdf_audit_charge_checked() does the same with the overflow
 * checked. Writing "USED LIMIT AMOUNT" to
 * /sys/kernel/debug/kcovdf_audit/charge calls both on a fresh quota.
 */
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

struct kcovdf_audit_quota {
	u32 id;
	u32 limit;
	u32 used;
	u32 flags;
};

static noinline int kcovdf_audit_charge(struct kcovdf_audit_quota *q,
					u32 amount)
{
	if (q->used + amount > q->limit)	/* the planted bug: wraps */
		return -EDQUOT;
	q->used += amount;
	return 0;
}

static noinline int kcovdf_audit_charge_checked(struct kcovdf_audit_quota *q,
						u32 amount)
{
	u32 sum;

	if (check_add_overflow(q->used, amount, &sum) || sum > q->limit)
		return -EDQUOT;
	q->used = sum;
	return 0;
}

static u32 kcovdf_audit_next_id;
/* The last results, readable in debugfs (ret, ret_checked): the calls'
 * return values are used, so the compiler keeps them. */
static u32 kcovdf_audit_ret[2];

static ssize_t kcovdf_audit_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	struct kcovdf_audit_quota *q;
	char buf[64];
	u32 used, limit, amount;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%u %u %u", &used, &limit, &amount) != 3)
		return -EINVAL;
	/* Two quotas on the heap: a pointer the compiler cannot fold. */
	q = kcalloc(2, sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	q[0].id = ++kcovdf_audit_next_id;
	q[0].limit = limit;
	q[0].used = used;
	q[1] = q[0];
	kcovdf_audit_ret[0] = kcovdf_audit_charge(&q[0], amount);
	kcovdf_audit_ret[1] = kcovdf_audit_charge_checked(&q[1], amount);
	kfree(q);
	return len;
}

static const struct file_operations kcovdf_audit_fops = {
	.owner = THIS_MODULE,
	.write = kcovdf_audit_write,
};

static struct dentry *kcovdf_audit_dir;

static int __init kcovdf_audit_init(void)
{
	kcovdf_audit_dir = debugfs_create_dir("kcovdf_audit", NULL);
	debugfs_create_file("charge", 0200, kcovdf_audit_dir, NULL,
			    &kcovdf_audit_fops);
	debugfs_create_x32("ret", 0400, kcovdf_audit_dir, &kcovdf_audit_ret[0]);
	debugfs_create_x32("ret_checked", 0400, kcovdf_audit_dir,
			   &kcovdf_audit_ret[1]);
	return 0;
}

static void __exit kcovdf_audit_exit(void)
{
	debugfs_remove_recursive(kcovdf_audit_dir);
}

module_init(kcovdf_audit_init);
module_exit(kcovdf_audit_exit);
MODULE_DESCRIPTION("kcov-dataflow test: a planted contract violation");
MODULE_LICENSE("GPL");
