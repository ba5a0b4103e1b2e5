# lit configuration for the kcov-dataflow plugin tests.
# Run: tests/suites/10-compiler.sh, or
#      /usr/lib/llvm-22/bin/lit -v compiler/test   (after make -C compiler)
import os
import shutil
import subprocess
import sys

import lit.formats

config.name = "kcov-dataflow"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".ll", ".test"]
config.excludes = ["Inputs", "lit.cfg.py"]

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
build = os.environ.get("BUILD", os.path.join(root, "build"))
llvm_config = os.environ.get("LLVM_CONFIG", "llvm-config-22")
try:
    bindir = subprocess.check_output([llvm_config, "--bindir"], text=True).strip()
except (OSError, subprocess.CalledProcessError):
    bindir = "/usr/lib/llvm-22/bin"

config.test_source_root = here
config.test_exec_root = os.path.join(build, "compiler-test")

plugin = os.environ.get("KCOVDF_PLUGIN", os.path.join(build, "kcovdf-plugin.so"))
if not os.path.exists(plugin):
    lit_config.fatal("plugin not built: %s (make -C compiler)" % plugin)

# FileCheck, not, count, split-file, llvm-readelf, ld.lld, clang, opt...
config.environment["PATH"] = os.pathsep.join(
    [bindir, config.environment.get("PATH", os.environ.get("PATH", ""))])
for var in ("HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

clang = os.path.join(bindir, "clang")
clangxx = os.path.join(bindir, "clang++")
opt = os.path.join(bindir, "opt")
target = "--target=x86_64-unknown-linux-gnu"

# Longest names first: lit substitutes in order.
config.substitutions.append(("%kcxx", "%s %s -fpass-plugin=%s" % (clangxx, target, plugin)))
config.substitutions.append(("%kcc", "%s %s -fpass-plugin=%s" % (clang, target, plugin)))
config.substitutions.append(("%kopt", "%s -load-pass-plugin=%s" % (opt, plugin)))
config.substitutions.append(("%clang", "%s %s" % (clang, target)))
config.substitutions.append(("%opt", opt))
config.substitutions.append(("%plugin", plugin))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%abicheck", os.path.join(root, "scripts", "kcovdf-abi-check")))
config.environment["NM"] = os.path.join(bindir, "llvm-nm")
config.substitutions.append(("%layout", "%s %s" % (sys.executable, os.path.join(here, "Inputs", "layout.py"))))

rustc = shutil.which("rustc")
if rustc:
    config.available_features.add("rustc")
    config.substitutions.append(("%rustc", rustc))
if shutil.which("ld.lld", path=config.environment["PATH"]) or \
        shutil.which("ld.lld-22"):
    config.available_features.add("lld")
