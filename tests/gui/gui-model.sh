#!/usr/bin/env bash
# Loading a GPT-2 checkpoint from the controls' path box (xdotool): a tiny one
# written by make_checkpoint is typed in and entered; the window swaps to it
# (the trace's model, 2 layers x 4 heads), the next-token panel appears beside
# the sentence and follows the typed text; a broken checkpoint leaves the
# loaded model on screen with a message naming the file; recents are saved.
source "$(dirname "$0")/gui-lib.sh"
MAKE_CHECKPOINT=${MAKE_CHECKPOINT:?set by tests/gui/CMakeLists.txt}
"$MAKE_CHECKPOINT" "$OUT/tiny" --preset tiny --seed 5 >/dev/null || fail "make_checkpoint failed"
cp -r "$OUT/tiny" "$OUT/broken"
rm "$OUT/broken/model.safetensors"

# snap_until NAME FACT VALUE: screenshots until the layout fact has that value (loading is asynchronous).
snap_until() {
  for _ in $(seq 1 40); do
    snap "$1"
    [[ "$(fact "$2" "$OUT/$1.json")" == "$3" ]] && return 0
    sleep 0.25
  done
  fail "$2 never became '$3' (last: '$(fact "$2" "$OUT/$1.json")')"
}

type_in_path_box() {
  read -r x y < <(center_of rects.control.model_path)
  click_at "$x" "$y"
  xdotool key ctrl+a
  sleep 0.2
  xdotool type --delay 10 "$1"
  xdotool key Return
  park_mouse
}

start_app --chapter 1 --text "The cat sat on the mat"
snap before
expect_eq "$(fact next_tokens "$OUT/before.json")" "0" "next tokens of the built-in model"
expect_eq "$(fact trace_model "$OUT/before.json")" "builtin" "model before"

type_in_path_box "$OUT/tiny"
snap_until loaded trace_model "$OUT/tiny"
expect_eq "$(fact next_tokens "$OUT/loaded.json")" "10" "next tokens of the checkpoint"
expect_eq "$(fact model_error "$OUT/loaded.json")" "" "load error"
rect_of next_token "$OUT/loaded.json" >/dev/null || fail "no next-token panel after loading"
"$PNG_CHECK" stats "$OUT/loaded.png" >/dev/null || fail "blank screenshot after loading"
"$PNG_CHECK" diff "$OUT/before.png" "$OUT/loaded.png" $(rect_of next_token "$OUT/loaded.json") --min 0.02 ||
  fail "the next-token panel did not appear"
"$PNG_CHECK" diff "$OUT/before.png" "$OUT/loaded.png" $(rect_of token_strip "$OUT/loaded.json") --min 0.02 ||
  fail "the token strip did not change to the checkpoint's tokens"

# Typing into the sentence updates the panel.
read -r x y < <(center_of rects.sentence)
click_at "$x" "$y"
xdotool key End
xdotool type --delay 30 " and"
park_mouse
snap_until typed tokens "$(( $(fact tokens "$OUT/loaded.json") + 1 ))"
"$PNG_CHECK" diff "$OUT/loaded.png" "$OUT/typed.png" $(rect_of next_token "$OUT/typed.json") --min 0.005 ||
  fail "the next-token panel did not follow the typed text"

# A broken checkpoint: the message names the file, the loaded model stays.
type_in_path_box "$OUT/broken"
snap_until broken model_loading ""
sleep 0.5
snap broken
[[ "$(fact model_error "$OUT/broken.json")" == *"model.safetensors"* ]] ||
  fail "the load error does not name model.safetensors: '$(fact model_error "$OUT/broken.json")'"
expect_eq "$(fact trace_model "$OUT/broken.json")" "$OUT/tiny" "model after a failed load"
rect_of control.model_error "$OUT/broken.json" >/dev/null || fail "no error message under the path box"
stop_app
grep -q "\"$OUT/tiny\"" "$XDG_CONFIG_HOME/attnviz/settings.json" || fail "the checkpoint is not in the saved recent models"
echo "ok: a checkpoint loads from the path box, the next-token panel follows the text, a broken one keeps the model"
