// SPDX-License-Identifier: GPL-2.0
/*
 * Symbolisation: run-time addresses to functions, parameters, types and
 * field names, with elfutils (libelf for symbol tables and layout tables,
 * libdw for DWARF). Objects come from the trace's MAP chunks (user-space
 * programs and libraries, vmlinux with its KASLR offset, modules) and from
 * the options; names fall back to the trace's SYMS chunk and to kallsyms.
 *
 * Everything built here lives in one arena freed by kcovdf_sym_free().
 *
 * Out of memory is an error, never an abort: kcovdf_sym_new() fails as a
 * whole (s->oom collects the failures of what it builds), a lookup
 * (kcovdf_sym_fn(), kcovdf_sym_func_start()) fails alone and leaves no
 * part of what it was building where a later lookup finds it: the types
 * it (re)built go back to KT_NEW (rebuilt in place when next asked for),
 * the field lists it filled are emptied again (op_rollback()), the index
 * of CUs is dropped, nothing goes into the function cache.
 */
#include <dirent.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kcovdf_int.h"

#define MAX_DEPTH 4

struct elfsym {
	uint64_t addr;		/* ELF address (section-relative for ET_REL) */
	uint64_t size;
	const char *name;
};

struct curange {
	uint64_t lo, hi;
	Dwarf_Off die_off;	/* offset of the CU DIE */
};

/* The states of a cached type. */
enum { KT_NEW, KT_BUILDING, KT_DONE };

struct ktype {
	struct kcovdf_type pub;
	Dwarf_Die die;		/* the type as referenced (not stripped) */
	int state;		/* KT_NEW: to be (re)built before use */
	int fields_done;
	struct ktype *op_next;		/* built by the current lookup */
	struct ktype *op_fields_next;	/* fields filled by it */
};

struct tcache_ent {
	Dwarf_Off off;
	struct ktype *t;
};

struct obj {
	char *path;
	char *label;		/* what the user sees: path or module name */
	int kind;		/* enum kcovdf_map_kind */
	uint32_t pid;
	uint64_t start, end;	/* run-time range, 0/0: everything */
	uint64_t bias;		/* run-time = ELF address + bias */
	int fd;
	Elf *elf;
	Dwarf *dw;
	Dwfl *dwfl;		/* ET_REL: owns dw, with relocations applied */
	int is_rel;		/* ET_REL (a module): text_shndx based */
	size_t text_shndx;
	struct elfsym *syms;
	size_t nsyms;
	struct tcache_ent *tcache;	/* open addressing on DIE offsets */
	size_t tcache_cap, tcache_n;
	int addr_size;
	uint64_t text_sym;	/* ELF value of _text, 0 if none */
	struct curange *cus;	/* address ranges of CUs, sorted */
	size_t ncus;
	int cus_built;
};

struct fncache_ent {
	uint32_t pid;
	uint64_t pc;
	struct kcovdf_fn *fn;	/* NULL: empty slot */
};

struct bid_ent;

struct kcovdf_sym {
	struct arena a;
	int oom;		/* kcovdf_sym_new(): something was not built */
	struct obj *objs;
	size_t nobjs;
	struct kcovdf_layout *layouts;
	size_t nlayouts;
	struct elfsym *kallsyms;	/* names in ks */
	size_t nkallsyms;
	struct kcovdf_kallsyms ks;
	struct elfsym *tsyms;	/* from the trace's SYMS chunk */
	size_t ntsyms;
	struct fncache_ent *fns;
	size_t fns_cap, fns_n;
	char *warnings;
	size_t warn_len;
	char *notes;
	size_t notes_len;
	struct bid_ent *bids;	/* build ids of the files looked at */
	size_t nbids;
	char cwd[4096];		/* shown(): "" until needed */
	/* The lookup under way: the types it built, those whose fields it
	 * filled (op_rollback()). */
	struct ktype *op_types, *op_fields;
};

static void warn(struct kcovdf_sym *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void note(struct kcovdf_sym *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* 0, or -1 when out of memory. */
static int add_line(char **text, size_t *len, const char *fmt, va_list ap)
{
	char line[8192];
	size_t n;
	char *w;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	/* Once is enough (a process writes its MAP chunks more than once). */
	for (const char *p = *text; p && *p; p = strchr(p, '\n') + 1)
		if (!strncmp(p, line, n) && p[n] == '\n')
			return 0;
	w = realloc(*text, *len + n + 2);
	if (!w)
		return -1;
	memcpy(w + *len, line, n);
	w[*len + n] = '\n';
	w[*len + n + 1] = 0;
	*text = w;
	*len += n + 1;
	return 0;
}

static void warn(struct kcovdf_sym *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (add_line(&s->warnings, &s->warn_len, fmt, ap))
		s->oom = 1;
	va_end(ap);
}

static void note(struct kcovdf_sym *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (add_line(&s->notes, &s->notes_len, fmt, ap))
		s->oom = 1;
	va_end(ap);
}

/* Copies for what kcovdf_sym_new() builds: NULL, and s->oom, when out of
 * memory. */
static char *sdup(struct kcovdf_sym *s, const char *p)
{
	char *r = arena_strdup(&s->a, p);

	if (!r)
		s->oom = 1;
	return r;
}

static void *salloc(struct kcovdf_sym *s, size_t n)
{
	void *r = arena_alloc(&s->a, n);

	if (!r)
		s->oom = 1;
	return r;
}

const char *kcovdf_sym_warnings(struct kcovdf_sym *s)
{
	return s->warnings ? s->warnings : "";
}

const char *kcovdf_sym_notes(struct kcovdf_sym *s)
{
	return s->notes ? s->notes : "";
}

const char *kcovdf_errno_name(long e)
{
	if (e <= 0 || e > 4095)
		return NULL;
	switch (e) {	/* kernel-internal codes glibc does not know */
	case 512: return "ERESTARTSYS";
	case 513: return "ERESTARTNOINTR";
	case 514: return "ERESTARTNOHAND";
	case 515: return "ENOIOCTLCMD";
	case 516: return "ERESTART_RESTARTBLOCK";
	case 517: return "EPROBE_DEFER";
	case 518: return "EOPENSTALE";
	case 519: return "ENOPARAM";
	case 521: return "EBADHANDLE";
	case 524: return "ENOTSUPP";
	case 526: return "ESERVERFAULT";
	case 528: return "EJUKEBOX";
	case 529: return "EIOCBQUEUED";
	case 530: return "ERECALLCONFLICT";
	}
	return strerrorname_np((int)e);
}

/* ------------------------------------------------------------------ */
/* ELF objects                                                         */
/* ------------------------------------------------------------------ */

static int cmp_elfsym(const void *a, const void *b)
{
	const struct elfsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Prefer sized symbols, then global-looking names (no dot). */
	if ((x->size == 0) != (y->size == 0))
		return x->size == 0 ? 1 : -1;
	return strcmp(x->name, y->name);
}

/* Nearest symbol at or below addr in a sorted table, or NULL. */
static const struct elfsym *nearest_below(const struct elfsym *v, size_t n,
					  uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &v[lo - 1] : NULL;
}

/* The symbol that addr is the start of, or inside of (sized symbols). */
static const struct elfsym *find_elfsym(const struct elfsym *v, size_t n,
					uint64_t addr)
{
	const struct elfsym *e = nearest_below(v, n, addr);

	if (!e)
		return NULL;
	/* e is the last symbol at or below addr; walk back to the first one
	 * at that address, which sorts first (sized, then by name). */
	while (e > v && e[-1].addr == e->addr)
		e--;
	if (e->addr == addr)
		return e;
	if (e->size && addr < e->addr + e->size)
		return e;
	return NULL;
}

static void read_layouts(struct kcovdf_sym *s, struct obj *o, Elf_Scn *scn,
			 GElf_Sym *sym)
{
	GElf_Shdr sh;
	Elf_Data *d;
	uint64_t off;
	struct kcov_df_layout hdr;
	struct kcovdf_layout *l;
	struct kcov_df_field *fields;
	const char *base;
	char *name;
	size_t need;

	if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
		return;
	off = o->is_rel ? sym->st_value : sym->st_value - sh.sh_addr;
	if (off > sh.sh_size || sh.sh_size - off < sizeof(hdr))
		return;
	d = elf_getdata(scn, NULL);
	if (!d || !d->d_buf || d->d_size != sh.sh_size)
		return;
	base = (const char *)d->d_buf + off;
	memcpy(&hdr, base, sizeof(hdr));
	need = sizeof(hdr) + (size_t)hdr.nfields * sizeof(struct kcov_df_field) +
	       hdr.name_len + 1;
	if (hdr.version != KCOV_DF_LAYOUT_VERSION ||
	    hdr.nfields > KCOV_DF_MAX_FIELDS || sh.sh_size - off < need) {
		warn(s, "%s: layout table %016" PRIx64 " is malformed, ignored",
		     o->label, (uint64_t)hdr.type_id);
		return;
	}
	for (size_t i = 0; i < s->nlayouts; i++)
		if (s->layouts[i].type_id == hdr.type_id)
			return;	/* the same type from another object */
	fields = salloc(s, (hdr.nfields + 1) * sizeof(struct kcov_df_field));
	name = salloc(s, (size_t)hdr.name_len + 1);
	if (!fields || !name)
		return;
	if (s->nlayouts % 64 == 0) {
		struct kcovdf_layout *nl = realloc(s->layouts,
			(s->nlayouts + 64) * sizeof(*nl));
		if (!nl) {
			s->oom = 1;
			return;
		}
		s->layouts = nl;
	}
	memcpy(fields, base + sizeof(hdr),
	       hdr.nfields * sizeof(struct kcov_df_field));
	memcpy(name, base + sizeof(hdr) +
	       hdr.nfields * sizeof(struct kcov_df_field), hdr.name_len);
	l = &s->layouts[s->nlayouts++];
	l->type_id = hdr.type_id;
	l->size = hdr.size;
	l->nfields = hdr.nfields;
	l->flags = hdr.flags;
	l->fields = fields;
	l->name = name;
}

static void load_symtab(struct kcovdf_sym *s, struct obj *o)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;

	while ((scn = elf_nextscn(o->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (size_t i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *name;
			int type;

			if (!gelf_getsym(d, (int)i, &sym))
				continue;
			name = elf_strptr(o->elf, sh.sh_link, sym.st_name);
			if (!name || !*name || sym.st_shndx == SHN_UNDEF)
				continue;
			type = GELF_ST_TYPE(sym.st_info);
			if (!strcmp(name, "_text"))
				o->text_sym = sym.st_value;
			if (!strncmp(name, KCOV_DF_LAYOUT_SYM_PREFIX,
				     strlen(KCOV_DF_LAYOUT_SYM_PREFIX)) &&
			    sym.st_shndx < SHN_LORESERVE) {
				Elf_Scn *ls = elf_getscn(o->elf, sym.st_shndx);

				if (ls)
					read_layouts(s, o, ls, &sym);
				continue;
			}
			if (type != STT_FUNC)
				continue;
			if (o->is_rel && sym.st_shndx != o->text_shndx)
				continue;
			if (o->nsyms == cap) {
				struct elfsym *ns;

				cap = cap ? cap * 2 : 1024;
				ns = realloc(o->syms, cap * sizeof(*ns));
				if (!ns) {
					s->oom = 1;
					return;
				}
				o->syms = ns;
			}
			o->syms[o->nsyms].addr = sym.st_value;
			o->syms[o->nsyms].size = sym.st_size;
			o->syms[o->nsyms].name = sdup(s, name);
			if (!o->syms[o->nsyms].name)
				return;
			o->nsyms++;
		}
	}
	if (o->nsyms)
		qsort(o->syms, o->nsyms, sizeof(*o->syms), cmp_elfsym);
}

/*
 * The DWARF of a relocatable object (a kernel module): its debug sections
 * hold relocations (with DWARF 5, even every string offset does), which
 * libdw applies only when the file is opened through libdwfl. libdwfl lays
 * the sections out at addresses of its own choosing, so functions are then
 * matched by name, not by address.
 */
static Dwarf *rel_dwarf(struct kcovdf_sym *s, struct obj *o)
{
	static const Dwfl_Callbacks cb = {
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
	Dwfl_Module *m;
	Dwarf_Addr bias;
	Dwarf *dw;

	o->dwfl = dwfl_begin(&cb);
	if (!o->dwfl)
		goto bad;
	m = dwfl_report_offline(o->dwfl, o->label, o->path, -1);
	if (!m || dwfl_report_end(o->dwfl, NULL, NULL))
		goto bad;
	dw = dwfl_module_getdwarf(m, &bias);
	if (!dw)
		goto bad;
	return dw;
bad:
	warn(s, "%s: no usable DWARF (%s): names from symbol tables only",
	     o->path, dwfl_errmsg(-1));
	if (o->dwfl)
		dwfl_end(o->dwfl);
	o->dwfl = NULL;
	return NULL;
}

static int open_obj(struct kcovdf_sym *s, struct obj *o, const uint8_t *bid,
		    uint32_t bid_len)
{
	GElf_Ehdr eh;
	const void *fbid;
	ssize_t fbid_len;

	o->fd = open(o->path, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0) {
		warn(s, "%s: %s: names come from symbol lists only", o->path,
		     strerror(errno));
		return -1;
	}
	o->elf = elf_begin(o->fd, ELF_C_READ_MMAP, NULL);
	if (!o->elf || !gelf_getehdr(o->elf, &eh)) {
		warn(s, "%s: not an ELF file: %s", o->path, elf_errmsg(-1));
		goto bad;
	}
	if (bid_len) {
		fbid_len = dwelf_elf_gnu_build_id(o->elf, &fbid);
		if (fbid_len > 0 && ((uint32_t)fbid_len != bid_len ||
				     memcmp(fbid, bid, bid_len))) {
			warn(s, "%s: build id differs from the traced object's; "
			     "not used", o->path);
			goto bad;
		}
	}
	o->is_rel = eh.e_type == ET_REL;
	o->addr_size = eh.e_ident[EI_CLASS] == ELFCLASS32 ? 4 : 8;
	if (o->is_rel) {
		size_t shstrndx;
		Elf_Scn *scn = NULL;

		if (elf_getshdrstrndx(o->elf, &shstrndx))
			goto bad;
		while ((scn = elf_nextscn(o->elf, scn))) {
			GElf_Shdr sh;
			const char *n;

			if (!gelf_getshdr(scn, &sh))
				continue;
			n = elf_strptr(o->elf, shstrndx, sh.sh_name);
			if (n && !strcmp(n, ".text"))
				o->text_shndx = elf_ndxscn(scn);
		}
	}
	load_symtab(s, o);
	if (o->is_rel)
		o->dw = rel_dwarf(s, o);
	else
		o->dw = dwarf_begin_elf(o->elf, DWARF_C_READ, NULL);
	return 0;
bad:
	if (o->elf)
		elf_end(o->elf);
	o->elf = NULL;
	close(o->fd);
	o->fd = -1;
	return -1;
}

static struct obj *add_obj(struct kcovdf_sym *s, const char *path,
			   const char *label, int kind, uint32_t pid,
			   uint64_t start, uint64_t end, uint64_t bias,
			   const uint8_t *bid, uint32_t bid_len)
{
	struct obj *o;
	char *p, *l;

	for (size_t i = 0; i < s->nobjs; i++) {
		o = &s->objs[i];
		if (o->pid == pid && o->start == start && o->bias == bias &&
		    !strcmp(o->path, path))
			return o;
	}
	p = sdup(s, path);
	l = sdup(s, label ? label : path);
	if (!p || !l)
		return NULL;
	o = realloc(s->objs, (s->nobjs + 1) * sizeof(*o));
	if (!o) {
		s->oom = 1;
		return NULL;
	}
	s->objs = o;
	o = &s->objs[s->nobjs++];
	memset(o, 0, sizeof(*o));
	o->path = p;
	o->label = l;
	o->kind = kind;
	o->pid = pid;
	o->start = start;
	o->end = end;
	o->bias = bias;
	o->fd = -1;
	open_obj(s, o, bid, bid_len);
	return o;
}

/* The functions of a kallsyms file (kcovdf_kallsyms_read()), sorted as
 * the symbol tables are. */
static void load_kallsyms(struct kcovdf_sym *s, const char *path)
{
	if (kcovdf_kallsyms_read(path, "tT", &s->ks)) {
		if (errno == ENOMEM)
			s->oom = 1;
		else
			warn(s, "%s: %s", path, strerror(errno));
		return;
	}
	if (!s->ks.n)
		return;
	s->kallsyms = calloc(s->ks.n, sizeof(*s->kallsyms));
	if (!s->kallsyms) {
		s->oom = 1;
		return;
	}
	for (size_t i = 0; i < s->ks.n; i++) {
		s->kallsyms[i].addr = s->ks.v[i].addr;
		s->kallsyms[i].name = s->ks.v[i].name;
	}
	s->nkallsyms = s->ks.n;
	qsort(s->kallsyms, s->nkallsyms, sizeof(*s->kallsyms), cmp_elfsym);
}

/* ------------------------------------------------------------------ */
/* Finding objects by build id                                         */
/* ------------------------------------------------------------------ */

#define WALK_DEPTH	8	/* directory levels below a module tree */
#define WALK_FILES	100000	/* NAME.ko files indexed at most */

/*
 * Build ids of the files looked at, for the life of the process (diff
 * reads two traces). Only the ELF note is read (libelf maps the file and
 * reads the program or section headers): never DWARF.
 */
struct bid_ent {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int len;		/* -1: no ELF file, 0: no build id */
	uint8_t id[32];
};

static int file_build_id(struct kcovdf_sym *s, const char *path,
			 const uint8_t **id)
{
	struct stat st;
	struct bid_ent *e = NULL, *n;
	Elf *elf;
	int fd;

	if (stat(path, &st) || !S_ISREG(st.st_mode))
		return -1;
	for (size_t i = 0; i < s->nbids; i++) {
		if (strcmp(s->bids[i].path, path))
			continue;
		e = &s->bids[i];
		if (e->dev == st.st_dev && e->ino == st.st_ino &&
		    e->size == st.st_size &&
		    e->mtime.tv_sec == st.st_mtim.tv_sec &&
		    e->mtime.tv_nsec == st.st_mtim.tv_nsec) {
			*id = e->id;
			return e->len;
		}
		break;		/* the file changed: read it again */
	}
	if (!e) {
		n = realloc(s->bids, (s->nbids + 1) * sizeof(*n));
		if (!n) {
			s->oom = 1;
			return -1;
		}
		s->bids = n;
		e = &s->bids[s->nbids];
		memset(e, 0, sizeof(*e));
		e->path = strdup(path);
		if (!e->path) {
			s->oom = 1;
			return -1;
		}
		s->nbids++;
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->size = st.st_size;
	e->mtime = st.st_mtim;
	e->len = -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
		if (elf && elf_kind(elf) == ELF_K_ELF) {
			const void *p;
			ssize_t len = dwelf_elf_gnu_build_id(elf, &p);

			e->len = 0;
			if (len > 0 && (size_t)len <= sizeof(e->id)) {
				memcpy(e->id, p, (size_t)len);
				e->len = (int)len;
			}
		}
		if (elf)
			elf_end(elf);
		close(fd);
	}
	*id = e->id;
	return e->len;
}

static int bid_matches(struct kcovdf_sym *s, const char *path,
		       const uint8_t *bid, uint32_t len)
{
	const uint8_t *id;
	int n = file_build_id(s, path, &id);

	return n > 0 && (uint32_t)n == len && !memcmp(id, bid, len);
}

/* The hex text of a build id; "" (and s->oom) when out of memory. */
static const char *hex(struct kcovdf_sym *s, const uint8_t *b, uint32_t len)
{
	char *h = salloc(s, 2 * (size_t)len + 1);

	if (!h)
		return "";
	for (uint32_t i = 0; i < len; i++)
		sprintf(h + 2 * i, "%02x", b[i]);
	h[2 * len] = 0;
	return h;
}

/* A build id given as hex text (META kernel.build_id); its length. */
static uint32_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (h && h[0] && h[1] && n < cap) {
		unsigned int b;

		if (sscanf(h, "%2x", &b) != 1)
			return 0;
		out[n++] = (uint8_t)b;
		h += 2;
	}
	return h && !*h ? (uint32_t)n : 0;
}

/* A path as the user sees it: relative to the working directory when
 * below it. */
static const char *shown(struct kcovdf_sym *s, const char *p)
{
	size_t n;

	if (!s->cwd[0] && !getcwd(s->cwd, sizeof(s->cwd)))
		return p;
	n = strlen(s->cwd);
	if (!strncmp(p, s->cwd, n) && p[n] == '/')
		return p + n + 1;
	return p;
}

struct kofile {
	char *name;		/* module name: '-' as '_', no .ko */
	char *path;
};

struct finder {
	struct kcovdf_sym *s;
	const struct kcovdf_symopts *o;
	const char *release;	/* META kernel.release, or NULL */
	const char *prefix;	/* sysroot, or "" */
	char *searched;		/* "a, b, c": where a search looked */
	size_t slen;
	struct kofile *kos;	/* NAME.ko below the module trees */
	size_t nkos, capkos;
	int kos_done;
};

static void looked(struct finder *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void looked(struct finder *f, const char *fmt, ...)
{
	char buf[4200];
	va_list ap;
	size_t n;
	char *ns;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = strlen(buf);
	ns = realloc(f->searched, f->slen + n + 3);
	if (!ns) {
		f->s->oom = 1;
		return;
	}
	f->searched = ns;
	if (f->slen) {
		memcpy(ns + f->slen, ", ", 2);
		f->slen += 2;
	}
	memcpy(ns + f->slen, buf, n + 1);
	f->slen += n;
}

static void looked_reset(struct finder *f)
{
	f->slen = 0;
	if (f->searched)
		f->searched[0] = 0;
}

/* The first file matching the glob pattern whose build id is bid. */
static char *try_glob(struct finder *f, const char *pattern,
		      const uint8_t *bid, uint32_t len)
{
	glob_t g;
	char *found = NULL;
	int rc = glob(pattern, GLOB_NOSORT, NULL, &g);

	if (rc) {
		if (rc == GLOB_NOSPACE) {
			f->s->oom = 1;
			globfree(&g);
		}
		return NULL;
	}
	for (size_t i = 0; i < g.gl_pathc && !found && !f->s->oom; i++)
		if (bid_matches(f->s, g.gl_pathv[i], bid, len))
			found = sdup(f->s, g.gl_pathv[i]);
	globfree(&g);
	return found;
}

static char *try_path(struct finder *f, const char *path,
		      const uint8_t *bid, uint32_t len)
{
	return bid_matches(f->s, path, bid, len) ? sdup(f->s, path) : NULL;
}

/* DIR/.build-id/NN/REST.debug (or REST): the debuginfo convention. */
static char *try_build_id_tree(struct finder *f, const char *dir,
			       const uint8_t *bid, uint32_t len)
{
	char path[4200];
	const char *h = hex(f->s, bid, len);
	char *r;

	if (len < 2 || !h[0])
		return NULL;
	snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s.debug", dir, h,
		 h + 2);
	r = try_path(f, path, bid, len);
	if (r)
		return r;
	snprintf(path, sizeof(path), "%s/.build-id/%.2s/%s", dir, h, h + 2);
	return try_path(f, path, bid, len);
}

static int is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static char *find_vmlinux(struct finder *f, const uint8_t *bid, uint32_t len)
{
	const struct kcovdf_symopts *o = f->o;
	const char *p = f->prefix, *r = f->release;
	char pat[4200], *found;

#define TRY(x) do { if ((found = (x))) return found; } while (0)
	for (size_t i = 0; i < o->nroots; i++) {
		snprintf(pat, sizeof(pat), "%s/build/kernel/*/vmlinux",
			 o->roots[i]);
		looked(f, "%s", pat);
		TRY(try_glob(f, pat, bid, len));
	}
	for (size_t i = 0; i < o->ndirs; i++) {
		snprintf(pat, sizeof(pat), "%s/vmlinux*", o->dirs[i]);
		looked(f, "%s", pat);
		TRY(try_glob(f, pat, bid, len));
	}
	for (size_t i = 0; i < o->ndebug_path; i++) {
		const char *d = o->debug_path[i];

		if (!is_dir(d)) {
			looked(f, "%s", d);
			TRY(try_path(f, d, bid, len));
			continue;
		}
		looked(f, "%s/{.build-id/,vmlinux*,*/vmlinux,"
		       "build/kernel/*/vmlinux}", d);
		TRY(try_build_id_tree(f, d, bid, len));
		snprintf(pat, sizeof(pat), "%s/vmlinux*", d);
		TRY(try_glob(f, pat, bid, len));
		snprintf(pat, sizeof(pat), "%s/*/vmlinux", d);
		TRY(try_glob(f, pat, bid, len));
		snprintf(pat, sizeof(pat), "%s/build/kernel/*/vmlinux", d);
		TRY(try_glob(f, pat, bid, len));
	}
	snprintf(pat, sizeof(pat), "%s/usr/lib/debug", p);
	looked(f, "%s/.build-id/", pat);
	TRY(try_build_id_tree(f, pat, bid, len));
	if (r) {
		static const char *const sys[] = {
			"%s/usr/lib/debug/boot/vmlinux-%s",
			"%s/usr/lib/debug/lib/modules/%s/vmlinux",
			"%s/lib/modules/%s/build/vmlinux",
			"%s/boot/vmlinux-%s",
		};

		for (size_t i = 0; i < sizeof(sys) / sizeof(*sys); i++) {
			snprintf(pat, sizeof(pat), sys[i], p, r);
			looked(f, "%s", pat);
			TRY(try_path(f, pat, bid, len));
		}
	}
#undef TRY
	return NULL;
}

/* NULL (and s->oom) when out of memory. */
static char *mod_name(struct kcovdf_sym *s, const char *file)
{
	char *n = sdup(s, file), *dot;

	if (!n)
		return NULL;
	dot = strstr(n, ".ko");
	if (dot)
		*dot = 0;
	for (char *c = n; *c; c++)
		if (*c == '-')
			*c = '_';
	return n;
}

static int is_ko(const char *name)
{
	size_t n = strlen(name);

	return (n > 3 && !strcmp(name + n - 3, ".ko")) ||
	       (n > 9 && !strcmp(name + n - 9, ".ko.debug"));
}

static void add_ko(struct finder *f, const char *path, const char *file)
{
	char *n, *p;

	if (f->nkos == WALK_FILES)
		return;
	if (f->nkos == f->capkos) {
		struct kofile *nk = kcovdf_grow(f->kos, &f->capkos,
						sizeof(*nk), 64);

		if (!nk) {
			f->s->oom = 1;
			return;
		}
		f->kos = nk;
	}
	n = mod_name(f->s, file);
	p = sdup(f->s, path);
	if (!n || !p)
		return;
	f->kos[f->nkos].name = n;
	f->kos[f->nkos].path = p;
	f->nkos++;
}

/* Index NAME.ko below dir; symbolic links to directories are not
 * followed (/lib/modules/<release>/build points into a source tree). */
static void walk_kos(struct finder *f, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		if (errno == ENOMEM)
			f->s->oom = 1;
		return;
	}
	while ((e = readdir(d)) && f->nkos < WALK_FILES && !f->s->oom) {
		char path[4200];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth < WALK_DEPTH)
				walk_kos(f, path, depth + 1);
		} else if (is_ko(e->d_name)) {
			add_ko(f, path, e->d_name);
		}
	}
	closedir(d);
}

static void index_kos(struct finder *f)
{
	const struct kcovdf_symopts *o = f->o;
	char pat[4200];
	glob_t g;

	if (f->kos_done)
		return;
	f->kos_done = 1;
	for (size_t i = 0; i < o->nroots; i++) {
		snprintf(pat, sizeof(pat), "%s/build/kernel/*/modinst",
			 o->roots[i]);
		switch (glob(pat, GLOB_ONLYDIR, NULL, &g)) {
		case 0:
			for (size_t j = 0; j < g.gl_pathc; j++)
				walk_kos(f, g.gl_pathv[j], 0);
			globfree(&g);
			break;
		case GLOB_NOSPACE:
			f->s->oom = 1;
			globfree(&g);
			break;
		}
	}
	for (size_t i = 0; i < o->ndirs; i++)
		walk_kos(f, o->dirs[i], WALK_DEPTH);	/* not below */
	for (size_t i = 0; i < o->ndebug_path; i++) {
		const char *p = o->debug_path[i];
		const char *b = strrchr(p, '/');

		if (is_dir(p))
			walk_kos(f, p, 0);
		else if (is_ko(b ? b + 1 : p))
			add_ko(f, p, b ? b + 1 : p);
	}
	if (f->release) {
		snprintf(pat, sizeof(pat), "%s/usr/lib/debug/lib/modules/%s",
			 f->prefix, f->release);
		walk_kos(f, pat, 0);
		snprintf(pat, sizeof(pat), "%s/lib/modules/%s", f->prefix,
			 f->release);
		walk_kos(f, pat, 0);
	}
}

/* The NAME.ko of a module by its build id: .build-id trees first, then
 * the files of that name below the module trees. */
static char *find_module_by_id(struct finder *f, const char *name,
			       const uint8_t *bid, uint32_t len)
{
	const struct kcovdf_symopts *o = f->o;
	char pat[4200], *found, *want;

	for (size_t i = 0; i < o->ndebug_path; i++)
		if (is_dir(o->debug_path[i]) &&
		    (found = try_build_id_tree(f, o->debug_path[i], bid, len)))
			return found;
	snprintf(pat, sizeof(pat), "%s/usr/lib/debug", f->prefix);
	if ((found = try_build_id_tree(f, pat, bid, len)))
		return found;
	looked(f, "%s/.build-id/", pat);
	for (size_t i = 0; i < o->nroots; i++)
		looked(f, "%s/build/kernel/*/modinst/", o->roots[i]);
	for (size_t i = 0; i < o->ndirs; i++)
		looked(f, "%s/*.ko", o->dirs[i]);
	for (size_t i = 0; i < o->ndebug_path; i++)
		looked(f, "%s", o->debug_path[i]);
	if (f->release) {
		looked(f, "%s/usr/lib/debug/lib/modules/%s/", f->prefix,
		       f->release);
		looked(f, "%s/lib/modules/%s/", f->prefix, f->release);
	}
	index_kos(f);
	want = mod_name(f->s, name);
	for (size_t i = 0; want && i < f->nkos; i++)
		if (!strcmp(f->kos[i].name, want) &&
		    bid_matches(f->s, f->kos[i].path, bid, len))
			return f->kos[i].path;
	return NULL;
}

/* A module of a trace that records no module build ids: by name, in the
 * module tree of the vmlinux found by its build id (same build). */
static char *find_module_by_name(struct finder *f, const char *name,
				 const char *vmlinux)
{
	struct finder g = { .s = f->s, .o = f->o, .prefix = f->prefix };
	char dir[4200], *slash, *want, *found = NULL;

	if (!vmlinux)
		return NULL;
	snprintf(dir, sizeof(dir), "%s", vmlinux);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/modinst");
	walk_kos(&g, dir, 0);
	want = mod_name(f->s, name);
	for (size_t i = 0; want && i < g.nkos && !found; i++)
		if (!strcmp(g.kos[i].name, want))
			found = g.kos[i].path;
	free(g.kos);
	return found;
}

/* A user-space object whose recorded path does not hold it (rebuilt,
 * moved): by build id in the debug places, or by its file name in
 * debug_path. */
static char *find_user(struct finder *f, const char *recorded,
		       const uint8_t *bid, uint32_t len)
{
	const struct kcovdf_symopts *o = f->o;
	const char *base = strrchr(recorded, '/');
	char pat[4200], *found;

	base = base ? base + 1 : recorded;
	for (size_t i = 0; i < o->ndebug_path; i++) {
		const char *d = o->debug_path[i];

		if (!is_dir(d)) {
			if ((found = try_path(f, d, bid, len)))
				return found;
			continue;
		}
		if ((found = try_build_id_tree(f, d, bid, len)))
			return found;
		snprintf(pat, sizeof(pat), "%s/%s", d, base);
		if ((found = try_path(f, pat, bid, len)))
			return found;
	}
	snprintf(pat, sizeof(pat), "%s/usr/lib/debug", f->prefix);
	return try_build_id_tree(f, pat, bid, len);
}

static char *find_module(struct kcovdf_sym *s, const struct kcovdf_symopts *o,
			 const char *name)
{
	char buf[4096];

	for (size_t i = 0; o && i < o->nmodule_dirs; i++) {
		snprintf(buf, sizeof(buf), "%s/%s.ko", o->module_dirs[i], name);
		if (!access(buf, R_OK))
			return sdup(s, buf);
	}
	return NULL;
}

/* The kernel's build id: the VMLINUX map's, else META kernel.build_id. */
static uint32_t kernel_build_id(const struct kcovdf_trace *t, uint8_t *out)
{
	for (size_t i = 0; t && i < t->nmaps; i++)
		if (t->maps[i].kind == KCOVDF_MAP_VMLINUX &&
		    t->maps[i].build_id_len &&
		    t->maps[i].build_id_len <= 32) {
			memcpy(out, t->maps[i].build_id,
			       t->maps[i].build_id_len);
			return t->maps[i].build_id_len;
		}
	return t ? unhex(kcovdf_trace_meta(t, "kernel.build_id"), out, 32)
		 : 0;
}

/* The vmlinux to use: the one given, else the one with the trace's
 * build id. */
static const char *pick_vmlinux(struct kcovdf_sym *s, struct finder *f,
				const struct kcovdf_trace *t)
{
	const struct kcovdf_symopts *opt = f->o;
	uint8_t bid[32];
	uint32_t len;
	const char *path;

	if (opt->vmlinux)
		return opt->vmlinux;
	if (!opt->search)
		return NULL;
	len = kernel_build_id(t, bid);
	if (!len) {
		warn(s, "the trace records no kernel build id, so its "
		     "vmlinux cannot be found: function names come from the "
		     "trace's symbol list, without parameters or fields "
		     "(pass --vmlinux FILE)");
		return NULL;
	}
	looked_reset(f);
	path = find_vmlinux(f, bid, len);
	if (path) {
		note(s, "symbols from %s (build id %s)", shown(s, path),
		     hex(s, bid, len));
		return path;
	}
	warn(s, "no vmlinux with the trace's build id %s%s%s%s; "
	     "searched %s%s. Function names come from the trace's symbol "
	     "list, without parameters or fields: pass --vmlinux FILE, or "
	     "add its directory to KCOVDF_DEBUG_PATH", hex(s, bid, len),
	     f->release ? " (kernel " : "", f->release ? f->release : "",
	     f->release ? ")" : "", f->searched ? f->searched : "",
	     opt->ndebug_path ? "" : " (KCOVDF_DEBUG_PATH is not set)");
	return NULL;
}

static int map_is_kernel(const struct kcovdf_trace *t)
{
	const char *src = t ? kcovdf_trace_meta(t, "source") : NULL;

	return src && !strcmp(src, "kernel");
}

struct kcovdf_sym *kcovdf_sym_new(const struct kcovdf_trace *t,
				  const struct kcovdf_symopts *opt)
{
	static const struct kcovdf_symopts none;
	struct kcovdf_sym *s = calloc(1, sizeof(*s));
	uint64_t kaslr = 0;
	const char *v, *vmlinux = NULL;
	int have_vmlinux_map = 0;
	struct finder f = { 0 };
	struct kcovdf_buf missing = { 0 };
	size_t nmissing = 0;

	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	if (!opt)
		opt = &none;
	elf_version(EV_CURRENT);
	f.s = s;
	f.o = opt;
	f.prefix = opt->sysroot ? opt->sysroot : "";
	f.release = t ? kcovdf_trace_meta(t, "kernel.release") : NULL;
	if (t && (v = kcovdf_trace_meta(t, "kaslr_offset")))
		kaslr = strtoull(v, NULL, 0);
	for (size_t i = 0; t && i < t->nmaps; i++)
		if (t->maps[i].kind == KCOVDF_MAP_VMLINUX)
			have_vmlinux_map = 1;
	if (have_vmlinux_map || map_is_kernel(t))
		vmlinux = pick_vmlinux(s, &f, t);
	for (size_t i = 0; t && i < t->nmaps && !s->oom; i++) {
		const struct kcovdf_map_entry *m = &t->maps[i];
		char path[4096];

		switch (m->kind) {
		case KCOVDF_MAP_ELF: {
			const char *p = path;

			/* The vDSO has no file; nothing we trace lives there. */
			if (m->path[0] != '/')
				break;
			snprintf(path, sizeof(path), "%s%s",
				 opt->sysroot ? opt->sysroot : "", m->path);
			if (opt->search && m->build_id_len &&
			    m->build_id_len <= 32 &&
			    !bid_matches(s, path, m->build_id,
					 m->build_id_len)) {
				char *alt = find_user(&f, m->path, m->build_id,
						      m->build_id_len);

				if (alt) {
					note(s, "symbols of %s from %s (build "
					     "id %s)", m->path, shown(s, alt),
					     hex(s, m->build_id,
						 m->build_id_len));
					p = alt;
				}
			}
			add_obj(s, p, m->path, m->kind, m->pid, m->start,
				m->end, m->bias, m->build_id, m->build_id_len);
			break;
		}
		case KCOVDF_MAP_VMLINUX:
			if (vmlinux) {
				struct obj *o = add_obj(s, vmlinux,
							"vmlinux", m->kind, 0,
							0, 0, m->bias,
							m->build_id,
							m->build_id_len);
				/* start is the run-time _text: exact KASLR
				 * offset whatever the link address. */
				if (o && m->start && o->text_sym)
					o->bias = m->start - o->text_sym;
			}
			break;
		case KCOVDF_MAP_MODULE: {
			char *p = find_module(s, opt, m->path);
			uint32_t bl = m->build_id_len <= 32 ?
				      m->build_id_len : 0;

			if (p && bl && !bid_matches(s, p, m->build_id, bl)) {
				warn(s, "%s: build id differs from the traced "
				     "module's; not used", p);
				p = NULL;
			}
			if (!p && opt->search) {
				looked_reset(&f);
				p = bl ? find_module_by_id(&f, m->path,
							   m->build_id, bl)
				       : find_module_by_name(&f, m->path,
							     vmlinux);
				if (p && bl)
					note(s, "symbols of module %s from %s "
					     "(build id %s)", m->path,
					     shown(s, p), hex(s, m->build_id, bl));
				else if (p)
					note(s, "symbols of module %s from %s "
					     "(the trace records no build id "
					     "of modules: the file of that "
					     "name next to the vmlinux)",
					     m->path, shown(s, p));
			}
			/* bias: run-time address of the module's .text,
			 * to which its ET_REL symbols are relative. */
			if (p) {
				add_obj(s, p, m->path, m->kind, 0, m->start,
					m->end, m->bias, m->build_id, bl);
				break;
			}
			if (kcovdf_buf_printf(&missing, "%s%s", nmissing++ ?
					      ", " : "", m->path))
				s->oom = 1;
			break;
		}
		}
	}
	if (nmissing)
		warn(s, "%zu module%s without symbols (names from "
		     "kallsyms only, no parameters or fields): %s%s%s; pass "
		     "--modules DIR (the directory of NAME.ko)%s", nmissing,
		     nmissing == 1 ? "" : "s", missing.s,
		     opt->search ? "; searched " : "",
		     opt->search && f.searched ? f.searched : "",
		     opt->search ? ", or add it to KCOVDF_DEBUG_PATH" : "");
	kcovdf_buf_free(&missing);
	free(f.searched);
	free(f.kos);
	if (vmlinux && !have_vmlinux_map && !s->oom)
		add_obj(s, vmlinux, "vmlinux", KCOVDF_MAP_VMLINUX, 0, 0, 0,
			kaslr, NULL, 0);
	if (opt->kallsyms && !s->oom)
		load_kallsyms(s, opt->kallsyms);
	if (t && t->nsyms && !s->oom) {
		s->tsyms = calloc(t->nsyms, sizeof(*s->tsyms));
		if (!s->tsyms)
			s->oom = 1;
		for (size_t i = 0; s->tsyms && i < t->nsyms && !s->oom; i++) {
			s->tsyms[i].addr = t->syms[i].addr;
			s->tsyms[i].name = sdup(s, t->syms[i].name);
		}
		if (!s->oom) {
			s->ntsyms = t->nsyms;
			qsort(s->tsyms, s->ntsyms, sizeof(*s->tsyms),
			      cmp_elfsym);
		}
	}
	if (s->oom) {
		kcovdf_sym_free(s);
		errno = ENOMEM;
		return NULL;
	}
	return s;
}

void kcovdf_sym_free(struct kcovdf_sym *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nobjs; i++) {
		struct obj *o = &s->objs[i];

		if (o->dwfl)
			dwfl_end(o->dwfl);	/* and its dw */
		else if (o->dw)
			dwarf_end(o->dw);
		if (o->elf)
			elf_end(o->elf);
		if (o->fd >= 0)
			close(o->fd);
		free(o->syms);
		free(o->tcache);
		free(o->cus);
	}
	free(s->objs);
	free(s->layouts);
	free(s->kallsyms);
	kcovdf_kallsyms_free(&s->ks);
	free(s->tsyms);
	free(s->fns);
	free(s->warnings);
	free(s->notes);
	for (size_t i = 0; i < s->nbids; i++)
		free(s->bids[i].path);
	free(s->bids);
	arena_free(&s->a);
	free(s);
}

const struct kcovdf_layout *kcovdf_sym_layout(struct kcovdf_sym *s,
					      uint64_t type_id)
{
	for (size_t i = 0; i < s->nlayouts; i++)
		if (s->layouts[i].type_id == type_id)
			return &s->layouts[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* DWARF types                                                         */
/* ------------------------------------------------------------------ */

static struct ktype *tcache_get(struct obj *o, Dwarf_Off off)
{
	if (!o->tcache_cap)
		return NULL;
	for (size_t i = off % o->tcache_cap;; i = (i + 1) % o->tcache_cap) {
		if (!o->tcache[i].t)
			return NULL;
		if (o->tcache[i].off == off)
			return o->tcache[i].t;
	}
}

/* 0, or -1 when out of memory (nothing changed). */
static int tcache_put(struct obj *o, Dwarf_Off off, struct ktype *t)
{
	if ((o->tcache_n + 1) * 2 > o->tcache_cap) {
		size_t ncap = o->tcache_cap ? o->tcache_cap * 2 : 1024;
		struct tcache_ent *n = calloc(ncap, sizeof(*n));

		if (!n)
			return -1;
		for (size_t i = 0; i < o->tcache_cap; i++) {
			size_t j;

			if (!o->tcache[i].t)
				continue;
			for (j = o->tcache[i].off % ncap; n[j].t;
			     j = (j + 1) % ncap)
				;
			n[j] = o->tcache[i];
		}
		free(o->tcache);
		o->tcache = n;
		o->tcache_cap = ncap;
	}
	for (size_t i = off % o->tcache_cap;; i = (i + 1) % o->tcache_cap) {
		if (!o->tcache[i].t) {
			o->tcache[i].off = off;
			o->tcache[i].t = t;
			o->tcache_n++;
			return 0;
		}
	}
}

static int die_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a))
		return -1;
	return dwarf_formref_die(&a, out) ? 0 : -1;
}

static int64_t die_sdata(Dwarf_Die *die, unsigned int at, int64_t dflt)
{
	Dwarf_Attribute a;
	Dwarf_Sword v;

	if (!dwarf_attr_integrate(die, at, &a) || dwarf_formsdata(&a, &v))
		return dflt;
	return v;
}

static uint64_t die_udata(Dwarf_Die *die, unsigned int at, uint64_t dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word v;

	if (!dwarf_attr_integrate(die, at, &a) || dwarf_formudata(&a, &v))
		return dflt;
	return v;
}

/* Strip typedefs and qualifiers. Returns 0 and the stripped DIE, -1 for
 * void (no type). */
static int strip(Dwarf_Die *in, Dwarf_Die *out)
{
	if (dwarf_peel_type(in, out) != 0)
		return -1;
	return 0;
}

static uint64_t type_size(struct obj *o, Dwarf_Die *t)
{
	Dwarf_Word sz;
	int tag = dwarf_tag(t);

	if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ||
	    tag == DW_TAG_rvalue_reference_type)
		return (uint64_t)die_udata(t, DW_AT_byte_size, o->addr_size);
	if (dwarf_aggregate_size(t, &sz) == 0)
		return sz;
	return 0;
}

static struct ktype *get_type(struct kcovdf_sym *s, struct obj *o,
			      Dwarf_Die *die);

/* The type as written ("const char *"), or NULL when out of memory. */
static char *type_name(struct kcovdf_sym *s, struct obj *o, Dwarf_Die *die,
		       int depth)
{
	struct arena *a = &s->a;
	Dwarf_Die t;
	const char *n = dwarf_diename(die);
	char *inner;
	int tag = dwarf_tag(die);

	if (depth > 8)
		return arena_strdup(a, "...");
	switch (tag) {
	case DW_TAG_base_type:
	case DW_TAG_typedef:
		return arena_strdup(a, n ? n : "?");
	case DW_TAG_structure_type:
		return arena_printf(a, "struct %s", n ? n : "{...}");
	case DW_TAG_union_type:
		return arena_printf(a, "union %s", n ? n : "{...}");
	case DW_TAG_class_type:
		return arena_printf(a, "class %s", n ? n : "{...}");
	case DW_TAG_enumeration_type:
		return arena_printf(a, "enum %s", n ? n : "{...}");
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type: {
		const char *q = tag == DW_TAG_const_type ? "const" :
				tag == DW_TAG_volatile_type ? "volatile" :
				tag == DW_TAG_restrict_type ? "restrict" :
				"_Atomic";
		if (die_type(die, &t))
			return arena_printf(a, "%s void", q);
		if (tag == DW_TAG_restrict_type)
			return type_name(s, o, &t, depth + 1);
		inner = type_name(s, o, &t, depth + 1);
		return inner ? arena_printf(a, "%s %s", q, inner) : NULL;
	}
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type: {
		const char *star = tag == DW_TAG_pointer_type ? "*" : "&";

		if (die_type(die, &t))
			return arena_printf(a, "void %s", star);
		if (dwarf_tag(&t) == DW_TAG_subroutine_type)
			return arena_strdup(a, "func *");
		inner = type_name(s, o, &t, depth + 1);
		return inner ? arena_printf(a, "%s %s", inner, star) : NULL;
	}
	case DW_TAG_array_type:
		if (die_type(die, &t))
			return arena_strdup(a, "?[]");
		inner = type_name(s, o, &t, depth + 1);
		return inner ? arena_printf(a, "%s[]", inner) : NULL;
	case DW_TAG_subroutine_type:
		return arena_strdup(a, "func");
	default:
		return arena_strdup(a, n ? n : "?");
	}
}

static unsigned int field_flags(struct obj *o, Dwarf_Die *st)
{
	int tag = dwarf_tag(st);
	Dwarf_Die u;

	switch (tag) {
	case DW_TAG_base_type:
		switch (die_udata(st, DW_AT_encoding, 0)) {
		case DW_ATE_signed:
		case DW_ATE_signed_char:
			return KCOV_DF_FIELD_SIGNED;
		case DW_ATE_boolean:
			return KCOV_DF_FIELD_BOOL;
		case DW_ATE_float:
			return KCOV_DF_FIELD_FLOAT;
		}
		return 0;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		return KCOV_DF_FIELD_PTR;
	case DW_TAG_enumeration_type:
		if (!die_type(st, &u) && !strip(&u, &u) &&
		    (field_flags(o, &u) & KCOV_DF_FIELD_SIGNED))
			return KCOV_DF_FIELD_ENUM | KCOV_DF_FIELD_SIGNED;
		return KCOV_DF_FIELD_ENUM;
	case DW_TAG_array_type:
		return KCOV_DF_FIELD_ARRAY;
	}
	return 0;
}

static int is_composite(Dwarf_Die *t)
{
	int tag = dwarf_tag(t);

	return tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
	       tag == DW_TAG_class_type;
}

static int has_members(Dwarf_Die *t)
{
	Dwarf_Die c;

	if (dwarf_hasattr(t, DW_AT_declaration) || dwarf_child(t, &c) != 0)
		return 0;
	do {
		if (dwarf_tag(&c) == DW_TAG_member)
			return 1;
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

struct flat {
	struct kcovdf_tfield *v;
	size_t n, cap;
	int trunc;
};

/* 0, or -1 when out of memory. */
static int flat_push(struct kcovdf_sym *s, struct flat *f,
		     const struct kcovdf_tfield *x)
{
	if (f->n == KCOV_DF_MAX_FIELDS) {
		f->trunc = 1;
		return 0;
	}
	if (f->n == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 16;
		struct kcovdf_tfield *nv = arena_alloc(&s->a,
							   nc * sizeof(*nv));

		if (!nv)
			return -1;
		if (f->n)
			memcpy(nv, f->v, f->n * sizeof(*nv));
		f->v = nv;
		f->cap = nc;
	}
	f->v[f->n++] = *x;
	return 0;
}

/* 0, or -1 when out of memory. */
static int flatten(struct kcovdf_sym *s, struct obj *o, Dwarf_Die *t,
		   uint64_t base_bits, const char *prefix, int depth,
		   struct flat *f)
{
	Dwarf_Die m;

	if (dwarf_child(t, &m) != 0)
		return 0;
	do {
		const char *mn;
		char *name;
		uint64_t off;
		Dwarf_Die mt, mst;
		struct kcovdf_tfield x;
		struct ktype *k;

		if (f->n == KCOV_DF_MAX_FIELDS) {
			f->trunc = 1;
			return 0;
		}
		if (dwarf_tag(&m) != DW_TAG_member ||
		    dwarf_hasattr(&m, DW_AT_external) ||
		    dwarf_hasattr(&m, DW_AT_declaration))
			continue;
		mn = dwarf_diename(&m);
		if (die_type(&m, &mt) || strip(&mt, &mst))
			continue;
		name = mn ? arena_printf(&s->a, "%s%s", prefix, mn) :
			    arena_strdup(&s->a, prefix);
		if (!name)
			return -1;
		memset(&x, 0, sizeof(x));
		if (dwarf_hasattr(&m, DW_AT_data_bit_offset)) {
			off = base_bits + die_udata(&m, DW_AT_data_bit_offset, 0);
		} else {
			off = base_bits +
			      8 * die_udata(&m, DW_AT_data_member_location, 0);
			if (dwarf_hasattr(&m, DW_AT_bit_offset)) {
				/* DWARF 2/3: bits counted from the storage
				 * unit's most significant end. */
				uint64_t unit = die_udata(&m, DW_AT_byte_size,
							  type_size(o, &mst));
				off += unit * 8 -
				       die_udata(&m, DW_AT_bit_offset, 0) -
				       die_udata(&m, DW_AT_bit_size, 0);
			}
		}
		if (dwarf_hasattr(&m, DW_AT_bit_size)) {
			uint64_t bs = die_udata(&m, DW_AT_bit_size, 0);
			unsigned int shift = off % 8, bytes = 1;

			if (!mn || bs == 0)
				continue;	/* unnamed padding */
			while (bytes < 8 && bytes * 8 < shift + bs)
				bytes *= 2;
			x.offset = (uint32_t)(off / 8);
			x.size = (uint8_t)bytes;
			x.bit_offset = (uint8_t)shift;
			x.bit_size = (uint8_t)bs;
			x.flags = (uint8_t)field_flags(o, &mst);
		} else if (is_composite(&mst) && has_members(&mst) &&
			   depth + 1 < MAX_DEPTH) {
			const char *sub = prefix;

			if (mn && !(sub = arena_printf(&s->a, "%s.", name)))
				return -1;
			if (flatten(s, o, &mst, off, sub, depth + 1, f))
				return -1;
			continue;
		} else {
			uint64_t sz = type_size(o, &mst);
			unsigned int fl = field_flags(o, &mst);

			if (sz == 0)
				continue;
			if (sz > 8) {
				if (!(fl & KCOV_DF_FIELD_ARRAY))
					fl |= KCOV_DF_FIELD_WIDE;
				sz = 8;
			}
			x.offset = (uint32_t)(off / 8);
			x.size = (uint8_t)sz;
			x.flags = (uint8_t)fl;
		}
		x.name = name;
		if (!(k = get_type(s, o, &mt)))
			return -1;
		x.type = &k->pub;
		if (flat_push(s, f, &x))
			return -1;
	} while (dwarf_siblingof(&m, &m) == 0);
	return 0;
}

/* "struct foo", or the typedef naming an anonymous one; NULL when out of
 * memory. */
static char *object_name(struct kcovdf_sym *s, Dwarf_Die *ref,
			 Dwarf_Die *st)
{
	const char *n = dwarf_diename(st);
	int tag = dwarf_tag(st);
	const char *kw = tag == DW_TAG_union_type ? "union" :
			 tag == DW_TAG_class_type ? "class" : "struct";
	Dwarf_Die cur = *ref;

	if (n)
		return arena_printf(&s->a, "%s %s", kw, n);
	/* Anonymous: the innermost typedef naming it. */
	for (int i = 0; i < 16; i++) {
		const char *tn;

		if (dwarf_tag(&cur) == DW_TAG_typedef &&
		    (tn = dwarf_diename(&cur)))
			return arena_strdup(&s->a, tn);
		if (die_type(&cur, &cur))
			break;
	}
	return arena_printf(&s->a, "%s {...}", kw);
}

/* The fields of k are known (k->fields_done): 0, or -1 when out of memory
 * (k unchanged). The lookup's rollback empties them again if it fails
 * later. */
static int fill_fields(struct kcovdf_sym *s, struct obj *o, struct ktype *k)
{
	Dwarf_Die st, pt, pst, *obj = NULL, *objref = NULL;
	struct flat f = { 0 };
	char *oname;

	if (k->fields_done)
		return 0;
	if (strip(&k->die, &st))
		goto done;
	if (is_composite(&st)) {
		obj = &st;
		objref = &k->die;
	} else if ((dwarf_tag(&st) == DW_TAG_pointer_type ||
		    dwarf_tag(&st) == DW_TAG_reference_type) &&
		   !die_type(&st, &pt) && !strip(&pt, &pst) &&
		   is_composite(&pst)) {
		obj = &pst;
		objref = &pt;
	}
	if (!obj || !has_members(obj))
		goto done;
	if (flatten(s, o, obj, 0, "", 0, &f) ||
	    !(oname = object_name(s, objref, obj)))
		return -1;
	k->pub.fields = f.v;
	k->pub.nfields = f.n;
	k->pub.fields_trunc = f.trunc;
	k->pub.object_name = oname;
done:
	k->fields_done = 1;
	k->op_fields_next = s->op_fields;
	s->op_fields = k;
	return 0;
}

/* Fill k->pub from its DIE: 0, or -1 when out of memory. */
static int build_type(struct kcovdf_sym *s, struct obj *o, struct ktype *k)
{
	Dwarf_Die st, tt, *die = &k->die;
	struct ktype *sub;

	k->pub.name = type_name(s, o, die, 0);
	if (!k->pub.name)
		return -1;
	if (strip(die, &st)) {
		k->pub.kind = KCOVDF_T_VOID;
		return 0;
	}
	k->pub.size = type_size(o, &st);
	switch (dwarf_tag(&st)) {
	case DW_TAG_base_type:
		switch (die_udata(&st, DW_AT_encoding, 0)) {
		case DW_ATE_boolean:
			k->pub.kind = KCOVDF_T_BOOL;
			break;
		case DW_ATE_complex_float:
			k->pub.is_complex = 1;
			/* fallthrough */
		case DW_ATE_float:
			k->pub.kind = KCOVDF_T_FLOAT;
			k->pub.float_fmt = kcovdf_float_fmt(
				dwarf_diename(&st), k->pub.is_complex ?
				k->pub.size / 2 : k->pub.size);
			break;
		case DW_ATE_signed_char:
			k->pub.is_char = 1;
			/* fallthrough */
		case DW_ATE_signed:
			k->pub.kind = KCOVDF_T_INT;
			k->pub.is_signed = 1;
			break;
		case DW_ATE_unsigned_char:
			k->pub.is_char = 1;
			/* fallthrough */
		default:
			k->pub.kind = KCOVDF_T_INT;
			break;
		}
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
	case DW_TAG_ptr_to_member_type:
		k->pub.kind = KCOVDF_T_PTR;
		if (!die_type(&st, &tt)) {
			if (!(sub = get_type(s, o, &tt)))
				return -1;
			k->pub.target = &sub->pub;
		}
		break;
	case DW_TAG_enumeration_type: {
		Dwarf_Die c, u;
		size_t n = 0;

		k->pub.kind = KCOVDF_T_ENUM;
		if (!die_type(&st, &u) && !strip(&u, &u) &&
		    die_udata(&u, DW_AT_encoding, 0) == DW_ATE_signed)
			k->pub.is_signed = 1;
		if (dwarf_child(&st, &c) == 0) {
			do {
				if (dwarf_tag(&c) == DW_TAG_enumerator)
					n++;
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		k->pub.enums = arena_alloc(&s->a, (n + 1) *
					       sizeof(*k->pub.enums));
		if (!k->pub.enums)
			return -1;
		if (n && dwarf_child(&st, &c) == 0) {
			do {
				const char *en = dwarf_diename(&c);
				struct kcovdf_enumerator *e;

				if (dwarf_tag(&c) != DW_TAG_enumerator)
					continue;
				e = &k->pub.enums[k->pub.nenums];
				e->name = arena_strdup(&s->a, en ? en : "?");
				if (!e->name)
					return -1;
				e->value = die_sdata(&c, DW_AT_const_value, 0);
				k->pub.nenums++;
			} while (k->pub.nenums < n &&
				 dwarf_siblingof(&c, &c) == 0);
		}
		break;
	}
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		k->pub.kind = KCOVDF_T_STRUCT;
		break;
	case DW_TAG_union_type:
		k->pub.kind = KCOVDF_T_UNION;
		break;
	case DW_TAG_array_type:
		k->pub.kind = KCOVDF_T_ARRAY;
		k->pub.is_vector = dwarf_hasattr(&st, DW_AT_GNU_vector);
		if (!die_type(&st, &tt)) {
			if (!(sub = get_type(s, o, &tt)))
				return -1;
			k->pub.target = &sub->pub;
		}
		break;
	case DW_TAG_subroutine_type:
		k->pub.kind = KCOVDF_T_FUNC;
		break;
	default:
		k->pub.kind = KCOVDF_T_UNKNOWN;
	}
	return 0;
}

/*
 * The type of a DIE, built once per object: NULL when out of memory. A
 * type is in the cache before it is built (a type that refers to itself
 * finds it, KT_BUILDING); one whose lookup failed is KT_NEW again and is
 * built anew, in place (whatever points to it then sees it whole).
 */
static struct ktype *get_type(struct kcovdf_sym *s, struct obj *o,
			      Dwarf_Die *die)
{
	Dwarf_Off off = dwarf_dieoffset(die);
	struct ktype *k = tcache_get(o, off);

	if (k && k->state != KT_NEW)
		return k;
	if (!k) {
		k = arena_alloc(&s->a, sizeof(*k));
		if (!k || tcache_put(o, off, k))
			return NULL;
	}
	memset(k, 0, sizeof(*k));
	k->die = *die;
	k->state = KT_BUILDING;
	k->op_next = s->op_types;
	s->op_types = k;
	if (build_type(s, o, k))
		return NULL;
	k->state = KT_DONE;
	return k;
}

/* A lookup failed: what it built is not to be found half built. */
static void op_rollback(struct kcovdf_sym *s)
{
	for (struct ktype *k = s->op_types; k; k = k->op_next)
		k->state = KT_NEW;
	for (struct ktype *k = s->op_fields; k; k = k->op_fields_next) {
		k->fields_done = 0;
		k->pub.fields = NULL;
		k->pub.nfields = 0;
		k->pub.fields_trunc = 0;
		k->pub.object_name = NULL;
	}
	s->op_types = s->op_fields = NULL;
}

/* ------------------------------------------------------------------ */
/* Functions                                                           */
/* ------------------------------------------------------------------ */

static int find_subprogram(Dwarf_Die *parent, Dwarf_Addr addr,
			   Dwarf_Die *out, int depth)
{
	Dwarf_Die c;

	if (depth > 4 || dwarf_child(parent, &c) != 0)
		return -1;
	do {
		int tag = dwarf_tag(&c);

		if (tag == DW_TAG_subprogram) {
			Dwarf_Addr lo;

			if (dwarf_haspc(&c, addr) > 0 ||
			    (dwarf_lowpc(&c, &lo) == 0 && lo == addr)) {
				*out = c;
				return 0;
			}
		} else if (tag == DW_TAG_namespace ||
			   tag == DW_TAG_structure_type ||
			   tag == DW_TAG_class_type) {
			if (!find_subprogram(&c, addr, out, depth + 1))
				return 0;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return -1;
}

static int find_subprogram_by_name(Dwarf *dw, const char *name,
				   Dwarf_Die *out)
{
	Dwarf_Off off = 0, next;
	size_t hsize;

	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu, c;

		if (dwarf_offdie(dw, off + hsize, &cu) &&
		    dwarf_child(&cu, &c) == 0) {
			do {
				const char *n;

				if (dwarf_tag(&c) != DW_TAG_subprogram ||
				    dwarf_hasattr(&c, DW_AT_declaration))
					continue;
				n = dwarf_diename(&c);
				if (n && !strcmp(n, name) &&
				    (dwarf_hasattr(&c, DW_AT_low_pc) ||
				     dwarf_hasattr(&c, DW_AT_ranges))) {
					*out = c;
					return 0;
				}
			} while (dwarf_siblingof(&c, &c) == 0);
		}
		off = next;
	}
	return -1;
}

/* 0, or -1 when out of memory. */
static int fill_from_dwarf(struct kcovdf_sym *s, struct obj *o,
			   struct kcovdf_fn *fn, Dwarf_Die *sp)
{
	Dwarf_Die origin = *sp, c, t;
	Dwarf_Attribute a;
	size_t n = 0;
	const char *file;
	struct ktype *k;
	int line;

	/* Parameters and the return type are described on the abstract
	 * origin (out-of-line copy of an inlined function) or on the
	 * specification (a C++ member defined outside its class). */
	for (int i = 0; i < 8; i++) {
		Dwarf_Die next;

		if ((!dwarf_attr(&origin, DW_AT_abstract_origin, &a) &&
		     !dwarf_attr(&origin, DW_AT_specification, &a)) ||
		    !dwarf_formref_die(&a, &next))
			break;
		origin = next;
	}
	fn->have_dwarf = 1;
	if (!fn->name || !*fn->name) {
		const char *nm = dwarf_diename(sp);

		fn->name = arena_strdup(&s->a, nm ? nm : "?");
		if (!fn->name)
			return -1;
	}
	if (die_type(&origin, &t) == 0) {
		if (!(k = get_type(s, o, &t)) || fill_fields(s, o, k))
			return -1;
		fn->ret = &k->pub;
	} else {
		k = arena_alloc(&s->a, sizeof(*k));
		if (!k || !(k->pub.name = arena_strdup(&s->a, "void")))
			return -1;
		k->pub.kind = KCOVDF_T_VOID;
		k->fields_done = 1;
		k->state = KT_DONE;
		fn->ret = &k->pub;
	}
	if (dwarf_child(&origin, &c) == 0) {
		do {
			if (dwarf_tag(&c) == DW_TAG_formal_parameter)
				n++;
		} while (dwarf_siblingof(&c, &c) == 0);
	}
	fn->params = arena_alloc(&s->a, (n + 1) * sizeof(*fn->params));
	if (!fn->params)
		return -1;
	if (n && dwarf_child(&origin, &c) == 0) {
		do {
			const char *pn;
			struct kcovdf_param *p;

			if (dwarf_tag(&c) != DW_TAG_formal_parameter)
				continue;
			p = &fn->params[fn->nparams++];
			pn = dwarf_diename(&c);
			if (pn && !(p->name = arena_strdup(&s->a, pn)))
				return -1;
			if (die_type(&c, &t) == 0) {
				if (!(k = get_type(s, o, &t)) ||
				    fill_fields(s, o, k))
					return -1;
				p->type = &k->pub;
			}
		} while (fn->nparams < n && dwarf_siblingof(&c, &c) == 0);
	}
	file = dwarf_decl_file(&origin);
	if (file && !(fn->file = arena_strdup(&s->a, file)))
		return -1;
	if (dwarf_decl_line(&origin, &line) == 0)
		fn->line = line;
	return 0;
}

static int cmp_curange(const void *a, const void *b)
{
	const struct curange *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * clang emits no .debug_aranges, and dwarf_addrdie() in elfutils 0.188
 * needs them: index the CUs' own address ranges instead. 0, or -1 when
 * out of memory (no index: the next lookup tries again).
 */
static int build_cu_index(struct obj *o)
{
	Dwarf_Off off = 0, next;
	size_t hsize, cap = 0;

	while (dwarf_nextcu(o->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Addr base, lo, hi;
		ptrdiff_t it = 0;

		if (dwarf_offdie(o->dw, off + hsize, &cu)) {
			while ((it = dwarf_ranges(&cu, it, &base, &lo, &hi)) > 0) {
				if (hi <= lo)
					continue;
				if (o->ncus == cap) {
					struct curange *n;

					cap = cap ? cap * 2 : 256;
					n = realloc(o->cus, cap * sizeof(*n));
					if (!n) {
						free(o->cus);
						o->cus = NULL;
						o->ncus = 0;
						return -1;
					}
					o->cus = n;
				}
				o->cus[o->ncus].lo = lo;
				o->cus[o->ncus].hi = hi;
				o->cus[o->ncus].die_off = off + hsize;
				o->ncus++;
			}
		}
		off = next;
	}
	if (o->ncus)
		qsort(o->cus, o->ncus, sizeof(*o->cus), cmp_curange);
	o->cus_built = 1;
	return 0;
}

/* The CU holding the ELF address a: 0, 1 when none does, -1 when out of
 * memory. */
static int cu_for_addr(struct obj *o, uint64_t a, Dwarf_Die *cu)
{
	size_t lo = 0, hi;

	if (dwarf_addrdie(o->dw, a, cu))
		return 0;
	if (!o->cus_built && build_cu_index(o))
		return -1;
	hi = o->ncus;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->cus[mid].lo <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Ranges of different CUs may interleave; look back a little. */
	for (size_t i = lo; i > 0 && i + 64 > lo; i--) {
		const struct curange *r = &o->cus[i - 1];

		if (r->lo <= a && a < r->hi)
			return dwarf_offdie(o->dw, r->die_off, cu) ? 0 : 1;
	}
	return 1;
}

static struct obj *obj_for(struct kcovdf_sym *s, uint32_t pid, uint64_t pc)
{
	struct obj *any = NULL, *vmlinux = NULL;

	for (size_t i = 0; i < s->nobjs; i++) {
		struct obj *o = &s->objs[i];

		if (o->kind == KCOVDF_MAP_VMLINUX) {
			vmlinux = o;
			continue;
		}
		if (o->end && (pc < o->start || pc >= o->end))
			continue;
		if (o->kind == KCOVDF_MAP_ELF && o->pid == pid)
			return o;
		if (o->kind == KCOVDF_MAP_MODULE)
			return o;
		if (!any)
			any = o;
	}
	if (any)
		return any;
	if (vmlinux && pc >= 0xffff800000000000ULL)
		return vmlinux;
	return NULL;
}

/* A new kcovdf_fn for pc, or NULL when out of memory. */
static struct kcovdf_fn *lookup_fn(struct kcovdf_sym *s, uint32_t pid,
				   uint64_t pc)
{
	struct obj *o = obj_for(s, pid, pc);
	struct kcovdf_fn *fn = arena_alloc(&s->a, sizeof(*fn));
	const struct elfsym *es = NULL;
	uint64_t ea;
	Dwarf_Die sp, cu;
	int rc;

	if (!fn)
		return NULL;
	fn->addr = pc;
	if (o && o->elf) {
		fn->object = o->label;
		ea = pc - o->bias;
		es = find_elfsym(o->syms, o->nsyms, ea);
		if (es && !(fn->name = arena_strdup(&s->a, es->name)))
			return NULL;
		if (o->dw && o->is_rel) {
			if (es && !find_subprogram_by_name(o->dw, es->name,
							   &sp) &&
			    fill_from_dwarf(s, o, fn, &sp))
				return NULL;
		} else if (o->dw) {
			rc = cu_for_addr(o, ea, &cu);
			if (rc < 0)
				return NULL;
			if (!rc && !find_subprogram(&cu, ea, &sp, 0) &&
			    fill_from_dwarf(s, o, fn, &sp))
				return NULL;
		}
	}
	if (!fn->name && s->ntsyms) {
		es = find_elfsym(s->tsyms, s->ntsyms, pc);
		if (es && es->addr == pc &&
		    !(fn->name = arena_strdup(&s->a, es->name)))
			return NULL;
	}
	if (!fn->name && s->nkallsyms) {
		es = find_elfsym(s->kallsyms, s->nkallsyms, pc);
		if (es) {
			fn->name = es->addr == pc ?
				   arena_strdup(&s->a, es->name) :
				   arena_printf(&s->a, "%s+0x%" PRIx64,
						    es->name, pc - es->addr);
			if (!fn->name)
				return NULL;
		}
	}
	if (!fn->name &&
	    !(fn->name = arena_printf(&s->a, "0x%" PRIx64, pc)))
		return NULL;
	return fn;
}

const struct kcovdf_fn *kcovdf_sym_fn(struct kcovdf_sym *s, uint32_t pid,
				      uint64_t pc)
{
	struct kcovdf_fn *fn;
	size_t i;

	if ((s->fns_n + 1) * 2 > s->fns_cap) {
		size_t ncap = s->fns_cap ? s->fns_cap * 2 : 256;
		struct fncache_ent *n = calloc(ncap, sizeof(*n));

		if (!n) {
			errno = ENOMEM;
			return NULL;
		}
		for (size_t j = 0; j < s->fns_cap; j++) {
			size_t k;

			if (!s->fns[j].fn)
				continue;
			for (k = (s->fns[j].pc ^ s->fns[j].pid) % ncap;
			     n[k].fn; k = (k + 1) % ncap)
				;
			n[k] = s->fns[j];
		}
		free(s->fns);
		s->fns = n;
		s->fns_cap = ncap;
	}
	for (i = (pc ^ pid) % s->fns_cap; s->fns[i].fn;
	     i = (i + 1) % s->fns_cap)
		if (s->fns[i].pc == pc && s->fns[i].pid == pid)
			return s->fns[i].fn;
	s->op_types = s->op_fields = NULL;
	fn = lookup_fn(s, pid, pc);
	if (!fn) {
		op_rollback(s);
		errno = ENOMEM;
		return NULL;
	}
	s->op_types = s->op_fields = NULL;
	s->fns[i].pc = pc;
	s->fns[i].pid = pid;
	s->fns[i].fn = fn;
	s->fns_n++;
	return fn;
}

int kcovdf_sym_func_start(struct kcovdf_sym *s, uint32_t pid, uint64_t addr,
			  uint64_t *start)
{
	struct obj *o;
	const struct elfsym *es;

	if (!s) {
		errno = ENOENT;
		return -1;
	}
	o = obj_for(s, pid, addr);
	if (o && o->elf) {
		uint64_t ea = addr - o->bias;
		Dwarf_Die cu, sp;
		Dwarf_Addr lo;
		int rc;

		es = find_elfsym(o->syms, o->nsyms, ea);
		if (es) {
			*start = es->addr + o->bias;
			return 0;
		}
		rc = o->dw && !o->is_rel ? cu_for_addr(o, ea, &cu) : 1;
		if (rc < 0) {
			errno = ENOMEM;
			return -1;
		}
		if (!rc && !find_subprogram(&cu, ea, &sp, 0) &&
		    dwarf_lowpc(&sp, &lo) == 0) {
			*start = lo + o->bias;
			return 0;
		}
	}
	/* The trace's SYMS names the functions its streams mention (kcovdf
	 * record writes the start of every function a PC_EXT word lies in);
	 * entries with an offset ("f+0x10") are not starts. */
	if (s->ntsyms) {
		es = nearest_below(s->tsyms, s->ntsyms, addr);
		while (es && es > s->tsyms && strchr(es->name, '+'))
			es--;
		if (es && !strchr(es->name, '+')) {
			*start = es->addr;
			return 0;
		}
	}
	if (s->nkallsyms) {
		es = nearest_below(s->kallsyms, s->nkallsyms, addr);
		if (es) {
			*start = es->addr;
			return 0;
		}
	}
	errno = ENOENT;
	return -1;
}
