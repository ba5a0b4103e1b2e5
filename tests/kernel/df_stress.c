// SPDX-License-Identifier: GPL-2.0
/*
 * df_stress: reliability and security tests of /sys/kernel/debug/kcov_dataflow,
 * run inside a guest (kernel/vm.sh) next to the test module
 * (modprobe test_kcov_dataflow). Built static on the host against the
 * project's include/uapi/linux/kcov_dataflow.h.
 *
 *   df_stress scribble  [--seconds S]   random words over the whole buffer,
 *                                       buf[0] included, while the owner
 *                                       records at full speed
 *   df_stress lifetime  [--seconds S]   munmap/close/exit/exec while
 *                                       recording, by the owner and others
 *   df_stress churn     [--seconds S] [--threads N]
 *                                       enable/disable churn, one
 *                                       descriptor per thread
 *   df_stress forkstorm [--seconds S]   fork storms, the documented child
 *                                       pattern
 *   df_stress badptr    [--seconds S]   NULL/ERR_PTR/user/unmapped/freed
 *                                       pointers give the unreadable marker
 *   df_stress fuzz      [--seconds S] [--seed N] [--episodes E]
 *                       [--episode K]   random ioctl/mmap sequences checked
 *                                       against a model of the interface
 *   df_stress irq       [--seconds S]   recording under timer, signal and
 *                                       IPI load; no record of an irq-only
 *                                       function
 *   df_stress uptr                      __user struct pointers chosen by
 *                                       the caller are not read from kernel
 *                                       memory (fails today: RELIABILITY.md)
 *
 * Each command prints one TAP line without a number ("ok - ..." or
 * "not ok - ..."), comments starting with "# ", and exits 0 on success, 1
 * on failure, 2 on a usage error. Kernel reports (KASAN, lockdep, WARN) are
 * the host's business: kernel/vm.sh exits 240 when the guest log has one.
 * Durations only bound the loops; nothing here asserts on time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kcov_dataflow.h>

#define DF_PATH		"/sys/kernel/debug/kcov_dataflow"
#define MOD_RUN		"/sys/kernel/debug/test_kcov_dataflow/run"
#define MOD_INFO	"/sys/kernel/debug/test_kcov_dataflow/info"
#define DF_MAX_WORDS	(1UL << 27)	/* the kernel's SZ_1G / 8 */
#define BAD		KCOV_DF_BAD_READ

static double opt_seconds = 3;
static unsigned long long opt_seed;
static bool opt_seed_set;
static long opt_episodes = -1, opt_episode = -1;
static int opt_threads = 8;
static const char *self_exe = "/proc/self/exe";
static size_t page_size;

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void note(const char *fmt, ...)
{
	va_list ap;
	char line[512];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("# %s\n", line);
	fflush(stdout);
}

static atomic_int errors;

/* A failed expectation: counted, printed (the first 20). */
static void bad(const char *fmt, ...)
{
	va_list ap;
	char line[512];
	int n = atomic_fetch_add(&errors, 1);

	if (n >= 20)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("# FAIL: %s\n", line);
	fflush(stdout);
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t map_len(unsigned long words)
{
	return (words * 8 + page_size - 1) / page_size * page_size;
}

struct df {
	int fd;
	uint64_t *buf;
	unsigned long words;
};

/* Open, size and map a descriptor; 0 or -errno. */
static int df_open(struct df *d, unsigned long words)
{
	d->buf = NULL;
	d->words = words;
	d->fd = open(DF_PATH, O_RDWR);
	if (d->fd < 0)
		return -errno;
	if (ioctl(d->fd, KCOV_DF_INIT_TRACE, words))
		return -errno;
	d->buf = mmap(NULL, map_len(words), PROT_READ | PROT_WRITE,
		      MAP_SHARED, d->fd, 0);
	if (d->buf == MAP_FAILED) {
		d->buf = NULL;
		return -errno;
	}
	return 0;
}

static void df_close(struct df *d)
{
	if (d->buf)
		munmap(d->buf, map_len(d->words));
	if (d->fd >= 0)
		close(d->fd);
	d->buf = NULL;
	d->fd = -1;
}

/* The test module: one fd per process, opened lazily. */
static int mod_fd = -1;
static bool have_mod;

static void mod_init(void)
{
	mod_fd = open(MOD_RUN, O_WRONLY | O_CLOEXEC);
	have_mod = mod_fd >= 0;
}

static int mod_run(const char *cmd)
{
	size_t len = strlen(cmd);

	if (mod_fd < 0)
		return -1;
	return write(mod_fd, cmd, len) == (ssize_t)len ? 0 : -1;
}

/* Address of a test-module function or object from the info file. */
static uint64_t mod_info(const char *kind, const char *name)
{
	char line[256], k[32], n[64];
	unsigned long long a;
	uint64_t r = 0;
	FILE *f = fopen(MOD_INFO, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%31s %63s %llx", k, n, &a) == 3 &&
		    !strcmp(k, kind) && !strcmp(n, name))
			r = a;
	fclose(f);
	return r;
}

static int mod_gate(void)
{
	char line[256];
	int g = -1;
	FILE *f = fopen(MOD_INFO, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "gate %d", &g) == 1)
			break;
	fclose(f);
	return g;
}

/* Some recorded work that needs no module: read(2) is instrumented. */
static int null_fd = -1;

static void syscall_work(void)
{
	char c[8];

	if (null_fd < 0)
		null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (read(null_fd, c, sizeof(c)) < 0 || write(null_fd, c, 1) < 0)
		bad("read/write /dev/null: %s", strerror(errno));
}

static void record_some(unsigned int k)
{
	static const char *const cmds[] = {
		"args", "structs", "byval", "ret", "chain", "invalid",
	};

	if (have_mod)
		mod_run(cmds[k % 6]);
	syscall_work();
}

/* ------------------------------------------------------------------ */
/* A strict walker for both formats                                    */
/* ------------------------------------------------------------------ */

struct rec {
	unsigned int kind, flags, argidx, nvals;
	uint64_t pc, value, fault;
	const uint64_t *vals;
};

typedef void (*rec_cb)(const struct rec *r, void *arg);

/*
 * Walk words 1..buf[0]; the walk must end exactly at buf[0]. Returns the
 * number of records or -1, with the reason in err.
 */
static long walk(int fmt, const uint64_t *buf, unsigned long size,
		 rec_cb cb, void *arg, char *err, size_t errlen)
{
	uint64_t n = buf[0];
	uint64_t i = 1;
	long cnt = 0;

	if (n > size - 1) {
		snprintf(err, errlen, "count %" PRIu64 " beyond %lu words", n,
			 size);
		return -1;
	}
	while (i <= n) {
		const uint64_t *w = &buf[i];
		uint64_t left = n - i + 1, words;
		struct rec r = { 0 };

		if (fmt == KCOV_DF_FMT_DOC) {
			unsigned int t = KCOV_DF_DOC_TYPE(w[0]);

			if (left < 4 || w[0] >> 32 || !KCOV_DF_DOC_NVALS(w[0]) ||
			    (t != KCOV_DF_DOC_TYPE_ENTRY &&
			     t != KCOV_DF_DOC_TYPE_RET)) {
				snprintf(err, errlen,
					 "bad doc header %#" PRIx64 " at %" PRIu64,
					 w[0], i);
				return -1;
			}
			r.kind = t == KCOV_DF_DOC_TYPE_ENTRY ? KCOV_DF_KIND_ARG :
							       KCOV_DF_KIND_RET;
			r.nvals = KCOV_DF_DOC_NVALS(w[0]);
			r.pc = w[1];
			r.argidx = KCOV_DF_DOC_ARGIDX(w[2]);
			r.value = KCOV_DF_DOC_RAW(w[2]);
			r.vals = &w[3];
			words = 3 + r.nvals;
		} else {
			unsigned int e, content;

			if (left < 3 || !KCOV_DF_V2_IS_HDR(w[0]) ||
			    KCOV_DF_V2_KIND(w[0]) < KCOV_DF_KIND_ARG ||
			    KCOV_DF_V2_KIND(w[0]) > KCOV_DF_KIND_LOST) {
				snprintf(err, errlen,
					 "bad header %#" PRIx64 " at %" PRIu64,
					 w[0], i);
				return -1;
			}
			r.kind = KCOV_DF_V2_KIND(w[0]);
			r.flags = KCOV_DF_V2_FLAGS(w[0]);
			r.argidx = KCOV_DF_V2_ARGIDX(w[0]);
			r.pc = w[1];
			r.value = w[2];
			e = KCOV_DF_V2_NEXTRA(w[0]);
			words = KCOV_DF_V2_WORDS(w[0]);
			content = r.flags & (KCOV_DF_F_FIELDS | KCOV_DF_F_STRING |
					     KCOV_DF_F_WIDE | KCOV_DF_F_NOTREAD);
			if ((content & (content - 1)) ||
			    (r.flags & KCOV_DF_F_RESERVED)) {
				snprintf(err, errlen,
					 "bad flags %#x at %" PRIu64,
					 r.flags, i);
				return -1;
			}
			if (r.flags & KCOV_DF_F_FIELDS) {
				unsigned int skip =
					1 + !!(r.flags & KCOV_DF_F_FAULT);

				if (e < skip || e - skip > KCOV_DF_MAX_FIELDS) {
					snprintf(err, errlen,
						 "bad extra count %u at %" PRIu64,
						 e, i);
					return -1;
				}
				r.nvals = e - skip;
				r.fault = skip == 2 ? w[4] : 0;
				r.vals = &w[3 + skip];
			} else if (r.flags & KCOV_DF_F_STRING) {
				/* n, then the bytes, 8 per word */
				if (e && (left < 4 || w[3] > KCOV_DF_STR_MAX ||
					  e != 1 + (w[3] + 7) / 8)) {
					snprintf(err, errlen,
						 "bad string at %" PRIu64, i);
					return -1;
				}
			} else if (r.flags & KCOV_DF_F_WIDE) {
				if (e > KCOV_DF_WIDE_MAX_EXTRA) {
					snprintf(err, errlen,
						 "bad wide value at %" PRIu64,
						 i);
					return -1;
				}
			} else if (e) {
				snprintf(err, errlen,
					 "extra words without content at %" PRIu64,
					 i);
				return -1;
			}
		}
		if (words > left) {
			snprintf(err, errlen,
				 "record of %" PRIu64 " words at %" PRIu64
				 " passes the count %" PRIu64, words, i, n);
			return -1;
		}
		if (cb)
			cb(&r, arg);
		cnt++;
		i += words;
	}
	return cnt;
}

struct find {
	uint64_t pc;
	unsigned int kind;
	long hits;
};

static void find_cb(const struct rec *r, void *arg)
{
	struct find *f = arg;

	if (r->pc == f->pc && r->kind == f->kind)
		f->hits++;
}

/*
 * After the buffer was abused: reset the count, record "args" (or some
 * read(2)s without the module), disable, and walk strictly. 0 on success.
 */
static int check_clean(struct df *d, int fmt, const char *what)
{
	char err[160];
	struct find f = { mod_info("fn", "kcovdf_test_args1"),
			  KCOV_DF_KIND_ARG, 0 };
	long n;

	__atomic_store_n(&d->buf[0], 0, __ATOMIC_RELEASE);
	if (have_mod)
		mod_run("args");
	else
		syscall_work();
	if (ioctl(d->fd, KCOV_DF_DISABLE, 0)) {
		bad("%s: DISABLE: %s", what, strerror(errno));
		return -1;
	}
	n = walk(fmt, d->buf, d->words, find_cb, &f, err, sizeof(err));
	if (n < 0) {
		bad("%s: walk: %s", what, err);
		return -1;
	}
	if (have_mod && f.hits != 1) {
		bad("%s: %ld records of kcovdf_test_args1(-5), want 1 (%ld records)",
		    what, f.hits, n);
		return -1;
	}
	return 0;
}

static int finish(const char *name, const char *fmt, ...)
{
	va_list ap;
	char line[512];
	int e = atomic_load(&errors);

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("%s - %s: %s%s\n", e ? "not ok" : "ok", name, line,
	       e ? " (failures above)" : "");
	fflush(stdout);
	return e ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* scribble                                                            */
/* ------------------------------------------------------------------ */

struct scribbler {
	struct df *d;
	atomic_int stop;
	unsigned long long writes;
	uint64_t seed;
};

static void *scribble_thread(void *arg)
{
	struct scribbler *s = arg;
	size_t words = map_len(s->d->words) / 8, i;
	uint64_t r;

	while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		r = splitmix(&s->seed);
		i = r % words;
		switch (r >> 61) {
		case 0:		/* a plausible count: the kernel writes there */
			__atomic_store_n(&s->d->buf[0],
					 splitmix(&s->seed) % s->d->words,
					 __ATOMIC_RELAXED);
			break;
		case 1:		/* a count near or past the end */
			__atomic_store_n(&s->d->buf[0],
					 s->d->words - 3 + (r & 7),
					 __ATOMIC_RELAXED);
			break;
		case 2:		/* any count */
			__atomic_store_n(&s->d->buf[0], splitmix(&s->seed),
					 __ATOMIC_RELAXED);
			break;
		default:	/* any word, buf[0] included */
			__atomic_store_n(&s->d->buf[i], splitmix(&s->seed),
					 __ATOMIC_RELAXED);
			break;
		}
		s->writes++;
	}
	return NULL;
}

static int cmd_scribble(void)
{
	unsigned long long iters = 0, writes = 0;
	struct kcov_df_stats st0 = { 0 }, st1 = { 0 };
	unsigned long long recs = 0, drops = 0;
	int fmt;

	for (fmt = KCOV_DF_FMT_DOC; fmt <= KCOV_DF_FMT_V2; fmt += 2) {
		struct scribbler s = { .seed = 0x5c1bb1e + fmt };
		double end = now() + opt_seconds / 2;
		pthread_t th;
		struct df d;
		int ret = df_open(&d, 4096);

		if (ret) {
			bad("open: %s", strerror(-ret));
			break;
		}
		s.d = &d;
		ioctl(d.fd, KCOV_DF_GET_STATS, &st0);
		if (ioctl(d.fd, KCOV_DF_ENABLE, fmt))
			bad("ENABLE %d: %s", fmt, strerror(errno));
		pthread_create(&th, NULL, scribble_thread, &s);
		while (now() < end)
			record_some(iters++);
		atomic_store(&s.stop, 1);
		pthread_join(th, NULL);
		writes += s.writes;
		check_clean(&d, fmt, fmt ? "v2" : "doc");
		ioctl(d.fd, KCOV_DF_GET_STATS, &st1);
		recs += st1.records - st0.records;
		drops += st1.dropped - st0.dropped;
		df_close(&d);
	}
	if (!recs)
		bad("nothing was recorded");
	return finish("scribble",
		      "%llu recording rounds against %llu random writes "
		      "(doc + v2), %llu records written, %llu dropped, "
		      "clean walk afterwards", iters, writes, recs, drops);
}

/* ------------------------------------------------------------------ */
/* lifetime: munmap/close/exit/exec while recording                    */
/* ------------------------------------------------------------------ */

struct victim {
	struct df d;
	int fmt;
	atomic_int rounds;	/* the owner's recording rounds */
	atomic_int acted;	/* the other thread did its deed */
	int how;
	bool exit_enabled;	/* the owner exits without DISABLE */
};

/* Owner: enable, record until the deed is done and a few rounds more. */
static void *owner_thread(void *arg)
{
	struct victim *v = arg;
	int after = 0;

	if (ioctl(v->d.fd, KCOV_DF_ENABLE, v->fmt)) {
		bad("owner ENABLE: %s", strerror(errno));
		atomic_store(&v->rounds, 1 << 30);
		return NULL;
	}
	for (;;) {
		record_some(atomic_load(&v->rounds));
		atomic_fetch_add(&v->rounds, 1);
		if (v->how == 2 && atomic_load(&v->rounds) == 3) {
			/* the owner itself unmaps, then closes */
			munmap(v->d.buf, map_len(v->d.words));
			v->d.buf = NULL;
			close(v->d.fd);
			v->d.fd = -1;
			atomic_store(&v->acted, 1);
		}
		if (atomic_load(&v->acted) && ++after > 3)
			break;
	}
	if (!v->exit_enabled && v->d.fd >= 0 &&
	    ioctl(v->d.fd, KCOV_DF_DISABLE, 0))
		bad("owner DISABLE: %s", strerror(errno));
	return NULL;	/* thread exit: maybe still enabled */
}

/* One in-process case: how 0 munmap by other, 1 close by other, 2 both by
 * owner, 3 munmap and close by other while the owner exits enabled. */
static void lifetime_thread_case(int how, int fmt)
{
	struct victim v = { .fmt = fmt, .how = how,
			    .exit_enabled = how >= 1 };
	pthread_t th;
	int ret = df_open(&v.d, 8192);

	if (ret) {
		bad("open: %s", strerror(-ret));
		return;
	}
	pthread_create(&th, NULL, owner_thread, &v);
	while (atomic_load(&v.rounds) < 3)
		sched_yield();
	if (how == 0 || how == 3) {
		munmap(v.d.buf, map_len(v.d.words));
		v.d.buf = NULL;
	}
	if (how == 1 || how == 3) {
		/* the owner may still use the fd number: keep it valid */
		int fd = v.d.fd;

		v.d.fd = -1;
		close(fd);
	}
	if (how != 2)
		atomic_store(&v.acted, 1);
	pthread_join(th, NULL);
	df_close(&v.d);
}

/* In a child: record in two threads, then leave by exit_group from the
 * non-owner thread, by SIGKILL, or by exec from a non-owner thread. */
static void *spin_thread(void *arg)
{
	struct df *d = arg;

	if (ioctl(d->fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
		_exit(3);
	for (unsigned int i = 0;; i++)
		record_some(i);
	return NULL;
}

static void lifetime_child_case(int how)
{
	pid_t pid = fork();
	int status;

	if (pid < 0) {
		bad("fork: %s", strerror(errno));
		return;
	}
	if (pid == 0) {
		struct df d1, d2;
		pthread_t th;

		mod_init();
		if (df_open(&d1, 8192) || df_open(&d2, 8192))
			_exit(4);
		pthread_create(&th, NULL, spin_thread, &d1);
		if (ioctl(d2.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_DOC))
			_exit(5);
		for (unsigned int i = 0; i < 20; i++)
			record_some(i);
		if (how == 0)
			_exit(0);	/* exit_group while th records */
		if (how == 1)
			for (;;)
				record_some(1);	/* until SIGKILL */
		/* exec from this (enabled) thread; th dies in de_thread() */
		execl(self_exe, "df_stress", "noop", (char *)NULL);
		_exit(6);
	}
	if (how == 1) {
		usleep(20000);
		kill(pid, SIGKILL);
	}
	if (waitpid(pid, &status, 0) != pid) {
		bad("waitpid: %s", strerror(errno));
		return;
	}
	if (how == 1 ? !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) :
		       !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		bad("child case %d: status %#x", how, status);
}

/* "noop": what an exec'd image does; it is still enabled (exec keeps the
 * descriptor) and records its own read(2)s. */
static int cmd_noop(void)
{
	for (int i = 0; i < 20; i++)
		syscall_work();
	return 0;
}

static int cmd_lifetime(void)
{
	double end = now() + opt_seconds;
	unsigned long long rounds = 0, cases[7] = { 0 };

	while (now() < end) {
		unsigned int c = rounds % 7;

		if (c < 4)
			lifetime_thread_case(c, rounds / 7 % 2 ?
						KCOV_DF_FMT_V2 :
						KCOV_DF_FMT_DOC);
		else
			lifetime_child_case(c - 4);
		cases[c]++;
		rounds++;
	}
	if (have_mod && mod_gate() != 0)
		bad("gate %d after every task stopped, want 0", mod_gate());
	return finish("lifetime",
		      "%llu rounds: munmap by other %llu, close by other %llu "
		      "(owner exits enabled), munmap+close by owner %llu (exits "
		      "enabled), munmap+close by other %llu, exit_group "
		      "mid-record %llu, SIGKILL mid-record %llu, exec from an "
		      "enabled thread while another records %llu; gate back to 0",
		      rounds, cases[0], cases[1], cases[2], cases[3], cases[4],
		      cases[5], cases[6]);
}

/* ------------------------------------------------------------------ */
/* churn: enable/disable across many tasks                             */
/* ------------------------------------------------------------------ */

struct churner {
	int id;
	double end;
	struct df d;
	int *peer_fd;
	unsigned long long cycles, reopen, cross, recs;
};

static void *churn_thread(void *arg)
{
	struct churner *c = arg;
	char err[160];
	int ret = df_open(&c->d, 2048);

	if (ret) {
		bad("churn %d: open: %s", c->id, strerror(-ret));
		return NULL;
	}
	while (now() < c->end) {
		int fmt = (c->cycles + c->id) & 1 ? KCOV_DF_FMT_V2 :
						      KCOV_DF_FMT_DOC;
		long n;

		__atomic_store_n(&c->d.buf[0], 0, __ATOMIC_RELAXED);
		if (ioctl(c->d.fd, KCOV_DF_ENABLE, fmt)) {
			bad("churn %d: ENABLE: %s", c->id, strerror(errno));
			break;
		}
		syscall_work();
		/* Someone else's descriptor cannot be disabled from here. */
		if ((c->cycles & 15) == 0) {
			int pfd = __atomic_load_n(c->peer_fd, __ATOMIC_RELAXED);

			/* (an fd number is only ever reused by its thread
			 * for its own descriptor: skip that one) */
			if (pfd >= 0 && pfd != c->d.fd &&
			    ioctl(pfd, KCOV_DF_DISABLE, 0) == 0)
				bad("churn %d: DISABLE of a peer's descriptor "
				    "succeeded", c->id);
			c->cross++;
		}
		if (ioctl(c->d.fd, KCOV_DF_DISABLE, 0)) {
			bad("churn %d: DISABLE: %s", c->id, strerror(errno));
			break;
		}
		n = walk(fmt, c->d.buf, c->d.words, NULL, NULL, err,
			 sizeof(err));
		if (n < 0) {
			bad("churn %d: walk: %s", c->id, err);
			break;
		}
		c->recs += n;
		c->cycles++;
		if ((c->cycles & 63) == 0) {
			/* a new descriptor now and then */
			df_close(&c->d);
			ret = df_open(&c->d, 2048);
			if (ret) {
				bad("churn %d: reopen: %s", c->id,
				    strerror(-ret));
				return NULL;
			}
			c->reopen++;
		}
	}
	df_close(&c->d);
	return NULL;
}

static int cmd_churn(void)
{
	int n = opt_threads, i, gate0 = mod_gate();
	struct churner *c = calloc(n, sizeof(*c));
	pthread_t *th = calloc(n, sizeof(*th));
	int *fds = calloc(n, sizeof(int));
	unsigned long long cycles = 0, reopen = 0, cross = 0, recs = 0;
	double end = now() + opt_seconds;

	for (i = 0; i < n; i++) {
		fds[i] = -1;
		c[i].id = i;
		c[i].end = end;
		c[i].peer_fd = &fds[(i + 1) % n];
	}
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, churn_thread, &c[i]);
	/* Publish each thread's fd for its neighbour once it has one. */
	while (now() < end) {
		for (i = 0; i < n; i++)
			__atomic_store_n(&fds[i], c[i].d.fd > 0 ? c[i].d.fd : -1,
					 __ATOMIC_RELAXED);
		usleep(10000);
	}
	for (i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		cycles += c[i].cycles;
		reopen += c[i].reopen;
		cross += c[i].cross;
		recs += c[i].recs;
	}
	if (gate0 >= 0 && mod_gate() != gate0)
		bad("gate %d after churn, was %d", mod_gate(), gate0);
	free(c);
	free(th);
	free(fds);
	return finish("churn",
		      "%d threads, %llu enable/record/disable cycles, %llu "
		      "descriptor re-opens, %llu DISABLE attempts on a peer's "
		      "descriptor (all refused), %llu records walked, gate "
		      "restored", n, cycles, reopen, cross, recs);
}

/* ------------------------------------------------------------------ */
/* forkstorm                                                           */
/* ------------------------------------------------------------------ */

/* Child of an enabled parent (the documented pattern, with the EBUSY the
 * documentation warns about, then its own descriptor). */
static int storm_child(int inherited_fd)
{
	struct df d;
	char err[160];

	mod_init();
	if (ioctl(inherited_fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2) == 0 ||
	    errno != EBUSY)
		return 10;
	if (ioctl(inherited_fd, KCOV_DF_DISABLE, 0) == 0)
		return 11;	/* not this task's */
	if (df_open(&d, 4096))
		return 12;
	if (ioctl(d.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
		return 13;
	if (check_clean(&d, KCOV_DF_FMT_V2, "storm child"))
		return 14;
	(void)err;
	return 0;
}

static int cmd_forkstorm(void)
{
	double end = now() + opt_seconds;
	unsigned long long kids = 0, serial = 0, rounds = 0;
	struct df d;
	char err[160];
	int ret = df_open(&d, 1 << 16), i;
	const int width = 8;

	if (ret) {
		bad("open: %s", strerror(-ret));
		return finish("forkstorm", "no descriptor");
	}
	if (ioctl(d.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
		bad("ENABLE: %s", strerror(errno));
	while (now() < end && !atomic_load(&errors)) {
		pid_t pids[8];
		int status;

		for (i = 0; i < width; i++) {
			pids[i] = fork();
			if (pids[i] == 0)
				_exit(storm_child(d.fd));
			record_some(i);
		}
		for (i = 0; i < width; i++) {
			if (pids[i] < 0) {
				bad("fork: %s", strerror(errno));
				continue;
			}
			waitpid(pids[i], &status, 0);
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				bad("storm child: status %#x", status);
			kids++;
		}
		/*
		 * The documented serial pattern: the parent disables, the
		 * child enables the inherited descriptor, records into the
		 * shared buffer, execs (recording goes on) and exits enabled;
		 * then the parent enables again.
		 */
		if (ioctl(d.fd, KCOV_DF_DISABLE, 0))
			bad("parent DISABLE: %s", strerror(errno));
		pids[0] = fork();
		if (pids[0] == 0) {
			if (ioctl(d.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
				_exit(20);
			syscall_work();
			execl(self_exe, "df_stress", "noop", (char *)NULL);
			_exit(21);
		}
		waitpid(pids[0], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad("serial child: status %#x", status);
		serial++;
		if (ioctl(d.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
			bad("parent re-ENABLE after the child exited: %s",
			    strerror(errno));
		if (walk(KCOV_DF_FMT_V2, d.buf, d.words, NULL, NULL, err,
			 sizeof(err)) < 0)
			bad("parent buffer: %s", err);
		if (__atomic_load_n(&d.buf[0], __ATOMIC_ACQUIRE) > d.words / 2)
			__atomic_store_n(&d.buf[0], 0, __ATOMIC_RELAXED);
		rounds++;
	}
	check_clean(&d, KCOV_DF_FMT_V2, "parent");
	df_close(&d);
	return finish("forkstorm",
		      "%llu rounds: %llu children forked %d at a time from a "
		      "recording parent (inherited descriptor EBUSY, own "
		      "descriptor records), %llu serial children on the "
		      "inherited descriptor (documented pattern, exec, exit "
		      "enabled)", rounds, kids, width, serial);
}

/* ------------------------------------------------------------------ */
/* badptr                                                              */
/* ------------------------------------------------------------------ */

struct inv {
	uint64_t pc;
	struct rec r[32];
	uint64_t vals[32][5];
	int n;
};

static void inv_cb(const struct rec *r, void *arg)
{
	struct inv *v = arg;

	if (r->pc != v->pc || v->n >= 32)
		return;
	v->r[v->n] = *r;
	for (unsigned int k = 0; k < 5 && k < r->nvals; k++)
		v->vals[v->n][k] = r->vals[k];
	v->n++;
}

static const char *const inv_names[] = {
	"NULL", "ERR_PTR", "user address", "vmalloc guard page",
	"freed vmalloc (unmapped)", "freed slab",
	"partial (object ends a vmalloc area)",
};

static int check_invalid(int fmt, struct df *d, uint64_t pc)
{
	struct inv v = { .pc = pc };
	char err[160];
	int i, k, before = atomic_load(&errors);

	__atomic_store_n(&d->buf[0], 0, __ATOMIC_RELAXED);
	if (ioctl(d->fd, KCOV_DF_ENABLE, fmt)) {
		bad("ENABLE: %s", strerror(errno));
		return -1;
	}
	mod_run("invalid");
	ioctl(d->fd, KCOV_DF_DISABLE, 0);
	if (walk(fmt, d->buf, d->words, inv_cb, &v, err, sizeof(err)) < 0) {
		bad("walk: %s", err);
		return -1;
	}
	if (v.n != 21) {
		bad("%d records of kcovdf_test_invalid, want 21", v.n);
		return -1;
	}
	for (i = 0; i < 7; i++) {
		const struct rec *s = &v.r[3 * i + 1];
		const uint64_t *x = v.vals[3 * i + 1];
		int first_bad = i == 6 ? 3 : 0;

		if (s->kind != KCOV_DF_KIND_ARG || s->argidx != 1) {
			bad("%s: record kind %u argidx %u", inv_names[i],
			    s->kind, s->argidx);
			continue;
		}
		if (i == 5)
			continue;	/* still mapped: read as it is */
		if (fmt == KCOV_DF_FMT_V2) {
			unsigned int want = KCOV_DF_F_FIELDS |
				(i == 0 ? KCOV_DF_F_NULL :
				 i == 1 ? KCOV_DF_F_ERRPTR : KCOV_DF_F_FAULT);
			uint64_t fault = i == 6 ? 0x18 : 0x1f;

			if (s->flags != want)
				bad("%s: v2 flags %#x, want %#x", inv_names[i],
				    s->flags, want);
			if (i < 2) {
				if (s->nvals)
					bad("%s: %u field words, want 0",
					    inv_names[i], s->nvals);
				continue;
			}
			if (s->fault != fault)
				bad("%s: fault bitmap %#" PRIx64 ", want %#"
				    PRIx64, inv_names[i], s->fault, fault);
		}
		if (s->nvals != 5) {
			bad("%s: %u values, want 5", inv_names[i], s->nvals);
			continue;
		}
		for (k = first_bad; k < 5; k++)
			if (x[k] != BAD)
				bad("%s: field %d = %#" PRIx64 ", want 0xBADADD85",
				    inv_names[i], k, x[k]);
	}
	return atomic_load(&errors) > before ? -1 : 0;
}

struct badptr_arg {
	double end;
	uint64_t pc;
	unsigned long long runs;
};

static void *badptr_thread(void *arg)
{
	struct badptr_arg *a = arg;
	struct df d;
	int ret = df_open(&d, 4096);

	if (ret) {
		bad("open: %s", strerror(-ret));
		return NULL;
	}
	while (now() < a->end && !atomic_load(&errors)) {
		check_invalid(a->runs & 1 ? KCOV_DF_FMT_V2 : KCOV_DF_FMT_DOC,
			      &d, a->pc);
		a->runs++;
	}
	df_close(&d);
	return NULL;
}

static int cmd_badptr(void)
{
	struct badptr_arg a[2];
	pthread_t th[2];
	uint64_t pc = mod_info("fn", "kcovdf_test_invalid");
	int i;

	if (!have_mod || !pc) {
		printf("ok - badptr # SKIP test_kcov_dataflow not loaded\n");
		return 0;
	}
	for (i = 0; i < 2; i++) {
		a[i] = (struct badptr_arg){ now() + opt_seconds, pc, 0 };
		pthread_create(&th[i], NULL, badptr_thread, &a[i]);
	}
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	return finish("badptr",
		      "%llu runs of the module's 7 bad pointers (NULL, ERR_PTR, "
		      "user, guard page, freed+unmapped vmalloc, freed slab, "
		      "partial) in 2 threads, doc and v2 alternating: NULL/"
		      "ERR_PTR flags, FAULT bitmaps 0x1f/0x18, 0xBADADD85 values",
		      a[0].runs + a[1].runs);
}

/* ------------------------------------------------------------------ */
/* fuzz: random ioctl/mmap sequences against a model                   */
/* ------------------------------------------------------------------ */

#define NSLOT 3
#define NMAP 6

struct fslot {
	int fd;
	unsigned long words;	/* 0: no buffer yet */
	bool owned;		/* this task has it enabled */
	int fmt;
};

struct fmap {
	uint64_t *p;
	size_t len;
	int prot;
	unsigned long words;	/* of the buffer behind it */
	int slot;		/* -1 once its fd is gone */
};

struct fuzz {
	uint64_t rng;
	struct fslot s[NSLOT];
	struct fmap m[NMAP];
	bool orphan;		/* enabled on a descriptor without an fd */
	long episode, op;
	unsigned long long calls;
};

static unsigned int rnd(struct fuzz *f, unsigned int n)
{
	uint64_t r = splitmix(&f->rng);

	return n ? r % n : 0;
}

static bool task_enabled(const struct fuzz *f)
{
	if (f->orphan)
		return true;
	for (int i = 0; i < NSLOT; i++)
		if (f->s[i].owned)
			return true;
	return false;
}

/* Compare a call's result with the model's; ret is 0 or -1 with errno. */
static void expect(struct fuzz *f, const char *what, int ret, int want)
{
	int got = ret ? errno : 0;

	f->calls++;
	if (got == want)
		return;
	bad("episode %ld op %ld: %s: got %s, want %s", f->episode, f->op, what,
	    got ? strerror(got) : "success", want ? strerror(want) : "success");
}

static unsigned long fuzz_words(struct fuzz *f)
{
	static const unsigned long odd[] = {
		/* valid sizes stay small: a failed 1 GiB vmalloc() would
		 * print a warning with a call trace (a "kernel report") */
		0, 1, 2, 3, 4, 511, 512, 513, DF_MAX_WORDS + 1,
		ULONG_MAX, 1UL << 40, (unsigned long)-2,
	};

	switch (rnd(f, 3)) {
	case 0:
		return odd[rnd(f, sizeof(odd) / sizeof(odd[0]))];
	case 1:
		return 2 + rnd(f, 4096);
	default:
		return 1UL << rnd(f, 17);
	}
}

struct helper {
	struct fuzz *f;
	int slot;
	unsigned long arg;
	bool disable;
	int want;
	int got;		/* errno of ENABLE */
	int got_disable;	/* errno of DISABLE */
};

static void *helper_thread(void *arg)
{
	struct helper *h = arg;
	int fd = h->f->s[h->slot].fd;

	h->got = ioctl(fd, KCOV_DF_ENABLE, h->arg) ? errno : 0;
	if (!h->got) {
		record_some(0);
		if (h->disable && ioctl(fd, KCOV_DF_DISABLE, 0))
			h->got_disable = errno;
	}
	return NULL;	/* exits enabled unless disable */
}

/* Another thread enables the slot, records, disables or exits enabled. */
static void fuzz_helper_enable(struct fuzz *f, int slot, unsigned long arg)
{
	struct fslot *s = &f->s[slot];
	struct helper h = { f, slot, arg, rnd(f, 2), 0, 0, 0 };
	pthread_t th;

	if (s->fd < 0)
		h.want = EBADF;
	else if ((arg != KCOV_DF_FMT_DOC && arg != KCOV_DF_FMT_V2) || !s->words)
		h.want = EINVAL;
	else if (s->owned)
		h.want = EBUSY;
	pthread_create(&th, NULL, helper_thread, &h);
	pthread_join(th, NULL);
	errno = h.got;
	expect(f, "ENABLE from another thread", h.got ? -1 : 0, h.want);
	if (h.got_disable)
		bad("episode %ld op %ld: DISABLE in the other thread: %s",
		    f->episode, f->op, strerror(h.got_disable));
}

static const unsigned long fuzz_args[] = {
	0, 1, 2, 3, 0xff, 0x100, 0x101, ULONG_MAX, 1UL << 63,
};

static void fuzz_op(struct fuzz *f)
{
	int si = rnd(f, NSLOT), mi = rnd(f, NMAP);
	struct fslot *s = &f->s[si];
	struct fmap *m = &f->m[mi];
	unsigned long arg;
	int ret, want;

	switch (rnd(f, 18)) {
	case 0:		/* open */
		if (s->fd >= 0)
			break;
		s->fd = open(DF_PATH, O_RDWR);
		expect(f, "open", s->fd < 0 ? -1 : 0, 0);
		s->words = 0;
		s->owned = false;
		break;
	case 1:		/* close (the task may stay enabled on it) */
		if (s->fd < 0)
			break;
		close(s->fd);
		s->fd = -1;
		if (s->owned)
			f->orphan = true;
		s->owned = false;
		for (int i = 0; i < NMAP; i++)
			if (f->m[i].slot == si)
				f->m[i].slot = -1;
		break;
	case 2:		/* INIT_TRACE */
		arg = fuzz_words(f);
		ret = ioctl(s->fd, KCOV_DF_INIT_TRACE, arg);
		want = s->fd < 0 ? EBADF :
		       arg < 2 || arg > DF_MAX_WORDS ? EINVAL :
		       s->words ? EBUSY : 0;
		expect(f, "INIT_TRACE", ret, want);
		if (!ret && !want)
			s->words = arg;
		break;
	case 3:		/* ENABLE */
	case 4:
		arg = rnd(f, 3) ? rnd(f, 2) * KCOV_DF_FMT_V2 :
		      fuzz_args[rnd(f, sizeof(fuzz_args) / sizeof(long))];
		ret = ioctl(s->fd, KCOV_DF_ENABLE, arg);
		want = s->fd < 0 ? EBADF :
		       (arg != KCOV_DF_FMT_DOC && arg != KCOV_DF_FMT_V2) ||
		       !s->words ? EINVAL :
		       task_enabled(f) ? EBUSY : 0;
		expect(f, "ENABLE", ret, want);
		if (!ret && !want) {
			s->owned = true;
			s->fmt = arg;
		}
		break;
	case 5:		/* DISABLE */
		arg = rnd(f, 4) ? 0 :
		      fuzz_args[rnd(f, sizeof(fuzz_args) / sizeof(long))];
		ret = ioctl(s->fd, KCOV_DF_DISABLE, arg);
		want = s->fd < 0 ? EBADF : arg || !s->owned ? EINVAL : 0;
		expect(f, "DISABLE", ret, want);
		if (!ret && !want)
			s->owned = false;
		break;
	case 6: {	/* GET_STATS */
		struct kcov_df_stats st;
		void *const ptrs[] = { &st, NULL, (void *)1,
				       (void *)0xffffffff81000000UL };
		int p = rnd(f, 4);

		ret = ioctl(s->fd, KCOV_DF_GET_STATS, ptrs[p]);
		want = s->fd < 0 ? EBADF : p ? EFAULT : 0;
		expect(f, "GET_STATS", ret, want);
		if (!ret && !p && (st.size != sizeof(st) ||
				   st.abi_version != KCOV_DF_ABI_VERSION))
			bad("GET_STATS: size %u abi %u", st.size,
			    st.abi_version);
		break;
	}
	case 7: {	/* mmap */
		size_t exact = s->words ? map_len(s->words) : page_size;
		size_t lens[] = { exact, exact, exact - 1, exact + page_size,
				  exact > (size_t)page_size ?
				  exact - page_size : 2 * page_size,
				  rnd(f, 1 << 20), 0 };
		size_t len = lens[rnd(f, 7)];
		off_t off = rnd(f, 5) ? 0 : page_size;
		int prot = rnd(f, 4) ? PROT_READ | PROT_WRITE :
			   rnd(f, 2) ? PROT_READ : PROT_NONE;
		int flags = rnd(f, 5) ? MAP_SHARED : MAP_PRIVATE;
		void *p;

		if (m->p)
			break;
		p = mmap(NULL, len, prot, flags, s->fd, off);
		/* mmap() rounds the length up to pages; the kernel wants a
		 * shared mapping of the whole buffer from offset 0. */
		if (s->fd < 0)
			want = EBADF;
		else if (!len || !s->words || off || flags != MAP_SHARED ||
			 (len + page_size - 1) / page_size * page_size != exact)
			want = EINVAL;
		else
			want = 0;
		expect(f, "mmap", p == MAP_FAILED ? -1 : 0, want);
		if (p != MAP_FAILED && !want) {
			*m = (struct fmap){ p, len, prot, s->words, si };
		} else if (p != MAP_FAILED) {
			munmap(p, len);
		}
		break;
	}
	case 8:		/* munmap, whole or the first page */
		if (!m->p)
			break;
		if (rnd(f, 4) || m->len <= (size_t)page_size) {
			expect(f, "munmap", munmap(m->p, m->len), 0);
			m->p = NULL;
		} else {
			expect(f, "munmap first page",
			       munmap(m->p, page_size), 0);
			m->p = (uint64_t *)((char *)m->p + page_size);
			m->len -= page_size;
			m->prot = PROT_NONE;	/* no longer word 0 */
		}
		break;
	case 9: {	/* mremap must not grow it */
		void *p;

		if (!m->p)
			break;
		p = mremap(m->p, m->len, m->len + page_size, MREMAP_MAYMOVE);
		if (p != MAP_FAILED) {
			bad("episode %ld op %ld: mremap grew the buffer mapping",
			    f->episode, f->op);
			m->p = p;
			m->len += page_size;
			m->prot = PROT_NONE;
		}
		f->calls++;
		break;
	}
	case 10: {	/* mprotect */
		int prot = rnd(f, 2) ? PROT_READ | PROT_WRITE : PROT_READ;

		if (!m->p)
			break;
		if (mprotect(m->p, m->len, prot) == 0 && m->prot != PROT_NONE)
			m->prot = prot;
		f->calls++;
		break;
	}
	case 11:	/* scribble, buf[0] included */
	case 12:
		if (!m->p || m->prot != (PROT_READ | PROT_WRITE))
			break;
		for (int k = rnd(f, 16); k >= 0; k--) {
			size_t w = rnd(f, 4) ? 0 : rnd(f, (m->len + 7) / 8);

			m->p[w] = rnd(f, 2) ? splitmix(&f->rng) :
				  rnd(f, m->words + 8);
		}
		break;
	case 13:	/* record */
	case 14:
		record_some(rnd(f, 6));
		break;
	case 15: {	/* check: the enabled buffer walks cleanly */
		char err[160];
		int i;

		if (!s->owned)
			break;
		for (i = 0; i < NMAP; i++)
			if (f->m[i].p && f->m[i].slot == si &&
			    f->m[i].prot == (PROT_READ | PROT_WRITE))
				break;
		if (i == NMAP)
			break;
		__atomic_store_n(&f->m[i].p[0], 0, __ATOMIC_RELAXED);
		record_some(rnd(f, 6));
		if (walk(s->fmt, f->m[i].p, s->words, NULL, NULL, err,
			 sizeof(err)) < 0)
			bad("episode %ld op %ld: walk: %s", f->episode, f->op,
			    err);
		f->calls++;
		break;
	}
	case 16:	/* another thread enables */
		if (s->fd < 0)
			break;
		arg = rnd(f, 4) ? rnd(f, 2) * KCOV_DF_FMT_V2 :
		      fuzz_args[rnd(f, sizeof(fuzz_args) / sizeof(long))];
		fuzz_helper_enable(f, si, arg);
		break;
	case 17: {	/* unknown ioctls */
		/* 'd' commands: no generic VFS ioctl lives there */
		unsigned int cmds[] = {
			_IO('d', 0), _IO('d', 3), _IO('d', 102),
			_IOW('d', 1, unsigned long), _IOR('d', 2, int),
			_IOC(rnd(f, 4), 'd', rnd(f, 256), rnd(f, 1 << 14)),
		};
		unsigned int cmd = cmds[rnd(f, 6)];

		if (cmd == KCOV_DF_INIT_TRACE || cmd == KCOV_DF_ENABLE ||
		    cmd == KCOV_DF_DISABLE || cmd == KCOV_DF_GET_STATS)
			break;
		ret = ioctl(s->fd, cmd, splitmix(&f->rng));
		expect(f, "unknown ioctl", ret, s->fd < 0 ? EBADF : ENOTTY);
		break;
	}
	}
}

/* One episode in a child process, which exits with everything open. */
static int fuzz_episode(uint64_t seed, long episode, long ops)
{
	struct fuzz f = { .rng = seed ^ (0x1000003ULL * (episode + 1)),
			  .episode = episode };
	int i;

	for (i = 0; i < NSLOT; i++)
		f.s[i].fd = -1;
	for (i = 0; i < NMAP; i++)
		f.m[i].slot = -1;
	mod_init();
	for (f.op = 0; f.op < ops && atomic_load(&errors) == 0; f.op++)
		fuzz_op(&f);
	if (episode % 100 == 0 || opt_episode >= 0 || atomic_load(&errors))
		printf("# episode %ld: %ld ops, %llu checked calls\n", episode,
		       f.op, f.calls);
	fflush(stdout);
	/* Leave in one of three ways, enabled or not. */
	switch (splitmix(&f.rng) % 3) {
	case 0:
		_exit(atomic_load(&errors) ? 1 : 0);
	case 1:
		exit(atomic_load(&errors) ? 1 : 0);
	default:
		if (atomic_load(&errors))
			_exit(1);
		execl(self_exe, "df_stress", "noop", (char *)NULL);
		_exit(7);
	}
}

static int cmd_fuzz(void)
{
	double end = now() + opt_seconds;
	long e, first = 0, last = LONG_MAX;
	uint64_t seed = opt_seed;
	const long ops = 300;

	if (!opt_seed_set) {
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	}
	printf("# fuzz seed %llu (replay: df_stress fuzz --seed %llu "
	       "--episode K, or --episodes N)\n", (unsigned long long)seed,
	       (unsigned long long)seed);
	if (opt_episode >= 0) {
		first = opt_episode;
		last = opt_episode + 1;
	} else if (opt_episodes >= 0) {
		last = opt_episodes;
	}
	for (e = first; e < last; e++) {
		int status;
		pid_t pid;

		if (opt_episode < 0 && opt_episodes < 0 && now() >= end)
			break;
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			fuzz_episode(seed, e, ops);
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			bad("fork/wait: %s", strerror(errno));
			break;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			bad("episode %ld: status %#x; replay: df_stress fuzz "
			    "--seed %llu --episode %ld", e, status,
			    (unsigned long long)seed, e);
			break;
		}
	}
	if (have_mod && mod_gate() != 0)
		bad("gate %d after every fuzz process exited, want 0",
		    mod_gate());
	return finish("fuzz", "seed %llu, %ld episodes of %ld random "
		      "operations (open/close/INIT/ENABLE/DISABLE/GET_STATS/"
		      "mmap/munmap/mremap/mprotect/scribble/record/other-thread "
		      "ENABLE/unknown ioctls) against the model, each episode "
		      "in a process that then exits or execs", 
		      (unsigned long long)seed, e - first, ops);
}

/* ------------------------------------------------------------------ */
/* irq: recording under interrupt and softirq load                     */
/* ------------------------------------------------------------------ */

/* Functions that only ever run in hard or soft interrupt context. */
static const char *const irq_only[] = {
	"it_real_fn", "posix_timer_fn", "hrtimer_wakeup", "tick_handle_periodic",
	"tick_periodic", "update_process_times", "sched_tick",
	"run_timer_softirq", "__run_timers", "call_timer_fn",
	"hrtimer_run_queues", "hrtimer_interrupt", "__hrtimer_run_queues",
	"process_timeout", "rcu_core", "rcu_core_si", "rcu_sched_clock_irq",
	"handle_softirqs", "__do_softirq", "irq_exit_rcu", "handle_irq_event",
	"handle_edge_irq", "handle_level_irq", "handle_fasteoi_irq",
	"timer_interrupt", "serial8250_interrupt", "vp_interrupt",
	"generic_smp_call_function_single_interrupt",
	"__sysvec_call_function_single", "__sysvec_reschedule_ipi",
	"scheduler_ipi", "sched_ttwu_pending", "irq_work_run",
	"tasklet_action", "net_rx_action", "net_tx_action",
	"process_backlog", "blk_done_softirq", "run_rebalance_domains",
};
#define NIRQ (sizeof(irq_only) / sizeof(irq_only[0]))

struct irqsyms {
	uint64_t addr[NIRQ];
	int found;
};

static void irq_syms(struct irqsyms *s)
{
	char line[512], type, name[256];
	unsigned long long a;
	FILE *f = fopen("/proc/kallsyms", "r");

	memset(s, 0, sizeof(*s));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, name) == 3)
			for (unsigned int i = 0; i < NIRQ; i++)
				if (!s->addr[i] && !strcmp(name, irq_only[i])) {
					s->addr[i] = a;
					s->found++;
				}
	fclose(f);
}

struct irqcheck {
	struct irqsyms *s;
	unsigned long long hits[NIRQ];
	uint64_t pcs[4096];
	unsigned int npcs;
};

static void irq_cb(const struct rec *r, void *arg)
{
	struct irqcheck *c = arg;
	unsigned int i;

	for (i = 0; i < NIRQ; i++)
		if (c->s->addr[i] && r->pc == c->s->addr[i])
			c->hits[i]++;
	for (i = 0; i < c->npcs; i++)
		if (c->pcs[i] == r->pc)
			return;
	if (c->npcs < 4096 && r->kind != KCOV_DF_KIND_LOST)
		c->pcs[c->npcs++] = r->pc;
}

static atomic_ullong sigs;
static atomic_int irq_stop;

static void on_signal(int sig)
{
	(void)sig;
	atomic_fetch_add(&sigs, 1);
}

/* Ping-pong over pipes and a unix socket pair: wake-ups across vCPUs. */
static void *pingpong(void *arg)
{
	int *fds = arg;
	char c = 0;

	while (!atomic_load(&irq_stop)) {
		if (read(fds[0], &c, 1) != 1)
			break;
		if (write(fds[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

static unsigned long long softirq_sum(const char *name)
{
	char line[4096];
	unsigned long long sum = 0, v;
	FILE *f = fopen("/proc/softirqs", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;

		while (*p == ' ')
			p++;
		if (strncmp(p, name, strlen(name)) || p[strlen(name)] != ':')
			continue;
		p += strlen(name) + 1;
		while (sscanf(p, "%llu", &v) == 1) {
			sum += v;
			while (*p == ' ')
				p++;
			while (*p && *p != ' ')
				p++;
		}
	}
	fclose(f);
	return sum;
}

static unsigned long long irq_total(void)
{
	char line[4096];
	unsigned long long sum = 0, v;
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "intr %llu", &v) == 1)
			sum = v;
	fclose(f);
	return sum;
}

static int cmd_irq(void)
{
	struct irqsyms syms;
	struct irqcheck *c = calloc(1, sizeof(*c));
	struct df d;
	char err[160];
	int p1[2], p2[2], sp[2], ret, fds[2];
	pthread_t th[1];
	struct itimerval it = { { 0, 1000 }, { 0, 1000 } };
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL,
				.sigev_signo = SIGUSR1 };
	struct itimerspec its = { { 0, 500000 }, { 0, 500000 } };
	timer_t tid;
	unsigned long long t0, r0, i0, rounds = 0, hits = 0, lost_words = 0;
	double end;
	long n;
	unsigned int i;
	char ch = 'x';

	irq_syms(&syms);
	c->s = &syms;
	ret = df_open(&d, 1 << 20);
	if (ret) {
		bad("open: %s", strerror(-ret));
		return finish("irq", "no descriptor");
	}
	if (pipe(p1) || pipe(p2) || socketpair(AF_UNIX, SOCK_STREAM, 0, sp))
		bad("pipe/socketpair: %s", strerror(errno));
	struct sigaction sa = { .sa_handler = on_signal,
				.sa_flags = SA_RESTART };

	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	fds[0] = p1[0];
	fds[1] = p2[1];
	pthread_create(&th[0], NULL, pingpong, fds);
	t0 = softirq_sum("TIMER");
	r0 = softirq_sum("RCU");
	i0 = irq_total();
	setitimer(ITIMER_REAL, &it, NULL);
	if (timer_create(CLOCK_MONOTONIC, &sev, &tid) == 0)
		timer_settime(tid, 0, &its, NULL);
	if (ioctl(d.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
		bad("ENABLE: %s", strerror(errno));
	end = now() + opt_seconds;
	while (now() < end) {
		struct timespec ts = { 0, 100000 };
		char b;

		/* pipe round trip to the other thread, a unix socket, sleep */
		if (write(p1[1], &ch, 1) != 1 || read(p2[0], &b, 1) != 1)
			bad("pipe: %s", strerror(errno));
		if (write(sp[0], &ch, 1) != 1 || read(sp[1], &b, 1) != 1)
			bad("socketpair: %s", strerror(errno));
		nanosleep(&ts, NULL);
		record_some(rounds);
		rounds++;
		if (__atomic_load_n(&d.buf[0], __ATOMIC_ACQUIRE) >
		    d.words - 4096) {
			if (ioctl(d.fd, KCOV_DF_DISABLE, 0))
				bad("DISABLE: %s", strerror(errno));
			n = walk(KCOV_DF_FMT_V2, d.buf, d.words, irq_cb, c, err,
				 sizeof(err));
			if (n < 0)
				bad("walk: %s", err);
			lost_words += d.buf[0];
			d.buf[0] = 0;
			if (ioctl(d.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
				bad("ENABLE: %s", strerror(errno));
		}
	}
	if (ioctl(d.fd, KCOV_DF_DISABLE, 0))
		bad("DISABLE: %s", strerror(errno));
	it = (struct itimerval){ 0 };
	setitimer(ITIMER_REAL, &it, NULL);
	timer_delete(tid);
	n = walk(KCOV_DF_FMT_V2, d.buf, d.words, irq_cb, c, err, sizeof(err));
	if (n < 0)
		bad("walk: %s", err);
	lost_words += d.buf[0];
	atomic_store(&irq_stop, 1);
	close(p1[1]);
	pthread_join(th[0], NULL);
	for (i = 0; i < NIRQ; i++)
		if (c->hits[i]) {
			bad("%llu records of %s, an interrupt-only function",
			    c->hits[i], irq_only[i]);
			hits += c->hits[i];
		}
	note("%d of %zu irq-only functions named in /proc/kallsyms; %u "
	     "distinct functions recorded by the task", syms.found, NIRQ,
	     c->npcs);
	df_close(&d);
	free(c);
	return finish("irq",
		      "%llu rounds (pipe ping-pong across threads, AF_UNIX, "
		      "nanosleep, module calls) under a 1 ms itimer and a 0.5 ms "
		      "posix timer: %llu signals, %llu interrupts, %llu TIMER "
		      "and %llu RCU softirqs meanwhile; %llu record words walked "
		      "strictly, %llu records of irq-only functions",
		      rounds, atomic_load(&sigs), irq_total() - i0,
		      softirq_sum("TIMER") - t0, softirq_sum("RCU") - r0,
		      lost_words, hits);
}

/* ------------------------------------------------------------------ */
/* ctxsw: two recording tasks that switch to each other                */
/* ------------------------------------------------------------------ */

/*
 * Functions that run only between kcov_prepare_switch() and
 * kcov_finish_switch(): entered as one task, left as the next. With the
 * whole kernel instrumented (variant all) they are instrumented; a record
 * of one of them in any task's buffer means the context switch window was
 * not suppressed (its entry would be in prev's buffer, its return in
 * next's).
 */
static uint64_t kallsyms_addr(const char *want);

static const char *const ctxsw_only[] = {
	"__switch_to", "__switch_to_xtra", "switch_to_sld",
	"__perf_event_task_sched_out", "__perf_event_task_sched_in",
};
#define NCTXSW (sizeof(ctxsw_only) / sizeof(ctxsw_only[0]))

struct ctxsw_task {
	struct df d;
	int in, out;			/* pipe ends */
	unsigned long long rounds, recs, words;
	unsigned long long hits[NCTXSW];
	uint64_t addr[NCTXSW];
	long switches;
	atomic_int *stop;
};

static void ctxsw_cb(const struct rec *r, void *arg)
{
	struct ctxsw_task *t = arg;
	unsigned int i;

	t->recs++;
	for (i = 0; i < NCTXSW; i++)
		if (t->addr[i] && r->pc == t->addr[i])
			t->hits[i]++;
}

static long ctxsw_count(void)
{
	char path[64], line[256];
	long v, sum = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/status",
		 (long)syscall(SYS_gettid));
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %ld", &v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

/* Drain the buffer into the checks when it fills up, and at the end. */
static void ctxsw_drain(struct ctxsw_task *t, bool reenable)
{
	char err[160];

	if (ioctl(t->d.fd, KCOV_DF_DISABLE, 0))
		bad("DISABLE: %s", strerror(errno));
	if (walk(KCOV_DF_FMT_V2, t->d.buf, t->d.words, ctxsw_cb, t, err,
		 sizeof(err)) < 0)
		bad("walk: %s", err);
	t->words += t->d.buf[0];
	t->d.buf[0] = 0;
	if (reenable && ioctl(t->d.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
		bad("ENABLE: %s", strerror(errno));
}

static void *ctxsw_thread(void *arg)
{
	struct ctxsw_task *t = arg;
	cpu_set_t cpu;
	long s0;
	char c = 'x';

	/* Both tasks on one CPU: every blocking read switches to the other. */
	CPU_ZERO(&cpu);
	CPU_SET(0, &cpu);
	if (sched_setaffinity(0, sizeof(cpu), &cpu))
		bad("sched_setaffinity: %s", strerror(errno));
	s0 = ctxsw_count();
	if (ioctl(t->d.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
		bad("ENABLE: %s", strerror(errno));
	while (!atomic_load(t->stop)) {
		if (write(t->out, &c, 1) != 1 || read(t->in, &c, 1) != 1)
			break;
		t->rounds++;
		if (__atomic_load_n(&t->d.buf[0], __ATOMIC_ACQUIRE) >
		    t->d.words - 4096)
			ctxsw_drain(t, true);
	}
	ctxsw_drain(t, false);
	t->switches = ctxsw_count() - s0;
	/* Let the other one out of its read. */
	if (write(t->out, &c, 1) != 1)
		bad("write: %s", strerror(errno));
	return NULL;
}

static int cmd_ctxsw(void)
{
	struct ctxsw_task t[2] = { };
	int ab[2], ba[2], found = 0, i, ret;
	unsigned long long hits = 0;
	atomic_int stop = 0;
	pthread_t th[2];
	unsigned int k;

	for (k = 0; k < NCTXSW; k++) {
		t[0].addr[k] = t[1].addr[k] = kallsyms_addr(ctxsw_only[k]);
		found += !!t[0].addr[k];
	}
	if (pipe(ab) || pipe(ba)) {
		bad("pipe: %s", strerror(errno));
		return finish("ctxsw", "no pipes");
	}
	t[0].in = ba[0];
	t[0].out = ab[1];
	t[1].in = ab[0];
	t[1].out = ba[1];
	for (i = 0; i < 2; i++) {
		t[i].stop = &stop;
		ret = df_open(&t[i].d, 1 << 20);
		if (ret) {
			bad("open: %s", strerror(-ret));
			return finish("ctxsw", "no descriptor");
		}
	}
	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, ctxsw_thread, &t[i]);
	usleep((useconds_t)(opt_seconds * 1e6));
	atomic_store(&stop, 1);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 2; i++) {
		for (k = 0; k < NCTXSW; k++)
			if (t[i].hits[k]) {
				bad("task %d: %llu records of %s, which runs "
				    "only inside a context switch", i,
				    t[i].hits[k], ctxsw_only[k]);
				hits += t[i].hits[k];
			}
		df_close(&t[i].d);
	}
	note("%d of %zu context-switch-only functions in /proc/kallsyms%s",
	     found, NCTXSW, found ? "" : ": this check cannot fail here");
	return finish("ctxsw",
		      "two recording tasks on one CPU switching to each other "
		      "over pipes: %llu + %llu rounds, %ld + %ld context "
		      "switches, %llu + %llu records walked strictly, %llu "
		      "records of functions that run only inside a context "
		      "switch", t[0].rounds, t[1].rounds, t[0].switches,
		      t[1].switches, t[0].recs, t[1].recs, hits);
}

/* ------------------------------------------------------------------ */
/* uptr: struct pointers that user space chooses (__user arguments)    */
/* ------------------------------------------------------------------ */

static uint64_t kallsyms_addr(const char *want)
{
	char line[512], type, name[256];
	unsigned long long a;
	uint64_t r = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return 0;
	while (!r && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, name) == 3 &&
		    !strcmp(name, want))
			r = a;
	fclose(f);
	return r;
}

struct uptr {
	uint64_t pc, ptr;
	int recs, disclosed;
	uint64_t vals[3];
};

static void uptr_cb(const struct rec *r, void *arg)
{
	struct uptr *u = arg;

	if (r->pc != u->pc || r->value != u->ptr || r->kind != KCOV_DF_KIND_ARG)
		return;
	u->recs++;
	/* a field read, not the unreadable marker: kernel memory */
	if (r->nvals && !(r->flags & (KCOV_DF_F_NULL | KCOV_DF_F_ERRPTR)) &&
	    (!(r->flags & KCOV_DF_F_FAULT) || r->fault != (1ULL << r->nvals) - 1)) {
		u->disclosed++;
		for (unsigned int k = 0; k < 3 && k < r->nvals; k++)
			u->vals[k] = r->vals[k];
	}
}

/*
 * readv(2) with a struct iovec pointer that is a kernel address (the test
 * module's object with known contents), non-canonical, or an ERR_PTR.
 * vfs_readv() takes it as "const struct iovec __user *": its fields must
 * not be read from kernel memory into the record, or the recording task
 * reads kernel memory it names (fixed: __user pointers get no layout).
 */
static int cmd_uptr(void)
{
	uint64_t obj = mod_info("obj", "small");
	uint64_t ptrs[] = { obj, 0xdead000000000100ULL, (uint64_t)-12 };
	struct uptr u = { .pc = kallsyms_addr("vfs_readv") };
	char err[160];
	struct df d;
	int zfd = open("/dev/zero", O_RDONLY), ret, i;

	if (!obj || !u.pc || zfd < 0) {
		printf("ok - uptr # SKIP needs the test module and vfs_readv\n");
		return 0;
	}
	ret = df_open(&d, 1 << 16);
	if (ret) {
		bad("open: %s", strerror(-ret));
		return finish("uptr", "no descriptor");
	}
	for (i = 0; i < 3; i++) {
		__atomic_store_n(&d.buf[0], 0, __ATOMIC_RELAXED);
		u.ptr = ptrs[i];
		if (ioctl(d.fd, KCOV_DF_ENABLE, KCOV_DF_FMT_V2))
			bad("ENABLE: %s", strerror(errno));
		if (readv(zfd, (const struct iovec *)(uintptr_t)ptrs[i], 1) >= 0)
			bad("readv(%#" PRIx64 ") succeeded", ptrs[i]);
		ioctl(d.fd, KCOV_DF_DISABLE, 0);
		if (walk(KCOV_DF_FMT_V2, d.buf, d.words, uptr_cb, &u, err,
			 sizeof(err)) < 0)
			bad("walk: %s", err);
		if (u.disclosed) {
			bad("vfs_readv(vec=%#" PRIx64 "): fields read from "
			    "kernel memory: %#" PRIx64 " %#" PRIx64 " %#" PRIx64,
			    ptrs[i], u.vals[0], u.vals[1], u.vals[2]);
			u.disclosed = 0;
		}
	}
	df_close(&d);
	close(zfd);
	if (!u.recs)
		note("no vfs_readv records: fs/read_write.c not instrumented?");
	return finish("uptr", "%d records of vfs_readv() with a __user "
		      "struct pointer chosen by the caller (kernel object, "
		      "non-canonical, ERR_PTR): no kernel memory in them",
		      u.recs);
}

/* ------------------------------------------------------------------ */

static int usage(void)
{
	fprintf(stderr,
		"usage: df_stress scribble|lifetime|churn|forkstorm|badptr|"
		"fuzz|irq|uptr|ctxsw [--seconds S] [--threads N] [--seed N] "
		"[--episodes E] [--episode K]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int i;

	page_size = sysconf(_SC_PAGESIZE);
	if (argc < 2)
		return usage();
	cmd = argv[1];
	for (i = 2; i < argc; i += 2) {
		char *endp = NULL;
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			return usage();
		errno = 0;
		if (!strcmp(a, "--seconds")) {
			opt_seconds = strtod(v, &endp);
			if (opt_seconds < 0)
				endp = NULL;
		} else if (!strcmp(a, "--threads")) {
			opt_threads = strtol(v, &endp, 0);
			if (opt_threads < 2 || opt_threads > 256)
				endp = NULL;
		} else if (!strcmp(a, "--seed")) {
			opt_seed = strtoull(v, &endp, 0);
			opt_seed_set = true;
		} else if (!strcmp(a, "--episodes")) {
			opt_episodes = strtol(v, &endp, 0);
		} else if (!strcmp(a, "--episode")) {
			opt_episode = strtol(v, &endp, 0);
		} else {
			fprintf(stderr, "df_stress: unknown option %s\n", a);
			return usage();
		}
		if (!endp || *endp || errno || endp == v) {
			fprintf(stderr, "df_stress: bad value for %s: %s\n", a,
				v);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	{
		static const char *const cmds[] = {
			"noop", "scribble", "lifetime", "churn", "forkstorm",
			"badptr", "fuzz", "irq", "uptr", "ctxsw",
		};
		unsigned int k;

		for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
			if (!strcmp(cmd, cmds[k]))
				break;
		if (k == sizeof(cmds) / sizeof(cmds[0])) {
			fprintf(stderr, "df_stress: unknown command %s\n",
				cmd);
			return usage();
		}
	}
	if (!strcmp(cmd, "noop"))
		return cmd_noop();
	if (access(DF_PATH, R_OK | W_OK)) {
		printf("not ok - %s: %s: %s\n", cmd, DF_PATH, strerror(errno));
		return 1;
	}
	mod_init();
	if (!strcmp(cmd, "scribble"))
		return cmd_scribble();
	if (!strcmp(cmd, "lifetime"))
		return cmd_lifetime();
	if (!strcmp(cmd, "churn"))
		return cmd_churn();
	if (!strcmp(cmd, "forkstorm"))
		return cmd_forkstorm();
	if (!strcmp(cmd, "badptr"))
		return cmd_badptr();
	if (!strcmp(cmd, "fuzz"))
		return cmd_fuzz();
	if (!strcmp(cmd, "uptr"))
		return cmd_uptr();
	if (!strcmp(cmd, "irq"))
		return cmd_irq();
	if (!strcmp(cmd, "ctxsw"))
		return cmd_ctxsw();
	fprintf(stderr, "df_stress: unknown command %s\n", cmd);
	return usage();
}
