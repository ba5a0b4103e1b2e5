# kcov-dataflow: top-level build. `make` builds the user-space parts,
# `make check` runs every test suite. See docs/ARCHITECTURE.md.
BUILD ?= $(CURDIR)/build
CLANG ?= clang-22
LLVM_CONFIG ?= llvm-config-22
export BUILD CLANG LLVM_CONFIG

.PHONY: all plugin runtime lib tools check clean

all: plugin runtime lib tools

plugin:
	$(MAKE) -C compiler
runtime:
	$(MAKE) -C runtime
lib:
	$(MAKE) -C lib
tools: lib
	$(MAKE) -C tools

check: all
	tests/run-all.sh

clean:
	rm -rf $(BUILD)/*.so $(BUILD)/*.a $(BUILD)/kcovdf $(BUILD)/obj
