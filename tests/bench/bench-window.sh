#!/usr/bin/env bash
# The window's own numbers under Xvfb, with real input (xdotool), read from
# --frame-stats (never from timed tests):
#   1. an edit at N = 4096 tokens, 8 heads: type three words at the end of the
#      sentence, one keystroke at a time (each one posts a request and cancels
#      the one computing); the time from the last request to its complete
#      trace on screen (heatmap, thumbnails), the longest frame (does the UI
#      freeze?) and the process's peak memory;
#   2. hover at N = 1024: median frame time with the mouse still, then with the
#      mouse sweeping the heatmap, same run length, one after the other.
#
# Usage: tests/bench/bench-window.sh [path/to/attnviz]
#   (needs xvfb, xauth, xdotool: already in third_party/debian-packages.txt)
# Prints the frame-stats lines; logs stay in $BENCH_OUT (default /tmp/attnviz-bench-window).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:-$top/build/attnviz}")
out=${BENCH_OUT:-/tmp/attnviz-bench-window}

if [[ -z "${DISPLAY:-}" ]]; then
  exec xvfb-run -a -s '-screen 0 1600x1000x24' "$0" "$bin"
fi
rm -rf "$out"
mkdir -p "$out/config" "$out/home"
export XDG_CONFIG_HOME="$out/config" HOME="$out/home"

words="the cat sat on mat because it was tired a dog ran over hill and then slept under tree while birds sang"
make_text() { python3 -c "
import random, sys
random.seed(7)
w = sys.argv[2].split()
print(' '.join(random.choice(w) for _ in range(int(sys.argv[1]))))" "$1" "$words" > "$out/text-$1.txt"; }
make_text 4093   # + 3 typed words = 4096
make_text 1024

rect() { python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["rects"][sys.argv[2]]
print(int((r[0] + r[2]) / 2), int((r[1] + r[3]) / 2), int(r[0]), int(r[1]), int(r[2]), int(r[3]))' "$out/layout.json" "$1"; }

# start N [flags]: the window on text-N.txt, waiting for its first complete frame.
start() {
  local n=$1; shift
  rm -f "$out/layout.json"
  "$bin" --size 1440x900 --chapter 0 --heads 8 --text-file "$out/text-$n.txt" --layout-dump "$out/layout.json" \
    --frame-stats "$@" > "$out/app-$n.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    [[ -s "$out/layout.json" ]] && break
    sleep 0.1
  done
  xdotool search --name '^attnviz$' windowfocus --sync >/dev/null 2>&1 || true
}
stop() { kill -TERM "$pid"; wait "$pid" || true; }

echo "== 1. edit at N = 4096, 8 heads (three words typed at the end)"
# Where the sentence box is (a scripted run with --layout-dump), then the
# window as a person runs it: --frame-stats alone keeps the usual frame pacing.
start 4093 --screenshot "$out/first.png"
wait "$pid" || true
read -r sx sy _ < <(rect sentence)
rm -f "$out/layout.json"
"$bin" --size 1440x900 --chapter 0 --heads 8 --text-file "$out/text-4093.txt" --frame-stats > "$out/app-4093.log" 2>&1 &
pid=$!
sleep 5   # the first trace and the thumbnails settle
xdotool search --name '^attnviz$' windowfocus --sync >/dev/null 2>&1 || true
xdotool mousemove "$sx" "$sy" click 1
xdotool key End
for w in fox owl elk; do
  xdotool type --delay 60 " $w"
  sleep 4
done
xdotool mousemove 5 5
stop
grep frame-stats "$out/app-4093.log"

echo "== 2. hover at N = 1024, 8 heads: mouse still, then sweeping the heatmap (600 frames each)"
for mode in still sweep; do
  start 1024 --frames 600
  read -r _ _ x0 y0 x1 y1 < <(rect heatmap)
  if [[ $mode == sweep ]]; then
    (for i in $(seq 0 400); do
       xdotool mousemove $((x0 + (i * 7) % (x1 - x0))) $((y0 + (i * 13) % (y1 - y0)))
       sleep 0.01
     done) &
    mover=$!
  fi
  wait "$pid" || true
  [[ $mode == sweep ]] && kill "$mover" 2>/dev/null || true
  echo "$mode: $(grep frame-stats "$out/app-1024.log")"
done
