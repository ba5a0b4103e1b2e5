// Kernel-like code with the flags of `make LLVM=-22` and KCOV/KASAN/KCSAN
// on: everything compiles to an object, the IR verifies, our code is not
// instrumented by KASAN, the entry hook is SanitizerCoverage's converted
// call, noinstr code is untouched.
//
// DEFINE: %{kflags} = -g -O2 -nostdinc -ffreestanding -fno-builtin -fno-PIE -mcmodel=kernel -mno-red-zone -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -fno-strict-aliasing -fno-common -fshort-wchar -fno-asynchronous-unwind-tables -fno-delete-null-pointer-checks -fno-stack-protector -fno-omit-frame-pointer -mstack-alignment=8 -fcf-protection=branch -mfunction-return=thunk-extern -mretpoline-external-thunk -Wno-unused-value -std=gnu11 -I %S/Inputs
// DEFINE: %{kdf} = -mllvm -kcov-df-args -mllvm -kcov-df-ret -mllvm -kcov-df-entry-exit -mllvm -kcov-df-gate
// RUN: %kcc %{kflags} -fsanitize=kernel-address -mllvm -asan-mapping-offset=0xdffffc0000000000 -mllvm -asan-instrumentation-with-call-threshold=0 -mllvm -asan-stack=0 -mllvm -asan-globals=1 -fsanitize-coverage=trace-pc,trace-cmp %{kdf} -S -emit-llvm %s -o %t.kasan.ll
// RUN: %opt -passes=verify -disable-output %t.kasan.ll
// RUN: FileCheck %s --check-prefixes=CHECK,KASAN < %t.kasan.ll
// RUN: %kcc %{kflags} -fsanitize=kernel-address -mllvm -asan-stack=1 -fsanitize-coverage=trace-pc,trace-cmp %{kdf} -c %s -o %t.kasan-stack.o
// RUN: %kcc %{kflags} -fsanitize=thread -mllvm -tsan-instrument-func-entry-exit=0 -mllvm -tsan-distinguish-volatile=1 -fsanitize-coverage=trace-pc %{kdf} -S -emit-llvm %s -o %t.kcsan.ll
// RUN: %opt -passes=verify -disable-output %t.kcsan.ll
// RUN: FileCheck %s --check-prefix=CHECK < %t.kcsan.ll
// RUN: %kcc %{kflags} -fsanitize-coverage=trace-pc %{kdf} -c %s -o %t.o
// RUN: llvm-readelf -s %t.o | FileCheck %s --check-prefix=OBJ
// RUN: %kcc %{kflags} -O0 -fsanitize-coverage=trace-pc %{kdf} -c %s -o %t.O0.o
// RUN: %kcc %{kflags} -Os -fsanitize=kernel-address -fsanitize-coverage=trace-pc %{kdf} -c %s -o %t.Os.o
//

#include "kernel-like.h"

extern long do_read(struct file *f, char *buf, unsigned long n, long long *pos);
extern void schedule(void);
extern struct file *lookup(const char *name);

// CHECK-LABEL: define {{.*}} @vfs_read(
// CHECK: call void @__sanitizer_cov_trace_pc_entry()
// CHECK-NOT: call void @__sanitizer_cov_trace_pc()
// CHECK: load i32, ptr @__kcov_df_gate{{.*}}!nosanitize
// CHECK-NOT: __asan_
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// The body is instrumented by KASAN (after our callbacks).
// KASAN: call void @__asan_load8_noabort(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK: notail call void @__sanitizer_cov_trace_pc_exit()
long vfs_read(struct file *file, char *buf, unsigned long count, long long *pos)
{
	if (!file->f_op || !file->f_op->read)
		return -22;
	if (file->fl.dirty && file->fl.signed_bits < 0)
		schedule();
	return file->f_op->read(file, buf, count, pos);
}

// Returns an ERR_PTR or a struct pointer: FIELDS + layout of struct file.
// CHECK-LABEL: define {{.*}} @open_file(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
struct file *open_file(const char *name, unsigned int flags)
{
	struct file *f = lookup(name);
	if (IS_ERR_VALUE(f))
		return f;
	f->f_flags = flags;
	return f;
}

// Struct by value with bitfields.
// CHECK-LABEL: define {{.*}} @flags_level(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
int flags_level(struct flags fl) { return fl.level + fl.on; }

// asm goto: a callbr terminator.
// CHECK-LABEL: define {{.*}} @static_branch(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: callbr void asm
int static_branch(int key)
{
	asm goto("jmp %l[l_yes]" : : "r"(key) : : l_yes);
	return 0;
l_yes:
	return 1;
}

// Computed goto.
int dispatch(int op)
{
	static void *tbl[] = { &&a, &&b };
	goto *tbl[op & 1];
a:
	return 10;
b:
	return 20;
}

static __always_inline int inl(int x) { return x * 3; }
int uses_inline(int x) { return inl(x) + inl(x + 1); }

// noinstr: nothing of ours.
// CHECK-LABEL: define {{.*}} @noinstr_entry(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: ret
noinstr int noinstr_entry(int x) { return x + 1; }

// The function lock helper takes a typedef'd spinlock.
void lock_it(spinlock_t *l) { l->rlock.val.counter++; }

// OBJ-DAG: FUNC GLOBAL DEFAULT {{.*}} vfs_read
// OBJ-DAG: OBJECT WEAK HIDDEN {{.*}} __kcov_df_layout_
// OBJ-DAG: NOTYPE GLOBAL DEFAULT UND __kcov_df_trace_args_v2
// OBJ-DAG: NOTYPE GLOBAL DEFAULT UND __sanitizer_cov_trace_pc_entry
// OBJ-DAG: NOTYPE GLOBAL DEFAULT UND __kcov_df_gate
