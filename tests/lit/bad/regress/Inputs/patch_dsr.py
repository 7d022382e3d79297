"""patch_dsr.py IN.wimg OUT.wimg NDIM D0,D1,.. S0,S1,..: set the first memory
DSR of the first core that has one (kind 1) to NDIM dims and these dims and
strides (strides signed), then fix file_size and the checksum, so wimg_read
gets as far as the DSR checks (docs/wimg.md has the layout)."""
import struct, sys

def fnv1a64(b):
    h = 0xcbf29ce484222325
    for x in b:
        h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h

src, dst, ndim = sys.argv[1], sys.argv[2], int(sys.argv[3])
dims = [int(v, 0) for v in sys.argv[4].split(",")]
strides = [int(v, 0) for v in sys.argv[5].split(",")]
dims += [1] * (4 - len(dims))
strides += [0] * (4 - len(strides))
b = bytearray(open(src, "rb").read())
pos = 64 + 32 + 40 + 16
nprog, ncore, nio = struct.unpack_from("<III", b, pos)
pos += 20
for _ in range(nprog):
    (ninsn,) = struct.unpack_from("<I", b, pos)
    pos += 4 + 8 * ninsn
done = False
for _ in range(ncore):
    x, y, prog, ndsr, ntask, nroute, ninit = struct.unpack_from("<HHIIIII", b, pos)
    pos += 24
    for i in range(ndsr):
        if not done and b[pos] == 1:
            b[pos + 3] = ndim
            struct.pack_into("<4I", b, pos + 8, *dims)
            struct.pack_into("<4i", b, pos + 24, *strides)
            done = True
        pos += 40
    pos += 8 * ntask + 4 * nroute + 16 * ninit
if not done:
    sys.exit("patch_dsr.py: no memory DSR in the image")
struct.pack_into("<Q", b, 16, len(b))
struct.pack_into("<Q", b, 24, fnv1a64(b[32:]))
open(dst, "wb").write(b)
