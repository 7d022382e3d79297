#!/usr/bin/env python3
"""tests/lit/bad/wmx/mkwmx.py: make a crafted .wmx from a valid one.

    mkwmx.py IN.wmx OUT.wmx [EDIT...] [--no-checksum] [--truncate=N]
    mkwmx.py IN.wmx --dump          list every field: offset, size, path, value
                                    (the header's u64 fields in hex)

The layout is that of backend/wmx.c (version 1), parsed here independently:

    header (64 bytes)  magic[8] version:u32 header_size:u32 file_size:u64
                       checksum:u64 image_checksum:u64 channels:u32 rate:u32
                       edge_width:u32 nstream:u32 reserved[8]
    stream (24 bytes)  x:u16 y:u16 color:u8 pad[3] nwave:u32 ndata:u32 ndense:u64
    then every stream's wavelets (u32), stream after stream

EDIT is PATH=VALUE or PATH^=VALUE (exclusive or). PATH is a field as in
wsesim's messages: header.version, header.reserved[3], stream[2].color,
stream[0].pad[1], stream[1].wave[5], or byte[N] (the byte at offset N; a
negative N counts from the end). VALUE is a number (0x.. allowed).
After the edits header.checksum (FNV-1a 64 of bytes [32, end)) is
recomputed, unless --no-checksum; header.file_size is left as it is (edit
it to change it). --truncate=N then keeps only the first N bytes.
Prints "edit 0xOFFSET PATH" for every edit, so a test can check the offset
in wsesim's message against this parse."""
import re
import struct
import sys

HEADER = [("magic", 0, "8s"), ("version", 8, "<I"), ("header_size", 12, "<I"), ("file_size", 16, "<Q"),
          ("checksum", 24, "<Q"), ("image_checksum", 32, "<Q"), ("channels", 40, "<I"), ("rate", 44, "<I"),
          ("edge_width", 48, "<I"), ("nstream", 52, "<I")]
STREAM = [("x", 0, "<H"), ("y", 2, "<H"), ("color", 4, "<B"), ("nwave", 8, "<I"), ("ndata", 12, "<I"),
          ("ndense", 16, "<Q")]


def fnv1a64(b):
    h = 0xcbf29ce484222325
    for x in b:
        h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


def fields(d):
    """(path, offset, struct format) of every field of a valid file."""
    out = [("header." + n, o, f) for n, o, f in HEADER]
    out += [("header.reserved[%d]" % i, 56 + i, "<B") for i in range(8)]
    nstream = struct.unpack_from("<I", d, 52)[0]
    wave = 64 + 24 * nstream
    for i in range(nstream):
        base = 64 + 24 * i
        out += [("stream[%d].%s" % (i, n), base + o, f) for n, o, f in STREAM]
        out += [("stream[%d].pad[%d]" % (i, k), base + 5 + k, "<B") for k in range(3)]
        nwave = struct.unpack_from("<I", d, base + 8)[0]
        out += [("stream[%d].wave[%d]" % (i, k), wave + 4 * k, "<I") for k in range(nwave)]
        wave += 4 * nwave
    return out


def main():
    args = sys.argv[1:]
    d = bytearray(open(args[0], "rb").read())
    table = {p: (o, f) for p, o, f in fields(d)}
    if args[1:] == ["--dump"]:
        for p, (o, f) in sorted(table.items(), key=lambda t: t[1][0]):
            v = struct.unpack_from(f, d, o)[0]
            if f == "8s":
                v = v.hex()
            elif p.endswith("checksum"):
                v = "0x%016x" % v
            print("0x%x %d %s %s" % (o, struct.calcsize(f), p, v))
        return
    out, checksum, truncate = args[1], True, None
    for a in args[2:]:
        if a == "--no-checksum":
            checksum = False
            continue
        if a.startswith("--truncate="):
            truncate = int(a.split("=", 1)[1], 0)
            continue
        m = re.fullmatch(r"([\w.\[\]-]+?)(\^?=)(-?(?:0x[0-9a-fA-F]+|\d+))", a)
        if not m:
            sys.exit("mkwmx.py: bad edit '%s' (PATH=VALUE or PATH^=VALUE)" % a)
        path, op, value = m.group(1), m.group(2), int(m.group(3), 0)
        b = re.fullmatch(r"byte\[(-?\d+)\]", path)
        if b:
            off, fmt = int(b.group(1)) % len(d), "<B"
        elif path in table and table[path][1] != "8s":
            off, fmt = table[path]
        else:
            sys.exit("mkwmx.py: no field '%s' (mkwmx.py IN.wmx --dump lists them)" % path)
        if op == "^=":
            value ^= struct.unpack_from(fmt, d, off)[0]
        struct.pack_into(fmt, d, off, value & ((1 << (8 * struct.calcsize(fmt))) - 1))
        print("edit 0x%x %s" % (off, path))
    if checksum:
        struct.pack_into("<Q", d, 24, fnv1a64(d[32:]))
    if truncate is not None:
        d = d[:truncate]
    open(out, "wb").write(d)


main()
