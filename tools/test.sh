#!/usr/bin/env bash
# Build and run the whole test suite (unit, lit/FileCheck, golden vs NumPy).
#   tools/test.sh                 # build/ with -Werror
#   BUILD=build-asan tools/test.sh -DWSECC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BUILD=$BUILD tools/build.sh "$@"
ctest --test-dir "$BUILD" --output-on-failure -j"$(nproc)"
