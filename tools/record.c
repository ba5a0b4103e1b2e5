// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf record: run a command and write a trace file.
 *
 * Kernel mode (/sys/kernel/debug/kcov_dataflow exists, or --kernel): the
 * recorder opens the device, sizes and maps the buffer, and forks; the child
 * enables recording for itself on the inherited descriptor and execs the
 * command, so every instrumented kernel function the command reaches is
 * recorded. The recorder reads the buffer through its own mapping after the
 * command exits and writes it, with what symbolisation needs later (kernel
 * release and build id, KASLR offset, module addresses, function names from
 * kallsyms), into the trace file.
 *
 * --pc-ext adds KCOV_TRACE_PC_EXT words (function entry/exit, basic
 * blocks) from /sys/kernel/debug/kcov, enabled in the child next to the
 * dataflow recording; --remote adds remote work: KCOV_DF_REMOTE_ENABLE on
 * a second dataflow descriptor (and, with --pc-ext, KCOV_REMOTE_ENABLE on
 * a second kcov descriptor) with one common handle, which the kernel hands
 * to the tasks the command starts. Each buffer becomes a STREAM chunk of
 * its own kind (LOCAL, PCEXT, REMOTE, REMOTE_PCEXT).
 *
 * --follow-forks records the tasks the command creates too, each in its
 * own buffer (follow.c: the recorder enables them through ptrace).
 *
 * User mode (--user, or no device): the command must be built with
 * `kcovdf cc`; the recorder writes the file header and META, and the
 * runtime linked into the command appends its chunks (KCOVDF_OUT).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kcov.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "follow.h"
#include "kcovdf_tool.h"
#include "kcovdf/salvage.h"

#define DEV_PATH "/sys/kernel/debug/kcov_dataflow"
#define KCOV_PATH "/sys/kernel/debug/kcov"
/* Seed 003 and 004; the kernel series defines them in its own headers. */
#define KCOVDF_TRACE_PC_EXT 2
#ifndef KCOV_DF_REMOTE_ENABLE
#define KCOV_DF_REMOTE_ENABLE _IOW('d', 102, struct kcov_remote_arg)
#endif
#define X86_64_TEXT_BASE 0xffffffff81000000ULL

struct rec_opts {
	const char *out;
	int mode;		/* 0 auto, 1 kernel, 2 user */
	int format;		/* KCOVDF_FMT_VERSIONED or _DOC */
	unsigned long words;
	int pcext;		/* --pc-ext */
	int remote;		/* --remote */
	int follow;		/* --follow-forks */
	uint64_t handle;	/* --handle, 0: chosen from our pid */
	char **cmd;
};

/* KCOV_DF_ENABLE's argument for the trace file's stream format. */
static unsigned long enable_arg(const struct rec_opts *o)
{
	return o->format == KCOVDF_FMT_DOC ? KCOV_DF_FMT_DOC : KCOV_DF_FMT_V2;
}

static void usage(void)
{
	fputs("usage: kcovdf record [-o FILE] [--kernel|--user] "
	      "[--format v2|doc]\n"
	      "                     [--buffer WORDS] [--pc-ext] "
	      "[--remote [--handle H]]\n"
	      "                     [--follow-forks] -- CMD [ARGS...]\n"
	      "\n"
	      "  -o FILE          trace file (default kcovdf.trace)\n"
	      "  --kernel         record kernel functions through " DEV_PATH "\n"
	      "  --user           record a program built with 'kcovdf cc'\n"
	      "                   (default: --kernel when the device exists)\n"
	      "  --format F       v2 (default) or doc, the RFC's documented "
	      "format\n"
	      "  --buffer WORDS   buffer size in 64-bit words (kernel: default "
	      "4M words;\n"
	      "                   user: per-thread buffer)\n"
	      "  --pc-ext         kernel: also record function entries and "
	      "exits\n"
	      "                   (KCOV_TRACE_PC_EXT through " KCOV_PATH ")\n"
	      "  --remote         kernel: also record work done for the "
	      "command by\n"
	      "                   other tasks (remote sections, common "
	      "handle)\n"
	      "  --handle H       the common handle's instance (default: "
	      "kcovdf's pid)\n"
	      "  --follow-forks   kernel: also record every process and thread "
	      "the\n"
	      "                   command creates, each in its own buffer "
	      "(x86-64;\n"
	      "                   default 1M words each)\n", stderr);
}

static char *join_cmd(char **cmd)
{
	size_t len = 1;
	char *s;

	for (char **c = cmd; *c; c++)
		len += strlen(*c) + 1;
	s = calloc(1, len);
	if (!s)
		die("out of memory");
	for (char **c = cmd; *c; c++) {
		if (c != cmd)
			strcat(s, " ");
		strcat(s, *c);
	}
	return s;
}

static void now_iso(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/*
 * How the command ended, in one line, and the status `record` exits with:
 * the command's exit status, or 128 + the signal that killed it (as a
 * shell reports it).
 */
static int report_end(const char *cmd, pid_t pid, int st)
{
	if (WIFEXITED(st)) {
		fprintf(stderr, "kcovdf: %s (pid %d) exited with status %d\n",
			cmd, (int)pid, WEXITSTATUS(st));
		return WEXITSTATUS(st);
	}
	if (WIFSIGNALED(st)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(st));

		fprintf(stderr, "kcovdf: %s (pid %d) was killed by signal %d "
			"(SIG%s: %s%s)\n", cmd, (int)pid, WTERMSIG(st),
			abbrev ? abbrev : "?", strsignal(WTERMSIG(st)),
			WCOREDUMP(st) ? ", core dumped" : "");
		return 128 + WTERMSIG(st);
	}
	return 1;
}

static int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	return st;
}

static int run_wait(pid_t pid)
{
	int st = wait_status(pid);

	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st)) {
		warnx_("command killed by signal %d", WTERMSIG(st));
		return 128 + WTERMSIG(st);
	}
	return 1;
}

struct summary_ctx {
	uint64_t records, lost_records, lost_markers;
};

static int count_cb(const struct kcovdf_rec *r, void *arg)
{
	struct summary_ctx *c = arg;

	if (r->kind == KCOVDF_REC_LOST) {
		c->lost_markers++;
		c->lost_records += r->value;
	} else {
		c->records++;
	}
	return 0;
}

/* The last LOSS chunk of a stream (they are cumulative), or NULL. */
static const struct kcovdf_loss *last_loss(const struct kcovdf_trace *t,
					   uint32_t pid, uint32_t tid,
					   uint32_t kind)
{
	const struct kcovdf_loss *l = NULL;

	for (size_t i = 0; i < t->nlosses; i++)
		if (t->losses[i].pid == pid && t->losses[i].tid == tid &&
		    t->losses[i].kind == kind)
			l = &t->losses[i];
	return l;
}

static int pid_seen(const uint32_t *v, size_t n, uint32_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return 1;
	return 0;
}

/*
 * A user-space trace: every thread that recorded ends its streams with a
 * LOSS chunk (thread exit, process exit, exec, or the flush before a
 * signal's default action). Streams without one, and processes that wrote
 * their MAP chunks but not a single LOSS chunk, ended without the runtime's
 * last flush (SIGKILL, or a thread the flush at a signal could not reach):
 * what they had buffered is lost, and how much is unknown. Returns the
 * number of such streams and processes.
 */
/* The runtime's per-thread buffer (KCOVDF_BUFFER_WORDS; docs/runtime.md). */
#define USER_DEFAULT_BUFFER_WORDS 262144UL
static unsigned long user_buffer_words = USER_DEFAULT_BUFFER_WORDS;

static unsigned int report_unfinished(const struct kcovdf_trace *t)
{
	uint32_t pids[64];
	size_t npids = 0;
	unsigned int bad = 0;

	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *s = &t->streams[i];

		if (last_loss(t, s->pid, s->tid, s->kind))
			continue;
		if (bad++ < 8)
			fprintf(stderr, "kcovdf: WARNING: pid %u tid %u (%s): "
				"no final counters: the thread's last "
				"buffered records are lost (how many is "
				"unknown)\n", s->pid, s->tid, s->comm);
	}
	for (size_t i = 0; i < t->nmaps; i++) {
		uint32_t pid = t->maps[i].pid;
		int any = 0;

		if (t->maps[i].kind != KCOVDF_MAP_ELF || !pid ||
		    pid_seen(pids, npids, pid))
			continue;
		if (npids < sizeof(pids) / sizeof(pids[0]))
			pids[npids++] = pid;
		for (size_t j = 0; j < t->nlosses && !any; j++)
			any = t->losses[j].pid == pid;
		for (size_t j = 0; j < t->nstreams && !any; j++)
			any = t->streams[j].pid == pid; /* reported above */
		if (any)
			continue;
		if (bad++ < 8)
			fprintf(stderr, "kcovdf: WARNING: pid %u started "
				"recording but wrote no records and no final "
				"counters: whatever it had buffered is lost "
				"(up to %lu words per thread)\n", pid,
				user_buffer_words);
	}
	if (bad > 8)
		fprintf(stderr, "kcovdf: WARNING: %u more streams or "
			"processes without final counters\n", bad - 8);
	return bad;
}

/* Records salvage_collect() dropped as possibly incomplete, and buffers it
 * salvaged (already reported by it). */
static uint64_t salvage_uncertain;
static unsigned int salvage_buffers;

/* Read the finished file back with the library: what we report is what a
 * reader will see. died: the signal the command died of, or 0. */
static int summarise(const char *path, int died)
{
	char err[512];
	struct kcovdf_trace *t = kcovdf_trace_read(path, err, sizeof(err));
	struct summary_ctx c = { 0 };
	uint64_t dropped = 0, truncated = 0, pcwords = 0, bytes = 0;
	unsigned int pids = 0, npc = 0, unfinished = 0;
	const char *src;
	int bad = 0;

	if (!t) {
		warnx_("the trace file cannot be read back: %s", err);
		return -1;
	}
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *s = &t->streams[i];
		const struct kcovdf_loss *l = last_loss(t, s->pid, s->tid,
							 s->kind);
		int seen = 0;

		bytes += s->nwords * 8;
		if (l) {
			dropped += l->dropped;
			truncated += l->truncated;
		}
		if (s->format == KCOVDF_FMT_KCOV_PCEXT) {
			pcwords += s->nwords;
			npc++;
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (t->streams[j].pid == s->pid)
				seen = 1;
		pids += !seen;
		if (kcovdf_walk((int)s->format, s->words, s->nwords, count_cb,
				&c, err, sizeof(err)) < 0) {
			warnx_("stream %u/%u is damaged: %s", s->pid, s->tid,
			       err);
			bad = 1;
		}
	}
	fprintf(stderr, "kcovdf: %s: %" PRIu64 " records (%" PRIu64 " bytes "
		"of streams), %zu streams, %u processes\n", path, c.records,
		bytes, t->nstreams, pids);
	if (npc)
		fprintf(stderr, "kcovdf: %s: %" PRIu64 " PC_EXT words in %u "
			"streams\n", path, pcwords, npc);
	src = kcovdf_trace_meta(t, "source");
	if (src && !strcmp(src, "user"))
		unfinished = report_unfinished(t);
	dropped = dropped > salvage_uncertain ? dropped - salvage_uncertain : 0;
	if (dropped || c.lost_markers)
		fprintf(stderr, "kcovdf: WARNING: %" PRIu64 " records were "
			"lost (buffer full, or a write failed); use --buffer "
			"to enlarge it\n",
			dropped > c.lost_records ? dropped : c.lost_records);
	if (died && died != SIGKILL && !unfinished && !salvage_buffers)
		fprintf(stderr, "kcovdf: kept: every record the threads had "
			"buffered was written before the signal's default "
			"action\n");
	if (truncated)
		fprintf(stderr, "kcovdf: note: %" PRIu64 " records had more "
			"fields than the format holds\n", truncated);
	kcovdf_trace_free(t);
	return bad ? -1 : 0;
}

/* ---------------------------------------------------------------- */
/* Salvage: buffers of processes that were killed (SIGKILL)          */
/* ---------------------------------------------------------------- */

/*
 * The runtime maps its stream buffers from files in this directory
 * (KCOVDF_SALVAGE_DIR, include/kcovdf/salvage.h); a file still there after
 * its process died holds the records that process never wrote.
 */
static char salvage_dir[PATH_MAX];

static void salvage_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(salvage_dir, sizeof(salvage_dir), "%s/kcovdf-salvage.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm"
					       : tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(salvage_dir)) {
		warnx_("%s: %s; the records of a killed process will be lost",
		       salvage_dir, strerror(errno));
		salvage_dir[0] = 0;
		return;
	}
	setenv("KCOVDF_SALVAGE_DIR", salvage_dir, 1);
}

struct salvage_sum {
	unsigned int buffers, live;
	uint64_t records, uncertain;
};

/*
 * One buffer file: the records from `flushed` up to the first word that is
 * zero or does not decode. The last record of a dataflow buffer is dropped
 * and counted as dropped: the process may have died while writing it (a
 * record's words are stored one by one; a PC_EXT word is one store).
 */
static void salvage_file(int out, int dfd, const char *name,
			 struct salvage_sum *sum)
{
	const struct kcovdf_salvage_hdr *h;
	struct kcovdf_stream_hdr sh;
	struct kcovdf_loss l;
	const uint64_t *w;
	uint64_t avail, n = 0, last = 0, nrec = 0, ntrunc = 0, uncertain = 0;
	int last_trunc = 0;
	struct stat st;
	void *m;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size < KCOVDF_SALVAGE_HDR_BYTES) {
		close(fd);
		return;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return;
	h = m;
	if (memcmp(h->magic, KCOVDF_SALVAGE_MAGIC, 8) != 0 ||
	    h->version != KCOVDF_SALVAGE_VERSION ||
	    h->hdr_size < sizeof(*h) || h->data_off % 8 ||
	    h->data_off > (uint64_t)st.st_size ||
	    h->words > ((uint64_t)st.st_size - h->data_off) / 8 ||
	    h->flushed > h->words)
		goto out;	/* not ours: left alone */
	if (h->done) {
		unlinkat(dfd, name, 0);
		goto out;
	}
	if (kill((pid_t)h->pid, 0) == 0 || errno != ESRCH) {
		sum->live++;	/* still running (a daemon child): its own */
		goto out;
	}
	w = (const uint64_t *)((const char *)m + h->data_off) + h->flushed;
	avail = h->words - h->flushed;
	if (h->format == KCOVDF_FMT_KCOV_PCEXT) {
		while (n < avail && w[n])
			n++;
		nrec = n;
	} else {
		char err[128];

		while (n < avail && w[n]) {
			struct kcovdf_rec r;
			int k = kcovdf_rec_decode((int)h->format, w + n,
						  avail - n, &r, err,
						  sizeof(err));

			if (k <= 0)
				break;
			last = n;
			n += (uint64_t)k;
			nrec++;
			last_trunc = !!(r.flags & KCOV_DF_F_TRUNC);
			ntrunc += last_trunc;
		}
		if (nrec) {
			n = last;
			nrec--;
			ntrunc -= last_trunc;
			uncertain = 1;
		}
	}
	if (n) {
		memset(&sh, 0, sizeof(sh));
		sh.pid = h->pid;
		sh.tid = h->tid;
		sh.kind = h->kind;
		sh.format = h->format;
		sh.nwords = n;
		sh.seq = h->seq;
		memcpy(sh.comm, h->comm, sizeof(sh.comm));
		/* Packed like every stream record writes (KCOVDF_PACK=0:
		 * plain). */
		if (kcovdf_write_stream(out, &sh, w, n, !getenv("KCOVDF_PACK") ||
					strcmp(getenv("KCOVDF_PACK"), "0")))
			warnx_("writing salvaged records: %s", strerror(errno));
	}
	memset(&l, 0, sizeof(l));
	l.pid = h->pid;
	l.tid = h->tid;
	l.kind = h->kind;
	l.records = h->records + nrec + uncertain;
	l.dropped = h->dropped + uncertain;
	l.truncated = h->truncated + ntrunc;
	l.skipped = h->skipped;
	if (kcovdf_write_chunk(out, KCOVDF_CHUNK_LOSS, 0, &l, sizeof(l),
			       NULL, 0))
		warnx_("writing salvaged counters: %s", strerror(errno));
	sum->buffers++;
	salvage_buffers++;
	salvage_uncertain += uncertain;
	sum->records += nrec;
	sum->uncertain += uncertain;
	unlinkat(dfd, name, 0);
out:
	munmap(m, (size_t)st.st_size);
}

static void salvage_collect(const char *out_path)
{
	struct salvage_sum sum = { 0 };
	struct dirent *e;
	DIR *d;
	int out;

	if (!salvage_dir[0] || !(d = opendir(salvage_dir)))
		return;
	out = open(out_path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (out < 0) {
		warnx_("%s: %s", out_path, strerror(errno));
		closedir(d);
		return;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			salvage_file(out, dirfd(d), e->d_name, &sum);
	closedir(d);
	close(out);
	if (sum.buffers)
		fprintf(stderr, "kcovdf: salvaged %" PRIu64 " records from "
			"%u buffers of killed processes (the last record of "
			"each: %" PRIu64 " dropped, it may have been "
			"incomplete)\n", sum.records, sum.buffers,
			sum.uncertain);
	if (sum.live)
		fprintf(stderr, "kcovdf: %u buffers belong to processes still "
			"running; left in %s\n", sum.live, salvage_dir);
	else
		rmdir(salvage_dir);
}

/* record forwards these to the command (a `timeout`, a hangup) and reports
 * how the command ended; ^C reaches the command from the terminal. */
static volatile sig_atomic_t fwd_pid;

static void forward_signal(int sig)
{
	if (fwd_pid > 0)
		kill((pid_t)fwd_pid, sig);
}

static int record_user(struct rec_opts *o)
{
	char date[64], abs_out[PATH_MAX], *cmdline = join_cmd(o->cmd);
	char kv_src[] = "source=user";
	char *kv[8];
	size_t nkv = 0;
	int fd, status, st;
	pid_t pid;

	fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("%s: %s", o->out, strerror(errno));
	now_iso(date, sizeof(date));
	kv[nkv++] = kv_src;
	kv[nkv++] = "tool=kcovdf " KCOVDF_VERSION;
	if (asprintf(&kv[nkv++], "date=%s", date) < 0 ||
	    asprintf(&kv[nkv++], "cmdline=%s", cmdline) < 0 ||
	    asprintf(&kv[nkv++], "record.format=%s",
		     o->format == KCOVDF_FMT_DOC ? "doc" : "v2") < 0)
		die("out of memory");
	if (kcovdf_write_file_hdr(fd) ||
	    kcovdf_write_meta(fd, (const char *const *)kv, nkv))
		die("%s: write: %s", o->out, strerror(errno));
	close(fd);
	if (!realpath(o->out, abs_out))
		die("%s: %s", o->out, strerror(errno));
	setenv("KCOVDF_OUT", abs_out, 1);
	salvage_setup();
	if (o->words) {
		char w[32];

		snprintf(w, sizeof(w), "%lu", o->words);
		setenv("KCOVDF_BUFFER_WORDS", w, 1);
		user_buffer_words = o->words;
	} else if (getenv("KCOVDF_BUFFER_WORDS")) {
		user_buffer_words = strtoul(getenv("KCOVDF_BUFFER_WORDS"),
					    NULL, 0);
	}
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execvp(o->cmd[0], o->cmd);
		fprintf(stderr, "kcovdf: cannot run %s: %s\n", o->cmd[0],
			strerror(errno));
		_exit(127);
	}
	signal(SIGINT, SIG_IGN);	/* the command gets ^C, we finish */
	fwd_pid = pid;
	signal(SIGTERM, forward_signal);
	signal(SIGHUP, forward_signal);
	signal(SIGQUIT, forward_signal);
	st = wait_status(pid);
	status = report_end(o->cmd[0], pid, st);
	salvage_collect(o->out);
	summarise(o->out, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	free(cmdline);
	return status;
}

/* ---------------------------------------------------------------- */

struct ksym {
	uint64_t addr;
	char *name;
};

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static struct ksym *load_kallsyms(size_t *n, uint64_t *text)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	struct ksym *v = NULL;
	size_t cap = 0;
	char line[512];

	*n = 0;
	*text = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &a, &type, name) != 3)
			continue;
		if (!strcmp(name, "_text"))
			*text = a;
		if (type != 't' && type != 'T')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8192;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				die("out of memory");
		}
		v[*n].addr = a;
		v[*n].name = strdup(name);
		(*n)++;
	}
	fclose(f);
	qsort(v, *n, sizeof(*v), cmp_ksym);
	return v;
}

static const struct ksym *ksym_find(const struct ksym *v, size_t n,
				    uint64_t a)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &v[lo - 1] : NULL;
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
	struct ksym *ks;
	size_t nks, len = 0;
	uint64_t text;
	uint8_t *buf;

	for (size_t i = 0; i < ndf; i++)
		kcovdf_walk(format, dfw[i], dfn[i], collect_pc, &p, NULL, 0);
	if (!p.n && !npc)
		return;
	ks = load_kallsyms(&nks, &text);
	if (!ks)
		return;
	for (size_t s = 0; s < npc; s++) {
		uint64_t last = 0;

		for (uint64_t i = 0; i < pcn[s]; i++) {
			struct kcovdf_pcext x;
			const struct ksym *k;

			if (kcovdf_pcext_decode(pcw[s][i], 1, &x) ||
			    (x.type != KCOVDF_PCEXT_ENTRY &&
			     x.type != KCOVDF_PCEXT_EXIT))
				continue;
			k = ksym_find(ks, nks, x.pc);
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
		const struct ksym *k;
		char name[300];
		struct kcovdf_sym_entry e = { 0 };
		size_t nl, step;

		if (i && p.v[i] == p.v[i - 1])
			continue;
		k = ksym_find(ks, nks, p.v[i]);
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
	for (size_t i = 0; i < nks; i++)
		free(ks[i].name);
	free(ks);
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

/* A kcov or kcov_dataflow descriptor with its mapped buffer; word 0 of
 * both kinds of buffer counts the words after it. */
struct kbuf {
	int fd;
	uint64_t *buf;
	unsigned long words;
	uint64_t *copy;		/* the words after the count, when read */
	uint64_t n;
};

static void kbuf_open(struct kbuf *k, const char *path, unsigned long init,
		      unsigned long words, const char *what)
{
	k->words = words;
	k->fd = open(path, O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		if (errno == ENOENT && !strcmp(path, KCOV_PATH))
			die("%s: %s (kernel has no KCOV, or debugfs is not "
			    "mounted)", path, strerror(errno));
		die("%s: %s (is the kernel built with CONFIG_KCOV_DATAFLOW "
		    "and debugfs mounted?)", path, strerror(errno));
	}
	if (ioctl(k->fd, init, words))
		die("%s(%lu words): %s", what, words, strerror(errno));
	k->buf = mmap(NULL, words * 8, PROT_READ | PROT_WRITE, MAP_SHARED,
		      k->fd, 0);
	if (k->buf == MAP_FAILED)
		die("mmap of %lu words%s%s: %s", words,
		    strcmp(what, "KCOV_DF_INIT_TRACE") ? " for " : "",
		    strcmp(what, "KCOV_DF_INIT_TRACE") ? path : "",
		    strerror(errno));
	__atomic_store_n(&k->buf[0], 0, __ATOMIC_RELAXED);
}

/* Copy the words out after the command ended. */
static void kbuf_read(struct kbuf *k, const char *what)
{
	k->n = __atomic_load_n(&k->buf[0], __ATOMIC_ACQUIRE);
	if (k->n > k->words - 1)
		die("%s: the buffer's count (%" PRIu64 ") exceeds its size; "
		    "something wrote to it", what, k->n);
	k->copy = malloc((k->n ? k->n : 1) * 8);
	if (!k->copy)
		die("out of memory");
	memcpy(k->copy, k->buf + 1, k->n * 8);
}

static void kbuf_close(struct kbuf *k)
{
	if (k->fd < 0)
		return;
	munmap(k->buf, k->words * 8);
	close(k->fd);
	free(k->copy);
}

/* What the child reports when an enable fails: which one, and errno. */
enum { EN_DF, EN_DF_REMOTE, EN_KCOV, EN_KCOV_REMOTE };

static void enable_failed(int step, int e)
{
	switch (step) {
	case EN_DF:
		die("KCOV_DF_ENABLE: %s", strerror(e));
	case EN_DF_REMOTE:
		if (e == ENOTTY || e == EINVAL)
			die("kernel has no remote dataflow "
			    "(KCOV_DF_REMOTE_ENABLE: %s)", strerror(e));
		die("KCOV_DF_REMOTE_ENABLE: %s", strerror(e));
	case EN_KCOV:
		if (e == EINVAL)
			die("kernel has no KCOV_TRACE_PC_EXT "
			    "(CONFIG_KCOV_EXT_RECORDS)");
		die("KCOV_ENABLE(KCOV_TRACE_PC_EXT): %s", strerror(e));
	default:
		if (e == EINVAL)
			die("kernel has no remote KCOV_TRACE_PC_EXT "
			    "(KCOV_REMOTE_ENABLE: %s)", strerror(e));
		if (e == EBUSY)
			die("kernel does not allow KCOV_REMOTE_ENABLE next to "
			    "KCOV_ENABLE in one task (KCOV_REMOTE_ENABLE: %s)",
			    strerror(e));
		die("KCOV_REMOTE_ENABLE(KCOV_TRACE_PC_EXT): %s", strerror(e));
	}
}

/* In the child: enable everything asked for; on failure report
 * (step, errno) through the pipe and exit. */
static void child_enable(struct rec_opts *o, int dev, const struct kbuf *dfr,
			 const struct kbuf *kc, const struct kbuf *kcr, int wfd)
{
	struct kcov_remote_arg ra;	/* num_handles 0: no handles[] */
	int msg[2] = { 0, 0 };

	memset(&ra, 0, sizeof(ra));
	ra.common_handle = kcov_remote_handle(KCOV_SUBSYSTEM_COMMON,
						o->handle);
	/* Remote first, then the task's own recording, PC_EXT last: the
	 * enabling ioctls themselves are then recorded as little as can
	 * be. */
	if (o->remote) {
		ra.trace_mode = KCOV_DF_FMT_V2;
		ra.area_size = (uint32_t)dfr->words;
		if (ioctl(dfr->fd, KCOV_DF_REMOTE_ENABLE, &ra)) {
			msg[0] = EN_DF_REMOTE;
			goto fail;
		}
	}
	if (o->remote && o->pcext) {
		/* KCOV allocates a buffer of area_size words for every
		 * section that runs (vmalloc); 256 Ki words (2 MB) each. */
		ra.trace_mode = KCOVDF_TRACE_PC_EXT;
		ra.area_size = (uint32_t)(kcr->words < (1UL << 18) ?
					    kcr->words : 1UL << 18);
		if (ioctl(kcr->fd, KCOV_REMOTE_ENABLE, &ra)) {
			msg[0] = EN_KCOV_REMOTE;
			goto fail;
		}
	}
	if (ioctl(dev, KCOV_DF_ENABLE, enable_arg(o))) {
		msg[0] = EN_DF;
		goto fail;
	}
	if (o->pcext && ioctl(kc->fd, KCOV_ENABLE, KCOVDF_TRACE_PC_EXT)) {
		msg[0] = EN_KCOV;
		goto fail;
	}
	return;
fail:
	msg[1] = errno;
	if (write(wfd, msg, sizeof(msg)) < 0)
		_exit(126);
	_exit(126);
}

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

static int record_kernel(struct rec_opts *o)
{
	struct kcov_df_stats st, str;
	struct utsname un;
	uint64_t text = 0;
	unsigned long words = o->words ? o->words : 4UL << 20;
	char date[64], *cmdline = join_cmd(o->cmd), *kv[16];
	uint8_t bid[32];
	uint32_t bid_len;
	size_t nkv = 0, nks;
	int fd, status, pfd[2];
	pid_t pid;
	char comm[16] = "";
	struct kbuf df = { .fd = -1 }, dfr = { .fd = -1 };
	struct kbuf kc = { .fd = -1 }, kcr = { .fd = -1 };
	const uint64_t **dfw, *pcw[2];
	uint64_t *dfn, pcn[2];
	size_t ndf = 0, npc = 0, nfollowed = 0;
	struct follow fo = { .dev = DEV_PATH };

	if (o->remote && o->format != KCOVDF_FMT_VERSIONED)
		die("--remote needs --format v2 (remote sections are v2 "
		    "records)");
	if (o->remote && !o->handle)
		o->handle = (uint64_t)getpid() & KCOV_INSTANCE_MASK;
	kbuf_open(&df, DEV_PATH, KCOV_DF_INIT_TRACE, words,
		  "KCOV_DF_INIT_TRACE");
	if (o->remote)
		kbuf_open(&dfr, DEV_PATH, KCOV_DF_INIT_TRACE, words,
			  "KCOV_DF_INIT_TRACE (remote)");
	if (o->pcext)
		kbuf_open(&kc, KCOV_PATH, KCOV_INIT_TRACE, words,
			  "KCOV_INIT_TRACE");
	if (o->pcext && o->remote)
		kbuf_open(&kcr, KCOV_PATH, KCOV_INIT_TRACE, words,
			  "KCOV_INIT_TRACE (remote)");
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
		child_enable(o, df.fd, &dfr, &kc, &kcr, pfd[1]);
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

	kbuf_read(&df, DEV_PATH);
	memset(&st, 0, sizeof(st));
	if (ioctl(df.fd, KCOV_DF_GET_STATS, &st))
		warnx_("KCOV_DF_GET_STATS: %s", strerror(errno));
	memset(&str, 0, sizeof(str));
	if (o->remote) {
		kbuf_read(&dfr, "remote " DEV_PATH);
		if (ioctl(dfr.fd, KCOV_DF_GET_STATS, &str))
			warnx_("KCOV_DF_GET_STATS (remote): %s",
			       strerror(errno));
	}
	if (o->pcext)
		kbuf_read(&kc, KCOV_PATH);
	if (o->pcext && o->remote)
		kbuf_read(&kcr, "remote " KCOV_PATH);
	if (o->pcext && kc.n == kc.words - 1)
		warnx_("the PC_EXT buffer is full: later entries and exits "
		       "are lost; use --buffer to enlarge it");

	fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("%s: %s", o->out, strerror(errno));
	now_iso(date, sizeof(date));
	uname(&un);
	{
		struct ksym *ks = load_kallsyms(&nks, &text);

		for (size_t i = 0; i < nks; i++)
			free(ks[i].name);
		free(ks);
	}
	kv[nkv++] = "source=kernel";
	kv[nkv++] = "tool=kcovdf " KCOVDF_VERSION;
	if (asprintf(&kv[nkv++], "date=%s", date) < 0 ||
	    asprintf(&kv[nkv++], "cmdline=%s", cmdline) < 0 ||
	    asprintf(&kv[nkv++], "kernel.release=%s", un.release) < 0 ||
	    asprintf(&kv[nkv++], "kernel.text=0x%" PRIx64, text) < 0 ||
	    asprintf(&kv[nkv++], "kaslr_offset=0x%" PRIx64,
		     (uint64_t)(text ? text - X86_64_TEXT_BASE : 0)) < 0 ||
	    asprintf(&kv[nkv++], "record.format=%s",
		     o->format == KCOVDF_FMT_DOC ? "doc" : "v2") < 0 ||
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
	write_stream(fd, o->out, (uint32_t)pid, KCOVDF_STREAM_LOCAL,
		     (uint32_t)o->format, comm, df.copy, df.n);
	write_loss(fd, o->out, (uint32_t)pid, KCOVDF_STREAM_LOCAL, &st);
	dfw[ndf] = df.copy;
	dfn[ndf++] = df.n;
	write_followed(fd, o, &fo, dfw, dfn, &ndf);
	if (o->pcext) {
		write_stream(fd, o->out, (uint32_t)pid, KCOVDF_STREAM_PCEXT,
			     KCOVDF_FMT_KCOV_PCEXT, comm, kc.copy, kc.n);
		pcw[npc] = kc.copy;
		pcn[npc++] = kc.n;
	}
	if (o->remote) {
		write_stream(fd, o->out, (uint32_t)pid, KCOVDF_STREAM_REMOTE,
			     KCOVDF_FMT_V1, comm, dfr.copy, dfr.n);
		write_loss(fd, o->out, (uint32_t)pid, KCOVDF_STREAM_REMOTE,
			   &str);
		dfw[ndf] = dfr.copy;
		dfn[ndf++] = dfr.n;
	}
	if (o->remote && o->pcext) {
		write_stream(fd, o->out, (uint32_t)pid,
			     KCOVDF_STREAM_REMOTE_PCEXT, KCOVDF_FMT_KCOV_PCEXT,
			     comm, kcr.copy, kcr.n);
		pcw[npc] = kcr.copy;
		pcn[npc++] = kcr.n;
	}
	write_syms(fd, dfw, dfn, ndf, o->format, pcw, pcn, npc);
	if (close(fd))
		die("%s: %s", o->out, strerror(errno));
	kbuf_close(&df);
	kbuf_close(&dfr);
	kbuf_close(&kc);
	kbuf_close(&kcr);
	for (size_t i = 0; i < ndf; i++)
		if (dfw[i] != df.copy && dfw[i] != dfr.copy)
			free((void *)dfw[i]);
	free(dfw);
	free(dfn);
	follow_free(&fo);
	free(cmdline);
	summarise(o->out, 0);	/* the kernel buffer is always read */
	return status;
}

int cmd_record(int argc, char **argv)
{
	struct rec_opts o = { .out = "kcovdf.trace",
			      .format = KCOVDF_FMT_VERSIONED };
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage();
			return 0;
		}
		if (!strcmp(a, "-o") && i + 1 < argc) {
			o.out = argv[++i];
		} else if (!strcmp(a, "--kernel")) {
			o.mode = 1;
		} else if (!strcmp(a, "--user")) {
			o.mode = 2;
		} else if (!strcmp(a, "--format") && i + 1 < argc) {
			a = argv[++i];
			if (!strcmp(a, "v2"))
				o.format = KCOVDF_FMT_VERSIONED;
			else if (!strcmp(a, "doc"))
				o.format = KCOVDF_FMT_DOC;
			else if (!strcmp(a, "v1"))
				die("--format v1: format revision 1 is no "
				    "longer recorded; v2 (default) or doc");
			else
				die("--format: v2 or doc, not '%s'", a);
		} else if (!strcmp(a, "--pc-ext")) {
			o.pcext = 1;
		} else if (!strcmp(a, "--remote")) {
			o.remote = 1;
		} else if (!strcmp(a, "--follow-forks")) {
			o.follow = 1;
		} else if (!strcmp(a, "--handle") && i + 1 < argc) {
			char *end;

			errno = 0;
			o.handle = strtoull(argv[++i], &end, 0);
			if (*end || errno || !o.handle ||
			    o.handle > KCOV_INSTANCE_MASK)
				die("--handle: a number from 1 to 0xffffffff "
				    "(the instance of a common handle), not "
				    "'%s'", argv[i]);
		} else if (!strcmp(a, "--buffer") && i + 1 < argc) {
			char *end;

			o.words = strtoul(argv[++i], &end, 0);
			if (*end || o.words < 16)
				die("--buffer: a number of words >= 16");
		} else if (a[0] == '-') {
			usage();
			die("record: unknown option '%s'", a);
		} else {
			break;
		}
	}
	if (i >= argc) {
		usage();
		die("record: no command given");
	}
	o.cmd = argv + i;
	if (o.mode == 0)
		o.mode = access(DEV_PATH, F_OK) == 0 ? 1 : 2;
	if (o.handle && !o.remote)
		die("--handle goes with --remote");
	if (o.mode == 2 && o.follow)
		die("--follow-forks is for kernel recording; the user-space "
		    "runtime follows forks by itself");
	if (o.mode == 2 && (o.pcext || o.remote))
		die("%s records the kernel only; a user-space program writes "
		    "entries and exits when built with "
		    "KCOVDF_MODES=args,ret,entry-exit and "
		    "-fsanitize-coverage=trace-pc",
		    o.pcext ? "--pc-ext" : "--remote");
	return o.mode == 1 ? record_kernel(&o) : record_user(&o);
}
