# Shared by the gui-*.sh tests (sourced). Arguments of every test:
#   $1 = the attnviz binary, $2 = png_check, $3 = an output directory (wiped)
# The window is driven with real X11 input (xdotool) and observed through
# screenshots taken on SIGUSR1 (--signal-screenshot) and --layout-dump, which
# writes the rectangles of widgets and a few facts (selected token, chapter...).
set -euo pipefail
APP=$1
PNG_CHECK=$2
OUT=$3
PY=${PYTHON:-python3}
rm -rf "$OUT"
mkdir -p "$OUT/config" "$OUT/home" "$OUT/work"
# Fresh settings and home per test, so nothing leaks between tests or from the user.
export XDG_CONFIG_HOME="$OUT/config"
export HOME="$OUT/home"
APP_PID=""

fail() {
  echo "FAIL: $*" >&2
  [[ -f "$OUT/app.log" ]] && sed 's/^/  app: /' "$OUT/app.log" >&2
  exit 1
}
cleanup() { if [[ -n "$APP_PID" ]]; then kill "$APP_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT

# start_app [attnviz flags...]: runs the window in the background and waits for its first complete frame.
start_app() {
  rm -f "$OUT/layout.json"
  (cd "$OUT/work" && exec "$APP" --size 1440x900 --layout-dump "$OUT/layout.json" \
      --signal-screenshot "$OUT/shot.png" "$@") >"$OUT/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 600); do
    [[ -s "$OUT/layout.json" ]] && break
    kill -0 "$APP_PID" 2>/dev/null || fail "attnviz exited before its first frame"
    sleep 0.1
  done
  [[ -s "$OUT/layout.json" ]] || fail "no first frame within 60 s"
  # Without a window manager nobody gives a new window the keyboard focus
  # (after an earlier window closed it may point nowhere); take it explicitly.
  xdotool search --name '^attnviz$' windowfocus --sync >/dev/null 2>&1 || true
  park_mouse
}

stop_app() {
  kill -TERM "$APP_PID"
  wait "$APP_PID" || fail "attnviz did not exit cleanly on SIGTERM"
  APP_PID=""
}

# The window's top-left on the screen (no window manager: usually 0,0).
window_origin() { "$PY" -c 'import json,sys; w=json.load(open(sys.argv[1]))["window"]; print(w[0], w[1])' "$OUT/layout.json"; }

# center_of rects.NAME | center_of token.K: screen coordinates of a widget's centre
# (or, with a third argument "left", of a point just inside its left edge).
center_of() {
  "$PY" - "$OUT/layout.json" "$1" "${2:-center}" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
kind, _, name = sys.argv[2].partition(".")
r = d["tokens"][int(name)]["rect"] if kind == "token" else d["rects"][name]
wx, wy = d["window"][0], d["window"][1]
x = r[0] + 10 if sys.argv[3] == "left" else (r[0] + r[2]) / 2
print(int(wx + x), int(wy + (r[1] + r[3]) / 2))
PYEOF
}

# rect_of NAME [file]: "x0 y0 x1 y1" in screenshot pixels.
rect_of() {
  "$PY" -c 'import json,sys; print(*[int(v) for v in json.load(open(sys.argv[1]))["rects"][sys.argv[2]]])' \
      "${2:-$OUT/layout.json}" "$1"
}

# fact KEY [file]: one of the facts the window dumps (chapter, selected_token, tokens, mask, ...).
fact() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["facts"][sys.argv[2]])' "${2:-$OUT/layout.json}" "$1"; }

token_texts() { "$PY" -c 'import json,sys; print(" ".join(t["text"] for t in json.load(open(sys.argv[1]))["tokens"]))' "${1:-$OUT/layout.json}"; }

# Puts the pointer on the status bar, where hovering changes nothing.
park_mouse() {
  read -r wx wy < <(window_origin)
  xdotool mousemove $((wx + 700)) $((wy + 893))
  sleep 0.2
}

click_at() {
  xdotool mousemove "$1" "$2"
  sleep 0.25
  xdotool click 1
  sleep 0.25
}

# snap NAME: a screenshot after the window settled, as $OUT/NAME.png (+ NAME.json layout).
snap() {
  rm -f "$OUT/shot.png"
  kill -USR1 "$APP_PID"
  for _ in $(seq 1 300); do
    [[ -s "$OUT/shot.png" ]] && break
    sleep 0.1
  done
  [[ -s "$OUT/shot.png" ]] || fail "no screenshot 30 s after SIGUSR1"
  cp "$OUT/shot.png" "$OUT/$1.png"
  cp "$OUT/layout.json" "$OUT/$1.json"
}

expect_eq() { [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"; }
