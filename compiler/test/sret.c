// Return values of struct type: through the sret pointer (complete at
// the return), or in registers (copied to the scratch slot), both
// BYVAL|FIELDS; the sret argument does not count as a parameter.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O2.ll
// RUN: FileCheck %s  < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O0.ll
// RUN: FileCheck %s  < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll

struct big { long a[5]; };
struct s2 { long a; long b; };
struct s1 { int a; };

// CHECK-LABEL: define {{.*}} @ret_big(ptr {{.*}}sret(%struct.big) {{.*}}%agg.result, i64 noundef %x)
// The only parameter, x, is index 0: info(0, FIRST|SIGNED, 8).
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34360262912,
// CHECK: [[V:%.*]] = ptrtoint ptr %agg.result to i64
// info(0xff, FIELDS|BYVAL, 40) = 171798695167
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 171798695167, i64 [[V]], ptr @__kcov_df_layout_{{[0-9a-f]+}})
// CHECK-NEXT: ret void
struct big ret_big(long x) { struct big b = {{x, x, x, x, x}}; return b; }

// Two registers: { i64, i64 } stored into the scratch slot.
// CHECK-LABEL: define {{.*}} { i64, i64 } @ret_s2(
// CHECK: store { i64, i64 } [[RV:%.*]], ptr %kcovdf.scratch
// CHECK-NEXT: [[V:%.*]] = ptrtoint ptr %kcovdf.scratch to i64
// info(0xff, FIELDS|BYVAL, 16) = 68719480063
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68719480063, i64 [[V]], ptr @__kcov_df_layout_{{[0-9a-f]+}})
// CHECK-NEXT: call void @llvm.lifetime.end.p0(ptr %kcovdf.scratch)
// CHECK-NEXT: ret { i64, i64 } [[RV]]
struct s2 ret_s2(long x) { struct s2 r = {x, x + 1}; return r; }

// One register holding a 4-byte struct.
// CHECK-LABEL: define {{.*}} i32 @ret_s1(
// CHECK: store i32 [[RV:%.*]], ptr %kcovdf.scratch
// info(0xff, FIELDS|BYVAL, 4) = 17179872511
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 17179872511, i64 {{%.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
// CHECK-NEXT: call void @llvm.lifetime.end.p0(ptr %kcovdf.scratch)
// CHECK-NEXT: ret i32 [[RV]]
struct s1 ret_s1(int v) { struct s1 r = {v}; return r; }
