// Scalars wider than 64 bits (__int128, long double, _Float128, _Complex
// double, vectors) are recorded whole: KCOV_DF_F_WIDE, and the value is
// the address of a copy of all their bytes (the -O0 stack slot, or the
// scratch slot, zero-filled where the value does not cover it: x86_fp80's
// 6 bytes of padding). _Complex float fits in 8 bytes: a plain scalar.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O2.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O2 < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O0.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O0 < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll
// Without debug info, from the IR types.
// RUN: %kcc -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.nodi.ll
// RUN: FileCheck %s --check-prefix=NODI < %t.nodi.ll

// CHECK-LABEL: define {{.*}} @f_i128(
// O2: store i128 %x, ptr %kcovdf.scratch
// O2: [[V:%.*]] = ptrtoint ptr %kcovdf.scratch to i64
// O0: store i128 %x, ptr %x.addr
// O0: [[V:%.*]] = ptrtoint ptr %x.addr to i64
// info(0, FIRST|SIGNED|WIDE, 16)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68722098432, i64 [[V]], ptr null)
// CHECK: store i128 %add, ptr %kcovdf.scratch
// CHECK: [[R:%.*]] = ptrtoint ptr %kcovdf.scratch to i64
// info(0xff, SIGNED|WIDE, 16)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68722098431, i64 [[R]], ptr null)
// NODI-LABEL: define {{.*}} @f_i128(
// NODI: store i128 %x, ptr %kcovdf.scratch
// info(0, FIRST|WIDE, 16)
// NODI: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68721574144,
__int128 f_i128(__int128 x) { return x + 1; }

// CHECK-LABEL: define {{.*}} @f_u128(
// info(0, FIRST|WIDE, 16)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68721574144,
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68721574143,
unsigned __int128 f_u128(unsigned __int128 x) { return x + 1; }

// long double: x86_fp80, 10 bytes in a 16-byte slot; the 6 others zeroed.
// CHECK-LABEL: define {{.*}} @f_ld(
// O2: call void @llvm.memset.p0.i64(ptr align 16 %kcovdf.scratch, i8 0, i64 16, i1 false)
// O2-NEXT: store x86_fp80 %x, ptr %kcovdf.scratch
// O2: [[V:%.*]] = ptrtoint ptr %kcovdf.scratch to i64
// O0: [[V:%.*]] = ptrtoint ptr %x.addr to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68721574144, i64 [[V]], ptr null)
// CHECK: call void @llvm.memset.p0.i64(ptr align 16 %kcovdf.scratch, i8 0, i64 16, i1 false)
// CHECK-NEXT: store x86_fp80 %mul, ptr %kcovdf.scratch
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68721574143,
// NODI-LABEL: define {{.*}} @f_ld(
// NODI: call void @llvm.memset.p0.i64(ptr align 16 %kcovdf.scratch, i8 0, i64 16, i1 false)
// NODI: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68721574144,
long double f_ld(long double x) { return x * 2; }

// _Float128: fp128, all 16 bytes.
// CHECK-LABEL: define {{.*}} @f_q(
// O2-NOT: memset
// O2: store fp128 %x, ptr %kcovdf.scratch
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68721574144,
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68721574143,
__float128 f_q(__float128 x) { return x * 2; }

// _Complex double: two registers, assembled whole.
// CHECK-LABEL: define {{.*}} @f_cd(
// O2: store double %z.coerce0, ptr %kcovdf.scratch
// O2: store double %z.coerce1, ptr
// O2: [[V:%.*]] = ptrtoint ptr %kcovdf.scratch to i64
// O0: [[V:%.*]] = ptrtoint ptr %z to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68721574144, i64 [[V]], ptr null)
// CHECK: store { double, double } [[RV:%.*]], ptr %kcovdf.scratch
// CHECK: [[R:%.*]] = ptrtoint ptr %kcovdf.scratch to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68721574143, i64 [[R]], ptr null)
// CHECK-NEXT: call void @llvm.lifetime.end.p0(ptr %kcovdf.scratch)
// CHECK-NEXT: ret { double, double } [[RV]]
_Complex double f_cd(_Complex double z) { return z * 2; }

// _Complex long double: 32 bytes, two x86_fp80 with their padding.
// info(0, FIRST|WIDE, 32)
// CHECK-LABEL: define {{.*}} @f_cld(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 137441050880,
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 137441050879,
_Complex long double f_cld(_Complex long double z) { return z * 2; }

// A vector of 16 bytes.
typedef int v4si __attribute__((vector_size(16)));
// CHECK-LABEL: define {{.*}} @f_v4(
// O2: store <4 x i32> %a, ptr %kcovdf.scratch
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 68721574144,
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 68721574143,
v4si f_v4(v4si a) { return a + a; }

// _Complex float: one <2 x float> register, 8 bytes: a plain scalar.
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
