"""Golden data for examples/stack.wdl, computed with NumPy only: 12 pre-LN
residual blocks h = h + gelu(layernorm(h) @ w_up[i]) @ w_dn[i], float32,
with param arrays drawn by WDL's randn (seed + i for w[i])."""
import os
import numpy as np
from wdlrand import randn

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
f32 = np.float32


def gelu(x):
    x3 = (x * x) * x
    return (f32(0.5) * x) * (f32(1) + np.tanh(f32(0.7978845608) * (x + f32(0.044715) * x3)))


def layernorm(x, eps):
    mu = x.mean(-1, keepdims=True, dtype=f32)
    d = x - mu
    var = (d * d).mean(-1, keepdims=True, dtype=f32)
    return d * (f32(1) / np.sqrt(var + f32(eps)))


x = np.random.default_rng(33).standard_normal((16, 48)).astype(f32)
h = x
for i in range(12):
    up = randn((48, 96), 100 + i, 0.1)
    dn = randn((96, 48), 200 + i, 0.1)
    h = (h + gelu(layernorm(h, 1e-5) @ up) @ dn).astype(f32)
os.makedirs(os.path.join(root, "examples", "data", "stack"), exist_ok=True)
os.makedirs(os.path.join(root, "tests", "golden", "expected", "stack"), exist_ok=True)
np.save(os.path.join(root, "examples", "data", "stack", "x.npy"), x)
np.save(os.path.join(root, "tests", "golden", "expected", "stack", "y.npy"), h)
