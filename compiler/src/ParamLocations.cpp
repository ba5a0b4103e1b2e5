//===- ParamLocations.cpp - source parameters from debug records ----------===//
#include "ParamLocations.h"
#include "Layout.h"

#include "llvm/ADT/APInt.h"
#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DebugInfo.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/DebugProgramInstruction.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"

#include <algorithm>

using namespace llvm;

namespace kcovdf {

unsigned numDeclaredParams(const DISubprogram *SP) {
  if (!SP || !SP->getType())
    return 0;
  DITypeRefArray Types = SP->getType()->getTypeArray();
  unsigned N = 0;
  // Element 0 is the return type; a null element marks "...".
  for (unsigned I = 1, E = Types.size(); I < E && Types[I]; ++I)
    ++N;
  return N;
}

//===----------------------------------------------------------------------===//
// Debug records, in either representation.
//===----------------------------------------------------------------------===//

namespace {
/// The parts of a #dbg_value/#dbg_declare/#dbg_assign record (or of a
/// leftover llvm.dbg.* intrinsic) this analysis looks at.
struct DbgRec {
  enum KindT { KValue, KDeclare, KAssign } Kind;
  const DILocalVariable *Var;
  const DIExpression *Expr;
  const DILocation *Loc;
  Value *V;              ///< null: no single location value
  bool MultiValue;       ///< a DIArgList with more than one value
  Value *Address;        ///< Assign only
  const DIExpression *AddrExpr;
  bool LinkedToAlloca;   ///< Assign: the record marks an alloca's creation
};
} // namespace

static bool assignLinkedToAlloca(const DbgVariableRecord &DVR) {
  for (Instruction *I : at::getAssignmentInsts(&DVR))
    if (isa<AllocaInst>(I))
      return true;
  return false;
}

static DbgRec fromRecord(const DbgVariableRecord &DVR) {
  DbgRec R{};
  R.Kind = DVR.isDbgAssign()    ? DbgRec::KAssign
           : DVR.isDbgDeclare() ? DbgRec::KDeclare
                                : DbgRec::KValue;
  R.Var = DVR.getVariable();
  R.Expr = DVR.getExpression();
  R.Loc = DVR.getDebugLoc().get();
  R.MultiValue = DVR.getNumVariableLocationOps() > 1;
  R.V = R.MultiValue ? nullptr : DVR.getVariableLocationOp(0);
  if (R.Kind == DbgRec::KAssign) {
    R.Address = DVR.getAddress();
    R.AddrExpr = DVR.getAddressExpression();
    R.LinkedToAlloca = assignLinkedToAlloca(DVR);
  }
  return R;
}

static bool fromIntrinsic(const Instruction &I, DbgRec &R) {
  auto *DVI = dyn_cast<DbgVariableIntrinsic>(&I);
  if (!DVI)
    return false;
  R = DbgRec{};
  R.Kind = isa<DbgAssignIntrinsic>(DVI) ? DbgRec::KAssign
           : isa<DbgDeclareInst>(DVI)   ? DbgRec::KDeclare
                                        : DbgRec::KValue;
  R.Var = DVI->getVariable();
  R.Expr = DVI->getExpression();
  R.Loc = DVI->getDebugLoc().get();
  R.MultiValue = DVI->getNumVariableLocationOps() > 1;
  R.V = R.MultiValue ? nullptr : DVI->getVariableLocationOp(0);
  if (auto *DAI = dyn_cast<DbgAssignIntrinsic>(DVI)) {
    R.Address = DAI->getAddress();
    R.AddrExpr = DAI->getAddressExpression();
    for (Instruction *L : at::getAssignmentInsts(DAI->getAssignID()))
      if (isa<AllocaInst>(L))
        R.LinkedToAlloca = true;
  }
  return true;
}

/// Calls \p Fn on every debug record of \p BB, in program order.
template <typename FnT> static void forEachRecord(BasicBlock &BB, FnT Fn) {
  for (Instruction &I : BB) {
    for (DbgVariableRecord &DVR : filterDbgVars(I.getDbgRecordRange()))
      Fn(fromRecord(DVR));
    DbgRec R;
    if (fromIntrinsic(I, R))
      Fn(R);
  }
}

//===----------------------------------------------------------------------===//
// Expressions.
//===----------------------------------------------------------------------===//

static bool isSignedEnc(uint64_t Enc) {
  return Enc == dwarf::DW_ATE_signed || Enc == dwarf::DW_ATE_signed_char;
}

static std::optional<ExprStep::OpKind> binOp(uint64_t Op) {
  switch (Op) {
  case dwarf::DW_OP_plus:
    return ExprStep::Add;
  case dwarf::DW_OP_minus:
    return ExprStep::Sub;
  case dwarf::DW_OP_mul:
    return ExprStep::Mul;
  case dwarf::DW_OP_shl:
    return ExprStep::Shl;
  case dwarf::DW_OP_shr:
    return ExprStep::LShr;
  case dwarf::DW_OP_shra:
    return ExprStep::AShr;
  case dwarf::DW_OP_and:
    return ExprStep::And;
  case dwarf::DW_OP_or:
    return ExprStep::Or;
  case dwarf::DW_OP_xor:
    return ExprStep::Xor;
  default:
    return std::nullopt;
  }
}

/// The location a value record (#dbg_value, #dbg_assign with a value)
/// describes. Supported: no operations (the value itself); arithmetic ending
/// in DW_OP_stack_value; DW_OP_plus_uconst* DW_OP_deref (memory).
static Location parseValueExpr(Value *V, const DIExpression *E) {
  Location L;
  SmallVector<ExprStep, 2> Steps;
  bool StackValue = false, Deref = false, Pending = false;
  uint64_t Const = 0;
  int64_t Offset = 0;
  bool OnlyOffsets = true;
  for (const DIExpression::ExprOperand &Op : E->expr_ops()) {
    uint64_t O = Op.getOp();
    if (O == dwarf::DW_OP_LLVM_fragment)
      break;
    if (StackValue || Deref)
      return L; // nothing may follow these
    if (Pending) {
      std::optional<ExprStep::OpKind> K = binOp(O);
      if (!K)
        return L;
      Steps.push_back({*K, Const, false});
      if (*K == ExprStep::Add)
        Offset += int64_t(Const);
      else if (*K == ExprStep::Sub)
        Offset -= int64_t(Const);
      else
        OnlyOffsets = false;
      Pending = false;
      continue;
    }
    switch (O) {
    case dwarf::DW_OP_LLVM_arg:
      if (Op.getArg(0) != 0)
        return L;
      break;
    case dwarf::DW_OP_LLVM_convert:
      Steps.push_back({ExprStep::Convert, Op.getArg(0), isSignedEnc(Op.getArg(1))});
      OnlyOffsets = false;
      break;
    case dwarf::DW_OP_constu:
      Const = Op.getArg(0);
      Pending = true;
      break;
    case dwarf::DW_OP_consts:
      Const = Op.getArg(0); // two's complement, as the stack holds it
      Pending = true;
      break;
    case dwarf::DW_OP_plus_uconst:
      Steps.push_back({ExprStep::Add, Op.getArg(0), false});
      Offset += int64_t(Op.getArg(0));
      break;
    case dwarf::DW_OP_stack_value:
      StackValue = true;
      break;
    case dwarf::DW_OP_deref:
      Deref = true;
      break;
    default:
      return L;
    }
  }
  if (Pending)
    return L;
  if (Deref) {
    // The variable is in memory at the address the value (plus offsets)
    // gives.
    if (!OnlyOffsets || !V->getType()->isPointerTy())
      return L;
    L.Kind = Location::Memory;
    L.Base = V;
    L.Offset = Offset;
    return L;
  }
  if (!Steps.empty() && !StackValue)
    return L; // a memory location we do not model
  L.Kind = Location::Value;
  L.V = V;
  L.Steps = std::move(Steps);
  return L;
}

/// The location an address (#dbg_declare, the address part of #dbg_assign)
/// describes: [DW_OP_deref] then constant offsets.
static Location parseAddressExpr(Value *Addr, const DIExpression *E) {
  Location L;
  if (!Addr || !Addr->getType()->isPointerTy())
    return L;
  bool First = true, LoadBase = false, Pending = false;
  uint64_t Const = 0;
  int64_t Offset = 0;
  for (const DIExpression::ExprOperand &Op : E->expr_ops()) {
    uint64_t O = Op.getOp();
    if (O == dwarf::DW_OP_LLVM_fragment)
      break;
    if (Pending) {
      if (O == dwarf::DW_OP_plus)
        Offset += int64_t(Const);
      else if (O == dwarf::DW_OP_minus)
        Offset -= int64_t(Const);
      else
        return L;
      Pending = false;
    } else if (O == dwarf::DW_OP_deref && First) {
      LoadBase = true;
    } else if (O == dwarf::DW_OP_plus_uconst) {
      Offset += int64_t(Op.getArg(0));
    } else if (O == dwarf::DW_OP_constu || O == dwarf::DW_OP_consts) {
      Const = Op.getArg(0);
      Pending = true;
    } else {
      return L;
    }
    First = false;
  }
  if (Pending)
    return L;
  L.Kind = Location::Memory;
  L.Base = Addr;
  L.Offset = Offset;
  L.LoadBase = LoadBase;
  return L;
}

unsigned stepsResultBits(const Location &L, const DataLayout &DL) {
  Type *T = L.CastOp ? L.CastTy : L.V->getType();
  unsigned Bits;
  if (T->isIntegerTy())
    Bits = T->getIntegerBitWidth();
  else if (T->isPointerTy())
    Bits = DL.getPointerTypeSizeInBits(T);
  else if (T->isFloatingPointTy() || (T->isVectorTy() && !T->isScalableTy()))
    Bits = static_cast<unsigned>(DL.getTypeSizeInBits(T).getFixedValue());
  else
    return 0;
  for (const ExprStep &S : L.Steps) {
    if (S.Op == ExprStep::Convert) {
      if (S.Imm == 0 || S.Imm > 128)
        return 0;
      Bits = static_cast<unsigned>(S.Imm);
    } else if (Bits < 64) {
      Bits = 64; // DWARF arithmetic works on the 64-bit generic type
    }
  }
  return Bits;
}

//===----------------------------------------------------------------------===//
// Parameters.
//===----------------------------------------------------------------------===//

static bool isOwnParam(const DbgRec &R, const DISubprogram *SP) {
  if (!R.Var || !R.Var->isParameter() || R.Var->getScope() != SP)
    return false;
  // Records of an inlined copy of SP (recursion) carry an inlinedAt.
  return !R.Loc || !R.Loc->getInlinedAt();
}

static std::pair<uint64_t, uint64_t> pieceRange(const DbgRec &R,
                                                uint64_t VarBits,
                                                bool &IsFragment) {
  if (auto Frag = R.Expr->getFragmentInfo()) {
    IsFragment = true;
    return {Frag->OffsetInBits, Frag->SizeInBits};
  }
  IsFragment = false;
  return {0, VarBits};
}

static Location locationOf(const DbgRec &R) {
  if (R.MultiValue)
    return Location{};
  switch (R.Kind) {
  case DbgRec::KDeclare:
    return parseAddressExpr(R.V, R.Expr);
  case DbgRec::KAssign:
    if (!R.V || isa<UndefValue>(R.V)) {
      // "The variable is whatever the linked store left at Address".
      if (!R.Expr->isFragment() && R.Expr->getNumElements() != 0)
        return Location{};
      if (R.Expr->isFragment() && R.Expr->getNumElements() != 3)
        return Location{};
      return parseAddressExpr(R.Address, R.AddrExpr);
    }
    return parseValueExpr(R.V, R.Expr);
  case DbgRec::KValue:
    if (!R.V || isa<UndefValue>(R.V))
      return Location{}; // killed: the value is not available
    return parseValueExpr(R.V, R.Expr);
  }
  return Location{};
}

SmallVector<ParamInfo, 8> collectParams(Function &F, const DISubprogram *SP) {
  SmallVector<ParamInfo, 8> Params;
  unsigned N = numDeclaredParams(SP);
  DenseMap<unsigned, const DILocalVariable *> Vars;
  auto NoteVar = [&](const DILocalVariable *V) {
    if (V && V->isParameter() && V->getScope() == SP) {
      Vars.try_emplace(V->getArg(), V);
      N = std::max(N, V->getArg());
    }
  };
  for (const DINode *Node : SP->getRetainedNodes())
    NoteVar(dyn_cast_or_null<DILocalVariable>(Node));

  // Declarations hold for the whole function wherever they are; value
  // records are taken from the entry block only, in order.
  DenseMap<const DILocalVariable *, SmallVector<DbgRec, 2>> Declares, Values;
  // Home allocas named by #dbg_assign records; null once they disagree.
  DenseMap<const DILocalVariable *, AllocaInst *> AssignHomes;
  const DataLayout &DL = F.getDataLayout();
  for (BasicBlock &BB : F) {
    bool IsEntry = &BB == &F.getEntryBlock();
    forEachRecord(BB, [&](const DbgRec &R) {
      if (!isOwnParam(R, SP))
        return;
      NoteVar(R.Var);
      if (R.Kind == DbgRec::KAssign) {
        AllocaInst *Home = nullptr;
        int64_t Off = 0;
        if (R.Address && R.Address->getType()->isPointerTy() &&
            R.AddrExpr->getNumElements() == 0)
          Home = dyn_cast<AllocaInst>(resolveRoot(R.Address, DL, Off));
        if (Off != 0)
          Home = nullptr;
        auto [It, New] = AssignHomes.try_emplace(R.Var, Home);
        if (!New && It->second != Home)
          It->second = nullptr;
      }
      if (R.Kind == DbgRec::KDeclare)
        Declares[R.Var].push_back(R);
      else if (IsEntry)
        Values[R.Var].push_back(R);
    });
  }

  DITypeRefArray Types = SP->getType() ? SP->getType()->getTypeArray()
                                       : DITypeRefArray(nullptr);
  for (unsigned ArgNo = 1; ArgNo <= N; ++ArgNo) {
    ParamInfo P;
    P.ArgNo = ArgNo;
    P.Var = Vars.lookup(ArgNo);
    if (P.Var)
      P.Ty = P.Var->getType();
    else if (ArgNo < Types.size())
      P.Ty = Types[ArgNo];
    const DIType *S = stripType(P.Ty);
    P.SizeBits = S ? S->getSizeInBits() : 0;
    if (P.Var)
      P.AssignHome = AssignHomes.lookup(P.Var);

    if (P.Var && P.SizeBits) {
      auto DI = Declares.find(P.Var);
      const SmallVector<DbgRec, 2> *Recs = nullptr;
      if (DI != Declares.end()) {
        Recs = &DI->second;
        P.Source = ParamInfo::Declare;
      } else if (auto VI = Values.find(P.Var); VI != Values.end()) {
        Recs = &VI->second;
        P.Source = ParamInfo::Records;
      }
      if (Recs) {
        for (const DbgRec &R : *Recs) {
          if (R.Kind == DbgRec::KAssign && R.LinkedToAlloca &&
              (!R.V || isa<UndefValue>(R.V)))
            continue; // marks the variable's stack home, says no value
          Piece Pc;
          std::pair<uint64_t, uint64_t> Range =
              pieceRange(R, P.SizeBits, Pc.IsFragment);
          uint64_t Off = Range.first, Size = Range.second;
          Pc.OffsetBits = Off;
          Pc.SizeBits = Size;
          // The first record for a part of the variable gives its value at
          // entry; later overlapping records are later assignments.
          bool Overlaps = any_of(P.Pieces, [&](const Piece &Q) {
            return Off < Q.OffsetBits + Q.SizeBits && Q.OffsetBits < Off + Size;
          });
          if (Overlaps || Size == 0)
            continue;
          Pc.Loc = locationOf(R);
          P.Pieces.push_back(std::move(Pc));
        }
        llvm::sort(P.Pieces, [](const Piece &A, const Piece &B) {
          return A.OffsetBits < B.OffsetBits;
        });
      }
      if (P.Pieces.empty())
        P.Source = ParamInfo::None;
    }
    Params.push_back(std::move(P));
  }
  return Params;
}

//===----------------------------------------------------------------------===//
// Prologue.
//===----------------------------------------------------------------------===//

Value *resolveRoot(Value *Ptr, const DataLayout &DL, int64_t &Offset) {
  APInt Off(DL.getIndexTypeSizeInBits(Ptr->getType()), 0);
  Value *Root = Ptr->stripAndAccumulateConstantOffsets(
      DL, Off, /*AllowNonInbounds=*/true);
  Offset = Off.getSExtValue();
  return Root;
}

/// A value computed from incoming arguments (at least one) and constants by
/// conversions and aggregate/vector element moves only.
static bool isArgDerived(Value *V, unsigned Depth = 0) {
  if (isa<Argument>(V))
    return true;
  auto *I = dyn_cast<Instruction>(V);
  if (!I || Depth > 6)
    return false;
  if (!isa<CastInst>(I) && !isa<ExtractValueInst>(I) &&
      !isa<InsertValueInst>(I) && !isa<FreezeInst>(I))
    return false;
  bool SawArg = false;
  for (Value *Op : I->operands()) {
    if (isa<Constant>(Op))
      continue;
    if (!isArgDerived(Op, Depth + 1))
      return false;
    SawArg = true;
  }
  return SawArg;
}

/// Writes carrying a source location are statements of the function body,
/// not the prologue that spills incoming arguments (which has none).
static bool hasSourceLoc(const Instruction *I) {
  const DebugLoc &DL = I->getDebugLoc();
  return DL && DL.getLine() != 0;
}

static bool isPCHook(const Instruction &I) {
  auto *CI = dyn_cast<CallInst>(&I);
  Function *Callee = CI ? CI->getCalledFunction() : nullptr;
  if (!Callee)
    return false;
  StringRef N = Callee->getName();
  return N == "__sanitizer_cov_trace_pc" ||
         N == "__sanitizer_cov_trace_pc_entry";
}

Prologue scanPrologue(BasicBlock &Entry,
                      const SmallPtrSetImpl<AllocaInst *> &ParamRoots) {
  Prologue P;
  const DataLayout &DL = Entry.getDataLayout();
  // Non-parameter allocas written so far: true while every write to them
  // came from the arguments (a coercion temporary), false once tainted.
  DenseMap<AllocaInst *, bool> Temps;

  auto StaticAllocaRoot = [&](Value *Ptr, int64_t &Off) -> AllocaInst * {
    auto *A = dyn_cast<AllocaInst>(resolveRoot(Ptr, DL, Off));
    if (!A || !A->isStaticAlloca() || A->getParent() != &Entry || Off < 0)
      return nullptr;
    return A;
  };
  auto SourceOK = [&](Value *Src) {
    int64_t Off;
    Value *Root = resolveRoot(Src, DL, Off);
    if (isa<Argument>(Root))
      return true;
    auto *A = dyn_cast<AllocaInst>(Root);
    if (!A)
      return false;
    if (ParamRoots.count(A))
      return P.Writes.count(A) != 0;
    auto It = Temps.find(A);
    return It != Temps.end() && It->second;
  };

  // True while \p I belongs to the prologue (recording its writes).
  auto InPrologue = [&](Instruction &I) -> bool {
    if (auto *A = dyn_cast<AllocaInst>(&I))
      return A->isStaticAlloca();
    if (isa<DbgInfoIntrinsic>(I) || isPCHook(I))
      return true;
    if (auto *II = dyn_cast<IntrinsicInst>(&I))
      if (II->isLifetimeStartOrEnd())
        return true;
    if (isa<CastInst>(I) || isa<ExtractValueInst>(I) ||
        isa<InsertValueInst>(I) || isa<FreezeInst>(I))
      return true;
    if (auto *GEP = dyn_cast<GetElementPtrInst>(&I))
      return GEP->hasAllConstantIndices();

    int64_t Off = 0;
    AllocaInst *A = nullptr;
    bool Init = false;
    uint64_t Size = 0;
    if (auto *SI = dyn_cast<StoreInst>(&I)) {
      if (SI->isSimple())
        A = StaticAllocaRoot(SI->getPointerOperand(), Off);
      Init = !hasSourceLoc(SI) && isArgDerived(SI->getValueOperand());
      Size = DL.getTypeStoreSize(SI->getValueOperand()->getType())
                 .getFixedValue();
    } else if (auto *MC = dyn_cast<MemCpyInst>(&I)) {
      auto *Len = dyn_cast<ConstantInt>(MC->getLength());
      if (!MC->isVolatile() && Len)
        A = StaticAllocaRoot(MC->getRawDest(), Off);
      Init = !hasSourceLoc(MC) && SourceOK(MC->getRawSource());
      Size = Len ? Len->getZExtValue() : 0;
    } else if (auto *MS = dyn_cast<MemSetInst>(&I)) {
      if (!MS->isVolatile())
        A = StaticAllocaRoot(MS->getRawDest(), Off);
      Init = false; // a constant fill is never a parameter's value
    } else {
      return false;
    }
    if (!A)
      return false; // writes memory we do not track
    if (ParamRoots.count(A)) {
      if (!Init)
        return false; // the body changes a parameter
      P.Writes[A].push_back({&I, uint64_t(Off), uint64_t(Off) + Size});
      return true;
    }
    auto [It, New] = Temps.try_emplace(A, Init);
    if (!New)
      It->second = It->second && Init;
    return true;
  };

  for (Instruction &I : Entry) {
    if (!InPrologue(I)) {
      P.Stop = &I;
      break;
    }
  }
  return P;
}

Instruction *Prologue::lastWriteCovering(AllocaInst *A, uint64_t Begin,
                                         uint64_t End,
                                         const std::vector<bool> *Need) const {
  auto It = Writes.find(A);
  if (It == Writes.end())
    return nullptr;
  // Mark covered bytes; ranges are small (one parameter).
  if (End <= Begin || End - Begin > (1u << 20))
    return nullptr;
  std::vector<bool> Covered(End - Begin, false);
  Instruction *Last = nullptr;
  for (const Write &W : It->second) {
    uint64_t B = std::max(W.Begin, Begin), E = std::min(W.End, End);
    if (B >= E)
      continue;
    for (uint64_t X = B; X < E; ++X)
      Covered[X - Begin] = true;
    Last = W.I; // writes are in block order
  }
  for (uint64_t I = 0; I < Covered.size(); ++I)
    if (!Covered[I] && (!Need || (I < Need->size() && (*Need)[I])))
      return nullptr;
  return Last;
}

//===----------------------------------------------------------------------===//
// The entry map.
//===----------------------------------------------------------------------===//
//
// Optimizations may delete the record that gives a parameter its incoming
// value: in `int f(int x) { x = 5; ... }` the #dbg_value(%x) is redundant
// once the #dbg_value(5) follows it with no instruction between, and
// RemoveRedundantDbgInstrs drops it. The first remaining record then shows
// the value after the assignment. Before optimization the link is explicit:
// the prologue stores each incoming IR argument into the parameter's home.
// That link is recorded here, as function metadata naming IR argument
// positions (not values, so it keeps nothing alive):
//
//   !kcov.df.entrymap !{!Sig, !Param...}
//   !Sig   = !{<poison of each IR argument's type>...}
//   !Param = !{i32 DWARFArgNo, i64 VariableBits, !Piece...}
//   !Piece = !{i32 Kind, i64 OffsetBits, i64 SizeBits, i32 IRArgNo,
//              i32 CastOp [, <poison of the cast's result type>]}
//
// Kind 0: the piece is the IR argument (converted by CastOp when non-zero);
// kind 1: the piece is in memory at the IR argument (byval, indirect).
//
// IR arguments are SSA values, so after optimization the argument still
// holds the parameter's entry value as long as (1) the function still has
// the recorded signature (DeadArgElim and ArgPromotion replace the function
// and copy its metadata, but change the signature) and (2) callers still
// pass it: DeadArgElim may make callers pass poison for an argument without
// uses, and then also replaces its debug uses with poison and drops its
// noundef attribute. An argument with uses, debug uses or noundef is fine.

static constexpr const char *EntryMapKind = "kcov.df.entrymap";

void argumentLeaves(Value *V, SmallVectorImpl<const Argument *> &Out) {
  SmallVector<std::pair<Value *, unsigned>, 8> Work{{V, 0}};
  SmallPtrSet<Value *, 16> Seen;
  while (!Work.empty()) {
    auto [X, Depth] = Work.pop_back_val();
    if (!Seen.insert(X).second)
      continue;
    if (auto *A = dyn_cast<Argument>(X)) {
      Out.push_back(A);
      continue;
    }
    auto *I = dyn_cast<Instruction>(X);
    if (!I || Depth > 16)
      continue;
    for (Value *Op : I->operands())
      Work.push_back({Op, Depth + 1});
  }
}

bool recordEntryMap(Function &F) {
  DISubprogram *SP = F.getSubprogram();
  if (F.isDeclaration() || !SP || !SP->getType() ||
      SP->getType()->getTypeArray().size() == 0)
    return false;
  const DataLayout &DL = F.getDataLayout();
  LLVMContext &C = F.getContext();
  SmallVector<ParamInfo, 8> Params = collectParams(F, SP);

  Type *I32 = Type::getInt32Ty(C), *I64 = Type::getInt64Ty(C);
  auto Int = [&](Type *T, uint64_t V) {
    return ConstantAsMetadata::get(ConstantInt::get(T, V));
  };
  SmallVector<Metadata *, 8> Ops;
  SmallVector<Metadata *, 8> Sig;
  for (Argument &A : F.args())
    Sig.push_back(ConstantAsMetadata::get(PoisonValue::get(A.getType())));
  Ops.push_back(MDTuple::get(C, Sig));

  // Parameters whose home is a static alloca of the entry block, and
  // parameters that live in memory an argument points to.
  SmallPtrSet<AllocaInst *, 8> Roots;
  SmallVector<std::pair<const ParamInfo *, AllocaInst *>, 8> Homes;
  for (const ParamInfo &P : Params) {
    if (P.Source == ParamInfo::Declare && P.isWhole()) {
      const Location &L = P.Pieces[0].Loc;
      int64_t Off = 0;
      auto *Arg = L.Kind == Location::Memory && !L.LoadBase && L.Offset == 0
                      ? dyn_cast<Argument>(resolveRoot(L.Base, DL, Off))
                      : nullptr;
      if (Arg && Off == 0) {
        Metadata *Piece = MDTuple::get(
            C, {Int(I32, 1), Int(I64, 0), Int(I64, P.SizeBits),
                Int(I32, Arg->getArgNo()), Int(I32, 0)});
        Ops.push_back(
            MDTuple::get(C, {Int(I32, P.ArgNo), Int(I64, P.SizeBits), Piece}));
        continue;
      }
    }
    AllocaInst *A = P.AssignHome; // assignment tracking already ran
    if (P.Source == ParamInfo::Declare && P.isWhole()) {
      const Location &L = P.Pieces[0].Loc;
      int64_t Off = 0;
      if (L.Kind == Location::Memory && !L.LoadBase && L.Offset == 0)
        A = dyn_cast<AllocaInst>(resolveRoot(L.Base, DL, Off));
      if (Off != 0)
        A = nullptr;
    }
    if (!A || !A->isStaticAlloca() || A->getParent() != &F.getEntryBlock())
      continue;
    Roots.insert(A);
    Homes.push_back({&P, A});
  }
  Prologue Pro = scanPrologue(F.getEntryBlock(), Roots);

  for (auto [P, A] : Homes) {
    auto It = Pro.Writes.find(A);
    uint64_t Bytes = P->SizeBits / 8;
    if (It == Pro.Writes.end() || P->SizeBits % 8 || !Bytes)
      continue;
    std::vector<bool> Covered(Bytes, false);
    SmallVector<Metadata *, 4> POps{Int(I32, P->ArgNo), Int(I64, P->SizeBits)};
    bool OK = true;
    for (const Prologue::Write &W : It->second) {
      auto *SI = dyn_cast<StoreInst>(W.I);
      if (!SI || W.End > Bytes) {
        OK = false;
        break;
      }
      Value *V = SI->getValueOperand();
      Argument *Arg = dyn_cast<Argument>(V);
      unsigned Op = 0;
      Type *CastTy = nullptr;
      if (!Arg) {
        auto *CI = dyn_cast<CastInst>(V);
        Arg = CI ? dyn_cast<Argument>(CI->getOperand(0)) : nullptr;
        if (Arg) {
          Op = CI->getOpcode();
          CastTy = CI->getType();
        }
      }
      if (!Arg) {
        OK = false;
        break;
      }
      for (uint64_t B = W.Begin; B < W.End; ++B) {
        OK &= !Covered[B];
        Covered[B] = true;
      }
      SmallVector<Metadata *, 6> Piece{Int(I32, 0), Int(I64, W.Begin * 8),
                                       Int(I64, (W.End - W.Begin) * 8),
                                       Int(I32, Arg->getArgNo()), Int(I32, Op)};
      if (CastTy)
        Piece.push_back(ConstantAsMetadata::get(PoisonValue::get(CastTy)));
      POps.push_back(MDTuple::get(C, Piece));
    }
    // Bytes no store covers are padding (or not from the arguments): the
    // user of the map checks that every byte a field reads is covered.
    if (OK)
      Ops.push_back(MDTuple::get(C, POps));
  }
  if (Ops.size() == 1)
    return false;
  F.setMetadata(EntryMapKind, MDTuple::get(C, Ops));
  return true;
}

static std::optional<uint64_t> mdInt(const MDOperand &Op) {
  if (auto *CI = mdconst::dyn_extract_or_null<ConstantInt>(Op))
    return CI->getZExtValue();
  return std::nullopt;
}

EntryMap readEntryMap(Function &F) {
  EntryMap Map;
  MDNode *N = F.getMetadata(EntryMapKind);
  if (!N || N->getNumOperands() == 0)
    return Map;
  auto *Sig = dyn_cast<MDTuple>(N->getOperand(0));
  if (!Sig || Sig->getNumOperands() != F.arg_size())
    return Map;
  for (unsigned I = 0; I < F.arg_size(); ++I) {
    auto *T = mdconst::dyn_extract_or_null<Constant>(Sig->getOperand(I));
    if (!T || T->getType() != F.getArg(I)->getType())
      return Map; // the signature changed: the positions mean nothing now
  }
  for (unsigned I = 1; I < N->getNumOperands(); ++I) {
    auto *PN = dyn_cast<MDTuple>(N->getOperand(I));
    if (!PN || PN->getNumOperands() < 3)
      continue;
    std::optional<uint64_t> ArgNo = mdInt(PN->getOperand(0));
    std::optional<uint64_t> VarBits = mdInt(PN->getOperand(1));
    if (!ArgNo || !VarBits)
      continue;
    SmallVector<Piece, 2> Pieces;
    bool OK = true;
    for (unsigned J = 2; J < PN->getNumOperands() && OK; ++J) {
      auto *PC = dyn_cast<MDTuple>(PN->getOperand(J));
      if (!PC || PC->getNumOperands() < 5) {
        OK = false;
        break;
      }
      auto Kind = mdInt(PC->getOperand(0)), Off = mdInt(PC->getOperand(1)),
           Size = mdInt(PC->getOperand(2)), Idx = mdInt(PC->getOperand(3)),
           Op = mdInt(PC->getOperand(4));
      if (!Kind || *Kind > 1 || !Off || !Size || !Idx || !Op ||
          *Idx >= F.arg_size()) {
        OK = false;
        break;
      }
      Argument *A = F.getArg(static_cast<unsigned>(*Idx));
      Piece Pc;
      Pc.OffsetBits = *Off;
      Pc.SizeBits = *Size;
      if (*Kind == 1) {
        // In memory at the argument: the memory, not the pointer, matters.
        if (!A->getType()->isPointerTy()) {
          OK = false;
          break;
        }
        Pc.Loc.Kind = Location::Memory;
        Pc.Loc.Base = A;
        Pieces.push_back(std::move(Pc));
        continue;
      }
      // DeadArgElim makes callers pass poison only for an argument without
      // uses, and then also drops its debug uses and its noundef.
      if (A->use_empty() && !A->isUsedByMetadata() &&
          !A->hasAttribute(Attribute::NoUndef)) {
        OK = false; // callers may pass poison
        break;
      }
      Pc.Loc.Kind = Location::Value;
      Pc.Loc.V = A;
      if (*Op) {
        auto *T = PC->getNumOperands() > 5
                      ? mdconst::dyn_extract_or_null<Constant>(PC->getOperand(5))
                      : nullptr;
        auto CastOp = static_cast<Instruction::CastOps>(*Op);
        if (!T || *Op < Instruction::CastOpsBegin ||
            *Op >= Instruction::CastOpsEnd ||
            !CastInst::castIsValid(CastOp, A->getType(), T->getType())) {
          OK = false;
          break;
        }
        Pc.Loc.CastOp = static_cast<unsigned>(*Op);
        Pc.Loc.CastTy = T->getType();
      }
      Pieces.push_back(std::move(Pc));
    }
    if (!OK || Pieces.empty())
      continue;
    llvm::sort(Pieces, [](const Piece &A, const Piece &B) {
      return A.OffsetBits < B.OffsetBits;
    });
    for (Piece &Pc : Pieces)
      Pc.IsFragment = !(Pieces.size() == 1 && Pc.OffsetBits == 0 &&
                        Pc.SizeBits == *VarBits);
    Map[static_cast<unsigned>(*ArgNo)] = std::move(Pieces);
  }
  return Map;
}

void clearEntryMap(Function &F) { F.setMetadata(EntryMapKind, nullptr); }

} // namespace kcovdf
