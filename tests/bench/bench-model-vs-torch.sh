#!/usr/bin/env bash
# attnviz bench --model against the eager PyTorch forward (tests/bench/torch_gpt2_forward.py)
# on a GPT-2-small-shaped checkpoint with random weights, at 64, 256 and 1,024 tokens on
# 1 and 2 threads, each configuration in its own processes (so peak memory is per
# configuration), attnviz and PyTorch alternating so both see the same machine load.
# Prints the JSON lines of both. Benchmark-only: PyTorch comes from
# third_party/debian-packages-bench.txt.
#
# usage: tests/bench/bench-model-vs-torch.sh [BUILD_DIR] [CHECKPOINT_DIR] [RUNS]
set -euo pipefail
build=${1:-build}
ckpt=${2:-/tmp/attnviz-gpt2-small}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
if [[ ! -f $ckpt/model.safetensors ]]; then
  "$build/tests/tools/attnviz_make_checkpoint" "$ckpt" --preset gpt2-small >&2
fi
"$build/attnviz" bench --model "$ckpt" --n 64,256,1024 --runs 1 --warmup 0 --dump "$ckpt/ids.jsonl" --format json >/dev/null
for n in 64 256 1024; do
  for t in 1 2; do
    "$build/attnviz" bench --model "$ckpt" --n "$n" --threads "$t" --runs "$runs" --all-maps --format json
    /usr/bin/python3 "$here/torch_gpt2_forward.py" "$ckpt" "$ckpt/ids.jsonl" --n "$n" --threads "$t" --runs "$runs"
  done
done
