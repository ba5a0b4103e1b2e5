// SPDX-License-Identifier: GPL-2.0
/*
 * A big object passed again and again, for tests/suites/36-read.sh: `kcovdf
 * view` shows its 24 fields the first time, then only the fields that
 * changed; flags, modes, commands and enums as a kernel developer reads
 * them.
 */
#include <stdio.h>

typedef unsigned int fmode_t;
typedef unsigned short umode_t;
typedef unsigned long vm_flags_t;

enum perm { PERM_READ = 1, PERM_WRITE = 2, PERM_EXEC = 4, PERM_RW = 3 };
enum color { RED, GREEN, BLUE };

struct small { int a, b; };

struct big {
	long pos;
	unsigned int f_flags;
	fmode_t f_mode;
	umode_t i_mode;
	vm_flags_t vm;
	enum perm perm;
	enum color color;
	int counter;
	unsigned int plain;
	int pad[4];
	long r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10;
	struct small *next;
};

volatile long sink;
volatile int calls;

__attribute__((noinline)) long peek(const struct big *b)
{
	calls++;
	return b->pos + b->counter;
}

__attribute__((noinline)) long step(struct big *b, int by)
{
	b->pos += by;
	return peek(b);
}

/* An ioctl handler's command (_IOW('b', 5, __u32)) and a field named *_cmd. */
struct req { unsigned int op_cmd; unsigned int len; };

__attribute__((noinline)) long ioctl_like(unsigned int cmd, unsigned long arg,
					  const struct req *r)
{
	calls++;
	return cmd + arg + r->op_cmd + r->len;
}

/* Nested deeper than the plugin flattens (4 levels): a.b.c.d, a 4-byte
 * struct, is one value, shown as its 4 bytes (8 hex digits, not 16). */
struct l5 { unsigned int val; };
struct l4 { struct l5 e; };
struct l3 { struct l4 d; };
struct l2 { struct l3 c; };
struct l1 { struct l2 b; };
struct nest { struct l1 a; int tail; };

__attribute__((noinline)) int deep(const struct nest *n)
{
	calls++;
	return (int)n->a.b.c.d.e.val + n->tail;
}

__attribute__((noinline)) int tiny(const struct small *s)
{
	calls++;
	return s->a + s->b;
}

int main(void)
{
	struct small s = { 1, 2 };
	struct big b = {
		.f_flags = 0x8002, .f_mode = 0x4a801d, .i_mode = 0100644,
		.vm = 0x73, .perm = PERM_READ | PERM_EXEC, .color = BLUE,
		.counter = 1, .plain = 577, .next = &s,
	};

	sink = peek(&b);		/* first time: every field */
	sink = peek(&b);		/* nothing changed */
	sink = step(&b, 10);		/* pos changes inside */
	b.f_flags |= 0x400;
	b.perm = 8 | PERM_WRITE;	/* a bit no enumerator names */
	sink = peek(&b);		/* f_flags and perm changed */
	struct req r = { .op_cmd = 0xc0306201, .len = 48 };

	struct nest nst = { .a.b.c.d.e.val = 42, .tail = 7 };

	sink = ioctl_like(0x40046205, 4096, &r);	/* commands in hex */
	sink = deep(&nst);		/* a leaf struct: its bytes */
	sink = tiny(&s);		/* small objects: always in full */
	sink = tiny(&s);
	printf("%ld\n", b.pos);
	return 0;
}
