#!/usr/bin/env bash
# From a fresh Debian 12 checkout: install what is missing, build, compile
# examples/mlp.wdl, simulate it on the bundled input, and compare y with NumPy.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
tools/build.sh
PY=/usr/bin/python3
mkdir -p out
echo "== wsecc examples/mlp.wdl -o out/mlp.wimg"
build/wsecc examples/mlp.wdl -o out/mlp.wimg
echo "== wsesim out/mlp.wimg --input x=examples/data/mlp/x.npy --output y=out/y.npy --stats"
build/wsesim out/mlp.wimg --input x=examples/data/mlp/x.npy --output y=out/y.npy --stats
echo "== y compared with NumPy (tests/golden/gen_mlp.py)"
"$PY" - <<'PYEOF'
import numpy as np
y = np.load("out/y.npy"); want = np.load("tests/golden/expected/mlp/y.npy")
err = np.abs(y.astype(np.float64) - want)
tol = 1e-5 * (np.abs(want).max() + np.abs(want))
np.set_printoptions(precision=5, suppress=True, linewidth=100)
print("y[0]       (wsesim):", y[0])
print("y[0]        (NumPy):", want[0])
print(f"max |y - NumPy| = {err.max():.3g} over {y.size} values; within rtol=1e-5, atol=1e-5*max|y|:",
      "YES" if (err <= tol).all() else "NO")
raise SystemExit(0 if (err <= tol).all() else 1)
PYEOF
