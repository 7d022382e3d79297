#!/usr/bin/env python3
"""Big matmuls for wse2, both modes: compile time, peak memory, and a check.

    bench/bigmm.py [--build build] [--simulate 512,2048] [--work DIR]
                   [--cases 512,2048,4096] [--modes auto,pipeline,stream] [--timeout 600]

For each of f16[512,2048] @ f16[2048,2048], f16[2048,2048] @ f16[2048,2048]
and f16[4096,4096] @ f16[4096,4096] (weights randn, std 0.05; x from NumPy,
std 0.5), compile with no --exec (auto, the default), --exec=pipeline and
--exec=stream and print the
wall time and peak RSS of wsecc (GNU time), the cores, the image and
weight-store sizes and the first error line of a refusal. With --simulate
M,..., the default (auto) images of those M - or, without auto among the
--modes, the stream ones - are run by wsesim and compared with NumPy
(the weights drawn by tests/golden/wdlrand.py, WDL's randn) at the f16
tolerance of tests/golden/run_golden.py,
with the simulated cycles and FMAC utilisation (measured on the 2-core
machine, one simulator thread: 512: 32 s of simulation, 2048: 676 s; 4096:
longer). --cases and
--modes choose among them; a compile still running after --timeout
seconds is stopped and shown as such. Not part of ctest.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--build", default=os.path.join(ROOT, "build"))
ap.add_argument("--simulate", default="512", help="comma-separated M of the stream images to simulate ('' for none)")
ap.add_argument("--work", default=None)
ap.add_argument("--cases", default="512,2048,4096", help="comma-separated M of the cases to run")
ap.add_argument("--modes", default="auto,pipeline,stream")
ap.add_argument("--timeout", type=float, default=600, help="seconds a compile may take before it is stopped")
a = ap.parse_args()
wsecc, wsesim = os.path.join(a.build, "wsecc"), os.path.join(a.build, "wsesim")
sim = {int(s) for s in a.simulate.split(",") if s}
work = a.work or tempfile.mkdtemp(prefix="bigmm-")
os.makedirs(work, exist_ok=True)
CASES = [c for c in [(512, 2048, 2048), (2048, 2048, 2048), (4096, 4096, 4096)]
         if str(c[0]) in a.cases.split(",")]
MODES = [m for m in ("auto", "pipeline", "stream") if m in a.modes.split(",")]
SIM_MODE = "auto" if "auto" in MODES else "stream"


def timed(cmd, timeout=None):
    try:
        r = subprocess.run(["/usr/bin/time", "-f", "@@ %e %M"] + cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 124, timeout, -1, f"error: still running after {timeout:.0f} s; stopped"
    m = re.search(r"@@ ([0-9.]+) ([0-9]+)\s*$", r.stderr)
    err = r.stderr[: m.start()] if m else r.stderr
    return r.returncode, float(m.group(1)) if m else -1.0, int(m.group(2)) // 1024 if m else -1, err + r.stdout


for M, K, N in CASES:
    name = f"mm{M}x{K}x{N}"
    src = os.path.join(work, name + ".wdl")
    open(src, "w").write(f"model {name} {{\n  input x : f16[{M}, {K}];\n"
                         f"  param w : f16[{K}, {N}] = randn(seed=7, std=0.05);\n  output y = x @ w;\n}}\n")
    print(f"f16[{M},{K}] @ f16[{K},{N}]")
    for mode in MODES:
        img = os.path.join(work, f"{name}-{mode}.wimg")
        rc, sec, mb, err = timed([wsecc, src] + ([] if mode == "auto" else ["--exec=" + mode]) + ["--stats", "-o", img],
                                 a.timeout)
        cores = re.search(r"cores +(\d+) in rectangles", err)
        if rc:
            first = next((l for l in err.splitlines() if "error:" in l), err.splitlines()[0] if err else "")
            print(f"  {mode:8}  refused in {sec:.1f} s, {mb} MB: {re.sub(r'^[^ ]*: error: ', '', first)[:120]}")
            continue
        wmx = img[:-5] + ".wmx"
        extra = f", store {os.path.getsize(wmx) / 1e6:.1f} MB" if os.path.exists(wmx) else ""
        chose = " (chose stream)" if mode == "auto" and "compiled with --exec=stream" in err else ""
        print(f"  {mode:8}  compiled in {sec:.1f} s, {mb} MB; {cores.group(1) if cores else '?'} cores; "
              f"image {os.path.getsize(img) / 1e6:.2f} MB{extra}{chose}")
        if mode == SIM_MODE and M in sim:
            x = os.path.join(work, f"{name}-x.npy")
            subprocess.run([PY, "-c", f"import numpy as np; np.save('{x}', (np.random.default_rng(3)"
                            f".standard_normal(({M}, {K})) * 0.5).astype(np.float16))"], check=True)
            ys, yr = os.path.join(work, f"{name}-y.npy"), os.path.join(work, f"{name}-r.npy")
            rc, sec, mb, err = timed([wsesim, img, "--input", "x=" + x, "--output", "y=" + ys, "--stats"])
            if rc:
                print(f"            simulation FAILED: {err[:200]}")
                continue
            # the golden output from NumPy alone: the weights drawn by WDL's
            # randn in NumPy (tests/golden/wdlrand.py), f16 operands, float32
            # accumulation, the result rounded to f16 (docs/isa.md)
            subprocess.run([PY, "-c", f"import sys; sys.path.insert(0, {os.path.join(ROOT, 'tests', 'golden')!r}); "
                            "import numpy as np, wdlrand; "
                            f"w = wdlrand.randn(({K}, {N}), 7, 0.05).astype(np.float16); x = np.load({x!r}); "
                            f"np.save({yr!r}, (x.astype(np.float32) @ w.astype(np.float32)).astype(np.float16))"],
                           check=True)
            c = subprocess.run([PY, os.path.join(ROOT, "tests", "golden", "run_golden.py"), "--compare", ys, yr],
                               capture_output=True, text=True)
            cyc = re.search(r"^cycles +(\d+)", err, re.M)
            fm = re.search(r"^fmac utilisation +mean ([0-9.]+%)", err, re.M)
            print(f"            simulated in {sec:.0f} s, {mb} MB: {cyc.group(1) if cyc else '?'} cycles, FMAC "
                  f"{fm.group(1) if fm else '?'}; {c.stdout.strip()}")
