// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for vmlinux in tests/suites/35-tools.sh: kernel-like
 * functions whose DWARF (types, parameter names, enumerators) lets the
 * tools name the values of the hand-built kernel traces that
 * tests/tools/mktrace.c writes. Linked without libc; never run.
 */
struct file {
	int f_flags;
	unsigned int f_mode;
	long f_pos;
};

enum whence { SEEK_SET_ = 0, SEEK_CUR_ = 1, SEEK_END_ = 2 };

int do_sys_open(int dfd, const char *filename, int flags)
{
	return dfd + flags + (filename != 0);
}

long ksys_read(unsigned int fd, char *buf, unsigned long count)
{
	return (long)(fd + count) + (buf != 0);
}

struct file *filp_open(const char *name, int flags)
{
	return (struct file *)(long)flags + (name != 0);
}

int vfs_llseek(struct file *file, long offset, enum whence whence)
{
	return file->f_flags + (int)offset + (int)whence;
}

void mutex_lock(int *lock)
{
	*lock = 1;
}

void mutex_unlock(int *lock)
{
	*lock = 0;
}
