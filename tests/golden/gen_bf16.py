"""Golden data for examples/bf16.wdl, computed with NumPy only. NumPy has no
bfloat16, so it is emulated: a float32 rounded to nearest-even at bit 16
(`bf`). Every op computes in float32 and rounds its result to bf16 (the
matmul accumulates in float32 and rounds once); params come from the
documented randn (tests/golden/wdlrand.py) rounded to bf16. GELU is the
tanh form. Outputs are float32 arrays; bf16.txt names the bf16 ones."""
import os
import numpy as np
from goldio import save, ROOT
from wdlrand import randn

f32 = np.float32


def bf(v):
    """Round float32 values to bfloat16 (nearest, ties to even), as float32."""
    u = np.atleast_1d(np.asarray(v, dtype=f32)).view(np.uint32).astype(np.uint64)
    u = (u + np.uint64(0x7FFF) + ((u >> np.uint64(16)) & np.uint64(1))) & np.uint64(0xFFFF0000)
    r = u.astype(np.uint32).view(f32)
    return r.reshape(np.shape(v))


def gelu(x):
    x3 = (x * x) * x
    return (f32(0.5) * x) * (f32(1) + np.tanh(f32(0.7978845608) * (x + f32(0.044715) * x3)))


rng = np.random.default_rng(77)
x = bf(rng.standard_normal((13, 30)).astype(f32))
b = bf(rng.standard_normal(30).astype(f32))
w = bf(randn((30, 7), 21, 0.3))
g = bf(randn((7,), 22, 1.0))

e = bf(bf(gelu(bf(bf(x * b) + f32(0.5)))) - bf(np.maximum(x, b)))
xw = bf(x @ w)
m = bf(xw.max(axis=-1, keepdims=True))
ex = bf(np.exp(bf(xw - m)))
mm = bf(ex / bf(ex.sum(axis=-1, keepdims=True)))
mu = bf(xw.mean(axis=-1, keepdims=True))
d = bf(xw - mu)
var = bf(bf(d * d).mean(axis=-1, keepdims=True))
inv = bf(f32(1) / np.sqrt(bf(var + bf(f32(1e-5)))))
ln = bf(bf(bf(d * inv) * g) + g)
big = bf(x * bf(f32(1000000.0)))
c32 = x / f32(3.0)
c16 = bf(c32)
outs = {"e": e, "mm": mm, "ln": ln, "big": big, "c32": c32.astype(f32), "c16": c16}
save("bf16", {"x": x, "b": b}, outs, f32)
with open(os.path.join(ROOT, "tests", "golden", "expected", "bf16", "bf16.txt"), "w") as f:
    f.write("e mm ln big c16\n")
