// The func argument of a function another object may override (weak,
// linkonce) names this definition through a private alias, never the
// symbol: the override must not capture the records of the weak copy
// (kernel/repro/weak-self-reference).
// RUN: %kcc -g -O2 -S -emit-llvm -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o - | FileCheck %s

// CHECK: @kcovdf.self.hook = private alias i32 (i32), ptr @hook
// CHECK-NOT: kcovdf.self.strong
// CHECK-LABEL: define weak {{.*}} @hook(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @kcovdf.self.hook to i64)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @kcovdf.self.hook to i64)
// CHECK-LABEL: define {{.*}} @strong(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @strong to i64)

__attribute__((weak)) int hook(int x) { return x + 1; }
int strong(int x) { return hook(x) * 2; }
