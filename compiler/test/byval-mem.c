// Structs passed in memory (byval): the callee's copy is passed directly,
// BYVAL|FIELDS, read before the function body can change it.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O2.ll
// RUN: FileCheck %s < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O0.ll
// RUN: FileCheck %s < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll

struct big { long a[5]; };

// info(0, FIRST|FIELDS|BYVAL, 40) = 171798695168
// CHECK-LABEL: define {{.*}} @f_big(ptr noundef {{.*}}byval(%struct.big) {{.*}}%s)
// CHECK-NEXT: entry:
// CHECK-NOT: {{load|store|call}}
// CHECK: [[V:%.*]] = ptrtoint ptr %s to i64
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 171798695168, i64 [[V]], ptr @[[BIG:__kcov_df_layout_[0-9a-f]+]])
long f_big(struct big s) { return s.a[3]; }

// The body's first statement writes the copy: the callback comes first.
// CHECK-LABEL: define {{.*}} @f_big_mod(
// CHECK-NEXT: entry:
// CHECK-NOT: store i64 7
// CHECK: [[V:%.*]] = ptrtoint ptr %s to i64
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 171798695168, i64 [[V]], ptr @[[BIG]])
// info(1, FIELDS, 8) = 34359739393
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359739393, i64 {{%.*}}, ptr @[[BIG]])
// CHECK: store i64 7, ptr
// info(0xff, VOID, 0) = 65791
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 65791, i64 0, ptr null)
void f_big_mod(struct big s, struct big *out) { s.a[0] = 7; *out = s; }
