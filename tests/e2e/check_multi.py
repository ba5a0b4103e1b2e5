#!/usr/bin/env python3
# Assert what `kcovdf view --json` shows for multi.c: per-thread values,
# the forked child's own stream, unreadable fields of invalid pointers.
import json, sys
from collections import defaultdict

calls = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
label = sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 0
results = []

def check(name, cond, detail=""):
    results.append((name, cond, detail))

work = [c for c in calls if c.get("func") == "work"]
by_tid = defaultdict(list)
for c in work:
    by_tid[c["tid"]].append(c)
ok = len(by_tid) == 4
seen = set()
for tid, cs in by_tid.items():
    t = cs[0]["args"][0]["value"]
    seen.add(t)
    vals = [(c["args"][0]["value"], c["args"][1]["value"], c["ret"]) for c in cs]
    if vals != [(t, i, t * 1000 + i) for i in range(500)]:
        ok = False
check("4 threads, 500 calls each, exact values in order per thread",
      ok and seen == {1, 2, 3, 4}, "%d tids" % len(by_tid))

main_pid = next(c["pid"] for c in calls if c.get("func") == "main")
child = [c for c in calls if c.get("func") == "in_child"]
check("forked child recorded under its own pid",
      len(child) == 1 and child[0]["pid"] != main_pid and
      child[0]["args"][0]["value"] == 41 and child[0]["ret"] == 42,
      repr(child))
check("child did not duplicate the parent's records",
      not any(c["pid"] == child[0]["pid"] for c in work) if child else False)

peeks = [c for c in calls if c.get("func") == "peek"]
def fl(c):
    return [(f["name"], f.get("value"), f.get("unreadable", False))
            for f in c["args"][0].get("fields", [])]
exp = [
    [("a", None, True), ("b", None, True)],
    [("a", None, True), ("b", None, True)],
    [("a", None, True), ("b", None, True)],
    [("a", 77, False), ("b", None, True)],
]
check("invalid pointers give unreadable fields (unmapped, PROT_NONE, kernel, page edge)",
      len(peeks) == 5 and [fl(c) for c in peeks[:4]] == exp,
      repr([fl(c) for c in peeks]))
check("NULL pointer has no fields",
      len(peeks) == 5 and peeks[4]["args"][0].get("null") is True)
check("traced program returns normally after invalid pointers",
      all(c["ret"] in (0, 1) for c in peeks))

for name, cond, detail in results:
    n += 1
    print("%sok %d - %s: %s" % ("" if cond else "not ", n, label, name))
    if not cond:
        print("#   " + detail[:2000])
