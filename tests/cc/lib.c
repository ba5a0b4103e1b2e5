// SPDX-License-Identifier: GPL-2.0
/* A shared library built with `kcovdf cc -fPIC -shared` (tests/suites/30-user-cc.sh). */
struct pt {
	int x, y;
};

__attribute__((noinline)) int lib_add(int a, int b)
{
	return a + b;
}

__attribute__((noinline)) int lib_area(const struct pt *p)
{
	return p->x * p->y;
}

/* Calls inside the library: the tree nests them. */
int lib_sum_area(const struct pt *p, int extra)
{
	return lib_add(lib_area(p), extra);
}
