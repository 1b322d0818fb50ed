#!/usr/bin/env bash
# Chapter 8 with real input: stepping the tiles back changes the weights known
# so far, the Br slider changes the tiling, a token click changes the linear
# attention's state, and the context slider changes the hybrid memory chart.
source "$(dirname "$0")/gui-lib.sh"
source "$(dirname "$0")/gui-lesson-lib.sh"
start_app --chapter 8 --select 3
sleep 2  # the live benchmark runs once (off the UI thread)
snap start
expect_eq "$(fact chapter "$OUT/start.json")" "8" "chapter"

click_rect flash.prev
click_rect flash.prev
click_rect flash.prev
snap stepped
expect_changed start stepped flash.known 0.01 "stepping back did not hide the tiles not yet computed"

click_rect flash.bq left
snap rows1
expect_changed stepped rows1 flash.known 0.005 "Br = 1 did not change the tiling"

click_rect ch8.section.1
snap linear
click_token 8
snap linear_token
expect_changed linear linear_token linear.state 0.01 "another token did not change the state"

click_rect ch8.section.2
snap hybrid
click_rect hybrid.context left
snap hybrid_short
expect_changed hybrid hybrid_short hybrid.memory 0.002 "the context slider did not move the memory chart's mark"
stop_app
echo "ok: the tile stepper, Br, a token click and the context slider change chapter 8's figures"
