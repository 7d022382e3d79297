#!/usr/bin/env python3
"""The whole wafer, simulated: examples/wafer.wdl (717,000 of wse2's 745,500
cores) compiled for wse2, run by wsesim on its bundled input
(examples/data/wafer/x.npy), and compared with the NumPy golden output
(tests/golden/expected/wafer/y.npy, from tests/golden/gen_wafer.py) within
the f16 tolerance of tests/golden/README.md (|got - want| <= 2^-9 *
(|want| + max|want|)); `wsecc --reference` is compared the same way. Prints
the compile time and memory, the simulated cycles, the simulation's wall
time and peak memory, and both comparisons. A benchmark, not a ctest.

    bench/wafer_sim.py [--build build] [--work /tmp/wafer-sim] [--threads N]
"""
import argparse, os, re, subprocess, sys, time
import numpy as np

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--build", default="build")
ap.add_argument("--work", default="/tmp/wafer-sim")
ap.add_argument("--threads", default=None, help="wsesim --threads (default: wsesim's, the host's cores)")
a = ap.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
W, S = os.path.join(a.build, "wsecc"), os.path.join(a.build, "wsesim")
os.makedirs(a.work, exist_ok=True)
src = os.path.join(root, "examples", "wafer.wdl")
x = os.path.join(root, "examples", "data", "wafer", "x.npy")
want = np.load(os.path.join(root, "tests", "golden", "expected", "wafer", "y.npy"))
img = os.path.join(a.work, "wafer.wimg")


def timed(cmd):
    t = time.time()
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    return r, time.time() - t, int(last) if last.isdigit() else -1


def compare(label, path):
    got = np.load(path)
    if got.shape != want.shape or got.dtype != want.dtype:
        print(f"{label}: FAIL shape/dtype {got.shape} {got.dtype}, want {want.shape} {want.dtype}")
        return False
    g, w = got.astype(np.float64), want.astype(np.float64)
    t = 2.0 ** -9
    scale = float(np.abs(w).max())
    err = np.abs(g - w)
    ok = bool(np.all(err <= t * (np.abs(w) + scale)))
    same = int(np.sum(got.view(np.uint16) == want.view(np.uint16)))
    print(f"{label}: max |got - want| {err.max():.3g} (max |want| {scale:.3g}), {same} of {want.size} "
          f"elements bit-identical, f16 tolerance 2^-9: {'PASS' if ok else 'FAIL'}")
    return ok


r, tc, kc = timed([W, src, "--target", "wse2", "--stats", "-o", img])
if r.returncode:
    sys.exit("wsecc failed:\n" + r.stderr[-3000:])
cores = re.search(r"cores\s+(\d+) in rectangles", r.stderr + r.stdout)
print(f"compile: {tc:.1f} s, {kc / 1e6:.2f} GB peak, {cores.group(1) if cores else '?'} cores, "
      f"image {os.path.getsize(img) / 1e6:.0f} MB")
cmd = [S, img, "--input", f"x={x}", "--output", f"y={a.work}/y.sim.npy", "--stats", "--stats-host", "--quiet"]
if a.threads:
    cmd += ["--threads", a.threads]
r, ts, ks = timed(cmd)
if r.returncode:
    sys.exit("wsesim failed:\n" + r.stderr[-3000:])
cyc = int(re.search(r"cycles\s+(\d+)", r.stdout).group(1))
print(f"simulate: {ts:.1f} s, {ks / 1e6:.2f} GB peak, {cyc} cycles ({cyc / ts:.0f} cycles/s)")
sys.stdout.write("".join("  " + l + "\n" for l in r.stdout.splitlines()))
r, tr, kr = timed([W, src, "--target", "wse2", "--reference", "--input", f"x={x}", "--output", f"y={a.work}/y.ref.npy"])
if r.returncode:
    sys.exit("wsecc --reference failed:\n" + r.stderr[-3000:])
print(f"reference: {tr:.1f} s")
ok = compare("y (wsesim)", f"{a.work}/y.sim.npy") & compare("y (wsecc --reference)", f"{a.work}/y.ref.npy")
sys.exit(0 if ok else 1)
