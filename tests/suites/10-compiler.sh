#!/usr/bin/env bash
# The LLVM pass plugin (compiler/): builds build/kcovdf-plugin.so if needed
# (and checks it builds warning-free), then runs the lit tests of
# compiler/test and prints one TAP line per lit test. Exits non-zero when
# anything fails. Unsupported lit tests (e.g. no rustc) are reported as
# "ok ... # SKIP".
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
LLVM_CONFIG=${LLVM_CONFIG:-llvm-config-22}
export BUILD LLVM_CONFIG
tmp=$(mktemp -d /tmp/kcovdf-compiler-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if make -C "$root/compiler" -j2 >"$tmp/build.log" 2>&1; then
	ok "build kcovdf-plugin.so"
else
	sed 's/^/# /' "$tmp/build.log" | tail -30
	notok "build kcovdf-plugin.so"
	done_testing
fi
if make -s -C "$root/compiler" warnings >"$tmp/warn.log" 2>&1 &&
   ! grep -q 'warning:' "$tmp/build.log"; then
	ok "plugin compiles without warnings (-Wall -Wextra -Werror)"
else
	grep -E 'warning|error' "$tmp/warn.log" "$tmp/build.log" | sed 's/^/# /' | head -20
	notok "plugin compiles without warnings (-Wall -Wextra -Werror)"
fi

lit=$("$LLVM_CONFIG" --bindir 2>/dev/null)/lit
[ -x "$lit" ] || lit=$(command -v lit-22 || command -v lit || true)
if [ -z "$lit" ] || [ ! -x "$lit" ]; then
	notok "lit found (llvm-22-tools)"
	done_testing
fi

# lit -v prints "RESULT: suite :: test (i of n)" per test, and the output of
# failing tests between "****" lines; keep the latter as TAP comments.
"$lit" -v -j2 "$root/compiler/test" >"$tmp/lit.log" 2>&1
lit_rc=$?
while IFS= read -r line; do
	case "$line" in
	PASS:*|XFAIL:*)
		name=${line#*:: }; ok "${name% (*}" ;;
	UNSUPPORTED:*)
		name=${line#*:: }
		skip "${name% (*}" "unsupported here (lit REQUIRES)" ;;
	FAIL:*|XPASS:*|UNRESOLVED:*|TIMEOUT:*)
		name=${line#*:: }; name=${name% (*}
		notok "$name"
		# The failing test's transcript, as TAP comments.
		awk -v t="$name" '
			index($0, "TEST \x27kcov-dataflow :: " t "\x27 FAILED") { p = 1 }
			p { print "# " $0 }
			p && /^\*\*\*\*\*\*\*\*\*\*$/ && ++stars == 2 { exit }
		' "$tmp/lit.log" | head -60 ;;
	esac
done <"$tmp/lit.log"
if [ "$lit_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	sed 's/^/# /' "$tmp/lit.log" | tail -20
	notok "lit exited with status $lit_rc"
fi
done_testing
