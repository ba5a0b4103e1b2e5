// SPDX-License-Identifier: GPL-2.0
/*
 * Linked by `kcovdf cc -shared` into every shared library it links
 * (build/kcovdf-rt-dso.o); not part of the runtime archive.
 *
 * A shared library holds no runtime: its callbacks and the gate resolve, at
 * load time, against the runtime of the program (docs/runtime.md, "Shared
 * libraries"). This constructor tells that runtime where the library was
 * loaded, so that a library dlopen'ed (and maybe dlclose'd) while recording
 * gets its MAP chunk and a reader can name its functions. The reference is
 * weak: in a program without the runtime nothing happens.
 */
extern void __kcovdf_rt_dso_loaded(const void *addr) __attribute__((weak));

static __attribute__((constructor, used)) void kcovdf_dso_loaded(void)
{
	if (__kcovdf_rt_dso_loaded)
		__kcovdf_rt_dso_loaded((const void *)kcovdf_dso_loaded);
}
