//===- Layout.h - kcov-dataflow object layout tables -----------*- C++ -*-===//
//
// Flattening of a struct/union/class debug-info type into the field list of
// a `struct kcov_df_layout` (include/linux/kcov_dataflow_abi.h), exactly as
// docs/layout.md specifies, and emission of the table as a COMDAT constant.
//
//===----------------------------------------------------------------------===//
#ifndef KCOVDF_LAYOUT_H
#define KCOVDF_LAYOUT_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class DIType;
class DICompositeType;
class GlobalVariable;
class Module;
} // namespace llvm

namespace kcovdf {

/// Strip typedefs and const/volatile/restrict/_Atomic (and the other pure
/// qualifier tags LLVM knows). When \p TypedefName is given it receives the
/// name of the innermost typedef crossed (the one that names the type), or
/// stays unchanged when no typedef was crossed.
const llvm::DIType *stripType(const llvm::DIType *T,
                              llvm::StringRef *TypedefName = nullptr);

/// True for a struct, union or class with at least one non-static
/// DW_TAG_member: the types docs/layout.md decomposes into fields.
bool isDecomposable(const llvm::DIType *Stripped);

/// Flags of a leaf field or a scalar (docs/layout.md, "flags(T)"), for an
/// already stripped type.
uint8_t fieldFlags(const llvm::DIType *Stripped);

/// True when a scalar of this (stripped) type is signed: signed integers,
/// signed char, enums with a signed underlying type.
bool isSignedScalar(const llvm::DIType *Stripped);

struct LayoutField {
  std::string Path;
  uint32_t Offset = 0;
  uint8_t Size = 0;
  uint8_t BitOffset = 0;
  uint8_t BitSize = 0;
  uint8_t Flags = 0;
};

/// The result of flattening one type.
struct LayoutDesc {
  std::string Tag;  ///< "struct", "union" or "class"
  std::string Name; ///< own name, else the typedef name, else empty
  bool Anonymous = false; ///< no own name (Name is a typedef name or empty)
  bool IsUnion = false;
  bool Trunc = false;
  uint32_t Size = 0;
  std::vector<LayoutField> Fields;

  uint32_t spanOffset() const;
  uint32_t spanSize() const;
  /// The canonical text hashed into the type id (docs/layout.md).
  std::string canonicalText() const;
  /// xxHash64 (seed 0) of canonicalText().
  uint64_t typeId() const;
  /// The NUL-terminated name stored after fields[].
  std::string storedName() const;
  /// "__kcov_df_layout_<016x id>".
  std::string symbolName() const;
};

/// Flatten \p T (unstripped: the typedef chain supplies the name of an
/// anonymous type). Returns std::nullopt when the stripped type is not
/// decomposable.
std::optional<LayoutDesc> computeLayout(const llvm::DIType *T,
                                        unsigned MaxFields,
                                        unsigned MaxDepth);

/// Per-module cache and emitter of layout tables.
class LayoutTables {
public:
  LayoutTables(llvm::Module &M, unsigned MaxFields, unsigned MaxDepth)
      : M(M), MaxFields(MaxFields), MaxDepth(MaxDepth) {}

  struct Entry {
    LayoutDesc Desc;
    llvm::GlobalVariable *GV = nullptr;
  };

  /// The table for \p T (a by-value aggregate type or a pointee type), or
  /// null when \p T is not decomposable.
  const Entry *get(const llvm::DIType *T);

private:
  llvm::GlobalVariable *emit(const LayoutDesc &D);

  llvm::Module &M;
  unsigned MaxFields, MaxDepth;
  llvm::DenseMap<const llvm::DIType *, std::optional<Entry>> Cache;
};

} // namespace kcovdf

#endif
