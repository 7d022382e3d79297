#!/usr/bin/env python3
"""Compile an example, simulate it, and compare every output with NumPy.

    run_golden.py [--wsecc W] [--wsesim S] [--work DIR] [--quiet] examples/NAME.wdl

Inputs:   examples/data/NAME/<input>.npy
Expected: tests/golden/expected/NAME/<output>.npy (written by gen_NAME.py)
The same comparison is made for `wsecc --reference` (the host evaluator).
Tolerances (tests/golden/README.md): |got - want| <= atol + rtol * |want| with
  f32: rtol = 1e-5, atol = 1e-5 * max|want|
  f16: rtol = 2^-9, atol = 2^-9 * max|want|
"""
import argparse
import os
import subprocess
import sys
import numpy as np

TOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float16): 2.0 ** -9}


def compare(label, got, want):
    t = TOL[want.dtype]
    if got.shape != want.shape or got.dtype != want.dtype:
        print(f"  {label}: FAIL shape/dtype {got.dtype}{list(got.shape)} vs {want.dtype}{list(want.shape)}")
        return False
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    scale = float(np.max(np.abs(w))) if w.size else 0.0
    atol = t * scale
    err = np.abs(g - w)
    ok = bool(np.all(err <= atol + t * np.abs(w)))
    rel = float(np.max(err / np.maximum(np.abs(w), scale * 1e-3 + 1e-30))) if w.size else 0.0
    print(f"  {label}: max abs err {float(err.max()) if err.size else 0:.3g}, max rel err {rel:.3g}, "
          f"tolerance rtol={t:.3g} atol={atol:.3g}: {'PASS' if ok else 'FAIL'}")
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wdl")
    ap.add_argument("--wsecc", default="build/wsecc")
    ap.add_argument("--wsesim", default="build/wsesim")
    ap.add_argument("--work", default=None)
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    name = os.path.splitext(os.path.basename(a.wdl))[0]
    data = os.path.join(root, "examples", "data", name)
    exp = os.path.join(root, "tests", "golden", "expected", name)
    work = a.work or os.path.join("golden-" + name)
    os.makedirs(work, exist_ok=True)
    inputs = sorted(f[:-4] for f in os.listdir(data) if f.endswith(".npy"))
    outputs = sorted(f[:-4] for f in os.listdir(exp) if f.endswith(".npy"))
    img = os.path.join(work, name + ".wimg")
    subprocess.run([a.wsecc, a.wdl, "-o", img], check=True)
    sim = [a.wsesim, img, "--stats"]
    ref = [a.wsecc, a.wdl, "--reference"]
    for i in inputs:
        sim += ["--input", f"{i}={os.path.join(data, i + '.npy')}"]
        ref += ["--input", f"{i}={os.path.join(data, i + '.npy')}"]
    for o in outputs:
        sim += ["--output", f"{o}={os.path.join(work, o + '.sim.npy')}"]
        ref += ["--output", f"{o}={os.path.join(work, o + '.ref.npy')}"]
    r = subprocess.run(sim, stdout=subprocess.PIPE, text=True)
    if r.returncode != 0:
        print(f"{name}: wsesim failed (exit {r.returncode})")
        return 1
    subprocess.run(ref, check=True)
    ok = True
    print(f"{name}: {len(outputs)} output(s) vs NumPy (tests/golden/gen_{name}.py)")
    for o in outputs:
        want = np.load(os.path.join(exp, o + ".npy"))
        ok &= compare(f"{o} (wsesim)", np.load(os.path.join(work, o + ".sim.npy")), want)
        ok &= compare(f"{o} (wsecc --reference)", np.load(os.path.join(work, o + ".ref.npy")), want)
    if not a.quiet:
        print(f"{name}: simulator statistics")
        sys.stdout.write("".join("  " + l + "\n" for l in r.stdout.splitlines()))
    print(f"{name}: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
