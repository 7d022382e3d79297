#!/usr/bin/env python3
"""Benchmarks: compile and simulation speed per example, side by side.

    bench/bench.py [--build build] [--baseline DIR] [--runs 5] [--target wse2] [examples/NAME.wdl ...]

For each example (inputs from examples/data/NAME/, as for the golden tests):

  compile ms     wsecc's wall time
  sim ms         wsesim's wall time on the image (load + run + outputs)
  cycles         simulated cycles (wsesim --stats)
  Mcyc/s         simulated cycles per host second
  Mhops/s        wavelet hops (router to router) per host second
  MFMAC/s        FMAC elements per host second
  Mcore-cyc/s    simulated core-cycles (cycles x cores with programs) per host second
  RSS MB         wsesim's peak resident memory
  vs NumPy       sim time / the time NumPy takes to compute the same model on
                 the host (tests/golden/gen_NAME.py, run without writing its
                 files; it also draws the randn parameters, so this slowdown
                 is if anything too small)
  jit/interp     wsesim --engine=interp time / --engine=jit time (when the
                 simulator has engines)
  vs baseline    with --baseline DIR: DIR/wsesim's time on the same image /
                 this build's (a speed-up above 1)

Every time is a median of --runs runs measured in this one process, one run
of each program after the other, so the ratios are comparable on a shared
machine even when absolute times are not. Not part of ctest.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable


def run1(cmd):
    """(seconds, stdout) of one run of cmd."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = p.communicate()
    secs = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed (exit {p.returncode}):\n{err[-2000:]}")
    return secs, out


def rss_kb(cmd):
    """wsesim's peak resident memory in KB (one more run, under /usr/bin/time)."""
    if not os.access("/usr/bin/time", os.X_OK):
        return -1
    r = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    last = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    return int(last) if last.isdigit() else -1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--baseline", help="a build directory of another version: its wsesim runs the same images")
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is shown")
    ap.add_argument("--target", default=None, help="wsecc --target (default: wsecc's default, wse2)")
    ap.add_argument("examples", nargs="*")
    a = ap.parse_args()
    exs = a.examples or [os.path.join(ROOT, "examples", e) for e in
                         ("mlp.wdl", "add.wdl", "batch.wdl", "batch16.wdl", "reshape.wdl", "gpt2_block.wdl", "stack.wdl")]
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    wsecc, wsesim = os.path.join(a.build, "wsecc"), os.path.join(a.build, "wsesim")
    base = os.path.join(a.baseline, "wsesim") if a.baseline else None
    for tool in [wsecc, wsesim] + ([base] if base else []):
        if not os.access(tool, os.X_OK):
            sys.exit(f"bench: {tool} not found: build first (tools/build.sh) or pass --build DIR")
    engines = "--engine" in subprocess.run([wsesim, "--help"], capture_output=True, text=True).stdout
    cols = [("example", 10), ("compile ms", 10), ("sim ms", 9), ("cycles", 9), ("Mcyc/s", 7), ("Mhops/s", 8), ("MFMAC/s", 8),
            ("Mcore-cyc/s", 11), ("RSS MB", 7), ("vs NumPy", 9), ("jit/interp", 10)] + ([("vs baseline", 11)] if base else [])
    print(" ".join(f"{n:>{w}}" if i else f"{n:<{w}}" for i, (n, w) in enumerate(cols)))
    with tempfile.TemporaryDirectory() as tmp:
        for ex in exs:
            name = os.path.splitext(os.path.basename(ex))[0]
            img = os.path.join(tmp, name + ".wimg")
            comp = [wsecc, ex, "-o", img] + (["--target", a.target] if a.target else [])
            data = os.path.join(ROOT, "examples", "data", name)
            ins = []
            for f in sorted(os.listdir(data)) if os.path.isdir(data) else []:
                ins += ["--input", f"{f[:-4]}={os.path.join(data, f)}"]
            sim = [wsesim, img, "--stats", "--stats-host", "--quiet"] + ins
            gen = os.path.join(ROOT, "tests", "golden", f"gen_{name}.py")
            numpy = [PY, "-c", "import numpy as np, runpy, sys, time; np.save = lambda *a, **k: None; "
                     f"sys.path.insert(0, {os.path.dirname(gen)!r}); import wdlrand; t = time.perf_counter(); "
                     f"runpy.run_path({gen!r}); print(time.perf_counter() - t)"] if os.path.exists(gen) else None
            times = {k: [] for k in ("compile", "sim", "interp", "jit", "base", "numpy")}
            out = ""
            for _ in range(a.runs):  # one of each, side by side, per round
                times["compile"].append(run1(comp)[0])
                t, out = run1(sim)
                times["sim"].append(t)
                if engines:
                    times["interp"].append(run1(sim + ["--engine=interp"])[0])
                    times["jit"].append(run1(sim + ["--engine=jit"])[0])
                if base:
                    times["base"].append(run1([base, img, "--stats"] + ins)[0])
                if numpy:
                    times["numpy"].append(float(run1(numpy)[1].strip()))
            med = {k: statistics.median(v) for k, v in times.items() if v}
            st = lambda pat: int(re.search(pat, out, re.M).group(1))
            cycles, cores = st(r"^cycles\s+(\d+)"), st(r"^cores\s+(\d+)")
            hops = st(r"^wavelets .* (\d+) hops")
            fmac = st(r"\((\d+) FMAC elements\)")
            ts = med["sim"]
            row = [name, f"{med['compile'] * 1e3:.1f}", f"{ts * 1e3:.1f}", str(cycles), f"{cycles / ts / 1e6:.2f}",
                   f"{hops / ts / 1e6:.2f}", f"{fmac / ts / 1e6:.2f}", f"{cycles * cores / ts / 1e6:.1f}",
                   f"{rss_kb(sim) / 1024:.1f}", f"{ts / med['numpy']:.0f}x" if "numpy" in med else "-",
                   f"{med['interp'] / med['jit']:.2f}" if engines else "-"]
            if base:
                row.append(f"{med['base'] / ts:.1f}x")
            print(" ".join(f"{v:>{w}}" if i else f"{v:<{w}}" for i, (v, (n, w)) in enumerate(zip(row, cols))), flush=True)


if __name__ == "__main__":
    main()
