"""Golden data for examples/vecmat.wdl (vector @ matrix and the rest of
NumPy's vector rules for '@'), computed with NumPy only."""
import numpy as np
from goldio import save
from wdlrand import randn

rng = np.random.default_rng(20261202)
v = rng.standard_normal(48).astype(np.float32)
a = rng.standard_normal((3, 20, 48)).astype(np.float32)
w = randn((48, 24), seed=11, std=0.2)
u = randn((24,), seed=12, std=0.5)
f = np.float64
vw = (v.astype(f) @ w.astype(f)).astype(np.float32)
save("vecmat", {"v": v, "a": a},
     {"vw": vw, "wu": (w.astype(f) @ u.astype(f)).astype(np.float32), "av": (a.astype(f) @ v.astype(f)).astype(np.float32),
      "vwu": np.array(vw.astype(f) @ u.astype(f), dtype=np.float32)})
