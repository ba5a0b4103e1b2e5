// SPDX-License-Identifier: GPL-2.0
/*
 * exec and _exit: the process image goes away without running destructors,
 * so the buffered records of every thread are written first (the same final
 * flush as at exit: STREAM, LOSS and MAP chunks). If exec fails, recording
 * goes back to buffering. The new image, when it is linked with the runtime
 * too, appends to the same file (KCOVDF_OUT is in its environment).
 *
 * The exec family is interposed member by member because glibc implements
 * execv, execvp, ... with internal calls that do not go through execve's
 * PLT entry. In a vfork() child (getpid() differs from the recording pid,
 * no atfork handler ran) nothing is flushed: it shares our memory.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rt_internal.h"

extern char **environ;

typedef int (*execvpe_fn)(const char *, char *const[], char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);

static execvpe_fn real_execvpe;
static fexecve_fn real_fexecve;

/* Resolved before main, not in a vfork child. */
static KCOVDF_NOINSTR __attribute__((constructor(101))) void exec_init(void)
{
	real_execvpe = (execvpe_fn)dlsym(RTLD_NEXT, "execvpe");
	real_fexecve = (fexecve_fn)dlsym(RTLD_NEXT, "fexecve");
}

static void before(void)
{
	rt_final_flush("exec");
}

/*
 * envp plus KCOVDF_EXEC_STATE (the exec'ing thread's stream counters), so
 * that the new image continues the counters of the stream its records
 * continue: the last LOSS chunk then covers both images. Returns envp
 * itself when there is nothing to add. out must hold n + 2 pointers.
 */
static char *const *with_state(char *const envp[], char **out, size_t n,
			       char *state, size_t statelen)
{
	size_t k = 0;

	if (!rt_exec_state(state, statelen))
		return envp;
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], "KCOVDF_EXEC_STATE=", 18) != 0)
			out[k++] = envp[i];
	out[k++] = state;
	out[k] = NULL;
	return out;
}

static size_t env_count(char *const envp[])
{
	size_t n = 0;

	while (envp && envp[n])
		n++;
	return n;
}

static int after(int r)
{
	int e = errno;

	rt_resume_after_exec_failure();
	errno = e;
	return r;
}

/* What execve execs with: the system call (execve itself is ours). */
static KCOVDF_NOINSTR int sys_execve(const char *path, char *const argv[],
				     char *const envp[])
{
	return (int)syscall(SYS_execve, path, argv, envp);
}

/*
 * What execve, execvpe and fexecve share: the final flush, then the exec
 * with envp plus the stream state, then back to buffering if it returned.
 * by_fd (with fd) when given, else by_path (with path); ENOSYS when the
 * one to use was not found by exec_init.
 */
static KCOVDF_NOINSTR int exec_with_state(execvpe_fn by_path,
					  fexecve_fn by_fd, const char *path,
					  int fd, char *const argv[],
					  char *const envp[])
{
	if (!by_path && !by_fd) {
		errno = ENOSYS;
		return -1;
	}
	size_t n = env_count(envp);
	char *env2[n + 2], state[256];
	char *const *env;

	before();
	env = with_state(envp, env2, n, state, sizeof(state));
	return after(by_fd ? by_fd(fd, argv, env) : by_path(path, argv, env));
}

KCOVDF_NOINSTR int execve(const char *path, char *const argv[],
			  char *const envp[])
{
	return exec_with_state(sys_execve, NULL, path, -1, argv, envp);
}

KCOVDF_NOINSTR int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

KCOVDF_NOINSTR int execvpe(const char *file, char *const argv[],
			   char *const envp[])
{
	return exec_with_state(real_execvpe, NULL, file, -1, argv, envp);
}

KCOVDF_NOINSTR int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

KCOVDF_NOINSTR int fexecve(int fd, char *const argv[], char *const envp[])
{
	return exec_with_state(NULL, real_fexecve, NULL, fd, argv, envp);
}

/*
 * execl, execle, execlp: the arguments after arg, up to and with their
 * NULL, into a vector (for execle followed by the environment), then as
 * above: execvpe when search, else execve.
 */
static KCOVDF_NOINSTR int exec_list(const char *path, const char *arg,
				    va_list ap, int search, int with_env)
{
	va_list cp;
	size_t n = 1;

	va_copy(cp, ap);
	while (va_arg(cp, char *))
		n++;
	va_end(cp);
	{
		char *argv[n + 1];
		char *const *envp = environ;

		argv[0] = (char *)arg;
		for (size_t i = 1; i <= n; i++)
			argv[i] = va_arg(ap, char *);
		if (with_env)
			envp = va_arg(ap, char *const *);
		return search ? execvpe(path, argv, envp) :
				execve(path, argv, envp);
	}
}

#define EXEC_LIST(name, search, with_env)				\
KCOVDF_NOINSTR int name(const char *path, const char *arg, ...)	\
{									\
	va_list ap;							\
	int rc;								\
									\
	va_start(ap, arg);						\
	rc = exec_list(path, arg, ap, search, with_env);		\
	va_end(ap);							\
	return rc;							\
}

EXEC_LIST(execl, 0, 0)
EXEC_LIST(execlp, 1, 0)
EXEC_LIST(execle, 0, 1)

/* _exit and _Exit skip atexit handlers and destructors. */
KCOVDF_NOINSTR void _exit(int status)
{
	rt_final_flush("_exit");
	for (;;)
		syscall(SYS_exit_group, status);
}

KCOVDF_NOINSTR void _Exit(int status)
{
	_exit(status);
}
