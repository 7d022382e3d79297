#!/usr/bin/env bash
# fuzz/make_corpus.sh [BUILD]: regenerate the seed corpora fuzz/corpus/<harness>/
# from the examples, the lit inputs and the tiny models in fuzz/models/,
# with the release tools of BUILD (default build/). Rerun it after a format
# change so the seeds stay valid; the result is committed (keep it < 2 MB).
#   wdl     fuzz/models/*.wdl, examples/*.wdl, the .wdl of tests/lit
#   wir     every --dump-dir stage of fuzz/models for --target tiny (the
#           lower/alloc stages only of the smallest ones: they are large),
#           and the place and route stages of their --exec=stream compiles
#   wimg    images of fuzz/models for --target tiny, and their stream-mode
#           images (stream-NAME.wimg: --exec=stream, the ones with a .wmx)
#   target  targets/*.xml and the lit tests' target files
#   npy     the .npy files fuzz/models load, small example inputs, and a few
#           made here (f16, rank 0, format versions 2.0 and 3.0)
#   wmx     the .wmx weight stores of those stream-mode images (fuzz_wmx
#           reads fuzz/corpus/wimg/stream-*.wimg and runs each .wmx on the
#           image whose checksum it names: keep the pairs from one compile)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
W=$(cd "$BUILD" && pwd)/wsecc
C=fuzz/corpus
[ -x "$W" ] || { echo "make_corpus: no $W (run tools/build.sh)" >&2; exit 1; }
# the files only: fuzz/corpus/wimg/.gitignore un-ignores the seed images
rm -rf "$C"/wdl/* "$C"/wir/* "$C"/wimg/* "$C"/target/* "$C"/npy/* "$C"/wmx/*
mkdir -p "$C/wdl" "$C/wir" "$C/wimg" "$C/target" "$C/npy" "$C/wmx"
PY=/usr/bin/python3

# npy first: fuzz/models load from it (w43.npy, v3.npy).
$PY - "$C/npy" <<'PYEOF'
import sys, os, numpy as np
d = sys.argv[1]
np.save(f"{d}/w43.npy", (np.arange(12, dtype=np.float32).reshape(4, 3) - 6) / 8)
np.save(f"{d}/v3.npy", np.array([1.5, -2, 0.25], dtype=np.float16))
np.save(f"{d}/scalar.npy", np.array(3.25, dtype=np.float32))
np.save(f"{d}/r4f16.npy", (np.arange(24).reshape(1, 2, 3, 4) / 7).astype(np.float16))
np.save(f"{d}/special.npy", np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, 3.4e38], dtype=np.float32))
np.save(f"{d}/empty.npy", np.zeros((0, 3), dtype=np.float32))
np.save(f"{d}/f64.npy", np.ones(2))                      # refused: dtype
np.save(f"{d}/fortran.npy", np.asfortranarray(np.ones((2, 3), np.float32)))  # refused: order
from numpy.lib import format as fmt
for v in ((2, 0), (3, 0)):
    with open(f"{d}/ver{v[0]}.npy", "wb") as f:
        a = np.arange(6, dtype=np.float32).reshape(2, 3)
        fmt.write_array(f, a, version=v)
PYEOF
for f in examples/data/add/*.npy examples/data/ops16/a.npy examples/data/bf16/x.npy; do
  n=$(echo "$f" | sed 's|examples/data/||; s|/|-|g')
  cp "$f" "$C/npy/$n"
done

cp fuzz/models/*.wdl examples/*.wdl "$C/wdl/"
for f in tests/lit/frontend/*.wdl tests/lit/Inputs/*.wdl; do cp "$f" "$C/wdl/lit-$(basename "$f")"; done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for m in fuzz/models/*.wdl; do
  n=$(basename "$m" .wdl)
  cp "$m" "$tmp/$n.wdl"
  cp "$C"/npy/w43.npy "$C"/npy/v3.npy "$tmp/"
  # relative names, so the dumps say loc("add1.wdl") and load("w43.npy")
  (cd "$tmp" && "$W" "$n.wdl" --target tiny --dump-dir="$n" -o "$n.wimg")
  mv "$tmp/$n.wimg" "$C/wimg/"
  # stream mode: the matmul weights go to a .wmx (models without a streamed
  # matmul write none; their stream image is not kept)
  (cd "$tmp" && "$W" "$n.wdl" --target tiny --exec=stream --dump-dir="stream-$n" -o "stream-$n.wimg")
  if [ -e "$tmp/stream-$n.wmx" ]; then
    mv "$tmp/stream-$n.wimg" "$C/wimg/"
    mv "$tmp/stream-$n.wmx" "$C/wmx/$n.wmx"
    # its place and route dumps (a streamed .wir is read back up to route)
    for b in 04-place 05-route; do cp "$tmp/stream-$n/$b.wir" "$C/wir/stream-$n-$b.wir"; done
  else
    rm -f "$tmp/stream-$n.wimg"
  fi
  for s in "$tmp/$n"/*.wir; do
    b=$(basename "$s" .wir)
    # lower and alloc dumps hold every core's program: only small ones
    if [ "$(stat -c %s "$s")" -le 40000 ]; then cp "$s" "$C/wir/$n-$b.wir"; fi
  done
done
cp targets/*.xml "$C/target/"
for f in tests/lit/Inputs/*.xml tests/lit/target/Inputs/*.xml; do
  [ -e "$f" ] && cp "$f" "$C/target/lit-$(basename "$f")"
done
du -sh "$C"; for h in "$C"/*; do echo "  $(basename "$h"): $(ls "$h" | wc -l) files, $(du -sb "$h" | cut -f1) bytes"; done
