// SPDX-License-Identifier: GPL-2.0
/*
 * What a trace file holds, for bench/user/trace.sh:
 *   tracestat TRACE
 * prints "bytes B records R calls C words W chunks N packed P": the file's
 * size, the records of its dataflow streams, the calls they make (as view
 * shows them, losses and sections not counted), their words, and its
 * STREAM chunks, P of them packed. Reads chunk by chunk.
 */
#include <inttypes.h>
#include <stdio.h>

#include "kcovdf/kcovdf.h"

static int count_rec(const struct kcovdf_rec *r, void *arg)
{
	(void)r;
	++*(uint64_t *)arg;
	return 0;
}

static void count_call(void *arg, const struct kcovdf_call *c)
{
	if (!c->lost && !c->section)
		++*(uint64_t *)arg;
}

int main(int argc, char **argv)
{
	struct kcovdf_trace *t;
	uint64_t recs = 0, calls = 0, words = 0;
	size_t chunks = 0;
	char err[512];

	if (argc != 2) {
		fputs("usage: tracestat TRACE\n", stderr);
		return 2;
	}
	t = kcovdf_trace_open(argv[1], err, sizeof(err));
	if (!t) {
		fprintf(stderr, "tracestat: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < t->nstreams; i++) {
		const struct kcovdf_stream *s = &t->streams[i];
		struct kcovdf_call_sink sink = { count_call, NULL, &calls };

		chunks += s->nchunks;
		if (s->format == KCOVDF_FMT_KCOV_PCEXT)
			continue;
		words += s->nwords;
		if (kcovdf_walk_stream(t, s, count_rec, &recs, err,
				       sizeof(err)) ||
		    kcovdf_calls_stream(t, s, NULL, 0, NULL, &sink, NULL, err,
					sizeof(err))) {
			fprintf(stderr, "tracestat: %s\n", err);
			return 1;
		}
	}
	printf("bytes %" PRIu64 " records %" PRIu64 " calls %" PRIu64
	       " words %" PRIu64 " chunks %zu packed %zu\n", t->size, recs,
	       calls, words, chunks, t->packed_chunks);
	kcovdf_trace_free(t);
	return 0;
}
