"""Compile every fenced ```wdl block of a Markdown file.

    extract.py DOC.md OUTDIR WSECC

Writes OUTDIR/NN.wdl, compiles each to OUTDIR/NN.wimg with WSECC, prints one
line per example and exits 1 if any failed."""
import os
import subprocess
import sys

src, out, wsecc = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
blocks, cur = [], None
for line in open(src):
    if cur is None and line.strip() == "```wdl":
        cur = []
    elif cur is not None and line.strip() == "```":
        blocks.append("".join(cur))
        cur = None
    elif cur is not None:
        cur.append(line)
failed = 0
for i, b in enumerate(blocks):
    path = os.path.join(out, f"{i:02d}.wdl")
    open(path, "w").write(b)
    r = subprocess.run([wsecc, path, "-o", path[:-4] + ".wimg"], capture_output=True, text=True)
    print(f"example {i}: {'ok' if r.returncode == 0 else 'FAILED'}")
    if r.returncode:
        sys.stderr.write(r.stderr)
        failed += 1
print(f"{len(blocks)} examples, {failed} failed")
sys.exit(1 if failed else 0)
