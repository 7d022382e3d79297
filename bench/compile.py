#!/usr/bin/env python3
"""Compile time and peak memory of wsecc, side by side with another build.

    bench/compile.py [--build build] [--baseline OTHER_BUILD] [--runs 3]
                     [--target wse2] [--exec pipeline] [MODEL.wdl ...]

For each model (default: examples/gpt2_small.wdl, gpt2_block.wdl and
stack.wdl) the builds take turns, run after run, so that a ratio is
measured under the same load; each column is the median over --runs.
Printed per model and build: wall seconds, peak RSS (MB, GNU time on one
more run), the image's size, whether the two builds wrote the same bytes
(the same placement, routes and code), and the routing figures of
`wsecc --stats` (nets, router entries - the sum of every net's tree -
and the most colors any router uses), by which two routings that differ
can be compared. With --time-passes the build's own per-phase table of the
last run is printed too. Not part of ctest: times depend on the machine.
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
ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--build", default=os.path.join(ROOT, "build"))
ap.add_argument("--baseline", help="a build directory of another version, run side by side")
ap.add_argument("--runs", type=int, default=3)
ap.add_argument("--target", default="wse2")
ap.add_argument("--exec", dest="exec_mode", default=None, help="pipeline or stream (default: wsecc's own)")
ap.add_argument("--time-passes", action="store_true", help="print the build's per-phase table of the last run")
ap.add_argument("models", nargs="*")
a = ap.parse_args()
# (each compile runs in its model's directory, so relative build paths are made absolute)
a.build = os.path.abspath(a.build)
if a.baseline:
    a.baseline = os.path.abspath(a.baseline)
models = [os.path.abspath(m) for m in a.models] or [os.path.join(ROOT, "examples", m) for m in ("gpt2_small.wdl", "gpt2_block.wdl", "stack.wdl")]
builds = [("this", a.build)] + ([("baseline", a.baseline)] if a.baseline else [])
work = tempfile.mkdtemp(prefix="bench-compile-")


def run(build, model, out, passes):
    cmd = [os.path.join(build, "wsecc"), model, "--target", a.target, "-o", out]
    if a.exec_mode:
        cmd.append("--exec=" + a.exec_mode)
    if passes:
        cmd.append("--time-passes")
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, cwd=os.path.dirname(model))
    sec = time.perf_counter() - t0
    return p.returncode, sec, p.stderr.decode(errors="replace")


def peak_rss(build, model, out):
    """Peak RSS of one more run, read with GNU time (rusage of a reaped child),
    and the routing line of --stats: (nets, router entries, colors used)."""
    cmd = ["/usr/bin/time", "-f", "@@%M", os.path.join(build, "wsecc"), model, "--target", a.target, "--stats",
           "-o", out]
    if a.exec_mode:
        cmd.append("--exec=" + a.exec_mode)
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=os.path.dirname(model))
    tail = r.stderr.rsplit("@@", 1)
    m = re.search(r"nets +(\d+) \(\d+ destinations, (\d+) router entries\), colors used (\d+)", r.stderr)
    route = f"{m.group(1)} nets, {m.group(2)} entries, {m.group(3)} colors" if m else "?"
    return (int(tail[1]) / 1024 if len(tail) == 2 and tail[1].strip().isdigit() else float("nan")), route


print(f"{'model':<16} {'build':<9} {'seconds':>8} {'peak MB':>8} {'image MB':>9}  {'same bytes':<10}  routing")
for model in models:
    name = os.path.splitext(os.path.basename(model))[0]
    times = {b: [] for b, _ in builds}
    last_err = {}
    for r in range(a.runs):
        for b, d in builds:
            out = os.path.join(work, f"{name}-{b}.wimg")
            rc, sec, err = run(d, model, out, a.time_passes and r == a.runs - 1)
            if rc != 0:
                sys.exit(f"{b} ({d}) failed on {model}:\n{err}")
            times[b].append(sec)
            last_err[b] = err
    imgs = {b: open(os.path.join(work, f"{name}-{b}.wimg"), "rb").read() for b, _ in builds}
    same = len(set(imgs.values())) == 1
    med = {b: statistics.median(times[b]) for b, _ in builds}
    for b, d in builds:
        rss, route = peak_rss(d, model, os.path.join(work, f"{name}-{b}-rss.wimg"))
        print(f"{name:<16} {b:<9} {med[b]:8.2f} {rss:8.0f} {len(imgs[b]) / 1e6:9.2f}  "
              f"{(('yes' if same else 'no') if a.baseline else '-'):<10}  {route}")
    if a.baseline:
        print(f"{name:<16} {'ratio':<9} {med['baseline'] / med['this']:7.2f}x faster than the baseline")
    if a.time_passes:
        for b, _ in builds:
            print(f"--- {b}: --time-passes of the last run ---\n{last_err[b].strip()}")
