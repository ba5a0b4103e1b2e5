#!/usr/bin/env bash
# Values a user can trust (#11 items 1-3): tests/e2e/trust.c built with
# `kcovdf cc` at -O0 and -O2, recorded, checked through `kcovdf view
# --json` against the values the source passes (check_trust.py), and
# against what gdb shows at the entry of every function of the program
# (gdbcheck.py: the same program run under gdb, same environment, no
# ASLR, so even stack addresses must agree). TAP output.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
kcovdf=$root/build/kcovdf
out=$root/build/tests/trust
mkdir -p "$out"
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fail=1; echo "not ok $n - $1"; }
env0=(PATH=/usr/bin:/bin)
for opt in O0 O2; do
	bin=$out/trust-$opt
	rm -f "$bin.kdf" "$bin.gdb.kdf"
	if ! "$kcovdf" cc -$opt -g "$root/tests/e2e/trust.c" -o "$bin" \
		>"$bin.log" 2>&1 ||
	   ! env -i "${env0[@]}" KCOVDF_OUT="$bin.kdf" \
		setarch "$(uname -m)" -R "$bin" >>"$bin.log" 2>&1 ||
	   ! "$kcovdf" view --json "$bin.kdf" >"$bin.json" 2>>"$bin.log"; then
		notok "trust -$opt: build, record or view failed"
		sed 's/^/#   /' "$bin.log"
		continue
	fi
	res=$(python3 "$root/tests/e2e/check_trust.py" "$bin.json" \
		"trust -$opt" "$opt" "$n")
	echo "$res"
	n=$((n + $(grep -cE '^(not )?ok ' <<<"$res")))
	grep -q '^not ok' <<<"$res" && fail=1
	if ! command -v gdb >/dev/null; then
		n=$((n + 1)); echo "ok $n - trust -$opt: gdb # SKIP no gdb"
		continue
	fi
	# The gdb run's own trace goes to a path of the same length.
	if python3 "$root/tests/e2e/gdbcheck.py" \
		--funcs "${TRUST_FUNCS:-cfg_reset,cfg_ignore,cfg_part,cfg_use,ld_twice,i128_next,u128_half,f128_neg,cd_conj,v4_add,pair_first,pair_sum,id_d,id_i,str_len,str_two,str_maybe,str_out}" --require-same "*" \
		--env "${env0[0]}" --env KCOVDF_OUT="$bin.gdb.kdf" \
		"$bin" "$bin.json" >"$bin.gdbcheck" 2>&1; then
		ok "trust -$opt: every value gdb shows at entry agrees ($(head -1 "$bin.gdbcheck" | sed 's/^gdbcheck: //'))"
	else
		notok "trust -$opt: values that gdb contradicts"
		sed 's/^/#   /' "$bin.gdbcheck" | head -40
	fi
done
echo "1..$n"
exit $fail
