#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test attnviz has:
#   1. release build: unit, CLI, export, headless-UI and GUI (Xvfb) tests via CTest
#   2. ASan+UBSan build: the same unit/CLI tests and the GUI test once
#   3. libFuzzer build (clang): a short run of every harness over its seed corpus
# Every build here is -Werror (GCC for 1 and 2, clang for 3): "zero warnings" is enforced.
# Usage: tests/run-all.sh            (from anywhere; build trees go in build*/ at the top)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

third_party/install-deps.sh

stage() { printf '\n==== %s\n' "$*"; }

stage "release build (-Werror)"
# CI turns every warning into an error (CMake's COMPILE_WARNING_AS_ERROR); a
# developer's own `cmake -S . -B build` keeps them warnings.
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build build -j"$jobs"
stage "release tests"
ctest --test-dir build --output-on-failure -j"$jobs"

# [SECTION] sanitizers and fuzzing (tests/run-sanitizers.sh, tests/run-fuzz.sh)
for extra in tests/run-sanitizers.sh tests/run-fuzz.sh; do
  if [[ -x "$extra" ]]; then
    "$extra"
  fi
done
echo
echo "attnviz: every test passed."
