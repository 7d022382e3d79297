"""The simulator's figures for every golden example, against committed ones.

For each example with bundled inputs, the image is compiled and simulated
with --stats --stats-cores, and the output (cycles, instructions, elements,
wavelets, per-core busy and FMAC figures) must equal
tests/golden/figures/NAME.txt byte for byte - with one thread, and with 2
and 3 threads splitting every cycle (--threads-min 0; the cycles with at
least 256 cores awake on the examples of more than 20,000 cycles), whose
outputs (.npy) must also be byte-identical to one thread's. A change to the simulator must
keep every figure (it changes how fast the machine is simulated, not what
the machine does); a change to the compiler that changes the programs
changes them, and then the figures are written again with --update and the
diff is part of the commit.

    figures.py WSECC WSESIM WORKDIR [--update]
"""
import difflib, os, re, subprocess, sys

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
    data = os.path.join(ROOT, "examples", "data", name)
    img = os.path.join(WORK, name + ".wimg")
    subprocess.run([W, os.path.join(ROOT, "examples", name + ".wdl"), "-o", img], check=True)
    cmd = [S, img, "--stats", "--stats-cores", "--quiet"]
    for f in sorted(os.listdir(data)):
        cmd += ["--input", f"{f[:-4]}={os.path.join(data, f)}"]
    runs = {}
    for t in (1, 2, 3):
        o = os.path.join(WORK, f"{name}.t{t}")
        os.makedirs(o, exist_ok=True)
        outputs = [a for n in wdl_outputs(os.path.join(ROOT, "examples", name + ".wdl")) for a in ("--output", f"{n}={o}/{n}.npy")]
        # every cycle split across the threads where that is quick, else
        # the cycles with at least 256 cores awake
        split = "0" if cycles_of(name) <= 20000 else "256"
        runs[t] = (subprocess.run(cmd + ["--threads", str(t), "--threads-min", split] + outputs, capture_output=True, text=True,
                                  check=True).stdout, {n: open(f"{o}/{n}.npy", "rb").read() for n in wdl_outputs(os.path.join(ROOT, "examples", name + ".wdl"))})
    got = runs[1][0]
    for t in (2, 3):
        if runs[t] != runs[1]:
            ok = False
            print(f"{name}: --threads {t} differs from --threads 1 ({'figures' if runs[t][0] != got else 'outputs'})")
    path = os.path.join(FIG, name + ".txt")
    if update:
        open(path, "w").write(got)
        print(f"{name}: written {path}")
        continue
    want = open(path).read() if os.path.exists(path) else ""
    if got == want:
        print(f"{name}: the same {len(got.splitlines())} lines of figures")
        continue
    ok = False
    print(f"{name}: FIGURES DIFFER from {path} (if the compiler's programs changed on purpose, rerun with --update):")
    sys.stdout.writelines(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "committed", "now"))[:40])
print("figures: PASS" if ok else "figures: FAIL")
sys.exit(0 if ok else 1)
