// SPDX-License-Identifier: GPL-2.0
/*
 * The decoder's new kinds, word by word: kcovdf_pcext_decode() (entry,
 * exit, basic block, DEPTH (lowest depth and net change; the old net-only
 * type 2 with its 56-bit sign), unknown types, kernel and
 * user address forms) and KCOV_DF_KIND_SECTION records (accepted forms and
 * every rejected one, each with a message). Prints one line per check,
 * "ok"/"FAIL"; exits 1 when any failed. Run by tests/suites/54-merge.sh.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kcovdf/kcovdf.h"

static int failed;

static void check(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	failed |= !cond;
}

static int pcext(uint64_t w, int kernel, int type, uint64_t pc, int64_t depth)
{
	struct kcovdf_pcext p;

	return kcovdf_pcext_decode(w, kernel, &p) == 0 && p.type == type &&
	       p.pc == pc && p.depth == depth;
}

static int64_t p_min(uint64_t w)
{
	struct kcovdf_pcext p;

	return kcovdf_pcext_decode(w, 0, &p) ? 1 : p.depth_min;
}

static int section(const uint64_t *w, size_t n, struct kcovdf_rec *r,
		   char *err, size_t errlen)
{
	err[0] = 0;
	return kcovdf_rec_decode(KCOVDF_FMT_VERSIONED, w, n, r, err, errlen);
}

int main(void)
{
	const uint64_t k = 0xffffffff81234567ULL, u = 0x00005555deadbeefULL;
	struct kcovdf_pcext p;
	struct kcovdf_rec r;
	char err[200];

	check(pcext((k & KCOV_RECORD_IP_MASK) | KCOV_RECORDFLAG_TYPE_ENTRY, 1,
		    KCOVDF_PCEXT_ENTRY, k, 0), "pcext: kernel entry");
	check(pcext((k & KCOV_RECORD_IP_MASK) | KCOV_RECORDFLAG_TYPE_EXIT, 1,
		    KCOVDF_PCEXT_EXIT, k, 0), "pcext: kernel exit");
	check(pcext((k & KCOV_RECORD_IP_MASK) | KCOV_RECORDFLAG_TYPE_NORMAL, 1,
		    KCOVDF_PCEXT_NORMAL, k, 0), "pcext: kernel basic block");
	check(pcext(u | KCOV_RECORDFLAG_TYPE_ENTRY, 0, KCOVDF_PCEXT_ENTRY, u,
		    0), "pcext: user entry keeps the address");
	check(pcext(u | KCOV_RECORDFLAG_TYPE_EXIT, 0, KCOVDF_PCEXT_EXIT, u,
		    0), "pcext: user exit");
	/* The depth record: lowest depth (bits 55-28) and net change (27-0). */
	check(pcext(KCOV_RECORDFLAG_TYPE_DEPTH | 1, 1, KCOVDF_PCEXT_DEPTH, 0,
		    1) && p_min(KCOV_RECORDFLAG_TYPE_DEPTH | 1) == 0,
	      "pcext: DEPTH lowest 0, net +1");
	check(pcext(KCOV_RECORDFLAG_TYPE_DEPTH | KCOV_RECORD_IP_MASK, 1,
		    KCOVDF_PCEXT_DEPTH, 0, -1) &&
	      p_min(KCOV_RECORDFLAG_TYPE_DEPTH | KCOV_RECORD_IP_MASK) == -1,
	      "pcext: DEPTH lowest -1, net -1");
	check(pcext(KCOV_RECORDFLAG_TYPE_DEPTH | 0x0080000000000000ULL, 0,
		    KCOVDF_PCEXT_DEPTH, 0, 0) &&
	      p_min(KCOV_RECORDFLAG_TYPE_DEPTH | 0x0080000000000000ULL) ==
	      -(1LL << 27), "pcext: DEPTH lowest -2^27 (most negative), net 0");
	check(pcext(KCOV_RECORDFLAG_TYPE_DEPTH | 0x0000000007ffffffULL, 0,
		    KCOVDF_PCEXT_DEPTH, 0, (1LL << 27) - 1),
	      "pcext: DEPTH net 2^27-1 (most positive)");
	check(kcovdf_pcext_decode(KCOV_RECORDFLAG_TYPE_DEPTH | (1ULL << 28), 0,
				  &p) == -1,
	      "pcext: DEPTH with a lowest depth above 0 is refused");
	/* Type 2, the net change alone: as the series wrote it before. */
	check(pcext(KCOVDF_PCEXT_TYPE_DEPTH_NET | 0x0080000000000000ULL, 0,
		    KCOVDF_PCEXT_DEPTH, 0, -(1LL << 55)),
	      "pcext: old DEPTH (type 2) -2^55 (most negative)");
	check(pcext(KCOVDF_PCEXT_TYPE_DEPTH_NET | 0x007fffffffffffffULL, 0,
		    KCOVDF_PCEXT_DEPTH, 0, (1LL << 55) - 1),
	      "pcext: old DEPTH (type 2) 2^55-1 (most positive)");
	check(kcovdf_pcext_decode(0x3000000000001234ULL, 1, &p) == -1 &&
	      p.type == 3, "pcext: type 3 is unknown, and said so");
	check(kcovdf_pcext_decode(0xd000000000001234ULL, 0, &p) == -1 &&
	      p.type == 0xd, "pcext: type 0xd is unknown");

	{
		uint64_t w[] = { KCOV_DF_V2_HDR(KCOV_DF_KIND_SECTION,
						KCOV_DF_F_FIRST, 0xff, 1, 8),
				 0, 0x42, 77 };

		check(section(w, 4, &r, err, sizeof(err)) == 4 &&
		      r.kind == KCOVDF_REC_SECTION && r.value == 0x42 &&
		      r.task_pid == 77 && (r.flags & KCOV_DF_F_FIRST),
		      "section: start, handle and pid");
		check(section(w, 3, &r, err, sizeof(err)) < 0 && err[0],
		      "section: cut short is refused");
		w[0] = KCOV_DF_V2_HDR(KCOV_DF_KIND_SECTION, KCOV_DF_F_VOID |
				      KCOV_DF_F_REMOTE, 0xff, 1, 8);
		check(section(w, 4, &r, err, sizeof(err)) == 4 &&
		      (r.flags & KCOV_DF_F_VOID), "section: end (REMOTE too)");
		w[0] = KCOV_DF_V2_HDR(KCOV_DF_KIND_SECTION, KCOV_DF_F_FIRST |
				      KCOV_DF_F_VOID, 0xff, 1, 8);
		check(section(w, 4, &r, err, sizeof(err)) < 0 &&
		      strstr(err, "flags"), "section: FIRST and VOID refused");
		w[0] = KCOV_DF_V2_HDR(KCOV_DF_KIND_SECTION, 0, 0xff, 1, 8);
		check(section(w, 4, &r, err, sizeof(err)) < 0 &&
		      strstr(err, "flags"), "section: neither refused");
		w[0] = KCOV_DF_V2_HDR(KCOV_DF_KIND_SECTION, KCOV_DF_F_FIRST |
				      KCOV_DF_F_FIELDS, 0xff, 1, 8);
		check(section(w, 4, &r, err, sizeof(err)) < 0 &&
		      strstr(err, "flags"), "section: FIELDS refused");
		w[0] = KCOV_DF_V2_HDR(KCOV_DF_KIND_SECTION, KCOV_DF_F_FIRST, 0xff,
				      0, 8);
		check(section(w, 4, &r, err, sizeof(err)) < 0 &&
		      strstr(err, "extra words"),
		      "section: without its pid word refused");
		w[0] = KCOV_DF_V2_HDR(KCOV_DF_KIND_SECTION, KCOV_DF_F_FIRST, 0,
				      1, 8);
		check(section(w, 4, &r, err, sizeof(err)) < 0 &&
		      strstr(err, "argument"),
		      "section: with an argument index refused");
		w[0] = KCOV_DF_V2_HDR(KCOV_DF_KIND_SECTION, KCOV_DF_F_FIRST, 0xff,
				      1, 8);
		w[1] = 0xffffffff81000000ULL;
		check(section(w, 4, &r, err, sizeof(err)) < 0 &&
		      strstr(err, "function"),
		      "section: with a function refused");
		w[1] = 0;
		w[3] = 1ULL << 32;
		check(section(w, 4, &r, err, sizeof(err)) < 0 &&
		      strstr(err, "pid"), "section: pid beyond 32 bits refused");
	}
	{
		uint64_t w[] = { KCOV_DF_V2_HDR(5, 0, 0xff, 0, 0), 0, 0 };

		check(section(w, 3, &r, err, sizeof(err)) < 0 &&
		      strstr(err, "unknown kind 5"),
		      "v1 kind 5 is still unknown");
	}
	return failed;
}
