//===- ParamLocations.h - source parameters from debug records -*- C++ -*-===//
//
// Maps the source-level parameters of a function (the DISubprogram's
// parameter variables, numbered by DILocalVariable::getArg()) to where their
// values are at function entry, using only the debug records of the entry
// block. IR argument positions are never used for this: ABI lowering,
// DeadArgElim and ArgPromotion change them, debug records follow.
//
//===----------------------------------------------------------------------===//
#ifndef KCOVDF_PARAMLOCATIONS_H
#define KCOVDF_PARAMLOCATIONS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <vector>

namespace llvm {
class AllocaInst;
class Argument;
class BasicBlock;
class DataLayout;
class DILocalVariable;
class DISubprogram;
class DIType;
class Function;
class Instruction;
class Type;
class Value;
} // namespace llvm

namespace kcovdf {

/// One DWARF expression operation applied to an SSA value (the subset LLVM
/// produces when it salvages debug values: conversions, shifts, masks and
/// constant arithmetic).
struct ExprStep {
  enum OpKind { Convert, Add, Sub, Mul, Shl, LShr, AShr, And, Or, Xor };
  OpKind Op;
  uint64_t Imm = 0;    ///< constant operand, or the bit width for Convert
  bool Signed = false; ///< Convert: the new type is signed
};

/// Where (part of) a variable is at function entry.
struct Location {
  enum KindT { Unknown, Value, Memory };
  KindT Kind = Unknown;
  /// Value: the SSA value, optionally converted by one cast instruction
  /// (CastOp is an Instruction::CastOps, 0 for none), then the steps.
  llvm::Value *V = nullptr;
  unsigned CastOp = 0;
  llvm::Type *CastTy = nullptr;
  llvm::SmallVector<ExprStep, 2> Steps;
  /// Memory: the bytes are at (LoadBase ? *(ptr *)Base : Base) + Offset.
  llvm::Value *Base = nullptr;
  int64_t Offset = 0;
  bool LoadBase = false;
};

/// A piece of a variable: the whole of it, or one DW_OP_LLVM_fragment.
struct Piece {
  uint64_t OffsetBits = 0;
  uint64_t SizeBits = 0;
  bool IsFragment = false;
  Location Loc;
};

/// One source-level parameter.
struct ParamInfo {
  /// Where Pieces came from.
  enum SourceKind {
    None,    ///< no location at entry
    Declare, ///< #dbg_declare: the variable's home for the whole function
    Records, ///< the first value records of the entry block
    EntryMap ///< the argument map recorded before optimization
  };
  SourceKind Source = None;
  unsigned ArgNo = 0; ///< DWARF parameter number, 1-based
  const llvm::DILocalVariable *Var = nullptr;
  const llvm::DIType *Ty = nullptr; ///< declared type (unstripped)
  uint64_t SizeBits = 0;            ///< of the stripped declared type
  /// The first location of each part of the variable in the entry block,
  /// sorted by offset and not overlapping. Empty: no record at entry.
  llvm::SmallVector<Piece, 2> Pieces;
  /// The static alloca all of the parameter's #dbg_assign records name as
  /// its home (assignment tracking), if they agree on one.
  llvm::AllocaInst *AssignHome = nullptr;

  bool isWhole() const {
    return Pieces.size() == 1 && !Pieces[0].IsFragment;
  }
};

/// The parameters of \p F in DWARF order (argument 1 first), as \p SP
/// declares them (fixed parameters only), with their entry locations.
llvm::SmallVector<ParamInfo, 8> collectParams(llvm::Function &F,
                                              const llvm::DISubprogram *SP);

/// Pieces of the parameters whose entry values the unoptimized prologue
/// copied from IR arguments, keyed by DWARF parameter number.
using EntryMap = llvm::DenseMap<unsigned, llvm::SmallVector<Piece, 2>>;

/// Before optimization: record, as function metadata, which IR arguments
/// (and how converted) the prologue stores into each parameter's home.
/// Returns true when metadata was attached.
bool recordEntryMap(llvm::Function &F);

/// After optimization: the recorded map, when the function's signature is
/// still the one recorded. Parameters whose arguments are dead (no uses, no
/// debug uses: DeadArgElim may pass poison for those) are left out.
EntryMap readEntryMap(llvm::Function &F);

/// Remove the metadata recordEntryMap() attached.
void clearEntryMap(llvm::Function &F);

/// The IR arguments \p V is computed from (through any instructions).
void argumentLeaves(llvm::Value *V,
                    llvm::SmallVectorImpl<const llvm::Argument *> &Out);

/// The number of fixed parameters \p SP's type declares (0 when unknown).
unsigned numDeclaredParams(const llvm::DISubprogram *SP);

/// Bit width of the integer the steps of a Value location produce when
/// applied to a value of type \p Ty, or 0 when they cannot be applied.
unsigned stepsResultBits(const Location &L, const llvm::DataLayout &DL);

/// The object a pointer points into and the constant byte offset into it.
llvm::Value *resolveRoot(llvm::Value *Ptr, const llvm::DataLayout &DL,
                         int64_t &Offset);

/// The "prologue" of an entry block: the leading run of instructions that
/// only set up local copies of the incoming arguments (what clang and rustc
/// emit at -O0: stores of arguments into allocas, memcpys from the argument
/// or from a coercion temporary). The scan stops at the first instruction
/// that may change a parameter's memory or anything else (a load, a call, a
/// store to other memory, a store carrying a source location).
struct Prologue {
  struct Write {
    llvm::Instruction *I;
    uint64_t Begin, End; ///< byte range written, relative to the alloca
  };
  /// Initialising writes to the allocas of \p ParamRoots, in block order.
  llvm::DenseMap<llvm::AllocaInst *, llvm::SmallVector<Write, 2>> Writes;
  /// First instruction after the prologue (the terminator at the latest).
  llvm::Instruction *Stop = nullptr;

  /// The last write in the prologue that initialises bytes [Begin, End) of
  /// \p A, or null when those bytes are not all initialised there. With
  /// \p Need, only bytes Begin + I with Need[I] set must be initialised
  /// (padding need not be).
  llvm::Instruction *lastWriteCovering(llvm::AllocaInst *A, uint64_t Begin,
                                       uint64_t End,
                                       const std::vector<bool> *Need =
                                           nullptr) const;
};

Prologue
scanPrologue(llvm::BasicBlock &Entry,
             const llvm::SmallPtrSetImpl<llvm::AllocaInst *> &ParamRoots);

} // namespace kcovdf

#endif
