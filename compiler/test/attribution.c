// Values are attributed to parameters only when it is certain; otherwise
// OPTOUT (value 0) so tools print "<optimized out>".
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args %s -o %t.O2.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O2 < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args %s -o %t.O0.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O0 < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll
//
// info(0, FIRST|SIGNED, 4) = 17180393728, info(1, SIGNED, 4) = 17180393473,
// info(0, FIRST|OPTOUT, 4) = 17180000512, info(1, OPTOUT, 4) = 17180000257

extern int g(void);
extern void sink(int);
extern void sinkp(int *);

// The body assigns x before anything else. At -O2 the record of the
// incoming value is deleted as redundant and the first remaining one says
// x == 5; the argument map recorded before optimization gives %x.
// CHECK-LABEL: define {{.*}} @first_write(i32 noundef %x)
// O2: [[V:%.*]] = sext i32 %x to i64
// O0: [[L:%.*]] = load i32, ptr %x.addr
// O0: [[V:%.*]] = sext i32 [[L]] to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393728, i64 [[V]], ptr null)
// O0: store i32 5, ptr %x.addr
int first_write(int x) { x = 5; sinkp(&x); return x; }

// b = a: b's incoming record is deleted likewise; a's argument is not b's.
// CHECK-LABEL: define {{.*}} @copy(i32 noundef %a, i32 noundef %b)
// O2: [[A:%.*]] = sext i32 %a to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393728, i64 {{%.*}}, ptr null)
// O2: [[B:%.*]] = sext i32 %b to i64
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393473, i64 [[B]], ptr null)
// O0: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393473, i64 {{%.*}}, ptr null)
void copy(int a, int b) { b = a; a = 0; sinkp(&a); sinkp(&b); }

// An unused parameter of a function DeadArgElim can see all calls of: the
// callers pass poison, the value is unknown. The other parameter is fine.
// CHECK-LABEL: define {{.*}} @unused_arg(
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180000512, i64 0, ptr null)
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393473, i64 {{%.*}}, ptr null)
// O0: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393728, i64 {{%.*}}, ptr null)
// O0: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393473, i64 {{%.*}}, ptr null)
__attribute__((noinline)) int unused_arg(int x, int y) { sink(y); return 0; }
int call_unused(void) { return unused_arg(g(), g()); }

// A static function whose parameter DeadArgElim removed.
// CHECK-LABEL: define internal {{.*}} @dead_static(
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180000512, i64 0, ptr null)
// O2: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393473,
static __attribute__((noinline)) int dead_static(int a, int b) { return b * 2; }
int call_dead(int z) { return dead_static(z, z + 1); }

// Unnamed parameters still have a (nameless) variable.
// CHECK-LABEL: define {{.*}} @unnamed(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393728, i64 {{%.*}}, ptr null)
// info(1, SIGNED, 8) = 34360262657
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34360262657,
#pragma clang diagnostic ignored "-Wc23-extensions"
long unnamed(int, long b) { return b; }

// Variadic: fixed parameters only.
// CHECK-LABEL: define {{.*}} @va(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393728,
// CHECK-NOT: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: ret
int va(int n, ...) {
  __builtin_va_list ap;
  __builtin_va_start(ap, n);
  int r = __builtin_va_arg(ap, int);
  __builtin_va_end(ap);
  return r;
}
