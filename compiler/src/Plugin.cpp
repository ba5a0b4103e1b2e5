//===- Plugin.cpp - kcov-dataflow pass plugin entry point -----------------===//
//
// clang-22 -fpass-plugin=build/kcovdf-plugin.so -mllvm -kcov-df-args ...
// opt-22 -load-pass-plugin=build/kcovdf-plugin.so \
//        -passes='sancov-module,kcov-dataflow' -kcov-df-args ...
//
//===----------------------------------------------------------------------===//
#include "Abi.h"
#include "KcovDataflow.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Support/CommandLine.h"

#include <memory>

using namespace llvm;

static cl::OptionCategory Category("kcov-dataflow options");

static cl::opt<bool>
    ClArgs("kcov-df-args", cl::init(false), cl::cat(Category),
           cl::desc("kcov-dataflow: call __kcov_df_trace_args_v2() for "
                    "every source-level parameter at function entry"));
static cl::opt<bool>
    ClRet("kcov-df-ret", cl::init(false), cl::cat(Category),
          cl::desc("kcov-dataflow: call __kcov_df_trace_ret_v2() before "
                   "every return"));
static cl::opt<bool> ClEntryExit(
    "kcov-df-entry-exit", cl::init(false), cl::cat(Category),
    cl::desc("kcov-dataflow: call __sanitizer_cov_trace_pc_entry() at entry "
             "(replacing SanitizerCoverage's entry-block trace_pc call) and "
             "__sanitizer_cov_trace_pc_exit() at every exit (LLVM 23 "
             "trace-pc-entry-exit)"));
static cl::opt<bool>
    ClGate("kcov-df-gate", cl::init(false), cl::cat(Category),
           cl::desc("kcov-dataflow: make the args/ret callbacks conditional "
                    "on a global int (see -kcov-df-gate-symbol)"));
static cl::opt<bool> ClPreserveMost(
    "kcov-df-preserve-most", cl::init(true), cl::cat(Category),
    cl::desc("kcov-dataflow: call the args/ret callbacks with the "
             "preserve_most convention on x86-64 and AArch64, so the "
             "instrumented function saves no registers for them (the "
             "runtime must define them __attribute__((preserve_most)))"));
static cl::opt<std::string> ClGateSymbol(
    "kcov-df-gate-symbol", cl::init(kcovdf::DefaultGateSymbol),
    cl::cat(Category), cl::value_desc("name"),
    cl::desc("kcov-dataflow: the global int the inline gate loads"));
static cl::opt<unsigned> ClMaxFields(
    "kcov-df-max-fields", cl::init(KCOV_DF_MAX_FIELDS), cl::cat(Category),
    cl::value_desc("N"),
    cl::desc("kcov-dataflow: at most N fields per layout table (1..64)"));
static cl::opt<unsigned> ClMaxDepth(
    "kcov-df-max-depth", cl::init(4), cl::cat(Category), cl::value_desc("N"),
    cl::desc("kcov-dataflow: flatten nested structs N levels deep (0..4)"));
static cl::opt<std::string> ClSkipSections(
    "kcov-df-skip-sections", cl::init(".noinstr.text,.entry.text"),
    cl::cat(Category), cl::value_desc("sec,..."),
    cl::desc("kcov-dataflow: never instrument functions placed in these "
             "sections (comma-separated; a trailing '*' matches a prefix)"));

namespace kcovdf {
Options Options::fromCommandLine() {
  Options O;
  O.Args = ClArgs;
  O.Ret = ClRet;
  O.EntryExit = ClEntryExit;
  O.Gate = ClGate;
  O.PreserveMost = ClPreserveMost;
  O.GateSymbol = ClGateSymbol;
  O.MaxFields = ClMaxFields;
  O.MaxDepth = ClMaxDepth;
  SmallVector<StringRef, 4> Parts;
  StringRef(ClSkipSections).split(Parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef P : Parts)
    if (!P.trim().empty())
      O.SkipSections.push_back(P.trim().str());
  return O;
}
} // namespace kcovdf

static void registerCallbacks(PassBuilder &PB) {
  // Extension-point callbacks run in registration order, and clang registers
  // its sanitizer passes (SanitizerCoverage, ASan/KASAN, KCSAN) at
  // OptimizerLast only after the plugins have registered theirs. Registering
  // from the pipeline-start callback, which runs while the pipeline is being
  // built, puts this pass after them. The flag keeps a PassBuilder that
  // builds several pipelines from registering the callback twice.
  auto Registered = std::make_shared<bool>(false);
  PB.registerPipelineStartEPCallback(
      [&PB, Registered](ModulePassManager &MPM, OptimizationLevel) {
        // Before any optimization (and before clang's assignment tracking
        // rewrites the declarations): which IR argument holds which source
        // parameter.
        if (ClArgs)
          MPM.addPass(kcovdf::KcovDataflowEntryMapPass());
        if (*Registered)
          return;
        *Registered = true;
        PB.registerOptimizerLastEPCallback(
            [](ModulePassManager &MPM, OptimizationLevel, ThinOrFullLTOPhase) {
              kcovdf::Options O = kcovdf::Options::fromCommandLine();
              if (O.any())
                MPM.addPass(kcovdf::KcovDataflowPass(std::move(O)));
            });
      });
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM,
         ArrayRef<PassBuilder::PipelineElement>) {
        if (Name == "kcov-dataflow") {
          MPM.addPass(kcovdf::KcovDataflowPass());
          return true;
        }
        if (Name == "kcov-dataflow-entrymap") {
          MPM.addPass(kcovdf::KcovDataflowEntryMapPass());
          return true;
        }
        return false;
      });
}

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "kcov-dataflow", "1", registerCallbacks};
}
