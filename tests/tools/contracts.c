// SPDX-License-Identifier: GPL-2.0
/*
 * Test program of tests/suites/35-tools.sh: calls with known values, each
 * contract once with correct code and once with a planted violation.
 * tests/tools/contracts.rules must catch every violation and pass the
 * correct code. Functions are external and noinline so their signatures
 * keep the ABI at -O2. CONTRACTS_LEVEL (default 1) changes one value, for
 * `kcovdf diff`.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#define T __attribute__((noinline))

enum mode { MODE_OFF = 0, MODE_ON = 1, MODE_AUTO = 7 };
enum kind { KIND_FILE = 1, KIND_SOCK = 2 };

struct thread { int id; int in_looper; };
struct looper { int nthreads; };
struct obj { int refcnt; enum kind kind; };
struct lock { int held; };
struct point { int x, y; };
struct range { struct point lo, hi; };

/* Every function writes sink, so no call is optimized away. */
static volatile long sink;

/* Correct: refuses more than 1024 threads. */
T int set_max_threads(int max)
{
	if (max < 1 || max > 1024)
		return -EINVAL;
	sink = max;
	return 0;
}

/* Planted: the upper bound is missing. */
T int set_max_threads_buggy(int max)
{
	if (max < 1)
		return -EINVAL;
	sink = max;
	return 0;
}

/* Correct: a thread enters a looper once. */
T int looper_enter(struct looper *l, struct thread *thread)
{
	if (thread->in_looper)
		return -EBUSY;
	thread->in_looper = 1;
	l->nthreads++;
	return 0;
}

/* Planted: lets the same thread in twice. */
T int looper_enter_buggy(struct looper *l, struct thread *thread)
{
	thread->in_looper = 1;
	l->nthreads++;
	return 0;
}

T int obj_get(struct obj *p) { sink = p->refcnt; return ++p->refcnt; }
T void obj_put(struct obj *p) { sink = p->refcnt--; }
T int obj_kind(struct obj *p) { sink = 1; return p ? (int)p->kind : -1; }

T void spin_lock(struct lock *l) { sink = l->held; l->held = 1; }
T void spin_unlock(struct lock *l) { sink = l->held; l->held = 0; }
T void mutex_lock(struct lock *l) { sink = l->held; l->held = 1; }
T void mutex_unlock(struct lock *l) { sink = l->held; l->held = 0; }

T int dev_init(struct obj *d) { sink = d->refcnt = 1; return 0; }
T int dev_use(struct obj *d) { sink = d->refcnt; return d->refcnt; }
T int cfg_load(int id) { sink = id; return 0; }
T int cfg_apply(int id) { sink = id; return id * 2; }

T int set_mode(enum mode m) { sink = m; return 0; }
T long span(const struct range *r)
{
	sink = 1;
	return r ? (long)r->hi.x - r->lo.x : -1;
}
T void configure(int level) { sink = level; }

/* Planted: the error path returns with the mutex held. */
T int update(struct lock *m, int v)
{
	mutex_lock(m);
	if (v < 0)
		return -EINVAL;
	sink = v;
	mutex_unlock(m);
	return 0;
}

/* Correct locking; planted: applies a configuration that main loaded,
 * not this task. */
T void *worker(void *arg)
{
	struct lock *s = arg;

	spin_lock(s);
	spin_unlock(s);
	sink += cfg_apply(3);
	return NULL;
}

int main(void)
{
	struct looper l = { 0 };
	struct thread a = { 1, 0 }, b = { 2, 0 };
	struct obj o = { 1, KIND_FILE }, dead = { 0, KIND_SOCK };
	struct obj dev = { 0, KIND_FILE };
	struct lock s = { 0 }, m = { 0 };
	struct range r = { { 1, 2 }, { 5, 6 } };
	const char *lv = getenv("CONTRACTS_LEVEL");
	pthread_t t;

	configure(lv ? atoi(lv) : 1);
	sink += set_max_threads(64);
	sink += set_max_threads(4096);
	sink += set_max_threads_buggy(64);
	sink += set_max_threads_buggy(4096);
	sink += looper_enter(&l, &a);
	sink += looper_enter(&l, &a);
	sink += looper_enter(&l, &b);
	sink += looper_enter_buggy(&l, &a);
	sink += looper_enter_buggy(&l, &a);
	sink += obj_get(&o);
	obj_put(&o);
	sink += obj_get(&dead);
	sink += obj_kind(NULL);
	sink += dev_init(&dev);
	sink += dev_use(&dev);
	sink += cfg_load(3);
	sink += cfg_apply(3);
	spin_lock(&s);
	spin_unlock(&s);
	sink += update(&m, 1);
	sink += update(&m, -1);
	sink += set_mode(MODE_ON);
	sink += set_mode(MODE_OFF);
	sink += span(&r);
	sink += span(NULL);
	if (pthread_create(&t, NULL, worker, &s) || pthread_join(t, NULL))
		return 1;
	return 0;
}
