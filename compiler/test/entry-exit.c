// -kcov-df-entry-exit implements LLVM 23's trace-pc-entry-exit: with
// -fsanitize-coverage=trace-pc, SanitizerCoverage's call in the entry block
// becomes __sanitizer_cov_trace_pc_entry() (so the entry block has exactly
// one trace-pc-like call); without it a new entry call is inserted after the
// static allocas. __sanitizer_cov_trace_pc_exit() (notail) goes before every
// return, after __kcov_df_trace_ret_v2.
//
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -fsanitize-coverage=trace-pc -mllvm -kcov-df-entry-exit -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.pc2.ll
// RUN: FileCheck %s --check-prefixes=CHECK,PC < %t.pc2.ll
// RUN: %opt -passes=verify -disable-output %t.pc2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -fsanitize-coverage=trace-pc -mllvm -kcov-df-entry-exit -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.pc0.ll
// RUN: FileCheck %s --check-prefixes=CHECK,PC < %t.pc0.ll
// RUN: %opt -passes=verify -disable-output %t.pc0.ll
// RUN: %kcc -g -O2 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-entry-exit -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.nopc2.ll
// RUN: FileCheck %s --check-prefixes=CHECK,NOPC < %t.nopc2.ll
// RUN: %opt -passes=verify -disable-output %t.nopc2.ll
// RUN: %kcc -g -O0 -S -emit-llvm -fno-discard-value-names -mllvm -kcov-df-entry-exit -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o %t.nopc0.ll
// RUN: FileCheck %s --check-prefixes=CHECK,NOPC < %t.nopc0.ll
// Entry/exit alone, without args/ret:
// RUN: %kcc -g -O2 -S -emit-llvm -mllvm -kcov-df-entry-exit %s -o - | FileCheck %s --check-prefix=ONLY

extern int g(int);

// CHECK-LABEL: define {{.*}} @ee(
// CHECK-NEXT: entry:
// The entry hook follows the static allocas and precedes everything else.
// CHECK-NOT: {{call|store|load}}
// CHECK: call void @__sanitizer_cov_trace_pc_entry()
// CHECK-NOT: call void @__sanitizer_cov_trace_pc{{(_entry)?}}()
// CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
// CHECK-NOT: call void @__sanitizer_cov_trace_pc{{(_entry)?}}()
// CHECK: br i1
// Later blocks keep SanitizerCoverage's calls.
// PC: call void @__sanitizer_cov_trace_pc()
// NOPC-NOT: call void @__sanitizer_cov_trace_pc()
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK-NEXT: notail call void @__sanitizer_cov_trace_pc_exit()
// CHECK-NEXT: ret i32
// CHECK: {{^}$}}
// ONLY-LABEL: define {{.*}} @ee(
// ONLY: call void @__sanitizer_cov_trace_pc_entry()
// ONLY-NOT: __sanitizer_cov_trace_{{args|ret}}
// ONLY: notail call void @__sanitizer_cov_trace_pc_exit()
// ONLY-NEXT: ret i32
int ee(int x) {
  int buf[4];
  buf[x & 3] = x;
  if (x > 100)
    x = g(x);
  return g(buf[x & 1]);
}

// CHECK-LABEL: define {{.*}} @ee_void(
// CHECK: call void @__sanitizer_cov_trace_pc_entry()
// CHECK-NOT: call void @__sanitizer_cov_trace_pc{{(_entry)?}}()
// CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// CHECK-NEXT: notail call void @__sanitizer_cov_trace_pc_exit()
// CHECK-NEXT: ret void
void ee_void(void) {}

// CHECK-DAG: declare void @__sanitizer_cov_trace_pc_entry() [[NU:#[0-9]+]]
// CHECK-DAG: declare void @__sanitizer_cov_trace_pc_exit() [[NU]]
