#!/usr/bin/env bash
# Every chapter and the Playground, reached with the real number keys, gives a
# non-blank screenshot that differs from every other one; --chapter N
# --screenshot FILE works on its own and exits 0.
source "$(dirname "$0")/gui-lib.sh"
start_app --chapter 1 --select 2
chapters="1 2 3 4 5 6 7 8 0"
for c in $chapters; do
  xdotool key "$c"
  sleep 0.3
  snap "chapter$c"
  expect_eq "$(fact chapter "$OUT/chapter$c.json")" "$c" "chapter after pressing $c"
  "$PNG_CHECK" stats "$OUT/chapter$c.png" >/dev/null || fail "chapter $c screenshot is blank"
done
# PgUp from the Playground goes back to chapter 8.
xdotool key Prior
sleep 0.3
snap pgup
expect_eq "$(fact chapter "$OUT/pgup.json")" "8" "chapter after PgUp from the Playground"
for a in $chapters; do
  for b in $chapters; do
    [[ "$a" < "$b" ]] || continue
    "$PNG_CHECK" diff "$OUT/chapter$a.png" "$OUT/chapter$b.png" --min 0.002 >/dev/null ||
      fail "chapters $a and $b look the same"
  done
done
stop_app

(cd "$OUT/work" && "$APP" --chapter 5 --screenshot "$OUT/direct.png" --size 1280x800) || fail "--screenshot exited non-zero"
"$PNG_CHECK" stats "$OUT/direct.png" | grep -q "^1280x800 " || fail "--screenshot wrote the wrong size"
"$PNG_CHECK" diff "$OUT/direct.png" "$OUT/direct.png" --max 0 >/dev/null
echo "ok: 9 distinct non-blank screens, keys 0-8 and PgUp, --screenshot"
