"""Golden data for examples/batch.wdl and batch16.wdl (batched matmul and ops on batched
tensors, f32 and f16), computed with NumPy only. A matmul accumulates in
float32 and rounds its result to its dtype; every other op computes in
float32 and rounds its result (docs/isa.md). GELU is the tanh form."""
import numpy as np
from goldio import save

f32, f16 = np.float32, np.float16
rng = np.random.default_rng(55)
a = rng.standard_normal((3, 13, 30)).astype(f32)
b = rng.standard_normal((3, 30, 7)).astype(f32)
w = rng.standard_normal((30, 7)).astype(f32)
q = rng.standard_normal((2, 3, 13, 30)).astype(f32)


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return (e / e.sum(axis=-1, keepdims=True)).astype(f32)


def gelu(x):
    x3 = (x * x) * x
    return (f32(0.5) * x) * (f32(1) + np.tanh(f32(0.7978845608) * (x + f32(0.044715) * x3)))


r16 = lambda v: np.asarray(v, dtype=f32).astype(f16).astype(f32)
if __name__ == "__main__":
    ab = a @ b
    save("batch", {"a": a, "b": b, "w": w, "q": q}, {
        "bmm": ab,
        "bcast": (a @ w + f32(1)).astype(f32),
        "mm4": q @ b,
        "sm": softmax(ab),
        "cs": a.sum(axis=1, keepdims=True),
        "cat": (np.concatenate([ab, a[1:3] @ w], 0) * f32(0.5)).astype(f32),
    })
