#!/usr/bin/env bash
# Without a display the window says so in one line and exits 1; bad flags exit 2 with one line.
source "$(dirname "$0")/gui-lib.sh"
set +e
env -u DISPLAY -u WAYLAND_DISPLAY "$APP" --chapter 2 >"$OUT/out.txt" 2>"$OUT/err.txt"
rc=$?
set -e
expect_eq "$rc" "1" "exit status without a display"
expect_eq "$(wc -l <"$OUT/err.txt")" "1" "lines on stderr without a display"
grep -q "attnviz trace" "$OUT/err.txt" || fail "the message does not point to attnviz trace: $(cat "$OUT/err.txt")"
[[ ! -s "$OUT/out.txt" ]] || fail "unexpected output on stdout"
for bad in "--chapter 12" "--bogus" "--select x" "--frames 0" "--size 10x10" "--heads 3"; do
  set +e
  # shellcheck disable=SC2086
  "$APP" $bad >"$OUT/out.txt" 2>"$OUT/err.txt"
  rc=$?
  set -e
  expect_eq "$rc" "2" "exit status of attnviz $bad"
  expect_eq "$(wc -l <"$OUT/err.txt")" "1" "lines on stderr for attnviz $bad"
done
echo "ok: no display -> one line, exit 1; bad flags -> one line, exit 2"
