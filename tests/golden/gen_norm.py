"""Golden data for examples/norm.wdl (f32) and examples/norm16.wdl (f16),
computed with NumPy only, following WDL's definitions (docs/wdl.md):
  softmax(x)  = exp(x - max(x)) / sum(exp(x - max(x)))          (along axis)
  layernorm   = (x - mean) * rsqrt(mean((x - mean)^2) + eps) * gamma + beta
Every op computes in float32; in the f16 model each op's result is rounded
to float16 (reductions accumulate in float32 and round once)."""
import os
import numpy as np
from goldio import save
from wdlrand import randn

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
f32 = np.float32


def model(x, gamma, beta, eps, r, spec):
    X, G, B = (v.astype(f32) for v in (x, gamma, beta))

    def op(v):
        return r(np.asarray(v, dtype=f32)).astype(f32)

    def softmax(a, ax):
        m = op(a.max(ax, keepdims=True))
        e = op(np.exp(op(a - m)))
        return op(e / op(e.sum(ax, keepdims=True, dtype=f32)))

    def layernorm(a, ax):
        mu = op(a.mean(ax, keepdims=True, dtype=f32))
        d = op(a - mu)
        var = op(op(d * d).mean(ax, keepdims=True, dtype=f32))
        inv = op(f32(1) / np.sqrt(op(var + f32(eps))))
        return op(op(op(d * inv) * G) + B)

    out = {}
    for name, kind, ax, keep in spec:
        if kind == "sum":
            out[name] = op(X.sum(ax, keepdims=keep, dtype=f32))
        elif kind == "mean":
            out[name] = op(X.mean(ax, keepdims=keep, dtype=f32))
        elif kind == "max":
            out[name] = op(X.max(ax, keepdims=keep))
        elif kind == "softmax":
            out[name] = softmax(X, ax)
        elif kind == "layernorm":
            out[name] = layernorm(X, ax)
    return out


x = np.random.default_rng(21).standard_normal((19, 45)).astype(f32)
out = model(x, randn((45,), 5, 1.0), np.full(45, 0.25, f32), 1e-5, lambda v: v,
            [("rows", "sum", -1, False), ("cols", "mean", 0, True), ("peak", "max", 0, False),
             ("prob", "softmax", -1, None), ("norm", "layernorm", -1, None)])
save("norm", {"x": x}, out, f32)

x = np.random.default_rng(22).standard_normal((11, 26)).astype(np.float16)
g = randn((26,), 6, 1.0).astype(np.float16)
out = model(x, g, np.full(26, -0.5, np.float16), 1e-3, lambda v: v.astype(np.float16),
            [("rows", "sum", -1, True), ("peak", "max", -1, False), ("prob", "softmax", 0, None),
             ("norm", "layernorm", -1, None)])
save("norm16", {"x": x}, out, np.float16)
