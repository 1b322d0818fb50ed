#!/usr/bin/env bash
# Chapter 6 with real input: stepping generation back changes the cache and the
# work plot, choosing G = 1 changes the head's difference from MHA, the context
# slider changes the memory chart, the MLA rank slider changes the rebuilt head,
# and the sinks' window slider changes the row plot.
source "$(dirname "$0")/gui-lib.sh"
source "$(dirname "$0")/gui-lesson-lib.sh"
start_app --chapter 6 --select 3
snap start
expect_eq "$(fact chapter "$OUT/start.json")" "6" "chapter"

click_rect gen.prev
click_rect gen.prev
snap stepped
expect_changed start stepped gen.work 0.002 "stepping back did not move the work plot's marker"
expect_changed start stepped gen.K 0.01 "stepping back did not shrink the K cache"

click_rect ch6.section.1
snap gqa
click_rect gqa.groups.3
snap gqa_mqa
expect_changed gqa gqa_mqa gqa.diff 0.01 "G = 1 did not change the head's difference from MHA"

click_rect ch6.section.2
snap memory
click_rect memory.context left
snap memory_short
expect_changed memory memory_short memory.chart 0.002 "the context slider did not move the chart's mark"

click_rect ch6.section.3
sleep 1
snap mla
click_rect mla.rank left
sleep 1
snap mla_low
expect_changed mla mla_low mla.compressed 0.01 "a low rank did not change the rebuilt head"

click_rect ch6.section.4
snap sinks
click_rect sinks.window left
snap sinks_small
expect_changed sinks sinks_small sinks.plot 0.01 "a smaller window did not change the row plot"
stop_app
echo "ok: stepper, grouping, context, rank and window each change chapter 6's figures"
