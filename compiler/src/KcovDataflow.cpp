//===- KcovDataflow.cpp - the kcov-dataflow instrumentation pass ----------===//
//
// Inserts, per instrumented function:
//
//  * -kcov-df-entry-exit: __sanitizer_cov_trace_pc_entry() in the entry block
//    (replacing SanitizerCoverage's __sanitizer_cov_trace_pc() there, or new
//    after the static allocas) and __sanitizer_cov_trace_pc_exit() before
//    every return, before a musttail call, and before `resume`: the LLVM 23
//    -fsanitize-coverage=trace-pc-entry-exit contract.
//  * -kcov-df-args: one __kcov_df_trace_args_v2() per source parameter at
//    entry, after the entry hook and after the prologue that spills the
//    arguments (-O0).
//  * -kcov-df-ret: one __kcov_df_trace_ret_v2() before every return that
//    is not the return of a musttail call.
//
// The ABI is in include/linux/kcov_dataflow_abi.h.
//
//===----------------------------------------------------------------------===//
#include "KcovDataflow.h"
#include "Abi.h"
#include "Layout.h"
#include "ParamLocations.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/BinaryFormat/Dwarf.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DebugInfoMetadata.h"
#include "llvm/IR/EHPersonalities.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/IntrinsicInst.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/Transforms/Utils/EscapeEnumerator.h"
#include "llvm/Transforms/Utils/Instrumentation.h"

#include <algorithm>

using namespace llvm;

namespace kcovdf {
namespace {

//===----------------------------------------------------------------------===//
// What one callback passes.
//===----------------------------------------------------------------------===//

struct CallPlan {
  enum KindT {
    Zero,          ///< value 0
    Scalar,        ///< a scalar, extended to 64 bits
    Address,       ///< an address: memory that already holds the object
    ScratchAddr,   ///< the object is assembled in the scratch slot
    ScratchScalar, ///< a scalar assembled in the scratch slot, then loaded
  };
  KindT Kind = Zero;
  uint32_t ArgIdx = KCOV_DF_ARGIDX_NONE;
  uint32_t Flags = 0;
  uint64_t Size = 0;
  GlobalVariable *Layout = nullptr;

  /// Source: a DI parameter (its pieces), or an IR value.
  const ParamInfo *Param = nullptr;
  Value *IRValue = nullptr;

  /// Scalar conversion: the stripped DI type (null without debug info).
  const DIType *ScalarTy = nullptr;
  bool Signed = false;
  /// Bytes to load for a scalar read from memory or from the scratch slot.
  unsigned LoadBytes = 0;
  /// Scratch: bytes the assembled object needs, and whether parts of it are
  /// not written by the pieces (they are zeroed first).
  uint64_t ScratchBytes = 0;
  bool ZeroFill = false;

  bool usesScratch() const {
    return Kind == ScratchAddr || Kind == ScratchScalar;
  }
};

//===----------------------------------------------------------------------===//
// Module-wide state.
//===----------------------------------------------------------------------===//

class ModuleInstrumenter {
public:
  ModuleInstrumenter(Module &M, const Options &O)
      : M(M), Opts(O), DL(M.getDataLayout()), C(M.getContext()),
        Layouts(M, O.MaxFields, O.MaxDepth) {}

  bool run();

  Module &M;
  const Options &Opts;
  const DataLayout &DL;
  LLVMContext &C;
  LayoutTables Layouts;
  FunctionCallee TraceArgs, TraceRet, PCEntry, PCExit;
  Value *Gate = nullptr;
  CallingConv::ID CallbackCC = CallingConv::C;

private:
  bool shouldInstrument(Function &F) const;
  void declareCallbacks();
  void referenceAbiSymbol(llvm::StringRef Sym);
  SmallPtrSet<const Function *, 8> CtorsAndDtors;
};

//===----------------------------------------------------------------------===//
// One function.
//===----------------------------------------------------------------------===//

class FunctionInstrumenter {
public:
  FunctionInstrumenter(ModuleInstrumenter &MI, Function &F)
      : MI(MI), F(F), DL(MI.DL), C(MI.C), Entry(&F.getEntryBlock()),
        SP(F.getSubprogram()),
        I64(Type::getInt64Ty(C)), PtrTy(PointerType::getUnqual(C)) {
    // Debug info is usable when the subprogram describes its parameters;
    // -gline-tables-only subprograms have an empty type array.
    UseDI = SP && SP->getType() && SP->getType()->getTypeArray().size() != 0;
  }

  void run();

private:
  // Entry/exit hooks.
  void instrumentEntryHook();
  void instrumentExitHooks();

  // Planning.
  void planArgs();
  void planArgsFromDI();
  void planArgsFromIR();
  CallPlan planParam(const ParamInfo &P);
  std::vector<bool> neededBytes(const ParamInfo &P);
  CallPlan planIRValue(Value *V, Type *Ty, bool SExt);
  std::optional<CallPlan> planRet(ReturnInst *R);
  Instruction *chooseArgsInsertPoint(const SmallVectorImpl<ParamInfo> &Ps);
  bool pieceUsable(const Piece &Pc, const std::vector<bool> *Need = nullptr);
  bool valueUsable(Value *V, unsigned Depth = 0);
  bool memoryUsable(const Location &L, uint64_t Bytes,
                    const std::vector<bool> *Need);
  bool argumentMemoryIntact(const Argument *A);

  // Emission.
  void createScratch();
  BasicBlock::iterator guarded(Instruction *IP, bool IsEntry);
  void emitCall(IRBuilder<> &B, FunctionCallee Callee, const CallPlan &P);
  Constant *selfAddress();
  Constant *SelfRef = nullptr;
  Value *emitValue(IRBuilder<> &B, const CallPlan &P);
  Value *materialize(IRBuilder<> &B, Value *V);
  Value *emitLocValue(IRBuilder<> &B, const Location &L);
  Value *emitLocAddress(IRBuilder<> &B, const Location &L);
  void emitPieces(IRBuilder<> &B, const CallPlan &P);
  Value *toRawInt(IRBuilder<> &B, Value *V);
  Value *toI64(IRBuilder<> &B, Value *V, const DIType *Ty, bool Signed);
  Value *scratchAt(IRBuilder<> &B, uint64_t Off);
  DebugLoc entryLoc() const;
  DebugLoc fallbackLoc() const;

  ModuleInstrumenter &MI;
  Function &F;
  const DataLayout &DL;
  LLVMContext &C;
  BasicBlock *Entry;
  DISubprogram *SP;
  bool UseDI = false;
  Type *I64;
  PointerType *PtrTy;

  CallInst *EntryHook = nullptr;
  SmallVector<ParamInfo, 8> Params;
  Prologue Pro;
  Instruction *ArgsIP = nullptr;
  SmallVector<CallPlan, 8> ArgPlans;
  SmallVector<std::pair<ReturnInst *, CallPlan>, 4> RetPlans;

  AllocaInst *Scratch = nullptr;
  uint64_t ScratchSize = 0;
  Align ScratchAlign = Align(8);

  /// Emission: instructions of the entry block before this one dominate
  /// the insertion point; others are cloned (pure computations only).
  Instruction *AvailEnd = nullptr;
  DenseMap<Value *, Value *> Clones;
};

//===----------------------------------------------------------------------===//
// Entry and exit hooks (LLVM 23 trace-pc-entry-exit).
//===----------------------------------------------------------------------===//

static CallInst *findCallTo(BasicBlock &BB, StringRef Name) {
  for (Instruction &I : BB)
    if (auto *CI = dyn_cast<CallInst>(&I))
      if (Function *Callee = CI->getCalledFunction())
        if (Callee->getName() == Name)
          return CI;
  return nullptr;
}

DebugLoc FunctionInstrumenter::entryLoc() const {
  if (!SP)
    return DebugLoc();
  return DILocation::get(C, SP->getScopeLine(), 0, SP);
}

DebugLoc FunctionInstrumenter::fallbackLoc() const {
  if (!SP)
    return DebugLoc();
  return DILocation::get(C, 0, 0, SP);
}

void FunctionInstrumenter::instrumentEntryHook() {
  if (findCallTo(*Entry, TracePCEntryName))
    return; // already there (a compiler with trace-pc-entry-exit)
  if (CallInst *PC = findCallTo(*Entry, TracePCName)) {
    // SanitizerCoverage's entry-block call becomes the entry hook.
    PC->setCalledFunction(MI.PCEntry);
    EntryHook = PC;
    return;
  }
  BasicBlock::iterator IP =
      PrepareToSplitEntryBlock(*Entry, Entry->getFirstInsertionPt());
  IRBuilder<> B(Entry, IP);
  B.SetCurrentDebugLocation(entryLoc());
  EntryHook = B.CreateCall(MI.PCEntry);
  EntryHook->setCannotMerge();
}

void FunctionInstrumenter::instrumentExitHooks() {
  if (findCallTo(*Entry, TracePCEntryName) != EntryHook)
    return; // the entry hook predates this pass, so do the exit hooks
  // Returns, musttail calls (the hook goes before the call) and `resume`;
  // for functions that may unwind, calls that may throw are turned into
  // invokes with a cleanup that calls the hook: as SanitizerCoverage does.
  EscapeEnumerator EE(F, "kcovdf_exit", /*HandleExceptions=*/true);
  while (IRBuilder<> *AtExit = EE.Next()) {
    if (!AtExit->getCurrentDebugLocation())
      AtExit->SetCurrentDebugLocation(fallbackLoc());
    CallInst *CI = AtExit->CreateCall(MI.PCExit);
    CI->setTailCallKind(CallInst::TCK_NoTail);
  }
}

//===----------------------------------------------------------------------===//
// Planning: parameters.
//===----------------------------------------------------------------------===//

/// The first instruction of the entry block after its leading static
/// allocas.
static Instruction *firstAfterAllocas(BasicBlock &BB) {
  for (Instruction &I : BB) {
    auto *A = dyn_cast<AllocaInst>(&I);
    if (!A || !A->isStaticAlloca())
      return &I;
  }
  return BB.getTerminator();
}

/// The type of a Value location before its steps.
static Type *locType(const Location &L) {
  return L.CastOp ? L.CastTy : L.V->getType();
}

static bool atOrBefore(const Instruction *A, const Instruction *B) {
  return A == B || A->comesBefore(B);
}

bool FunctionInstrumenter::valueUsable(Value *V, unsigned Depth) {
  if (isa<Argument>(V) || isa<Constant>(V))
    return true;
  auto *I = dyn_cast<Instruction>(V);
  if (!I || I->getParent() != Entry || Depth > 8)
    return false;
  if (I->comesBefore(ArgsIP))
    return true;
  // After the insertion point: usable if it can be recomputed there.
  if (isa<PHINode>(I) || isa<CallBase>(I) || isa<AllocaInst>(I) ||
      I->isTerminator() || I->mayReadOrWriteMemory() ||
      I->mayHaveSideEffects() || !isSafeToSpeculativelyExecute(I))
    return false;
  return all_of(I->operands(),
                [&](Value *Op) { return valueUsable(Op, Depth + 1); });
}

/// Whether nothing before ArgsIP can have written the memory argument \p A
/// points to. Writes to local allocas cannot. For byval and noalias
/// arguments (memory no other pointer names) only writes through \p A and
/// calls can, as long as \p A has not escaped before ArgsIP.
bool FunctionInstrumenter::argumentMemoryIntact(const Argument *A) {
  bool Private = A->hasByValAttr() || A->hasNoAliasAttr();
  // Values before ArgsIP that are A or addresses computed from it.
  SmallPtrSet<const Value *, 8> Derived{A};
  auto UsesA = [&](const Instruction &I) {
    return any_of(I.operands(),
                  [&](const Use &U) { return Derived.count(U.get()); });
  };
  for (Instruction &I : *Entry) {
    if (&I == ArgsIP)
      return true;
    if (isa<DbgInfoIntrinsic>(I))
      continue;
    if (UsesA(I)) {
      if (isa<GetElementPtrInst>(I) || isa<BitCastInst>(I) ||
          isa<AddrSpaceCastInst>(I)) {
        Derived.insert(&I);
        continue;
      }
      // Any other use of the address (stored, passed, converted to an
      // integer) lets other pointers name the memory from here on.
      bool Access =
          (isa<LoadInst>(I)) ||
          (isa<StoreInst>(I) && !Derived.count(cast<StoreInst>(I).getValueOperand())) ||
          isa<MemTransferInst>(I) || isa<MemSetInst>(I);
      if (!Access)
        Private = false;
    }
    if (!I.mayWriteToMemory())
      continue;
    if (auto *CI = dyn_cast<CallInst>(&I))
      if (Function *Callee = CI->getCalledFunction())
        if (Callee->getName() == TracePCName ||
            Callee->getName() == TracePCEntryName)
          continue;
    if (auto *II = dyn_cast<IntrinsicInst>(&I))
      if (II->isLifetimeStartOrEnd())
        continue;
    Value *Dest = nullptr;
    if (auto *SI = dyn_cast<StoreInst>(&I))
      Dest = SI->getPointerOperand();
    else if (auto *MI = dyn_cast<MemIntrinsic>(&I))
      Dest = MI->getRawDest();
    if (!Dest)
      return false; // a call
    int64_t Off;
    Value *Root = resolveRoot(Dest, DL, Off);
    if (Root == A)
      return false;
    if (isa<AllocaInst>(Root) || Private)
      continue;
    return false;
  }
  return true;
}

/// Whether memory location \p L holds the parameter's entry value for
/// \p Bytes bytes at ArgsIP (with \p Need, only for the bytes it marks).
bool FunctionInstrumenter::memoryUsable(const Location &L, uint64_t Bytes,
                                        const std::vector<bool> *Need) {
  if (!valueUsable(L.Base))
    return false;
  int64_t Off = 0;
  Value *Root = resolveRoot(L.Base, DL, Off);
  uint64_t Begin, End;
  if (L.LoadBase) {
    // The address of the variable is stored at Base.
    Begin = Off;
    End = Off + DL.getPointerSize();
  } else {
    Begin = Off + L.Offset;
    End = Begin + Bytes;
  }
  // An argument pointing to memory the caller set up (byval copy, indirect
  // object).
  if (auto *A = dyn_cast<Argument>(Root))
    return A->getType()->isPointerTy() && argumentMemoryIntact(A);
  // A spill slot: initialised by the prologue, unchanged up to ArgsIP.
  if (!Pro.Stop || !atOrBefore(ArgsIP, Pro.Stop))
    return false;
  auto *A = dyn_cast<AllocaInst>(Root);
  if (!A || int64_t(Begin) < 0)
    return false;
  Instruction *Last =
      Pro.lastWriteCovering(A, Begin, End, L.LoadBase ? nullptr : Need);
  return Last && Last->comesBefore(ArgsIP);
}

/// Whether piece \p Pc can be read at ArgsIP. \p Need marks the bytes of
/// the variable that are read (fields, the low bytes of a scalar); bytes
/// outside it need not be initialised.
bool FunctionInstrumenter::pieceUsable(const Piece &Pc,
                                       const std::vector<bool> *Need) {
  if (Pc.OffsetBits % 8 || Pc.SizeBits % 8 || Pc.SizeBits == 0)
    return false;
  const Location &L = Pc.Loc;
  switch (L.Kind) {
  case Location::Unknown:
    return false;
  case Location::Memory: {
    if (!Need)
      return memoryUsable(L, Pc.SizeBits / 8, nullptr);
    uint64_t First = Pc.OffsetBits / 8;
    std::vector<bool> PieceNeed(Pc.SizeBits / 8, false);
    for (uint64_t I = 0; I < PieceNeed.size(); ++I)
      PieceNeed[I] = First + I < Need->size() && (*Need)[First + I];
    return memoryUsable(L, Pc.SizeBits / 8, &PieceNeed);
  }
  case Location::Value: {
    if (!valueUsable(L.V))
      return false;
    Type *T = locType(L);
    if (!L.Steps.empty())
      return stepsResultBits(L, DL) >= Pc.SizeBits;
    if (!T->isSized() || T->isScalableTy())
      return false;
    if (T->isIntegerTy())
      return T->getIntegerBitWidth() >= Pc.SizeBits;
    uint64_t Bits = DL.getTypeSizeInBits(T).getFixedValue();
    if (T->isAggregateType())
      return DL.getTypeStoreSizeInBits(T).getFixedValue() >= Pc.SizeBits;
    return Bits >= Pc.SizeBits;
  }
  }
  return false;
}

Instruction *
FunctionInstrumenter::chooseArgsInsertPoint(const SmallVectorImpl<ParamInfo> &Ps) {
  // Allocas that hold parameters (the -O0 spills).
  SmallPtrSet<AllocaInst *, 8> Roots;
  for (const ParamInfo &P : Ps)
    for (const Piece &Pc : P.Pieces)
      if (Pc.Loc.Kind == Location::Memory) {
        int64_t Off;
        if (auto *A = dyn_cast<AllocaInst>(resolveRoot(Pc.Loc.Base, DL, Off)))
          Roots.insert(A);
      }
  Pro = scanPrologue(*Entry, Roots);

  Instruction *IP = firstAfterAllocas(*Entry);
  auto After = [&](Instruction *I) {
    if (!I || I->isTerminator())
      return;
    Instruction *N = I->getNextNode();
    if (IP->comesBefore(N))
      IP = N;
  };
  if (EntryHook && EntryHook->getParent() == Entry)
    After(EntryHook);
  // After the last initialising write of every parameter's spill slot.
  for (const auto &KV : Pro.Writes)
    for (const Prologue::Write &W : KV.second)
      After(W.I);
  return IP;
}

static bool isAggregateDI(const DIType *S) {
  auto *CT = dyn_cast_or_null<DICompositeType>(S);
  if (!CT)
    return false;
  unsigned Tag = CT->getTag();
  return Tag == dwarf::DW_TAG_structure_type ||
         Tag == dwarf::DW_TAG_union_type || Tag == dwarf::DW_TAG_class_type;
}

/// Whether a pointer type carries btf_type_tag("user") or ("percpu"): the
/// kernel's __user and __percpu when it is built with BTF type tags, which
/// kernels built for KCOV-Dataflow turn on. The address is not one the
/// function may dereference as kernel memory (a caller chose it, or it is
/// a per-CPU offset), so the object behind it must not be read: the
/// pointer is recorded as a plain value.
static bool isForeignPointer(const DIDerivedType *D) {
  auto *A = dyn_cast_or_null<MDTuple>(D->getRawAnnotations());
  if (!A)
    return false;
  for (const MDOperand &Op : A->operands()) {
    auto *T = dyn_cast_or_null<MDTuple>(Op.get());
    if (!T || T->getNumOperands() != 2)
      continue;
    auto *K = dyn_cast_or_null<MDString>(T->getOperand(0).get());
    auto *V = dyn_cast_or_null<MDString>(T->getOperand(1).get());
    if (K && V && K->getString() == "btf_type_tag" &&
        (V->getString() == "user" || V->getString() == "percpu"))
      return true;
  }
  return false;
}

static const DIType *pointeeOf(const DIType *S) {
  auto *D = dyn_cast_or_null<DIDerivedType>(S);
  if (!D)
    return nullptr;
  if (isForeignPointer(D))
    return nullptr;
  switch (D->getTag()) {
  case dwarf::DW_TAG_pointer_type:
  case dwarf::DW_TAG_reference_type:
  case dwarf::DW_TAG_rvalue_reference_type:
    return D->getBaseType();
  default:
    return nullptr;
  }
}

/// The bytes of a parameter the runtime reads: the bytes of the fields of
/// an object passed by value, the low (up to 8) bytes of a scalar.
std::vector<bool> FunctionInstrumenter::neededBytes(const ParamInfo &P) {
  uint64_t Size = P.SizeBits / 8;
  std::vector<bool> Need(Size, false);
  if (isAggregateDI(stripType(P.Ty))) {
    if (const LayoutTables::Entry *LE = MI.Layouts.get(P.Ty))
      for (const LayoutField &Fd : LE->Desc.Fields)
        for (uint64_t B = Fd.Offset; B < uint64_t(Fd.Offset) + Fd.Size; ++B)
          if (B < Size)
            Need[B] = true;
    return Need;
  }
  for (uint64_t B = 0; B < Size && B < 8; ++B)
    Need[B] = true;
  return Need;
}

CallPlan FunctionInstrumenter::planParam(const ParamInfo &P) {
  CallPlan Plan;
  Plan.Param = &P;
  Plan.ArgIdx = P.ArgNo - 1;
  Plan.Size = P.SizeBits / 8;
  const DIType *S = stripType(P.Ty);
  bool ByValue = isAggregateDI(S);
  const LayoutTables::Entry *LE = nullptr;
  if (ByValue)
    LE = MI.Layouts.get(P.Ty);
  else if (const DIType *Pointee = pointeeOf(S))
    LE = MI.Layouts.get(Pointee);

  auto OptOut = [&] {
    CallPlan O;
    O.ArgIdx = Plan.ArgIdx;
    O.Size = Plan.Size;
    O.Flags = KCOV_DF_F_OPTOUT;
    return O;
  };
  if (P.Pieces.empty())
    return OptOut();
  if (Plan.Size == 0)
    return Plan; // nothing to read (an empty struct): value 0

  if (ByValue) {
    Plan.Flags = KCOV_DF_F_BYVAL;
    if (LE) {
      Plan.Flags |= KCOV_DF_F_FIELDS;
      Plan.Layout = LE->GV;
    }
    std::vector<bool> Need = neededBytes(P);
    // Already in memory (byval, indirect, -O0 spill): pass its address.
    if (P.isWhole() && P.Pieces[0].Loc.Kind == Location::Memory) {
      if (!pieceUsable(P.Pieces[0], &Need))
        return OptOut();
      Plan.Kind = CallPlan::Address;
      return Plan;
    }
    // In registers (ABI coercion, SROA): copy the pieces to the scratch slot.
    uint64_t Extent = Plan.Size;
    if (LE)
      Extent = std::max<uint64_t>(Extent, uint64_t(LE->Desc.spanOffset()) +
                                              LE->Desc.spanSize());
    std::vector<bool> Covered(Extent * 8, false);
    for (const Piece &Pc : P.Pieces) {
      if (!pieceUsable(Pc, &Need))
        return OptOut();
      uint64_t End = Pc.OffsetBits + Pc.SizeBits;
      if (Pc.Loc.Kind == Location::Value && !locType(Pc.Loc)->isIntegerTy() &&
          Pc.Loc.Steps.empty())
        End = std::max<uint64_t>(
            End, Pc.OffsetBits +
                     DL.getTypeStoreSizeInBits(locType(Pc.Loc)).getFixedValue());
      Extent = std::max<uint64_t>(Extent, (End + 7) / 8);
      if (Covered.size() < Extent * 8)
        Covered.resize(Extent * 8, false);
      for (uint64_t B = Pc.OffsetBits; B < Pc.OffsetBits + Pc.SizeBits; ++B)
        Covered[B] = true;
    }
    // Every bit a field reads must come from the parameter.
    bool Complete = true;
    for (uint64_t B = 0; B < P.SizeBits && B < Covered.size(); ++B)
      Complete &= Covered[B];
    if (LE) {
      for (const LayoutField &Fd : LE->Desc.Fields) {
        uint64_t Lo = uint64_t(Fd.Offset) * 8 + Fd.BitOffset;
        uint64_t Hi = Fd.BitSize ? Lo + Fd.BitSize
                                 : uint64_t(Fd.Offset) * 8 + Fd.Size * 8;
        Hi = std::min<uint64_t>(Hi, P.SizeBits);
        for (uint64_t B = Lo; B < Hi; ++B)
          if (B >= Covered.size() || !Covered[B])
            return OptOut();
      }
    }
    Plan.Kind = CallPlan::ScratchAddr;
    Plan.ScratchBytes = Extent;
    Plan.ZeroFill = !Complete || Extent * 8 > P.SizeBits;
    return Plan;
  }

  // Scalars, pointers (with the pointee's layout when it has one).
  Plan.ScalarTy = S;
  Plan.Signed = isSignedScalar(S);
  if (Plan.Signed)
    Plan.Flags |= KCOV_DF_F_SIGNED;
  if (LE) {
    Plan.Flags |= KCOV_DF_F_FIELDS;
    Plan.Layout = LE->GV;
  }
  Plan.LoadBytes = static_cast<unsigned>(std::min<uint64_t>(Plan.Size, 8));
  std::vector<bool> Need = neededBytes(P);
  if (P.isWhole()) {
    const Piece &Pc = P.Pieces[0];
    if (!pieceUsable(Pc, &Need))
      return OptOut();
    if (Pc.Loc.Kind == Location::Value && locType(Pc.Loc)->isAggregateType() &&
        Pc.Loc.Steps.empty()) {
      Plan.Kind = CallPlan::ScratchScalar; // e.g. _Complex as {double,double}
      Plan.ScratchBytes = std::max<uint64_t>(
          Plan.Size, DL.getTypeStoreSize(locType(Pc.Loc)).getFixedValue());
      return Plan;
    }
    Plan.Kind = CallPlan::Scalar;
    return Plan;
  }
  // A scalar in pieces (e.g. __int128 in two registers): assemble, then read
  // its low bytes, all of which must be known.
  uint64_t NeedBits = uint64_t(Plan.LoadBytes) * 8, Got = 0;
  uint64_t Extent = Plan.Size;
  for (const Piece &Pc : P.Pieces) {
    if (!pieceUsable(Pc, &Need))
      return OptOut();
    if (Pc.OffsetBits != Got && Pc.OffsetBits < NeedBits)
      return OptOut();
    Got = std::max(Got, Pc.OffsetBits + Pc.SizeBits);
    Extent = std::max<uint64_t>(Extent, (Pc.OffsetBits + Pc.SizeBits) / 8);
  }
  if (Got < NeedBits)
    return OptOut();
  Plan.Kind = CallPlan::ScratchScalar;
  Plan.ScratchBytes = Extent;
  return Plan;
}

/// The IR argument positions a parameter's location is computed from.
static void paramLeaves(const ParamInfo &P, const DataLayout &DL,
                        SmallVectorImpl<unsigned> &Pos) {
  SmallVector<const Argument *, 4> Args;
  for (const Piece &Pc : P.Pieces) {
    if (Pc.Loc.Kind == Location::Value) {
      argumentLeaves(Pc.Loc.V, Args);
    } else if (Pc.Loc.Kind == Location::Memory) {
      int64_t Off;
      if (auto *A = dyn_cast<Argument>(resolveRoot(Pc.Loc.Base, DL, Off)))
        Args.push_back(A);
    }
  }
  for (const Argument *A : Args)
    Pos.push_back(A->getArgNo());
}

/// Checks on locations taken from the first value records, which are right
/// unless optimization deleted the record of the incoming value (see
/// ParamLocations.cpp, "The entry map"). A parameter's incoming value comes
/// from its own IR argument(s): a location computed from no argument at all
/// (a constant: `x = 5;`), by more than extraction (`x = x + 1;`), from an
/// argument another parameter's location also uses (`b = a;`), or from
/// arguments out of ABI order is not trusted.
/// What ABI lowering does to an incoming value: extract, shift down,
/// truncate, extend, reinterpret. Anything else in a first record is an
/// assignment of the function body whose preceding record was deleted.
static bool isExtraction(const Value *V, unsigned Depth = 0) {
  if (isa<Argument>(V))
    return true;
  auto *I = dyn_cast<Instruction>(V);
  if (!I || Depth > 8)
    return false;
  switch (I->getOpcode()) {
  case Instruction::Trunc:
  case Instruction::ZExt:
  case Instruction::SExt:
  case Instruction::BitCast:
  case Instruction::PtrToInt:
  case Instruction::IntToPtr:
  case Instruction::ExtractValue:
    return isExtraction(I->getOperand(0), Depth + 1);
  case Instruction::LShr:
  case Instruction::ExtractElement:
    return isa<ConstantInt>(I->getOperand(1)) &&
           isExtraction(I->getOperand(0), Depth + 1);
  default:
    return false;
  }
}

static bool isExtraction(const Location &L) {
  for (const ExprStep &S : L.Steps)
    if (S.Op != ExprStep::Convert && S.Op != ExprStep::LShr)
      return false;
  return isExtraction(L.V);
}

static void checkRecordLocations(SmallVectorImpl<ParamInfo> &Params,
                                 const DataLayout &DL) {
  auto Distrust = [](ParamInfo &P) {
    for (Piece &Pc : P.Pieces)
      Pc.Loc.Kind = Location::Unknown;
  };
  for (ParamInfo &P : Params) {
    if (P.Source != ParamInfo::Records)
      continue;
    for (Piece &Pc : P.Pieces) {
      if (Pc.Loc.Kind != Location::Value)
        continue;
      SmallVector<const Argument *, 4> Args;
      argumentLeaves(Pc.Loc.V, Args);
      if (Args.empty() || !isExtraction(Pc.Loc))
        Pc.Loc.Kind = Location::Unknown;
    }
  }
  SmallVector<SmallVector<unsigned, 4>, 8> Pos(Params.size());
  for (unsigned I = 0; I < Params.size(); ++I)
    paramLeaves(Params[I], DL, Pos[I]);
  SmallVector<bool, 8> Bad(Params.size(), false);
  for (unsigned I = 0; I < Params.size(); ++I)
    for (unsigned J = I + 1; J < Params.size(); ++J) {
      if (Pos[I].empty() || Pos[J].empty())
        continue;
      unsigned MaxI = *llvm::max_element(Pos[I]);
      unsigned MinJ = *llvm::min_element(Pos[J]);
      if (MaxI >= MinJ) // shared or out of order
        Bad[I] = Bad[J] = true;
    }
  for (unsigned I = 0; I < Params.size(); ++I)
    if (Bad[I] && Params[I].Source == ParamInfo::Records)
      Distrust(Params[I]);
}

void FunctionInstrumenter::planArgsFromDI() {
  Params = collectParams(F, SP);
  EntryMap Map = readEntryMap(F);
  // The recorded argument map beats the first value records.
  for (ParamInfo &P : Params) {
    auto It = Map.find(P.ArgNo);
    if (It != Map.end() && P.Source != ParamInfo::Declare) {
      P.Pieces = It->second;
      P.Source = ParamInfo::EntryMap;
    }
  }
  ArgsIP = chooseArgsInsertPoint(Params);
  // A home that cannot be read at the insertion point (e.g. an alloca that
  // a sanitizer rewrote): the incoming argument still has the value.
  for (ParamInfo &P : Params) {
    auto It = Map.find(P.ArgNo);
    if (P.Source != ParamInfo::Declare || It == Map.end())
      continue;
    std::vector<bool> Need = neededBytes(P);
    if (!all_of(P.Pieces,
                [&](const Piece &Pc) { return pieceUsable(Pc, &Need); })) {
      P.Pieces = It->second;
      P.Source = ParamInfo::EntryMap;
    }
  }
  checkRecordLocations(Params, DL);
  for (const ParamInfo &P : Params) {
    if (P.ArgNo > KCOV_DF_ARGIDX_NONE) // the index has 8 bits, 0xff is "none"
      break;
    ArgPlans.push_back(planParam(P));
  }
}

/// Plan for an IR value without debug info (or for a return value whose DI
/// type is a scalar): \p Ty is its IR type.
CallPlan FunctionInstrumenter::planIRValue(Value *V, Type *Ty, bool SExt) {
  CallPlan Plan;
  Plan.IRValue = V;
  if (!Ty->isSized() || Ty->isScalableTy()) {
    Plan.Flags = KCOV_DF_F_OPTOUT;
    return Plan;
  }
  Plan.Size = DL.getTypeStoreSize(Ty).getFixedValue();
  if (Ty->isAggregateType()) {
    Plan.Kind = CallPlan::ScratchAddr;
    Plan.Flags = KCOV_DF_F_BYVAL;
    Plan.ScratchBytes = Plan.Size;
    return Plan;
  }
  if (Ty->isIntegerTy() || Ty->isPointerTy() || Ty->isFloatingPointTy() ||
      (Ty->isVectorTy() && !Ty->getScalarType()->isPointerTy())) {
    Plan.Kind = CallPlan::Scalar;
    Plan.Signed = SExt && Ty->isIntegerTy();
    if (Plan.Signed)
      Plan.Flags |= KCOV_DF_F_SIGNED;
    return Plan;
  }
  Plan.Flags = KCOV_DF_F_OPTOUT;
  Plan.IRValue = nullptr;
  return Plan;
}

void FunctionInstrumenter::planArgsFromIR() {
  ArgsIP = firstAfterAllocas(*Entry);
  if (EntryHook && EntryHook->getParent() == Entry &&
      ArgsIP->comesBefore(EntryHook->getNextNode()))
    ArgsIP = EntryHook->getNextNode();
  unsigned Idx = 0;
  for (Argument &A : F.args()) {
    if (A.hasStructRetAttr())
      continue;
    if (Idx >= KCOV_DF_ARGIDX_NONE)
      break;
    CallPlan Plan;
    if (Type *MemTy = A.getPointeeInMemoryValueType()) {
      // byval, byref, inalloca, preallocated: the object is in memory.
      Plan.Kind = CallPlan::Address;
      Plan.IRValue = &A;
      Plan.Flags = KCOV_DF_F_BYVAL;
      Plan.Size = MemTy->isSized() ? DL.getTypeAllocSize(MemTy).getFixedValue()
                                   : 0;
    } else {
      Plan = planIRValue(&A, A.getType(), A.hasSExtAttr());
    }
    Plan.ArgIdx = Idx++;
    ArgPlans.push_back(Plan);
  }
}

void FunctionInstrumenter::planArgs() {
  if (UseDI)
    planArgsFromDI();
  else
    planArgsFromIR();
  if (ArgPlans.empty()) {
    CallPlan Plan;
    Plan.Flags = KCOV_DF_F_NOARGS;
    ArgPlans.push_back(Plan);
  }
  ArgPlans.front().Flags |= KCOV_DF_F_FIRST;
}

//===----------------------------------------------------------------------===//
// Planning: returns.
//===----------------------------------------------------------------------===//

static Argument *sretArg(Function &F) {
  for (Argument &A : F.args())
    if (A.hasStructRetAttr())
      return &A;
  return nullptr;
}

std::optional<CallPlan> FunctionInstrumenter::planRet(ReturnInst *R) {
  if (R->getParent()->getTerminatingMustTailCall())
    return std::nullopt; // nothing may sit between a musttail call and ret
  Value *RV = R->getReturnValue();
  bool Undef = RV && isa<UndefValue>(RV);
  Argument *SRet = sretArg(F);

  if (!UseDI) {
    if (SRet) {
      CallPlan Plan;
      Plan.Kind = CallPlan::Address;
      Plan.IRValue = SRet;
      Plan.Flags = KCOV_DF_F_BYVAL;
      Type *T = SRet->getParamStructRetType();
      Plan.Size = T && T->isSized() ? DL.getTypeAllocSize(T).getFixedValue() : 0;
      return Plan;
    }
    if (!RV) {
      CallPlan Plan;
      Plan.Flags = KCOV_DF_F_VOID;
      return Plan;
    }
    if (Undef) {
      CallPlan Plan;
      Plan.Flags = KCOV_DF_F_OPTOUT;
      Plan.Size = DL.getTypeStoreSize(RV->getType()).getFixedValue();
      return Plan;
    }
    return planIRValue(RV, RV->getType(),
                       F.getAttributes().hasRetAttr(Attribute::SExt));
  }

  DITypeRefArray Types = SP->getType()->getTypeArray();
  const DIType *RetTy = Types[0];
  CallPlan Plan;
  if (!RetTy) {
    Plan.Flags = KCOV_DF_F_VOID;
    return Plan;
  }
  const DIType *S = stripType(RetTy);
  Plan.Size = S ? S->getSizeInBits() / 8 : 0;
  auto OptOut = [&] {
    CallPlan O;
    O.Size = Plan.Size;
    O.Flags = KCOV_DF_F_OPTOUT;
    return O;
  };

  if (isAggregateDI(S)) {
    const LayoutTables::Entry *LE = MI.Layouts.get(RetTy);
    Plan.Flags = KCOV_DF_F_BYVAL;
    if (LE) {
      Plan.Flags |= KCOV_DF_F_FIELDS;
      Plan.Layout = LE->GV;
    }
    if (SRet) {
      // The caller's memory, complete at the return.
      Plan.Kind = CallPlan::Address;
      Plan.IRValue = SRet;
      return Plan;
    }
    if (!RV || Undef || !RV->getType()->isSized())
      return OptOut(); // e.g. the return value was dead and removed
    uint64_t Extent = std::max<uint64_t>(
        Plan.Size, DL.getTypeStoreSize(RV->getType()).getFixedValue());
    if (LE)
      Extent = std::max<uint64_t>(Extent, uint64_t(LE->Desc.spanOffset()) +
                                              LE->Desc.spanSize());
    Plan.Kind = CallPlan::ScratchAddr;
    Plan.IRValue = RV;
    Plan.ScratchBytes = Extent;
    Plan.ZeroFill =
        DL.getTypeStoreSize(RV->getType()).getFixedValue() < Extent;
    return Plan;
  }

  if (!RV || Undef || Plan.Size == 0)
    return OptOut();
  Plan.IRValue = RV;
  Plan.ScalarTy = S;
  Plan.Signed = isSignedScalar(S);
  if (Plan.Signed)
    Plan.Flags |= KCOV_DF_F_SIGNED;
  if (const DIType *Pointee = pointeeOf(S))
    if (const LayoutTables::Entry *LE = MI.Layouts.get(Pointee)) {
      Plan.Flags |= KCOV_DF_F_FIELDS;
      Plan.Layout = LE->GV;
    }
  Type *T = RV->getType();
  if (T->isAggregateType()) {
    Plan.Kind = CallPlan::ScratchScalar;
    Plan.LoadBytes = static_cast<unsigned>(std::min<uint64_t>(Plan.Size, 8));
    Plan.ScratchBytes =
        std::max<uint64_t>(Plan.Size, DL.getTypeStoreSize(T).getFixedValue());
    Plan.ZeroFill = DL.getTypeStoreSize(T).getFixedValue() < Plan.LoadBytes;
    return Plan;
  }
  if (T->isIntegerTy() || T->isPointerTy() || T->isFloatingPointTy() ||
      (T->isVectorTy() && !T->isScalableTy() &&
       !T->getScalarType()->isPointerTy())) {
    Plan.Kind = CallPlan::Scalar;
    return Plan;
  }
  return OptOut();
}

//===----------------------------------------------------------------------===//
// Emission.
//===----------------------------------------------------------------------===//

void FunctionInstrumenter::createScratch() {
  uint64_t Size = 0;
  auto Note = [&](const CallPlan &P) {
    if (P.usesScratch())
      Size = std::max(Size, P.ScratchBytes);
  };
  for (const CallPlan &P : ArgPlans)
    Note(P);
  for (auto &RP : RetPlans)
    Note(RP.second);
  if (!Size)
    return;
  ScratchSize = alignTo(Size, 8);
  // Vectors, long double and __int128 pieces want 16-byte alignment.
  ScratchAlign = Align(ScratchSize >= 16 ? 16 : 8);
  Type *Ty = ArrayType::get(Type::getInt8Ty(C), ScratchSize);
  Scratch = new AllocaInst(Ty, DL.getAllocaAddrSpace(), nullptr, ScratchAlign,
                           "kcovdf.scratch", Entry->getFirstInsertionPt());
}

/// Where to emit the callbacks that belong before \p IP: there, or with the
/// inline gate in a new cold block entered only while the gate variable is
/// non-zero.
BasicBlock::iterator FunctionInstrumenter::guarded(Instruction *IP,
                                                   bool IsEntry) {
  BasicBlock::iterator It = IP->getIterator();
  if (IsEntry)
    It = PrepareToSplitEntryBlock(*Entry, It);
  if (!MI.Opts.Gate) {
    AvailEnd = &*It;
    return It;
  }
  IRBuilder<> B(IP->getParent(), It);
  B.SetCurrentDebugLocation(IsEntry ? entryLoc() : IP->getDebugLoc());
  if (!B.getCurrentDebugLocation())
    B.SetCurrentDebugLocation(fallbackLoc());
  LoadInst *G = B.CreateLoad(Type::getInt32Ty(C), MI.Gate, "kcovdf.gate");
  G->setNoSanitizeMetadata();
  Value *On = B.CreateICmpNE(G, B.getInt32(0), "kcovdf.on");
  MDNode *Weights = MDBuilder(C).createBranchWeights(1, 100000);
  Instruction *Then = SplitBlockAndInsertIfThen(On, It, false, Weights);
  Then->getParent()->setName("kcovdf.cold");
  // Everything still in the entry block dominates the cold block.
  AvailEnd = Entry->getTerminator();
  return Then->getIterator();
}

Value *FunctionInstrumenter::materialize(IRBuilder<> &B, Value *V) {
  auto *I = dyn_cast<Instruction>(V);
  if (!I)
    return V;
  if (I->getParent() == Entry && AvailEnd && I->comesBefore(AvailEnd))
    return V;
  if (Value *Done = Clones.lookup(V))
    return Done;
  // A pure computation placed after the insertion point: recompute it here
  // (planning checked this is possible).
  Instruction *Copy = I->clone();
  for (Use &U : Copy->operands())
    U.set(materialize(B, U.get()));
  Copy->setDebugLoc(B.getCurrentDebugLocation());
  B.Insert(Copy, I->getName() + ".kcovdf");
  Clones[V] = Copy;
  return Copy;
}

Value *FunctionInstrumenter::toRawInt(IRBuilder<> &B, Value *V) {
  Type *T = V->getType();
  if (T->isIntegerTy())
    return V;
  if (T->isPointerTy())
    return B.CreatePtrToInt(V, B.getIntNTy(DL.getPointerTypeSizeInBits(T)));
  unsigned Bits = static_cast<unsigned>(DL.getTypeSizeInBits(T).getFixedValue());
  return B.CreateBitCast(V, B.getIntNTy(Bits));
}

Value *FunctionInstrumenter::emitLocValue(IRBuilder<> &B, const Location &L) {
  Value *V = materialize(B, L.V);
  if (L.CastOp)
    V = B.CreateCast(static_cast<Instruction::CastOps>(L.CastOp), V, L.CastTy);
  if (L.Steps.empty())
    return V;
  V = toRawInt(B, V);
  unsigned W = V->getType()->getIntegerBitWidth();
  bool Signed = false;
  for (const ExprStep &S : L.Steps) {
    if (S.Op == ExprStep::Convert) {
      unsigned NewW = static_cast<unsigned>(S.Imm);
      if (NewW < W)
        V = B.CreateTrunc(V, B.getIntNTy(NewW));
      else if (NewW > W)
        V = Signed ? B.CreateSExt(V, B.getIntNTy(NewW))
                   : B.CreateZExt(V, B.getIntNTy(NewW));
      W = NewW;
      Signed = S.Signed;
      continue;
    }
    if (W < 64) {
      V = Signed ? B.CreateSExt(V, I64) : B.CreateZExt(V, I64);
      W = 64;
    }
    Type *T = V->getType();
    Constant *K = ConstantInt::get(T, APInt(W, S.Imm));
    switch (S.Op) {
    case ExprStep::Add:
      V = B.CreateAdd(V, K);
      break;
    case ExprStep::Sub:
      V = B.CreateSub(V, K);
      break;
    case ExprStep::Mul:
      V = B.CreateMul(V, K);
      break;
    case ExprStep::Shl:
      V = S.Imm >= W ? ConstantInt::get(T, 0) : B.CreateShl(V, K);
      break;
    case ExprStep::LShr:
      V = S.Imm >= W ? ConstantInt::get(T, 0) : B.CreateLShr(V, K);
      break;
    case ExprStep::AShr:
      V = B.CreateAShr(V, ConstantInt::get(T, std::min<uint64_t>(S.Imm, W - 1)));
      break;
    case ExprStep::And:
      V = B.CreateAnd(V, K);
      break;
    case ExprStep::Or:
      V = B.CreateOr(V, K);
      break;
    case ExprStep::Xor:
      V = B.CreateXor(V, K);
      break;
    case ExprStep::Convert:
      break;
    }
  }
  return V;
}

Value *FunctionInstrumenter::emitLocAddress(IRBuilder<> &B, const Location &L) {
  Value *P = materialize(B, L.Base);
  if (L.LoadBase) {
    LoadInst *LI = B.CreateLoad(PtrTy, P);
    LI->setNoSanitizeMetadata();
    P = LI;
  }
  if (L.Offset)
    P = B.CreatePtrAdd(P, B.getInt64(L.Offset));
  return P;
}

Value *FunctionInstrumenter::scratchAt(IRBuilder<> &B, uint64_t Off) {
  return Off ? B.CreatePtrAdd(Scratch, B.getInt64(Off)) : Scratch;
}

void FunctionInstrumenter::emitPieces(IRBuilder<> &B, const CallPlan &P) {
  if (P.ZeroFill)
    B.CreateMemSet(Scratch, B.getInt8(0), ScratchSize, ScratchAlign)
        ->setNoSanitizeMetadata();
  auto Store = [&](Value *V, uint64_t Off) {
    StoreInst *SI =
        B.CreateAlignedStore(V, scratchAt(B, Off), commonAlignment(ScratchAlign, Off));
    SI->setNoSanitizeMetadata();
  };
  if (P.IRValue) {
    Store(P.IRValue, 0);
    return;
  }
  for (const Piece &Pc : P.Param->Pieces) {
    uint64_t Off = Pc.OffsetBits / 8, Bytes = Pc.SizeBits / 8;
    const Location &L = Pc.Loc;
    if (L.Kind == Location::Memory) {
      B.CreateMemCpy(scratchAt(B, Off), commonAlignment(ScratchAlign, Off),
                     emitLocAddress(B, L), Align(1), Bytes)
          ->setNoSanitizeMetadata();
      continue;
    }
    Value *V = emitLocValue(B, L);
    Type *T = V->getType();
    if (!T->isAggregateType()) {
      uint64_t Bits = DL.getTypeSizeInBits(T).getFixedValue();
      if (Bits > Pc.SizeBits) {
        V = toRawInt(B, V);
        V = B.CreateTrunc(V, B.getIntNTy(static_cast<unsigned>(Pc.SizeBits)));
      }
    }
    Store(V, Off);
  }
}

Value *FunctionInstrumenter::toI64(IRBuilder<> &B, Value *V, const DIType *Ty,
                                   bool Signed) {
  V = toRawInt(B, V);
  unsigned W = V->getType()->getIntegerBitWidth();
  // An integer held in a wider register: only the declared bits count.
  bool IntLike = false;
  if (auto *BT = dyn_cast_or_null<DIBasicType>(Ty))
    IntLike = BT->getEncoding() != dwarf::DW_ATE_float &&
              BT->getEncoding() != dwarf::DW_ATE_complex_float;
  else if (auto *CT = dyn_cast_or_null<DICompositeType>(Ty))
    IntLike = CT->getTag() == dwarf::DW_TAG_enumeration_type;
  uint64_t TyBits = Ty ? Ty->getSizeInBits() : 0;
  if (IntLike && TyBits && TyBits < W) {
    V = B.CreateTrunc(V, B.getIntNTy(static_cast<unsigned>(TyBits)));
    W = static_cast<unsigned>(TyBits);
  }
  if (W < 64)
    return Signed ? B.CreateSExt(V, I64) : B.CreateZExt(V, I64);
  if (W > 64)
    return B.CreateTrunc(V, I64);
  return V;
}

Value *FunctionInstrumenter::emitValue(IRBuilder<> &B, const CallPlan &P) {
  switch (P.Kind) {
  case CallPlan::Zero:
    return B.getInt64(0);
  case CallPlan::Scalar: {
    Value *V;
    if (P.IRValue) {
      V = P.IRValue;
    } else {
      const Location &L = P.Param->Pieces[0].Loc;
      if (L.Kind == Location::Memory) {
        LoadInst *LI =
            B.CreateAlignedLoad(B.getIntNTy(P.LoadBytes * 8),
                                emitLocAddress(B, L), Align(1));
        LI->setNoSanitizeMetadata();
        V = LI;
      } else {
        V = emitLocValue(B, L);
      }
    }
    return toI64(B, V, P.ScalarTy, P.Signed);
  }
  case CallPlan::Address: {
    Value *A = P.IRValue ? P.IRValue : emitLocAddress(B, P.Param->Pieces[0].Loc);
    return B.CreatePtrToInt(A, I64);
  }
  case CallPlan::ScratchAddr:
    emitPieces(B, P);
    return B.CreatePtrToInt(Scratch, I64);
  case CallPlan::ScratchScalar: {
    emitPieces(B, P);
    LoadInst *LI = B.CreateAlignedLoad(B.getIntNTy(P.LoadBytes * 8), Scratch,
                                       ScratchAlign);
    LI->setNoSanitizeMetadata();
    return toI64(B, LI, P.ScalarTy, P.Signed);
  }
  }
  return B.getInt64(0);
}

/// The address the records name as the function. For a definition another
/// object may override (weak, linkonce, ...), the symbol would resolve to
/// the override, so the (dead, still linked) copy would name another
/// function, possibly in another section (modpost's section mismatches in
/// the kernel); a private alias always means this very definition.
Constant *FunctionInstrumenter::selfAddress() {
  if (SelfRef)
    return SelfRef;
  SelfRef = &F;
  if (F.isInterposable() || F.hasWeakLinkage() || F.hasLinkOnceLinkage() ||
      F.hasExternalWeakLinkage() || F.hasCommonLinkage())
    SelfRef = GlobalAlias::create(GlobalValue::PrivateLinkage,
                                  "kcovdf.self." + F.getName(), &F);
  return SelfRef;
}

void FunctionInstrumenter::emitCall(IRBuilder<> &B, FunctionCallee Callee,
                                    const CallPlan &P) {
  Value *Func = ConstantExpr::getPtrToInt(selfAddress(), I64);
  Value *Info = B.getInt64(infoWord(P.ArgIdx, P.Flags, P.Size));
  Value *Val = emitValue(B, P);
  Value *Layout = P.Layout ? static_cast<Value *>(P.Layout)
                           : ConstantPointerNull::get(PtrTy);
  CallInst *CI = B.CreateCall(Callee, {Func, Info, Val, Layout});
  CI->setTailCallKind(CallInst::TCK_NoTail);
  CI->setCallingConv(MI.CallbackCC);
}

void FunctionInstrumenter::run() {
  const Options &O = MI.Opts;
  SmallVector<ReturnInst *, 4> Rets;
  for (BasicBlock &BB : F)
    if (auto *R = dyn_cast<ReturnInst>(BB.getTerminator()))
      Rets.push_back(R);

  if (O.EntryExit)
    instrumentEntryHook();
  if (O.Args)
    planArgs();
  if (O.Ret)
    for (ReturnInst *R : Rets)
      if (std::optional<CallPlan> P = planRet(R))
        RetPlans.emplace_back(R, *P);
  createScratch();

  if (O.Args) {
    BasicBlock::iterator It = guarded(ArgsIP, /*IsEntry=*/true);
    IRBuilder<> B(It->getParent(), It);
    B.SetCurrentDebugLocation(entryLoc());
    bool UsesScratch = any_of(ArgPlans, [](const CallPlan &P) {
      return P.usesScratch();
    });
    if (UsesScratch)
      B.CreateLifetimeStart(Scratch);
    for (const CallPlan &P : ArgPlans)
      emitCall(B, MI.TraceArgs, P);
    if (UsesScratch)
      B.CreateLifetimeEnd(Scratch);
    Clones.clear();
  }
  for (auto &[R, P] : RetPlans) {
    DebugLoc Loc = R->getDebugLoc() ? R->getDebugLoc() : fallbackLoc();
    BasicBlock::iterator It = guarded(R, /*IsEntry=*/false);
    IRBuilder<> B(It->getParent(), It);
    B.SetCurrentDebugLocation(Loc);
    if (P.usesScratch())
      B.CreateLifetimeStart(Scratch);
    emitCall(B, MI.TraceRet, P);
    if (P.usesScratch())
      B.CreateLifetimeEnd(Scratch);
  }
  if (O.EntryExit)
    instrumentExitHooks();
  F.addFnAttr(InstrumentedAttr);
}

//===----------------------------------------------------------------------===//
// Module.
//===----------------------------------------------------------------------===//

static void collectCtors(Module &M, StringRef Name,
                         SmallPtrSetImpl<const Function *> &Out) {
  GlobalVariable *GV = M.getGlobalVariable(Name);
  if (!GV || !GV->hasInitializer())
    return;
  auto *CA = dyn_cast<ConstantArray>(GV->getInitializer());
  if (!CA)
    return;
  for (Use &Op : CA->operands())
    if (auto *CS = dyn_cast<ConstantStruct>(Op.get()))
      if (CS->getNumOperands() >= 2)
        if (auto *Fn = dyn_cast<Function>(CS->getOperand(1)->stripPointerCasts()))
          Out.insert(Fn);
}

bool ModuleInstrumenter::shouldInstrument(Function &F) const {
  if (F.isDeclaration() || F.hasAvailableExternallyLinkage())
    return false;
  if (F.hasFnAttribute(InstrumentedAttr))
    return false;
  StringRef Name = F.getName();
  // Our callbacks and the runtime's own entry points; __sanitizer_* is
  // SanitizerCoverage's rule for its callbacks.
  if (Name.starts_with("__sanitizer_") || Name.starts_with("__kcov_df_"))
    return false;
  // Module constructors/destructors (sanitizer-generated or not) run before
  // any runtime is set up.
  if (Name.contains(".module_ctor") || Name.contains(".module_dtor") ||
      CtorsAndDtors.count(&F))
    return false;
  if (F.hasFnAttribute(Attribute::Naked) ||
      F.hasFnAttribute(Attribute::NoSanitizeCoverage) ||
      F.hasFnAttribute(Attribute::DisableSanitizerInstrumentation))
    return false;
  if (F.hasSection()) {
    StringRef Sec = F.getSection();
    for (const std::string &S : Opts.SkipSections) {
      StringRef Pat(S);
      if (Pat.ends_with("*") ? Sec.starts_with(Pat.drop_back()) : Sec == Pat)
        return false;
    }
  }
  BasicBlock &Entry = F.getEntryBlock();
  if (isa<UnreachableInst>(Entry.getTerminator()))
    return false;
  if (Entry.getFirstInsertionPt() == Entry.end())
    return false;
  // Like SanitizerCoverage: no SEH functions (splitting blocks breaks
  // WinEHPrepare).
  if (F.hasPersonalityFn() &&
      isAsynchronousEHPersonality(classifyEHPersonality(F.getPersonalityFn())))
    return false;
  return true;
}

void ModuleInstrumenter::declareCallbacks() {
  Type *Void = Type::getVoidTy(C), *I64 = Type::getInt64Ty(C);
  PointerType *Ptr = PointerType::getUnqual(C);
  AttributeList NoUnwind =
      AttributeList().addFnAttribute(C, Attribute::NoUnwind);
  if (Opts.Args)
    TraceArgs = M.getOrInsertFunction(TraceArgsName, NoUnwind, Void, I64, I64,
                                      I64, Ptr);
  if (Opts.Ret)
    TraceRet = M.getOrInsertFunction(TraceRetName, NoUnwind, Void, I64, I64,
                                     I64, Ptr);
  if (Opts.EntryExit) {
    PCEntry = M.getOrInsertFunction(TracePCEntryName, NoUnwind, Void);
    PCExit = M.getOrInsertFunction(TracePCExitName, NoUnwind, Void);
  }
  if (Opts.Args || Opts.Ret) {
    Triple T(M.getTargetTriple());
    bool PM = Opts.PreserveMost &&
              (T.getArch() == Triple::x86_64 || T.isAArch64());
    CallingConv::ID CC = PM ? CallingConv::PreserveMost : CallingConv::C;

    for (FunctionCallee *FC : {&TraceArgs, &TraceRet})
      if (FC->getCallee())
        if (auto *Fn = dyn_cast<Function>(FC->getCallee()))
          Fn->setCallingConv(CC);
    CallbackCC = CC;
    referenceAbiSymbol(PM ? AbiSymbolPM : AbiSymbolC);
  }
  if (Opts.Gate && (Opts.Args || Opts.Ret)) {
    Gate = M.getOrInsertGlobal(Opts.GateSymbol, Type::getInt32Ty(C));
    // Code that is not position independent, and executables (PIE), can
    // reach the gate directly: one "cmpl $0, gate(%rip)" instead of a GOT
    // load that ties up a callee-saved register for the whole function.
    if (auto *GV = dyn_cast<GlobalVariable>(Gate))
      if (GV->isDeclaration() && (M.getPICLevel() == PICLevel::NotPIC ||
                                  M.getPIELevel() != PIELevel::Default))
        GV->setDSOLocal(true);
  }
}

/// A hidden, mergeable pointer to the ABI symbol, kept by
/// llvm.compiler.used: the link fails with "undefined symbol: <sym>" when the
/// runtime does not implement this calling convention.
void ModuleInstrumenter::referenceAbiSymbol(StringRef Sym) {
  std::string RefName = (Twine(Sym) + ".ref").str();
  if (M.getNamedGlobal(RefName))
    return;
  GlobalVariable *Target = cast<GlobalVariable>(
      M.getOrInsertGlobal(Sym, Type::getInt8Ty(C)));
  auto *Ref = new GlobalVariable(M, PointerType::getUnqual(C), true,
                                 GlobalValue::LinkOnceODRLinkage, Target,
                                 RefName);
  Ref->setVisibility(GlobalValue::HiddenVisibility);
  if (Triple(M.getTargetTriple()).supportsCOMDAT())
    Ref->setComdat(M.getOrInsertComdat(RefName));
  appendToCompilerUsed(M, {Ref});
}

bool ModuleInstrumenter::run() {
  if (Opts.MaxFields < 1 || Opts.MaxFields > KCOV_DF_MAX_FIELDS) {
    C.emitError("kcov-dataflow: -kcov-df-max-fields must be 1.." +
                Twine(KCOV_DF_MAX_FIELDS));
    return false;
  }
  if (Opts.MaxDepth > 4) {
    C.emitError("kcov-dataflow: -kcov-df-max-depth must be 0..4 "
                "(docs/layout.md)");
    return false;
  }
  if (Opts.Gate && Opts.GateSymbol.empty()) {
    C.emitError("kcov-dataflow: -kcov-df-gate-symbol is empty");
    return false;
  }
  if (Opts.Gate) {
    GlobalValue *Existing = M.getNamedValue(Opts.GateSymbol);
    if (Existing && !isa<GlobalVariable>(Existing)) {
      C.emitError("kcov-dataflow: gate symbol '" + Opts.GateSymbol +
                  "' is not a variable");
      return false;
    }
  }
  collectCtors(M, "llvm.global_ctors", CtorsAndDtors);
  collectCtors(M, "llvm.global_dtors", CtorsAndDtors);

  SmallVector<Function *, 32> Work;
  for (Function &F : M)
    if (shouldInstrument(F))
      Work.push_back(&F);
  if (Work.empty())
    return false;
  declareCallbacks();
  for (Function *F : Work)
    FunctionInstrumenter(*this, *F).run();
  return true;
}

} // namespace

PreservedAnalyses KcovDataflowPass::run(Module &M, ModuleAnalysisManager &) {
  bool Changed = false;
  if (Opts.any()) {
    ModuleInstrumenter MI(M, Opts);
    Changed = MI.run();
  }
  // The entry maps served their purpose (or will never be used).
  for (Function &F : M)
    if (F.hasMetadata()) {
      clearEntryMap(F);
    }
  return Changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

PreservedAnalyses KcovDataflowEntryMapPass::run(Module &M,
                                                ModuleAnalysisManager &) {
  bool Changed = false;
  for (Function &F : M)
    if (!F.isDeclaration() && !F.hasFnAttribute(InstrumentedAttr))
      Changed |= recordEntryMap(F);
  // Only metadata was added: every analysis still holds.
  (void)Changed;
  return PreservedAnalyses::all();
}

} // namespace kcovdf
