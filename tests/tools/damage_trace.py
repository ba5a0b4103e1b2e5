#!/usr/bin/env python3
"""Damaged copies of a trace file, for tests/suites/35-tools.sh: every
reading command must exit 2 with a message on them, or at least not crash.
Writes into the current directory.

usage: damage_trace.py fixed TRACE
         trunc-half.trace (cut in the middle of the chunk that holds the
         file's middle byte: never at a chunk boundary, where the file
         would be a complete shorter trace), trunc-hdr.trace, empty.trace, magic.trace,
         major.trace, badrec.trace (a record header of the first STREAM
         chunk with a bad tag), hugechunk.trace (a chunk claiming more
         bytes than the file has)
       damage_trace.py cut TRACE I SIZE
         cut.trace: the first SIZE*I/25 bytes; flip.trace: the byte at
         (I * 7919) % SIZE inverted
"""
import struct
import sys


def chunks(d):
    """(offset, end) of each chunk, padding included."""
    off = 32
    while off + 16 <= len(d):
        t, f, sz = struct.unpack_from("<IIQ", d, off)
        end = off + 16 + (sz + 7) // 8 * 8
        yield off, end
        off = end


def fixed(path):
    d = open(path, "rb").read()
    half = len(d) // 2
    for start, end in chunks(d):
        if start <= half < end:
            half = start + (end - start) // 2
            break
    open("trunc-half.trace", "wb").write(d[:half])
    open("trunc-hdr.trace", "wb").write(d[:20])
    open("empty.trace", "wb").write(b"")
    open("magic.trace", "wb").write(b"KCOVDFX\0" + d[8:])
    open("major.trace", "wb").write(d[:8] + struct.pack("<H", 9) + d[10:])
    # A record header of the first stream with a bad tag.
    for off, end in chunks(d):
        if struct.unpack_from("<I", d, off)[0] == 2:
            b = bytearray(d)
            b[off + 16 + 48 + 7] = 0x42
            open("badrec.trace", "wb").write(b)
            break
    # A chunk claiming more bytes than the file has.
    b = bytearray(d)
    struct.pack_into("<Q", b, 32 + 8, 1 << 40)
    open("hugechunk.trace", "wb").write(b)


def cut(path, i, n):
    d = bytearray(open(path, "rb").read())
    i, n = int(i), int(n)
    open("cut.trace", "wb").write(d[: n * i // 25])
    pos = (i * 7919) % n
    d[pos] ^= 0xff
    open("flip.trace", "wb").write(d)


if len(sys.argv) == 3 and sys.argv[1] == "fixed":
    fixed(sys.argv[2])
elif len(sys.argv) == 5 and sys.argv[1] == "cut":
    cut(*sys.argv[2:])
else:
    sys.exit(__doc__)
