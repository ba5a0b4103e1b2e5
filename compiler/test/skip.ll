; The never-instrument rules, on IR (some cannot be reached from C at -O2:
; available_externally bodies are gone before the optimizer's last step).
;
; RUN: %kopt -passes=kcov-dataflow -kcov-df-args -kcov-df-ret -kcov-df-entry-exit -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: %opt -passes=verify -disable-output %t.ll

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

@llvm.global_ctors = appending global [1 x { i32, ptr, ptr }] [{ i32, ptr, ptr } { i32 1, ptr @my_init, ptr null }]

; CHECK-LABEL: define i32 @control(
; CHECK: call void @__sanitizer_cov_trace_pc_entry()
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(
; CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(
; CHECK: call void @__sanitizer_cov_trace_pc_exit()
define i32 @control(i32 %x) {
  ret i32 %x
}

; CHECK-LABEL: define available_externally i32 @ae(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: ret i32
define available_externally i32 @ae(i32 %x) {
  ret i32 %x
}

; CHECK-LABEL: define internal void @asan.module_ctor(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: ret void
define internal void @asan.module_ctor() {
  ret void
}

; In llvm.global_ctors.
; CHECK-LABEL: define internal void @my_init(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: ret void
define internal void @my_init() {
  ret void
}

; CHECK-LABEL: define void @__sanitizer_cov_trace_cmp4(
; CHECK-NOT: __sanitizer_cov_trace_{{args|ret|pc_entry|pc_exit}}
; CHECK: ret void
define void @__sanitizer_cov_trace_cmp4(i32 %a, i32 %b) {
  ret void
}

; CHECK-LABEL: define void @__kcov_df_record(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: ret void
define void @__kcov_df_record(i64 %a) {
  ret void
}

; CHECK-LABEL: define i32 @nocov(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: ret i32
define i32 @nocov(i32 %x) nosanitize_coverage {
  ret i32 %x
}

; CHECK-LABEL: define i32 @disabled(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: ret i32
define i32 @disabled(i32 %x) disable_sanitizer_instrumentation {
  ret i32 %x
}

; CHECK-LABEL: define void @naked(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: unreachable
define void @naked() naked {
  call void asm sideeffect "ret", ""()
  unreachable
}

; CHECK-LABEL: define i32 @entry_section(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: ret i32
define i32 @entry_section(i32 %x) section ".entry.text" {
  ret i32 %x
}

; CHECK-LABEL: define void @dies(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: unreachable
define void @dies(i32 %x) {
  call void @abort()
  unreachable
}

; Already instrumented (the pass ran before): left alone.
; CHECK-LABEL: define i32 @again(
; CHECK-NOT: __sanitizer_cov_trace
; CHECK: ret i32
define i32 @again(i32 %x) "kcov-df-instrumented" {
  ret i32 %x
}

; CHECK-LABEL: declare void @abort()
declare void @abort()
