"""wsesim --trace: the file is Chrome-trace JSON that Python's json loads,
and its events agree with a small known program.

A matmul with a bias and a relu (so there are synchronous tensor
instructions inside tasks and asynchronous ones on microthreads) is
compiled for the `tiny` target and run once with --stats and a full trace,
then with --trace-region and --trace-cycles. Checks:
  - every event has the fields its phase needs (X: name, pid, tid, ts, dur;
    C: name, ts, args; M: name, pid, args);
  - one span per tensor instruction executed (--stats' tensor count) and
    the sum of their elements is --stats' tensor elements;
  - every synchronous tensor span (thread 0) lies inside a task span of its
    core, and spans on one thread never overlap;
  - every span ends by the last cycle, the counters never go negative and
    the last one shows the fabric empty;
  - the region and cycle filters keep exactly the spans they promise.
    trace.py WSECC WSESIM WORKDIR
"""
import json, os, re, subprocess, sys
import numpy as np

W, S, WORK = sys.argv[1:4]
os.makedirs(WORK, exist_ok=True)
src = os.path.join(WORK, "t.wdl")
open(src, "w").write("model t {\n  input a : f32[8, 8];\n  param w : f32[8, 8] = randn(seed=1, std=0.1);\n"
                     "  output y = relu(a @ w + a);\n}\n")
img = os.path.join(WORK, "t.wimg")
subprocess.run([W, src, "-o", img, "--target", "tiny"], check=True)
np.save(os.path.join(WORK, "a.npy"), np.arange(64, dtype=np.float32).reshape(8, 8) / 64)
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)


def run(*extra):
    tr = os.path.join(WORK, "t.json")
    out = subprocess.run([S, img, "--input", f"a={WORK}/a.npy", "--stats", "--trace", tr] + list(extra),
                         capture_output=True, text=True, check=True).stdout
    check(not os.path.exists(tr + ".tmp"), "the .tmp file was left behind")
    return json.load(open(tr)), out


d, out = run()
cycles = int(re.search(r"^cycles\s+(\d+)", out, re.M).group(1))
ntensor = int(re.search(r"tensor (\d+)\)", out).group(1))
elements = int(re.search(r"^tensor elements\s+(\d+)", out, re.M).group(1))
ev = d["traceEvents"]
need = {"X": ("name", "pid", "tid", "ts", "dur"), "C": ("name", "ts", "args"), "M": ("name", "pid", "args")}
for e in ev:
    check(e.get("ph") in need, f"unknown phase {e.get('ph')}")
    for k in need.get(e.get("ph"), ()):
        check(k in e, f"{e} has no '{k}'")
spans = [e for e in ev if e["ph"] == "X"]
tensor = [e for e in spans if e["cat"].startswith("tensor")]
tasks = [e for e in spans if e["cat"] == "task"]
check(len(tensor) == ntensor, f"{len(tensor)} tensor spans, --stats says {ntensor} tensor instructions")
check(sum(e["args"]["elements"] for e in tensor) == elements, "tensor span elements differ from --stats")
check(len(tasks) > 0, "no task spans")
for e in spans:
    check(e["dur"] >= 1 and e["ts"] >= 1 and e["ts"] + e["dur"] - 1 <= cycles, f"span outside the run's cycles: {e}")
by_thread = {}
for e in spans:
    by_thread.setdefault((e["pid"], e["tid"], e["cat"] == "task"), []).append(e)
for (pid, tid, is_task), l in by_thread.items():
    l.sort(key=lambda e: e["ts"])
    for a, b in zip(l, l[1:]):
        check(a["ts"] + a["dur"] <= b["ts"], f"overlapping spans on core {pid} thread {tid}: {a} {b}")
for e in tensor:
    if e["tid"] == 0:
        inside = [t for t in tasks if t["pid"] == e["pid"] and t["ts"] <= e["ts"] and e["ts"] + e["dur"] <= t["ts"] + t["dur"]]
        check(len(inside) == 1, f"synchronous tensor span outside a task: {e}")
cnt = [e for e in ev if e["ph"] == "C"]
check(cnt and all(v >= 0 for e in cnt for v in e["args"].values()), "a negative counter")
check(cnt and cnt[-1]["args"]["wavelets in FIFOs"] == 0, "the fabric is not empty at the last counter")
names = {e["pid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
check(all(e["pid"] in names for e in spans), "a span's core has no process name")

# filters: the region keeps only its cores, the window only overlapping spans
d2, _ = run("--trace-region", "0,0,2x2", "--trace-cycles", "5:9")
names2 = {e["pid"]: e["args"]["name"] for e in d2["traceEvents"] if e["ph"] == "M" and e["name"] == "process_name"}
sp2 = [e for e in d2["traceEvents"] if e["ph"] == "X"]
for e in sp2:
    x, y = map(int, re.match(r"core \((\d+),(\d+)\)", names2[e["pid"]]).groups())
    check(x < 2 and y < 2, f"span of core ({x},{y}) outside --trace-region 0,0,2x2")
    check(e["ts"] <= 9 and e["ts"] + e["dur"] - 1 >= 5, f"span outside --trace-cycles 5:9: {e}")
want = [e for e in spans if re.match(r"core \(([01]),([01])\)", names[e["pid"]]) and e["ts"] <= 9 and e["ts"] + e["dur"] - 1 >= 5]
check(len(sp2) == len(want) and len(want) > 0, f"the filters kept {len(sp2)} spans, {len(want)} expected")
check(all(5 <= e["ts"] <= 9 for e in d2["traceEvents"] if e["ph"] == "C"), "a counter outside --trace-cycles")

for f in fails[:20]:
    print("FAIL:", f)
print(f"trace: {len(ev)} events, {len(tensor)} tensor spans, {len(tasks)} task spans, {len(cnt)} counters; "
      f"{len(sp2)} spans after the filters; {'ok' if not fails else f'{len(fails)} failures'}")
sys.exit(1 if fails else 0)
