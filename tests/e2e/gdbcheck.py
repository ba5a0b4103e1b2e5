#!/usr/bin/env python3
# Cross-check recorded values against gdb: run the same (deterministic)
# program under gdb with a breakpoint at the entry of each function,
# read every argument as gdb sees it there (scalars, long double, __int128,
# pointers, the fields of a pointed-to struct, by-value structs, vectors,
# complex numbers, char * strings), and compare the n-th stop in a function
# with the n-th call of that function in `kcovdf view --json`.
#
# usage: gdbcheck.py [--entry] [--max-hits N] [--funcs F,F,...]
#                    [--require-same F:arg,...] [--env NAME=VALUE]...
#                    BINARY TRACE.jsonl [-- ARGS...]
#
# --entry     break at the first instruction (`break *f`: optimized code,
#             whose location lists start there); default `break f`, after
#             the prologue (-O0, where arguments live in their stack slots)
# --max-hits  calls compared per function (default 50)
# --funcs     functions to compare (default: every function in the trace)
# --require-same F:arg,...  fail when the trace does not know a value of
#             this argument (or of its fields) that gdb shows ("*": any)
# --env       the program's whole environment under gdb (repeat); record
#             it with the same environment (same sizes), the same absolute
#             path and without ASLR (setarch -R) and stack addresses agree
#
# Prints a summary and the differences; exits 1 when a value differs (a
# value the trace shows that gdb contradicts), 0 otherwise. Values gdb
# cannot show (<optimized out>) are not compared; values gdb shows that
# the trace does not (optimized out, not read by the callee, fields not
# recorded) are counted separately.
import json, os, subprocess, sys, tempfile
from decimal import Decimal, InvalidOperation
import struct as st

GDB_SCRIPT = r'''
import gdb, json
OUT = open(%(out)r, "w")
LIMIT = %(limit)d
FUNCS = %(funcs)r
ENTRY = %(entry)r
ENV = %(env)r
hits = {}
last = {}
calls = {}

class Entry(gdb.Breakpoint):
    """The first instruction: exactly one stop per call."""
    def __init__(self, fname):
        gdb.Breakpoint.__init__(self, "*" + fname, internal=True)
        self.fname = fname
    def stop(self):
        calls[self.fname] = calls.get(self.fname, 0) + 1
        return False

def rd(addr, n):
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, n))
    except gdb.MemoryError:
        return None

def cstring(addr):
    out = b""
    while len(out) < 129:
        chunk = 4096 - ((addr + len(out)) & 4095)
        chunk = min(chunk, 129 - len(out))
        b = rd(addr + len(out), chunk)
        if b is None:
            return {"bytes": out.hex(), "fault": True}
        i = b.find(b"\0")
        if i >= 0:
            return {"bytes": (out + b[:i]).hex()}
        out += b
    return {"bytes": out[:128].hex(), "trunc": True}

def plain_char(t):
    t = t.strip_typedefs()
    return t.code == gdb.TYPE_CODE_INT and t.sizeof == 1 and \
        t.unqualified().name == "char"

def scalar(v):
    t = v.type.strip_typedefs()
    if v.is_optimized_out:
        return {"optout": True}
    try:
        txt = v.format_string()
    except gdb.error:
        return {"optout": True}
    if txt.startswith("<"):
        # <optimized out>; <synthetic pointer>, what gdb 13 shows for a
        # piece of a variable without a location
        return {"optout": True}
    c = t.code
    if c in (gdb.TYPE_CODE_INT, gdb.TYPE_CODE_CHAR, gdb.TYPE_CODE_BOOL,
             gdb.TYPE_CODE_ENUM):
        if t.sizeof > 8:
            return {"int": v.format_string(format="d" if t.is_signed
                                           else "u")}
        return {"int": str(int(v))}
    if c == gdb.TYPE_CODE_FLT:
        return {"float": v.format_string(), "size": t.sizeof}
    if c == gdb.TYPE_CODE_PTR:
        return {"ptr": int(v)}
    if c == gdb.TYPE_CODE_COMPLEX:
        s = v.format_string()
        return {"complex": s}
    return {"other": v.format_string()}

def flatten(v, prefix, out, depth):
    t = v.type.strip_typedefs()
    for f in t.fields():
        if f.artificial or (hasattr(f, "is_base_class") and f.is_base_class):
            continue
        if not hasattr(f, "bitpos"):
            continue  # static member
        name = prefix + (f.name or "")
        ft = f.type.strip_typedefs()
        try:
            fv = v[f]
        except gdb.error:
            continue
        if ft.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION) and \
                depth < 4 and ft.fields():
            flatten(fv, name + "." if f.name else prefix, out, depth + 1)
        elif ft.code == gdb.TYPE_CODE_ARRAY:
            continue
        else:
            try:
                out[name] = scalar(fv)
            except (gdb.error, gdb.MemoryError) as e:
                out[name] = {"error": str(e)}

def describe(v):
    t = v.type.strip_typedefs()
    if v.is_optimized_out:
        return {"optout": True}
    c = t.code
    if c == gdb.TYPE_CODE_PTR:
        d = {"ptr": int(v)}
        tt = t.target().strip_typedefs()
        if plain_char(t.target()) and int(v):
            d["string"] = cstring(int(v))
        elif tt.code in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION) and \
                int(v) and tt.fields():
            f = {}
            try:
                flatten(v.dereference(), "", f, 0)
                d["fields"] = f
            except gdb.MemoryError:
                d["unreadable"] = True
        return d
    if c in (gdb.TYPE_CODE_STRUCT, gdb.TYPE_CODE_UNION):
        f = {}
        flatten(v, "", f, 0)
        return {"fields": f}
    if c == gdb.TYPE_CODE_ARRAY and t.is_vector:
        lo, hi = t.range()
        return {"vector": [scalar(v[i]) for i in range(lo, hi + 1)]}
    return scalar(v)

class BP(gdb.Breakpoint):
    def __init__(self, fname):
        gdb.Breakpoint.__init__(self, ("*" if ENTRY else "") + fname,
                                internal=True)
        self.fname = fname
    def stop(self):
        # A copy inlined into a caller is no call of the function: the
        # trace records only calls of the function itself.
        fr = gdb.newest_frame()
        if fr.type() == gdb.INLINE_FRAME:
            return False
        # gdb may put several locations in one function (two "first
        # lines" after shrink-wrapping): one stop per call, the first
        # after the call's entry (counted by an Entry breakpoint).
        if not ENTRY and last.get(self.fname, 0) == calls.get(self.fname, 0):
            return False    # no entry since the last stop: not a call
        last[self.fname] = calls.get(self.fname, 0)
        n = hits.get(self.fname, 0)
        hits[self.fname] = n + 1
        if n >= LIMIT:
            self.enabled = False
            return False
        rec = {"func": self.fname, "hit": n, "args": []}
        try:
            fr = gdb.newest_frame()
            b = fr.block()
            while b is not None and b.function is None:
                b = b.superblock
            for sym in b:
                if not sym.is_argument:
                    continue
                try:
                    v = sym.value(fr)
                    rec["args"].append([sym.name, describe(v)])
                except (gdb.error, gdb.MemoryError) as e:
                    rec["args"].append([sym.name, {"error": str(e)}])
        except Exception as e:
            rec["error"] = str(e)
        OUT.write(json.dumps(rec) + "\n")
        return False

gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("set print elements 0")
gdb.execute("set startup-with-shell off")
if ENV is not None:
    gdb.execute("unset environment")
    for kv in ENV:
        gdb.execute("set environment " + kv)
# Entry breakpoints first: at one address, gdb runs the lower-numbered
# breakpoint's stop() first.
if not ENTRY:
    for f in FUNCS:
        try:
            Entry(f)
        except gdb.error:
            pass
for f in FUNCS:
    try:
        BP(f)
    except gdb.error:
        pass
gdb.execute("run", to_string=True)
OUT.close()
'''


def main():
    argv = sys.argv[1:]
    entry, limit, funcs, quiet, verbose = False, 50, None, False, False
    require = set()
    env = None
    while argv and argv[0].startswith("--") and argv[0] != "--":
        a = argv.pop(0)
        if a == "--entry":
            entry = True
        elif a == "--max-hits":
            limit = int(argv.pop(0))
        elif a == "--funcs":
            funcs = [f for f in argv.pop(0).split(",") if f]
        elif a == "--require-same":
            require = {x for x in argv.pop(0).split(",") if x}
        elif a == "--quiet":
            quiet = True
        elif a == "--verbose":
            verbose = True
        elif a == "--env":
            env = (env or []) + [argv.pop(0)]
        else:
            sys.exit("gdbcheck: unknown option " + a)
    binary, trace = argv[0], argv[1]
    args = argv[3:] if len(argv) > 2 and argv[2] == "--" else []

    calls = [json.loads(l) for l in open(trace) if l.strip()]
    calls = [c for c in calls if "func" in c and not c.get("no_entry")]
    pid0 = calls[0]["pid"] if calls else 0
    per = {}
    for c in calls:
        if c["pid"] == pid0 and c["tid"] == pid0:
            per.setdefault(c["func"], []).append(c)
    if funcs is None:
        funcs = sorted(f for f in per if not f.startswith("0x"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "gdb.jsonl")
        script = os.path.join(tmp, "check.py")
        with open(script, "w") as f:
            f.write(GDB_SCRIPT % {"out": out, "limit": limit,
                                  "funcs": funcs, "entry": entry,
                                  "env": env})
        cmd = ["gdb", "-nx", "-batch", "-ex", "source " + script,
               "--args", binary] + args
        r = subprocess.run(cmd, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, env=dict(
                               os.environ, KCOVDF_OUT=""))
        if not os.path.exists(out):
            sys.stdout.write(r.stdout.decode(errors="replace")[-2000:])
            sys.exit("gdbcheck: gdb produced no output")
        stops = [json.loads(l) for l in open(out) if l.strip()]

    s = Stats(require)
    s.verbose = verbose
    for stop in stops:
        cs = per.get(stop["func"], [])
        if stop["hit"] >= len(cs):
            s.note("extra", "%s: gdb stop %d, the trace has %d calls" %
                   (stop["func"], stop["hit"], len(cs)))
            continue
        c = cs[stop["hit"]]
        byname = {a["name"]: a for a in c["args"]}
        for name, g in stop["args"]:
            where = "%s#%d %s" % (stop["func"], stop["hit"], name)
            if name not in byname:
                s.note("absent", where)
                continue
            compare_arg(s, where, "%s:%s" % (stop["func"], name),
                        byname[name], g)
    s.report(quiet)
    sys.exit(1 if s.diff else 0)


class Stats:
    def __init__(self, require):
        self.same = self.diff = 0
        self.counts = {}
        self.diffs = []
        self.require = require
        self.required_missing = []
        self.key = None
        self.verbose = False

    def note(self, kind, where):
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if self.verbose:
            print("gdbcheck: note %s: %s" % (kind, where))
        if kind == "trace unknown" and (self.key in self.require or
                                        "*" in self.require):
            self.required_missing.append(where)

    def eq(self, ok, where, ours, theirs):
        if ok:
            self.same += 1
        else:
            self.diff += 1
            self.diffs.append("%s: trace %s, gdb %s" % (where, ours, theirs))

    def report(self, quiet):
        print("gdbcheck: %d values compared: %d equal, %d differ" %
              (self.same + self.diff, self.same, self.diff))
        for k in sorted(self.counts):
            print("gdbcheck:   %s: %d" % (k, self.counts[k]))
        for d in self.diffs[:40]:
            print("gdbcheck: DIFF " + d)
        for w in self.required_missing[:20]:
            print("gdbcheck: MISSING " + w)
        if self.required_missing:
            self.diff += len(self.required_missing)


def to_int(x):
    if isinstance(x, bool):
        return int(x)
    if isinstance(x, int):
        return x
    return None


def same_float(ours, g, size):
    if ours is None:
        return None  # not finite in JSON
    try:
        theirs = Decimal(g.split()[0])
    except (InvalidOperation, IndexError):
        return None  # inf, nan(...)
    o = Decimal(repr(ours)) if isinstance(ours, float) else Decimal(ours)
    if size == 4:
        f = lambda d: st.unpack("<f", st.pack("<f", float(d)))[0]
        return f(o) == f(theirs)
    if size == 8:
        return float(o) == float(theirs)
    # long double, _Float128: gdb and the trace print different numbers
    # of digits; agree to 18 significant digits.
    if theirs == 0:
        return o == 0
    return abs(o - theirs) <= abs(theirs) * Decimal("1e-18")


def compare_scalar(s, where, ours, g, size=None):
    """ours: the JSON value (or field value), g: gdb's scalar."""
    if "optout" in g or "error" in g:
        s.note("gdb unknown", where)
        return
    if "int" in g:
        o = to_int(ours)
        s.eq(o is not None and o == int(g["int"]), where, ours, g["int"])
    elif "ptr" in g:
        s.eq(to_int(ours) == g["ptr"], where, ours, g["ptr"])
    elif "float" in g:
        r = same_float(ours, g["float"], g.get("size"))
        if r is None:
            s.note("not compared (not finite)", where)
        else:
            s.eq(r, where, ours, g["float"])
    else:
        s.note("not compared (%s)" % ",".join(g), where)


def compare_fields(s, where, fs, gf):
    ours = {f["name"]: f for f in fs}
    for name, g in gf.items():
        w = where + ("" if where.endswith("->") else ".") + name
        if name not in ours:
            s.note("field not in trace", w)
            continue
        f = ours[name]
        if "optout" in g or "error" in g:
            s.note("gdb unknown", w)
            continue
        if f.get("optimized_out"):
            s.note("trace unknown", w)
            continue
        if f.get("unreadable"):
            s.note("trace unreadable", w)
            continue
        compare_scalar(s, w, f["value"], g)


def compare_arg(s, where, key, a, g):
    s.key = key
    if "error" in g or ("optout" in g and len(g) == 1):
        s.note("gdb unknown", where)
        return
    if a.get("optimized_out"):
        s.note("trace unknown", where)
        return
    if "fields" in g and "ptr" not in g:          # by value
        compare_fields(s, where, a.get("fields", []), g["fields"])
        return
    if "vector" in g:
        el = a.get("elements")
        if el is None:
            s.note("trace has no elements", where)
            return
        for i, (o, e) in enumerate(zip(el, g["vector"])):
            compare_scalar(s, "%s[%d]" % (where, i), o, e)
        return
    if "complex" in g:
        re, im = a.get("real"), a.get("imag")
        txt = g["complex"].replace(" ", "")
        if re is None or im is None:
            s.note("trace has no complex parts", where)
            return
        try:
            body = txt.rstrip("i")
            k = max(body.rfind("+", 1), body.rfind("-", 1))
            gre, gim = Decimal(body[:k]), Decimal(body[k:])
        except (InvalidOperation, ValueError):
            s.note("not compared (complex)", where)
            return
        s.eq(float(gre) == re and float(gim) == im, where, (re, im), txt)
        return
    if "ptr" in g:
        compare_scalar(s, where, a["value"], {"ptr": g["ptr"]})
        if "string" in g:
            gs = g["string"]
            if a.get("not_read"):
                s.note("trace: not read by callee", where)
            elif "string" not in a:
                s.note("trace has no string", where)
            else:
                ob = a.get("string_hex")
                ob = bytes.fromhex(ob) if ob is not None else \
                    a["string"].encode("utf-8")
                gb = bytes.fromhex(gs["bytes"])
                if gs.get("fault") or a.get("unreadable"):
                    ok = bool(gs.get("fault")) == bool(a.get("unreadable")) \
                        and ob == gb
                else:
                    ok = ob == gb and bool(gs.get("trunc")) == \
                        bool(a.get("truncated"))
                s.eq(ok, where + " string", ob[:40], gb[:40])
        if "fields" in g:
            if a.get("not_read"):
                s.note("trace: not read by callee", where)
            elif "fields" not in a:
                s.note("trace has no fields", where)
            else:
                compare_fields(s, where + "->", a["fields"], g["fields"])
        return
    compare_scalar(s, where, a["value"], g)


if __name__ == "__main__":
    main()
