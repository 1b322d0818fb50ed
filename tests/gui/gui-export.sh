#!/usr/bin/env bash
# Ctrl+E (xdotool) writes the focused heatmap as PNG: into the current directory
# when there is no ~/Pictures, into ~/Pictures/attnviz when there is.
source "$(dirname "$0")/gui-lib.sh"
start_app --chapter 2
read -r x y < <(center_of rects.heatmap)
xdotool mousemove "$x" "$y"
sleep 0.3
xdotool key ctrl+e
sleep 0.5
park_mouse
snap after
shopt -s nullglob
files=("$OUT"/work/attnviz-*.png)
[[ ${#files[@]} -eq 1 ]] || fail "expected one exported PNG in the current directory, found ${#files[@]}"
"$PNG_CHECK" stats "${files[0]}" >/dev/null || fail "the exported PNG is blank"
stop_app

mkdir -p "$HOME/Pictures"
start_app --chapter 0
xdotool key ctrl+e
sleep 0.5
snap after2
files=("$HOME"/Pictures/attnviz/attnviz-*.png)
[[ ${#files[@]} -eq 1 ]] || fail "expected one exported PNG in ~/Pictures/attnviz, found ${#files[@]}"
stop_app
echo "ok: Ctrl+E exports to the current directory, or ~/Pictures/attnviz when it exists"
