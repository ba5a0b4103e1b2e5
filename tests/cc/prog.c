// SPDX-License-Identifier: GPL-2.0
/* Linked against libcclib.so (lib.c); recorded by tests/suites/30-user-cc.sh. */
#include <stdio.h>

struct pt {
	int x, y;
};

int lib_add(int a, int b);
int lib_area(const struct pt *p);
int lib_sum_area(const struct pt *p, int extra);

int main(void)
{
	struct pt p = { 3, 4 };
	int r = lib_add(1, 2) + lib_area(&p) + lib_sum_area(&p, 100);

	printf("%d\n", r);
	return r != 127;
}
