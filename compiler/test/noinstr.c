// Functions that are never instrumented: no_sanitize("coverage"),
// disable_sanitizer_instrumentation, naked, sections in the skip list
// (.noinstr.text and .entry.text by default, or -kcov-df-skip-sections),
// names starting with __sanitizer_ or __kcov_df_, constructors and
// destructors, functions whose entry block ends in unreachable,
// available_externally bodies and declarations.
//
// clang turns no_sanitize("coverage") into the IR attribute
// nosanitize_coverage only when a -fsanitize-coverage= mode is on: the
// kernel's KCOV builds have -fsanitize-coverage=trace-pc. (What
// SanitizerCoverage itself instruments is its business: it has no section
// list; the kernel marks noinstr functions no_sanitize("coverage") too.)
//
// RUN: %kcc -g -O2 -S -emit-llvm -fsanitize-coverage=trace-pc -mllvm -kcov-df-args -mllvm -kcov-df-ret -mllvm -kcov-df-entry-exit %s -o %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: %opt -passes=verify -disable-output %t.ll
// RUN: %kcc -g -O2 -S -emit-llvm -fsanitize-coverage=trace-pc -mllvm -kcov-df-args -mllvm -kcov-df-skip-sections=.mine.text,.cold.* %s -o %t.skip.ll
// RUN: FileCheck %s --check-prefix=SKIP < %t.skip.ll

// CHECK-LABEL: define {{.*}} @instrumented(
// CHECK: call void @__sanitizer_cov_trace_pc_entry()
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK: call void @__sanitizer_cov_trace_pc_exit()
int instrumented(int x) { return x + 1; }

// CHECK-LABEL: define {{.*}} @no_cov(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: ret
__attribute__((no_sanitize("coverage"))) int no_cov(int x) { return x + 2; }

// CHECK-LABEL: define {{.*}} @no_instr(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: ret
__attribute__((disable_sanitizer_instrumentation)) int no_instr(int x) { return x + 3; }

// CHECK-LABEL: define {{.*}} @naked(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: unreachable
__attribute__((naked)) void naked(void) { __asm__("ret"); }

// CHECK-LABEL: define {{.*}} @noinstr_fn(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: ret
__attribute__((section(".noinstr.text"))) int noinstr_fn(int x) { return x + 4; }

// CHECK-LABEL: define {{.*}} @entry_fn(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: ret
__attribute__((section(".entry.text"))) int entry_fn(int x) { return x + 5; }

// Instrumented by default; skipped with -kcov-df-skip-sections.
// CHECK-LABEL: define {{.*}} @mine(
// CHECK: call void @__sanitizer_cov_trace_pc_entry()
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK: call void @__sanitizer_cov_trace_pc_exit()
// SKIP-LABEL: define {{.*}} @mine(
// SKIP-NOT: call preserve_mostcc void @__kcov_df_trace_args_v2(
// SKIP: ret
__attribute__((section(".mine.text"))) int mine(int x) { return x + 6; }
// A prefix pattern.
// CHECK-LABEL: define {{.*}} @cold_one(
// CHECK: call void @__sanitizer_cov_trace_pc_entry()
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK: call void @__sanitizer_cov_trace_pc_exit()
// SKIP-LABEL: define {{.*}} @cold_one(
// SKIP-NOT: call preserve_mostcc void @__kcov_df_trace_args_v2(
// SKIP: ret
__attribute__((section(".cold.one"))) int cold_one(int x) { return x + 7; }

// The runtime's own functions.
// CHECK-LABEL: define {{.*}} @__sanitizer_helper(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: ret
int __sanitizer_helper(int x) { return x + 8; }
// CHECK-LABEL: define {{.*}} @__kcov_df_helper(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: ret
int __kcov_df_helper(int x) { return x + 9; }

// Constructors and destructors run outside any runtime's lifetime.
// CHECK-LABEL: define {{.*}} @ctor(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: ret
extern void setup(void);
__attribute__((constructor)) void ctor(void) { setup(); }
// CHECK-LABEL: define {{.*}} @dtor(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: ret
__attribute__((destructor)) void dtor(void) { setup(); }

// The entry block ends in unreachable.
// CHECK-LABEL: define {{.*}} @dies(
// CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
// CHECK: call void @llvm.trap()
// CHECK-NEXT: unreachable
void dies(int x) { __builtin_trap(); }

// gnu_inline extern inline: available_externally; only the caller is
// instrumented (the body was inlined into it).
// CHECK-LABEL: define {{.*}} @use_ae(
// CHECK: call void @__sanitizer_cov_trace_pc_entry()
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK: call void @__sanitizer_cov_trace_pc_exit()
extern inline __attribute__((gnu_inline, always_inline)) int ae(int x) { return x + 10; }
int use_ae(int y) { return ae(y); }

// CHECK-DAG: declare void @__sanitizer_cov_trace_pc_entry()
// CHECK-DAG: declare preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK-DAG: declare preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK-DAG: declare void @__sanitizer_cov_trace_pc_exit()
