#!/usr/bin/env bash
# Chapter 2 with real input: a click on a token changes the step's heatmap
# (the selected row) and the token's numbers; a click on a step shows that
# step's matrix; in "Why √dₖ" the temperature slider redraws the sentence's plot.
source "$(dirname "$0")/gui-lib.sh"
changed() {
  "$PNG_CHECK" diff "$OUT/$2.png" "$OUT/$3.png" $(rect_of "$1" "$OUT/$3.json") --min "$4" >/dev/null ||
    fail "$1 did not change between $2 and $3"
}
start_app --chapter 2
snap s0
expect_eq "$(fact ch2.query "$OUT/s0.json")" "10" "the last token by default"
read -r x y < <(center_of token.2)
click_at "$x" "$y"
park_mouse
snap s1
expect_eq "$(fact ch2.query "$OUT/s1.json")" "2" "query after clicking 'sat'"
changed ch2.figure s0 s1 0.003
changed ch2.numbers s0 s1 0.01
read -r x y < <(center_of rects.ch2.step.3)
click_at "$x" "$y"
park_mouse
snap s2
expect_eq "$(fact ch2.step "$OUT/s2.json")" "3" "step after clicking Q·Kᵀ"
changed ch2.figure s1 s2 0.05

read -r x y < <(center_of rects.ch2.section.1)
click_at "$x" "$y"
park_mouse
sleep 1
snap t0
read -r x0 y0 x1 y1 < <(rect_of ch2.temperature "$OUT/t0.json")
click_at $((x0 + (x1 - x0) * 20 / 100)) $(((y0 + y1) / 2))
park_mouse
sleep 1
snap t1
changed ch2.rows t0 t1 0.005
stop_app
echo "ok: token click moves the numbers, steps switch matrices, temperature redraws the rows"
