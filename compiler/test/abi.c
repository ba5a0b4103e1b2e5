// The calling convention of the value callbacks and the ABI symbol every
// instrumented module references (header: "Calling convention").
// RUN: %kcc -g -O2 -S -emit-llvm \
// RUN:   -mllvm -kcov-df-args -mllvm -kcov-df-ret %s -o - | FileCheck %s --check-prefix=PM
// RUN: %kcc -g -O2 -S -emit-llvm \
// RUN:   -mllvm -kcov-df-args -mllvm -kcov-df-ret \
// RUN:   -mllvm -kcov-df-preserve-most=false %s -o - | FileCheck %s --check-prefix=C
// RUN: %clang --target=riscv64-unknown-linux-gnu -fpass-plugin=%plugin -g -O2 -S -emit-llvm \
// RUN:   -mllvm -kcov-df-args %s -o - | FileCheck %s --check-prefix=C
// Non-PIC kernel code reaches the gate directly (no GOT).
// RUN: %kcc -g -O2 -S \
// RUN:   -fno-PIE -mcmodel=kernel -mllvm -kcov-df-args -mllvm -kcov-df-ret \
// RUN:   -mllvm -kcov-df-gate %s -o - | FileCheck %s --check-prefix=ASM

// PM: $__kcov_df_abi_v2_pm.ref = comdat any
// PM: @__kcov_df_abi_v2_pm = external global i8
// PM: @__kcov_df_abi_v2_pm.ref = linkonce_odr hidden constant ptr @__kcov_df_abi_v2_pm, comdat
// PM: @llvm.compiler.used = {{.*}}@__kcov_df_abi_v2_pm.ref
// PM: call preserve_mostcc void @__kcov_df_trace_args_v2(
// PM: call preserve_mostcc void @__kcov_df_trace_ret_v2(
// PM: declare preserve_mostcc void @__kcov_df_trace_args_v2(
// C-NOT: preserve_mostcc
// C: @__kcov_df_abi_v2_c.ref = linkonce_odr hidden constant ptr @__kcov_df_abi_v2_c
// C-NOT: preserve_mostcc
// C: call void @__kcov_df_trace_args_v2(
// C-NOT: preserve_mostcc

// ASM-LABEL: f:
// ASM: cmpl $0, __kcov_df_gate(%rip)
// ASM-NOT: GOTPCREL
// ASM: retq

int f(int x) { return x + 1; }
