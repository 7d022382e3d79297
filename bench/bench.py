#!/usr/bin/env python3
"""Benchmarks: compile time, simulation time and simulated cycles per example.

    bench/bench.py [--build build] [--runs 5] [--target wse2] [examples/NAME.wdl ...]

Inputs come from examples/data/NAME/ (as for the golden tests). Not part of
ctest: timings depend on the machine.

Every figure is a median of --runs runs measured in this one process, side by
side, so the ratios (simulated cycles per host second, compile/simulate) are
comparable on a shared machine even when absolute times are not.
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


def timed(cmd, runs):
    ts, out = [], ""
    for _ in range(runs):
        t = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ts.append(time.perf_counter() - t)
        if r.returncode != 0:
            sys.exit(f"bench: {' '.join(cmd)} failed (exit {r.returncode}):\n{r.stderr}")
        out = r.stdout
    return statistics.median(ts), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement; the median is shown")
    ap.add_argument("--target", default=None, help="wsecc --target (default: wsecc's default, wse2)")
    ap.add_argument("examples", nargs="*")
    a = ap.parse_args()
    exs = a.examples or [os.path.join(ROOT, "examples", e) for e in
                         ("mlp.wdl", "add.wdl", "batch.wdl", "batch16.wdl", "reshape.wdl", "gpt2_block.wdl", "stack.wdl")]
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    wsecc, wsesim = os.path.join(a.build, "wsecc"), os.path.join(a.build, "wsesim")
    for tool in (wsecc, wsesim):
        if not os.access(tool, os.X_OK):
            sys.exit(f"bench: {tool} not found: build first (tools/build.sh) or pass --build DIR")
    print(f"{'example':<10} {'compile ms':>10} {'simulate ms':>12} {'sim cycles':>11} {'cores':>6} "
          f"{'Mcycles/s':>10} {'image KB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for ex in exs:
            name = os.path.splitext(os.path.basename(ex))[0]
            img = os.path.join(tmp, name + ".wimg")
            tc, _ = timed([wsecc, ex, "-o", img] + (["--target", a.target] if a.target else []), a.runs)
            data = os.path.join(ROOT, "examples", "data", name)
            cmd = [wsesim, img, "--stats"]
            for f in sorted(os.listdir(data)) if os.path.isdir(data) else []:
                cmd += ["--input", f"{f[:-4]}={os.path.join(data, f)}"]
            ts, out = timed(cmd, a.runs)
            cycles = int(re.search(r"^cycles\s+(\d+)", out, re.M).group(1))
            cores = int(re.search(r"^cores\s+(\d+)", out, re.M).group(1))
            print(f"{name:<10} {tc * 1e3:>10.1f} {ts * 1e3:>12.1f} {cycles:>11} {cores:>6} "
                  f"{cycles / ts / 1e6:>10.2f} {os.path.getsize(img) / 1024:>9.1f}")


if __name__ == "__main__":
    main()
