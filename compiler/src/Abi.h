//===- Abi.h - the kcov-dataflow compiler ABI, checked ---------*- C++ -*-===//
//
// The normative definitions live in include/linux/kcov_dataflow_abi.h (the
// compiler ABI: callbacks, info word, layout tables) and
// include/uapi/linux/kcov_dataflow.h (the record flags the info word
// carries); this file includes them and checks at compile time that the
// byte layout the plugin emits (Layout.cpp builds the tables as packed IR
// structs with these offsets) matches the C structs.
//
//===----------------------------------------------------------------------===//
#ifndef KCOVDF_ABI_H
#define KCOVDF_ABI_H

#include "linux/kcov_dataflow_abi.h"

#include <cstddef>
#include <cstdint>

namespace kcovdf {

static_assert(sizeof(struct kcov_df_field) == 8, "kcov_df_field size");
static_assert(offsetof(struct kcov_df_field, offset) == 0, "field.offset");
static_assert(offsetof(struct kcov_df_field, size) == 4, "field.size");
static_assert(offsetof(struct kcov_df_field, bit_offset) == 5,
              "field.bit_offset");
static_assert(offsetof(struct kcov_df_field, bit_size) == 6, "field.bit_size");
static_assert(offsetof(struct kcov_df_field, flags) == 7, "field.flags");

static_assert(sizeof(struct kcov_df_layout) == 32, "kcov_df_layout size");
static_assert(offsetof(struct kcov_df_layout, type_id) == 0, "type_id");
static_assert(offsetof(struct kcov_df_layout, size) == 8, "size");
static_assert(offsetof(struct kcov_df_layout, nfields) == 12, "nfields");
static_assert(offsetof(struct kcov_df_layout, flags) == 14, "flags");
static_assert(offsetof(struct kcov_df_layout, span_offset) == 16,
              "span_offset");
static_assert(offsetof(struct kcov_df_layout, span_size) == 20, "span_size");
static_assert(offsetof(struct kcov_df_layout, version) == 24, "version");
static_assert(offsetof(struct kcov_df_layout, name_len) == 26, "name_len");
static_assert(offsetof(struct kcov_df_layout, reserved) == 28, "reserved");
static_assert(offsetof(struct kcov_df_layout, fields) == 32, "fields");

// The flags the compiler may put into an info word; all fit in 16 bits.
constexpr uint32_t CompilerInfoFlags =
    KCOV_DF_F_FIRST | KCOV_DF_F_NOARGS | KCOV_DF_F_FIELDS | KCOV_DF_F_BYVAL |
    KCOV_DF_F_VOID | KCOV_DF_F_OPTOUT | KCOV_DF_F_SIGNED | KCOV_DF_F_STRING |
    KCOV_DF_F_WIDE | KCOV_DF_F_NOTREAD;
static_assert((CompilerInfoFlags & ~0x7fffu) == 0,
              "info flags are 16 bits, 0x8000 reserved");
static_assert(KCOV_DF_INFO(0xff, 0xffff, 0xffffffffu) == 0xffffffff00ffffffull,
              "info word layout");
static_assert(KCOV_DF_COMPILER_ABI == 2, "callback names below");
static_assert(KCOV_DF_MAX_FIELDS == 64, "docs/layout.md MAX_FIELDS");

/// The info word of a callback (header: KCOV_DF_INFO).
constexpr uint64_t infoWord(uint32_t ArgIdx, uint32_t Flags, uint64_t Size) {
  return KCOV_DF_INFO(ArgIdx, Flags, Size > 0xffffffffu ? 0xffffffffu : Size);
}

/// The value callbacks, named with the ABI version (header: "Callbacks").
constexpr const char *TraceArgsName = KCOV_DF_TRACE_ARGS_SYM;
constexpr const char *TraceRetName = KCOV_DF_TRACE_RET_SYM;
constexpr const char *TracePCName = "__sanitizer_cov_trace_pc";
constexpr const char *TracePCEntryName = "__sanitizer_cov_trace_pc_entry";
constexpr const char *TracePCExitName = "__sanitizer_cov_trace_pc_exit";
constexpr const char *DefaultGateSymbol = "__kcov_df_gate";
/// Every module calling the args/ret callbacks references one of these, so
/// a runtime of another calling convention or ABI version fails to link
/// instead of corrupting registers (header: "ABI guard").
constexpr const char *AbiSymbolPM = KCOV_DF_ABI_SYM_PRESERVE_MOST;
constexpr const char *AbiSymbolC = KCOV_DF_ABI_SYM_C;
/// Function attribute marking a function this pass already instrumented.
constexpr const char *InstrumentedAttr = "kcov-df-instrumented";

} // namespace kcovdf

#endif
