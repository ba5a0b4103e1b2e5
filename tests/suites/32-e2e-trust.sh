#!/usr/bin/env bash
# Values a user can trust (#11 items 1-3): tests/e2e/trust.c built with
# `kcovdf cc` at -O0 and -O2, recorded, checked through `kcovdf view
# --json` against the values the source passes (check_trust.py), and
# against what gdb shows at the entry of every function of the program
# (gdbcheck.py: the same program run under gdb, same environment, no
# ASLR, so even stack addresses must agree). TAP output.
set -u
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$(dirname "$0")/../lib.sh"
kcovdf=$K
out=$BUILD/tests/trust
mkdir -p "$out"
# gdb runs the program by its path with symbolic links resolved: so does
# the recording, or argv[0] and AT_EXECFN differ in length.
out=$(cd "$out" && pwd -P)
env0=(PATH=/usr/bin:/bin)
for opt in O0 O2; do
	bin=$out/trust-$opt
	rm -f "$bin.run.kdf" "$bin.gdb.kdf"
	if ! "$kcovdf" cc -$opt -g "$root/tests/e2e/trust.c" -o "$bin" \
		>"$bin.log" 2>&1 ||
	   ! env -i "${env0[@]}" KCOVDF_OUT="$bin.run.kdf" \
		setarch "$(uname -m)" -R "$bin" >>"$bin.log" 2>&1 ||
	   ! "$kcovdf" view --json "$bin.run.kdf" >"$bin.json" 2>>"$bin.log"; then
		notok "trust -$opt: build, record or view failed"
		show "$bin.log" 40
		continue
	fi
	python3 "$root/tests/e2e/check_trust.py" "$bin.json" \
		"trust -$opt" "$opt" 0 | relay
	if ! command -v gdb >/dev/null; then
		skip "trust -$opt: gdb" "no gdb"
		continue
	fi
	# The gdb run's own trace goes to a path of the same length
	# (.run.kdf, .gdb.kdf): the environment's size sets where the
	# stack starts, so a name 4 bytes longer moved every stack address
	# by 16 whenever it crossed a 16-byte boundary, which depends on the
	# length of the checkout's path.
	if python3 "$root/tests/e2e/gdbcheck.py" \
		--funcs "${TRUST_FUNCS:-cfg_reset,cfg_ignore,cfg_part,cfg_use,ld_twice,i128_next,u128_half,f128_neg,cd_conj,v4_add,pair_first,pair_sum,id_d,id_i,str_len,str_two,str_maybe,str_out}" --require-same "*" \
		--env "${env0[0]}" --env KCOVDF_OUT="$bin.gdb.kdf" \
		"$bin" "$bin.json" >"$bin.gdbcheck" 2>&1; then
		ok "trust -$opt: every value gdb shows at entry agrees ($(head -1 "$bin.gdbcheck" | sed 's/^gdbcheck: //'))"
	else
		notok "trust -$opt: values that gdb contradicts"
		show "$bin.gdbcheck" 40
	fi
done
done_testing
