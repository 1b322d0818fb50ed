#!/usr/bin/env bash
# Chapter 5 with real input: Shuffle re-runs the permutation (the shuffled
# heatmap changes), positions on changes the put-back heatmap, dragging a chip
# reorders the tokens, a token click moves RoPE's highlighted vector, and the
# ALiBi repeat slider changes the extrapolation plot.
source "$(dirname "$0")/gui-lib.sh"
source "$(dirname "$0")/gui-lesson-lib.sh"
start_app --chapter 5 --select 3
snap start
expect_eq "$(fact chapter "$OUT/start.json")" "5" "chapter"

# Permutation, on a head that reads content (without positions the position
# heads are uniform): Shuffle changes the order, so the shuffled heatmap changes.
click_rect head.3
snap start
click_rect perm.shuffle
snap shuffled
expect_changed start shuffled perm.shuffled 0.01 "Shuffle did not change the shuffled heatmap"

# Drag the first chip onto the fourth: a new order, a new shuffled heatmap.
drag_rect perm.chip.0 perm.chip.3
snap dragged
expect_changed shuffled dragged perm.shuffled 0.01 "dragging a chip did not reorder the shuffled heatmap"

# The previous-token head: uniform without positions; with them the shuffled
# sentence, put back in order, no longer matches the original.
click_rect head.0
snap positions_off
click_rect perm.positions.1
snap positions_on
expect_changed positions_off positions_on perm.put_back 0.01 "positions on did not change the put-back heatmap"

# RoPE: clicking another token moves the highlighted query vector.
click_rect ch5.section.2
snap rope
click_token 6
snap rope_token
expect_eq "$(fact selected_token "$OUT/rope_token.json")" "6" "selection after clicking token 6"
expect_changed rope rope_token rope.pair0 0.002 "the selected token's vector did not move"

# ALiBi: the repeat slider changes the extrapolation plot.
click_rect ch5.section.3
snap alibi
click_rect alibi.repeat right
snap alibi_repeat
expect_changed alibi alibi_repeat alibi.plot 0.002 "the repeat slider did not change the plot"
stop_app
echo "ok: shuffle, drag, positions on, token click and slider each change chapter 5's figures"
