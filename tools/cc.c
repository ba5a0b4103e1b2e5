// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf cc: clang-22 with the kcov-dataflow plugin and, when linking, the
 * user-space runtime. A drop-in compiler: every argument is passed through.
 *
 * KCOVDF_MODES (default "args,ret") selects the instrumentation: any of
 * args, ret, entry-exit, gate. KCOVDF_CLANG, KCOVDF_PLUGIN and
 * KCOVDF_RUNTIME override the compiler, plugin and runtime paths. -g is
 * added unless the command line chooses a debug level itself, since names
 * of parameters and fields come from debug info.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcovdf_tool.h"

static const char *path_or(const char *env, const char *file, char *buf,
			   size_t len)
{
	const char *v = getenv(env);

	if (v && *v)
		return v;
	snprintf(buf, len, "%s/%s", tool_dir(), file);
	return buf;
}

int cmd_cc(int argc, char **argv)
{
	char pbuf[4096], rbuf[4096], modes_buf[256], plug[4200];
	const char *clang = getenv("KCOVDF_CLANG");
	const char *plugin = path_or("KCOVDF_PLUGIN", "kcovdf-plugin.so",
				     pbuf, sizeof(pbuf));
	const char *runtime = path_or("KCOVDF_RUNTIME", "libkcovdf-rt.a",
				      rbuf, sizeof(rbuf));
	const char *modes = getenv("KCOVDF_MODES");
	char **av = calloc((size_t)argc + 24, sizeof(*av));
	int n = 0, linking = 1, has_g = 0, has_input = 0;

	if (!av)
		die("out of memory");
	if (!clang || !*clang)
		clang = "clang-22";
	if (!modes || !*modes)
		modes = "args,ret";
	if (access(plugin, R_OK))
		die("plugin %s: %s (run 'make' first)", plugin,
		    strerror(errno));
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-c") || !strcmp(a, "-S") || !strcmp(a, "-E") ||
		    !strcmp(a, "-M") || !strcmp(a, "-MM") ||
		    !strcmp(a, "-fsyntax-only"))
			linking = 0;
		if (!strncmp(a, "-g", 2) || !strncmp(a, "-gdwarf", 7))
			has_g = 1;
		if (a[0] != '-')
			has_input = 1;
	}
	snprintf(modes_buf, sizeof(modes_buf), "%s", modes);
	snprintf(plug, sizeof(plug), "-fpass-plugin=%s", plugin);
	av[n++] = (char *)clang;
	av[n++] = plug;
	for (char *tok = strtok(modes_buf, ","); tok; tok = strtok(NULL, ",")) {
		static const struct { const char *mode, *opt; } map[] = {
			{ "args", "-kcov-df-args" },
			{ "ret", "-kcov-df-ret" },
			{ "entry-exit", "-kcov-df-entry-exit" },
			{ "gate", "-kcov-df-gate" },
		};
		size_t k;

		for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (!strcmp(tok, map[k].mode))
				break;
		if (k == sizeof(map) / sizeof(map[0]))
			die("KCOVDF_MODES: unknown mode '%s' (args, ret, "
			    "entry-exit, gate)", tok);
		av[n++] = "-mllvm";
		av[n++] = (char *)map[k].opt;
	}
	if (!has_g)
		av[n++] = "-g";
	for (int i = 1; i < argc; i++)
		av[n++] = argv[i];
	if (linking && has_input) {
		if (access(runtime, R_OK))
			die("runtime %s: %s (run 'make' first)", runtime,
			    strerror(errno));
		av[n++] = (char *)runtime;
		av[n++] = "-pthread";
		av[n++] = "-ldl";
	}
	av[n] = NULL;
	execvp(clang, av);
	die("cannot run %s: %s", clang, strerror(errno));
}
