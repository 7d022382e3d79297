"""patch_io.py IN.wimg OUT.wimg NAME D0,D1,..: set the dims of the I/O entry
NAME (rank unchanged; give rank-many dims), then fix file_size and the
checksum, so wimg_read gets as far as the I/O checks (docs/wimg.md)."""
import struct, sys

def fnv1a64(b):
    h = 0xcbf29ce484222325
    for x in b:
        h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h

src, dst, name = sys.argv[1], sys.argv[2], sys.argv[3].encode()
dims = [int(v, 0) for v in sys.argv[4].split(",")]
b = bytearray(open(src, "rb").read())
pos = 64 + 32 + 40 + 16
nprog, ncore, nio = struct.unpack_from("<III", b, pos)
pos += 20
for _ in range(nprog):
    (ninsn,) = struct.unpack_from("<I", b, pos)
    pos += 4 + 8 * ninsn
for _ in range(ncore):
    x, y, prog, ndsr, ntask, nroute, ninit = struct.unpack_from("<HHIIIII", b, pos)
    pos += 24 + 40 * ndsr + 8 * ntask + 4 * nroute + 16 * ninit
for _ in range(nio):
    (n,) = struct.unpack_from("<I", b, pos)
    nm = bytes(b[pos + 4:pos + 4 + n])
    pos += 4 + n
    rank = b[pos + 2]
    if nm == name:
        struct.pack_into(f"<{rank}I", b, pos + 4, *dims[:rank])
        break
    (npiece,) = struct.unpack_from("<I", b, pos + 20)
    pos += 24 + 40 * npiece
else:
    sys.exit(f"patch_io.py: no I/O entry {name.decode()}")
struct.pack_into("<Q", b, 16, len(b))
struct.pack_into("<Q", b, 24, fnv1a64(b[32:]))
open(dst, "wb").write(b)
