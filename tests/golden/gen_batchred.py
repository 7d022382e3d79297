"""Golden data for examples/batchred.wdl (reductions and softmax over batch
axes), computed with NumPy only. f32 in float64, f16 rounded per op as the
machine stores it."""
import numpy as np
from goldio import save

rng = np.random.default_rng(20261203)
x = rng.standard_normal((4, 6, 10)).astype(np.float32)
q = rng.standard_normal((2, 3, 5, 7)).astype(np.float32)
h = rng.standard_normal((5, 8, 12)).astype(np.float16)
f = np.float64
X = x.astype(f)
e = np.exp(X - X.max(axis=0, keepdims=True))
Q = q.astype(f)
# f16 softmax, each op rounded to f16 as stored (max, x - max, exp, sum, /)
r16 = lambda a: np.asarray(a, f).astype(np.float16)
hm = r16(h.astype(f).max(axis=0, keepdims=True))
he = r16(np.exp(r16(h.astype(f) - hm.astype(f)).astype(f)))
hs = r16(he.astype(f).sum(axis=0, keepdims=True))
hp = r16(he.astype(f) / hs.astype(f))
save("batchred", {"x": x, "q": q, "h": h},
     {"s0": X.sum(axis=0).astype(np.float32), "m0": X.mean(axis=0, keepdims=True).astype(np.float32),
      "x0": x.max(axis=0), "p0": (e / e.sum(axis=0, keepdims=True)).astype(np.float32),
      "q1": (Q.sum(axis=1) * 0.5 + Q.mean(axis=1)).astype(np.float32),
      "h0": r16(hp.astype(f) * h.astype(f))})
