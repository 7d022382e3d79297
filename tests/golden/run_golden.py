#!/usr/bin/env python3
"""Compile an example, simulate it, and compare every output with NumPy.

    run_golden.py [--wsecc W] [--wsesim S] [--work DIR] [--quiet] [--exec MODE] [--grid WxH] examples/NAME.wdl
    run_golden.py --compare GOT.npy WANT.npy      (just the comparison)

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
# bf16 outputs are written as float32 (NumPy has no bfloat16); the example's
# expected/NAME/bf16.txt names them. bf16 keeps 8 significant bits: a result
# may differ from NumPy's by one rounding of an intermediate, 2^-8 relative,
# so the tolerance is 2^-7.
TOL_BF16 = 2.0 ** -7


def compare(label, got, want, t=None):
    """Print one comparison line; True when every element is within tolerance
    (t, or the one for want's dtype). The max rel err shown is relative to
    max(|want|, 1e-3 * max|want|)."""
    if want.dtype not in TOL:
        print(f"  {label}: FAIL expected data has dtype {want.dtype}; golden data is float32 or float16")
        return False
    t = t or TOL[want.dtype]
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


def run(cmd, what):
    """Run a tool; on failure print what failed and its stderr, return None."""
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        print(f"{what}: cannot run {cmd[0]}: {e} (build first: tools/build.sh, or pass --wsecc/--wsesim)")
        return None
    if r.returncode != 0:
        print(f"{what} failed (exit {r.returncode}): {' '.join(cmd)}")
        sys.stdout.write(r.stderr)
        return None
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("wdl", nargs="?", help="examples/NAME.wdl")
    ap.add_argument("--wsecc", default="build/wsecc")
    ap.add_argument("--wsesim", default="build/wsesim")
    ap.add_argument("--work", default=None, help="directory for the image and outputs (default golden-NAME)")
    ap.add_argument("--quiet", action="store_true", help="do not print the simulator statistics")
    ap.add_argument("--exec", default=None, choices=["pipeline", "stream"], help="wsecc --exec mode")
    ap.add_argument("--grid", default=None, help="wsecc --grid WxH")
    ap.add_argument("--compare", nargs=2, metavar=("GOT.npy", "WANT.npy"),
                    help="only compare two .npy files with the golden tolerances")
    a = ap.parse_args()
    if a.compare:
        got, want = (np.load(f) for f in a.compare)
        return 0 if compare(os.path.basename(a.compare[0]), got, want) else 1
    if not a.wdl:
        ap.error("give an example (examples/NAME.wdl) or --compare GOT.npy WANT.npy")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    name = os.path.splitext(os.path.basename(a.wdl))[0]
    data = os.path.join(root, "examples", "data", name)
    exp = os.path.join(root, "tests", "golden", "expected", name)
    if not os.path.isdir(exp):
        print(f"{name}: no expected outputs in {exp}: write tests/golden/gen_{name}.py and run it")
        return 1
    work = a.work or os.path.join("golden-" + name + ("-" + a.exec if a.exec else ""))
    os.makedirs(work, exist_ok=True)
    inputs = sorted(f[:-4] for f in os.listdir(data) if f.endswith(".npy")) if os.path.isdir(data) else []
    outputs = sorted(f[:-4] for f in os.listdir(exp) if f.endswith(".npy"))
    img = os.path.join(work, name + ".wimg")
    opts = (["--exec=" + a.exec] if a.exec else []) + (["--grid", a.grid] if a.grid else [])
    if not run([a.wsecc, a.wdl, "-o", img] + opts, f"{name}: wsecc"):
        return 1
    sim = [a.wsesim, img, "--stats"]
    ref = [a.wsecc, a.wdl, "--reference"]
    for i in inputs:
        sim += ["--input", f"{i}={os.path.join(data, i + '.npy')}"]
        ref += ["--input", f"{i}={os.path.join(data, i + '.npy')}"]
    for o in outputs:
        sim += ["--output", f"{o}={os.path.join(work, o + '.sim.npy')}"]
        ref += ["--output", f"{o}={os.path.join(work, o + '.ref.npy')}"]
    r = run(sim, f"{name}: wsesim")
    if not r or not run(ref, f"{name}: wsecc --reference"):
        return 1
    ok = True
    print(f"{name}: {len(outputs)} output(s) vs NumPy (tests/golden/gen_{name}.py)")
    bf16 = os.path.join(exp, "bf16.txt")
    bf16 = set(open(bf16).read().split()) if os.path.exists(bf16) else set()
    for o in outputs:
        want = np.load(os.path.join(exp, o + ".npy"))
        t = TOL_BF16 if o in bf16 else None
        ok &= compare(f"{o} (wsesim)", np.load(os.path.join(work, o + ".sim.npy")), want, t)
        ok &= compare(f"{o} (wsecc --reference)", np.load(os.path.join(work, o + ".ref.npy")), want, t)
    if not a.quiet:
        print(f"{name}: simulator statistics")
        sys.stdout.write("".join("  " + l + "\n" for l in r.stdout.splitlines()))
    print(f"{name}: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
