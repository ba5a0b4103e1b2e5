#!/usr/bin/env python3
# Assert the exact names and values `kcovdf view --json` shows for values.c.
# usage: check_values.py JSONL LABEL   -- prints TAP lines, no plan
import struct, sys

from view_json import arg, load, run_checks

calls = load(sys.argv[1])
label = sys.argv[2]
n = int(sys.argv[3]) if len(sys.argv) > 3 else 0

def by(func):
    return [c for c in calls if c.get("func") == func]

def fields(v):
    return {f["name"]: f["value"] for f in v.get("fields", [])}

def f32(x):
    return struct.unpack("<f", struct.pack("<I", x & 0xffffffff))[0]

checks = []
def check(name, fn):
    checks.append((name, fn))

def one(func):
    cs = by(func)
    assert len(cs) == 1, "%s called %d times in the trace" % (func, len(cs))
    return cs[0]

def t_scalars():
    c = one("scalars")
    assert [a["name"] for a in c["args"]] == ["a", "b", "c", "d", "e", "f"], c["args"]
    assert arg(c, "a")["value"] == -5
    assert arg(c, "b")["value"] == 4000000000
    assert arg(c, "c")["value"] == 65
    assert arg(c, "d")["value"] is True
    assert arg(c, "e")["value"] == -1234567890123
    assert arg(c, "f")["value"] == 0xfedcba9876543210
    assert c["ret"] == -6
check("scalars: int, unsigned, char, bool, long, u64 and return", t_scalars)

def t_floats():
    c = one("floats")
    assert arg(c, "x")["value"] == 1.5 and arg(c, "y")["value"] == -2.25
    assert c["ret"] == -3.375
check("floats: float, double, double return", t_floats)

def t_enum():
    c = one("pick")
    a = arg(c, "c")
    assert a["value"] == 1 and a.get("enum") == "RED", a
    assert c["ret"] == -3 and c["ret_detail"].get("enum") == "BLUE", c
check("enum argument and return named", t_enum)

def t_ptr():
    c = one("ptr")
    p = arg(c, "p")["value"]
    assert isinstance(p, int) and p != 0 and arg(c, "s")["value"] != 0
    assert c["ret"] == p
check("plain pointers", t_ptr)

def t_area():
    c = one("area")
    a = arg(c, "p")
    assert a.get("object") == "struct point", a
    assert fields(a) == {"x": 3, "y": 4}, a
    assert c["ret"] == 12
check("struct pointer decomposed", t_area)

def t_rect():
    c = one("rect_sum")
    f = fields(arg(c, "r"))
    assert f["lo.x"] == 1 and f["lo.y"] == 2 and f["hi.x"] == 5 and f["hi.y"] == 6, f
    assert isinstance(f["name"], int) and f["name"] != 0
    assert c["ret"] == 14
check("nested struct flattened with a.b names", t_rect)

def t_byval():
    c = one("by_value")
    a = arg(c, "p")
    assert a.get("by_value") is True and fields(a) == {"x": 3, "y": 4}, a
    assert c["ret"] == -1
check("struct by value, ABI-coerced", t_byval)

def fields_and_ret(func, name, want, ret):
    """A check of func's one call: these fields of its argument name (of
    those it has), and its return."""
    def t():
        c = one(func)
        f = fields(arg(c, name))
        assert {k: f[k] for k in want} == want, f
        assert c["ret"] == ret
    return t

check("struct by value in memory (byval)",
      fields_and_ret("by_value_big", "b", {"a": 10, "tail": 16}, 41))
check("struct by value with a double and an int",
      fields_and_ret("mixed_value", "m", {"d": 2.5, "i": 7}, 9))

def t_make_point():
    c = one("make_point")
    assert arg(c, "x")["value"] == 7 and arg(c, "y")["value"] == 8
    assert fields(c["ret_detail"]) == {"x": 7, "y": 8}, c
check("struct returned in registers", t_make_point)

def t_make_big():
    c = one("make_big")
    f = fields(c["ret_detail"])
    assert f["a"] == 99 and f["tail"] == 9, c
check("struct returned through sret", t_make_big)

def t_bits():
    c = one("bits")
    f = fields(arg(c, "f"))
    assert f == {"ready": 1, "level": -7, "mode": 5, "wide": 0x123456789a}, f
    assert c["ret"] == -7
check("bitfields, signed and wide", t_bits)

def t_union():
    c = one("unions")
    a = arg(c, "u")
    f = fields(a)
    assert a.get("object") == "union num", a
    assert f["i"] == 0x41424344, f
    assert abs(f["f"] - f32(0x41424344)) < 1e-6, f
    assert c["ret"] == 0x41424344
check("union members all described", t_union)

def t_typedef():
    c = one("typedefd")
    a = arg(c, "t")
    assert a.get("object") == "small_t", a
    assert fields(a) == {"s": -2, "c": 200}, a
    assert c["ret"] == 198
check("typedef of an anonymous struct", t_typedef)

def t_multi():
    cs = by("multi_ret")
    got = [(arg(c, "v")["value"], c["ret"]) for c in cs]
    assert got == [(-1, -22), (0, 0), (21, 42)], got
    # error names are a kernel convention: user-space traces show numbers
    assert "errno" not in cs[0]["ret_detail"], cs[0]
check("every return of a multi-return function", t_multi)

def t_void():
    c = one("nothing")
    assert c["args"] == [] and c["ret"] is None and not c.get("no_exit"), c
check("void function without parameters: entry and exit", t_void)

def t_nesting():
    d1, d2, d3 = one("depth1"), one("depth2"), one("depth3")
    assert d2["depth"] == d1["depth"] + 1 and d3["depth"] == d2["depth"] + 1, (d1, d2, d3)
    assert (d1["ret"], d2["ret"], d3["ret"]) == (23, 22, 11)
check("call nesting and return matching", t_nesting)

def t_null():
    c = one("nullable")
    a = arg(c, "p")
    assert a.get("null") is True and a["value"] == 0 and "fields" not in a, a
    assert c["ret"] == -1
check("NULL struct pointer", t_null)

run_checks(checks, label + ":", n)
