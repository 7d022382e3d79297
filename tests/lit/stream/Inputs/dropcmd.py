"""Drop the last wavelet (a command) of the last stream of a .wmx, fixing
its count, the file size and the checksum (docs/memoryx.md): a store whose
last row never ends.

    dropcmd.py IN.wmx OUT.wmx
"""
import struct, sys
d = bytearray(open(sys.argv[1], "rb").read())
n = struct.unpack_from("<I", d, 52)[0]
rec = 64 + 24 * (n - 1)
assert d[-1] & 0x80, "the last wavelet is not a command"
struct.pack_into("<I", d, rec + 8, struct.unpack_from("<I", d, rec + 8)[0] - 1)
d = d[:-4]
struct.pack_into("<Q", d, 16, len(d))
h = 0xcbf29ce484222325
for b in d[32:]:
    h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
struct.pack_into("<Q", d, 24, h)
open(sys.argv[2], "wb").write(d)
