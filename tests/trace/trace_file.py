#!/usr/bin/env python3
"""Helpers of tests/suites/37-trace.sh for kcovdf trace files.

  trace_file.py chunks FILE         "offset type size" of every chunk
  trace_file.py minor1 FILE OUT     FILE with minor version 1 (the files
                                    written before packing) as OUT
"""
import struct
import sys


def chunks(path):
    d = open(path, "rb").read()
    off = 32
    while off + 16 <= len(d):
        t, _f, sz = struct.unpack_from("<IIQ", d, off)
        print(off, t, sz)
        off += 16 + (sz + 7) // 8 * 8


def minor1(path, out):
    d = bytearray(open(path, "rb").read())
    d[10] = 1
    open(out, "wb").write(d)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "chunks":
        chunks(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "minor1":
        minor1(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
