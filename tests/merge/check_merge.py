#!/usr/bin/env python3
"""Merged call trees as `kcovdf view --json` writes them (one object per
call), for tests/suites/54-merge.sh.

usage: check_merge.py CHECK JSONL

  user     tests/merge/merge-{df,pc}.c: each dataflow call under the frame
           it ran in, PC_EXT-only frames without values; exit 1 if not
  multi    tests/e2e/multi.c with entry-exit: every call of every task
           seen by both streams; prints "N calls in M tasks"
  jsonl    every line is valid JSON
  guest    the guest's `kcovdf record --pc-ext` of a 123-byte read:
           ksys_read(count=123) sits on its PC_EXT frame, with PC_EXT frames
           below it; prints "OK ...", or "SKIP why" when fs/read_write.c
           has no KCOV entry/exit instrumentation
  module   the test module's cases recorded with --pc-ext --remote: prints
           "ok NAME" or "FAIL NAME" for chain, depth, section, remote_fn
"""
import json
import sys


def load(path):
    return [json.loads(l) for l in open(path)]


def user(path):
    calls = load(path)
    seq = [(c["depth"], c["func"], c["pcext"], c["dataflow"]) for c in calls]
    want = [(0, "main", True, True), (1, "df_outer", True, True),
            (2, "df_leaf", True, True), (2, "pc_only_leaf", True, False),
            (2, "pc_only_middle", True, False), (3, "pc_only_leaf", True, False),
            (3, "df_inner", True, True), (4, "df_leaf", True, True)]
    assert seq[:len(want)] == want, seq
    by = {(c["depth"], c["func"]): c for c in calls}
    inner = by[(3, "df_inner")]
    assert [f["value"] for f in inner["args"][0]["fields"]] == [5, 123], inner
    assert inner["ret"] == 133 and by[(4, "df_leaf")]["ret"] == 10
    assert by[(1, "df_outer")]["ret"] == 139
    assert by[(2, "pc_only_middle")]["args"] == []
    assert by[(2, "pc_only_middle")]["ret"] is None


def multi(path):
    calls = load(path)
    tasks = {(c["pid"], c["tid"]) for c in calls}
    assert len(calls) > 1000 and len(tasks) >= 4, (len(calls), tasks)
    bad = [c for c in calls if not (c.get("pcext") and c.get("dataflow"))]
    assert not bad, bad[:3]
    print("%d calls in %d tasks" % (len(calls), len(tasks)))


def jsonl(path):
    for l in open(path):
        json.loads(l)


def guest(path):
    calls = load(path)
    if not any(c.get("pcext") and c.get("func") in ("ksys_read", "vfs_read")
               for c in calls):
        print("SKIP no PC_EXT entry/exit of ksys_read or vfs_read "
              "(fs/read_write.c not instrumented for KCOV)")
        sys.exit(0)
    reads = [c for c in calls if c.get("func") == "ksys_read" and
             any(a.get("name") == "count" and a.get("value") == 123
                 for a in c["args"])]
    assert reads, "no ksys_read(count=123)"
    r = reads[0]
    assert r["pcext"] and r["dataflow"], r
    i = calls.index(r)
    kids = []
    for c in calls[i + 1:]:
        if c["depth"] <= r["depth"]:
            break
        kids.append(c)
    assert any(c.get("pcext") for c in kids), "no PC_EXT frames below ksys_read"
    print("OK %d calls below ksys_read, %d of them PC_EXT-only" %
          (len(kids), sum(1 for c in kids if c.get("pcext") and
                          not c.get("dataflow"))))


def module(path):
    calls = load(path)

    def has(pred):
        return any(pred(c) for c in calls)

    def chain_ok():
        # kcovdf_test_chain1(100) .. chain10(109), each one level deeper,
        # each with PC_EXT and dataflow, returns 227 .. 218.
        for i, c in enumerate(calls):
            if c.get("func") != "kcovdf_test_chain1" or c.get("remote"):
                continue
            seq = calls[i:i + 10]
            return all(x.get("func") == "kcovdf_test_chain%d" % (k + 1) and
                       x["depth"] == c["depth"] + k and x["pcext"] and
                       x["dataflow"] and x["args"][0]["value"] == 100 + k and
                       x["ret"] == 227 - k for k, x in enumerate(seq))
        return False

    def depth_ok():
        # The three shapes of the depth record (kcovdf_test_run_depth()):
        # irq_in left with the hardirq count raised: closed by DEPTH -1 -1;
        # what the dataflow nested under it (no return) comes after it
        # instead. irq_out entered unseen (DEPTH +0 +1), its return from the
        # dataflow. irq_in then irq_out in one suppressed stretch: DEPTH
        # -1 +0, one frame left and another entered.
        names = [(c.get("func"), c["depth"], bool(c.get("exits_unrecorded")),
                  bool(c.get("entry_unrecorded"))) for c in calls
                 if c.get("func", "").startswith("kcovdf_test_irq")]
        if len(names) != 6:
            return False
        d = names[0][1]
        return names == [("kcovdf_test_irq_in", d, True, False),
                         ("kcovdf_test_irq_after", d, False, False),
                         ("kcovdf_test_irq_out", d, False, True),
                         ("kcovdf_test_irq_after", d, False, False),
                         ("kcovdf_test_irq_in", d, True, False),
                         ("kcovdf_test_irq_out", d, False, True)]

    res = {
        "chain": chain_ok(),
        "depth": depth_ok(),
        "section": has(lambda c: "section" in c),
        "remote_fn": has(lambda c: c.get("func") == "kcovdf_test_remote_fn" and
                         c.get("remote") and c.get("dataflow")),
    }
    for k, v in res.items():
        print(("ok " if v else "FAIL ") + k)


CHECKS = {"user": user, "multi": multi, "jsonl": jsonl, "guest": guest,
          "module": module}

if len(sys.argv) != 3 or sys.argv[1] not in CHECKS:
    sys.exit(__doc__)
CHECKS[sys.argv[1]](sys.argv[2])
