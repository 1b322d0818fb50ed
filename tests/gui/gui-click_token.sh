#!/usr/bin/env bash
# A real mouse click (xdotool) on a token chip selects it and outlines its row
# in chapter 3's focused head (its arcs when that tab is chosen): the figure's
# pixels change; clicking the chip again clears the selection.
source "$(dirname "$0")/gui-lib.sh"
start_app --chapter 3
snap before
expect_eq "$(fact selected_token "$OUT/before.json")" "-1" "selection at start"
expect_eq "$(token_texts "$OUT/before.json" | cut -d' ' -f3)" "sat" "third chip"
read -r x y < <(center_of token.2)
click_at "$x" "$y"
park_mouse
snap after
expect_eq "$(fact selected_token "$OUT/after.json")" "2" "selection after clicking 'sat'"
"$PNG_CHECK" diff "$OUT/before.png" "$OUT/after.png" $(rect_of ch3.focus-view "$OUT/after.json") --min 0.01 ||
  fail "the focused head did not change where it is drawn"
read -r x y < <(center_of token.2)
click_at "$x" "$y"
park_mouse
snap again
expect_eq "$(fact selected_token "$OUT/again.json")" "-1" "selection after clicking 'sat' again"
stop_app
echo "ok: click selects, its row outlined in the focused head, second click clears"
