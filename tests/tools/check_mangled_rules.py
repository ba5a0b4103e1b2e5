#!/usr/bin/env python3
"""Mangled rules files, for tests/suites/35-tools.sh: 60 copies of RULES
with random bytes changed, cut out or rule words put in (random.seed(1):
the same 60 every run), each checked against TRACE by KCOVDF (an ASan and
UBSan build). Each must give exit 0, 1 or 2 ("kcovdf: " message), never a
crash or a sanitizer report. Writes mangled.rules, and mangled-I.rules for
each one that failed, into the current directory; exit 1 if any failed.

usage: check_mangled_rules.py KCOVDF RULES TRACE
"""
import random
import subprocess
import sys

if len(sys.argv) != 4:
    sys.exit(__doc__)
kcovdf, rules, trace = sys.argv[1:]
random.seed(1)
src = open(rules, "rb").read()
bad = 0
for i in range(60):
    d = bytearray(src)
    for _ in range(random.randint(1, 6)):
        p = random.randrange(len(d))
        op = random.randint(0, 2)
        if op == 0:
            d[p] = random.choice(b"()[]{},:.->=<!&|+'\\#\n\t 0x9aZ_\x00\xff")
        elif op == 1:
            del d[p:p + random.randint(1, 8)]
        else:
            d[p:p] = random.choice([b"unique(", b" before ", b" balances ",
                                    b" when ", b" per task", b"=>", b"in {",
                                    b"'", b"\\\n", b"is_err("])
    open("mangled.rules", "wb").write(d)
    r = subprocess.run([kcovdf, "check", "mangled.rules", trace],
                       capture_output=True)
    err = r.stderr.decode(errors="replace")
    if (r.returncode > 2 or "Sanitizer" in err or "runtime error" in err or
            (r.returncode == 2 and not err.startswith("kcovdf: "))):
        bad += 1
        print("# exit", r.returncode, err[:300].replace("\n", "\n# "))
        open("mangled-%d.rules" % i, "wb").write(d)
sys.exit(1 if bad else 0)
