// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf record --kernel (the default when /sys/kernel/debug/kcov_dataflow
 * exists): the recorder opens the device, sizes and maps the buffer, and
 * forks; the child enables recording for itself on the inherited
 * descriptor and execs the command, so every instrumented kernel function
 * the command reaches is recorded. The recorder reads the buffer through
 * its own mapping after the command exits and writes it, with what
 * symbolisation needs later (kernel release and build id, KASLR offset,
 * module addresses, function names from kallsyms), into the trace file.
 *
 * --pc-ext adds KCOV_TRACE_PC_EXT words (function entry/exit, basic
 * blocks) from /sys/kernel/debug/kcov, enabled in the child next to the
 * dataflow recording; --remote adds remote work: KCOV_DF_REMOTE_ENABLE on
 * a second dataflow descriptor (and, with --pc-ext, KCOV_REMOTE_ENABLE on
 * a second kcov descriptor) with one common handle, which the kernel hands
 * to the tasks the command starts. Each buffer becomes a STREAM chunk of
 * its own kind (LOCAL, PCEXT, REMOTE, REMOTE_PCEXT): the table kbufs[]
 * below says what each one is, the code handles them alike.
 *
 * --follow-forks records the tasks the command creates too, each in its
 * own buffer (follow.c: the recorder enables them through ptrace).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kcov.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "follow.h"
#include "kcovdf_tool.h"
#include "record.h"

/* KCOV's mode for function entry/exit records, from Jann Horn's "KCOV
 * function entry/exit records" series (kcov: introduce extended PC
 * coverage collection mode); the kernel series defines it in its own
 * headers. */
#define KCOVDF_TRACE_PC_EXT 2
#ifndef KCOV_DF_REMOTE_ENABLE
#define KCOV_DF_REMOTE_ENABLE _IOW('d', 102, struct kcov_remote_arg)
#endif
#define X86_64_TEXT_BASE 0xffffffff81000000ULL

/* KCOV_DF_ENABLE's argument for the trace file's stream format. */
static unsigned long enable_arg(const struct rec_opts *o)
{
	return o->format == KCOVDF_FMT_DOC ? KCOV_DF_FMT_DOC : KCOV_DF_FMT_V2;
}

static int run_wait(pid_t pid)
{
	int st = rec_wait_status(pid);

	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st)) {
		warnx_("command killed by signal %d", WTERMSIG(st));
		return 128 + WTERMSIG(st);
	}
	return 1;
}

/* ---------------------------------------------------------------- */
/* Symbols: kallsyms, the kernel's and the modules' build ids        */
/* ---------------------------------------------------------------- */

/* The functions of /proc/kallsyms (only text when types is ""); none when
 * it cannot be read. */
static void read_kallsyms(struct kcovdf_kallsyms *ks, const char *types)
{
	if (kcovdf_kallsyms_read("/proc/kallsyms", types, ks) &&
	    errno == ENOMEM)
		die("out of memory");
}

struct pcset {
	uint64_t *v;
	size_t n, cap;
};

static void pcset_add(struct pcset *p, uint64_t pc)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 1024;
		p->v = realloc(p->v, p->cap * sizeof(*p->v));
		if (!p->v)
			die("out of memory");
	}
	p->v[p->n++] = pc;
}

static int collect_pc(const struct kcovdf_rec *r, void *arg)
{
	struct pcset *p = arg;

	if (!r->pc)
		return 0;
	for (size_t i = p->n; i > 0 && i + 32 > p->n; i--)
		if (p->v[i - 1] == r->pc)
			return 0;	/* cheap dedup of runs */
	pcset_add(p, r->pc);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * SYMS: kallsyms names of the functions the streams mention: every
 * record's function, and for PC_EXT words the start of the function each
 * address lies in (a reader finds a word's function as the nearest start
 * below it, docs/trace-format.md).
 */
static void write_syms(int fd, const uint64_t *const *dfw,
		       const uint64_t *dfn, size_t ndf, int format,
		       const uint64_t *const *pcw, const uint64_t *pcn,
		       size_t npc)
{
	struct pcset p = { 0 };
	struct kcovdf_kallsyms ks;
	size_t len = 0;
	uint8_t *buf;

	for (size_t i = 0; i < ndf; i++)
		kcovdf_walk(format, dfw[i], dfn[i], collect_pc, &p, NULL, 0);
	if (!p.n && !npc)
		return;
	read_kallsyms(&ks, "tT");
	if (!ks.n)
		goto out;
	for (size_t s = 0; s < npc; s++) {
		uint64_t last = 0;

		for (uint64_t i = 0; i < pcn[s]; i++) {
			struct kcovdf_pcext x;
			const struct kcovdf_ksym *k;

			if (kcovdf_pcext_decode(pcw[s][i], 1, &x) ||
			    (x.type != KCOVDF_PCEXT_ENTRY &&
			     x.type != KCOVDF_PCEXT_EXIT))
				continue;
			k = kcovdf_kallsyms_below(&ks, x.pc);
			if (k && k->addr != last) {
				pcset_add(&p, k->addr);
				last = k->addr;
			}
		}
	}
	if (!p.n)
		goto out;
	qsort(p.v, p.n, sizeof(*p.v), cmp_u64);
	buf = NULL;
	for (size_t i = 0; i < p.n; i++) {
		const struct kcovdf_ksym *k;
		char name[300];
		struct kcovdf_sym_entry e = { 0 };
		size_t nl, step;

		if (i && p.v[i] == p.v[i - 1])
			continue;
		k = kcovdf_kallsyms_below(&ks, p.v[i]);
		if (!k)
			continue;
		if (k->addr == p.v[i])
			snprintf(name, sizeof(name), "%s", k->name);
		else
			snprintf(name, sizeof(name), "%s+0x%" PRIx64, k->name,
				 p.v[i] - k->addr);
		nl = strlen(name);
		step = (sizeof(e) + nl + 7) & ~7UL;
		buf = realloc(buf, len + step);
		if (!buf)
			die("out of memory");
		memset(buf + len, 0, step);
		e.addr = p.v[i];
		e.name_len = (uint32_t)nl;
		memcpy(buf + len, &e, sizeof(e));
		memcpy(buf + len + sizeof(e), name, nl);
		len += step;
	}
	if (len && kcovdf_write_chunk(fd, KCOVDF_CHUNK_SYMS, 0, buf, len,
				      NULL, 0))
		die("write: %s", strerror(errno));
	free(buf);
out:
	kcovdf_kallsyms_free(&ks);
	free(p.v);
}

static void write_map(int fd, uint32_t kind, uint64_t start, uint64_t end,
		      uint64_t bias, const void *bid, uint32_t bid_len,
		      const char *path)
{
	struct kcovdf_map m = {
		.kind = kind, .start = start, .end = end, .bias = bias,
		.build_id_len = bid_len, .path_len = (uint32_t)strlen(path),
	};

	if (bid_len > sizeof(m.build_id))
		bid_len = m.build_id_len = 0;
	if (bid_len)
		memcpy(m.build_id, bid, bid_len);
	if (kcovdf_write_chunk(fd, KCOVDF_CHUNK_MAP, 0, &m, sizeof(m), path,
			       m.path_len))
		die("write: %s", strerror(errno));
}

/* The GNU build id in a file of ELF notes: /sys/kernel/notes for the
 * kernel, /sys/module/NAME/notes/.note.gnu.build-id for a module. */
static uint32_t notes_build_id(const char *path, uint8_t *out, size_t cap)
{
	uint8_t buf[4096];
	ssize_t n;
	size_t off = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	while (n > 0 && off + 12 <= (size_t)n) {
		uint32_t namesz, descsz, type;
		size_t name_off = off + 12, desc_off;

		memcpy(&namesz, buf + off, 4);
		memcpy(&descsz, buf + off + 4, 4);
		memcpy(&type, buf + off + 8, 4);
		desc_off = name_off + ((namesz + 3) & ~3U);
		if (desc_off + descsz > (size_t)n)
			break;
		if (type == 3 && namesz == 4 &&
		    !memcmp(buf + name_off, "GNU", 4) && descsz <= cap) {
			memcpy(out, buf + desc_off, descsz);
			return descsz;
		}
		off = desc_off + ((descsz + 3) & ~3U);
	}
	return 0;
}

static void write_modules(int fd)
{
	FILE *f = fopen("/proc/modules", "r");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[256], path[512], tbuf[64];
		unsigned long long size, base = 0, text = 0;
		uint8_t bid[32];
		uint32_t bid_len;
		FILE *s;

		if (sscanf(line, "%255s %llu %*s %*s %*s %llx", name, &size,
			   &base) < 3 || !base)
			continue;
		snprintf(path, sizeof(path), "/sys/module/%s/sections/.text",
			 name);
		s = fopen(path, "r");
		if (s) {
			if (fgets(tbuf, sizeof(tbuf), s))
				text = strtoull(tbuf, NULL, 16);
			fclose(s);
		}
		/* Its build id, so that readers find its NAME.ko by it. */
		snprintf(path, sizeof(path),
			 "/sys/module/%s/notes/.note.gnu.build-id", name);
		bid_len = notes_build_id(path, bid, sizeof(bid));
		write_map(fd, KCOVDF_MAP_MODULE, base, base + size,
			  text ? text : base, bid, bid_len, name);
	}
	fclose(f);
}

/* ---------------------------------------------------------------- */
/* The buffers                                                       */
/* ---------------------------------------------------------------- */

/* An errno an enabling ioctl fails with that says what the kernel lacks. */
struct kbuf_hint {
	int err;		/* 0: no hint */
	const char *why;	/* the message */
	const char *call;	/* shown with the errno after it; NULL: not */
};

/* What one kind of buffer is. */
struct kbuf_desc {
	const char *dev;	/* the device opened for it */
	unsigned long init;	/* the ioctl that sizes it */
	const char *init_name;	/* its name in messages */
	const char *mmap_for;	/* in the message of a failed mmap */
	const char *name;	/* in messages about what it holds */
	int pcext;		/* KCOV_TRACE_PC_EXT words, not dataflow */
	int remote;		/* enabled for remote work (common handle) */
	unsigned long enable;	/* the ioctl that enables it */
	const char *enable_name;	/* in the message when it fails */
	struct kbuf_hint hints[2];
	uint32_t area_max;	/* remote: at most this many words a section
				 * (0: the buffer's size) */
	uint32_t kind;		/* its STREAM chunk's kind */
	const char *full_msg;	/* warned when it filled up, or NULL */
};

/* In the order of the file's STREAM chunks. The child enables the remote
 * ones first, then the task's own, PC_EXT last of each: the enabling
 * ioctls themselves are then recorded as little as can be. */
enum { KB_DF, KB_PCEXT, KB_DF_REMOTE, KB_PCEXT_REMOTE, KB_N };

/* A remote buffer's device and sizing ioctl, as its task buffer's, and
 * its names in messages: each says remote (init_name spells the ioctl). */
#define KB_REMOTE(path, init_ioctl)					\
	.dev = path, .init = init_ioctl,				\
	.init_name = #init_ioctl " (remote)", .mmap_for = " for " path,	\
	.name = "remote " path, .remote = 1

static const struct kbuf_desc kbufs[KB_N] = {
	[KB_DF] = {
		.dev = DEV_PATH,
		.init = KCOV_DF_INIT_TRACE,
		.init_name = "KCOV_DF_INIT_TRACE",
		.mmap_for = "",
		.name = DEV_PATH,
		.enable = KCOV_DF_ENABLE,
		.enable_name = "KCOV_DF_ENABLE",
		.kind = KCOVDF_STREAM_LOCAL,
	},
	[KB_PCEXT] = {
		.dev = KCOV_PATH,
		.init = KCOV_INIT_TRACE,
		.init_name = "KCOV_INIT_TRACE",
		.mmap_for = " for " KCOV_PATH,
		.name = KCOV_PATH,
		.pcext = 1,
		.enable = KCOV_ENABLE,
		.enable_name = "KCOV_ENABLE(KCOV_TRACE_PC_EXT)",
		.hints = {
			{ EINVAL, "kernel has no KCOV_TRACE_PC_EXT "
				  "(CONFIG_KCOV_EXT_RECORDS)", NULL },
		},
		.kind = KCOVDF_STREAM_PCEXT,
		.full_msg = "the PC_EXT buffer is full: later entries and "
			    "exits are lost; use --buffer to enlarge it",
	},
	[KB_DF_REMOTE] = {
		KB_REMOTE(DEV_PATH, KCOV_DF_INIT_TRACE),
		.enable = KCOV_DF_REMOTE_ENABLE,
		.enable_name = "KCOV_DF_REMOTE_ENABLE",
		.hints = {
			{ ENOTTY, "kernel has no remote dataflow",
			  "KCOV_DF_REMOTE_ENABLE" },
			{ EINVAL, "kernel has no remote dataflow",
			  "KCOV_DF_REMOTE_ENABLE" },
		},
		.kind = KCOVDF_STREAM_REMOTE,
	},
	[KB_PCEXT_REMOTE] = {
		KB_REMOTE(KCOV_PATH, KCOV_INIT_TRACE),
		.pcext = 1,
		.enable = KCOV_REMOTE_ENABLE,
		.enable_name = "KCOV_REMOTE_ENABLE(KCOV_TRACE_PC_EXT)",
		.hints = {
			{ EINVAL, "kernel has no remote KCOV_TRACE_PC_EXT",
			  "KCOV_REMOTE_ENABLE" },
			{ EBUSY, "kernel does not allow KCOV_REMOTE_ENABLE next "
				 "to KCOV_ENABLE in one task",
			  "KCOV_REMOTE_ENABLE" },
		},
		/* KCOV allocates a buffer of area_size words for every
		 * section that runs (vmalloc); 256 Ki words (2 MB) each. */
		.area_max = 1U << 18,
		.kind = KCOVDF_STREAM_REMOTE_PCEXT,
	},
};

/* The buffers this recording uses: the dataflow one always, PC_EXT with
 * --pc-ext, the remote ones with --remote. */
static int kbuf_wanted(const struct rec_opts *o, int i)
{
	return (!kbufs[i].pcext || o->pcext) &&
	       (!kbufs[i].remote || o->remote);
}

/* A kcov or kcov_dataflow descriptor with its mapped buffer; word 0 of
 * both kinds of buffer counts the words after it. */
struct kbuf {
	int fd;			/* -1: not used */
	uint64_t *buf;
	unsigned long words;
	uint64_t *copy;		/* the words after the count, when read */
	uint64_t n;
	struct kcov_df_stats st;	/* dataflow: the counters */
};

static void kbuf_open(struct kbuf *k, const struct kbuf_desc *d,
		      unsigned long words)
{
	k->words = words;
	k->fd = open(d->dev, O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		if (errno == ENOENT && d->pcext)
			die("%s: %s (kernel has no KCOV, or debugfs is not "
			    "mounted)", d->dev, strerror(errno));
		die("%s: %s (is the kernel built with CONFIG_KCOV_DATAFLOW "
		    "and debugfs mounted?)", d->dev, strerror(errno));
	}
	if (ioctl(k->fd, d->init, words))
		die("%s(%lu words): %s", d->init_name, words, strerror(errno));
	k->buf = mmap(NULL, words * 8, PROT_READ | PROT_WRITE, MAP_SHARED,
		      k->fd, 0);
	if (k->buf == MAP_FAILED)
		die("mmap of %lu words%s: %s", words, d->mmap_for,
		    strerror(errno));
	__atomic_store_n(&k->buf[0], 0, __ATOMIC_RELAXED);
}

/* Copy the words out after the command ended; a dataflow buffer's
 * counters too. */
static void kbuf_read(struct kbuf *k, const struct kbuf_desc *d)
{
	k->n = __atomic_load_n(&k->buf[0], __ATOMIC_ACQUIRE);
	if (k->n > k->words - 1)
		die("%s: the buffer's count (%" PRIu64 ") exceeds its size; "
		    "something wrote to it", d->name, k->n);
	k->copy = malloc((k->n ? k->n : 1) * 8);
	if (!k->copy)
		die("out of memory");
	memcpy(k->copy, k->buf + 1, k->n * 8);
	if (d->pcext)
		return;
	if (ioctl(k->fd, KCOV_DF_GET_STATS, &k->st))
		warnx_("KCOV_DF_GET_STATS%s: %s", d->remote ? " (remote)" : "",
		       strerror(errno));
}

static void kbuf_close(struct kbuf *k)
{
	if (k->fd < 0)
		return;
	munmap(k->buf, k->words * 8);
	close(k->fd);
	free(k->copy);
}

/* In the parent: the child could not enable buffer i (errno e). */
static void enable_failed(int i, int e)
{
	const struct kbuf_desc *d = &kbufs[i];

	for (size_t h = 0; h < sizeof(d->hints) / sizeof(d->hints[0]); h++) {
		if (d->hints[h].err != e)
			continue;
		if (!d->hints[h].call)
			die("%s", d->hints[h].why);
		die("%s (%s: %s)", d->hints[h].why, d->hints[h].call,
		    strerror(e));
	}
	die("%s: %s", d->enable_name, strerror(e));
}

/* In the child: enable every buffer in use, the remote ones first; on
 * failure report (buffer, errno) through the pipe and exit. */
static void child_enable(struct rec_opts *o, const struct kbuf *kb, int wfd)
{
	struct kcov_remote_arg ra;	/* num_handles 0: no handles[] */
	int msg[2] = { 0, 0 };

	memset(&ra, 0, sizeof(ra));
	ra.common_handle = kcov_remote_handle(KCOV_SUBSYSTEM_COMMON,
						o->handle);
	for (int remote = 1; remote >= 0; remote--) {
		for (int i = 0; i < KB_N; i++) {
			const struct kbuf_desc *d = &kbufs[i];
			/* Remote dataflow: KCOV_DF_FMT_V2, since --remote
			 * needs --format v2. */
			unsigned long mode = d->pcext ? KCOVDF_TRACE_PC_EXT
						      : enable_arg(o);
			int r;

			if (d->remote != remote || kb[i].fd < 0)
				continue;
			if (d->remote) {
				ra.trace_mode = (uint32_t)mode;
				ra.area_size = (uint32_t)(d->area_max &&
					kb[i].words > d->area_max ?
					d->area_max : kb[i].words);
				r = ioctl(kb[i].fd, d->enable, &ra);
			} else {
				r = ioctl(kb[i].fd, d->enable, mode);
			}
			if (r) {
				msg[0] = i;
				msg[1] = errno;
				if (write(wfd, msg, sizeof(msg)) < 0)
					_exit(126);
				_exit(126);
			}
		}
	}
}

/* ---------------------------------------------------------------- */
/* The trace file                                                    */
/* ---------------------------------------------------------------- */

static void write_stream_tid(int fd, const char *out, uint32_t pid,
			     uint32_t tid, uint32_t kind, uint32_t format,
			     const char *comm, const uint64_t *w, uint64_t n)
{
	struct kcovdf_stream_hdr sh;

	memset(&sh, 0, sizeof(sh));
	sh.pid = pid;
	sh.tid = tid;
	sh.kind = kind;
	sh.format = format;
	sh.nwords = n;
	memcpy(sh.comm, comm, sizeof(sh.comm));
	/* Chunks of at most 256 Ki words, packed (KCOVDF_PACK=0: plain), so
	 * that a cut file keeps most of a stream and a reader needs one
	 * chunk in memory at a time. */
	if (kcovdf_write_stream(fd, &sh, w, n, !getenv("KCOVDF_PACK") ||
				strcmp(getenv("KCOVDF_PACK"), "0")))
		die("%s: write: %s", out, strerror(errno));
}

static void write_stream(int fd, const char *out, uint32_t pid,
			 uint32_t kind, uint32_t format, const char *comm,
			 const uint64_t *w, uint64_t n)
{
	write_stream_tid(fd, out, pid, pid, kind, format, comm, w, n);
}

static void write_loss_tid(int fd, const char *out, uint32_t pid,
			   uint32_t tid, uint32_t kind,
			   const struct kcov_df_stats *st)
{
	struct kcovdf_loss loss;

	memset(&loss, 0, sizeof(loss));
	loss.pid = pid;
	loss.tid = tid;
	loss.kind = kind;
	loss.records = st->records;
	loss.dropped = st->dropped;
	loss.truncated = st->truncated;
	if (kcovdf_write_chunk(fd, KCOVDF_CHUNK_LOSS, 0, &loss, sizeof(loss),
			       NULL, 0))
		die("%s: write: %s", out, strerror(errno));
}

static void write_loss(int fd, const char *out, uint32_t pid, uint32_t kind,
		       const struct kcov_df_stats *st)
{
	write_loss_tid(fd, out, pid, pid, kind, st);
}

/* The buffers of the tasks --follow-forks enabled: one LOCAL stream and
 * its LOSS chunk each. Adds their words to dfw/dfn for the SYMS chunk. */
static void write_followed(int fd, struct rec_opts *o, struct follow *f,
			   const uint64_t **dfw, uint64_t *dfn, size_t *ndf)
{
	for (size_t i = 0; i < f->n; i++) {
		struct follow_task *t = &f->tasks[i];
		struct kcov_df_stats st;
		uint64_t n;
		uint64_t *copy;

		if (!t->buf)
			continue;
		n = __atomic_load_n(&t->buf[0], __ATOMIC_ACQUIRE);
		if (n > t->words - 1) {
			warnx_("task %d: the buffer's count (%" PRIu64 ") "
			       "exceeds its size; its records are dropped",
			       (int)t->tid, n);
			n = 0;
		}
		copy = malloc((n ? n : 1) * 8);
		if (!copy)
			die("out of memory");
		memcpy(copy, t->buf + 1, n * 8);
		memset(&st, 0, sizeof(st));
		if (ioctl(t->fd, KCOV_DF_GET_STATS, &st))
			warnx_("task %d: KCOV_DF_GET_STATS: %s", (int)t->tid,
			       strerror(errno));
		write_stream_tid(fd, o->out, (uint32_t)t->tgid,
				 (uint32_t)t->tid, KCOVDF_STREAM_LOCAL,
				 (uint32_t)o->format, t->comm, copy, n);
		write_loss_tid(fd, o->out, (uint32_t)t->tgid, (uint32_t)t->tid,
			       KCOVDF_STREAM_LOCAL, &st);
		dfw[*ndf] = copy;
		dfn[(*ndf)++] = n;
	}
}

int record_kernel(struct rec_opts *o)
{
	struct utsname un;
	uint64_t text = 0;
	unsigned long words = o->words ? o->words : 4UL << 20;
	char *cmdline = rec_join_cmd(o->cmd), *kv[16];
	uint8_t bid[32];
	uint32_t bid_len;
	size_t nkv;
	int fd, status, pfd[2];
	pid_t pid;
	char comm[16] = "";
	struct kbuf kb[KB_N];
	const uint64_t **dfw, *pcw[KB_N];
	uint64_t *dfn, pcn[KB_N];
	size_t ndf = 0, npc = 0, nfollowed = 0, followed0, followed1;
	struct follow fo = { .dev = DEV_PATH };

	if (o->remote && o->format != KCOVDF_FMT_VERSIONED)
		die("--remote needs --format v2 (remote sections are v2 "
		    "records)");
	if (o->remote && !o->handle)
		o->handle = (uint64_t)getpid() & KCOV_INSTANCE_MASK;
	memset(kb, 0, sizeof(kb));
	for (int i = 0; i < KB_N; i++) {
		kb[i].fd = -1;
		if (kbuf_wanted(o, i))
			kbuf_open(&kb[i], &kbufs[i], words);
	}
	if (pipe2(pfd, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int e;

		close(pfd[0]);
		if (o->follow && (e = follow_child_prepare()) < 0) {
			fprintf(stderr, "kcovdf: --follow-forks: ptrace: %s\n",
				strerror(-e));
			_exit(126);
		}
		child_enable(o, kb, pfd[1]);
		/* pfd[1] closes at exec: the parent then knows we started. */
		execvp(o->cmd[0], o->cmd);
		e = errno;
		fprintf(stderr, "kcovdf: cannot run %s: %s\n", o->cmd[0],
			strerror(e));
		_exit(127);
	}
	close(pfd[1]);
	signal(SIGINT, SIG_IGN);	/* the command gets ^C, we finish */
	if (o->follow) {
		fo.words = o->words ? o->words : 1UL << 20;
		fo.format = enable_arg(o);
		follow_attach(&fo, pid);
	}
	{
		int msg[2] = { 0, 0 };

		if (read(pfd[0], msg, sizeof(msg)) == sizeof(msg) && msg[1]) {
			run_wait(pid);
			enable_failed(msg[0], msg[1]);
		}
		close(pfd[0]);
	}
	status = o->follow ? follow_wait(&fo, pid) : run_wait(pid);
	if (o->follow) {
		for (size_t i = 0; i < fo.n; i++)
			nfollowed += fo.tasks[i].buf != NULL;
		fprintf(stderr, "kcovdf: followed %zu task(s)%s\n", nfollowed,
			fo.missed ? ", some could not be recorded (see above)"
				  : "");
	}
	dfw = calloc(2 + fo.n, sizeof(*dfw));
	dfn = calloc(2 + fo.n, sizeof(*dfn));
	if (!dfw || !dfn)
		die("out of memory");

	for (int i = 0; i < KB_N; i++)
		if (kb[i].fd >= 0)
			kbuf_read(&kb[i], &kbufs[i]);
	for (int i = 0; i < KB_N; i++)
		if (kb[i].fd >= 0 && kbufs[i].full_msg &&
		    kb[i].n == kb[i].words - 1)
			warnx_("%s", kbufs[i].full_msg);

	fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("%s: %s", o->out, strerror(errno));
	uname(&un);
	{
		struct kcovdf_kallsyms ks;

		read_kallsyms(&ks, "");
		text = ks.text;
		kcovdf_kallsyms_free(&ks);
	}
	nkv = rec_meta_start(kv, "kernel", cmdline);
	if (asprintf(&kv[nkv++], "kernel.release=%s", un.release) < 0 ||
	    asprintf(&kv[nkv++], "kernel.text=0x%" PRIx64, text) < 0 ||
	    asprintf(&kv[nkv++], "kaslr_offset=0x%" PRIx64,
		     (uint64_t)(text ? text - X86_64_TEXT_BASE : 0)) < 0 ||
	    asprintf(&kv[nkv++], "record.format=%s", rec_format_name(o)) < 0 ||
	    asprintf(&kv[nkv++], "record.buffer_words=%lu", words) < 0)
		die("out of memory");
	if (o->pcext)
		kv[nkv++] = "record.pcext=1";
	if (o->follow)
		kv[nkv++] = "record.follow_forks=1";
	if (o->remote && asprintf(&kv[nkv++], "record.remote_handle=0x%llx",
				  kcov_remote_handle(KCOV_SUBSYSTEM_COMMON,
						     o->handle)) < 0)
		die("out of memory");
	bid_len = notes_build_id("/sys/kernel/notes", bid, sizeof(bid));
	if (bid_len) {
		char hex[72];

		for (uint32_t i = 0; i < bid_len; i++)
			sprintf(hex + 2 * i, "%02x", bid[i]);
		if (asprintf(&kv[nkv++], "kernel.build_id=%s", hex) < 0)
			die("out of memory");
	}
	if (kcovdf_write_file_hdr(fd) ||
	    kcovdf_write_meta(fd, (const char *const *)kv, nkv))
		die("%s: write: %s", o->out, strerror(errno));
	write_map(fd, KCOVDF_MAP_VMLINUX, text, 0,
		  text ? text - X86_64_TEXT_BASE : 0, bid, bid_len, "vmlinux");
	write_modules(fd);

	snprintf(comm, sizeof(comm), "%s", strrchr(o->cmd[0], '/') ?
		 strrchr(o->cmd[0], '/') + 1 : o->cmd[0]);
	/* Each buffer's STREAM chunk (a dataflow buffer's LOSS chunk after
	 * it); the followed tasks' after the command's own dataflow. */
	followed0 = followed1 = 0;
	for (int i = 0; i < KB_N; i++) {
		const struct kbuf_desc *d = &kbufs[i];

		if (kb[i].fd < 0)
			continue;
		write_stream(fd, o->out, (uint32_t)pid, d->kind,
			     d->pcext ? KCOVDF_FMT_KCOV_PCEXT
				      : (uint32_t)o->format,
			     comm, kb[i].copy, kb[i].n);
		if (d->pcext) {
			pcw[npc] = kb[i].copy;
			pcn[npc++] = kb[i].n;
			continue;
		}
		write_loss(fd, o->out, (uint32_t)pid, d->kind, &kb[i].st);
		dfw[ndf] = kb[i].copy;
		dfn[ndf++] = kb[i].n;
		if (i == KB_DF) {
			followed0 = ndf;
			write_followed(fd, o, &fo, dfw, dfn, &ndf);
			followed1 = ndf;
		}
	}
	write_syms(fd, dfw, dfn, ndf, o->format, pcw, pcn, npc);
	if (close(fd))
		die("%s: %s", o->out, strerror(errno));
	for (int i = 0; i < KB_N; i++)
		kbuf_close(&kb[i]);
	for (size_t i = followed0; i < followed1; i++)
		free((void *)dfw[i]);
	free(dfw);
	free(dfn);
	follow_free(&fo);
	free(cmdline);
	rec_summarise(o->out, 0, NULL);	/* the kernel buffer is always read */
	return status;
}
