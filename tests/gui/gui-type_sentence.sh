#!/usr/bin/env bash
# Typing into the sentence box (xdotool) recomputes: the token strip changes.
source "$(dirname "$0")/gui-lib.sh"
start_app --chapter 1
snap before
read -r x y < <(center_of rects.sentence)
click_at "$x" "$y"
xdotool key ctrl+a
sleep 0.4
xdotool type --delay 30 "Attention is all you need"
park_mouse
sleep 0.5
snap after
expect_eq "$(token_texts "$OUT/after.json")" "Attention is all you need" "tokens after typing"
expect_eq "$(fact tokens "$OUT/after.json")" "5" "token count after typing"
"$PNG_CHECK" diff "$OUT/before.png" "$OUT/after.png" $(rect_of token_strip "$OUT/after.json") --min 0.02 ||
  fail "the token strip did not change"
stop_app
# The last sentence persists (settings saved at exit).
grep -q '"text": "Attention is all you need"' "$XDG_CONFIG_HOME/attnviz/settings.json" ||
  fail "the sentence was not saved in $XDG_CONFIG_HOME/attnviz/settings.json"
echo "ok: typing recomputes the tokens, and the sentence is saved"
