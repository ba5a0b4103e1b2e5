// musttail: nothing may sit between a musttail call and its ret, so there
// is no __kcov_df_trace_ret_v2 before it; with -kcov-df-entry-exit the
// exit hook goes before the musttail call (the frame ends there), as LLVM
// 23's trace-pc-entry-exit does. Other returns of the function keep both.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret -mllvm -kcov-df-entry-exit %s -o %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: grep -B1 -A1 'musttail call' %t.ll | FileCheck %s --check-prefix=MT
// RUN: FileCheck %s --check-prefix=RET < %t.ll
// RUN: %opt -passes=verify -disable-output %t.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret -mllvm -kcov-df-gate -mllvm -kcov-df-entry-exit %s -o %t0.ll
// RUN: FileCheck %s < %t0.ll
// RUN: grep -B1 -A1 'musttail call' %t0.ll | FileCheck %s --check-prefix=MT
// RUN: FileCheck %s --check-prefix=RET < %t0.ll
// RUN: %opt -passes=verify -disable-output %t0.ll

extern int callee(int);

// CHECK-LABEL: define {{.*}} @mt(
// CHECK: call void @__sanitizer_cov_trace_pc_entry()
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK-NOT: call preserve_mostcc void @__kcov_df_trace_ret_v2
// CHECK: notail call void @__sanitizer_cov_trace_pc_exit()
// CHECK-NEXT: %call = musttail call i32 @callee(
// CHECK-NEXT: ret i32 %call
int mt(int x) { __attribute__((musttail)) return callee(x); }

// One return of each kind, in whatever block order.
// CHECK-LABEL: define {{.*}} @mixed(
// CHECK-COUNT-1: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK-NOT: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK: {{^}$}}
// Both musttail calls (mt's and mixed's), with the exit hook right before.
// MT: notail call void @__sanitizer_cov_trace_pc_exit()
// MT-NEXT: %call = musttail call i32 @callee(
// MT-NEXT: ret i32 %call
// MT: notail call void @__sanitizer_cov_trace_pc_exit()
// MT-NEXT: %call = musttail call i32 @callee(
// MT-NEXT: ret i32 %call
// RET-LABEL: define {{.*}} @mixed(
// RET: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @mixed
// RET: notail call void @__sanitizer_cov_trace_pc_exit()
// RET-NEXT: ret i32
int mixed(int x) {
  if (x > 10)
    return x;
  __attribute__((musttail)) return callee(x);
}
