"""The simulator's figures for every golden example, against committed ones.

For each example with bundled inputs, the image is compiled and simulated
with --stats --stats-cores, and the output (cycles, instructions, elements,
wavelets, per-core busy and FMAC figures) must equal
tests/golden/figures/NAME.txt byte for byte. A change to the simulator must
keep every figure (it changes how fast the machine is simulated, not what
the machine does); a change to the compiler that changes the programs
changes them, and then the figures are written again with --update and the
diff is part of the commit.

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
    got = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
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
