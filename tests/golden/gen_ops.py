"""Golden data for examples/ops.wdl (f32) and examples/ops16.wdl (f16),
computed with NumPy only. Each WDL op computes in float32 and rounds its
result to the op's dtype (docs/isa.md), so every op below is evaluated in
float32 and passed through `r` (identity for f32, a float16 rounding for
f16). GELU is the tanh form, sigmoid is 1 / (1 + exp(-x)), rsqrt is
1 / sqrt(x)."""
import os
import numpy as np
from goldio import save

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
f32 = np.float32


def model(a, b, c, r):
    """The outputs of the ops model, rounding every op's result with r."""
    A, B, C = (x.astype(f32) for x in (a, b, c))

    def op(v):
        return r(np.asarray(v, dtype=f32)).astype(f32)

    def gelu(x):
        x3 = (x * x) * x
        inner = f32(0.7978845608) * (x + f32(0.044715) * x3)
        return (f32(0.5) * x) * (f32(1) + np.tanh(inner))

    half = f32(0.5)
    arith = op(op(op(op(A + B) * C)) - op(A / op(op(np.abs(B)) + half)))
    minmax = op(op(np.maximum(A, B)) - op(np.minimum(A, op(C * f32(0.25)))))
    expo = op(op(op(np.exp(op(A * half))) + op(np.log(op(op(np.abs(C)) + f32(1))))) + op(np.sqrt(op(np.abs(B)))))
    act = op(op(op(op(op(f32(1) / np.sqrt(op(op(np.abs(A)) + f32(1)))) * op(np.tanh(A)))
                   + op(f32(1) / (f32(1) + np.exp(-B)))) + op(gelu(A))) - op(np.maximum(op(-C), f32(0))))
    return arith, minmax, expo, act


rng = np.random.default_rng(11)
a = rng.standard_normal((13, 30)).astype(f32)
b = rng.standard_normal(30).astype(f32)
c = rng.standard_normal((13, 1)).astype(f32)
arith, minmax, expo, act = model(a, b, c, lambda v: v)
half = (a.astype(np.float16) * b.astype(np.float16)).astype(f32)
save("ops", {"a": a, "b": b, "c": c},
     {"arith": arith, "minmax": minmax, "expo": expo, "act": act, "half": half}, f32)

rng = np.random.default_rng(12)
a = rng.standard_normal((9, 22)).astype(np.float16)
b = rng.standard_normal(22).astype(np.float16)
c = rng.standard_normal((9, 1)).astype(np.float16)
r16 = lambda v: v.astype(np.float16)
arith, minmax, expo, act = model(a, b, c, r16)
wide = a.astype(f32) * c.astype(f32)
save("ops16", {"a": a, "b": b, "c": c},
     {"arith": arith.astype(np.float16), "minmax": minmax.astype(np.float16), "expo": expo.astype(np.float16),
      "act": act.astype(np.float16), "wide": wide.astype(f32)})
