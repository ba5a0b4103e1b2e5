// SPDX-License-Identifier: GPL-2.0
/*
 * Unions of a pointer and other views of the same bytes, for
 * tests/suites/36-read.sh: `kcovdf diff` of two runs must not report the
 * integer, double or half-word views of an address (they move with ASLR),
 * but must report a change of the integer a union holds when its pointer
 * view is no address (UNION_VALUE changes it). Arrays of pointers too.
 */
#include <stdlib.h>

struct tagged {
	int tag;
	union {
		void *p;
		unsigned long v;
		double d;
		struct {
			unsigned int lo, hi;
		} w;
	} u;
	void *slots[2];
	long plain;
};

volatile long sink;

__attribute__((noinline)) long use(const struct tagged *x)
{
	return x->tag + x->plain;
}

int main(void)
{
	const char *e = getenv("UNION_VALUE");
	struct tagged a = { .tag = 1, .plain = 7 };
	struct tagged b = { .tag = 2, .plain = 8 };

	a.u.p = malloc(16);		/* an address: ignored by diff */
	a.slots[0] = &a;
	sink = use(&a);
	b.u.v = e ? strtoul(e, NULL, 0) : 5;	/* an integer: compared */
	b.slots[0] = &b;
	sink = use(&b);
	free(a.u.p);
	return 0;
}
