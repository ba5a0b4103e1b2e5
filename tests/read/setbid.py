#!/usr/bin/env python3
"""setbid.py IN OUT HEX [map|meta]: a copy of trace IN whose kernel build
id is HEX: in the VMLINUX MAP chunk (map), as META kernel.build_id (meta,
appended: the last value wins), or both (default). For
tests/suites/36-read.sh (the hand-built kernel traces record none)."""
import struct
import sys

src, dst, bid = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
where = sys.argv[4] if len(sys.argv) > 4 else "both"
d = bytearray(open(src, "rb").read())
off = 32
while off + 16 <= len(d):
    ctype, cflags, size = struct.unpack_from("<IIQ", d, off)
    if ctype == 3 and where in ("map", "both"):     # MAP
        p = off + 16
        kind = struct.unpack_from("<I", d, p + 4)[0]
        if kind == 1:                                # VMLINUX
            d[p + 32:p + 64] = bid.ljust(32, b"\0")
            struct.pack_into("<I", d, p + 64, len(bid))
    off += 16 + (size + 7) // 8 * 8
if where in ("meta", "both"):
    kv = b"kernel.build_id=" + sys.argv[3].encode() + b"\0"
    d += struct.pack("<IIQ", 1, 0, len(kv)) + kv + b"\0" * (-len(kv) % 8)
open(dst, "wb").write(d)
