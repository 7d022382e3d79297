"""Golden data for examples/batch16.wdl (batched matmul in f16), computed
with NumPy only: f16 operands, float32 accumulation, the result rounded to
f16; every other op computes in float32 and rounds (docs/isa.md)."""
import numpy as np
from goldio import save
from gen_batch import f16, f32, gelu, r16

rng = np.random.default_rng(56)
h = rng.standard_normal((4, 9, 22)).astype(f16)
g = rng.standard_normal((4, 22, 5)).astype(f16)
v = rng.standard_normal((22, 5)).astype(f16)
hg = r16(h.astype(f32) @ g.astype(f32))
save("batch16", {"h": h, "g": g, "v": v}, {
    "bmm16": hg.astype(f16),
    "gel16": r16(r16(gelu(hg)) + h[:, :, 0:5].astype(f32)).astype(f16),
    "bc16": r16(r16(h.astype(f32) @ v.astype(f32)) * f32(0.5)).astype(f16),
})
