// SPDX-License-Identifier: GPL-2.0
/*
 * Register pressure across instrumented calls in a shared library. The
 * callbacks use preserve_most: the caller keeps values in registers the C
 * convention lets a callee clobber (r10 among them). A first call through a
 * lazily bound PLT entry goes through the dynamic linker's resolver, which
 * saves only the argument registers: r10 would come back changed.
 * `kcovdf cc -shared` links with -z now; tests/suites/30-user-cc.sh compares
 * the result with an uninstrumented build.
 */
__attribute__((noinline)) long press_leaf(long a, long b)
{
	return a * 3 + b;
}

__attribute__((noinline)) long press(const long *v, int n)
{
	long a0 = v[0], a1 = v[1], a2 = v[2], a3 = v[3], a4 = v[4];
	long a5 = v[5], a6 = v[6], a7 = v[7], a8 = v[8], a9 = v[9];
	long a10 = v[10], a11 = v[11], a12 = v[12], a13 = v[13];
	long s = 0;

	for (int i = 0; i < n; i++) {
		s += press_leaf(a0 ^ i, a1) + a2 * a3 - a4 + (a5 | a6) +
		     (a7 & a8) + a9 * a10 + a11 - a12 + a13;
		a0 += a1; a1 ^= a2; a2 += a3; a3 ^= a4; a4 += a5;
		a5 ^= a6; a6 += a7; a7 ^= a8; a8 += a9; a9 ^= a10;
		a10 += a11; a11 ^= a12; a12 += a13; a13 ^= s;
	}
	return s + a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 +
	       a11 + a12 + a13;
}
