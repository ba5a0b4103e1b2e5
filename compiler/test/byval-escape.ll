; A byval argument's memory is read at the insertion point only if nothing
; before it can have written that memory. Here code precedes the entry hook
; (as sanitizer code can): writes to other memory are harmless while the
; argument's address has not escaped; once it has, any write may hit it.
;
; RUN: %kopt -passes=kcov-dataflow -kcov-df-args -kcov-df-entry-exit -S %s -o %t.ll
; RUN: FileCheck %s < %t.ll
; RUN: %opt -passes=verify -disable-output %t.ll

target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"

%struct.big = type { [5 x i64] }
@g = global ptr null
@other = global i64 0

declare void @__sanitizer_cov_trace_pc()

; info(0, FIRST|FIELDS|BYVAL, 40) = 171798695168, info(0, FIRST|OPTOUT, 40) = 171798823168
; CHECK-LABEL: define void @intact(
; CHECK: call void @__sanitizer_cov_trace_pc_entry()
; CHECK-NEXT: [[V:%.*]] = ptrtoint ptr %s to i64
; CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @intact to i64), i64 171798695168, i64 [[V]], ptr @__kcov_df_layout_{{[0-9a-f]+}})
define void @intact(ptr byval(%struct.big) align 8 %s) !dbg !5 {
entry:
    #dbg_declare(ptr %s, !11, !DIExpression(), !12)
  store i64 1, ptr @other, align 8
  call void @__sanitizer_cov_trace_pc()
  ret void, !dbg !12
}

; CHECK-LABEL: define void @escaped(
; CHECK: call void @__sanitizer_cov_trace_pc_entry()
; CHECK-NEXT: call preserve_mostcc void @__kcov_df_trace_args_v2(i64 ptrtoint (ptr @escaped to i64), i64 171798823168, i64 0, ptr null)
define void @escaped(ptr byval(%struct.big) align 8 %s) !dbg !13 {
entry:
    #dbg_declare(ptr %s, !14, !DIExpression(), !15)
  store ptr %s, ptr @g, align 8
  %p = load ptr, ptr @g, align 8
  store i64 1, ptr %p, align 8
  call void @__sanitizer_cov_trace_pc()
  ret void, !dbg !15
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "hand", isOptimized: true, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "escape.c", directory: "/")
!3 = !{i32 7, !"Dwarf Version", i32 5}
!4 = !{i32 2, !"Debug Info Version", i32 3}
!5 = distinct !DISubprogram(name: "intact", scope: !1, file: !1, line: 1, type: !6, scopeLine: 1, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!6 = !DISubroutineType(types: !7)
!7 = !{null, !8}
!8 = distinct !DICompositeType(tag: DW_TAG_structure_type, name: "big", file: !1, line: 1, size: 320, elements: !9)
!9 = !{!10}
!10 = !DIDerivedType(tag: DW_TAG_member, name: "a", scope: !8, file: !1, line: 1, baseType: !16, size: 320)
!16 = !DICompositeType(tag: DW_TAG_array_type, baseType: !17, size: 320, elements: !18)
!17 = !DIBasicType(name: "long", size: 64, encoding: DW_ATE_signed)
!18 = !{!19}
!19 = !DISubrange(count: 5)
!11 = !DILocalVariable(name: "s", arg: 1, scope: !5, file: !1, line: 1, type: !8)
!12 = !DILocation(line: 1, scope: !5)
!13 = distinct !DISubprogram(name: "escaped", scope: !1, file: !1, line: 2, type: !6, scopeLine: 2, spFlags: DISPFlagDefinition | DISPFlagOptimized, unit: !0)
!14 = !DILocalVariable(name: "s", arg: 1, scope: !13, file: !1, line: 2, type: !8)
!15 = !DILocation(line: 2, scope: !13)
