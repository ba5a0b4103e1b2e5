// SPDX-License-Identifier: GPL-2.0
/*
 * The tasks of a trace: which streams belong together. A task's dataflow
 * records and its KCOV function entry/exit records (PC_EXT words) are
 * separate streams of the same pid and tid; the local ones (LOCAL, PCEXT)
 * pair with each other, the remote ones (REMOTE, REMOTE_PCEXT) likewise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kcovdf_int.h"

struct stream_key {
	uint32_t pid, tid, kind, format;
};

static const struct kcovdf_stream *find(const struct kcovdf_hmap *m,
					const struct kcovdf_stream *st,
					uint32_t kind, uint32_t format)
{
	struct stream_key k = { st->pid, st->tid, kind, format };

	return kcovdf_hmap_get(m, &k, sizeof(k));
}

/* The kind of the stream on the other side of the pair. */
static uint32_t partner_kind(uint32_t kind)
{
	switch (kind) {
	case KCOVDF_STREAM_LOCAL:
		return KCOVDF_STREAM_PCEXT;
	case KCOVDF_STREAM_REMOTE:
		return KCOVDF_STREAM_REMOTE_PCEXT;
	case KCOVDF_STREAM_PCEXT:
		return KCOVDF_STREAM_LOCAL;
	default:
		return KCOVDF_STREAM_REMOTE;
	}
}

ssize_t kcovdf_trace_tasks(const struct kcovdf_trace *t,
			   struct kcovdf_task_streams **out)
{
	struct kcovdf_hmap m = { 0 };
	struct kcovdf_task_streams *v;
	size_t n = 0;

	*out = NULL;
	v = calloc(t->nstreams ? t->nstreams : 1, sizeof(*v));
	if (!v)
		return -1;
	/* The streams by task, kind and format: pairing costs O(streams),
	 * not a scan of every stream for each (traces of 100000 tasks). */
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *st = &t->streams[i];
		struct stream_key k = { st->pid, st->tid, st->kind,
					st->format };
		void **slot = kcovdf_hmap_slot(&m, &k, sizeof(k), NULL);

		if (!slot) {
			kcovdf_hmap_free(&m, NULL);
			free(v);
			errno = ENOMEM;
			return -1;
		}
		if (!*slot)	/* the first of duplicates, as a scan would */
			*slot = (void *)st;
	}
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *st = &t->streams[i];
		uint32_t other = partner_kind(st->kind);
		struct kcovdf_task_streams *ts = &v[n];

		if (st->format == KCOVDF_FMT_KCOV_PCEXT) {
			/* PC_EXT words go with the task's dataflow stream;
			 * alone only when the task has none. */
			if (find(&m, st, other, KCOVDF_FMT_VERSIONED) ||
			    find(&m, st, other, KCOVDF_FMT_DOC))
				continue;
			ts->pcext = st;
		} else if (st->format == KCOVDF_FMT_VERSIONED) {
			ts->pcext = find(&m, st, other, KCOVDF_FMT_KCOV_PCEXT);
		}
		ts->st = st;
		ts->remote = st->kind == KCOVDF_STREAM_REMOTE ||
			     st->kind == KCOVDF_STREAM_REMOTE_PCEXT;
		n++;
	}
	kcovdf_hmap_free(&m, NULL);
	*out = v;
	return (ssize_t)n;
}
