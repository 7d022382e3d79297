#!/usr/bin/env python3
"""GPT-2 small's streamed layers in --exec=stream: the cost model's figures.

    bench/gpt2_stream.py [--build build]

GPT-2 small itself (examples/gpt2_small.wdl) does not compile in stream
mode yet: its attention (activation x activation matmuls on slices of q, k
and v) keeps the pipeline mapping, the model gets no resident layout, and
its placement does not route (docs/mapping.md, "Weight streaming"). This
script therefore compiles one GPT-2 small layer with the attention core
(softmax(q k^T) v per head) replaced by q + k + v, so that the layer runs in
the resident layout, with exactly GPT-2 small's six streamed matmuls per
layer (q, k, v and the output projection: [768, 768]; the MLP: [768, 3072]
and [3072, 768]), its layernorms, GELU, biases and residuals - at S = 128
tokens and at a training-size batch, B*S = 65,536 tokens. For each it
prints wsecc --stats' prediction per streamed matmul (passes/cost.c):
cycles, the bound (compute, ingress or ring), FMAC utilisation, and the
layer's total; GPT-2 small is 12 such layers. Nothing is simulated (the
65,536-token layer is 47,712 cores); compile times are shown for scale.
Not part of ctest.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--build", default=os.path.join(ROOT, "build"))
a = ap.parse_args()
wsecc = os.path.join(a.build, "wsecc")

LAYER = """model gpt2_layer {{
  input  x     : f16[{T}, 768];
  param  ln1_g : f16[768] = ones();
  param  ln1_b : f16[768] = zeros();
  param  w_q   : f16[768, 768] = randn(seed=1000, std=0.02);
  param  w_k   : f16[768, 768] = randn(seed=2000, std=0.02);
  param  w_v   : f16[768, 768] = randn(seed=3000, std=0.02);
  param  w_o   : f16[768, 768] = randn(seed=4000, std=0.02);
  param  ln2_g : f16[768] = ones();
  param  ln2_b : f16[768] = zeros();
  param  w_fc  : f16[768, 3072] = randn(seed=5000, std=0.02);
  param  b_fc  : f16[3072] = zeros();
  param  w_pr  : f16[3072, 768] = randn(seed=6000, std=0.02);
  param  b_pr  : f16[768] = zeros();
  let a = layernorm(x, ln1_g, ln1_b, axis=-1, eps=1e-5);
  let r = x + (a @ w_q + a @ w_k + a @ w_v) @ w_o;   // attention core left out
  output y = r + gelu(layernorm(r, ln2_g, ln2_b, axis=-1, eps=1e-5) @ w_fc + b_fc) @ w_pr + b_pr;
}}
"""

print("GPT-2 small, examples/gpt2_small.wdl --exec=stream:")
with tempfile.TemporaryDirectory() as d:
    r = subprocess.run([wsecc, os.path.join(ROOT, "examples", "gpt2_small.wdl"), "--exec=stream", "-o",
                        os.path.join(d, "g.wimg")], capture_output=True, text=True)
    first = r.stderr.splitlines()[0] if r.stderr else ""
    print("  " + ("compiles" if r.returncode == 0 else "refused: " + re.sub(r"^\S+: ", "", first)[:160]))
    for T in (128, 65536):
        src = os.path.join(d, f"l{T}.wdl")
        open(src, "w").write(LAYER.format(T=T))
        t0 = time.time()
        r = subprocess.run([wsecc, src, "--exec=stream", "--stats", "-o", os.path.join(d, f"l{T}.wimg")],
                           capture_output=True, text=True)
        dt = time.time() - t0
        print(f"\none GPT-2 small layer (attention core left out), {T} tokens: "
              + ("compiled" if r.returncode == 0 else "REFUSED") + f" in {dt:.1f} s")
        for line in r.stderr.splitlines():
            if re.match(r"  (cores|per core|stream |resident )", line):
                print(line)
        m = re.search(r"stream layers +\d+, (\d+) cycles", r.stderr)
        if m:
            c = int(m.group(1))
            print(f"  GPT-2 small's 12 layers: {12 * c:,} cycles predicted for the streamed matmuls "
                  f"({12 * c / 1.1e3:,.0f} us at 1100 MHz)")
