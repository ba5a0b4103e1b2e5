// SPDX-License-Identifier: GPL-2.0
/* kcovdf: record and read kcov-dataflow traces. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcovdf_tool.h"

static void usage(FILE *f)
{
	fputs("usage: kcovdf COMMAND [ARGS]\n"
	      "\n"
	      "  cc ARGS...                 clang-22 with the plugin and runtime\n"
	      "  c++ ARGS...                the same with clang++-22\n"
	      "  record [-o FILE] -- CMD    run CMD and write a trace file\n"
	      "  view [OPTIONS] TRACE       call tree with names and values\n"
	      "  report [OPTIONS] TRACE     per function: calls, values seen, "
	      "errors\n"
	      "  check [OPTIONS] RULES TRACE\n"
	      "                             verify contracts (docs/rules.md)\n"
	      "  diff [OPTIONS] A B         values that differ between two "
	      "traces\n"
	      "  export --chrome [-o FILE] TRACE\n"
	      "                             Trace Event JSON for Perfetto / "
	      "chrome://tracing\n"
	      "  vm build [VARIANT]         build the patched kernel\n"
	      "  vm build --name NAME [--instrument PATH]... [--config X=y]...\n"
	      "                             ... with what you choose instrumented\n"
	      "  vm run [--share DIR] -- SHELL-COMMAND\n"
	      "                             boot it under QEMU and run a command\n"
	      "\n"
	      "Run 'kcovdf COMMAND --help' for a command's options.\n", f);
}

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("kcovdf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	fputs("kcovdf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *tool_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (dir[0])
		return dir;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		die("cannot find my own executable: %s", strerror(errno));
	exe[n] = 0;
	snprintf(dir, sizeof(dir), "%s", dirname(exe));
	return dir;
}

const char *repo_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("KCOVDF_ROOT");

	if (env && *env)
		return env;
	if (!root[0]) {
		char tmp[PATH_MAX];

		snprintf(tmp, sizeof(tmp), "%s", tool_dir());
		snprintf(root, sizeof(root), "%s", dirname(tmp));
	}
	return root;
}

int symargs_parse(struct symargs *sa, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const char **slot = NULL;

	if (!strcmp(a, "--vmlinux"))
		slot = &sa->vmlinux;
	else if (!strcmp(a, "--kallsyms"))
		slot = &sa->kallsyms;
	else if (!strcmp(a, "--sysroot"))
		slot = &sa->sysroot;
	else if (!strcmp(a, "--modules")) {
		if (sa->nmodule_dirs == 16)
			die("too many --modules");
		slot = &sa->module_dirs[sa->nmodule_dirs++];
	} else
		return 0;
	if (*i + 1 >= argc)
		die("%s needs a value", a);
	*slot = argv[++*i];
	return 1;
}

struct kcovdf_sym *symargs_open(struct symargs *sa,
				const struct kcovdf_trace *t,
				const char *path)
{
	struct kcovdf_symopts o = {
		.vmlinux = sa->vmlinux,
		.kallsyms = sa->kallsyms,
		.sysroot = sa->sysroot,
		.module_dirs = sa->module_dirs,
		.nmodule_dirs = sa->nmodule_dirs,
		.search = 1,
	};
	const char *src = kcovdf_trace_meta(t, "source");
	const char *roots[2], *dirs[1], *dbg[32];
	char tdir[PATH_MAX], tpath[PATH_MAX], *env = NULL;
	struct kcovdf_sym *s;

	/* Live kernel traces read in the guest: use what the guest has. */
	if (src && !strcmp(src, "kernel") && !o.kallsyms && !o.vmlinux &&
	    !t->nsyms && !access("/proc/kallsyms", R_OK))
		o.kallsyms = "/proc/kallsyms";
	/* The trace's directory; the kcovdf tree, when it is one (this
	 * executable in its build/). */
	snprintf(tpath, sizeof(tpath), "%s", path ? path : ".");
	snprintf(tdir, sizeof(tdir), "%s", dirname(tpath));
	roots[o.nroots++] = repo_root();
	if (strcmp(tdir, repo_root()))
		roots[o.nroots++] = tdir;
	dirs[o.ndirs++] = tdir;
	o.roots = roots;
	o.dirs = dirs;
	/* KCOVDF_DEBUG_PATH: files and directories, separated by ':'. */
	if (getenv("KCOVDF_DEBUG_PATH")) {
		env = strdup(getenv("KCOVDF_DEBUG_PATH"));
		if (!env)
			die("out of memory");
		for (char *save = NULL, *p = strtok_r(env, ":", &save); p;
		     p = strtok_r(NULL, ":", &save))
			if (*p && o.ndebug_path < sizeof(dbg) / sizeof(*dbg))
				dbg[o.ndebug_path++] = p;
		o.debug_path = dbg;
	}
	s = kcovdf_sym_new(t, &o);
	free(env);
	return s;
}

/* A reading command's status: --strict makes a truncated trace exit 2
 * (docs/tools.md). */
static int strict_status(int rc)
{
	return tool_strict && tool_cut ? 2 : rc;
}

int main(int argc, char **argv)
{
	const char *self = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1
						 : argv[0];

	/* build/kcovdf-cc and build/kcovdf-c++ (symbolic links): a compiler
	 * that is one path, for build systems that want that (CMake, meson). */
	if (!strcmp(self, "kcovdf-cc"))
		return cmd_cc(argc, argv);
	if (!strcmp(self, "kcovdf-c++"))
		return cmd_cxx(argc, argv);
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("kcovdf " KCOVDF_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "cc"))
		return cmd_cc(argc - 1, argv + 1);
	if (!strcmp(argv[1], "c++"))
		return cmd_cxx(argc - 1, argv + 1);
	if (!strcmp(argv[1], "record"))
		return cmd_record(argc - 1, argv + 1);
	if (!strcmp(argv[1], "view"))
		return strict_status(cmd_view(argc - 1, argv + 1));
	if (!strcmp(argv[1], "report"))
		return strict_status(cmd_report(argc - 1, argv + 1));
	if (!strcmp(argv[1], "check"))
		return strict_status(cmd_check(argc - 1, argv + 1));
	if (!strcmp(argv[1], "diff"))
		return strict_status(cmd_diff(argc - 1, argv + 1));
	if (!strcmp(argv[1], "export"))
		return strict_status(cmd_export(argc - 1, argv + 1));
	if (!strcmp(argv[1], "vm"))
		return cmd_vm(argc - 1, argv + 1);
	fprintf(stderr, "kcovdf: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
