/* SPDX-License-Identifier: GPL-2.0 */
/* Shared declarations of the kcovdf command's parts. */
#ifndef KCOVDF_TOOL_H
#define KCOVDF_TOOL_H

#include "kcovdf.h"

#define KCOVDF_VERSION "0.1"

int cmd_cc(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_view(int argc, char **argv);
int cmd_vm(int argc, char **argv);

/* Directory holding the kcovdf executable (build/), and the source tree. */
const char *tool_dir(void);
const char *repo_root(void);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Options shared by commands that symbolise. */
struct symargs {
	const char *vmlinux;
	const char *kallsyms;
	const char *sysroot;
	const char *module_dirs[16];
	size_t nmodule_dirs;
};
/* Returns 1 if argv[*i] was a symbolisation option (consuming its value). */
int symargs_parse(struct symargs *sa, int argc, char **argv, int *i);
struct kcovdf_sym *symargs_open(struct symargs *sa,
				const struct kcovdf_trace *t);

#endif
