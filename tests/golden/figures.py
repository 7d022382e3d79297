"""The simulator's figures for every golden example, against committed ones.

For each example with bundled inputs, the image is compiled and simulated
with --stats --stats-cores, and the output (cycles, instructions, elements,
wavelets, per-core busy and FMAC figures) must equal
tests/golden/figures/NAME.txt byte for byte. A change to the simulator must
keep every figure (it changes how fast the machine is simulated, not what
the machine does); a change to the compiler that changes the programs
changes them, and then the figures are written again with --update and the
diff is part of the commit.

Each example runs with both engines, --engine=interp and --engine=jit (with
--jit-threshold=0, so every bulk instruction's shape is compiled): both must
give the committed figures, and their outputs (.npy) must be the same bytes.

    figures.py WSECC WSESIM WORKDIR [--update]
"""
import difflib, os, subprocess, sys

W, S, WORK = sys.argv[1:4]
update = "--update" in sys.argv[4:]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIG = os.path.join(ROOT, "tests", "golden", "figures")
os.makedirs(WORK, exist_ok=True)
os.makedirs(FIG, exist_ok=True)
ok = True
for name in sorted(os.listdir(os.path.join(ROOT, "examples", "data"))):
    data = os.path.join(ROOT, "examples", "data", name)
    img = os.path.join(WORK, name + ".wimg")
    subprocess.run([W, os.path.join(ROOT, "examples", name + ".wdl"), "-o", img], check=True)
    cmd = [S, img, "--stats", "--stats-cores"]
    for f in sorted(os.listdir(data)):
        cmd += ["--input", f"{f[:-4]}={os.path.join(data, f)}"]
    exp = os.path.join(ROOT, "tests", "golden", "expected", name)
    outs = sorted(f[:-4] for f in os.listdir(exp) if f.endswith(".npy")) if os.path.isdir(exp) else []
    runs = {}
    for eng, extra in (("interp", []), ("jit", ["--jit-threshold=0", "--engine-stats"])):
        files = [os.path.join(WORK, f"{name}.{o}.{eng}.npy") for o in outs]
        r = subprocess.run(cmd + [f"--engine={eng}"] + extra + [f"--output={o}={f}" for o, f in zip(outs, files)],
                           capture_output=True, text=True)
        if eng == "jit" and r.returncode and "built without the JIT" in r.stderr:
            print(f"{name}: this wsesim has no JIT; the interpreter alone")
            break
        if r.returncode:
            sys.stdout.write(r.stderr)
            sys.exit(f"{name}: wsesim --engine={eng} failed (exit {r.returncode})")
        runs[eng] = (r.stdout, [open(f, "rb").read() for f in files])
        if eng == "jit":
            print(f"{name}: {r.stderr.strip()}")
    got = runs["interp"][0]
    same = True
    if "jit" in runs:
        for o, a, b in zip(outs, runs["interp"][1], runs["jit"][1]):
            if a != b:
                same = False
                print(f"{name}: output {o}: FAIL --engine=jit and --engine=interp wrote different bytes")
        if runs["jit"][0] != got:
            same = False
            print(f"{name}: FAIL the figures of --engine=jit differ from --engine=interp's:")
            sys.stdout.writelines(list(difflib.unified_diff(got.splitlines(True), runs["jit"][0].splitlines(True), "interp", "jit"))[:40])
        ok &= same
    path = os.path.join(FIG, name + ".txt")
    if update:
        open(path, "w").write(got)
        print(f"{name}: written {path}")
        continue
    want = open(path).read() if os.path.exists(path) else ""
    if got == want:
        print(f"{name}: the same {len(got.splitlines())} lines of figures" +
              (f" with both engines, and the same bytes in {len(outs)} output(s)" if "jit" in runs and same else ""))
        continue
    ok = False
    print(f"{name}: FIGURES DIFFER from {path} (if the compiler's programs changed on purpose, rerun with --update):")
    sys.stdout.writelines(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "committed", "now"))[:40])
print("figures: PASS" if ok else "figures: FAIL")
sys.exit(0 if ok else 1)
