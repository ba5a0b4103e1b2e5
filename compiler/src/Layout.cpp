//===- Layout.cpp - kcov-dataflow object layout tables --------------------===//
//
// Implements docs/layout.md. Any change here changes type ids and must be
// mirrored by the decoder (lib/), which runs the same algorithm on DWARF.
//
//===----------------------------------------------------------------------===//
#include "Layout.h"
#include "Abi.h"

#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"
#include "llvm/TargetParser/Triple.h"

#include <algorithm>

using namespace llvm;

namespace kcovdf {

const DIType *stripType(const DIType *T, StringRef *TypedefName) {
  while (auto *D = dyn_cast_or_null<DIDerivedType>(T)) {
    switch (D->getTag()) {
    case dwarf::DW_TAG_typedef:
      if (TypedefName)
        *TypedefName = D->getName();
      [[fallthrough]];
    case dwarf::DW_TAG_const_type:
    case dwarf::DW_TAG_volatile_type:
    case dwarf::DW_TAG_restrict_type:
    case dwarf::DW_TAG_atomic_type:
    case dwarf::DW_TAG_immutable_type:
      T = D->getBaseType();
      continue;
    default:
      return T;
    }
  }
  return T;
}

static bool isAggregateTag(unsigned Tag) {
  return Tag == dwarf::DW_TAG_structure_type ||
         Tag == dwarf::DW_TAG_union_type || Tag == dwarf::DW_TAG_class_type;
}

/// A data member in the sense of docs/layout.md: a non-static DW_TAG_member.
static const DIDerivedType *asDataMember(const DINode *N) {
  auto *M = dyn_cast_or_null<DIDerivedType>(N);
  if (!M || M->getTag() != dwarf::DW_TAG_member || M->isStaticMember())
    return nullptr;
  return M;
}

bool isDecomposable(const DIType *Stripped) {
  auto *CT = dyn_cast_or_null<DICompositeType>(Stripped);
  if (!CT || !isAggregateTag(CT->getTag()))
    return false;
  return any_of(CT->getElements(),
                [](const DINode *N) { return asDataMember(N) != nullptr; });
}

static bool isSignedEncoding(unsigned Enc) {
  return Enc == dwarf::DW_ATE_signed || Enc == dwarf::DW_ATE_signed_char;
}

static bool isSignedEnum(const DICompositeType *CT) {
  if (auto *Base = dyn_cast_or_null<DIBasicType>(stripType(CT->getBaseType())))
    return isSignedEncoding(Base->getEncoding());
  // No underlying type recorded: clang marks every enumerator with the
  // signedness of the enum's integer type.
  for (const DINode *N : CT->getElements())
    if (auto *E = dyn_cast_or_null<DIEnumerator>(N))
      return !E->isUnsigned();
  return false;
}

bool isSignedScalar(const DIType *T) {
  if (auto *B = dyn_cast_or_null<DIBasicType>(T))
    return isSignedEncoding(B->getEncoding());
  if (auto *CT = dyn_cast_or_null<DICompositeType>(T))
    if (CT->getTag() == dwarf::DW_TAG_enumeration_type)
      return isSignedEnum(CT);
  return false;
}

uint8_t fieldFlags(const DIType *T) {
  if (auto *B = dyn_cast_or_null<DIBasicType>(T)) {
    switch (B->getEncoding()) {
    case dwarf::DW_ATE_signed:
    case dwarf::DW_ATE_signed_char:
      return KCOV_DF_FIELD_SIGNED;
    case dwarf::DW_ATE_boolean:
      return KCOV_DF_FIELD_BOOL;
    case dwarf::DW_ATE_float:
      return KCOV_DF_FIELD_FLOAT;
    default:
      return 0;
    }
  }
  if (auto *D = dyn_cast_or_null<DIDerivedType>(T)) {
    switch (D->getTag()) {
    case dwarf::DW_TAG_pointer_type:
    case dwarf::DW_TAG_reference_type:
    case dwarf::DW_TAG_rvalue_reference_type:
      return KCOV_DF_FIELD_PTR;
    default:
      return 0;
    }
  }
  if (auto *CT = dyn_cast_or_null<DICompositeType>(T)) {
    if (CT->getTag() == dwarf::DW_TAG_enumeration_type)
      return KCOV_DF_FIELD_ENUM | (isSignedEnum(CT) ? KCOV_DF_FIELD_SIGNED : 0);
    if (CT->getTag() == dwarf::DW_TAG_array_type)
      return KCOV_DF_FIELD_ARRAY;
  }
  return 0;
}

namespace {
struct Flattener {
  unsigned MaxFields, MaxDepth;
  LayoutDesc &D;

  /// Append one field; false once the table is full (and marked TRUNC).
  bool emit(std::string Path, uint64_t Offset, unsigned Size, unsigned Shift,
            unsigned Bits, unsigned Flags) {
    if (D.Fields.size() >= MaxFields) {
      D.Trunc = true;
      return false;
    }
    LayoutField F;
    F.Path = std::move(Path);
    F.Offset = static_cast<uint32_t>(Offset);
    F.Size = static_cast<uint8_t>(Size);
    F.BitOffset = static_cast<uint8_t>(Shift);
    F.BitSize = static_cast<uint8_t>(Bits);
    F.Flags = static_cast<uint8_t>(Flags);
    D.Fields.push_back(std::move(F));
    return true;
  }

  /// flatten(T, base_bits, prefix, depth); false once truncated.
  bool flatten(const DICompositeType *T, uint64_t BaseBits,
               const std::string &Prefix, unsigned Depth) {
    for (const DINode *N : T->getElements()) {
      const DIDerivedType *M = asDataMember(N);
      if (!M)
        continue;
      StringRef MName = M->getName();
      bool BitField = M->isBitField();
      if (BitField && MName.empty())
        continue; // unnamed bitfield
      const DIType *MT = stripType(M->getBaseType());
      uint64_t SizeBits = BitField ? M->getSizeInBits()
                                   : (MT ? MT->getSizeInBits() : 0);
      if (SizeBits == 0)
        continue; // zero-sized member
      std::string Name = Prefix + MName.str();
      uint64_t Off = BaseBits + M->getOffsetInBits();
      if (BitField) {
        uint64_t Byte = Off / 8;
        unsigned Shift = Off % 8;
        unsigned Bits = static_cast<unsigned>(SizeBits);
        unsigned Bytes = 1;
        while (Bytes < 8 && Bytes * 8 < Shift + Bits)
          Bytes *= 2;
        unsigned Flags = fieldFlags(MT);
        // A bitfield of 58+ bits at an odd bit offset does not fit in the
        // 8 bytes a field may read: only its low 64 - shift bits are read.
        if (Shift + Bits > 64)
          Flags |= KCOV_DF_FIELD_WIDE;
        if (!emit(std::move(Name), Byte, Bytes, Shift,
                  std::min(Bits, 255u), Flags))
          return false;
        continue;
      }
      if (isDecomposable(MT) && Depth < MaxDepth) {
        if (!flatten(cast<DICompositeType>(MT), Off,
                     MName.empty() ? Prefix : Name + ".", Depth + 1))
          return false;
        continue;
      }
      uint64_t Size = SizeBits / 8;
      unsigned Flags = fieldFlags(MT);
      if (Size > 8) {
        Size = 8;
        if (!(Flags & KCOV_DF_FIELD_ARRAY))
          Flags |= KCOV_DF_FIELD_WIDE;
      }
      if (!emit(std::move(Name), Off / 8, static_cast<unsigned>(Size), 0, 0,
                Flags))
        return false;
    }
    return true;
  }
};
} // namespace

std::optional<LayoutDesc> computeLayout(const DIType *T, unsigned MaxFields,
                                        unsigned MaxDepth) {
  StringRef TypedefName;
  const DIType *S = stripType(T, &TypedefName);
  if (!isDecomposable(S))
    return std::nullopt;
  auto *CT = cast<DICompositeType>(S);

  LayoutDesc D;
  switch (CT->getTag()) {
  case dwarf::DW_TAG_union_type:
    D.Tag = "union";
    D.IsUnion = true;
    break;
  case dwarf::DW_TAG_class_type:
    D.Tag = "class";
    break;
  default:
    D.Tag = "struct";
    break;
  }
  if (!CT->getName().empty()) {
    D.Name = CT->getName().str();
  } else {
    D.Anonymous = true;
    D.Name = TypedefName.str();
  }
  D.Size = static_cast<uint32_t>(CT->getSizeInBits() / 8);
  Flattener F{MaxFields, MaxDepth, D};
  F.flatten(CT, 0, "", 0);
  return D;
}

// The span covers the fields that are read: not those marked
// KCOV_DF_FIELD_OPTOUT.
uint32_t LayoutDesc::spanOffset() const {
  uint32_t Lo = UINT32_MAX;
  for (const LayoutField &F : Fields)
    if (!(F.Flags & KCOV_DF_FIELD_OPTOUT))
      Lo = std::min(Lo, F.Offset);
  return Lo == UINT32_MAX ? 0 : Lo;
}

uint32_t LayoutDesc::spanSize() const {
  uint64_t Hi = 0;
  bool Any = false;
  for (const LayoutField &F : Fields)
    if (!(F.Flags & KCOV_DF_FIELD_OPTOUT)) {
      Hi = std::max<uint64_t>(Hi, uint64_t(F.Offset) + F.Size);
      Any = true;
    }
  return Any ? static_cast<uint32_t>(Hi - spanOffset()) : 0;
}

std::string LayoutDesc::canonicalText() const {
  std::string S;
  raw_string_ostream OS(S);
  OS << Tag << ' ' << Name << '\n' << Size << '\n';
  for (const LayoutField &F : Fields)
    OS << F.Path << ' ' << F.Offset << ' ' << unsigned(F.Size) << ' '
       << unsigned(F.BitOffset) << ' ' << unsigned(F.BitSize) << ' '
       << unsigned(F.Flags) << '\n';
  if (Trunc)
    OS << "+\n";
  return S;
}

uint64_t LayoutDesc::typeId() const { return xxHash64(canonicalText()); }

std::string LayoutDesc::storedName() const {
  if (Anonymous)
    return Name;
  return Tag + " " + Name;
}

std::string LayoutDesc::symbolName() const {
  std::string S;
  raw_string_ostream OS(S);
  OS << KCOV_DF_LAYOUT_SYM_PREFIX << format_hex_no_prefix(typeId(), 16);
  return S;
}

const LayoutTables::Entry *LayoutTables::get(const DIType *T) {
  auto It = Cache.find(T);
  if (It == Cache.end()) {
    std::optional<Entry> E;
    if (std::optional<LayoutDesc> D = computeLayout(T, MaxFields, MaxDepth)) {
      E.emplace();
      E->Desc = std::move(*D);
      E->GV = emit(E->Desc);
    }
    It = Cache.try_emplace(T, std::move(E)).first;
  }
  return It->second ? &*It->second : nullptr;
}

const LayoutTables::Entry *
LayoutTables::withOptOut(const Entry &Full, const std::vector<bool> &Unknown) {
  LayoutDesc D = Full.Desc;
  for (unsigned I = 0; I < D.Fields.size() && I < Unknown.size(); ++I)
    if (Unknown[I])
      D.Fields[I].Flags |= KCOV_DF_FIELD_OPTOUT;
  std::string Sym = D.symbolName();
  std::unique_ptr<Entry> &E = Derived[Sym];
  if (!E) {
    E = std::make_unique<Entry>();
    E->Desc = std::move(D);
    E->GV = emit(E->Desc);
  }
  return E.get();
}

GlobalVariable *LayoutTables::emit(const LayoutDesc &D) {
  std::string Sym = D.symbolName();
  if (GlobalVariable *Existing = M.getNamedGlobal(Sym))
    return Existing; // same canonical text, hence the same table

  LLVMContext &C = M.getContext();
  Type *I8 = Type::getInt8Ty(C), *I16 = Type::getInt16Ty(C),
       *I32 = Type::getInt32Ty(C), *I64 = Type::getInt64Ty(C);
  // Packed, so that the IR type is byte for byte struct kcov_df_layout
  // followed by the fields and the name (Abi.h checks the C layout).
  StructType *FieldTy = StructType::get(C, {I32, I8, I8, I8, I8}, true);
  std::vector<Constant *> Fields;
  for (const LayoutField &F : D.Fields)
    Fields.push_back(ConstantStruct::get(
        FieldTy, {ConstantInt::get(I32, F.Offset), ConstantInt::get(I8, F.Size),
                  ConstantInt::get(I8, F.BitOffset),
                  ConstantInt::get(I8, F.BitSize),
                  ConstantInt::get(I8, F.Flags)}));
  ArrayType *FieldsTy = ArrayType::get(FieldTy, Fields.size());
  std::string Name = D.storedName();
  Constant *NameC = ConstantDataArray::getString(C, Name, /*AddNull=*/true);

  uint16_t LFlags = (D.IsUnion ? KCOV_DF_LAYOUT_UNION : 0) |
                    (D.Trunc ? KCOV_DF_LAYOUT_TRUNC : 0);
  StructType *Ty = StructType::get(
      C,
      {I64, I32, I16, I16, I32, I32, I16, I16, I32, FieldsTy, NameC->getType()},
      true);
  Constant *Init = ConstantStruct::get(
      Ty, {ConstantInt::get(I64, D.typeId()), ConstantInt::get(I32, D.Size),
           ConstantInt::get(I16, D.Fields.size()), ConstantInt::get(I16, LFlags),
           ConstantInt::get(I32, D.spanOffset()),
           ConstantInt::get(I32, D.spanSize()),
           ConstantInt::get(I16, KCOV_DF_LAYOUT_VERSION),
           ConstantInt::get(I16, std::min<size_t>(Name.size(), 0xffff)),
           ConstantInt::get(I32, 0), ConstantArray::get(FieldsTy, Fields),
           NameC});

  auto *GV = new GlobalVariable(M, Ty, /*isConstant=*/true,
                                GlobalValue::LinkOnceODRLinkage, Init, Sym);
  GV->setAlignment(Align(8));
  GV->setVisibility(GlobalValue::HiddenVisibility);
  if (M.getTargetTriple().supportsCOMDAT())
    GV->setComdat(M.getOrInsertComdat(Sym));
  return GV;
}

} // namespace kcovdf
