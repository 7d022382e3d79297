"""Golden data for examples/deep.wdl (8 dense f16 layers, 16 MB of weights),
computed with NumPy only.

Each layer is relu(h @ w[i] + b[i]) with every op rounded to f16, as the
machine stores it; the products are summed in float64 (the machine sums in
f32 and rounds once, which differs by far less than an f16 rounding).
Writes examples/data/deep/x.npy and tests/golden/expected/deep/y.npy.
"""
import numpy as np
from goldio import save
from wdlrand import randn

rng = np.random.default_rng(20261202)
x = rng.standard_normal((16, 1024)).astype(np.float16)
h = x
for i in range(8):
    w = randn((1024, 1024), seed=300 + i, std=0.03125).astype(np.float16)
    b = randn((1024,), seed=400 + i, std=0.1).astype(np.float16)
    m = (h.astype(np.float64) @ w.astype(np.float64)).astype(np.float16)
    h = np.maximum((m.astype(np.float32) + b.astype(np.float32)).astype(np.float16), np.float16(0))
save("deep", {"x": x}, {"y": h})
