// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end test program: every kind of parameter and return the plugin
 * handles, called with known values. tests/e2e/check_values.py asserts the
 * exact names and values `kcovdf view --json` shows, at -O0 and -O2.
 * Functions are external and noinline so their signatures keep the ABI.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define T __attribute__((noinline))

enum color { RED = 1, GREEN = 2, BLUE = -3 };

struct point { int x; int y; };
struct rect { struct point lo, hi; const char *name; };
struct big { long a[6]; int tail; };
struct flags {
	unsigned int ready : 1;
	signed int level : 5;
	unsigned int mode : 3;
	unsigned long wide : 40;
};
union num { int i; float f; unsigned char b[4]; };
typedef struct { short s; unsigned char c; } small_t;
struct mixed { double d; int i; };

static volatile long sink;

T int scalars(int a, unsigned int b, char c, bool d, long e, unsigned long long f)
{
	sink = a + b + c + d + e + (long)f;
	return a - 1;
}
T double floats(float x, double y) { sink = (long)(x + y); return x * y; }
T enum color pick(enum color c) { sink = c; return c == RED ? BLUE : GREEN; }
T void *ptr(void *p, const char *s) { sink = (long)p + s[0]; return p; }
T int area(const struct point *p) { return p->x * p->y; }
T long rect_sum(struct rect *r) { return r->lo.x + r->lo.y + r->hi.x + r->hi.y; }
T int by_value(struct point p) { return p.x - p.y; }
T long by_value_big(struct big b) { return b.a[0] + b.a[5] + b.tail; }
T int mixed_value(struct mixed m) { return (int)m.d + m.i; }
T struct point make_point(int x, int y) { struct point p = { x, y }; return p; }
T struct big make_big(long v) { struct big b; memset(&b, 0, sizeof(b)); b.a[0] = v; b.tail = 9; return b; }
T int bits(struct flags *f) { return f->level; }
T int unions(union num *u) { return u->i; }
T int typedefd(small_t *t) { return t->s + t->c; }
T int multi_ret(int v)
{
	if (v < 0)
		return -22;
	if (v == 0)
		return 0;
	return v * 2;
}
T void nothing(void) { sink++; }
T int depth3(int v) { return v + 1; }
T int depth2(int v) { return depth3(v) * 2; }
T int depth1(int v) { return depth2(v) + 1; }
T int nullable(struct point *p) { return p ? p->x : -1; }

int main(void)
{
	struct point p = { 3, 4 };
	struct rect r = { { 1, 2 }, { 5, 6 }, "box" };
	struct big b = { { 10, 11, 12, 13, 14, 15 }, 16 };
	struct flags fl = { .ready = 1, .level = -7, .mode = 5, .wide = 0x123456789aULL };
	union num u = { .i = 0x41424344 };
	small_t t = { -2, 200 };
	struct mixed m = { 2.5, 7 };
	struct point mp;
	struct big mb;
	long acc = 0;

	acc += scalars(-5, 4000000000u, 'A', true, -1234567890123L, 0xfedcba9876543210ULL);
	acc += (long)floats(1.5f, -2.25);
	acc += pick(RED);
	acc += (long)ptr(&p, "hi") & 1;
	acc += area(&p);
	acc += rect_sum(&r);
	acc += by_value(p);
	acc += by_value_big(b);
	acc += mixed_value(m);
	mp = make_point(7, 8);
	mb = make_big(99);
	acc += mp.x + mb.a[0];
	acc += bits(&fl);
	acc += unions(&u);
	acc += typedefd(&t);
	acc += multi_ret(-1) + multi_ret(0) + multi_ret(21);
	nothing();
	acc += depth1(10);
	acc += nullable(NULL);
	printf("acc=%ld\n", acc);
	return 0;
}
