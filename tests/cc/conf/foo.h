/* SPDX-License-Identifier: GPL-2.0 */
struct foo_buf {
	unsigned int len;
	unsigned int cap;
	const char *name;
};

int foo_append(struct foo_buf *b, unsigned int n);
unsigned long foo_checksum(const unsigned char *p, unsigned long n);
