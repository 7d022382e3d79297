#!/usr/bin/env python3
"""GPT-2 small, simulated to completion: examples/gpt2_small.wdl compiled
for wse2, run by wsesim on one input, and compared with `wsecc --reference`
(the host evaluator) within the f16 tolerance of tests/golden/README.md
(|sim - ref| <= 2^-9 * (|ref| + max|ref|)). Prints the compile time, the
simulated cycles, the simulation's wall time and peak memory, and the
comparison. A benchmark, not a ctest: it takes about 9 minutes and 3.3 GB (7.9 M
simulated cycles; measured on the 2-core machine).

    bench/gpt2_small_sim.py [--build build] [--work /tmp/gpt2-sim] [--max-cycles N]
"""
import argparse, os, re, subprocess, sys, time, resource
import numpy as np

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--build", default="build")
ap.add_argument("--work", default="/tmp/gpt2-sim")
ap.add_argument("--max-cycles", default="100000000")
a = ap.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
W, S = os.path.join(a.build, "wsecc"), os.path.join(a.build, "wsesim")
os.makedirs(a.work, exist_ok=True)
src = os.path.join(root, "examples", "gpt2_small.wdl")
img, x = os.path.join(a.work, "gpt2_small.wimg"), os.path.join(a.work, "x.npy")
np.save(x, (np.random.default_rng(2026).standard_normal((128, 768)) * 0.5).astype(np.float16))

def timed(cmd, **kw):
    t = time.time()
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True, **kw)
    kb = int(r.stderr.strip().splitlines()[-1]) if r.stderr.strip().splitlines()[-1].isdigit() else -1
    return r, time.time() - t, kb

r, tc, kc = timed([W, src, "-o", img])
if r.returncode: sys.exit("wsecc failed:\n" + r.stderr)
print(f"compile: {tc:.1f} s, {kc / 1e6:.2f} GB peak")
r, ts, ks = timed([S, img, "--input", f"x={x}", "--output", f"y={a.work}/y.sim.npy", "--stats", "--stats-host", "--quiet", "--max-cycles", a.max_cycles])
if r.returncode: sys.exit("wsesim failed:\n" + r.stderr[-3000:])
cyc = re.search(r"cycles\s+(\d+)", r.stdout).group(1)
print(f"simulate: {ts:.1f} s, {ks / 1e6:.2f} GB peak, {cyc} cycles ({int(cyc) / ts:.0f} cycles/s)")
sys.stdout.write("".join("  " + l + "\n" for l in r.stdout.splitlines()))
r, tr, kr = timed([W, src, "--reference", "--input", f"x={x}", "--output", f"y={a.work}/y.ref.npy"])
if r.returncode: sys.exit("wsecc --reference failed:\n" + r.stderr)
print(f"reference: {tr:.1f} s")
got = np.load(f"{a.work}/y.sim.npy").astype(np.float64)
want = np.load(f"{a.work}/y.ref.npy").astype(np.float64)
t = 2.0 ** -9
scale = float(np.abs(want).max())
err = np.abs(got - want)
ok = bool(np.all(err <= t * (np.abs(want) + scale)))
print(f"y {list(got.shape)}: max |sim - ref| {err.max():.3g} (max |ref| {scale:.3g}), f16 tolerance 2^-9: {'PASS' if ok else 'FAIL'}")
sys.exit(0 if ok else 1)
