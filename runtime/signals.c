// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-tolerant reads and the signal plumbing they need.
 *
 * rt_copy_nofault() copies with kcovdf_copy_asm (nofault_x86_64.S). Our
 * SIGSEGV/SIGBUS handler stays in front of the program's: a fault inside the
 * copy routine resumes at its fixup (the copy returns failure); any other
 * fault is handed to the handler the program installed, or gets the default
 * action, exactly as if we were not there.
 *
 * To keep our handler in front, sigaction(), signal(), bsd_signal() and
 * sysv_signal() are interposed (the runtime is a static archive linked into
 * the program, so its definitions win over libc's). For SIGSEGV and SIGBUS
 * the program's action is only remembered; sigaction() reports it back as if
 * it were installed. For other signals a handler the program installs is
 * wrapped by a trampoline that counts handler depth per thread: inside a
 * handler SIGSEGV may be blocked (sa_mask), and a synchronous fault on a
 * blocked SIGSEGV kills the process whatever the handler, so the copy then
 * checks the real mask and, if needed, reads with process_vm_readv() instead.
 * sigprocmask()/pthread_sigmask() are interposed for the same reason (worker
 * threads created with every signal blocked are common).
 *
 * Not covered (docs/runtime.md): handlers installed with a raw rt_sigaction
 * system call, masks changed by raw system calls, setcontext/swapcontext.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include "rt_internal.h"

extern int __sigaction(int, const struct sigaction *, struct sigaction *);
extern char kcovdf_copy_start[], kcovdf_copy_end[], kcovdf_copy_fixup[]
	KCOVDF_HIDDEN;

#define NSIGS 65

enum { M_PASS = 0, M_FRONT = 1, M_TRAMP = 2 };

/* The action the program believes is installed, for signals we manage.
 * Two slots per signal and an index, so a handler never reads a slot being
 * rewritten by a single sigaction() call. */
static struct sigaction user_act[NSIGS][2];
static atomic_int user_idx[NSIGS];
static atomic_int managed[NSIGS];
static atomic_int sig_active;	/* interposition on (runtime enabled) */
static atomic_int front_ok;	/* our SIGSEGV and SIGBUS handlers are in */

KCOVDF_NOINSTR int rt_real_sigaction(int sig, const struct sigaction *act,
				     struct sigaction *old)
{
	return __sigaction(sig, act, old);
}

static void user_get(int sig, struct sigaction *out)
{
	*out = user_act[sig][atomic_load(&user_idx[sig])];
}

static void user_set(int sig, const struct sigaction *a)
{
	int slot = 1 - atomic_load(&user_idx[sig]);

	user_act[sig][slot] = *a;
	atomic_store(&user_idx[sig], slot);
}

static void user_set_dfl(int sig)
{
	struct sigaction d;

	memset(&d, 0, sizeof(d));
	d.sa_handler = SIG_DFL;
	user_set(sig, &d);
}

static int is_func(const struct sigaction *a)
{
	return a->sa_handler != SIG_DFL && a->sa_handler != SIG_IGN;
}

static int raw_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return (int)syscall(SYS_rt_sigprocmask, how, set, old, _NSIG / 8);
}

static int mask_blocks_fault_signals(void)
{
	sigset_t cur;

	if (raw_sigmask(SIG_BLOCK, NULL, &cur) != 0)
		return 1;
	return sigismember(&cur, SIGSEGV) || sigismember(&cur, SIGBUS);
}

/* Re-raise sig with its default action after our handler returns. */
static void default_action(int sig, const siginfo_t *si)
{
	struct sigaction d;

	memset(&d, 0, sizeof(d));
	d.sa_handler = SIG_DFL;
	__sigaction(sig, &d, NULL);
	/* A fault re-executes the instruction and dies with the right
	 * signal and core dump; a sent signal must be sent again. */
	if (si->si_code <= 0)
		syscall(SYS_tgkill, getpid(), rt_gettid(), sig);
}

static void call_user(int sig, const struct sigaction *ua, siginfo_t *si,
		      void *uc)
{
	struct rt_thread *t = &kcovdf_tls;

	atomic_fetch_add_explicit(&t->sig_depth, 1, memory_order_relaxed);
	atomic_signal_fence(memory_order_seq_cst);
	if (ua->sa_flags & SA_SIGINFO)
		ua->sa_sigaction(sig, si, uc);
	else
		ua->sa_handler(sig);
	atomic_signal_fence(memory_order_seq_cst);
	atomic_fetch_sub_explicit(&t->sig_depth, 1, memory_order_relaxed);
}

/* SIGSEGV / SIGBUS: always installed while recording. */
static KCOVDF_NOINSTR void front_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
	struct sigaction ua;
	int saved = errno;

	if (pc >= (uintptr_t)kcovdf_copy_start &&
	    pc < (uintptr_t)kcovdf_copy_end) {
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)kcovdf_copy_fixup;
		return;
	}
	user_get(sig, &ua);
	if (!is_func(&ua)) {
		/* SIG_IGN on a fault: the kernel would kill; on a sent
		 * signal it would ignore. */
		if (ua.sa_handler == SIG_DFL || si->si_code > 0)
			default_action(sig, si);
		errno = saved;
		return;
	}
	if (ua.sa_flags & SA_RESETHAND)
		user_set_dfl(sig);
	call_user(sig, &ua, si, ucv);
}

/* Every other signal with a handler of the program's. */
static KCOVDF_NOINSTR void trampoline(int sig, siginfo_t *si, void *uc)
{
	struct sigaction ua;

	user_get(sig, &ua);
	if (ua.sa_flags & SA_RESETHAND) {
		/* The kernel already reset it (we pass SA_RESETHAND on). */
		user_set_dfl(sig);
		atomic_store(&managed[sig], M_PASS);
	}
	if (!is_func(&ua)) {	/* changed under our feet */
		if (ua.sa_handler == SIG_DFL)
			default_action(sig, si);
		return;
	}
	call_user(sig, &ua, si, uc);
}

static int install_front(int sig, const struct sigaction *ua)
{
	struct sigaction k;

	memset(&k, 0, sizeof(k));
	k.sa_sigaction = front_handler;
	k.sa_mask = ua->sa_mask;
	k.sa_flags = SA_SIGINFO | SA_ONSTACK |
		     (ua->sa_flags & (SA_RESTART | SA_NODEFER));
	if (__sigaction(sig, &k, NULL) != 0)
		return -1;
	user_set(sig, ua);
	atomic_store(&managed[sig], M_FRONT);
	return 0;
}

static int install_tramp(int sig, const struct sigaction *ua)
{
	struct sigaction k = *ua;

	k.sa_sigaction = trampoline;
	k.sa_flags |= SA_SIGINFO;
	user_set(sig, ua);
	if (__sigaction(sig, &k, NULL) != 0)
		return -1;
	atomic_store(&managed[sig], M_TRAMP);
	return 0;
}

static int user_sigaction(int sig, const struct sigaction *act,
			  struct sigaction *old)
{
	struct sigaction prev;
	int m = atomic_load(&managed[sig]);

	if (m != M_PASS)
		user_get(sig, &prev);
	else if (__sigaction(sig, NULL, &prev) != 0)
		return -1;
	if (act) {
		if (sig == SIGSEGV || sig == SIGBUS) {
			if (install_front(sig, act) != 0)
				return -1;
		} else if (is_func(act)) {
			if (install_tramp(sig, act) != 0)
				return -1;
		} else {
			if (__sigaction(sig, act, NULL) != 0)
				return -1;
			atomic_store(&managed[sig], M_PASS);
		}
	}
	if (old)
		*old = prev;
	return 0;
}

KCOVDF_NOINSTR int sigaction(int sig, const struct sigaction *act,
			     struct sigaction *old)
{
	if (!atomic_load(&sig_active) || sig <= 0 || sig >= NSIGS ||
	    sig == SIGKILL || sig == SIGSTOP)
		return __sigaction(sig, act, old);
	return user_sigaction(sig, act, old);
}

static sighandler_t signal_common(int sig, sighandler_t h, int flags,
				  int mask_self)
{
	struct sigaction a, o;

	memset(&a, 0, sizeof(a));
	a.sa_handler = h;
	sigemptyset(&a.sa_mask);
	if (mask_self && sig > 0 && sig < NSIGS)
		sigaddset(&a.sa_mask, sig);
	a.sa_flags = flags;
	if (sigaction(sig, &a, &o) != 0)
		return SIG_ERR;
	return o.sa_handler;
}

/* glibc's signal() has BSD semantics. */
KCOVDF_NOINSTR sighandler_t signal(int sig, sighandler_t h)
{
	return signal_common(sig, h, SA_RESTART, 1);
}

KCOVDF_NOINSTR sighandler_t bsd_signal(int sig, sighandler_t h)
{
	return signal_common(sig, h, SA_RESTART, 1);
}

KCOVDF_NOINSTR sighandler_t sysv_signal(int sig, sighandler_t h)
{
	return signal_common(sig, h, SA_RESETHAND | SA_NODEFER, 0);
}

/* ------------------------------------------------------------------ */
/* Signal masks                                                        */
/* ------------------------------------------------------------------ */

static void note_mask(void)
{
	struct rt_thread *t = &kcovdf_tls;

	atomic_store_explicit(&t->segv_blocked, mask_blocks_fault_signals(),
			      memory_order_relaxed);
}

/* Like glibc: the two signals it uses internally (32, 33) are never
 * blocked by request of the program. */
static int do_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t s;
	int r;

	if (set) {
		s = *set;
		sigdelset(&s, 32);
		sigdelset(&s, 33);
		set = &s;
	}
	r = raw_sigmask(how, set, old);
	if (r == 0 && set && atomic_load(&sig_active))
		note_mask();
	return r;
}

KCOVDF_NOINSTR int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	return do_sigmask(how, set, old) == 0 ? 0 : -1;
}

KCOVDF_NOINSTR int pthread_sigmask(int how, const sigset_t *set,
				   sigset_t *old)
{
	int saved = errno, r;

	if (do_sigmask(how, set, old) == 0)
		return 0;
	r = errno;
	errno = saved;
	return r;
}

/* ------------------------------------------------------------------ */
/* Setup and the copy itself                                           */
/* ------------------------------------------------------------------ */

KCOVDF_NOINSTR void rt_signals_init(void)
{
	struct sigaction cur;
	int ok = 1;

	for (int sig = 1; sig < NSIGS; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		if (__sigaction(sig, NULL, &cur) != 0)
			continue;	/* glibc-internal signals */
		if (sig == SIGSEGV || sig == SIGBUS) {
			if (install_front(sig, &cur) != 0)
				ok = 0;
		} else if (is_func(&cur)) {
			install_tramp(sig, &cur);
		}
	}
	atomic_store(&front_ok, ok);
	atomic_store(&sig_active, 1);
}

KCOVDF_NOINSTR void rt_signals_thread_init(struct rt_thread *t)
{
	(void)t;
	note_mask();
}

KCOVDF_NOINSTR int rt_segv_handler_ok(void)
{
	return atomic_load(&front_ok);
}

static int copy_vm_readv(void *dst, uintptr_t src, size_t n)
{
	struct iovec l = { dst, n }, r = { (void *)src, n };
	int saved = errno;
	ssize_t got = process_vm_readv(getpid(), &l, 1, &r, 1, 0);

	errno = saved;
	return got == (ssize_t)n ? 0 : 1;
}

KCOVDF_NOINSTR int rt_copy_nofault(void *dst, uintptr_t src, size_t n)
{
	struct rt_thread *t = &kcovdf_tls;

	if (likely(atomic_load_explicit(&front_ok, memory_order_relaxed) &&
		   !atomic_load_explicit(&t->segv_blocked,
					 memory_order_relaxed) &&
		   !atomic_load_explicit(&t->sig_depth,
					 memory_order_relaxed)))
		return kcovdf_copy_asm(dst, (const void *)src, n);
	/* Inside a handler of the program's: SIGSEGV may be blocked. */
	if (atomic_load(&front_ok) && !atomic_load(&t->segv_blocked) &&
	    !mask_blocks_fault_signals())
		return kcovdf_copy_asm(dst, (const void *)src, n);
	return copy_vm_readv(dst, src, n);
}
