// Scalar parameters and return values: extension by the debug-info type's
// signedness, SIGNED flag, sizes, index order. -O0 reads the spill slots,
// -O2 the SSA values.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O2.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O2 < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O0.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O0 < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll
//
// info = argidx | flags << 8 | size << 32 (KCOV_DF_INFO); flags FIRST 0x1,
// SIGNED 0x800; argidx 0xff on returns.

enum sgn { SA = -1, SB = 1 };
enum uns { UA = 1, UB = 2 };

// CHECK-LABEL: define {{.*}} @f_int(
// O0: store i32 %x, ptr %x.addr
// O0: [[L:%.*]] = load i32, ptr %x.addr
// O0: [[V:%.*]] = sext i32 [[L]] to i64
// O2: [[V:%.*]] = sext i32 %x to i64
// info(0, FIRST|SIGNED, 4)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @f_int to i64), i64 17180393728, i64 [[V]], ptr null)
// CHECK: [[R:%.*]] = sext i32 %add to i64
// info(0xff, SIGNED, 4)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @f_int to i64), i64 17180393727, i64 [[R]], ptr null)
// CHECK-NEXT: ret i32 %add
int f_int(int x) { return x + 1; }

// CHECK-LABEL: define {{.*}} @f_uchar(
// CHECK: [[V:%.*]] = zext i8 {{%.*}} to i64
// info(0, FIRST, 1)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 4294967552, i64 [[V]], ptr null)
// CHECK: [[R:%.*]] = zext i8 {{%.*}} to i64
// info(0xff, 0, 1)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 4294967551, i64 [[R]], ptr null)
unsigned char f_uchar(unsigned char x) { return x + 1; }

// CHECK-LABEL: define {{.*}} @f_schar(
// CHECK: [[V:%.*]] = sext i8 {{%.*}} to i64
// info(0, FIRST|SIGNED, 1)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 4295491840, i64 [[V]], ptr null)
// info(0xff, SIGNED, 1)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 4295491839,
signed char f_schar(signed char x) { return x + 1; }

// _Bool: 1 byte, zero-extended. -O2 gets it through the i1 argument.
// CHECK-LABEL: define {{.*}} @f_bool(
// O2: [[B:%.*]] = zext i1 %x to i8
// O2: [[V:%.*]] = zext i8 [[B]] to i64
// O0: [[L:%.*]] = load i8, ptr %x.addr
// O0: [[V:%.*]] = zext i8 [[L]] to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 4294967552, i64 [[V]], ptr null)
// CHECK: [[R:%.*]] = zext i1 %lnot to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 4294967551, i64 [[R]], ptr null)
_Bool f_bool(_Bool x) { return !x; }

// Enums take the signedness of their underlying type.
// CHECK-LABEL: define {{.*}} @f_senum(
// CHECK: [[V:%.*]] = sext i32 {{%.*}} to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393728, i64 [[V]], ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 17180393727,
enum sgn f_senum(enum sgn x) { return x; }

// CHECK-LABEL: define {{.*}} @f_uenum(
// CHECK: [[V:%.*]] = zext i32 {{%.*}} to i64
// info(0, FIRST, 4)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17179869440, i64 [[V]], ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 17179869439,
enum uns f_uenum(enum uns x) { return x; }

// Floating point: the bits, zero-extended.
// CHECK-LABEL: define {{.*}} @f_float(
// O2: [[I:%.*]] = bitcast float %x to i32
// O0: [[I:%.*]] = load i32, ptr %x.addr
// CHECK: [[V:%.*]] = zext i32 [[I]] to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17179869440, i64 [[V]], ptr null)
// CHECK: [[RI:%.*]] = bitcast float %mul to i32
// CHECK: [[R:%.*]] = zext i32 [[RI]] to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 17179869439, i64 [[R]], ptr null)
float f_float(float x) { return x * 2; }

// CHECK-LABEL: define {{.*}} @f_double(
// O2: [[V:%.*]] = bitcast double %x to i64
// O0: [[V:%.*]] = load i64, ptr %x.addr
// info(0, FIRST, 8)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 [[V]], ptr null)
// CHECK: [[R:%.*]] = bitcast double %mul to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 34359738623, i64 [[R]], ptr null)
double f_double(double x) { return x * 2; }

// CHECK-LABEL: define {{.*}} @f_ptr(
// O2: [[V:%.*]] = ptrtoint ptr %x to i64
// O0: [[V:%.*]] = load i64, ptr %x.addr
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 [[V]], ptr null)
// CHECK: [[R:%.*]] = ptrtoint ptr %add.ptr to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 34359738623, i64 [[R]], ptr null)
void *f_ptr(void *x) { return (char *)x + 1; }

// CHECK-LABEL: define {{.*}} @f_short(
// CHECK: [[V:%.*]] = sext i16 {{%.*}} to i64
// info(0, FIRST|SIGNED, 2)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 8590459136, i64 [[V]], ptr null)
short f_short(short x) { return x + 1; }

// 64-bit values are passed as they are.
// CHECK-LABEL: define {{.*}} @f_ulong(
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 %x, ptr null)
// O2: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 34359738623, i64 %add, ptr null)
unsigned long f_ulong(unsigned long x) { return x + 1; }

// One call per parameter, in order, FIRST only on the first.
// CHECK-LABEL: define {{.*}} @f_many(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @f_many to i64), i64 17180393728,
// info(1, 0, 1)
// CHECK: zext i8
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @f_many to i64), i64 4294967297,
// info(2, 0, 8)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @f_many to i64), i64 34359738370,
// info(3, 0, 8)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @f_many to i64), i64 34359738371,
// CHECK-NOT: call preserve_mostcc void @__kcov_df_trace_args_v2
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2
int f_many(int a, unsigned char b, double c, void *d) {
  return a + b + (int)c + (d != 0);
}

// CHECK: declare preserve_mostcc void @__kcov_df_trace_args_v2(i64, i64, i64, ptr) [[ATTR:#[0-9]+]]
// CHECK: declare preserve_mostcc void @__kcov_df_trace_ret_v2(i64, i64, i64, ptr) [[ATTR]]
// CHECK: attributes [[ATTR]] = { nounwind }
