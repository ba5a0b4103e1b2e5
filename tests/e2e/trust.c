// SPDX-License-Identifier: GPL-2.0
/*
 * Values a user can trust (#11 items 1-3): what -O2 makes hard to record
 * right, called with known values. tests/e2e/check_trust.py asserts what
 * `kcovdf view --json` shows, at -O0 and -O2; tests/e2e/gdbcheck.py
 * compares the same calls with what gdb shows at each function's entry.
 *
 *  - pointers the callee does not read (writeonly, readnone, initializes):
 *    the caller's stores may be gone, the values must not be shown;
 *  - long double, __int128, _Float128, _Complex, vectors: wider than 64
 *    bits;
 *  - structs by value in two registers, one of them unused;
 *  - char * strings.
 */
#include <stdio.h>
#include <string.h>

#define T __attribute__((noinline))

static volatile long sink;

/* ---- #11.1: pointers the callee does not read ---- */

struct cfg { int level; int mode; int depth; };

/* Only writes through c (writeonly, initializes((0, 12))). */
T void cfg_reset(struct cfg *c)
{
	c->level = 1;
	c->mode = 2;
	c->depth = 3;
}

/* Never dereferences c (readnone). */
T int cfg_ignore(struct cfg *c, int x)
{
	sink++;
	return x + (c != 0);
}

/* Writes level before reading anything, reads mode (initializes((0, 4))). */
T int cfg_part(struct cfg *c)
{
	c->level = 7;
	return c->mode;
}

/* Reads all of it: the values are the caller's. */
T int cfg_use(const struct cfg *c)
{
	return c->level + c->mode + c->depth;
}

/* ---- #11.2: wider than 64 bits ---- */

T long double ld_twice(long double x)
{
	sink++;
	return x * 2;
}

T __int128 i128_next(__int128 x)
{
	sink++;
	return x + 1;
}

T unsigned __int128 u128_half(unsigned __int128 x)
{
	sink++;
	return x / 2;
}

T __float128 f128_neg(__float128 x)
{
	sink++;
	return -x;
}

T _Complex double cd_conj(_Complex double z)
{
	sink++;
	return __builtin_conj(z);
}

typedef int v4si __attribute__((vector_size(16)));

T v4si v4_add(v4si a, v4si b)
{
	sink++;
	return a + b;
}

/* ---- #11.3: structs by value in two registers ---- */

struct pair { long a; long b; };
struct id { int i; double d; };

T long pair_first(struct pair p)
{
	sink++;
	return p.a;
}

T long pair_sum(struct pair p)
{
	sink++;
	return p.a + p.b;
}

T double id_d(struct id s)
{
	sink++;
	return s.d;
}

T int id_i(struct id s)
{
	sink++;
	return s.i;
}

/* ---- #11.3: strings ---- */

T size_t str_len(const char *s)
{
	sink++;
	return strlen(s);
}

T int str_two(const char *a, char *b, int n)
{
	sink++;
	return a[0] + b[0] + n;
}

T int str_maybe(const char *s)
{
	sink++;
	return s ? s[0] : -1;
}

T void str_out(char *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = 'z';
	out[n] = 0;
}

T const char *str_pick(int i)
{
	static const char *const names[] = { "zero", "one", "two" };

	sink++;
	return names[i % 3];
}

int main(int argc, char **argv)
{
	struct cfg a = { 4242, 5, 19 }, b = a, c = a, d = a;
	char big[300], buf[16];
	long double ld = 3.0L;
	(void)argv;

	cfg_reset(&a);
	sink += cfg_ignore(&b, 1);
	sink += cfg_part(&c);
	sink += cfg_use(&d);
	printf("%d %d %d\n", a.level, c.level, d.level);

	ld = ld_twice(ld);
	ld = ld_twice(-0.1L * argc);
	printf("%Lg\n", ld);
	sink += (long)i128_next(-(((__int128)1) << 100) - 7);
	sink += (long)u128_half(~(unsigned __int128)0);
	sink += (long)f128_neg(2.5Q);
	sink += (long)__real__ cd_conj(1.5 + 2.0 * argc * 1.0i);
	{
		v4si x = { 1, -2, 3, 400000 }, y = { argc, argc, argc, argc };
		v4si r = v4_add(x, y);

		sink += r[0] + r[3];
	}

	{
		struct pair p = { 11 + argc, 22 + argc };
		struct id s = { 33 + argc, 4.5 * argc };

		printf("%ld %ld %g %d\n", pair_first(p), pair_sum(p), id_d(s),
		       id_i(s));
	}

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	sink += (long)str_len("hello, world");
	sink += (long)str_len(big);
	sink += (long)str_len("tab\there \"quoted\" \\ \x01\xff");
	strcpy(buf, "mutable");
	sink += str_two("const", buf, argc);
	sink += str_maybe(argc > 5 ? "never" : NULL);
	str_out(buf, 3);
	printf("%s %s\n", buf, str_pick(argc));
	return 0;
}
