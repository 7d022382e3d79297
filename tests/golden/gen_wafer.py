"""Golden data for examples/wafer.wdl, computed with NumPy only: x ~ N(0, 1)
[16, 48000] rounded to f16, and 34 steps of
    h <- sigmoid(tanh(h * 0.5 + x) - x) * x + 0.25
each op in float32 and rounded to float16 (docs/isa.md; sigmoid is
1 / (1 + exp(-v)) in float32). Not a ctest (bench/wafer_sim.py runs it:
the model fills 717,000 cores of wse2)."""
import numpy as np
from goldio import save

f32, f16 = np.float32, np.float16


def op(v):
    return np.asarray(v, dtype=f32).astype(f16).astype(f32)


x16 = np.random.default_rng(700000).standard_normal((16, 48000)).astype(f16)
x = x16.astype(f32)
h = x
for i in range(34):
    a = op(np.tanh(op(op(h * f32(0.5)) + x)))
    s = op(f32(1) / (f32(1) + np.exp(-op(a - x))))
    h = op(op(s * x) + f32(0.25))
save("wafer", {"x": x16}, {"y": h.astype(f16)})
