"""Golden data for examples/move.wdl (transpose, slice, concat in f32 and
f16), computed with NumPy only. Data movement is exact; `* 2` and the
matmul follow the usual arithmetic (f32 accumulation)."""
import os
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
rng = np.random.default_rng(44)
x = rng.standard_normal((13, 30)).astype(np.float32)
y = rng.standard_normal((13, 7)).astype(np.float32)
h = rng.standard_normal((9, 22)).astype(np.float16)
out = {
    "t": x.T,
    "s": x[:, 5:23],
    "c": np.concatenate([x, y, x], 1),
    "c0": np.concatenate([x, x[2:11]], 0),
    "mm": (y.T @ x).astype(np.float32),
    "t16": (h.T.astype(np.float32) * 2).astype(np.float16),
    "s16": np.concatenate([h[:, 0:11], h[0:9]], 1),
}
data = os.path.join(root, "examples", "data", "move")
exp = os.path.join(root, "tests", "golden", "expected", "move")
os.makedirs(data, exist_ok=True)
os.makedirs(exp, exist_ok=True)
for k, v in {"x": x, "y": y, "h": h}.items():
    np.save(os.path.join(data, k + ".npy"), v)
for k, v in out.items():
    np.save(os.path.join(exp, k + ".npy"), np.ascontiguousarray(v))
