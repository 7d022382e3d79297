"""Golden data for examples/rank6.wdl (tensors of rank 5 and 6), computed
with NumPy only: f32 in float64; the f16 matmul with float32 accumulation,
rounded to f16 as stored (docs/isa.md)."""
import numpy as np
from goldio import save

rng = np.random.default_rng(20261202)
f, f16 = np.float64, np.float16
x = rng.standard_normal((2, 3, 4, 6)).astype(np.float32)
m = rng.standard_normal((2, 1, 1, 4, 6)).astype(np.float32)
v = rng.standard_normal((1, 2, 1, 3, 4, 6)).astype(np.float32)
g = rng.standard_normal((2, 3, 2, 5, 7)).astype(np.float32)
c = rng.standard_normal((3, 1, 5, 1)).astype(np.float32)
h = rng.standard_normal((2, 1, 3, 8, 16)).astype(f16)
w = (rng.standard_normal((16, 8)) * 0.25).astype(f16)
U = x.astype(f).reshape(2, 1, 3, 4, 6)
V, G = v.astype(f), g.astype(f)
e = np.exp(2 * V - (2 * V).max(axis=-1, keepdims=True))
hw = (h.astype(np.float32) @ w.astype(np.float32)).astype(f16)
f32 = lambda a: np.asarray(a).astype(np.float32)
save("rank6", {"x": x, "m": m, "v": v, "g": g, "c": c, "h": h, "w": w}, {
    "a": f32(np.maximum(U + m, 0)),
    "b": f32(V.sum(axis=3)),
    "sm": f32(e / e.sum(axis=-1, keepdims=True)),
    "d": hw,
    "e": f32(U.transpose(0, 2, 1, 4, 3)),
    "q": (hw.reshape(6, 8, 8).astype(np.float32) + np.float32(1)).astype(f16),
    "k": f32(V.mean(axis=1, keepdims=True)),
    "gc": f32(G * c - G),
    "gt": f32(G.transpose(4, 3, 2, 1, 0) * 0.5),
    "gs": g.max(axis=2),
})
