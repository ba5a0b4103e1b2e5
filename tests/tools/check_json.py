#!/usr/bin/env python3
"""What the reading commands write as JSON, for tests/suites/35-tools.sh
(traces of tests/tools/contracts.c and the hand-built kernel traces).

usage: check_json.py CHECK FILE...   exit 0 when the check holds, else an
AssertionError and exit 1 (chrome-names prints what it found instead)

  view FULL FILTERED   view --json, all of it and with -f looper_enter:
                       the schema of docs/json.md, -f selects the same
                       objects
  report FILE          report --json: counts, distinct values, min and max
  check FILE           check --json: statuses, violating call, earlier call
  diff FILE            diff --json of two runs: the one changed value
  chrome FILE          export --chrome: valid, nested X events, args,
                       metadata
  chrome-names FILE    prints the sorted names of the X events
  kernel-chrome FILE   export --chrome of the kernel trace: losses, remote
                       streams, error names
"""
import json
import sys


def view(full_path, sub_path):
    keys = {"pid", "tid", "depth", "func", "pc", "args", "ret"}
    full = [json.loads(l) for l in open(full_path)]
    sub = [json.loads(l) for l in open(sub_path)]
    assert all(keys <= set(o) for o in full), "keys"
    assert [o["func"] for o in sub] == ["looper_enter"] * 3, sub
    assert sub == [o for o in full if o["func"] == "looper_enter"]


def report(path):
    d = json.load(open(path))
    f = {x["func"]: x for x in d["functions"]}
    b = f["set_max_threads_buggy"]
    assert b["calls"] == 2 and b["no_return"] == 0, b
    mx = next(i for i in b["items"] if i["name"] == "max")
    assert (mx["min"], mx["max"], mx["distinct"]) == (64, 4096, 2), mx
    assert sorted(v["value"] for v in mx["values"]) == [64, 4096]
    r = next(i for i in f["set_max_threads"]["items"] if i["name"] == "ret")
    assert sorted(v["value"] for v in r["values"]) == [-22, 0], r
    le = next(i for i in f["looper_enter"]["items"] if i["name"] == "thread->id")
    assert {v["value"]: v["count"] for v in le["values"]} == {1: 2, 2: 1}, le
    assert d["source"] == "user" and d["tasks"] == 2


def check(path):
    d = json.load(open(path))
    st = {r["line"]: r["status"] for r in d["rules"]}
    assert st[6] == "FAIL" and st[5] == "PASS" and st[20] == "UNCHECKED", st
    assert d["failed"] == 5 and d["status"] == "fail", d
    r6 = next(r for r in d["rules"] if r["line"] == 6)
    v = r6["shown"][0]
    assert v["at"]["call"]["func"] == "set_max_threads_buggy"
    assert v["at"]["call"]["args"][0]["value"] == 4096
    assert v["at"]["call"]["ret"] == 0 and "max = 4096" in v["why"]
    r12 = next(r for r in d["rules"] if r["line"] == 12)
    assert r12["shown"][0]["earlier"]["call"]["func"] == "looper_enter_buggy"


def diff(path):
    d = json.load(open(path))
    assert d["changed"] == 1 and d["only_a"] == 0 and d["only_b"] == 0, d
    c = d["differences"][0]
    assert (c["path"], c["item"], c["a"], c["b"]) == ("main > configure", "level", 1, 2)


def chrome(path):
    d = json.load(open(path))
    ev = d["traceEvents"]
    assert "record index" in d["otherData"]["timestamps"]
    assert d["metadata"] == d["otherData"]
    x = [e for e in ev if e["ph"] == "X"]
    names = [e["name"] for e in ev if e["ph"] == "M"]
    assert names.count("thread_name") == 2, names
    for e in x:
        assert {"name", "ts", "dur", "pid", "tid", "args"} <= set(e), e
        assert isinstance(e["ts"], int) and e["dur"] >= 1
    # Calls of a task nest: a call lies within its caller, siblings are apart.
    for tid in {e["tid"] for e in x}:
        stack = []
        for e in sorted((e for e in x if e["tid"] == tid),
                        key=lambda e: (e["ts"], -e["dur"])):
            while stack and stack[-1] <= e["ts"]:
                stack.pop()
            assert not stack or e["ts"] + e["dur"] <= stack[-1], e
            stack.append(e["ts"] + e["dur"])
    m = [e for e in x if e["name"] == "set_max_threads_buggy"]
    assert [e["args"] for e in m] == [{"max": 64, "ret": 0}, {"max": 4096, "ret": 0}], m
    main = next(e for e in x if e["name"] == "main")
    assert main["ts"] == 1 and all(e["ts"] + e["dur"] <= main["ts"] + main["dur"]
                                   for e in x if e["tid"] == main["tid"])


def chrome_names(path):
    d = json.load(open(path))
    print(sorted(e["name"] for e in d["traceEvents"] if e["ph"] == "X"))


def kernel_chrome(path):
    d = json.load(open(path))
    ev = d["traceEvents"]
    assert any(e["ph"] == "i" and e["args"] == {"lost": 3} for e in ev)
    assert any(e.get("args", {}).get("name") == "cat (remote)" for e in ev)
    r = [e["args"]["ret"] for e in ev if e["name"] == "vfs_llseek"]
    assert r == ["-EINVAL"], r


CHECKS = {"view": view, "report": report, "check": check, "diff": diff,
          "chrome": chrome, "chrome-names": chrome_names,
          "kernel-chrome": kernel_chrome}

if len(sys.argv) < 3 or sys.argv[1] not in CHECKS:
    sys.exit(__doc__)
CHECKS[sys.argv[1]](*sys.argv[2:])
