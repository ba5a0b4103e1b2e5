#!/usr/bin/env bash
# `kcovdf cc` as a drop-in compiler (tools/cc.c, docs/tools.md "kcovdf cc"):
# what it adds for each kind of driver invocation (-Werror on every kind of
# step), the inline gate as the default, shared libraries (linked, loaded,
# dlopen'ed, recorded with names and values), preserve_most callbacks
# through a shared library's calls under register pressure, an
# autoconf-style configure that must keep its shared library, and
# `kcovdf c++`. TAP output.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
src=$root/tests/cc
t=$(mktemp -d /tmp/kcovdf-cc-test.XXXXXX)
trap 'rm -rf "$t"' EXIT
cd "$t" || exit 1

if ! make -C "$root" all >"$t/build.log" 2>&1; then
	tail -20 "$t/build.log" | sed 's/^/# /'
	notok "make all"
	done_testing
fi

# The argument callback's name (compiler ABI): from the runtime's exports.
ARGS=$(grep -o '__kcov_df_trace_args[A-Za-z0-9_]*\|__sanitizer_cov_trace_args' \
	"$BUILD/kcovdf-rt.exports" | head -n 1)

# --- what is added, per kind of step (KCOVDF_CC_VERBOSE=1 prints it) -----
printf 'int main(void) { return 0; }\n' >m.c
printf 'int f(int x) { return x + 1; }\n' >f.c
printf '\t.text\n\t.globl g\ng:\n\tret\n' >g.S
printf '#define X 1\nint h(void);\n' >h.h
cls() {	# cls ARGS...: the classification line
	KCOVDF_CC_VERBOSE=1 "$K" cc "$@" 2>&1 >/dev/null | sed -n '1s/^kcovdf cc: //p'
}
plugin_in() { KCOVDF_CC_VERBOSE=1 "$K" cc "$@" 2>&1 >/dev/null | sed -n 2p | grep -q -- -fpass-plugin; }
runtime_in() { KCOVDF_CC_VERBOSE=1 "$K" cc "$@" 2>&1 >/dev/null | sed -n 2p | grep -q libkcovdf-rt.a; }

check "-Werror -c x.c: compiles, instrumented, no runtime" \
	sh -c "'$K' cc -Werror -O2 -c f.c -o f.o && nm f.o | grep -q 'U $ARGS' && ! nm f.o | grep -q ' T __kcov_df'"
check "-Werror -c m.c; -Werror m.o -o m (a link-only step): links the runtime, no compile options" \
	sh -c "'$K' cc -Werror -O2 -c m.c -o m.o && '$K' cc -Werror m.o -o m && ./m && nm m | grep -q ' T $ARGS'"
if ! plugin_in m.o -o m && runtime_in m.o -o m; then
	ok "link-only step: runtime added, plugin not"
else
	notok "link-only step: $(cls m.o -o m)"
fi
check "-Werror -S x.c: assembly with the callbacks" \
	sh -c "'$K' cc -Werror -O2 -S f.c -o f.s && grep -q $ARGS f.s"
check "-Werror -E, -M, -MM, -fsyntax-only: run, nothing added" \
	sh -c "'$K' cc -Werror -E f.c >/dev/null && '$K' cc -Werror -M f.c | grep -q 'f.o:' && '$K' cc -Werror -MM f.c | grep -q 'f.o:' && '$K' cc -Werror -fsyntax-only f.c"
for a in "-E f.c" "-M f.c" "-MM f.c" "-fsyntax-only f.c" "-c g.S" "-x c-header h.h -o h.pch" "-r f.o -o r.o"; do
	# shellcheck disable=SC2086
	if plugin_in $a || runtime_in $a; then
		notok "nothing added for '$a': $(cls $a)"
	else
		ok "nothing added for '$a' ($(cls $a))"
	fi
done
check "-Werror -c x.S (assembly only)" "$K" cc -Werror -c g.S -o g.o
check "-Werror -c x.c y.S in one command: the C file is instrumented, the assembler never sees the plugin's options" \
	sh -c "'$K' cc -Werror -O2 -c f.c g.S && nm f.o | grep -q $ARGS && nm g.o | grep -q ' T g'"
check "-Werror x.c y.S -o prog (compile, assemble and link)" \
	sh -c "'$K' cc -Werror -O2 m.c g.S -o mg && ./mg"
check "-Werror -x c - (source on stdin) -c: instrumented" \
	sh -c "'$K' cc -Werror -x c -c - -o stdin.o <f.c && nm stdin.o | grep -q $ARGS"
check "-Werror -r (relocatable link): no runtime in the output" \
	sh -c "'$K' cc -Werror -r f.o -o r.o && nm r.o | grep -q 'U $ARGS' && ! nm r.o | grep -q ' T $ARGS'"
printf -- '-Werror -O2 -c "f.c" -o f2.o\n' >compile.rsp
printf -- '-Werror m.o -o m2\n' >link.rsp
check "@response file with -c: instrumented; with a link-only command: links" \
	sh -c "'$K' cc @compile.rsp && nm f2.o | grep -q $ARGS && '$K' cc @link.rsp && ./m2"
if [ "$(cls @link.rsp | cut -d';' -f1)" = "compile and link, executable" ]; then
	ok "@response file classified as a link-only step"
else
	notok "@response file classified as: $(cls @link.rsp)"
fi
for a in "--version" "-v" "-###" "-dumpversion" "-print-resource-dir"; do
	if [ "$("$K" cc $a 2>&1)" = "$(clang-22 $a 2>&1)" ]; then
		ok "'$a' passes through unchanged"
	else
		notok "'$a' passes through unchanged"
	fi
done

# --- the inline gate is the default (issue #11 item 6) --------------------
check "default modes: the inline gate (the object reads __kcov_df_gate)" \
	sh -c "nm f.o | grep -q 'U __kcov_df_gate'"
check "KCOVDF_MODES=args,ret,nogate: no gate" \
	sh -c "KCOVDF_MODES=args,ret,nogate '$K' cc -O2 -c f.c -o fn.o && nm fn.o | grep -q $ARGS && ! nm fn.o | grep -q __kcov_df_gate"
check "the gate opens when recording: a default build records" \
	sh -c "'$K' cc -O2 '$root/tests/e2e/values.c' -o values && '$K' record --user -o values.trace -- ./values >/dev/null 2>&1 && '$K' view values.trace | grep -q 'area(p=0x[0-9a-f]* {x=3, y=4}) = 12'"

# --- shared libraries (issue #11 item 4) ----------------------------------
check "-Werror -fPIC -shared: links (no runtime in the library, -z now)" \
	sh -c "'$K' cc -Werror -O2 -fPIC -shared '$src/lib.c' -o libcclib.so && ! nm -D --defined-only libcclib.so | grep -q $ARGS && nm -D libcclib.so | grep -q 'U $ARGS' && readelf -d libcclib.so | grep -q BIND_NOW"
check "-Werror -shared from .o files (link-only step)" \
	sh -c "'$K' cc -Werror -O2 -fPIC -c '$src/lib.c' -o lib.o && '$K' cc -Werror -shared lib.o -o libcclib2.so"
check "program linked against it exports the runtime" \
	sh -c "'$K' cc -Werror -O2 '$src/prog.c' -o prog -L. -lcclib -Wl,-rpath,'$t' && nm -D --defined-only prog | grep -q $ARGS && nm -D --defined-only prog | grep -q __kcov_df_gate && ./prog"
rm -f prog.trace
if "$K" record --user -o prog.trace -- ./prog >prog.out 2>&1 &&
   "$K" view prog.trace >prog.view 2>&1 &&
   grep_each prog.view '^  lib_add(a=1, b=2) = 3$' \
	'^  lib_area(p=0x[0-9a-f]* {x=3, y=4}) = 12$' \
	'^  lib_sum_area(p=0x[0-9a-f]* {x=3, y=4}, extra=100) {$' \
	'^    lib_add(a=12, b=100) = 112$'; then
	ok "shared library's calls recorded with names, fields and nesting"
else
	sed 's/^/# /' prog.out prog.view | head -20
	notok "shared library's calls recorded with names, fields and nesting"
fi
check "dlopen'ed library, dlclose'd before exit: recorded and named" \
	sh -c "'$K' cc -O2 '$src/dl.c' -o dl && '$K' record --user -o dl.trace -- ./dl ./libcclib.so >/dev/null 2>&1 && '$K' view dl.trace >dl.view && grep -q '^  lib_add(a=20, b=22) = 42' dl.view && grep -q '^  lib_sum_area(p=0x[0-9a-f]* {x=5, y=6}, extra=1) {' dl.view && grep -q '^    lib_area(p=0x[0-9a-f]* {x=5, y=6}) = 30' dl.view"
# Programs not built with kcovdf cc: the library brings libkcovdf-rt.so.
check "the library needs libkcovdf-rt.so by absolute path" \
	sh -c "readelf -d libcclib.so | grep -q 'NEEDED.*\[$BUILD/libkcovdf-rt.so\]'"
rm -f plainprog.trace
if clang-22 -O2 "$src/prog.c" -o plainprog -L. -lcclib -Wl,-rpath,"$t" >plainprog.out 2>&1 &&
   env -u KCOVDF_OUT ./plainprog >>plainprog.out 2>&1 &&
   "$K" record --user -o plainprog.trace -- ./plainprog >>plainprog.out 2>&1 &&
   "$K" view plainprog.trace >plainprog.view 2>&1 &&
   grep_each plainprog.view '^lib_add(a=1, b=2) = 3$' \
	'^lib_area(p=0x[0-9a-f]* {x=3, y=4}) = 12$' \
	'^  lib_add(a=12, b=100) = 112$'; then
	ok "program built with plain clang-22 against the library: runs, and is recorded through libkcovdf-rt.so (fields read with process_vm_readv)"
else
	sed 's/^/# /' plainprog.out plainprog.view 2>/dev/null | head -20
	notok "program built with plain clang-22 against the library, recorded through libkcovdf-rt.so"
fi
if clang-22 -O2 "$src/dl.c" -o plaindl -ldl >plaindl.out 2>&1 &&
   "$K" record --user -o plaindl.trace -- ./plaindl ./libcclib.so >>plaindl.out 2>&1 &&
   "$K" view plaindl.trace >plaindl.view 2>&1 &&
   grep_each plaindl.view '^lib_add(a=20, b=22) = 42' \
	'^  lib_area(p=0x[0-9a-f]* {x=5, y=6}) = 30'; then
	ok "program built with plain clang-22 dlopens the library: libkcovdf-rt.so comes with it (static TLS), recorded and named"
else
	sed 's/^/# /' plaindl.out plaindl.view 2>/dev/null | head -20
	notok "program built with plain clang-22 dlopens the library"
fi
# With kcovdf cc's program: libkcovdf-rt.so is loaded too, but dormant.
if [ "$(strings prog.trace | grep -c '^proc\.[0-9]*\.start=')" = 1 ] &&
   [ "$(grep -c 'lib_add(' prog.view)" = 2 ]; then
	ok "program with the runtime: libkcovdf-rt.so stays dormant (one process header, each call once)"
else
	notok "program with the runtime: libkcovdf-rt.so stays dormant"
fi
check "-shared with -Wl,--no-undefined and -Wl,-z,defs (meson's default) links" \
	sh -c "'$K' cc -Werror -O2 -fPIC -shared -Wl,--no-undefined '$src/lib.c' -o libnu.so && '$K' cc -Werror -O2 -fPIC -shared -Wl,-z,defs '$src/lib.c' -o libzd.so"

# preserve_most through a shared library's calls: same result as without
# instrumentation, lazy binding left as the default (LD_BIND_NOW unset).
clang-22 -O2 -fPIC -shared "$src/press.c" -o libpress-plain.so 2>/dev/null
mkdir -p plain && cp libpress-plain.so plain/libpress.so
if "$K" cc -Werror -O2 -fPIC -shared "$src/press.c" -o libpress.so &&
   "$K" cc -Werror -O2 "$src/press_main.c" -o press -L. -lpress -Wl,-rpath,"$t" >press.log 2>&1; then
	want=$(env -u LD_BIND_NOW LD_LIBRARY_PATH=plain ./press)
	off=$(env -u LD_BIND_NOW -u KCOVDF_OUT ./press)
	on=$(env -u LD_BIND_NOW KCOVDF_OUT="$t/press.kdf" ./press)
	if [ -n "$want" ] && [ "$off" = "$want" ] && [ "$on" = "$want" ]; then
		ok "register pressure across preserve_most callbacks from a shared library: $want, recording off and on"
	else
		notok "register pressure: want '$want', recording off '$off', on '$on'"
	fi
else
	sed 's/^/# /' press.log | head
	notok "register pressure: build"
fi

# --- an autoconf-style configure keeps its shared library -----------------
mkdir -p conf && cd conf || exit 1
if CC="$K cc" CFLAGS="-O2 -Werror" "$src/conf/configure" >configure.out 2>&1 &&
   grep_each configure.out '^checking for shared library support... yes$' \
	'^checking for dependency generation with -MM... yes$'; then
	ok "configure with CC='kcovdf cc' CFLAGS=-Werror: shared library support found"
else
	sed 's/^/# /' configure.out config.log | head -30
	notok "configure with CC='kcovdf cc' CFLAGS=-Werror: shared library support found"
fi
if make >make.out 2>&1 && [ -f libfoo.so.1.0 ] && [ -x use-shared ] &&
   "$K" record --user -o use.trace -- ./use-shared >use.out 2>&1 &&
   grep -q '^4 11 11e60398$' use.out &&
   "$K" view use.trace >use.view 2>&1 &&
   grep_each use.view 'foo_append(b=0x[0-9a-f]* {len=4, cap=16, name=0x[0-9a-f]*}, n=7) = 11' \
	'foo_checksum(p=0x[0-9a-f]*, n=9) = 300286872'; then
	ok "make: libfoo.so and a program using it, recorded with names and values"
else
	sed 's/^/# /' make.out use.out use.view 2>/dev/null | head -30
	notok "make: libfoo.so and a program using it, recorded with names and values"
fi
cd "$t" || exit 1

# --- kcovdf c++ -------------------------------------------------------------
check "kcovdf c++: C++ program compiled, linked (libstdc++), recorded" \
	sh -c "'$K' c++ -Werror -O2 '$src/hello.cc' -o hello && '$K' record --user -o hello.trace -- ./hello >/dev/null 2>&1 && '$K' view hello.trace | grep -q 'add_len[^(]*(a=0x[0-9a-f]* {total=3, n=1}, s=0x[0-9a-f]* {.*_M_string_length=5, .*}) = 2'"

# --- one path per compiler: build/kcovdf-cc, build/kcovdf-c++ (CMake) ------
if command -v cmake >/dev/null; then
	mkdir -p cm && cp "$src/lib.c" "$src/prog.c" "$src/hello.cc" cm/
	cat >cm/CMakeLists.txt <<'EOC'
cmake_minimum_required(VERSION 3.13)
project(kcovdf_cc_test C CXX)
add_library(cclib SHARED lib.c)
add_executable(prog prog.c)
target_link_libraries(prog cclib)
add_executable(hello hello.cc)
EOC
	if CC="$BUILD/kcovdf-cc" CXX="$BUILD/kcovdf-c++" CFLAGS=-Werror \
		CXXFLAGS=-Werror cmake -S cm -B cm/b >cm.log 2>&1 &&
	   cmake --build cm/b >>cm.log 2>&1 &&
	   "$K" record --user -o cm.trace -- cm/b/prog >>cm.log 2>&1 &&
	   "$K" view cm.trace 2>&1 | grep -q '^  lib_area(p=0x[0-9a-f]* {x=3, y=4}) = 12$'; then
		ok "CMake with CC=build/kcovdf-cc CXX=build/kcovdf-c++ (-Werror): shared library and programs, recorded"
	else
		sed 's/^/# /' cm.log | tail -20
		notok "CMake with CC=build/kcovdf-cc CXX=build/kcovdf-c++"
	fi
else
	skip "CMake project" "cmake not installed"
fi

done_testing
