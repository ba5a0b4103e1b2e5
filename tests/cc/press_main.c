// SPDX-License-Identifier: GPL-2.0
/* Prints press() of press.c (in a shared library). */
#include <stdio.h>

long press(const long *v, int n);

int main(void)
{
	long v[14];

	for (int i = 0; i < 14; i++)
		v[i] = i * 1234567L + 89;
	printf("%ld\n", press(v, 5));
	return 0;
}
