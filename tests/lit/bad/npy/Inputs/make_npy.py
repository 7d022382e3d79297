"""Malformed .npy files for tests/lit/bad/npy, made from a valid one so the
cases keep up with the format:
    make_npy.py CASE OUT.npy
The valid file is np.save of float32 [1, 2, 3, 4] (shape (4,)); each case
patches one thing (see CASES)."""
import io
import struct
import sys

import numpy as np


def valid(arr=None):
    b = io.BytesIO()
    np.save(b, np.arange(1, 5, dtype=np.float32) if arr is None else arr)
    return b.getvalue()


def with_header(text, data=b"", version=1):
    """A file with the given header dict text, padded like NumPy does."""
    h = text.encode("latin1")
    pre = 10 if version == 1 else 12
    h += b" " * ((64 - (pre + len(h) + 1) % 64) % 64) + b"\n"
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + data
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(h)) + h + data


DATA = np.arange(1, 5, dtype=np.float32).tobytes()
CASES = {
    "bad-magic": lambda: b"\x93NUMPX" + valid()[6:],
    "version-9": lambda: valid()[:6] + b"\x09\x00" + valid()[8:],
    "v2-short-prefix": lambda: b"\x93NUMPY\x02\x00\x10\x00\x00",
    "header-past-end": lambda: valid()[:8] + struct.pack("<H", 1000) + valid()[10:40],
    "header-too-long": lambda: b"\x93NUMPY\x02\x00" + struct.pack("<I", 100000) + b"{" + b" " * 100,
    "header-4gib": lambda: b"\x93NUMPY\x03\x00" + struct.pack("<I", 0xFFFFFFFF) + b"{",
    "not-a-dict": lambda: with_header("['descr', '<f4']", DATA),
    "missing-key": lambda: with_header("{'descr': '<f4', 'shape': (4,), }", DATA),
    "unknown-key": lambda: with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'x': 1}", DATA),
    "dtype-f8": lambda: valid(np.arange(1, 5, dtype=np.float64)),
    "big-endian": lambda: valid(np.arange(1, 5, dtype=">f4")),
    "fortran": lambda: valid(np.asfortranarray(np.ones((2, 2), np.float32))),
    "shape-negative": lambda: with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }", DATA),
    "shape-dim-huge": lambda: with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627777,), }", DATA),
    "shape-overflow": lambda: with_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483648, 2147483648, 2147483648, 4), }", DATA),
    # 2^64 elements wrapped to 0: with no data the file looked complete
    "shape-wraps-to-zero": lambda: with_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536, 65536), }"),
    "rank-9": lambda: with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,4), }", DATA),
    "truncated-data": lambda: valid()[:-3],
    "extra-data": lambda: valid() + b"\x00" * 4,
    "wrong-shape": lambda: valid(np.ones((2, 2), np.float32)),
    "v2-valid-but-f8": lambda: with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                                           np.arange(4, dtype=np.float64).tobytes(), version=2),
}

if __name__ == "__main__":
    case, out = sys.argv[1], sys.argv[2]
    with open(out, "wb") as f:
        f.write(CASES[case]())
