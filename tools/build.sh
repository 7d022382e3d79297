#!/usr/bin/env bash
# Configure and build wsecc into ${BUILD:-build} (extra cmake flags: $@).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -DWSECC_WERROR=ON "$@" >/dev/null
cmake --build "$BUILD" -j"$(nproc)"
