#!/usr/bin/env bash
# tools/test.sh: configure and build (with -Werror) and run the whole test
# suite: unit tests, lit/FileCheck tests, golden tests against NumPy.
#   tools/test.sh                 # into build/
#   BUILD=build-asan tools/test.sh -DWSECC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
# Extra arguments go to cmake; JOBS sets ctest's parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BUILD=$BUILD tools/build.sh "$@"
ctest --test-dir "$BUILD" --output-on-failure -j"${JOBS:-2}"
