// Structs passed by value in registers (x86-64 ABI coercion): the pieces
// are copied into the scratch slot at their offsets and its address is
// passed with BYVAL|FIELDS. -O0 reads the spill slot clang fills from the
// coerced arguments.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args %s -o %t.O2.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O2 < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args %s -o %t.O0.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O0 < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll

struct s1 { long a; };
struct s2 { long a; long b; };
struct fi { float f; int i; };
struct di { double d; long l; };
struct ff { float a, b; };
struct c3 { char a, b, c; };
// CHECK: @{{__kcov_df_layout_[0-9a-f]+}} = {{.*}} c"anon_t\00" }>, comdat, align 8
typedef struct { int x; char y; } anon_t;

// One register. info(0, FIRST|FIELDS|BYVAL, 8) = 34359741696
// CHECK-LABEL: define {{.*}} @f_s1(
// O2: store i64 %s.coerce, ptr %kcovdf.scratch
// O2: [[V:%.*]] = ptrtoint ptr %kcovdf.scratch to i64
// O0: store i64 %s.coerce, ptr %coerce.dive
// O0: [[V:%.*]] = ptrtoint ptr %s to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359741696, i64 [[V]], ptr @__kcov_df_layout_{{[0-9a-f]+}})
long f_s1(struct s1 s) { return s.a; }

// Two registers: the second piece at offset 8.
// info(0, FIRST|FIELDS|BYVAL, 16) = 68719480064
// CHECK-LABEL: define {{.*}} @f_s2(
// O2: call void @llvm.lifetime.start.p0(ptr %kcovdf.scratch)
// O2-NEXT: store i64 %s.coerce0, ptr %kcovdf.scratch, align 16
// O2-NEXT: [[P:%.*]] = getelementptr i8, ptr %kcovdf.scratch, i64 8
// O2-NEXT: store i64 %s.coerce1, ptr [[P]], align 8
// O2-NEXT: [[V:%.*]] = ptrtoint ptr %kcovdf.scratch to i64
// O0: [[V:%.*]] = ptrtoint ptr %s to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68719480064, i64 [[V]], ptr @__kcov_df_layout_{{[0-9a-f]+}})
// O2-NEXT: call void @llvm.lifetime.end.p0(ptr %kcovdf.scratch)
long f_s2(struct s2 s) { return s.a + s.b; }

// float and int in one integer register.
// CHECK-LABEL: define {{.*}} @f_fi(
// O2: store i64 %s.coerce, ptr %kcovdf.scratch
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359741696, i64 {{%.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
int f_fi(struct fi s) { return s.i; }

// double in an SSE register, long in an integer register.
// CHECK-LABEL: define {{.*}} @f_di(
// O2: store double %s.coerce0, ptr %kcovdf.scratch
// O2: store i64 %s.coerce1, ptr
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68719480064, i64 {{%.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
long f_di(struct di s) { return s.l; }

// Two floats in one SSE register.
// CHECK-LABEL: define {{.*}} @f_ff(
// O2: store <2 x float> %s.coerce, ptr %kcovdf.scratch
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359741696, i64 {{%.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
float f_ff(struct ff s) { return s.b; }

// Three bytes as an i24. info(0, FIRST|FIELDS|BYVAL, 3) = 12884905216
// CHECK-LABEL: define {{.*}} @f_c3(
// O2: store i24 %s.coerce, ptr %kcovdf.scratch
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 12884905216, i64 {{%.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
int f_c3(struct c3 s) { return s.c; }

// An anonymous struct named by its typedef.
// CHECK-LABEL: define {{.*}} @f_anon(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359741696, i64 {{%.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
int f_anon(anon_t t) { return t.x; }

// The struct between two scalars keeps its source index (1) although it
// takes IR arguments 1 and 2.
// CHECK-LABEL: define {{.*}} @f_two(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393728,
// info(1, FIELDS|BYVAL, 16) = 68719479809
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68719479809,
// info(2, SIGNED, 4) = 17180393474
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393474,
long f_two(int k, struct s2 s, int z) { return s.b + k + z; }



// An empty struct (GNU C) takes no register and has no location: OPTOUT
// with size 0, keeping its index; the parameters around it are unaffected.
// info(1, OPTOUT, 0) = 131073, info(2, SIGNED, 4) = 17180393474
// CHECK-LABEL: define {{.*}} @f_empty(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393728,
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 131073, i64 0, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393474,
#pragma clang diagnostic ignored "-Wgnu-empty-struct"
struct empty {};
int f_empty(int a, struct empty e, int b) { return a + b; }
