#!/usr/bin/env bash
# Chapter 7 with real input: a token click selects a row in the patterns, the
# window slider changes them, a click on the block-sparse pattern changes the
# receptive-field cone, and a token click moves the cone.
source "$(dirname "$0")/gui-lib.sh"
source "$(dirname "$0")/gui-lesson-lib.sh"
start_app --chapter 7
snap start
expect_eq "$(fact chapter "$OUT/start.json")" "7" "chapter"

click_token 4
snap token
expect_eq "$(fact selected_token "$OUT/token.json")" "4" "selection after clicking token 4"
expect_changed start token sparse.panel0 0.005 "selecting a token did not outline its row"

click_rect sparse.window right
snap wide
expect_changed token wide sparse.panel0 0.01 "a wider window did not change the sliding pattern"

click_rect ch7.section.1
click_rect rf.pattern.1
snap cone
click_rect rf.pattern.3
snap cone_blocks
expect_changed cone cone_blocks rf.cone 0.01 "block-sparse did not change the cone"
click_token 1
snap cone_token
expect_changed cone_blocks cone_token rf.cone 0.01 "another token did not change the cone"

click_rect ch7.section.2
snap cost
click_rect chapter.pattern.1
snap cost_sliding
expect_changed cost cost_sliding cost.plot 0.002 "a sliding mask did not change 'your mask' in the cost plot"
stop_app
echo "ok: token clicks, the window slider and the pattern change chapter 7's figures"
