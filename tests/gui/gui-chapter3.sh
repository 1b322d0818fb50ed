#!/usr/bin/env bash
# Chapter 3 with real input: a click on a head in the grid focuses it; a click
# on a token changes the pipeline's rows of that token and the one-against-
# several plot.
source "$(dirname "$0")/gui-lib.sh"
changed() {
  "$PNG_CHECK" diff "$OUT/$2.png" "$OUT/$3.png" $(rect_of "$1" "$OUT/$3.json") --min "$4" >/dev/null ||
    fail "$1 did not change between $2 and $3"
}
start_app --chapter 3
sleep 0.5
snap g0
read -r x0 y0 x1 y1 < <(rect_of ch3.figure "$OUT/g0.json")
# The grid's fourth column (head 3) of the first row: cells share the width evenly.
click_at $((x0 + (x1 - x0) * 7 / 16)) $((y0 + (y1 - y0) / 3))
park_mouse
snap g1
expect_eq "$(fact focused_head "$OUT/g1.json")" "3" "head after clicking the grid"
changed ch3.figure g0 g1 0.002

read -r x y < <(center_of rects.ch3.section.1)
click_at "$x" "$y"
park_mouse
snap p0
read -r x y < <(center_of token.2)
click_at "$x" "$y"
park_mouse
snap p1
changed ch3.figure p0 p1 0.003

read -r x y < <(center_of rects.ch3.section.2)
click_at "$x" "$y"
park_mouse
sleep 0.5
snap o0
read -r x y < <(center_of token.7)
click_at "$x" "$y"
park_mouse
sleep 0.5
snap o1
changed ch3.figure o0 o1 0.01

# The induction circuit on random words repeated (the built-in model's second layer).
read -r x y < <(center_of rects.ch3.section.3)
click_at "$x" "$y"
park_mouse
sleep 0.5
snap i
read -r x y < <(center_of rects.ch3.repeat-random)
click_at "$x" "$y"
park_mouse
sleep 1
snap i0
expect_eq "$(fact tokens "$OUT/i0.json")" "14" "seven random words, twice"
expect_eq "$(fact ch3.induction "$OUT/i0.json")" "7/7" "every repeated word finds the word after its earlier copy"
read -r x y < <(center_of token.9)
click_at "$x" "$y"
park_mouse
snap i1
changed ch3.figure i0 i1 0.005
stop_app
echo "ok: grid click focuses a head; token clicks change the pipeline, the one-against-several plot and the induction figure; 7/7 on random repeated words"
