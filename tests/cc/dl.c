// SPDX-License-Identifier: GPL-2.0
/*
 * dlopen(argv[1]) while recording, call lib_add and lib_sum_area, dlclose it
 * before exit: the trace must still name the library's functions (its MAP
 * chunk is written when it is loaded). tests/suites/30-user-cc.sh.
 */
#include <dlfcn.h>
#include <stdio.h>

struct pt {
	int x, y;
};

int main(int argc, char **argv)
{
	struct pt p = { 5, 6 };
	void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW) : NULL;
	int (*add)(int, int);
	int (*sum)(const struct pt *, int);
	int r;

	if (!h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 2;
	}
	add = (int (*)(int, int))dlsym(h, "lib_add");
	sum = (int (*)(const struct pt *, int))dlsym(h, "lib_sum_area");
	if (!add || !sum)
		return 2;
	r = add(20, 22) + sum(&p, 1);
	dlclose(h);
	printf("%d\n", r);
	return r != 73;
}
