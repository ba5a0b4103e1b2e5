// Without debug info (or with line tables only, whose subprograms do not
// describe parameters) the IR arguments are reported: sret is skipped, the
// index is the position among the others, byval memory is BYVAL without a
// layout, signext arguments are SIGNED, others zero-extended.
//
// RUN: %kcc -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.ll
// RUN: FileCheck %s < %t.ll
// RUN: %opt -passes=verify -disable-output %t.ll
// No layout tables without debug info.
// RUN: not grep __kcov_df_layout_ %t.ll
// RUN: %kcc -gline-tables-only -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.lt.ll
// RUN: FileCheck %s < %t.lt.ll
// RUN: %opt -passes=verify -disable-output %t.lt.ll

struct big { long a[5]; };
struct s2 { long a, b; };

// CHECK-LABEL: define {{.*}} @nd_sret(ptr {{.*}}sret(%struct.big){{.*}}%agg.result, i32 noundef %a, i16 noundef signext %b, i8 noundef zeroext %c, ptr noundef byval(%struct.big)
// No debug info: an i32 without signext is zero-extended. info(0, FIRST, 4)
// CHECK: [[A:%.*]] = zext i32 %a to i64
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @nd_sret to i64), i64 17179869440, i64 [[A]], ptr null)
// info(1, SIGNED, 2)
// CHECK: [[B:%.*]] = sext i16 %b to i64
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @nd_sret to i64), i64 8590458881, i64 [[B]], ptr null)
// info(2, 0, 1)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @nd_sret to i64), i64 4294967298,
// info(3, BYVAL, 40)
// CHECK: [[S:%.*]] = ptrtoint ptr %s to i64
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @nd_sret to i64), i64 171798693891, i64 [[S]], ptr null)
// The return is the sret memory. info(0xff, BYVAL, 40)
// CHECK: [[R:%.*]] = ptrtoint ptr %agg.result to i64
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @nd_sret to i64), i64 171798694143, i64 [[R]], ptr null)
struct big nd_sret(int a, short b, unsigned char c, struct big s) {
  s.a[0] = a + b + c;
  return s;
}

// A struct in two registers is two IR arguments, 0 and 1.
// CHECK-LABEL: define {{.*}} @nd_regs(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 %s.coerce0, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738369, i64 %s.coerce1, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738370,
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738371,
long nd_regs(struct s2 s, double d, void *p) { return s.a + (long)d + (p != 0); }

// CHECK-LABEL: define {{.*}} @nd_void(
// info(0xff, FIRST|NOARGS, 0) = 1023, info(0xff, VOID, 0) = 65791
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @nd_void to i64), i64 1023, i64 0, ptr null)
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @nd_void to i64), i64 65791, i64 0, ptr null)
void nd_void(void) {}

