#!/usr/bin/env bash
# Regenerate the seed corpus (tests/fuzz/corpus/*/seed-*): trace files and
# record words with the library's writer; for fuzz_rules, the examples of
# docs/rules.md, the rules files of the tests and rules over the harness's
# fixed trace. Crash reproducers (crash-*) and the inputs of record format
# revision 1 (old-r1-*, written before revision 2) are kept as they are.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build/fuzz
mkdir -p "$out"
clang-22 -std=c11 -O1 -g -D_GNU_SOURCE -Wall -Wextra -Werror \
	-I"$root/include/uapi" -I"$root/include" \
	"$root/tests/fuzz/gen_corpus.c" "$root/lib/trace.c" \
	"$root/lib/wpack.c" "$root/lib/record.c" \
	-o "$out/gen_corpus"
mkdir -p "$root/tests/fuzz/corpus"
rm -f "$root"/tests/fuzz/corpus/*/seed-*
"$out/gen_corpus" "$root/tests/fuzz/corpus"

rc=$root/tests/fuzz/corpus/fuzz_rules
mkdir -p "$rc"
# Every fenced block of docs/rules.md (rules, grammar, output) is a seed.
awk -v dir="$rc" '/^```/ {
		if (inb) { inb = 0; close(f) }
		else { inb = 1; n++; f = sprintf("%s/seed-docs-%02d.rules", dir, n) }
		next
	}
	inb { print > f }' "$root/docs/rules.md"
cp "$root/tests/kernel-trace/audit.rules" "$rc/seed-audit.rules"
cp "$root/tests/tools/contracts.rules" "$rc/seed-contracts.rules"
cp "$root/tests/tools/kernel.rules" "$rc/seed-kernel.rules"
# Rules over the functions of fuzz_rules.c's trace (tests/lib/rules_fixture.h).
cat >"$rc/seed-fixture.rules" <<'RULES'
set_max*: ret == 0 => max <= 1024
set_max: max in {1, 5, 7} or max == -1 and not is_err(ret)
obj_get: p->refcnt != 0 and p.kind in {RED, BLUE} or p == NULL
obj_get: unique(p) when ret == 0
obj_get: unique(p->lo.x, hi.x & 0xff) per task
obj_new: is_err(ret) => ret == -ENOMEM
obj_new: ret->kind == kind
paint: c == BLUE => ret == -EINVAL and m < MODE_OFF
span: r.hi.x - r.lo.x == ret + 0 and n < 0
mix: u == 0xffffffff and ch == 'a' and f > 1.5 - 1 and d < -2.0 and b
kw: arg0 + arg1 == 7
0xf0*: arg0 >= 5 or arg0->x == 1
obj_get: unique(p->refcnt + 0.5, ret) per trace
init(d) when ret == 0 before use(d) when ret != 1
init before use per task
lock(l) balances unlock(l)
trylock(l) when ret == 1 balances unlock(l) per process
use, unlock balances use per trace
*: true
RULES
# The checker refuses more than 8 keys (for the whole file).
echo 'obj_get: unique(1, 2, 3, 4, 5, 6, 7, 8, 9)' >"$rc/seed-nine-keys.rules"
du -sb "$root/tests/fuzz/corpus"
