// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf record: run a command and write a trace file, of the kernel
 * functions the command reaches (record_kernel.c: through
 * /sys/kernel/debug/kcov_dataflow, with --kernel or when it exists) or of
 * a program built with `kcovdf cc` (record_user.c: --user, or no device).
 *
 * This file: the options, what both share (META, waiting for the
 * command), and the summary read back from the finished file.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kcov.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kcovdf_tool.h"
#include "record.h"

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

char *rec_join_cmd(char **cmd)
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

size_t rec_meta_start(char **kv, const char *source, const char *cmdline)
{
	char date[64];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (asprintf(&kv[0], "source=%s", source) < 0 ||
	    asprintf(&kv[2], "date=%s", date) < 0 ||
	    asprintf(&kv[3], "cmdline=%s", cmdline) < 0)
		die("out of memory");
	kv[1] = "tool=kcovdf " KCOVDF_VERSION;
	return 4;
}

const char *rec_format_name(const struct rec_opts *o)
{
	return o->format == KCOVDF_FMT_DOC ? "doc" : "v2";
}

int rec_wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	return st;
}

/* ---------------------------------------------------------------- */
/* The summary                                                       */
/* ---------------------------------------------------------------- */

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
 * number of such streams and processes. buffer_words: the runtime's
 * per-thread buffer.
 */
static unsigned int report_unfinished(const struct kcovdf_trace *t,
				      unsigned long buffer_words)
{
	uint32_t pids[64];
	size_t npids = 0;
	unsigned int bad = 0;

	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *s = &t->streams[i];

		if (kcovdf_trace_loss(t, s))
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
				buffer_words);
	}
	if (bad > 8)
		fprintf(stderr, "kcovdf: WARNING: %u more streams or "
			"processes without final counters\n", bad - 8);
	return bad;
}

int rec_summarise(const char *path, int died, const struct rec_user_end *user)
{
	static const struct rec_user_end no_user = {
		.buffer_words = REC_USER_BUFFER_WORDS,
	};
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
		const struct kcovdf_loss *l = kcovdf_trace_loss(t, s);
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
	if (!user)
		user = &no_user;
	if (src && !strcmp(src, "user"))
		unfinished = report_unfinished(t, user->buffer_words);
	dropped = dropped > user->salvage_uncertain ?
		  dropped - user->salvage_uncertain : 0;
	if (dropped || c.lost_markers)
		fprintf(stderr, "kcovdf: WARNING: %" PRIu64 " records were "
			"lost (buffer full, or a write failed); use --buffer "
			"to enlarge it\n",
			dropped > c.lost_records ? dropped : c.lost_records);
	if (died && died != SIGKILL && !unfinished && !user->salvage_buffers)
		fprintf(stderr, "kcovdf: kept: every record the threads had "
			"buffered was written before the signal's default "
			"action\n");
	if (truncated)
		fprintf(stderr, "kcovdf: note: %" PRIu64 " records had more "
			"fields than the format holds\n", truncated);
	kcovdf_trace_free(t);
	return bad ? -1 : 0;
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
