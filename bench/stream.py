#!/usr/bin/env python3
"""Pipeline against weight streaming, side by side: simulated figures.

    bench/stream.py [--build build] [--baseline OTHER_BUILD] [--quick] [--repeat N] [examples/NAME.wdl ...]

For every example with golden data (default: all but the whole-wafer one),
the bare matmul x f16[128,1024] @ w f16[1024,1024] (matmul128), and dense
layers made here - x f16[M,1024] @ w f16[1024,1024] + b then GELU, at M =
128 and 1024, dense and at 90 % unstructured sparsity
(randn(sparsity=0.9)) - compile with --exec=pipeline and --exec=stream,
simulate, check the output against `wsecc --reference` (golden tolerances,
tests/golden/run_golden.py), and print for each mode:

  cycles     simulated cycles (wsesim --stats)
  fmac %     mean FMAC utilisation over the cores with programs
  cores      cores with programs
  ingress %  cycles in which a MemoryX channel had a wavelet ready but no
             bandwidth left, as a share of the run (stream only)
  pred       stream: the cycles wsecc --stats predicts (passes/cost.c): in
             the resident layout for the whole program, else for the
             streamed layers alone
  ok         output within tolerance of --reference
  xN         with --repeat N (pipeline only: wsesim --repeat streams N input
             sets through the pipeline): the steady-state cycles per run and
             FMAC utilisation (docs/simulator.md, "Repeated runs"); the other
             pipeline figures are then of the whole N-run simulation

A mode that refuses a model (a routing or SRAM error) shows its first error
line. With --baseline DIR each model gets a second line, the same figures
from DIR's wsecc and wsesim (another version), so a change is seen side by
side with the version before it. These are simulated machine figures, not host timings, so they do not
depend on the host. --quick leaves out the M = 1024 layers (about a minute
of simulation each). Examples' deep.wdl is compiled with --grid 16x16, its
point. Not part of ctest.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable
sys.path.insert(0, os.path.join(ROOT, "tests", "golden"))
import numpy as np  # noqa: E402
from run_golden import compare  # noqa: E402
import goldio  # noqa: E402

MATMUL = """model matmul128 {
  input  x : f16[128, 1024];
  param  w : f16[1024, 1024] = randn(seed=1, std=0.03125);
  output y = x @ w;
}
"""

LAYER = """model {name} {{
  input  x : f16[{m}, 1024];
  param  w : f16[1024, 1024] = randn(seed=1, std=0.03125{sp});
  param  b : f16[1024] = randn(seed=2, std=0.1);
  output y = gelu(x @ w + b);
}}
"""


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def figure(pat, text, conv=float):
    m = re.search(pat, text, re.M)
    return conv(m.group(1)) if m else None


def one(b, wdl, inputs, mode, work, grid, repeat=1):
    name = os.path.splitext(os.path.basename(wdl))[0]
    img = os.path.join(work, f"{name}-{mode}.wimg")
    cc = [os.path.join(b, "wsecc"), wdl, "--exec=" + mode, "-o", img, "--stats"] + (["--grid", grid] if grid else [])
    r = run(cc)
    if r.returncode:
        err = next((l for l in r.stderr.splitlines() if "error:" in l), r.stderr.strip()[:100])
        return {"err": err.split("error: ", 1)[-1][:70]}
    # the resident layout's whole program, else the streamed layers alone
    pred = figure(r"resident +(\d+) cycles predicted", r.stderr, int) or \
        figure(r"stream layers .*?, (\d+) cycles predicted", r.stderr, int)
    sim = [os.path.join(b, "wsesim"), img, "--stats", "--quiet"] + (["--repeat", str(repeat)] if repeat > 1 else [])
    ref = [os.path.join(b, "wsecc"), wdl, "--reference"]
    outs = re.findall(r"\boutput\s+(\w+)", open(wdl).read())
    for k, f in inputs.items():
        sim += ["--input", f"{k}={f}"]
        ref += ["--input", f"{k}={f}"]
    for o in outs:
        sim += ["--output", f"{o}={os.path.join(work, f'{name}-{mode}-{o}.npy')}"]
        ref += ["--output", f"{o}={os.path.join(work, f'{name}-ref-{o}.npy')}"]
    s = run(sim)
    if s.returncode:
        return {"err": "wsesim: " + s.stderr.strip().splitlines()[0][:60]}
    run(ref)
    ok = True
    for o in outs:
        import contextlib, io
        with contextlib.redirect_stdout(io.StringIO()):
            ok &= compare(o, np.load(os.path.join(work, f"{name}-{mode}-{o}.npy")),
                          np.load(os.path.join(work, f"{name}-ref-{o}.npy")))
    cyc = figure(r"^cycles\s+(\d+)", s.stdout, int)
    sat = figure(r"^ingress\s+saturated in (\d+) cycles", s.stdout, int)
    return {"cycles": cyc, "fmac": figure(r"^fmac utilisation\s+mean ([\d.]+)%", s.stdout),
            "cores": figure(r"^cores\s+(\d+) with programs", s.stdout, int),
            "ingress": 100.0 * sat / cyc if sat is not None and cyc else None, "pred": pred, "ok": ok,
            "repeat": repeat, "per_run": figure(r"^repeat\s+.*then one every ([\d.]+) cycles", s.stdout),
            "steady": figure(r"^steady state\s+.*fmac utilisation mean ([\d.]+)%", s.stdout)}


def cell(r):
    if "err" in r:
        return f"refused: {r['err']}"
    ing = f"{r['ingress']:.1f}" if r["ingress"] is not None else "-"
    pred = f" pred {r['pred']}" if r.get("pred") else ""
    rep = f" x{r['repeat']}: {r['per_run']:.0f} cyc/run {r['steady']:.2f}%" if r.get("per_run") is not None else ""
    return f"{r['cycles']:>9} cyc {r['fmac']:6.2f}% fmac {r['cores']:>6} cores ing {ing:>5}%{pred}{rep} {'ok' if r['ok'] else 'WRONG'}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--baseline", help="another build directory, shown on a second line per model")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=1, help="pipeline runs through wsesim --repeat N")
    ap.add_argument("examples", nargs="*")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="wsecc-stream-")
    cases = []
    exs = a.examples or [os.path.join(ROOT, "examples", n + ".wdl")
                         for n in sorted(os.listdir(os.path.join(ROOT, "examples", "data")))
                         if n not in goldio.BENCH_ONLY]
    for wdl in exs:
        name = os.path.splitext(os.path.basename(wdl))[0]
        data = os.path.join(ROOT, "examples", "data", name)
        ins = {f[:-4]: os.path.join(data, f) for f in sorted(os.listdir(data))} if os.path.isdir(data) else {}
        cases.append((wdl, ins, "16x16" if name == "deep" else None))
    rng = np.random.default_rng(7)
    for m in ([128] if a.quick else [128, 1024]):
        x = os.path.join(work, f"x{m}.npy")
        np.save(x, rng.standard_normal((m, 1024)).astype(np.float16))
        if m == 128:
            wdl = os.path.join(work, "matmul128.wdl")
            open(wdl, "w").write(MATMUL)
            cases.append((wdl, {"x": x}, None))
        for sp, tag in (("", "dense"), (", sparsity=0.9", "sparse90")):
            wdl = os.path.join(work, f"layer{m}_{tag}.wdl")
            open(wdl, "w").write(LAYER.format(name=f"layer{m}_{tag}", m=m, sp=sp))
            cases.append((wdl, {"x": x}, None))
    print(f"{'model':<20} {'--exec=pipeline':<70} --exec=stream")
    for wdl, ins, grid in cases:
        name = os.path.splitext(os.path.basename(wdl))[0]
        for tag, b in [("", a.build)] + ([("  baseline", a.baseline)] if a.baseline else []):
            p = one(b, wdl, ins, "pipeline", work, grid, a.repeat)
            s = one(b, wdl, ins, "stream", work, grid)
            print(f"{(name if not tag else tag):<20} {cell(p):<70} {cell(s)}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
