// SPDX-License-Identifier: GPL-2.0
// kcovdf c++: a C++ program (libstdc++ linked by clang++-22).
#include <string>
#include <vector>

struct acc {
	long total;
	int n;
};

__attribute__((noinline)) int add_len(acc *a, const std::string &s)
{
	a->total += (long)s.size();
	return ++a->n;
}

int main()
{
	std::vector<std::string> v{ "one", "three" };
	acc a{ 0, 0 };

	for (const auto &s : v)
		add_len(&a, s);
	return a.total == 8 ? 0 : 1;
}
