"""Golden data for examples/mlp.wdl, computed with NumPy only.

Writes the load()ed weight examples/mlp_w1.npy, the input
examples/data/mlp/x.npy and the expected output tests/golden/expected/mlp/y.npy.
"""
import os
import numpy as np
from wdlrand import randn

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ex = os.path.join(root, "examples")
rng = np.random.default_rng(20261124)
x = rng.standard_normal((16, 64)).astype(np.float32)
w1 = (rng.standard_normal((64, 128)) / np.sqrt(64)).astype(np.float32)
b1 = np.zeros(128, np.float32)
w2 = randn((128, 10), seed=7, std=0.1)

h = np.maximum(x @ w1 + b1, np.float32(0))
y = (h @ w2).astype(np.float32)

os.makedirs(os.path.join(ex, "data", "mlp"), exist_ok=True)
os.makedirs(os.path.join(root, "tests", "golden", "expected", "mlp"), exist_ok=True)
np.save(os.path.join(ex, "mlp_w1.npy"), w1)
np.save(os.path.join(ex, "data", "mlp", "x.npy"), x)
np.save(os.path.join(root, "tests", "golden", "expected", "mlp", "y.npy"), y)
