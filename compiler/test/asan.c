// With ASan's stack instrumentation (user-space -fsanitize=address, or
// KASAN_STACK), allocas and #dbg_declares are rewritten into ASan's frame.
// The parameters still get their values: byval memory from the argument
// (nothing wrote it before the callbacks), address-taken scalars from the
// IR argument through the argument map. Our code is not instrumented.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -fsanitize=address -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: %opt -passes=verify -disable-output %t.ll
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -fsanitize=kernel-address -mllvm -asan-stack=1 -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.k.ll
// RUN: FileCheck %s < %t.k.ll
// RUN: %opt -passes=verify -disable-output %t.k.ll

struct big { long a[5]; };
extern void sinkp(int *);

// info(0, FIRST|FIELDS|BYVAL, 40) = 171798695168
// CHECK-LABEL: define {{.*}} @f_big(
// CHECK: [[V:%.*]] = ptrtoint ptr %s to i64
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 171798695168, i64 [[V]], ptr @__kcov_df_layout_{{[0-9a-f]+}})
long f_big(struct big s) { return s.a[3]; }

// info(0, FIRST|SIGNED, 4) = 17180393728
// CHECK-LABEL: define {{.*}} @taken(
// CHECK: [[X:%.*]] = sext i32 %x to i64
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393728, i64 [[X]], ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK-NOT: __asan_report
// CHECK: ret i32
int taken(int x) { sinkp(&x); return x; }
