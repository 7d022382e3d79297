"""The simulator's figures for every golden example, against committed ones.

For each example with bundled inputs, the image is compiled and simulated
with --stats --stats-cores, and the output (cycles, instructions, elements,
wavelets, per-core busy and FMAC figures) must equal
tests/golden/figures/NAME.txt byte for byte, in four runs: the interpreter
with one thread, the JIT with one thread, the interpreter with 2 threads
and the JIT with 3, the threaded runs splitting every cycle (--threads-min
0; the cycles with at least 256 cores awake on the examples of more than
20,000 cycles). Every run's outputs (.npy) must be the same bytes as well.
A change to the simulator must
keep every figure (it changes how fast the machine is simulated, not what
the machine does); a change to the compiler that changes the programs
changes them, and then the figures are written again with --update and the
diff is part of the commit.

The JIT runs use --jit-threshold=0, so every bulk instruction's shape is
compiled.

    figures.py WSECC WSESIM WORKDIR [--update]
"""
import difflib, os, re, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from goldio import BENCH_ONLY, STREAM_ONLY

W, S, WORK = sys.argv[1:4]
update = "--update" in sys.argv[4:]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIG = os.path.join(ROOT, "tests", "golden", "figures")
os.makedirs(WORK, exist_ok=True)
os.makedirs(FIG, exist_ok=True)
ok = True


def cycles_of(name):
    path = os.path.join(FIG, name + ".txt")
    m = re.search(r"^cycles\s+(\d+)", open(path).read(), re.M) if os.path.exists(path) else None
    return int(m.group(1)) if m else 0


def wdl_outputs(src):
    """The output names of a model, from its source."""
    return re.findall(r"\boutput\s+(\w+)", open(src).read())


for name in sorted(os.listdir(os.path.join(ROOT, "examples", "data"))):
    if name in BENCH_ONLY or name in STREAM_ONLY:
        continue
    data = os.path.join(ROOT, "examples", "data", name)
    img = os.path.join(WORK, name + ".wimg")
    subprocess.run([W, os.path.join(ROOT, "examples", name + ".wdl"), "-o", img], check=True)
    cmd = [S, img, "--stats", "--stats-cores", "--quiet"]
    for f in sorted(os.listdir(data)):
        cmd += ["--input", f"{f[:-4]}={os.path.join(data, f)}"]
    exp = os.path.join(ROOT, "tests", "golden", "expected", name)
    outs = sorted(f[:-4] for f in os.listdir(exp) if f.endswith(".npy")) if os.path.isdir(exp) else []
    # every cycle split across the threads where that is quick, else the
    # cycles with at least 256 cores awake
    split = "0" if cycles_of(name) <= 20000 else "256"
    variants = [("interp, 1 thread", ["--engine=interp", "--threads=1"]),
                ("jit, 1 thread", ["--engine=jit", "--jit-threshold=0", "--engine-stats", "--threads=1"]),
                ("interp, 2 threads", ["--engine=interp", "--threads=2", f"--threads-min={split}"]),
                ("jit, 3 threads", ["--engine=jit", "--jit-threshold=0", "--threads=3", f"--threads-min={split}"])]
    runs = {}
    for k, (label, extra) in enumerate(variants):
        files = [os.path.join(WORK, f"{name}.{o}.{k}.npy") for o in outs]
        r = subprocess.run(cmd + extra + [f"--output={o}={f}" for o, f in zip(outs, files)], capture_output=True, text=True)
        if "--engine=jit" in extra and r.returncode and "built without the JIT" in r.stderr:
            print(f"{name}: this wsesim has no JIT; {label}: skipped")
            continue
        if r.returncode:
            sys.stdout.write(r.stderr)
            sys.exit(f"{name}: wsesim {' '.join(extra)} failed (exit {r.returncode})")
        runs[label] = (r.stdout, [open(f, "rb").read() for f in files])
        if "--engine-stats" in extra:
            print(f"{name}: {r.stderr.strip()}")
    got = runs["interp, 1 thread"][0]
    same = True
    for label, (fig, data) in runs.items():
        for o, a, b in zip(outs, runs["interp, 1 thread"][1], data):
            if a != b:
                same = False
                print(f"{name}: output {o}: FAIL {label} wrote different bytes from interp, 1 thread")
        if fig != got:
            same = False
            print(f"{name}: FAIL the figures of {label} differ from interp, 1 thread's:")
            sys.stdout.writelines(list(difflib.unified_diff(got.splitlines(True), fig.splitlines(True), "interp", label))[:40])
    ok &= same
    path = os.path.join(FIG, name + ".txt")
    if update:
        open(path, "w").write(got)
        print(f"{name}: written {path}")
        continue
    want = open(path).read() if os.path.exists(path) else ""
    if got == want:
        print(f"{name}: the same {len(got.splitlines())} lines of figures" +
              (f" and the same bytes in {len(outs)} output(s) in {len(runs)} runs ({'; '.join(runs)})" if same else ""))
        continue
    ok = False
    print(f"{name}: FIGURES DIFFER from {path} (if the compiler's programs changed on purpose, rerun with --update):")
    sys.stdout.writelines(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "committed", "now"))[:40])
print("figures: PASS" if ok else "figures: FAIL")
sys.exit(0 if ok else 1)
