#!/usr/bin/env bash
# Clicking the causal checkbox (xdotool) changes the heatmap: the upper triangle becomes masked.
source "$(dirname "$0")/gui-lib.sh"
# The Playground shows the trace's own mask (chapter 4 shows all three architectures at once).
start_app --chapter 0 --no-causal --mask full
snap before
expect_eq "$(fact mask "$OUT/before.json")" "bidirectional" "mask at start"
read -r x y < <(center_of rects.control.causal left)
click_at "$x" "$y"
park_mouse
sleep 0.3
snap after
expect_eq "$(fact mask "$OUT/after.json")" "causal" "mask after the click"
"$PNG_CHECK" diff "$OUT/before.png" "$OUT/after.png" $(rect_of heatmap "$OUT/after.json") --min 0.05 ||
  fail "the heatmap did not change"
stop_app
echo "ok: the causal toggle recomputes and the heatmap changes"
