// C++: `this` is parameter 0 (a pointer to the class: FIELDS), references
// are pointers, a class with a non-trivial copy constructor is passed
// indirectly (its memory: BYVAL|FIELDS), and with exceptions the exit hook
// also runs on the unwind path (before `resume`).
//
// RUN: %kcxx -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret -mllvm -kcov-df-entry-exit %s -o %t.O2.ll
// RUN: FileCheck %s < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcxx -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret -mllvm -kcov-df-entry-exit %s -o %t.O0.ll
// RUN: FileCheck %s < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll

struct Obj {
  int a;
  long b;
  __attribute__((noinline)) int get(int k) const { return a + k; }
};
struct NT {
  int x;
  NT(const NT &o) : x(o.x) {}
  NT(int v) : x(v) {}
  ~NT();
};
NT::~NT() {}

// info(0, FIRST|FIELDS, 8) = 34359739648, info(1, FIELDS, 8) = 34359739393,
// info(2, FIELDS, 8) = 34359739394
// CHECK-LABEL: define {{.*}} @_Z5byrefR3ObjRKS_OS_(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359739648, i64 {{%.*}}, ptr @[[OBJ:__kcov_df_layout_[0-9a-f]+]])
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359739393, i64 {{%.*}}, ptr @[[OBJ]])
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359739394, i64 {{%.*}}, ptr @[[OBJ]])
int byref(Obj &o, const Obj &p, Obj &&q) { return o.a + p.a + q.a; }

// Indirect: info(0, FIRST|FIELDS|BYVAL, 4) = 17179872512
// CHECK-LABEL: define {{.*}} @_Z10nontrivial2NT(ptr
// CHECK: [[V:%.*]] = ptrtoint ptr {{%.*}} to i64
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17179872512, i64 [[V]], ptr @__kcov_df_layout_{{[0-9a-f]+}})
int nontrivial(NT n) { return n.x; }

// `this`, then k. info(1, SIGNED, 4) = 17180393473
// CHECK-LABEL: define {{.*}} @_ZNK3Obj3getEi(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 34359739648, i64 {{%.*}}, ptr @[[OBJ]])
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2({{.*}}, i64 17180393473,
int call(Obj *o) { return o->get(3); }

int thrower(int x) {
  if (x)
    throw x;
  return 1;
}

// CHECK-LABEL: define {{.*}} @_Z4useri(
// CHECK: call void @__sanitizer_cov_trace_pc_entry()
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK-NEXT: notail call void @__sanitizer_cov_trace_pc_exit()
// CHECK-NEXT: ret i32
// CHECK: notail call void @__sanitizer_cov_trace_pc_exit()
// CHECK-NEXT: resume
int user(int x) {
  NT guard(x);
  try {
    return thrower(x);
  } catch (long e) {
    return (int)e;
  }
}
