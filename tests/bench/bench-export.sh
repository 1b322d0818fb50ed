#!/usr/bin/env bash
# Times `attnviz export` against matplotlib drawing the same heatmap figure
# (imshow + token labels + colorbar + title, 2000 x 1600 px PNG), whole
# process each, side by side in one hyperfine run, for 64 and 1024 tokens.
#
# Usage: tests/bench/bench-export.sh [path/to/attnviz] [runs]
#   (default: build/attnviz, 10 runs; needs hyperfine, python3-matplotlib,
#    python3-numpy: third_party/debian-packages-bench.txt)
# Prints a table of medians and the speed-up; the raw hyperfine JSON is kept
# in $BENCH_OUT (default /tmp/attnviz-bench-export).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-$top/build/attnviz}")
runs=${2:-10}
out=${BENCH_OUT:-/tmp/attnviz-bench-export}
py=/usr/bin/python3   # Debian's python3 with python3-matplotlib (not a pyenv/venv one)
mkdir -p "$out"
command -v hyperfine >/dev/null || { echo "bench-export: hyperfine is missing (apt-get install hyperfine)"; exit 1; }
"$py" -c 'import matplotlib, numpy' 2>/dev/null || { echo "bench-export: python3-matplotlib/python3-numpy are missing"; exit 1; }

# Deterministic texts of exactly N words (the built-in tokenizer makes one token per word).
words="the cat sat on mat because it was tired a dog ran over hill and then slept under tree while birds sang songs of morning light"
make_text() { "$py" -c "
import random, sys
random.seed(7)
w = sys.argv[2].split()
print(' '.join(random.choice(w) for _ in range(int(sys.argv[1]))))" "$1" "$words" > "$out/text-$1.txt"; }

printf '%-8s %-16s %10s %10s %12s %8s %10s\n' tokens program median_s mean_s cpu_mean_s runs ratio > "$out/table.txt"
for n in 64 1024; do
  make_text "$n"
  # The same matrix for both: attnviz writes it once (not timed) for matplotlib to read.
  "$bin" export --text-file "$out/text-$n.txt" --view heatmap --out "$out/weights-$n.json" --force >/dev/null
  hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$out/hyperfine-$n.json" \
    -n "matplotlib" "$py $here/matplotlib_heatmap.py $out/weights-$n.json $out/matplotlib-$n.png" \
    -n "attnviz export" "$bin export --text-file $out/text-$n.txt --view heatmap --scale 2 --out $out/attnviz-$n.png --force" \
    >/dev/null
  "$py" - "$out/hyperfine-$n.json" "$n" >> "$out/table.txt" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
m, a = r["matplotlib"], r["attnviz export"]
ratio = m["median"] / a["median"]
# Wall-clock medians decide; CPU (user + system) is shown because on a
# shared machine it is the steadier number of the two.
for name, x in (("matplotlib", m), ("attnviz export", a)):
    print("%-8s %-16s %10.4f %10.4f %12.4f %8d %10s" % (sys.argv[2], name, x["median"], x["mean"], x["user"] + x["system"],
                                                  len(x["times"]), ("%.1fx" % ratio) if x is a else ""))
PY
done
cat "$out/table.txt"
"$py" - "$out" <<'PY'
import json, sys
ok = True
for n in (64, 1024):
    r = {x["command"]: x for x in json.load(open("%s/hyperfine-%d.json" % (sys.argv[1], n)))["results"]}
    ratio = r["matplotlib"]["median"] / r["attnviz export"]["median"]
    ok = ok and ratio >= 10
print("bench-export: attnviz export is %s10x faster than matplotlib at 64 and 1024 tokens" % ("" if ok else "NOT "))
sys.exit(0 if ok else 1)
PY
