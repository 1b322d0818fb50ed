#!/usr/bin/env bash
# Chapter 3's census with real input: on the repeated probe the built-in
# model's induction head leads; a click on the "sink" column header re-sorts
# the table and shows a first-token head's pattern; a click on a row shows
# that head's pattern and focuses it in the chapter.
source "$(dirname "$0")/gui-lib.sh"
changed() {
  "$PNG_CHECK" diff "$OUT/$2.png" "$OUT/$3.png" $(rect_of "$1" "$OUT/$3.json") --min "$4" >/dev/null ||
    fail "$1 did not change between $2 and $3"
}
start_app --chapter 3 --causal
read -r x y < <(center_of rects.ch3.section.4)
click_at "$x" "$y"
park_mouse
sleep 0.5
snap c0
expect_eq "$(fact ch3.census.source "$OUT/c0.json")" "probe" "the census opens on the probe"
expect_eq "$(fact ch3.census.top "$OUT/c0.json")" "L2 H0 induction" "top induction head on the probe"

read -r x y < <(center_of rects.ch3.census.header.2)
click_at "$x" "$y"
park_mouse
sleep 0.5
snap c1
case "$(fact ch3.census.top "$OUT/c1.json")" in
  *first-token) ;;
  *) fail "after a click on the sink header the top head is $(fact ch3.census.top "$OUT/c1.json"), not a first-token head" ;;
esac
changed ch3.census.evidence c0 c1 0.05

read -r x y < <(center_of rects.ch3.census.row.2 left)
click_at "$x" "$y"
park_mouse
snap c2
changed ch3.census.evidence c1 c2 0.05
stop_app
echo "ok: the census ranks the induction head first on the probe; a header click re-sorts by sink; a row click shows another head's pattern"
