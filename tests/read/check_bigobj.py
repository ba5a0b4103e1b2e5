#!/usr/bin/env python3
"""`kcovdf view --json -f peek` of tests/read/bigobj.c, for
tests/suites/36-read.sh: numbers stay numbers, enum_flags names the bits,
every field is kept (JSON has no "as before").

usage: check_bigobj.py JSONL   exit 0 when it holds, else AssertionError
"""
import json
import sys

if len(sys.argv) != 2:
    sys.exit(__doc__)
calls = [json.loads(l) for l in open(sys.argv[1])]
f = {x["name"]: x for x in calls[0]["args"][0]["fields"]}
assert f["f_flags"]["value"] == 0x8002 and f["i_mode"]["value"] == 0o100644, f
assert f["perm"] == {"name": "perm", "value": 5, "enum_flags": "PERM_READ|PERM_EXEC"}, f["perm"]
assert f["color"]["enum"] == "BLUE"
assert all(len(c["args"][0]["fields"]) == 22 for c in calls), "JSON keeps every field"
