// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end test program: compiled with the plugin
 * (-mllvm -kcov-df-args -mllvm -kcov-df-ret), linked with the runtime, run
 * with KCOVDF_OUT. It prints the address of every function it calls; the
 * checker (e2e_check.c) finds their records by those addresses and asserts
 * the exact values.
 */
#include <stdio.h>

struct point {
	int x;
	unsigned int y : 4;
	int z : 5;
	long w;
};

__attribute__((noinline)) int add(int a, int b)
{
	return a + b;
}

__attribute__((noinline)) long neg(long a)
{
	return -a;
}

__attribute__((noinline)) unsigned char low(unsigned long v)
{
	return (unsigned char)v;
}

__attribute__((noinline)) int sum_point(const struct point *p)
{
	return p->x + (int)p->y + p->z + (int)p->w;
}

__attribute__((noinline)) int maybe(const struct point *p)
{
	return p ? p->x : -1;
}

__attribute__((noinline)) struct point make_point(int x)
{
	struct point p = { x, 3, -2, 1000 };
	__asm__ volatile("" : : "r"(&p) : "memory");
	return p;
}

__attribute__((noinline)) void nothing(void)
{
	__asm__ volatile("");
}

int main(void)
{
	struct point pt = { -7, 9, -16, 123456789012L };
	volatile int r = 0;

	r += add(2, 40);
	r += (int)neg(-5);
	r += low(0x1234);
	r += sum_point(&pt);
	r += maybe(0);
	r += make_point(7).x;
	nothing();
	printf("add %p\nneg %p\nlow %p\nsum_point %p\nmaybe %p\n"
	       "make_point %p\nnothing %p\nmain %p\n",
	       (void *)add, (void *)neg, (void *)low, (void *)sum_point,
	       (void *)maybe, (void *)make_point, (void *)nothing,
	       (void *)main);
	return r == 0;
}
