#!/usr/bin/env bash
# Builds attnviz with AddressSanitizer + UndefinedBehaviorSanitizer in
# build-asan/ and runs the unit, UI and CLI tests there, then the GUI tests once
# (each under its own Xvfb). Any sanitizer report aborts the process it is in,
# so it fails the test: the expected number of findings is zero.
#
# Usage: tests/run-sanitizers.sh            (from anywhere)
#   ATTNVIZ_GUI=OFF   no window: unit and CLI tests only
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=build-asan
jobs=$(nproc 2>/dev/null || echo 2)
gui=${ATTNVIZ_GUI:-ON}
start=$SECONDS

printf '\n==== sanitizer build (ASan + UBSan) in %s\n' "$build"
# RelWithDebInfo: optimised enough that the test suite runs in reasonable
# time, with line numbers in every report.
# -Werror as in every CI build (tests/run-all.sh).
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DATTNVIZ_SANITIZE=ON -DATTNVIZ_GUI="$gui" \
  -DATTNVIZ_BENCH=OFF -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build "$build" -j"$jobs"

# abort_on_error: a report kills the process with SIGABRT, which no test can
# mistake for success. detect_leaks: LeakSanitizer at exit of every process.
# The UBSan checks are -fno-sanitize-recover=all (CMakeLists.txt), so the first
# report ends the process too; print_stacktrace says where.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:check_initialization_order=1:strict_init_order=1:detect_invalid_pointer_pairs=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

printf '\n==== sanitizer tests: unit, ui, cli\n'
ctest --test-dir "$build" -L '^(unit|ui|cli)$' --output-on-failure -j"$jobs"

if [[ "$gui" == ON ]]; then
  printf '\n==== sanitizer tests: gui (Xvfb, Mesa llvmpipe)\n'
  # The window runs on Mesa's software renderer (llvmpipe). Mesa's DRI driver
  # allocates a few KB at start-up that it never frees (driconf strings), and
  # glfwTerminate dlclose()s the driver before exit, so LeakSanitizer reports
  # them from "<unknown module>" frames that no suppression can name. Leak
  # detection is therefore off for the window only: our own code's leaks are
  # caught above (unit and UI tests, which draw every chapter on an ImGui
  # context, and the CLI tests, which run the attnviz binary). Every other
  # ASan check (out of bounds, use after free, double free) and all of UBSan
  # stay on here.
  ASAN_OPTIONS=$ASAN_OPTIONS:detect_leaks=0 ctest --test-dir "$build" -L '^gui$' --output-on-failure
fi
echo "sanitizers: zero findings ($((SECONDS - start)) s)."
