; With opt, SanitizerCoverage runs as a pass before this one, in the order
; given: -passes='sancov-module,kcov-dataflow'. The entry block's
; __sanitizer_cov_trace_pc() becomes the entry hook; exits get the exit
; hook, also before `resume` and before a musttail call (as LLVM 23 does).
;
; RUN: %kopt -passes='sancov-module,kcov-dataflow' -sanitizer-coverage-level=3 -sanitizer-coverage-trace-pc -kcov-df-entry-exit -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: %opt -passes=verify -disable-output %t.ll
; Running the pass twice adds nothing the second time.
; RUN: %kopt -passes='kcov-dataflow' -kcov-df-entry-exit -S %t.ll -o %t.twice.ll
; RUN: grep -c __sanitizer_cov_trace_pc_e %t.ll > %t.n1
; RUN: grep -c __sanitizer_cov_trace_pc_e %t.twice.ll > %t.n2
; RUN: diff %t.n1 %t.n2

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

declare i32 @callee(i32)
declare void @may_throw()
declare i32 @__gxx_personality_v0(...)

; CHECK-LABEL: define i32 @multi_return(
; CHECK-NEXT: entry:
; CHECK-NEXT: call void @__sanitizer_cov_trace_pc_entry()
; CHECK-NOT: call void @__sanitizer_cov_trace_pc()
; CHECK: br i1
; CHECK: call void @__sanitizer_cov_trace_pc()
; CHECK: notail call void @__sanitizer_cov_trace_pc_exit()
; CHECK-NEXT: ret i32
; CHECK: call void @__sanitizer_cov_trace_pc()
; CHECK: notail call void @__sanitizer_cov_trace_pc_exit()
; CHECK-NEXT: ret i32
define i32 @multi_return(i32 %a) nounwind {
entry:
  %c = icmp eq i32 %a, 0
  br i1 %c, label %else, label %then
then:
  %r1 = call i32 @callee(i32 %a)
  ret i32 %r1
else:
  %r2 = call i32 @callee(i32 0)
  ret i32 %r2
}

; CHECK-LABEL: define i32 @tail(
; CHECK: call void @__sanitizer_cov_trace_pc_entry()
; CHECK: notail call void @__sanitizer_cov_trace_pc_exit()
; CHECK-NEXT: %r = musttail call i32 @callee(i32 %a)
; CHECK-NEXT: ret i32 %r
define i32 @tail(i32 %a) nounwind {
  %r = musttail call i32 @callee(i32 %a)
  ret i32 %r
}

; An exception leaving the function also ends its frame.
; CHECK-LABEL: define void @unwinds(
; CHECK: call void @__sanitizer_cov_trace_pc_entry()
; CHECK: notail call void @__sanitizer_cov_trace_pc_exit()
; CHECK-NEXT: ret void
; CHECK: notail call void @__sanitizer_cov_trace_pc_exit()
; CHECK-NEXT: resume
define void @unwinds() personality ptr @__gxx_personality_v0 {
entry:
  invoke void @may_throw() to label %ok unwind label %lp
ok:
  ret void
lp:
  %e = landingpad { ptr, i32 } cleanup
  resume { ptr, i32 } %e
}
