//===- KcovDataflow.h - the kcov-dataflow instrumentation pass -*- C++ -*-===//
#ifndef KCOVDF_KCOVDATAFLOW_H
#define KCOVDF_KCOVDATAFLOW_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/PassManager.h"

#include <string>

namespace kcovdf {

struct Options {
  bool Args = false;
  bool Ret = false;
  bool EntryExit = false;
  bool Gate = false;
  /// Call the args/ret callbacks with the preserve_most convention (on
  /// x86-64 and AArch64; elsewhere the C convention is used).
  bool PreserveMost = true;
  std::string GateSymbol;
  unsigned MaxFields = 64;
  unsigned MaxDepth = 4;
  llvm::SmallVector<std::string, 4> SkipSections;

  bool any() const { return Args || Ret || EntryExit; }
  /// The -kcov-df-* command-line options.
  static Options fromCommandLine();
};

class KcovDataflowPass : public llvm::PassInfoMixin<KcovDataflowPass> {
public:
  KcovDataflowPass() : Opts(Options::fromCommandLine()) {}
  explicit KcovDataflowPass(Options O) : Opts(std::move(O)) {}

  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  /// Instrumentation must run at -O0 and on optnone functions too.
  static bool isRequired() { return true; }

private:
  Options Opts;
};

/// Runs before any optimization (registered at PipelineStart): records, for
/// every function with debug info, which IR arguments hold each source
/// parameter's entry value (see ParamLocations.h, recordEntryMap()).
class KcovDataflowEntryMapPass
    : public llvm::PassInfoMixin<KcovDataflowEntryMapPass> {
public:
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }
};

} // namespace kcovdf

#endif
