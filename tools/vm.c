// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf vm build|run: the kernel build script (kernel/build.sh: variants,
 * and variants of your own with --name) and the QEMU runner (kernel/vm.sh).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kcovdf_tool.h"

int cmd_vm(int argc, char **argv)
{
	char script[4096];
	const char *which;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs("usage: kcovdf vm build [VARIANT]\n"
		      "       kcovdf vm build --name NAME [--base small|module|all|debug]\n"
		      "                 [--instrument PATH]... "
		      "[--config CONFIG_X=y|m|n|VALUE]...\n"
		      "                 [--no-inline] [--no-kcov] "
		      "[--kernel-src DIR] [--kernel-config FILE]\n"
		      "                 [--configure-only]\n"
		      "       kcovdf vm run [--variant V] [--share DIR] "
		      "[--add HOST[:GUEST]] -- SHELL-COMMAND\n"
		      "(kernel/build.sh --help, kernel/vm.sh --help)\n",
		      stderr);
		return argc < 2 ? KCOVDF_EXIT_USAGE : KCOVDF_EXIT_OK;
	}
	if (!strcmp(argv[1], "build"))
		which = "build.sh";
	else if (!strcmp(argv[1], "run"))
		which = "vm.sh";
	else
		die("vm: unknown subcommand '%s' (build, run)", argv[1]);
	snprintf(script, sizeof(script), "%s/kernel/%s", repo_root(), which);
	argv[1] = script;
	execv(script, argv + 1);
	die("cannot run %s: %s", script, strerror(errno));
}
