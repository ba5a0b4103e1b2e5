// Scalars wider than 64 bits: the low 64 bits, with the real size in the
// info word. _Complex values are scalars too (no layout): their first
// 8 bytes.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O2.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O2 < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O0.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O0 < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll

// CHECK-LABEL: define {{.*}} @f_i128(
// O2: [[V:%.*]] = trunc i128 %x to i64
// O0: [[V:%.*]] = load i64, ptr %x.addr
// info(0, FIRST|SIGNED, 16)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68720001280, i64 [[V]], ptr null)
// CHECK: [[R:%.*]] = trunc i128 %add to i64
// info(0xff, SIGNED, 16)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68720001279, i64 [[R]], ptr null)
__int128 f_i128(__int128 x) { return x + 1; }

// CHECK-LABEL: define {{.*}} @f_u128(
// info(0, FIRST, 16)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68719476992,
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68719476991,
unsigned __int128 f_u128(unsigned __int128 x) { return x + 1; }

// long double: x86_fp80 in 16 bytes; the low 8 bytes are the mantissa.
// CHECK-LABEL: define {{.*}} @f_ld(
// O2: store x86_fp80 %x, ptr %kcovdf.scratch
// O2: [[V:%.*]] = load i64, ptr %kcovdf.scratch
// O0: [[V:%.*]] = load i64, ptr %x.addr
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68719476992, i64 [[V]], ptr null)
// CHECK: [[B:%.*]] = bitcast x86_fp80 %mul to i80
// CHECK: [[R:%.*]] = trunc i80 [[B]] to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68719476991, i64 [[R]], ptr null)
long double f_ld(long double x) { return x * 2; }

// _Complex double: two registers, assembled; the real part is read.
// CHECK-LABEL: define {{.*}} @f_cd(
// O2: store double %z.coerce0, ptr %kcovdf.scratch
// O2: store double %z.coerce1, ptr
// O2: [[V:%.*]] = load i64, ptr %kcovdf.scratch
// O0: [[V:%.*]] = load i64, ptr %z
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68719476992, i64 [[V]], ptr null)
// CHECK: store { double, double } [[RV:%.*]], ptr %kcovdf.scratch
// CHECK: [[R:%.*]] = load i64, ptr %kcovdf.scratch
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68719476991, i64 [[R]], ptr null)
// CHECK-NEXT: call void @llvm.lifetime.end.p0(ptr %kcovdf.scratch)
// CHECK-NEXT: ret { double, double } [[RV]]
_Complex double f_cd(_Complex double z) { return z * 2; }

// _Complex float: one <2 x float> register.
// CHECK-LABEL: define {{.*}} @f_cf(
// O2: [[V:%.*]] = bitcast <2 x float> %z.coerce to i64
// O0: [[V:%.*]] = load i64, ptr %z
// info(0, FIRST, 8)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 [[V]], ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 34359738623,
_Complex float f_cf(_Complex float z) { return z * 2; }

// The scratch slot is a static alloca of the entry block.
// CHECK-LABEL: define {{.*}} @f_scratch_is_static(
// CHECK-NEXT: entry:
// CHECK-NEXT: %kcovdf.scratch = alloca [16 x i8], align 16
_Complex double f_scratch_is_static(_Complex double z) { return z; }
