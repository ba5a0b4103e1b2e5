#!/usr/bin/env python3
# Assert what `kcovdf view --json` shows for trust.c (values a user can
# trust, #11 items 1-3), built at -O0 or -O2.
# usage: check_trust.py JSONL LABEL OPT N   -- prints TAP lines, no plan
import json, sys

calls = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
label, opt = sys.argv[2], sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 0
O2 = opt != "O0"

def by(func):
    return [c for c in calls if c.get("func") == func]

def one(func, i=0):
    cs = by(func)
    assert len(cs) > i, "%s called %d times in the trace" % (func, len(cs))
    return cs[i]

def arg(c, name):
    for a in c["args"]:
        if a["name"] == name:
            return a
    raise KeyError("no argument %s in %s" % (name, c["func"]))

def fields(v):
    return {f["name"]: f for f in v.get("fields", [])}

def fval(v):
    return {k: f["value"] for k, f in fields(v).items()}

checks = []
def check(name, fn):
    checks.append((name, fn))

# ---- #11.1 pointers the callee does not read ----

def not_read(a):
    """The object is not shown: only the pointer, flagged."""
    assert a.get("not_read") is True, a
    assert "fields" not in a, a
    assert isinstance(a["value"], int) and a["value"] != 0, a

def t_reset():
    a = arg(one("cfg_reset"), "c")
    if O2:
        not_read(a)   # the caller's stores are gone: never 0/0/0
        assert a.get("object") == "struct cfg", a
    else:
        assert fval(a) == {"level": 4242, "mode": 5, "depth": 19}, a
check("writeonly struct pointer: not read by callee, no stale fields", t_reset)

def t_ignore():
    c = one("cfg_ignore")
    a = arg(c, "c")
    if O2:
        not_read(a)
    else:
        assert fval(a) == {"level": 4242, "mode": 5, "depth": 19}, a
    assert arg(c, "x")["value"] == 1 and c["ret"] == 2
check("readnone struct pointer: not read by callee", t_ignore)

def t_part():
    a = arg(one("cfg_part"), "c")
    if O2:
        not_read(a)   # initializes((0, 4)): level's store may be gone
    else:
        assert fval(a) == {"level": 4242, "mode": 5, "depth": 19}, a
    assert one("cfg_part")["ret"] == 5
check("initializes: the object counts as not read", t_part)

def t_use():
    a = arg(one("cfg_use"), "c")
    assert "not_read" not in a, a
    assert fval(a) == {"level": 4242, "mode": 5, "depth": 19}, a
    assert one("cfg_use")["ret"] == 4266
check("read struct pointer: the caller's values", t_use)

for name, fn in checks:
    n += 1
    try:
        fn()
        print("ok %d - %s %s" % (n, label, name))
    except Exception as e:  # AssertionError, KeyError...
        print("not ok %d - %s %s" % (n, label, name))
        for line in repr(e).splitlines():
            print("#   " + line[:400])
