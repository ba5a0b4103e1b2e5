// Pointers to complete structs/unions carry FIELDS and the pointee's
// layout; void *, pointers to pointers, to incomplete types and to types
// without members are plain values.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O2.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O2 < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.O0.ll
// RUN: FileCheck %s --check-prefixes=CHECK,O0 < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll

// One table per type, emitted once, before the functions in the listing.
// CHECK: @[[POINT:__kcov_df_layout_[0-9a-f]{16}]] = linkonce_odr hidden constant {{.*}} c"struct point\00" }>, comdat, align 8
// CHECK-NOT: c"struct point\00"
// CHECK: @[[NUM:__kcov_df_layout_[0-9a-f]{16}]] = linkonce_odr hidden constant {{.*}} c"union num\00" }>, comdat, align 8
// CHECK-NOT: c"struct point\00"

struct point { int x, y; };
typedef const struct point cpoint_t;
struct opaque;
struct empty {};
union num { int i; float f; };

// info(0, FIRST|FIELDS, 8) = 34359739648
// CHECK-LABEL: define {{.*}} @f_point(
// O2: [[V:%.*]] = ptrtoint ptr %p to i64
// O0: [[V:%.*]] = load i64, ptr %p.addr
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359739648, i64 [[V]], ptr @[[POINT]])
int f_point(struct point *p) { return p->x + p->y; }

// Typedefs and qualifiers are stripped: the same table.
// CHECK-LABEL: define {{.*}} @f_cpoint(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359739648, i64 {{%.*}}, ptr @[[POINT]])
int f_cpoint(cpoint_t *p) { return p->x; }

// Returning a pointer to a struct: FIELDS on the return record.
// info(0xff, FIELDS, 8) = 34359739647
// CHECK-LABEL: define {{.*}} @f_ret_point(
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2({{.*}}, i64 34359739647, i64 {{%.*}}, ptr @[[POINT]])
struct point *f_ret_point(struct point *p) { return p + 1; }

// CHECK-LABEL: define {{.*}} @f_union(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359739648, i64 {{%.*}}, ptr @[[NUM]])
int f_union(union num *u) { return u->i; }

// Plain values: info(0, FIRST, 8) = 34359738624, no layout.
// CHECK-LABEL: define {{.*}} @f_void(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 {{%.*}}, ptr null)
void *f_void(void *p) { return p; }
// CHECK-LABEL: define {{.*}} @f_ptrptr(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 {{%.*}}, ptr null)
int f_ptrptr(struct point **pp) { return pp != 0; }
// CHECK-LABEL: define {{.*}} @f_opaque(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 {{%.*}}, ptr null)
int f_opaque(struct opaque *o) { return o != 0; }
// CHECK-LABEL: define {{.*}} @f_empty(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 {{%.*}}, ptr null)
int f_empty(struct empty *e) { return e != 0; }
// Function pointers too.
// CHECK-LABEL: define {{.*}} @f_fnptr(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359738624, i64 {{%.*}}, ptr null)
int f_fnptr(int (*fn)(int)) { return fn(1); }

