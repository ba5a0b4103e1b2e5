// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "foo.h"

int main(void)
{
	struct foo_buf b = { 0, 16, "buf" };
	const char *msg = "Wikipedia";
	int r1 = foo_append(&b, 4), r2 = foo_append(&b, 7);

	printf("%d %d %lx\n", r1, r2,
	       foo_checksum((const unsigned char *)msg, strlen(msg)));
	return 0;
}
