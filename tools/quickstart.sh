#!/usr/bin/env bash
# tools/quickstart.sh: from a fresh Debian 12 checkout, install what is
# missing, build, compile examples/mlp.wdl, simulate it on the bundled input
# with --stats, and compare its output y with NumPy's answer
# (tests/golden/expected/mlp/y.npy, written by tests/golden/gen_mlp.py) using
# the golden tests' comparison (tests/golden/run_golden.py).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
PY=/usr/bin/python3   # Debian's python3 with numpy; the first python3 on PATH may lack it

tools/install-deps.sh
echo "== building into $BUILD/"
BUILD=$BUILD tools/build.sh
OUT=$BUILD/quickstart   # the image and the output
mkdir -p "$OUT"
echo
echo "== $BUILD/wsecc examples/mlp.wdl -o $OUT/mlp.wimg"
"$BUILD/wsecc" examples/mlp.wdl -o "$OUT/mlp.wimg"
echo "== $BUILD/wsesim $OUT/mlp.wimg --input x=examples/data/mlp/x.npy --output y=$OUT/y.npy --stats"
"$BUILD/wsesim" "$OUT/mlp.wimg" --input x=examples/data/mlp/x.npy --output y="$OUT/y.npy" --stats
echo
echo "== y compared with NumPy (tests/golden/gen_mlp.py; tolerances in tests/golden/README.md)"
"$PY" tests/golden/run_golden.py --compare "$OUT/y.npy" tests/golden/expected/mlp/y.npy
OUT=$OUT "$PY" - <<'PYEOF'
import os
import numpy as np
np.set_printoptions(precision=5, suppress=True, linewidth=110)
print("  y[0] wsesim:", np.load(os.environ["OUT"] + "/y.npy")[0])
print("  y[0] NumPy: ", np.load("tests/golden/expected/mlp/y.npy")[0])
PYEOF
