// SPDX-License-Identifier: GPL-2.0
#include "foo.h"

int foo_append(struct foo_buf *b, unsigned int n)
{
	if (b->len + n > b->cap)
		return -1;
	b->len += n;
	return (int)b->len;
}

unsigned long foo_checksum(const unsigned char *p, unsigned long n)
{
	unsigned long a = 1, s = 0;

	for (unsigned long i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		s = (s + a) % 65521;
	}
	return (s << 16) | a;
}
