#!/usr/bin/env python3
"""Sizes of one kernel image: sizes.py NM VMLINUX BZIMAGE -> "key bytes" lines.

Regions delimited by the linker script's symbols (the section headers of
vmlinux include padding to the next page or 2 MiB boundary):
  text       _text .. _etext, padding included
  text_code  bytes of the functions in it (sum of the sizes nm -S gives
             for t/T symbols between _text and _etext): without padding
  rodata     __start_rodata .. __end_rodata
  data       _sdata .. _edata (.data, page-aligned)
  bss        __bss_start .. __bss_stop (x86-64 pads its end to 2 MiB)
  *_objects  the sum of the sizes of the symbols in the region (nm -S):
             what the objects take, without the alignment padding
  init       __init_begin .. __init_end (freed after boot)
and the file size of bzImage.
"""
import os
import subprocess
import sys

nm, vmlinux, bzimage = sys.argv[1:4]
out = subprocess.run([nm, "-S", vmlinux], check=True, capture_output=True,
                     text=True).stdout
addr = {}
sized = set()
for line in out.splitlines():
    f = line.split()
    if len(f) == 3:
        addr[f[2]] = int(f[0], 16)
    elif len(f) == 4:
        addr[f[3]] = int(f[0], 16)
        sized.add((int(f[0], 16), int(f[1], 16), f[2].lower()))
need = ["_text", "_etext", "__start_rodata", "__end_rodata", "_sdata",
        "_edata", "__bss_start", "__bss_stop", "__init_begin", "__init_end"]
missing = [s for s in need if s not in addr]
if missing:
    sys.exit("sizes.py: %s: no symbol %s" % (vmlinux, ", ".join(missing)))


def objects(start, end, types):
    return sum(size for a, size, t in sized
               if t in types and addr[start] <= a < addr[end])


print("text", addr["_etext"] - addr["_text"])
print("text_code", objects("_text", "_etext", "t"))
print("rodata", addr["__end_rodata"] - addr["__start_rodata"])
print("rodata_objects", objects("__start_rodata", "__end_rodata", "rvd"))
print("data", addr["_edata"] - addr["_sdata"])
print("data_objects", objects("_sdata", "_edata", "dvr"))
print("bss", addr["__bss_stop"] - addr["__bss_start"])
print("bss_objects", objects("__bss_start", "__bss_stop", "bv"))
print("init", addr["__init_end"] - addr["__init_begin"])
print("bzImage", os.path.getsize(bzimage))
