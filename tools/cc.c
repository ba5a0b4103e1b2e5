// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf cc / kcovdf c++: clang-22 (clang++-22) with the kcov-dataflow
 * plugin and, when linking, the user-space runtime. A drop-in compiler:
 * every argument is passed through, and what we add depends on what the
 * command does (docs/tools.md, "kcovdf cc"):
 *
 *   compiles C/C++/Objective-C/LLVM IR source (-c, -S, or compile and
 *   link): the plugin and its options, and -g unless a debug level is
 *   chosen (names of parameters and fields come from debug info);
 *   links an executable: the whole runtime archive, its symbols exported
 *   (instrumented shared libraries and dlopen'ed ones call into it), and
 *   -pthread -ldl;
 *   links a shared library (-shared): not the runtime archive but
 *   libkcovdf-rt.so by its absolute path (the callbacks and the gate resolve,
 *   at load time, to the program's runtime when it has one, which it
 *   exports; libkcovdf-rt.so then stays dormant; otherwise to
 *   libkcovdf-rt.so), -z now (the callbacks use preserve_most, which a lazy
 *   PLT binding through the dynamic linker's resolver would break), and a
 *   small object whose constructor tells the runtime where the library was
 *   loaded (MAP chunk: names in a dlopen'ed library);
 *   anything else (-E, -M, -MM, -fsyntax-only, assembly only, a relocatable
 *   link -r, no input file at all as in --version, -v, -###): nothing.
 *
 * KCOVDF_MODES (default "args,ret") selects the instrumentation: any of
 * args, ret, entry-exit. The inline gate comes with args and ret (a program
 * that is not recording does not even call the callbacks); "nogate" turns
 * it off (the callbacks are then always called and return at once when not
 * recording); "gate" is accepted and changes nothing.
 * KCOVDF_CLANG, KCOVDF_CXX, KCOVDF_PLUGIN and KCOVDF_RUNTIME override the
 * compilers, plugin and runtime archive paths; the runtime's other files
 * are looked up next to the archive. KCOVDF_CC_VERBOSE=1 prints what the
 * command was classified as and the command line run.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
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

/* ------------------------------------------------------------------ */
/* Classifying the driver invocation                                   */
/* ------------------------------------------------------------------ */

enum phase {
	PH_LINK = 0,		/* default: compile what is source, link */
	PH_ASM,			/* -S */
	PH_COMPILE,		/* -c */
	PH_PREPROCESS,		/* -E, -M, -MM */
	PH_SYNTAX,		/* -fsyntax-only, --precompile ... no code */
};

enum itype { IT_SOURCE, IT_HEADER, IT_ASM, IT_LINK };

struct cls {
	enum phase phase;
	int nsrc, nhdr, nasm, nlink;	/* inputs by type */
	int shared, relocatable;
	int has_g;
	int xlang;		/* -x in effect: -1 none, else enum itype */
};

/* Options whose value is the next argument when given alone. */
static const char *const sep_opts[] = {
	"-o", "-x", "-I", "-D", "-U", "-L", "-l", "-MF", "-MT", "-MQ", "-MJ",
	"-T", "-u", "-e", "-F", "-B", "-z", "-A",
	"-include", "-imacros", "-iprefix", "-iwithprefix",
	"-iwithprefixbefore", "-isystem", "-isystem-after", "-idirafter",
	"-iquote", "-isysroot", "-imultilib", "-ivfsoverlay", "-include-pch",
	"-iframework", "-iframeworkwithsysroot", "-iembed-dir",
	"-Xlinker", "-Xassembler", "-Xpreprocessor", "-Xclang", "-Xanalyzer",
	"-Xopenmp-target", "-Xoffload-linker", "-Xcuda-fatbinary",
	"-Xcuda-ptxas", "-mllvm", "-target", "-arch", "--param",
	"-serialize-diagnostics", "-dependency-file", "-dependency-dot",
	"-working-directory", "-resource-dir", "-gcc-toolchain", "--sysroot",
	"-module-dependency-dir", "-fmodules-user-build-path",
	"-ccc-install-dir", "-ccc-gcc-name", "-install_name", "-rpath",
	"-Xarch_host", "-Xarch_device", "--output", "--language",
	"-fprofile-remapping-file", "-fsanitize-ignorelist",
	NULL,
};

static int is_sep_opt(const char *a)
{
	for (const char *const *o = sep_opts; *o; o++)
		if (!strcmp(a, *o))
			return 1;
	/* -Xarch_<arch> <arg> */
	return !strncmp(a, "-Xarch_", 7);
}

static int ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

static enum itype type_by_ext(const char *path)
{
	static const char *const src[] = {
		".c", ".i", ".cc", ".cp", ".cxx", ".cpp", ".CPP", ".c++", ".C",
		".ii", ".m", ".mi", ".mm", ".M", ".mii", ".ll", ".bc", NULL,
	};
	static const char *const hdr[] = {
		".h", ".hh", ".H", ".hp", ".hxx", ".hpp", ".HPP", ".h++",
		".tcc", NULL,
	};
	static const char *const as[] = { ".s", ".S", ".sx", NULL };
	const char *base = strrchr(path, '/');
	const char *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot)
		return IT_LINK;
	for (const char *const *e = src; *e; e++)
		if (!strcmp(dot, *e))
			return IT_SOURCE;
	for (const char *const *e = hdr; *e; e++)
		if (!strcmp(dot, *e))
			return IT_HEADER;
	for (const char *const *e = as; *e; e++)
		if (!strcmp(dot, *e))
			return IT_ASM;
	return IT_LINK;	/* .o, .a, .so, .so.1, .lo, anything else */
}

/* The language of -x: -1 for "none" (by extension again). */
static int type_by_lang(const char *lang)
{
	if (!strcmp(lang, "none"))
		return -1;
	if (!strcmp(lang, "assembler") ||
	    !strcmp(lang, "assembler-with-cpp"))
		return IT_ASM;
	if (ends_with(lang, "-header") || ends_with(lang, "-header-unit"))
		return IT_HEADER;
	/* c, c++, objective-c(++), *-cpp-output, ir, cuda, ...: compiled
	 * (an unknown language is clang's error to report). */
	return IT_SOURCE;
}

static void add_input(struct cls *c, const char *path)
{
	int t = c->xlang >= 0 ? c->xlang : (int)type_by_ext(path);

	if (!strcmp(path, "-") && c->xlang < 0)
		t = IT_SOURCE;	/* stdin: clang wants -x, or -E */
	switch (t) {
	case IT_SOURCE: c->nsrc++; break;
	case IT_HEADER: c->nhdr++; break;
	case IT_ASM: c->nasm++; break;
	default: c->nlink++; break;
	}
}

static void set_phase(struct cls *c, enum phase p)
{
	/* The earliest stop wins, as with the driver (-E -c preprocesses). */
	if (p > c->phase)
		c->phase = p;
}

static void classify(struct cls *c, int argc, char **argv, int depth);

/*
 * @FILE: the arguments in FILE (GNU quoting: whitespace separates, '' and
 * "" quote, backslash escapes), classified like command-line arguments.
 * The driver expands the file itself; we only read it. An unreadable file
 * is left to the driver (it treats @FILE as an input then: so do we).
 */
static int classify_response(struct cls *c, const char *path, int depth)
{
	FILE *f = depth < 16 ? fopen(path, "r") : NULL;
	char **av = NULL, *cur = NULL;
	size_t n = 0, cap = 0, len = 0, ccap = 0;
	int ch, quote = 0, intok = 0;

	if (!f)
		return -1;
	for (;;) {
		ch = fgetc(f);
		if (ch == EOF || (!quote && (ch == ' ' || ch == '\t' ||
					     ch == '\n' || ch == '\r'))) {
			if (intok) {
				if (n + 1 >= cap) {
					cap = cap ? cap * 2 : 64;
					av = realloc(av, cap * sizeof(*av));
					if (!av)
						die("out of memory");
				}
				av[n++] = cur;
				cur = NULL;
				len = ccap = 0;
				intok = 0;
			}
			if (ch == EOF)
				break;
			continue;
		}
		if (!quote && (ch == '\'' || ch == '"')) {
			quote = ch;
			intok = 1;
			continue;
		}
		if (quote && ch == quote) {
			quote = 0;
			continue;
		}
		if (ch == '\\' && quote != '\'') {
			int nx = fgetc(f);

			if (nx == EOF)
				break;
			ch = nx;
		}
		if (len + 2 > ccap) {
			ccap = ccap ? ccap * 2 : 64;
			cur = realloc(cur, ccap);
			if (!cur)
				die("out of memory");
		}
		cur[len++] = (char)ch;
		cur[len] = 0;
		intok = 1;
	}
	fclose(f);
	free(cur);
	classify(c, (int)n, av, depth + 1);
	for (size_t i = 0; i < n; i++)
		free(av[i]);
	free(av);
	return 0;
}

static void classify(struct cls *c, int argc, char **argv, int depth)
{
	int only_inputs = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i] ? argv[i] : "";

		if (only_inputs || a[0] != '-' || !strcmp(a, "-")) {
			if (!only_inputs && a[0] == '@' &&
			    classify_response(c, a + 1, depth) == 0)
				continue;
			add_input(c, a);
			continue;
		}
		if (!strcmp(a, "--")) {
			only_inputs = 1;
			continue;
		}
		if (!strcmp(a, "-c"))
			set_phase(c, PH_COMPILE);
		else if (!strcmp(a, "-S"))
			set_phase(c, PH_ASM);
		else if (!strcmp(a, "-E") || !strcmp(a, "-M") ||
			 !strcmp(a, "-MM") || !strcmp(a, "--preprocess"))
			set_phase(c, PH_PREPROCESS);
		else if (!strcmp(a, "-fsyntax-only") ||
			 !strcmp(a, "--precompile") ||
			 !strcmp(a, "--analyze") || !strcmp(a, "-emit-ast") ||
			 !strcmp(a, "-fdriver-only"))
			set_phase(c, PH_SYNTAX);
		else if (!strcmp(a, "-shared") || !strcmp(a, "--shared"))
			c->shared = 1;
		else if (!strcmp(a, "-r") || !strcmp(a, "--relocatable") ||
			 !strcmp(a, "-Wl,-r") ||
			 !strcmp(a, "-Wl,--relocatable"))
			c->relocatable = 1;
		else if (!strncmp(a, "-l", 2) && a[2])
			c->nlink++;	/* -lfoo: a library to link */
		else if (!strcmp(a, "-x") && i + 1 < argc)
			c->xlang = type_by_lang(argv[i + 1]);
		else if (!strncmp(a, "-x", 2) && a[2])
			c->xlang = type_by_lang(a + 2);
		else if (!strncmp(a, "--language=", 11))
			c->xlang = type_by_lang(a + 11);
		else if (!strncmp(a, "-g", 2) && strncmp(a, "-gcc-", 5) &&
			 strcmp(a, "-gsplit-dwarf") &&
			 strncmp(a, "-gz", 3) && strcmp(a, "-gcc-toolchain"))
			c->has_g = 1;
		if (!strcmp(a, "-l") && i + 1 < argc)
			c->nlink++;
		if (!strcmp(a, "--language") && i + 1 < argc)
			c->xlang = type_by_lang(argv[i + 1]);
		if (is_sep_opt(a))
			i++;	/* its value is not an input */
	}
}

static const char *const phase_name[] = {
	[PH_LINK] = "compile and link", [PH_ASM] = "compile to assembly",
	[PH_COMPILE] = "compile", [PH_PREPROCESS] = "preprocess",
	[PH_SYNTAX] = "no code generated",
};

/* ------------------------------------------------------------------ */
/* The command line                                                    */
/* ------------------------------------------------------------------ */

static const char *plugin_opt(const char *mode)
{
	static const struct { const char *mode, *opt; } map[] = {
		{ "args", "-kcov-df-args" },
		{ "ret", "-kcov-df-ret" },
		{ "entry-exit", "-kcov-df-entry-exit" },
		{ "gate", "-kcov-df-gate" },
	};

	for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
		if (!strcmp(mode, map[k].mode))
			return map[k].opt;
	return NULL;
}

/*
 * -Xclang -mllvm -Xclang OPT: to the compiler proper only, never to the
 * integrated assembler of an .S file given in the same command (it does not
 * load the plugin, so it would not know the option).
 */
static void add_mllvm(char **av, int *n, const char *opt)
{
	av[(*n)++] = "-Xclang";
	av[(*n)++] = "-mllvm";
	av[(*n)++] = "-Xclang";
	av[(*n)++] = (char *)opt;
}

/* FILE in the directory of the runtime archive, as an absolute path. */
static char *sibling(const char *archive, const char *file)
{
	char *d = strdup(archive), *p, abs[PATH_MAX];

	if (!d)
		die("out of memory");
	if (!realpath(dirname(d), abs))
		die("runtime %s: %s (run 'make' first)", archive,
		    strerror(errno));
	if (asprintf(&p, "%s/%s", abs, file) < 0)
		die("out of memory");
	free(d);
	return p;
}

static void need(const char *path, const char *what)
{
	if (access(path, R_OK))
		die("%s %s: %s (run 'make' first)", what, path,
		    strerror(errno));
}

static int run_driver(int argc, char **argv, int cxx)
{
	char pbuf[4096], rbuf[4096], modes_buf[256];
	const char *compiler = getenv(cxx ? "KCOVDF_CXX" : "KCOVDF_CLANG");
	const char *plugin = path_or("KCOVDF_PLUGIN", "kcovdf-plugin.so",
				     pbuf, sizeof(pbuf));
	const char *runtime = path_or("KCOVDF_RUNTIME", "libkcovdf-rt.a",
				      rbuf, sizeof(rbuf));
	const char *modes = getenv("KCOVDF_MODES");
	const char *verbose = getenv("KCOVDF_CC_VERBOSE");
	char **av = calloc((size_t)argc + 40, sizeof(*av));
	struct cls c = { .phase = PH_LINK, .xlang = -1 };
	int n = 0, compiling, linking, gate = 1, values = 0;
	const char *kind;

	if (!av)
		die("out of memory");
	if (!compiler || !*compiler)
		compiler = cxx ? "clang++-22" : "clang-22";
	if (!modes || !*modes)
		modes = "args,ret";
	classify(&c, argc - 1, argv + 1, 0);
	compiling = c.nsrc > 0 && c.phase <= PH_COMPILE;
	linking = c.phase == PH_LINK && c.nsrc + c.nasm + c.nlink > 0 &&
		  !c.relocatable;

	av[n++] = (char *)compiler;
	if (compiling) {
		char *plug;

		need(plugin, "plugin");
		if (asprintf(&plug, "-fpass-plugin=%s", plugin) < 0)
			die("out of memory");
		av[n++] = plug;
		snprintf(modes_buf, sizeof(modes_buf), "%s", modes);
		for (char *t = strtok(modes_buf, ","); t;
		     t = strtok(NULL, ",")) {
			const char *o = plugin_opt(t);

			if (!strcmp(t, "nogate")) {
				gate = 0;
				continue;
			}
			if (!o)
				die("KCOVDF_MODES: unknown mode '%s' (args, "
				    "ret, entry-exit, gate, nogate)", t);
			if (!strcmp(t, "gate"))
				continue;	/* implied, below */
			if (strcmp(t, "entry-exit"))
				values = 1;
			add_mllvm(av, &n, o);
		}
		/* The gate whenever values are recorded, unless "nogate". */
		if (gate && values)
			add_mllvm(av, &n, plugin_opt("gate"));
		if (!c.has_g)
			av[n++] = "-g";
	}
	for (int i = 1; i < argc; i++)
		av[n++] = argv[i];
	kind = "nothing added";
	if (linking && c.shared) {
		char *dso = sibling(runtime, "kcovdf-rt-dso.o");
		char *rtso = sibling(runtime, "libkcovdf-rt.so");

		need(dso, "runtime object");
		need(rtso, "shared runtime");
		av[n++] = dso;
		/* By its absolute path (it has no SONAME): DT_NEEDED names
		 * it so, and it is found without a search path. */
		av[n++] = rtso;
		av[n++] = "-Wl,-z,now";
		kind = "shared library";
	} else if (linking) {
		char *exports = sibling(runtime, "kcovdf-rt.exports"), *dl;

		need(runtime, "runtime");
		need(exports, "runtime export list");
		if (asprintf(&dl, "-Wl,--dynamic-list=%s", exports) < 0)
			die("out of memory");
		av[n++] = "-Wl,--whole-archive";
		av[n++] = (char *)runtime;
		av[n++] = "-Wl,--no-whole-archive";
		av[n++] = dl;
		av[n++] = "-pthread";
		av[n++] = "-ldl";
		kind = "executable";
	}
	av[n] = NULL;
	if (verbose && *verbose && strcmp(verbose, "0")) {
		fprintf(stderr, "kcovdf cc: %s%s, %s; inputs: %d source, "
			"%d header, %d assembly, %d to link\n",
			phase_name[c.phase], compiling ? " (instrumented)" : "",
			linking ? kind : "nothing linked", c.nsrc, c.nhdr, c.nasm,
			c.nlink);
		fputs("kcovdf cc:", stderr);
		for (int i = 0; i < n; i++)
			fprintf(stderr, " %s", av[i]);
		fputc('\n', stderr);
	}
	execvp(compiler, av);
	die("cannot run %s: %s", compiler, strerror(errno));
}

int cmd_cc(int argc, char **argv)
{
	return run_driver(argc, argv, 0);
}

int cmd_cxx(int argc, char **argv)
{
	return run_driver(argc, argv, 1);
}
