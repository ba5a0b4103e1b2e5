/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KCOV_TRACE_PC_EXT words: the return address of the callback in the
 * function with the top byte replaced by the record type. The constants
 * are those of Jann Horn's series "KCOV function entry/exit records"
 * (the kernel's include/linux/kcov.h, which is not in include/), and of
 * its depth record; this is the one place the project defines them.
 * Decoded by kcovdf_pcext_decode() (lib/record.c); docs/trace-format.md.
 */
#ifndef KCOVDF_PCEXT_H
#define KCOVDF_PCEXT_H

/* The address: user space word & mask, kernel word | ~mask. */
#define KCOV_RECORD_IP_MASK		0x00ffffffffffffffULL
/* The type, in the top nibble. */
#define KCOV_RECORDFLAG_TYPEMASK	0xf000000000000000ULL
#define KCOV_RECORDFLAG_TYPE_NORMAL	0xf000000000000000ULL	/* a basic block */
#define KCOV_RECORDFLAG_TYPE_ENTRY	0x0000000000000000ULL	/* function entry */
#define KCOV_RECORDFLAG_TYPE_EXIT	0x1000000000000000ULL	/* function exit */
/*
 * The depth record (RFC v3): the call depth changed while recording was
 * suppressed. Bits 55-28: the lowest depth reached, bits 27-0: the net
 * change (entries minus exits), both signed.
 */
#define KCOV_RECORDFLAG_TYPE_DEPTH	0xe000000000000000ULL
/*
 * The depth record as the series wrote it before the RFC v3 review: type
 * 0x2 (a value Jann Horn's series may use otherwise), the net change alone
 * in the low 56 bits. Still read from old trace files.
 */
#define KCOVDF_PCEXT_TYPE_DEPTH_NET	0x2000000000000000ULL

#endif /* KCOVDF_PCEXT_H */
