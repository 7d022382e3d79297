"""Every target parameter is honoured or refused at compile time.

For each machine parameter (`wsecc --list-target-params`, the table of
common/machine.h) and each of its extremes (and a few values in between
where they matter: 2 microthreads, queue depth 2), a target file is written
from wse2 with that one parameter changed, and each model below is
compiled for it. Each combination must either
  - be refused by wsecc with an error (exit status 1), or
  - compile, simulate to completion, and match NumPy's outputs
    (tests/golden/expected/, the golden tolerances of run_golden.py).
A deadlock, a crash, or a wrong number fails the test. At the end it
prints how many combinations simulated and how many were refused, and it
fails if a parameter's every value was refused on every model (a sweep that
only tests refusals tests nothing) - except for the fixed parameters
(min == max), whose other values must be refused.

    sweep.py WSECC WSESIM WORKDIR
"""
import os, re, subprocess, sys
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_golden import compare, TOL_BF16

W, S, WORK = sys.argv[1:4]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = ["mlp", "norm", "move", "add", "reshape", "batch16"]
os.makedirs(WORK, exist_ok=True)

rows = []
for l in subprocess.run([W, "--list-target-params"], capture_output=True, text=True, check=True).stdout.splitlines()[2:]:
    c = [x.strip().strip("`") for x in l.strip("|").split("|")]
    m = re.match(r"(?:exactly (\d+)|(\d+) – (\d+))", c[2])
    lo, hi = (int(m.group(1)),) * 2 if m.group(1) else (int(m.group(2)), int(m.group(3)))
    mult = int(re.search(r"multiple of (\d+)", c[2]).group(1)) if "multiple" in c[2] else 1
    rows.append((c[0], c[1], lo, hi, mult))
base = {}
for e, a, lo, hi, mult in rows:
    base.setdefault(e, {})
wse2 = open(os.path.join(ROOT, "targets", "wse2.xml")).read()
for e in base:
    m = re.search(r"<%s ([^>]*)/>" % e, wse2)
    for k, v in re.findall(r'([\w-]+)="([^"]*)"', m.group(1)):
        base[e][k] = v

def target_xml(elem, attr, value):
    t = {e: dict(v) for e, v in base.items()}
    t[elem][attr] = str(value)
    body = "".join("  <%s %s/>\n" % (e, " ".join('%s="%s"' % kv for kv in t[e].items())) for e in t)
    return '<?xml version="1.0"?>\n<target name="sweep">\n%s</target>\n' % body

def values(attr, lo, hi, mult):
    if lo == hi:
        return [lo, lo + 1]          # the fixed value works; any other is refused
    v = {lo, hi}
    if attr in ("microthreads", "queue-depth"): v.add(2)
    if lo % mult: v.discard(lo); v.add(lo + mult - lo % mult)
    return sorted(v)

ok = True
sims = refused = 0
for elem, attr, lo, hi, mult in rows:
    simulated_any = False
    for val in values(attr, lo, hi, mult):
        tx = os.path.join(WORK, f"{elem}-{attr}-{val}.xml")
        open(tx, "w").write(target_xml(elem, attr, val))
        for name in MODELS:
            img = os.path.join(WORK, f"{name}-{attr}-{val}.wimg")
            r = subprocess.run([W, os.path.join(ROOT, "examples", name + ".wdl"), "--target", tx, "-o", img],
                               capture_output=True, text=True)
            tag = f"{elem} {attr}={val} {name}"
            if r.returncode != 0:
                msg = (r.stderr.strip().splitlines() or ["(no message)"])[0]
                if r.returncode != 1 or "error:" not in msg or "internal error" in r.stderr:
                    print(f"{tag}: FAIL wsecc exit {r.returncode}: {r.stderr[:500]}"); ok = False
                elif os.path.exists(img):
                    print(f"{tag}: FAIL refused but left {img}"); ok = False
                else:
                    refused += 1
                    print(f"{tag}: refused: {msg[msg.find('error:'):][:150]}")
                continue
            if lo == hi and val != lo:
                print(f"{tag}: FAIL the fixed parameter's value {val} was accepted"); ok = False
                continue
            data = os.path.join(ROOT, "examples", "data", name)
            exp = os.path.join(ROOT, "tests", "golden", "expected", name)
            cmd = [S, img, "--max-cycles", "20000000"]
            for f in sorted(os.listdir(data)):
                cmd += ["--input", f"{f[:-4]}={os.path.join(data, f)}"]
            outs = sorted(f[:-4] for f in os.listdir(exp) if f.endswith(".npy"))
            for o in outs:
                cmd += ["--output", f"{o}={os.path.join(WORK, o + '.npy')}"]
            r = subprocess.run(cmd, capture_output=True, text=True)
            if r.returncode != 0:
                print(f"{tag}: FAIL compiled, but wsesim exit {r.returncode}: {r.stderr[:800]}"); ok = False
                continue
            bf = os.path.join(exp, "bf16.txt")
            bf = set(open(bf).read().split()) if os.path.exists(bf) else set()
            good = all(compare(f"{tag} {o}", np.load(os.path.join(WORK, o + ".npy")),
                               np.load(os.path.join(exp, o + ".npy")), TOL_BF16 if o in bf else None) for o in outs)
            ok &= good
            sims += 1
            simulated_any = True
            os.remove(img)
    if not simulated_any:
        print(f"{elem} {attr}: FAIL no value of it simulated on any model"); ok = False
print(f"sweep: {sims} combinations simulated and matched NumPy, {refused} refused at compile time")
print("sweep: PASS" if ok else "sweep: FAIL")
sys.exit(0 if ok else 1)
