# What check_values.py and check_trust.py share: the calls of a
# `kcovdf view --json` file, an argument by name, and the checks run as
# TAP lines ("ok N - LABEL NAME", no plan).
import json


def load(path, **kw):
    return [json.loads(l, **kw) for l in open(path) if l.strip()]


def arg(c, name):
    for a in c["args"]:
        if a["name"] == name:
            return a
    raise KeyError("no argument %s in %s" % (name, c["func"]))


def run_checks(checks, label, n):
    """Run each (name, fn); a check fails by raising. Returns the last
    case number."""
    for name, fn in checks:
        n += 1
        try:
            fn()
            print("ok %d - %s %s" % (n, label, name))
        except Exception as e:  # AssertionError, KeyError...
            print("not ok %d - %s %s" % (n, label, name))
            for line in repr(e).splitlines():
                print("#   " + line[:400])
    return n
