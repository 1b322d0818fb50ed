# Helpers for the lesson chapters' GUI tests (sourced after gui-lib.sh).

# click_rect NAME [left|right]: a real click on a recorded widget, then a fresh
# layout dump (the next rect lookups see where things moved).
click_rect() {
  local x y
  read -r x y < <(point_in "$1" "${2:-center}")
  click_at "$x" "$y"
  park_mouse
  sleep 0.6
  snap _layout >/dev/null
}

click_token() {
  local x y
  read -r x y < <(center_of "token.$1")
  click_at "$x" "$y"
  park_mouse
  sleep 0.6
  snap _layout >/dev/null
}

# drag_rect FROM TO: press on one widget, move in steps (ImGui needs motion
# past its drag threshold), release on another.
drag_rect() {
  local x0 y0 x1 y1
  read -r x0 y0 < <(point_in "$1" center)
  read -r x1 y1 < <(point_in "$2" center)
  xdotool mousemove "$x0" "$y0"
  sleep 0.2
  xdotool mousedown 1
  for k in 1 2 3 4 5 6 7 8; do
    xdotool mousemove $((x0 + (x1 - x0) * k / 8)) $((y0 + (y1 - y0) * k / 8))
    sleep 0.08
  done
  sleep 0.2
  xdotool mouseup 1
  park_mouse
  sleep 0.6
  snap _layout >/dev/null
}

# point_in NAME center|left|right: screen coordinates inside a recorded rect
# (left/right: 8% from that edge, where a slider click lands on a low/high value).
point_in() {
  "$PY" - "$OUT/layout.json" "$1" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["rects"][sys.argv[2]]
wx, wy = d["window"][0], d["window"][1]
f = {"center": 0.5, "left": 0.08, "right": 0.92}[sys.argv[3]]
print(int(wx + r[0] + (r[2] - r[0]) * f), int(wy + (r[1] + r[3]) / 2))
PYEOF
}

# expect_changed A B RECT MIN MESSAGE: screenshots A and B differ inside RECT
# (taken from B's layout dump) in at least MIN of its pixels.
expect_changed() {
  local rect
  rect=$(rect_of "$3" "$OUT/$2.json") || fail "no rect $3 in $2.json"
  "$PNG_CHECK" diff "$OUT/$1.png" "$OUT/$2.png" $rect --min "$4" >/dev/null || fail "$5 (rect $3: $rect)"
}
