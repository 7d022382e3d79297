#!/usr/bin/env python3
"""A GPT-2-size transformer layer (H = 768, 12 heads of 64) against NumPy.

    bench/gpt2_layer.py [--build build] [--tokens 64,128] [--heads slices,reshape] [--exec pipeline]

Issue 10's acceptance item: a GPT-2-size layer at S = 64 and S = 128, with
the heads split by slices (examples/gpt2_small.wdl's form) and by reshape
and transpose (docs/wdl.md's form), compiles and matches NumPy. For each
case this script writes the layer's weights with NumPy (GPT-2's std 0.02,
layernorm gains near 1), the WDL that loads them, and the golden output,
computed here with NumPy alone by WDL's definitions in f16: every op in
float32 rounded to float16, matmuls and reductions accumulated in float32
and rounded once, softmax and layernorm their documented decompositions,
GELU the tanh form (tests/golden/wdlnp.py). It then compiles
(wsecc), simulates (wsesim) and compares with the golden tolerances of
tests/golden/run_golden.py. A compile that is refused shows its first
error line. Not part of ctest: each simulation takes 15-60 s.
"""
import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "golden"))
import numpy as np  # noqa: E402
from run_golden import compare  # noqa: E402
from wdlnp import gelu, layernorm, mm, r as rnd, softmax  # noqa: E402

f16, f32 = np.float16, np.float32
H, NH = 768, 12
D = H // NH
NAMES = [("ln1_g", (H,)), ("ln1_b", (H,)), ("w_q", (H, H)), ("w_k", (H, H)), ("w_v", (H, H)), ("w_o", (H, H)),
         ("ln2_g", (H,)), ("ln2_b", (H,)), ("w_fc", (H, 4 * H)), ("b_fc", (4 * H,)), ("w_pr", (4 * H, H)),
         ("b_pr", (H,))]

HEAD_SLICES = """  def head(q: f16[S, H], k: f16[S, H], v: f16[S, H], j: index) -> f16[S, 64] {
    let s = slice(q, axis=1, start=j*64, end=j*64+64) @ transpose(slice(k, axis=1, start=j*64, end=j*64+64));
    return softmax(s * 0.125 + mask, axis=-1) @ slice(v, axis=1, start=j*64, end=j*64+64);
  }
"""
ATTN_SLICES = ("concat([head(q, k, v, 0), head(q, k, v, 1), head(q, k, v, 2), head(q, k, v, 3), head(q, k, v, 4), "
               "head(q, k, v, 5), head(q, k, v, 6), head(q, k, v, 7), head(q, k, v, 8), head(q, k, v, 9), "
               "head(q, k, v, 10), head(q, k, v, 11)], axis=1)")
ATTN_RESHAPE = """  let qh = transpose(reshape(q, [{S}, 12, 64]), perm=[1, 0, 2]);
  let kt = transpose(reshape(k, [{S}, 12, 64]), perm=[1, 2, 0]);
  let vh = transpose(reshape(v, [{S}, 12, 64]), perm=[1, 0, 2]);
  let o = reshape(transpose(softmax(qh @ kt * 0.125 + mask, axis=-1) @ vh, perm=[1, 0, 2]), [{S}, 768]);
"""


def wdl(S, heads):
    params = "".join(f'  param {n} : f16[{", ".join(map(str, s))}] = load("{n}.npy");\n' for n, s in NAMES)
    body = ATTN_RESHAPE.format(S=S) if heads == "reshape" else ""
    attn = "o" if heads == "reshape" else ATTN_SLICES
    return (f"model gpt2_layer {{\n  input x : f16[{S}, 768];\n  param mask : f16[{S}, {S}] = load(\"mask.npy\");\n"
            + params + (HEAD_SLICES if heads == "slices" else "")
            + "  let a = layernorm(x, ln1_g, ln1_b, axis=-1, eps=1e-5);\n"
            + "  let q = a @ w_q;\n  let k = a @ w_k;\n  let v = a @ w_v;\n" + body
            + f"  let r = x + {attn} @ w_o;\n"
            + "  output y = r + gelu(layernorm(r, ln2_g, ln2_b, axis=-1, eps=1e-5) @ w_fc + b_fc) @ w_pr + b_pr;\n}\n")


def layer(x, p):
    a = layernorm(x, p["ln1_g"], p["ln1_b"], 1e-5)
    q, k, v = mm(a, p["w_q"]), mm(a, p["w_k"]), mm(a, p["w_v"])
    heads = []
    for h in range(NH):
        sl = slice(h * D, (h + 1) * D)
        s = rnd(rnd(mm(q[:, sl], k[:, sl].T).astype(f32) * f32(0.125)).astype(f32) + p["mask"].astype(f32))
        heads.append(mm(softmax(s), v[:, sl]))
    r = rnd(x.astype(f32) + mm(np.concatenate(heads, 1), p["w_o"]).astype(f32))
    hdn = gelu(rnd(mm(layernorm(r, p["ln2_g"], p["ln2_b"], 1e-5), p["w_fc"]).astype(f32) + p["b_fc"].astype(f32)))
    m = rnd(mm(hdn, p["w_pr"]).astype(f32) + p["b_pr"].astype(f32))
    return rnd(r.astype(f32) + m.astype(f32))


def run(cmd, cwd):
    t = time.time()
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return r, time.time() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--tokens", default="64,128")
    ap.add_argument("--heads", default="slices,reshape")
    ap.add_argument("--exec", dest="mode", default="pipeline")
    a = ap.parse_args()
    wsecc, wsesim = os.path.join(a.build, "wsecc"), os.path.join(a.build, "wsesim")
    work = tempfile.mkdtemp(prefix="wsecc-gpt2-layer-")
    fails = 0
    print(f"{'S':>4} {'heads':<8} {'compile s':>9} {'cores':>7} {'cycles':>10} {'sim s':>6}  result")
    for S in [int(s) for s in a.tokens.split(",")]:
        rng = np.random.default_rng(768 + S)
        d = os.path.join(work, f"S{S}")
        os.makedirs(d, exist_ok=True)
        p = {"mask": np.where(np.tril(np.ones((S, S))) > 0, 0.0, -10000.0).astype(f16)}
        for n, shape in NAMES:
            v = rng.standard_normal(shape) * (0.02 if len(shape) == 2 else 0.1) + (1.0 if n.endswith("_g") else 0.0)
            p[n] = v.astype(f16)
        for n, v in p.items():
            np.save(os.path.join(d, f"{n}.npy"), v)
        x = (rng.standard_normal((S, H)) * 0.5).astype(f16)
        np.save(os.path.join(d, "x.npy"), x)
        want = layer(x, p)
        for heads in a.heads.split(","):
            src = os.path.join(d, f"{heads}.wdl")
            open(src, "w").write(wdl(S, heads))
            img = os.path.join(d, f"{heads}.wimg")
            r, ct = run([wsecc, src, "--exec=" + a.mode, "-o", img, "--stats"], d)
            if r.returncode:
                err = next((l for l in r.stderr.splitlines() if "error:" in l), r.stderr.strip()[:100])
                print(f"{S:>4} {heads:<8} {ct:>9.1f} {'-':>7} {'-':>10} {'-':>6}  refused: {err.split('error: ', 1)[-1][:90]}")
                fails += 1
                continue
            cores = next((l.split()[1] for l in r.stderr.splitlines() if l.strip().startswith("cores ")), "?")
            out = os.path.join(d, f"{heads}-y.npy")
            s, st = run([wsesim, img, "--input", f"x={os.path.join(d, 'x.npy')}", "--output", f"y={out}", "--stats",
                         "--quiet"], d)
            if s.returncode:
                print(f"{S:>4} {heads:<8} {ct:>9.1f} {cores:>7} {'-':>10} {st:>6.1f}  wsesim: {s.stderr.strip()[:90]}")
                fails += 1
                continue
            cyc = next((l.split()[1] for l in s.stdout.splitlines() if l.startswith("cycles")), "?")
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                ok = compare("y", np.load(out), want)
            print(f"{S:>4} {heads:<8} {ct:>9.1f} {cores:>7} {cyc:>10} {st:>6.1f}  {buf.getvalue().strip()}")
            fails += not ok
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
