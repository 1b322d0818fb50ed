#!/usr/bin/env bash
# Chapter 1 with real input: a click on a token re-draws the chain and graph
# (the path's end moves), the example button loads the seed's sentence, and the
# spectral-radius slider re-draws the gradient plot; each compared within the
# chapter's own figure area.
source "$(dirname "$0")/gui-lib.sh"
changed() {  # changed NAME BEFORE AFTER MIN: the figure area differs
  "$PNG_CHECK" diff "$OUT/$2.png" "$OUT/$3.png" $(rect_of "$1" "$OUT/$3.json") --min "$4" >/dev/null ||
    fail "$1 did not change between $2 and $3"
}
start_app --chapter 1
snap path0
expect_eq "$(fact selected_token "$OUT/path0.json")" "-1" "selection at start"
read -r x y < <(center_of token.3)
click_at "$x" "$y"
park_mouse
snap path1
expect_eq "$(fact selected_token "$OUT/path1.json")" "3" "selection after clicking 'on'"
changed ch1.figure path0 path1 0.003

# Ctrl+E over the figure writes the same drawing as a PNG (core's renderer).
read -r x y < <(center_of rects.ch1.figure)
xdotool mousemove "$x" "$y"
sleep 0.3
xdotool key ctrl+e
sleep 0.8
park_mouse
shopt -s nullglob
files=("$OUT"/work/attnviz-path-rnn-vs-attention-*.png)
[[ ${#files[@]} -eq 1 ]] || fail "expected the exported path diagram, found ${#files[@]} files"
"$PNG_CHECK" stats "${files[0]}" >/dev/null || fail "the exported diagram is blank"

read -r x y < <(center_of rects.ch1.example)
click_at "$x" "$y"
park_mouse
sleep 0.5
snap example
expect_eq "$(fact tokens "$OUT/example.json")" "13" "tokens of the example sentence"
expect_eq "$(fact selected_token "$OUT/example.json")" "1" "the example selects 'cat'"

read -r x y < <(center_of rects.ch1.section.1)
click_at "$x" "$y"
park_mouse
snap grad0
read -r x0 y0 x1 y1 < <(rect_of ch1.radius "$OUT/grad0.json")
click_at $((x0 + (x1 - x0) * 85 / 100)) $(((y0 + y1) / 2))
park_mouse
sleep 0.5
snap grad1
changed ch1.figure grad0 grad1 0.01

read -r x y < <(center_of rects.ch1.section.2)
click_at "$x" "$y"
park_mouse
snap cost0
read -r x0 y0 x1 y1 < <(rect_of ch1.n "$OUT/cost0.json")
click_at $((x0 + (x1 - x0) * 90 / 100)) $(((y0 + y1) / 2))
park_mouse
snap cost1
changed ch1.figure cost0 cost1 0.003
stop_app
echo "ok: token click moves the path, example loads, radius and N sliders redraw their plots"
