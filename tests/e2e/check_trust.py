#!/usr/bin/env python3
# Assert what `kcovdf view --json` shows for trust.c (values a user can
# trust, #11 items 1-3), built at -O0 or -O2.
# usage: check_trust.py JSONL LABEL OPT N   -- prints TAP lines, no plan
import sys
from decimal import Decimal

from view_json import arg, load, run_checks

# Numbers exactly as printed (a long double has 21 digits, a float 17).
calls = load(sys.argv[1], parse_float=Decimal)
label, opt = sys.argv[2], sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 0
O2 = opt != "O0"

def by(func):
    return [c for c in calls if c.get("func") == func]

def one(func, i=0):
    cs = by(func)
    assert len(cs) > i, "%s called %d times in the trace" % (func, len(cs))
    return cs[i]

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

# ---- #11.2 wider than 64 bits ----

def t_ld():
    c0, c1 = one("ld_twice", 0), one("ld_twice", 1)
    assert arg(c0, "x")["value"] == 3 and c0["ret"] == 6, c0  # was -2
    # -0.1L: JSON numbers carry its 21 digits
    assert arg(c1, "x")["value"] == Decimal("-0.100000000000000000001"), c1
    assert c1["ret"] == Decimal("-0.200000000000000000003"), c1
check("long double argument and return exact (3.0L is 3, not -2)", t_ld)

def t_i128():
    c = one("i128_next")
    x = -(1 << 100) - 7
    assert arg(c, "x")["value"] == x and c["ret"] == x + 1, c
    c = one("u128_half")
    assert arg(c, "x")["value"] == (1 << 128) - 1, c
    assert c["ret"] == (1 << 127) - 1, c
check("__int128 and unsigned __int128 whole, not their low 64 bits", t_i128)

def t_f128():
    c = one("f128_neg")
    assert arg(c, "x")["value"] == 2.5 and c["ret"] == -2.5, c
check("__float128 argument and return", t_f128)

def t_complex():
    c = one("cd_conj")
    z = arg(c, "z")
    assert (z.get("real"), z.get("imag")) == (1.5, 2), z
    r = c["ret_detail"]
    assert (r.get("real"), r.get("imag")) == (1.5, -2), r
check("_Complex double: both parts", t_complex)

def t_vector():
    c = one("v4_add")
    assert arg(c, "a").get("elements") == [1, -2, 3, 400000], c
    assert arg(c, "b").get("elements") == [1, 1, 1, 1], c
    assert c["ret_detail"].get("elements") == [2, -1, 4, 400001], c
check("vector of 4 int: every element", t_vector)

# ---- #11.3 structs by value in two registers ----

def optout(f):
    return f["value"] is None and f.get("optimized_out") is True

def t_pair():
    c = one("pair_first")
    p = arg(c, "p")
    assert not p.get("optimized_out"), p   # was <optimized out> whole
    f = fields(p)
    assert f["a"]["value"] == 12, p
    assert f["b"]["value"] == 23 or (O2 and optout(f["b"])), p
    assert c["ret"] == 12
    f = fval(arg(one("pair_sum"), "p"))
    assert f == {"a": 12, "b": 23}, f
check("struct {long; long} by value: the used field even when the other is lost", t_pair)

def t_id():
    s = fields(arg(one("id_d"), "s"))
    assert s["d"]["value"] == Decimal("4.5"), s
    assert s["i"]["value"] == 34 or (O2 and optout(s["i"])), s
    s = fields(arg(one("id_i"), "s"))
    assert s["i"]["value"] == 34, s
    assert s["d"]["value"] == Decimal("4.5") or (O2 and optout(s["d"])), s
check("struct {int; double} by value in two registers", t_id)

# ---- #11.3 strings ----

def t_strings():
    cs = by("str_len")
    assert len(cs) == 3, cs
    s = arg(cs[0], "s")
    assert s["string"] == "hello, world" and "truncated" not in s, s
    assert isinstance(s["value"], int) and s["value"] != 0, s
    s = arg(cs[1], "s")   # 299 bytes: the first 128, and it goes on
    assert s["string"] == "x" * 128 and s.get("truncated") is True, s
    assert cs[1]["ret"] == 299
    s = arg(cs[2], "s")   # control characters and a byte not UTF-8
    assert bytes.fromhex(s["string_hex"]) == \
        b'tab\there "quoted" \\ \x01\xff', s
    c = one("str_two")
    assert arg(c, "a")["string"] == "const", c
    assert arg(c, "b")["string"] == "mutable", c      # char *, not const
    s = arg(one("str_maybe"), "s")
    assert s["value"] == 0 and "string" not in s, s   # NULL
    assert one("str_pick")["ret_detail"]["string"] == "one"
check("char * strings: text, cut at 128, escapes, NULL, returned", t_strings)

def t_str_out():
    o = arg(one("str_out"), "out")
    if O2:
        not_read(o)   # writeonly: its bytes are not the call's input
    else:
        assert o["string"] == "mutable", o
check("a buffer the callee only fills is not read as a string", t_str_out)

run_checks(checks, label, n)
