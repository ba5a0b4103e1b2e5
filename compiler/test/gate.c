// -kcov-df-gate: the entry callbacks and each return callback run only while
// the global int (default __kcov_df_gate) is non-zero: one load and a branch
// weighted (1, 100000) to a cold block. Scratch stores are in the cold
// block; the scratch alloca stays static in the entry block. The entry hook
// of -kcov-df-entry-exit is not gated.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret -mllvm -kcov-df-gate -mllvm -kcov-df-entry-exit %s -o %t.O2.ll
// RUN: FileCheck %s < %t.O2.ll
// RUN: %opt -passes=verify -disable-output %t.O2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-args -mllvm -kcov-df-ret -mllvm -kcov-df-gate -mllvm -kcov-df-entry-exit %s -o %t.O0.ll
// RUN: FileCheck %s --check-prefix=O0 < %t.O0.ll
// RUN: %opt -passes=verify -disable-output %t.O0.ll
// RUN: %kcc -g -O2 -S -emit-llvm -mllvm -kcov-df-args -mllvm -kcov-df-gate -mllvm -kcov-df-gate-symbol=my_gate %s -o - | FileCheck %s --check-prefix=SYM
// A definition in the module (the runtime's own file) is used as it is.
// RUN: %kcc -g -O2 -S -emit-llvm -DDEFINE_GATE -mllvm -kcov-df-args -mllvm -kcov-df-gate %s -o - | FileCheck %s --check-prefix=DEF

#ifdef DEFINE_GATE
int __kcov_df_gate = 1;
#endif

struct s2 { long a, b; };

// CHECK: @__kcov_df_gate = external dso_local global i32
// SYM: @my_gate = external dso_local global i32
// DEF: @__kcov_df_gate = {{.*}}global i32 1
// DEF-NOT: @__kcov_df_gate = external

// CHECK-LABEL: define {{.*}} @gated(
// CHECK-NEXT: entry:
// CHECK-NEXT: %kcovdf.scratch = alloca [16 x i8], align 16
// CHECK-NEXT: call void @__sanitizer_cov_trace_pc_entry()
// CHECK-NOT: {{call|store|load}}
// CHECK: %kcovdf.gate = load i32, ptr @__kcov_df_gate, align 4, !dbg {{![0-9]+}}, !nosanitize
// CHECK-NEXT: %kcovdf.on = icmp ne i32 %kcovdf.gate, 0
// CHECK-NEXT: br i1 %kcovdf.on, label %kcovdf.cold, label %[[CONT:.*]], !dbg {{![0-9]+}}, !prof [[W:![0-9]+]]
// CHECK: kcovdf.cold:
// CHECK-NEXT: call void @llvm.lifetime.start.p0(ptr %kcovdf.scratch)
// CHECK-NEXT: store i64 %s.coerce0, ptr %kcovdf.scratch
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK-NEXT: call void @llvm.lifetime.end.p0(ptr %kcovdf.scratch)
// CHECK-NEXT: br label %[[CONT]]
// CHECK: [[CONT]]:
// CHECK: %kcovdf.gate{{[0-9]+}} = load i32, ptr @__kcov_df_gate
// CHECK-NEXT: %kcovdf.on{{[0-9]+}} = icmp ne i32 %kcovdf.gate{{[0-9]+}}, 0
// CHECK-NEXT: br i1 %kcovdf.on{{[0-9]+}}, label %kcovdf.cold{{[0-9]+}}, label %[[RET:.*]], !dbg {{![0-9]+}}, !prof [[W]]
// CHECK: kcovdf.cold{{[0-9]+}}:
// CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK-NEXT: br label %[[RET]]
// CHECK: [[RET]]:
// CHECK-NEXT: notail call void @__sanitizer_cov_trace_pc_exit()
// CHECK-NEXT: ret i64
// SYM-LABEL: define {{.*}} @gated(
// SYM: load i32, ptr @my_gate
// DEF-LABEL: define {{.*}} @gated(
// DEF: load i32, ptr @__kcov_df_gate
long gated(struct s2 s, int k) { return s.a + k; }

// -O0: the gate follows the prologue that spills the arguments.
// O0-LABEL: define {{.*}} @gated(
// O0: store i64 %s.coerce1
// O0: store i32 %k, ptr %k.addr
// O0-NOT: {{call|store|load}}
// O0: %kcovdf.gate = load i32, ptr @__kcov_df_gate
// O0: kcovdf.cold:
// O0-NEXT: ptrtoint ptr %s to i64
// O0-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2(

// CHECK: [[W]] = !{!"branch_weights", i32 1, i32 100000}
