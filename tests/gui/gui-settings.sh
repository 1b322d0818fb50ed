#!/usr/bin/env bash
# A corrupt settings file gives defaults and a visible notice, and is kept as
# settings.json.bad; flags still apply; nothing crashes.
source "$(dirname "$0")/gui-lib.sh"
mkdir -p "$XDG_CONFIG_HOME/attnviz"
printf '{"format": "attnviz-settings/1", "request": {"text": ' >"$XDG_CONFIG_HOME/attnviz/settings.json"
cp "$XDG_CONFIG_HOME/attnviz/settings.json" "$OUT/original.txt"
start_app --chapter 7
snap corrupt
expect_eq "$(fact notices "$OUT/corrupt.json")" "1" "notices shown"
expect_eq "$(fact chapter "$OUT/corrupt.json")" "7" "chapter from the flag"
cmp -s "$OUT/original.txt" "$XDG_CONFIG_HOME/attnviz/settings.json.bad" || fail "the corrupt file was not kept as settings.json.bad"
# Dismiss the notice with a real click.
read -r x y < <(center_of rects.notice.dismiss)
click_at "$x" "$y"
park_mouse
snap dismissed
expect_eq "$(fact notices "$OUT/dismissed.json")" "0" "notices after Dismiss"
stop_app
echo "ok: corrupt settings -> defaults + notice + settings.json.bad"
