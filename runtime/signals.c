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
 * Death by a signal: every signal whose default action ends the process
 * (terminate or core dump) and that the program leaves at SIG_DFL gets our
 * death handler instead, which writes what the threads have buffered
 * (rt_crash_flush(), async-signal-safe) and then lets the default action
 * happen (SIG_DFL restored, the signal sent again to the same thread, or the
 * fault re-executed). sigaction() reports SIG_DFL for them. A program
 * handler with SA_RESETHAND is reset to our death handler, not SIG_DFL, so
 * the "reset and raise again" idiom is covered too. Each recording thread
 * gets an alternate signal stack if it has none, so that a stack overflow's
 * SIGSEGV can still be handled (and flushed).
 *
 * Not covered (docs/runtime.md): handlers installed with a raw rt_sigaction
 * system call, masks changed by raw system calls, setcontext/swapcontext,
 * SIGKILL (it cannot be caught: what the threads had buffered is lost).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <ucontext.h>
#include <unistd.h>

#include "rt_internal.h"

extern int __sigaction(int, const struct sigaction *, struct sigaction *);
extern char kcovdf_copy_start[], kcovdf_copy_end[], kcovdf_copy_fixup[]
	KCOVDF_HIDDEN;

#define NSIGS 65

/* How a signal is managed: PASS, the program's action is installed as it
 * is; FRONT, our SIGSEGV/SIGBUS handler; TRAMP, the program's handler
 * behind our trampoline; DEATH, the program's action is SIG_DFL (which
 * ends the process) and our death handler flushes first. */
enum { M_PASS = 0, M_FRONT = 1, M_TRAMP = 2, M_DEATH = 3 };

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

/* Signals whose default action ends the process (signal(7): Term, Core). */
static int fatal_default(int sig)
{
	switch (sig) {
	case SIGCHLD: case SIGCONT: case SIGURG: case SIGWINCH:	/* Ign */
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:	/* Stop */
	case SIGKILL:
		return 0;
	default:
		return sig > 0 && sig < NSIGS;
	}
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

/*
 * The process is about to die of sig: write what is buffered, then re-raise
 * sig with its default action after our handler returns. A fault
 * re-executes the instruction and dies with the right signal and core dump;
 * anything else (a sent signal, abort(), a trap that would not recur) is
 * sent again to this thread, and delivered as soon as the handler returns
 * (sig is blocked while it runs), before the interrupted code goes on.
 */
static void die_by(int sig, const siginfo_t *si)
{
	struct sigaction d;
	int refault = si->si_code > 0 && si->si_code != SI_KERNEL &&
		      (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL ||
		       sig == SIGFPE);

	rt_crash_flush(sig);
	memset(&d, 0, sizeof(d));
	d.sa_handler = SIG_DFL;
	__sigaction(sig, &d, NULL);
	atomic_store(&managed[sig], M_PASS);
	if (!refault)
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
			die_by(sig, si);
		errno = saved;
		return;
	}
	if (ua.sa_flags & SA_RESETHAND)
		user_set_dfl(sig);
	call_user(sig, &ua, si, ucv);
}

static int install_death(int sig, const struct sigaction *ua);

/* A signal whose action the program left at SIG_DFL, which ends it. */
static KCOVDF_NOINSTR void death_handler(int sig, siginfo_t *si, void *uc)
{
	struct sigaction ua;
	int saved = errno;

	user_get(sig, &ua);
	if (is_func(&ua)) {	/* changed under our feet */
		call_user(sig, &ua, si, uc);
		errno = saved;
		return;
	}
	if (ua.sa_handler == SIG_DFL)
		die_by(sig, si);
	errno = saved;
}

/* Every other signal with a handler of the program's. */
static KCOVDF_NOINSTR void trampoline(int sig, siginfo_t *si, void *uc)
{
	struct sigaction ua;

	user_get(sig, &ua);
	if (ua.sa_flags & SA_RESETHAND) {
		/* One-shot: what the kernel would do on entry (we do not pass
		 * SA_RESETHAND on), except that SIG_DFL is our death handler
		 * when SIG_DFL ends the process: the handler's "reset and
		 * raise again" still flushes. */
		user_set_dfl(sig);
		if (!fatal_default(sig) || install_death(sig, NULL) != 0) {
			struct sigaction d;

			memset(&d, 0, sizeof(d));
			d.sa_handler = SIG_DFL;
			__sigaction(sig, &d, NULL);
			atomic_store(&managed[sig], M_PASS);
		}
	}
	if (!is_func(&ua)) {	/* changed under our feet */
		if (ua.sa_handler == SIG_DFL && fatal_default(sig))
			die_by(sig, si);
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
	k.sa_flags &= ~SA_RESETHAND;	/* emulated by the trampoline */
	user_set(sig, ua);
	if (__sigaction(sig, &k, NULL) != 0)
		return -1;
	atomic_store(&managed[sig], M_TRAMP);
	return 0;
}

/* Our death handler for a signal whose action (ua, or SIG_DFL when NULL)
 * is SIG_DFL. Nothing is blocked while it runs but the signal itself. */
static int install_death(int sig, const struct sigaction *ua)
{
	struct sigaction k;

	memset(&k, 0, sizeof(k));
	k.sa_sigaction = death_handler;
	k.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	if (ua)
		user_set(sig, ua);
	else
		user_set_dfl(sig);
	if (__sigaction(sig, &k, NULL) != 0)
		return -1;
	atomic_store(&managed[sig], M_DEATH);
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
		} else if (act->sa_handler == SIG_DFL && fatal_default(sig)) {
			if (install_death(sig, act) != 0)
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

#ifdef KCOVDF_RT_SHARED
#include <dlfcn.h>
/*
 * libkcovdf-rt.so loaded after libc (a dependency of an instrumented
 * library, not LD_PRELOADed): the program's sigaction() calls go to libc's,
 * not ours, so our SIGSEGV handler may be replaced behind our back and a
 * fault in the fast copy would reach the program's handler. Then every
 * copy uses process_vm_readv() (front_ok stays 0). The address of
 * sigaction here goes through the GOT: the definition in effect.
 */
static int sigaction_is_ours(void)
{
	Dl_info self, sa;

	if (!dladdr((void *)&user_idx, &self) ||
	    !dladdr((void *)sigaction, &sa))
		return 0;
	return self.dli_fbase == sa.dli_fbase;
}
#else
static int sigaction_is_ours(void)
{
	return 1;	/* the static archive's definition wins */
}
#endif

KCOVDF_NOINSTR void rt_signals_init(void)
{
	struct sigaction cur;
	int ok = sigaction_is_ours();

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
		} else if (cur.sa_handler == SIG_DFL && fatal_default(sig)) {
			install_death(sig, &cur);
		}
	}
	atomic_store(&front_ok, ok);
	atomic_store(&sig_active, 1);
}

/*
 * An alternate signal stack for a recording thread that has none: a stack
 * overflow's SIGSEGV can then still be handled and what the threads
 * buffered written (without one the kernel kills at once). Our handlers
 * use SA_ONSTACK; so do the program's SIGSEGV/SIGBUS handlers (they run
 * behind ours), which then run on this stack: 256 KiB (untouched pages
 * cost nothing) above a guard page. Freed at thread exit.
 */
#define RT_ALTSTACK_BYTES (256u * 1024u)
static __thread void *rt_altstack
	__attribute__((tls_model("initial-exec")));

static void altstack_init(void)
{
	stack_t cur, ss;
	char *m;

	if (rt_altstack || sigaltstack(NULL, &cur) != 0 ||
	    !(cur.ss_flags & SS_DISABLE))
		return;	/* the program has its own */
	m = mmap(NULL, RT_ALTSTACK_BYTES + 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return;
	mprotect(m, 4096, PROT_NONE);	/* guard: stacks grow down */
	memset(&ss, 0, sizeof(ss));
	ss.ss_sp = m + 4096;
	ss.ss_size = RT_ALTSTACK_BYTES;
	if (sigaltstack(&ss, NULL) != 0) {
		munmap(m, RT_ALTSTACK_BYTES + 4096);
		return;
	}
	rt_altstack = m;
}

KCOVDF_NOINSTR void rt_signals_thread_init(struct rt_thread *t)
{
	(void)t;
	note_mask();
	altstack_init();
}

/* The thread is exiting (pthread key destructor): our alternate stack goes,
 * unless a handler is running on it (then it stays: a thread exiting from a
 * signal handler leaks 260 KiB rather than crash). */
KCOVDF_NOINSTR void rt_signals_thread_exit(struct rt_thread *t)
{
	stack_t cur, off;

	(void)t;
	if (!rt_altstack || sigaltstack(NULL, &cur) != 0 ||
	    (cur.ss_flags & SS_ONSTACK))
		return;
	if (cur.ss_sp == (char *)rt_altstack + 4096) {
		memset(&off, 0, sizeof(off));
		off.ss_flags = SS_DISABLE;
		if (sigaltstack(&off, NULL) != 0)
			return;
	}
	/* Not ours any more (the program installed its own): unused. */
	munmap(rt_altstack, RT_ALTSTACK_BYTES + 4096);
	rt_altstack = NULL;
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
