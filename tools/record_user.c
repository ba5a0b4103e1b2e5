// SPDX-License-Identifier: GPL-2.0
/*
 * kcovdf record --user (or no kernel device): the command must be built
 * with `kcovdf cc`; the recorder writes the file header and META, and the
 * runtime linked into the command appends its chunks (KCOVDF_OUT).
 *
 * The runtime maps its stream buffers from files in a directory the
 * recorder makes (KCOVDF_SALVAGE_DIR); after the command ended, the
 * recorder appends what the buffers of killed processes still hold.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kcovdf_tool.h"
#include "kcovdf/salvage.h"
#include "record.h"

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

/* ---------------------------------------------------------------- */
/* Salvage: buffers of processes that were killed (SIGKILL)          */
/* ---------------------------------------------------------------- */

/*
 * The runtime maps its stream buffers from files in this directory
 * (KCOVDF_SALVAGE_DIR, include/kcovdf/salvage.h); a file still there after
 * its process died holds the records that process never wrote.
 */
struct salvage {
	char dir[PATH_MAX];	/* "": none */
};

static void salvage_setup(struct salvage *sv)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(sv->dir, sizeof(sv->dir), "%s/kcovdf-salvage.XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm"
					       : tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(sv->dir)) {
		warnx_("%s: %s; the records of a killed process will be lost",
		       sv->dir, strerror(errno));
		sv->dir[0] = 0;
		return;
	}
	setenv("KCOVDF_SALVAGE_DIR", sv->dir, 1);
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
	sum->records += nrec;
	sum->uncertain += uncertain;
	unlinkat(dfd, name, 0);
out:
	munmap(m, (size_t)st.st_size);
}

/* Every buffer file of a dead process, appended to the trace at
 * out_path; end gets what the summary must know. */
static void salvage_collect(struct salvage *sv, const char *out_path,
			    struct rec_user_end *end)
{
	struct salvage_sum sum = { 0 };
	struct dirent *e;
	DIR *d;
	int out;

	if (!sv->dir[0] || !(d = opendir(sv->dir)))
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
	end->salvage_buffers = sum.buffers;
	end->salvage_uncertain = sum.uncertain;
	if (sum.buffers)
		fprintf(stderr, "kcovdf: salvaged %" PRIu64 " records from "
			"%u buffers of killed processes (the last record of "
			"each: %" PRIu64 " dropped, it may have been "
			"incomplete)\n", sum.records, sum.buffers,
			sum.uncertain);
	if (sum.live)
		fprintf(stderr, "kcovdf: %u buffers belong to processes still "
			"running; left in %s\n", sum.live, sv->dir);
	else
		rmdir(sv->dir);
}

/* record forwards these to the command (a `timeout`, a hangup) and reports
 * how the command ended; ^C reaches the command from the terminal. */
static volatile sig_atomic_t fwd_pid;

static void forward_signal(int sig)
{
	if (fwd_pid > 0)
		kill((pid_t)fwd_pid, sig);
}

int record_user(struct rec_opts *o)
{
	char abs_out[PATH_MAX], *cmdline = rec_join_cmd(o->cmd);
	char *kv[8];
	size_t nkv;
	int fd, status, st;
	pid_t pid;
	struct salvage sv = { "" };
	struct rec_user_end end = { .buffer_words = REC_USER_BUFFER_WORDS };

	fd = open(o->out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("%s: %s", o->out, strerror(errno));
	nkv = rec_meta_start(kv, "user", cmdline);
	if (asprintf(&kv[nkv++], "record.format=%s", rec_format_name(o)) < 0)
		die("out of memory");
	if (kcovdf_write_file_hdr(fd) ||
	    kcovdf_write_meta(fd, (const char *const *)kv, nkv))
		die("%s: write: %s", o->out, strerror(errno));
	close(fd);
	if (!realpath(o->out, abs_out))
		die("%s: %s", o->out, strerror(errno));
	setenv("KCOVDF_OUT", abs_out, 1);
	salvage_setup(&sv);
	if (o->words) {
		char w[32];

		snprintf(w, sizeof(w), "%lu", o->words);
		setenv("KCOVDF_BUFFER_WORDS", w, 1);
		end.buffer_words = o->words;
	} else if (getenv("KCOVDF_BUFFER_WORDS")) {
		end.buffer_words = strtoul(getenv("KCOVDF_BUFFER_WORDS"),
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
	st = rec_wait_status(pid);
	status = report_end(o->cmd[0], pid, st);
	salvage_collect(&sv, o->out, &end);
	rec_summarise(o->out, WIFSIGNALED(st) ? WTERMSIG(st) : 0, &end);
	free(cmdline);
	return status;
}
