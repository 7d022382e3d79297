"""WDL's f16 arithmetic in NumPy, for golden data: every op computes in
float32 and rounds its result to float16; matmuls and reductions accumulate
in float32 and round once; softmax and layernorm are their documented
decompositions (docs/wdl.md), each step rounded; GELU is the tanh form.
Used by tests/golden/gen_gpt2_block.py and bench/gpt2_layer.py."""
import numpy as np

f16, f32 = np.float16, np.float32


def r(v):
    """Round to float16 through float32."""
    return np.asarray(v, dtype=f32).astype(f16)


def mm(a, b):
    return r(a.astype(f32) @ b.astype(f32))


def layernorm(x, g, b, eps):
    X = x.astype(f32)
    mu = r(X.mean(-1, keepdims=True, dtype=f32))
    d = r(X - mu.astype(f32))
    var = r(r(d.astype(f32) * d.astype(f32)).astype(f32).mean(-1, keepdims=True, dtype=f32))
    inv = r(f32(1) / np.sqrt(r(var.astype(f32) + f32(f16(eps))).astype(f32)))
    return r(r(r(d.astype(f32) * inv.astype(f32)).astype(f32) * g.astype(f32)).astype(f32) + b.astype(f32))


def softmax(x):
    X = x.astype(f32)
    m = r(X.max(-1, keepdims=True))
    e = r(np.exp(r(X - m.astype(f32)).astype(f32)))
    s = r(e.astype(f32).sum(-1, keepdims=True, dtype=f32))
    return r(e.astype(f32) / s.astype(f32))


def gelu(x):
    a = x.astype(f32)
    x3 = (a * a) * a
    inner = f32(0.7978845608) * (a + f32(0.044715) * x3)
    return r((f32(0.5) * a) * (f32(1) + np.tanh(inner)))
