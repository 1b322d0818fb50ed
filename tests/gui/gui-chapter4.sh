#!/usr/bin/env bash
# Chapter 4 with real input: a click on a token changes the row under the three
# masks; the prefix slider changes the prefix-LM heatmap; left padding with the
# causal box gives fully masked rows, drawn (never NaN) in the padding view.
source "$(dirname "$0")/gui-lib.sh"
changed() {
  "$PNG_CHECK" diff "$OUT/$2.png" "$OUT/$3.png" $(rect_of "$1" "$OUT/$3.json") --min "$4" >/dev/null ||
    fail "$1 did not change between $2 and $3"
}
start_app --chapter 4 --no-causal
sleep 0.5
snap m0
read -r x y < <(center_of token.4)
click_at "$x" "$y"
park_mouse
sleep 0.5
snap m1
changed ch4.figure m0 m1 0.01
read -r x0 y0 x1 y1 < <(rect_of ch4.prefix "$OUT/m1.json")
click_at $((x0 + (x1 - x0) * 15 / 100)) $(((y0 + y1) / 2))
park_mouse
sleep 0.5
snap m2
changed ch4.prefix-lm m1 m2 0.05

read -r x y < <(center_of rects.ch4.section.2)
click_at "$x" "$y"
park_mouse
sleep 0.5
snap p0
read -r x0 y0 x1 y1 < <(rect_of ch4.side "$OUT/p0.json")
click_at $((x0 + (x1 - x0) * 3 / 4)) $(((y0 + y1) / 2))
read -r x y < <(center_of rects.ch4.causal left)
click_at "$x" "$y"
park_mouse
sleep 0.8
snap p1
expect_eq "$(fact mask "$OUT/p1.json")" "causal" "the causal box"
changed ch4.figure p0 p1 0.01
stop_app
echo "ok: token click moves the masked row, prefix slider, left padding with causal"
