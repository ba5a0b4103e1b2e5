; Every `ret` gets its own __kcov_df_trace_ret_v2 (clang merges the
; returns of C code into one block, so this is written in IR, with debug
; info). Each gets its own gate with -kcov-df-gate.
;
; RUN: %kopt -passes=kcov-dataflow -kcov-df-ret -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: %opt -passes=verify -disable-output %t.ll
; RUN: %kopt -passes=kcov-dataflow -kcov-df-ret -kcov-df-gate -S %s | FileCheck %s --check-prefix=GATE

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

declare i32 @g(i32)

; info(0xff, SIGNED, 4) = 17180393727
; CHECK-LABEL: define i32 @multi(
; CHECK: neg:
; CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @multi to i64), i64 17180393727, i64 -1, ptr null), !dbg [[L1:![0-9]+]]
; CHECK-NEXT: ret i32 -1, !dbg [[L1]]
; CHECK: zero:
; CHECK-NEXT: %r = call i32 @g(i32 0)
; CHECK-NEXT: [[V:%.*]] = sext i32 %r to i64
; CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @multi to i64), i64 17180393727, i64 [[V]], ptr null)
; CHECK-NEXT: ret i32 %r
; CHECK: pos:
; CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @multi to i64), i64 17180393727,
; CHECK-NEXT: ret i32 %m
; GATE-LABEL: define i32 @multi(
; GATE-COUNT-3: load i32, ptr @__kcov_df_gate
; GATE-NOT: load i32, ptr @__kcov_df_gate
; GATE-LABEL: define void @v(
define i32 @multi(i32 %x) !dbg !5 {
entry:
    #dbg_value(i32 %x, !11, !DIExpression(), !12)
  %c = icmp slt i32 %x, 0, !dbg !12
  br i1 %c, label %neg, label %next, !dbg !12
next:
  %z = icmp eq i32 %x, 0, !dbg !12
  br i1 %z, label %zero, label %pos, !dbg !12
neg:
  ret i32 -1, !dbg !13
zero:
  %r = call i32 @g(i32 0), !dbg !14
  ret i32 %r, !dbg !14
pos:
  %m = shl i32 %x, 1, !dbg !15
  ret i32 %m, !dbg !15
}

; A void function: VOID, value 0. info(0xff, VOID, 0) = 65791
; CHECK-LABEL: define void @v(
; CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @v to i64), i64 65791, i64 0, ptr null)
; CHECK-NEXT: ret void
; CHECK: call preserve_mostcc void @__kcov_df_trace_ret_v2(i64 ptrtoint (ptr @v to i64), i64 65791, i64 0, ptr null)
; CHECK-NEXT: ret void
define void @v(i1 %c) !dbg !16 {
entry:
  br i1 %c, label %a, label %b, !dbg !17
a:
  ret void, !dbg !17
b:
  ret void, !dbg !17
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "hand", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "multiret.c", directory: "/")
!3 = !{i32 7, !"Dwarf Version", i32 5}
!4 = !{i32 2, !"Debug Info Version", i32 3}
!5 = distinct !DISubprogram(name: "multi", scope: !1, file: !1, line: 1, type: !6, scopeLine: 1, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0, retainedNodes: !9)
!6 = !DISubroutineType(types: !7)
!7 = !{!8, !8}
!8 = !DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)
!9 = !{!11}
!11 = !DILocalVariable(name: "x", arg: 1, scope: !5, file: !1, line: 1, type: !8)
!12 = !DILocation(line: 1, scope: !5)
!13 = !DILocation(line: 2, scope: !5)
!14 = !DILocation(line: 3, scope: !5)
!15 = !DILocation(line: 4, scope: !5)
!16 = distinct !DISubprogram(name: "v", scope: !1, file: !1, line: 6, type: !18, scopeLine: 6, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!17 = !DILocation(line: 6, scope: !16)
!18 = !DISubroutineType(types: !19)
!19 = !{null, !20}
!20 = !DIBasicType(name: "_Bool", size: 8, encoding: DW_ATE_boolean)
