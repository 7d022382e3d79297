#!/usr/bin/env python3
"""fuzz/fixsum.py IN.wimg OUT.wimg: give a fuzzed image the header fix-up
the wimg harness (fuzz/fuzz_wimg.c) applies before wimg_read: file_size
(offset 16) set to the file's length and the FNV-1a 64 checksum (offset 24)
recomputed over bytes [32, end). Files shorter than 64 bytes are copied
unchanged. Then `wsesim OUT.wimg` sees what the harness saw."""
import struct, sys

def fnv1a64(b):
    h = 0xcbf29ce484222325
    for x in b:
        h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h

data = bytearray(open(sys.argv[1], "rb").read())
if len(data) >= 64:
    struct.pack_into("<Q", data, 16, len(data))
    struct.pack_into("<Q", data, 24, fnv1a64(data[32:]))
open(sys.argv[2], "wb").write(data)
