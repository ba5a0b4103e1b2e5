# kcov-dataflow: top-level build. `make` builds the user-space parts,
# `make demo` installs what is missing and traces a syscall in a patched
# kernel under QEMU, `make check` installs what is missing and runs every
# test suite (what CI runs). See docs/ARCHITECTURE.md.
BUILD ?= $(CURDIR)/build
CLANG ?= clang-22
LLVM_CONFIG ?= llvm-config-22
export BUILD CLANG LLVM_CONFIG

.PHONY: all plugin runtime lib tools check demo deps clean

all: plugin runtime lib tools

plugin:
	$(MAKE) -C compiler
runtime:
	$(MAKE) -C runtime
lib:
	$(MAKE) -C lib
tools: lib
	$(MAKE) -C tools

deps:
	scripts/install-deps.sh

# deps first, alone: the other prerequisites need its packages.
check: deps
	$(MAKE) all
	tests/run-all.sh

demo: deps
	scripts/demo.sh

clean:
	rm -rf $(BUILD)/*.so $(BUILD)/*.a $(BUILD)/*.o $(BUILD)/*.exports $(BUILD)/kcovdf $(BUILD)/kcovdf-cc $(BUILD)/kcovdf-c++ $(BUILD)/obj

# Benchmarks (bench/run.sh): builds the kernels it needs, prints the table
# of the issue's targets with the measured column; method in BENCHMARKS.md.
.PHONY: bench
bench: all
	bench/run.sh
