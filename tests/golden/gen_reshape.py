"""Golden data for examples/reshape.wdl (reshape and N-D transpose; the
multi-head attention pattern), computed with NumPy only. Data movement is
exact; arithmetic is float32, rounded to the op's dtype (docs/isa.md)."""
import numpy as np
from goldio import save

f32, f16 = np.float32, np.float16
rng = np.random.default_rng(66)
q = rng.standard_normal((13, 24)).astype(f32)
k = rng.standard_normal((13, 24)).astype(f32)
v = rng.standard_normal((13, 24)).astype(f32)
h = rng.standard_normal((6, 35)).astype(f16)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(f32)


qh = q.reshape(13, 4, 6).transpose(1, 0, 2)
kh = k.reshape(13, 4, 6).transpose(1, 2, 0)
vh = v.reshape(13, 4, 6).transpose(1, 0, 2)
att = softmax((qh @ kh) * f32(0.4082483)) @ vh
save("reshape", {"q": q, "k": k, "v": v, "h": h}, {
    "mha": att.transpose(1, 0, 2).reshape(13, 24).astype(f32),
    "flat": q.reshape(312) * f32(2),
    "re": q.reshape(6, 52) + f32(1),
    "r4": k.reshape(2, 13, 3, 4),
    "t4": v.reshape(13, 2, 3, 4).transpose(2, 0, 3, 1),
    "h16": (h.reshape(10, 21).astype(f32) * f32(0.5)).astype(f16),
    "ht16": h.reshape(5, 6, 7).transpose(2, 1, 0),
})
