// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf: record and read kcov-dataflow traces. This file only dispatches
 * (the table of commands below); what the commands share is in common.c.
 */
#include <stdio.h>
#include <string.h>

#include "kcovdf_tool.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	/* A reading command: --strict applies to its status. */
	int reads;
	/* Its lines in `kcovdf --help`, each "  SYNOPSIS  help". */
	const char *help;
};

static const struct command commands[] = {
	{ "cc", cmd_cc, 0,
	  "  cc ARGS...                 clang-22 with the plugin and runtime\n" },
	{ "c++", cmd_cxx, 0,
	  "  c++ ARGS...                the same with clang++-22\n" },
	{ "record", cmd_record, 0,
	  "  record [-o FILE] -- CMD    run CMD and write a trace file\n" },
	{ "view", cmd_view, 1,
	  "  view [OPTIONS] TRACE       call tree with names and values\n" },
	{ "report", cmd_report, 1,
	  "  report [OPTIONS] TRACE     per function: calls, values seen, "
	  "errors\n" },
	{ "check", cmd_check, 1,
	  "  check [OPTIONS] RULES TRACE\n"
	  "                             verify contracts (docs/rules.md)\n" },
	{ "diff", cmd_diff, 1,
	  "  diff [OPTIONS] A B         values that differ between two "
	  "traces\n" },
	{ "export", cmd_export, 1,
	  "  export --chrome [-o FILE] TRACE\n"
	  "                             Trace Event JSON for Perfetto / "
	  "chrome://tracing\n" },
	{ "vm", cmd_vm, 0,
	  "  vm build [VARIANT]         build the patched kernel\n"
	  "  vm build --name NAME [--instrument PATH]... [--config X=y]...\n"
	  "                             ... with what you choose instrumented\n"
	  "  vm run [--share DIR] -- SHELL-COMMAND\n"
	  "                             boot it under QEMU and run a command\n" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("usage: kcovdf COMMAND [ARGS]\n"
	      "\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fputs(commands[i].help, f);
	fputs("\n"
	      "Run 'kcovdf COMMAND --help' for a command's options.\n", f);
}

/* A reading command's status: --strict makes a truncated trace exit 2
 * (docs/tools.md). */
static int strict_status(int rc)
{
	return tool_strict && tool_cut ? KCOVDF_EXIT_USAGE : rc;
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
		return KCOVDF_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return KCOVDF_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		puts("kcovdf " KCOVDF_VERSION);
		return KCOVDF_EXIT_OK;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const struct command *c = &commands[i];
		int rc;

		if (strcmp(argv[1], c->name))
			continue;
		rc = c->run(argc - 1, argv + 1);
		return c->reads ? strict_status(rc) : rc;
	}
	fprintf(stderr, "kcovdf: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return KCOVDF_EXIT_USAGE;
}
