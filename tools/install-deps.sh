#!/usr/bin/env bash
# tools/install-deps.sh: install what wsecc needs on Debian 12 with apt-get,
# only what is missing (checked with dpkg-query; `apt-get update` runs only
# when something has to be installed). Works as root or, for another user,
# through sudo.
#   build: build-essential cmake flex bison libxml2-dev llvm-14-dev
#   tests: llvm-14-tools (FileCheck, not, lit) python3 python3-numpy
# With --fuzz (what fuzz/run.sh --install-deps runs), only what the libFuzzer
# harnesses need in addition: clang-14 libclang-rt-14-dev (not installed by
# default).
set -euo pipefail
pkgs=(build-essential cmake flex bison libxml2-dev llvm-14-dev llvm-14-tools python3 python3-numpy)
if [ "${1:-}" = "--fuzz" ]; then pkgs=(clang-14 libclang-rt-14-dev); fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-deps: this script is for Debian 12 (no dpkg-query here); install by hand: ${pkgs[*]}" >&2
  exit 1
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "install-deps: not root and no sudo: run as root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  SUDO=(sudo)
fi
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
