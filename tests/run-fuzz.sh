#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) in build-fuzz/ and runs
# each one for a short time over its seed corpus (tests/fuzz/corpus/<target>/),
# two at a time. Any crash, sanitizer report, leak, timeout or failed invariant
# fails the script and names the saved input.
#
# Usage: tests/run-fuzz.sh [target ...]          (default: every harness)
#   ATTNVIZ_FUZZ_SECONDS=20   seconds per harness (the CI default keeps the whole
#                             script under ~3 minutes with a warm ccache)
#   ATTNVIZ_FUZZ_JOBS=2       harnesses run at once (default: nproc, at most 2)
#   ATTNVIZ_GUI=OFF           skip the settings harness (it links attnviz_ui)
# Long runs: see README ("Fuzzing"). New inputs go to build-fuzz/fuzz-corpus/,
# crashes to build-fuzz/fuzz-artifacts/<target>/; tests/fuzz/corpus is only read.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
seconds=${ATTNVIZ_FUZZ_SECONDS:-20}
jobs=${ATTNVIZ_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
(( jobs > 2 )) && jobs=2
gui=${ATTNVIZ_GUI:-ON}
build=build-fuzz
start=$SECONDS

printf '\n==== fuzz build (clang, libFuzzer, ASan + UBSan) in %s\n' "$build"
# -Werror as in every CI build (tests/run-all.sh): clang's warnings count too.
CC=clang CXX=clang++ cmake -S . -B "$build" -DATTNVIZ_FUZZ=ON -DATTNVIZ_GUI="$gui" -DATTNVIZ_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target attnviz_fuzzers

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for bin in "$build"/fuzz/fuzz-*; do targets+=("${bin##*/fuzz-}"); done
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local t=$1
  local bin=$build/fuzz/fuzz-$t seeds=tests/fuzz/corpus/$t work=$build/fuzz-corpus/$t art=$build/fuzz-artifacts/$t
  local log=$build/fuzz-logs/$t.log dict=()
  mkdir -p "$work" "$art" "$build/fuzz-logs"
  case $t in
    cli-options) dict=(-dict=tests/fuzz/cli-options.dict) ;;
    safetensors|gpt2-config|vocab-merges|settings|hf-tokenizer) dict=(-dict=tests/fuzz/json.dict) ;;
  esac
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: memory a parser
  # must never need (inputs are at most a few KB).
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$art/" "${dict[@]}" "$work" "$seeds" >"$log" 2>&1; then
    local done_line runs
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
    runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' || true)
    printf 'fuzz-%-13s ok: %s executions in %s s; %s\n' "$t" "${runs:-?}" "$seconds" \
      "$(sed -E 's/^#[0-9]+[[:space:]]+DONE[[:space:]]+//; s/ lim:.*//' <<<"$done_line")"
  else
    echo "fuzz-$t FAILED (log: $log; input saved in $art/):"
    grep -E 'ERROR|invariant failed|SUMMARY|Test unit written|runtime error' "$log" | head -20 || tail -30 "$log"
    return 1
  fi
}

printf '\n==== fuzzing %d harnesses, %s s each, %d at a time\n' "${#targets[@]}" "$seconds" "$jobs"
# Each harness records its own result in a file: exit statuses of background
# jobs are easy to lose with wait -n, a file is not.
mkdir -p "$build/fuzz-logs"
for t in "${targets[@]}"; do
  rm -f "$build/fuzz-logs/$t.status"
  if [[ ! -x $build/fuzz/fuzz-$t ]]; then echo "no harness fuzz-$t"; echo 1 >"$build/fuzz-logs/$t.status"; continue; fi
  ( if run_one "$t"; then r=0; else r=1; fi; echo "$r" >"$build/fuzz-logs/$t.status" ) &
  while (( $(jobs -rp | wc -l) >= jobs )); do wait -n || true; done
done
wait
failed=0
for t in "${targets[@]}"; do
  [[ "$(cat "$build/fuzz-logs/$t.status" 2>/dev/null)" == 0 ]] || failed=1
done

echo "run-fuzz took $((SECONDS - start)) s (build and fuzzing)"
if (( failed )); then
  echo "run-fuzz: a harness failed; reproduce with: $build/fuzz/fuzz-<target> <saved input>" >&2
  exit 1
fi
echo "run-fuzz: no crash in ${#targets[@]} harnesses."
