#!/usr/bin/env bash
# fuzz/run.sh [--install-deps] [SECONDS] [HARNESS...]
#
# Build the libFuzzer harnesses into build-fuzz/ (clang-14, ASan + UBSan +
# libFuzzer; -DWSECC_FUZZ=ON) and run each HARNESS (default: all of wdl wir
# wimg target npy wmx) for SECONDS (default 60), one after the other, one fuzzer
# process at a time. Examples:
#   fuzz/run.sh 600          # 10 minutes each
#   fuzz/run.sh 600 wimg     # only the image harness
#   fuzz/run.sh 0            # build only
# --install-deps first installs clang-14 and libclang-rt-14-dev if missing
# (tools/install-deps.sh --fuzz; not part of the default install).
#
# Per harness HARNESS:
#   seeds      fuzz/corpus/HARNESS/ (committed, read only)
#   corpus     build-fuzz/corpus/HARNESS/ (what the runs found; kept between runs)
#   findings   build-fuzz/findings/HARNESS/crash-*, timeout-*, oom-*, leak-*
#   log        build-fuzz/logs/HARNESS.log
# A run does not stop at the first finding (-fork=1 -ignore_crashes=1: one
# child process at a time, restarted after a crash). A hang of more than
# 10 s (-timeout=10) and more than 2 GB (-rss_limit_mb=2048) are findings;
# leaks are checked (-detect_leaks=1). Working directory:
# build-fuzz/work/, which holds copies of the .npy seeds, so the relative
# load("w43.npy") paths of the .wir seeds resolve.
#
# Reproduce a finding with the harness (prints the sanitizer report):
#   build-fuzz/fuzz/fuzz_wdl build-fuzz/findings/wdl/crash-...
# and minimise it:
#   build-fuzz/fuzz/fuzz_wdl -minimize_crash=1 -max_total_time=60 \
#       -exact_artifact_path=min.wdl build-fuzz/findings/wdl/crash-...
# fuzz/README.md has the triage steps (fuzz/fixsum.py for .wimg findings).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
if [ "${1:-}" = "--install-deps" ]; then
  tools/install-deps.sh --fuzz
  shift
fi
SECS=${1:-60}
[ $# -gt 0 ] && shift
HARNESSES=("$@")
[ ${#HARNESSES[@]} -eq 0 ] && HARNESSES=(wdl wir wimg target npy wmx)
for h in "${HARNESSES[@]}"; do
  case $h in wdl|wir|wimg|target|npy|wmx) ;; *) echo "fuzz/run.sh: unknown harness '$h' (wdl wir wimg target npy wmx)" >&2; exit 1 ;; esac
done
B=build-fuzz
CC=${CC:-clang-14}
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "fuzz/run.sh: $CC not found: run fuzz/run.sh --install-deps (Debian: clang-14 libclang-rt-14-dev)" >&2
  exit 1
fi
cmake -S . -B "$B" -DWSECC_FUZZ=ON -DCMAKE_C_COMPILER="$CC" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=()
for h in "${HARNESSES[@]}"; do targets+=("fuzz_$h"); done
cmake --build "$B" -j2 --target "${targets[@]}" >/dev/null
[ "$SECS" -gt 0 ] || exit 0

# the largest input each harness mutates: a little above its largest seed
max_len() {
  case $1 in
    wdl) echo 4096 ;; wir) echo 48000 ;; wimg) echo 49152 ;; target) echo 2048 ;; npy) echo 2048 ;; wmx) echo 2048 ;;
    *) echo "fuzz/run.sh: unknown harness '$1' (wdl wir wimg target npy wmx)" >&2; exit 1 ;;
  esac
}
mkdir -p "$B/work" "$B/logs"
cp fuzz/corpus/npy/*.npy "$B/work/"
declare -A execs
for h in "${HARNESSES[@]}"; do
  ml=$(max_len "$h")
  mkdir -p "$B/corpus/$h" "$B/findings/$h"
  log=$ROOT/$B/logs/$h.log
  echo "fuzz/run.sh: $h for $SECS s (log $B/logs/$h.log)"
  # -close_fd_mask=3: the diagnostics of refused inputs would flood the log;
  # sanitizer reports still reach it. Exit status: libFuzzer's, ignored
  # (the findings are the files).
  (cd "$B/work" && ASAN_OPTIONS=detect_leaks=1 "$ROOT/$B/fuzz/fuzz_$h" \
      -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len="$ml" \
      -detect_leaks=1 -close_fd_mask=3 -print_final_stats=1 \
      -artifact_prefix="$ROOT/$B/findings/$h/" \
      "$ROOT/$B/corpus/$h" "$ROOT/fuzz/corpus/$h" >"$log" 2>&1) || true
  # fork mode's progress lines: "#EXECS: cov: ... time: Ns ..."
  last=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
  n=$(echo "$last" | sed -E 's/^#([0-9]+):.*/\1/')
  t=$(echo "$last" | sed -E 's/.* time: ([0-9]+)s.*/\1/')
  [ -n "$n" ] || n=0
  [ -n "$t" ] && [ "$t" -gt 0 ] || t=1
  execs[$h]="$n execs in ${t} s ($((n / t)) exec/s), $(ls "$B/findings/$h" | wc -l) finding file(s) in $B/findings/$h/"
done
echo
echo "fuzz/run.sh: summary"
for h in "${HARNESSES[@]}"; do printf '  %-7s %s\n' "$h" "${execs[$h]}"; done
