"""Golden data for examples/add.wdl (f16 elementwise with broadcasting both
ways, uneven shapes), computed with NumPy only. NumPy's float16 arithmetic
computes each op in float32 and rounds the result to float16, which is the
machine's documented f16 arithmetic (docs/isa.md)."""
import os
import numpy as np

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
rng = np.random.default_rng(7)
a = rng.standard_normal((10, 50)).astype(np.float16)
b = rng.standard_normal(50).astype(np.float16)
c = rng.standard_normal((10, 1)).astype(np.float16)
d = np.full(50, 0.5, np.float16)

y = (a + b) * c - d
z = -a + np.maximum(b, np.float16(0))

data = os.path.join(root, "examples", "data", "add")
exp = os.path.join(root, "tests", "golden", "expected", "add")
os.makedirs(data, exist_ok=True)
os.makedirs(exp, exist_ok=True)
for name, v in (("a", a), ("b", b), ("c", c)):
    np.save(os.path.join(data, name + ".npy"), v)
np.save(os.path.join(exp, "y.npy"), y.astype(np.float16))
np.save(os.path.join(exp, "z.npy"), z.astype(np.float16))
