; Without the argument map (IR that did not go through a pipeline with
; this plugin from the start, e.g. optimized IR handed to opt), locations
; come from the first records of the entry block and are trusted only when
; they can be nothing but the incoming value: extractions of the
; parameter's own IR arguments, in ABI order, shared with no other
; parameter. Anything else is OPTOUT.
;
; RUN: %kopt -passes=kcov-dataflow -kcov-df-args -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: %opt -passes=verify -disable-output %t.ll

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

; info(0, FIRST|SIGNED, 4) = 17180393728   info(0, FIRST|OPTOUT, 4) = 17180000512
; info(1, SIGNED, 4) = 17180393473         info(1, OPTOUT, 4) = 17180000257

; A constant first record (x = 5 after the incoming record was deleted).
; CHECK-LABEL: define i32 @constant(
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @constant to i64), i64 17180000512, i64 0, ptr null)
define i32 @constant(i32 %x) !dbg !5 {
entry:
    #dbg_value(i32 5, !11, !DIExpression(), !12)
  ret i32 5, !dbg !12
}

; b's first record is a's argument: shared, so neither is trusted.
; CHECK-LABEL: define void @shared(
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @shared to i64), i64 17180000512, i64 0, ptr null)
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @shared to i64), i64 17180000257, i64 0, ptr null)
define void @shared(i32 %a, i32 %b) !dbg !20 {
entry:
    #dbg_value(i32 %a, !21, !DIExpression(), !23)
    #dbg_value(i32 %a, !22, !DIExpression(), !23)
  ret void, !dbg !23
}

; Out of ABI order (a from the second argument, b from the first).
; CHECK-LABEL: define void @swapped(
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @swapped to i64), i64 17180000512, i64 0, ptr null)
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @swapped to i64), i64 17180000257, i64 0, ptr null)
define void @swapped(i32 %p, i32 %q) !dbg !24 {
entry:
    #dbg_value(i32 %q, !25, !DIExpression(), !27)
    #dbg_value(i32 %p, !26, !DIExpression(), !27)
  ret void, !dbg !27
}

; Arithmetic on the argument (x = x + 1 salvaged): not an ABI extraction.
; CHECK-LABEL: define i32 @arith(
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @arith to i64), i64 17180000512, i64 0, ptr null)
define i32 @arith(i32 %x) !dbg !28 {
entry:
    #dbg_value(i32 %x, !29, !DIExpression(DW_OP_plus_uconst, 1, DW_OP_stack_value), !30)
  ret i32 0, !dbg !30
}

; poison: killed. A record of an inlined copy of the function (recursion)
; that follows does not count.
; CHECK-LABEL: define i32 @killed(
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @killed to i64), i64 17180000512, i64 0, ptr null)
define i32 @killed(i32 %x) !dbg !31 {
entry:
    #dbg_value(i32 poison, !32, !DIExpression(), !33)
    #dbg_value(i32 %x, !32, !DIExpression(), !34)
  ret i32 0, !dbg !33
}

; A struct {int a; int b;} coerced to one i64, described by SROA as a
; truncation and a shift: extractions, trusted.
; info(0, FIRST|FIELDS|BYVAL, 8) = 34359741696
; CHECK-LABEL: define i32 @pieces(
; CHECK: [[LO:%.*]] = trunc i64 %s to i32
; CHECK: store i32 [[LO]], ptr %kcovdf.scratch
; CHECK: [[SH:%.*]] = lshr i64 %s, 32
; CHECK: [[HI:%.*]] = trunc i64 [[SH]] to i32
; CHECK: store i32 [[HI]], ptr
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @pieces to i64), i64 34359741696, i64 {{%.*}}, ptr @__kcov_df_layout_{{[0-9a-f]+}})
define i32 @pieces(i64 %s) !dbg !40 {
entry:
  %t = trunc i64 %s to i32
    #dbg_value(i32 %t, !41, !DIExpression(DW_OP_LLVM_fragment, 0, 32), !45)
    #dbg_value(i64 %s, !41, !DIExpression(DW_OP_constu, 32, DW_OP_shr, DW_OP_LLVM_convert, 64, DW_ATE_unsigned, DW_OP_LLVM_convert, 32, DW_ATE_unsigned, DW_OP_stack_value, DW_OP_LLVM_fragment, 32, 32), !45)
  ret i32 %t, !dbg !45
}

; A #dbg_assign naming the alloca (the stack home exists) carries no value;
; the next record gives it.
; CHECK-LABEL: define i32 @assigned(
; CHECK: [[V:%.*]] = sext i32 %x to i64
; CHECK: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @assigned to i64), i64 17180393728, i64 [[V]], ptr null)
define i32 @assigned(i32 %x) !dbg !50 {
entry:
  %x.addr = alloca i32, align 4, !DIAssignID !53
    #dbg_assign(i1 poison, !51, !DIExpression(), !53, ptr %x.addr, !DIExpression(), !52)
    #dbg_assign(i32 %x, !51, !DIExpression(), !54, ptr %x.addr, !DIExpression(), !52)
  ret i32 %x, !dbg !52
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4, !60}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "hand", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "records.c", directory: "/")
!3 = !{i32 7, !"Dwarf Version", i32 5}
!4 = !{i32 2, !"Debug Info Version", i32 3}
!60 = !{i32 7, !"debug-info-assignment-tracking", i1 true}
!6 = !DISubroutineType(types: !7)
!7 = !{!8, !8}
!8 = !DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)
!9 = !DISubroutineType(types: !10)
!10 = !{null, !8, !8}
!5 = distinct !DISubprogram(name: "constant", scope: !1, file: !1, line: 1, type: !6, scopeLine: 1, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!11 = !DILocalVariable(name: "x", arg: 1, scope: !5, file: !1, line: 1, type: !8)
!12 = !DILocation(line: 1, scope: !5)
!20 = distinct !DISubprogram(name: "shared", scope: !1, file: !1, line: 2, type: !9, scopeLine: 2, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!21 = !DILocalVariable(name: "a", arg: 1, scope: !20, file: !1, line: 2, type: !8)
!22 = !DILocalVariable(name: "b", arg: 2, scope: !20, file: !1, line: 2, type: !8)
!23 = !DILocation(line: 2, scope: !20)
!24 = distinct !DISubprogram(name: "swapped", scope: !1, file: !1, line: 3, type: !9, scopeLine: 3, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!25 = !DILocalVariable(name: "a", arg: 1, scope: !24, file: !1, line: 3, type: !8)
!26 = !DILocalVariable(name: "b", arg: 2, scope: !24, file: !1, line: 3, type: !8)
!27 = !DILocation(line: 3, scope: !24)
!28 = distinct !DISubprogram(name: "arith", scope: !1, file: !1, line: 4, type: !6, scopeLine: 4, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!29 = !DILocalVariable(name: "x", arg: 1, scope: !28, file: !1, line: 4, type: !8)
!30 = !DILocation(line: 4, scope: !28)
!31 = distinct !DISubprogram(name: "killed", scope: !1, file: !1, line: 5, type: !6, scopeLine: 5, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!32 = !DILocalVariable(name: "x", arg: 1, scope: !31, file: !1, line: 5, type: !8)
!33 = !DILocation(line: 5, scope: !31)
!34 = !DILocation(line: 5, scope: !31, inlinedAt: !33)
!40 = distinct !DISubprogram(name: "pieces", scope: !1, file: !1, line: 6, type: !42, scopeLine: 6, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!41 = !DILocalVariable(name: "s", arg: 1, scope: !40, file: !1, line: 6, type: !43)
!42 = !DISubroutineType(types: !{!8, !43})
!43 = distinct !DICompositeType(tag: DW_TAG_structure_type, name: "pair", file: !1, line: 6, size: 64, elements: !44)
!44 = !{!46, !47}
!46 = !DIDerivedType(tag: DW_TAG_member, name: "a", scope: !43, file: !1, line: 6, baseType: !8, size: 32)
!47 = !DIDerivedType(tag: DW_TAG_member, name: "b", scope: !43, file: !1, line: 6, baseType: !8, size: 32, offset: 32)
!45 = !DILocation(line: 6, scope: !40)
!50 = distinct !DISubprogram(name: "assigned", scope: !1, file: !1, line: 7, type: !6, scopeLine: 7, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!51 = !DILocalVariable(name: "x", arg: 1, scope: !50, file: !1, line: 7, type: !8)
!52 = !DILocation(line: 7, scope: !50)
!53 = distinct !DIAssignID()
!54 = distinct !DIAssignID()
