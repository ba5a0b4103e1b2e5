#!/usr/bin/env python3
"""Checks `kcovdf view --json` output of traces recorded in the guest by
tests/suites/52-kernel-trace.sh. Prints "ok ..." / "not ok ..." lines."""
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def arg(call, name):
    for a in call.get("args", []):
        if a.get("name") == name:
            return a
    return None


def field(a, name):
    for f in (a or {}).get("fields", []) or []:
        if f.get("name") == name:
            return f.get("value")
    return None


def children(calls, i):
    """Calls directly below calls[i] (same task, depth + 1, before the next
    call at its depth)."""
    d, tid = calls[i]["depth"], calls[i]["tid"]
    out = []
    for c in calls[i + 1:]:
        if c["tid"] != tid:
            continue
        if c["depth"] <= d:
            break
        if c["depth"] == d + 1:
            out.append(c)
    return out


def parent(calls, i):
    d, tid = calls[i]["depth"], calls[i]["tid"]
    for c in reversed(calls[:i]):
        if c["tid"] == tid and c["depth"] == d - 1:
            return c
    return None


results = []


def check(cond, what, detail=""):
    results.append((bool(cond), what, detail))


dd = load(sys.argv[1])
reads = [i for i, c in enumerate(dd) if c["func"] == "ksys_read"
         and (arg(c, "count") or {}).get("value") == 123]
check(len(reads) == 1, "dd: exactly one ksys_read(count=123)",
      "found %d" % len(reads))
if reads:
    i = reads[0]
    c = dd[i]
    check((arg(c, "fd") or {}).get("value") == 0, "dd: ksys_read fd=0",
          str(arg(c, "fd")))
    check(c.get("ret") == 123, "dd: ksys_read returned 123",
          str(c.get("ret")))
    p = parent(dd, i)
    check(p is not None and p["func"] == "__x64_sys_read",
          "dd: ksys_read is called by __x64_sys_read",
          p["func"] if p else "no parent")
    if p is not None:
        regs = arg(p, "regs")
        check(field(regs, "dx") == 123 and field(regs, "di") == 0,
              "dd: __x64_sys_read regs {di=0, dx=123} (struct pt_regs fields)",
              str([f for f in (regs or {}).get("fields", []) if f["name"] in ("di", "dx")]))
    kids = children(dd, i)
    vr = [k for k in kids if k["func"] == "vfs_read"]
    check(len(vr) == 1, "dd: vfs_read nested once under ksys_read",
          str([k["func"] for k in kids]))
    if vr:
        v = vr[0]
        f = arg(v, "file")
        check(f is not None and f.get("object") == "struct file",
              "dd: vfs_read file is a struct file *", str(f and f.get("type")))
        check(field(f, "f_flags") is not None and field(f, "f_mode") is not None,
              "dd: struct file fields f_flags and f_mode decoded")
        check((arg(v, "count") or {}).get("value") == 123,
              "dd: vfs_read count=123")
        check(v.get("ret") == 123, "dd: vfs_read returned 123")
writes = [c for c in dd if c["func"] == "ksys_write"
          and (arg(c, "fd") or {}).get("value") == 1
          and (arg(c, "count") or {}).get("value") == 123]
check(len(writes) == 1 and writes[0].get("ret") == 123,
      "dd: ksys_write(fd=1, count=123) = 123")
check(all(c["pid"] == dd[0]["pid"] for c in dd) if dd else False,
      "dd: every call is from the traced process")

eb = load(sys.argv[2])
bad = [c for c in eb if c["func"] == "ksys_read"
       and (arg(c, "fd") or {}).get("value") == 0]
check(len(bad) >= 1, "ebadf: ksys_read(fd=0) recorded", "found %d" % len(bad))
if bad:
    r = bad[0].get("ret_detail", {})
    check(bad[0].get("ret") == -9, "ebadf: ksys_read returned -9", str(r))
    check(r.get("errno") == "EBADF",
          "ebadf: the return value is named EBADF", str(r))

if len(sys.argv) > 3:
    fk = load(sys.argv[3])
    pids = {}
    for i, c in enumerate(fk):
        if c["func"] == "ksys_read":
            n = (arg(c, "count") or {}).get("value")
            if n in (77, 99) and c.get("ret") == n:
                pids.setdefault(n, set()).add(c["pid"])
                kids = [k["func"] for k in children(fk, i)]
                check("vfs_read" in kids,
                      "fork: ksys_read(count=%d) has vfs_read below it" % n,
                      str(kids))
    check(77 in pids and 99 in pids,
          "fork: both children's reads recorded (--follow-forks)",
          str(pids))
    if 77 in pids and 99 in pids:
        check(not (pids[77] & pids[99]),
              "fork: the two reads come from two different processes",
              str(pids))
    check(len({c["pid"] for c in fk}) >= 3,
          "fork: the shell and its two children each have records",
          str(sorted({c["pid"] for c in fk})))

for good, what, detail in results:
    print(("ok " if good else "not ok ") + what)
    if not good and detail:
        print("  " + detail[:300])
