#!/usr/bin/env bash
# fuzz/triage.sh HARNESS [FILE...]: run each finding (default: every file in
# build-fuzz/findings/HARNESS/) through its harness once and group them by
# what went wrong: the sanitizer's SUMMARY line, the "internal error: ..."
# of die() or the "fuzz check failed: ..." of a harness check, with the
# first frame of our code. Prints one group per line with its files.
set -uo pipefail
cd "$(dirname "$0")/.."
h=$1
shift
files=("$@")
[ ${#files[@]} -eq 0 ] && files=(build-fuzz/findings/"$h"/*)
declare -A groups
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  out=$(cd build-fuzz/work 2>/dev/null && ASAN_OPTIONS=detect_leaks=1 timeout 60 "../fuzz/fuzz_$h" -timeout=10 -rss_limit_mb=2048 "$(realpath "../../$f" 2>/dev/null || echo "$f")" 2>&1)
  key=$(echo "$out" | grep -m1 -E 'runtime error:|internal error:|fuzz check failed:|SUMMARY: (Address|Leak|Undefined)|ERROR: libFuzzer: (timeout|out-of-memory)' | sed -E 's/0x[0-9a-f]+/ADDR/g; s/[0-9]+ byte/N byte/g' | cut -c1-200)
  frame=$(echo "$out" | grep -E '^ *#[0-9]+ .* in [a-z_]+ /.*/(frontend|ir|passes|backend|runtime|targets|common)/' | grep -v -E ' in (die|fuzz_fail|xmalloc|xcalloc|xrealloc) ' | head -1 | sed -E 's/.* in ([a-z_0-9]+) .*\/([a-z]+\/[a-z_0-9.]+:[0-9]+).*/\1 \2/')
  # numbers in the message vary from input to input: fold them
  key=$(echo "$key" | sed -E 's/(error:|failed:)(.*)/\1\n\2/' | sed -E '2s/(inf|nan|[-+]?[0-9][0-9.e+]*)/N/g' | tr -d '\n')
  [ -n "$key" ] || key="(no report: $(echo "$out" | tail -1 | cut -c1-120))"
  k="$key @ $frame"
  groups[$k]+=" $f"
done
for k in "${!groups[@]}"; do
  set -- ${groups[$k]}
  echo "$# x $k"
  echo "    $*" | cut -c1-400
done
