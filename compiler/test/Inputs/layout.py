#!/usr/bin/env python3
"""Independent checks of kcov-dataflow layout tables (docs/layout.md).

  layout.py xxh64 TEXT            print xxHash64 (seed 0) of TEXT (\\n escapes)
  layout.py check FILE.ll EXPECTED [--name NAME]
      EXPECTED holds the canonical text of one type, written by hand from
      the flattening algorithm. Recomputes the table a conforming compiler
      must emit (type id = xxh64 of the text, size, fields, flags, span,
      version, name) and compares it with the global
      @__kcov_df_layout_<id> in FILE.ll, number by number.
  layout.py checklines TEXT       print FileCheck lines matching the table
                                  whose canonical text is TEXT (\\n escapes)
  layout.py selftest              check the xxh64 implementation.

Nothing here uses the plugin's code: xxh64 is implemented below from the
published algorithm.
"""
import re
import sys

M64 = (1 << 64) - 1
P1 = 0x9E3779B185EBCA87
P2 = 0xC2B2AE3D27D4EB4F
P3 = 0x165667B19E3779F9
P4 = 0x85EBCA77C2B2AE63
P5 = 0x27D4EB2F165667C5


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M64


def rnd(acc, lane):
    acc = (acc + lane * P2) & M64
    return (rotl(acc, 31) * P1) & M64


def merge(acc, val):
    acc ^= rnd(0, val)
    return (acc * P1 + P4) & M64


def xxh64(data, seed=0):
    n = len(data)
    i = 0
    if n >= 32:
        v1 = (seed + P1 + P2) & M64
        v2 = (seed + P2) & M64
        v3 = seed
        v4 = (seed - P1) & M64
        while i + 32 <= n:
            v1 = rnd(v1, int.from_bytes(data[i:i + 8], "little"))
            v2 = rnd(v2, int.from_bytes(data[i + 8:i + 16], "little"))
            v3 = rnd(v3, int.from_bytes(data[i + 16:i + 24], "little"))
            v4 = rnd(v4, int.from_bytes(data[i + 24:i + 32], "little"))
            i += 32
        h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) & M64
        for v in (v1, v2, v3, v4):
            h = merge(h, v)
    else:
        h = (seed + P5) & M64
    h = (h + n) & M64
    while i + 8 <= n:
        h ^= rnd(0, int.from_bytes(data[i:i + 8], "little"))
        h = (rotl(h, 27) * P1 + P4) & M64
        i += 8
    if i + 4 <= n:
        h ^= (int.from_bytes(data[i:i + 4], "little") * P1) & M64
        h = (rotl(h, 23) * P2 + P3) & M64
        i += 4
    while i < n:
        h ^= (data[i] * P5) & M64
        h = (rotl(h, 11) * P1) & M64
        i += 1
    h ^= h >> 33
    h = (h * P2) & M64
    h ^= h >> 29
    h = (h * P3) & M64
    h ^= h >> 32
    return h


def selftest():
    # Reference values of xxHash64 with seed 0.
    vectors = {
        b"": 0xEF46DB3751D8E999,
        b"a": 0xD24EC4F1A98C6E5B,
        b"abc": 0x44BC2CF5AD770999,
        b"Nobody inspects the spammish repetition": 0xFBCEA83C8A378BF1,
    }
    ok = True
    for data, want in vectors.items():
        got = xxh64(data)
        if got != want:
            print("xxh64(%r) = %016x, want %016x" % (data, got, want))
            ok = False
    return ok


def expected_table(text, name):
    lines = text.split("\n")
    assert lines[-1] == "", "canonical text must end with a newline"
    lines = lines[:-1]
    tag = lines[0].split(" ", 1)[0]
    size = int(lines[1])
    trunc = lines[-1] == "+"
    fields = []
    for ln in lines[2:len(lines) - (1 if trunc else 0)]:
        parts = ln.rsplit(" ", 5)
        fields.append(tuple(int(x) for x in parts[1:]))
    flags = (1 if tag == "union" else 0) | (2 if trunc else 0)
    if fields:
        lo = min(f[0] for f in fields)
        hi = max(f[0] + f[1] for f in fields)
        span = (lo, hi - lo)
    else:
        span = (0, 0)
    return {
        "id": xxh64(text.encode()),
        "size": size,
        "nfields": len(fields),
        "flags": flags,
        "span_offset": span[0],
        "span_size": span[1],
        "version": 1,
        "name_len": len(name),
        "reserved": 0,
        "fields": fields,
        "name": name,
    }


def parse_ir_tables(ir):
    tables = {}
    pat = re.compile(r"^@(__kcov_df_layout_[0-9a-f]{16}) = (.*)$", re.M)
    for m in pat.finditer(ir):
        sym, rest = m.group(1), m.group(2)
        ints = [int(x) for x in re.findall(r"\bi(?:8|16|32|64) (-?\d+)", rest)]
        name = re.search(r'c"((?:[^"\\]|\\..)*)\\00"', rest)
        hdr = ints[:9]
        nf = hdr[2]
        flds = [tuple(ints[9 + 5 * k:14 + 5 * k]) for k in range(nf)]
        tables[sym] = {
            "id": hdr[0] & M64,
            "size": hdr[1],
            "nfields": hdr[2],
            "flags": hdr[3],
            "span_offset": hdr[4],
            "span_size": hdr[5],
            "version": hdr[6],
            "name_len": hdr[7],
            "reserved": hdr[8],
            "fields": [tuple(v & 0xff if i else v for i, v in enumerate(f)) for f in flds],
            "name": name.group(1) if name else "",
            "linkage": rest.split(" <{")[0],
        }
    return tables


def check(path, expected_path, name):
    ir = open(path).read()
    text = open(expected_path).read()
    want = expected_table(text, name)
    sym = "__kcov_df_layout_%016x" % want["id"]
    tables = parse_ir_tables(ir)
    if sym not in tables:
        print("no table %s (id of the expected canonical text) in %s" % (sym, path))
        print("tables present: %s" % ", ".join(sorted(tables)) or "none")
        return False
    got = tables[sym]
    ok = True
    for key in ("id", "size", "nfields", "flags", "span_offset", "span_size",
                "version", "name_len", "reserved", "fields", "name"):
        if got[key] != want[key]:
            print("%s: %s = %r, want %r" % (sym, key, got[key], want[key]))
            ok = False
    link = got["linkage"]
    for word in ("linkonce_odr", "constant"):
        if word not in link.split():
            print("%s: %r is not %s" % (sym, link, word))
            ok = False
    if ok:
        print("%s ok (%d fields)" % (sym, want["nfields"]))
    return ok


def main(argv):
    if len(argv) >= 2 and argv[1] == "selftest":
        return 0 if selftest() else 1
    if len(argv) == 3 and argv[1] == "checklines":
        text = argv[2].encode().decode("unicode_escape").encode()
        h = xxh64(text)
        signed = h - (1 << 64) if h >> 63 else h
        print("CHECK: @__kcov_df_layout_%016x = linkonce_odr hidden constant "
              "{{.*}} <{ i64 %d, " % (h, signed))
        return 0
    if len(argv) == 3 and argv[1] == "xxh64":
        text = argv[2].encode().decode("unicode_escape").encode()
        print("%016x" % xxh64(text))
        return 0
    if len(argv) >= 4 and argv[1] == "check":
        name = ""
        if len(argv) == 6 and argv[4] == "--name":
            name = argv[5]
        if not selftest():
            return 1
        return 0 if check(argv[2], argv[3], name) else 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
