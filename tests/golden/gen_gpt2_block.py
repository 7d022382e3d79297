"""Golden data for examples/gpt2_block.wdl, computed with NumPy only.

The block follows WDL's definitions (docs/wdl.md) in f16: every op computes
in float32 and rounds its result to float16; matmuls and reductions
accumulate in float32 and round once; softmax and layernorm are their
documented decompositions; GELU is the tanh form."""
import os
import numpy as np
from wdlnp import r, mm, layernorm, softmax, gelu

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ex = os.path.join(root, "examples")
f16, f32 = np.float16, np.float32
S, H, NH = 32, 128, 4
D = H // NH


def block(x, p):
    a = layernorm(x, p["ln1_g"], p["ln1_b"], 1e-5)
    q, k, v = mm(a, p["w_q"]), mm(a, p["w_k"]), mm(a, p["w_v"])
    scale = f32(f16(0.1767767))
    heads = []
    for h in range(NH):
        sl = slice(h * D, (h + 1) * D)
        s = mm(q[:, sl], k[:, sl].T)
        s = r(r(s.astype(f32) * scale).astype(f32) + p["mask"].astype(f32))
        heads.append(mm(softmax(s), v[:, sl]))
    rr = r(x.astype(f32) + mm(np.concatenate(heads, 1), p["w_o"]).astype(f32))
    hdn = gelu(r(mm(layernorm(rr, p["ln2_g"], p["ln2_b"], 1e-5), p["w_fc"]).astype(f32) + p["b_fc"].astype(f32)))
    m = r(mm(hdn, p["w_pr"]).astype(f32) + p["b_pr"].astype(f32))
    return r(rr.astype(f32) + m.astype(f32))


rng = np.random.default_rng(2026)
p = {"mask": np.where(np.tril(np.ones((S, S))) > 0, 0.0, -10000.0).astype(f16)}
for name, shape in [("ln1_g", (H,)), ("ln1_b", (H,)), ("w_q", (H, H)), ("w_k", (H, H)), ("w_v", (H, H)),
                    ("w_o", (H, H)), ("ln2_g", (H,)), ("ln2_b", (H,)), ("w_fc", (H, 4 * H)), ("b_fc", (4 * H,)),
                    ("w_pr", (4 * H, H)), ("b_pr", (H,))]:
    std = 0.02 * np.sqrt(768 / H) if len(shape) == 2 else 0.1   # GPT-2's init, scaled to H
    v = rng.standard_normal(shape) * std + (1.0 if name.endswith("_g") else 0.0)
    p[name] = v.astype(f16)
x = rng.standard_normal((S, H)).astype(f16)
y = block(x, p)

for name, v in p.items():
    np.save(os.path.join(ex, f"gpt2_{name}.npy"), v)
os.makedirs(os.path.join(ex, "data", "gpt2_block"), exist_ok=True)
os.makedirs(os.path.join(root, "tests", "golden", "expected", "gpt2_block"), exist_ok=True)
np.save(os.path.join(ex, "data", "gpt2_block", "x.npy"), x)
np.save(os.path.join(root, "tests", "golden", "expected", "gpt2_block", "y.npy"), y)
