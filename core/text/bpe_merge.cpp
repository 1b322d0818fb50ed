// The BPE merge loop. See bpe_merge.h.
//
// Both schedules run on one priority queue of candidate merges ordered by
// (rank, position) and a doubly linked list over the symbols, so a long word
// (1 MB without a space) costs O(n log n), not the reference's O(n^2).
#include "core/text/bpe_merge.h"

#include <queue>

namespace attnviz {

void ApplyBpeMerges(const BpeMergeTable& merges, MergeSchedule schedule, std::vector<BpeSymbol>* symbols) {
  std::vector<BpeSymbol>& sym = *symbols;
  const int n = static_cast<int>(sym.size());
  if (n < 2) return;
  std::vector<int> prev(n), next(n);
  std::vector<bool> alive(n, true);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Candidate {
    int rank;
    int pos;     // node index of the left symbol (a merged node keeps its left index,
                 // so node indices stay in text order)
    int merged;  // the id the pair merges into when pushed
    int left_id;  // the pair when pushed
    int right_id;
    bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  auto push_pair = [&](int left) {
    if (left < 0 || next[left] < 0) return;
    if (const BpeMergeTable::Merge* m = merges.Find(sym[left].id, sym[next[left]].id)) {
      queue.push({m->rank, left, m->merged, sym[left].id, sym[next[left]].id});
    }
  };
  // An entry is stale when its left node is gone or is last, or when the pair
  // there changed. Hugging Face's word.rs checks the pair's merged id, not the
  // pair itself, so two pairs with one result ("a bc", "ab c") count as the
  // same candidate there; encoder.py only ever merges the pair it looked up.
  auto current = [&](const Candidate& c) -> bool {
    if (!alive[c.pos] || next[c.pos] < 0) return false;
    const int l = sym[c.pos].id, r = sym[next[c.pos]].id;
    if (schedule == MergeSchedule::kRankPasses) return l == c.left_id && r == c.right_id;
    const BpeMergeTable::Merge* m = merges.Find(l, r);
    return m != nullptr && m->merged == c.merged;
  };
  auto merge_at = [&](int l, int merged) {
    const int r = next[l];
    sym[l].id = merged;
    sym[l].end = sym[r].end;
    alive[r] = false;
    next[l] = next[r];
    if (next[r] >= 0) prev[next[r]] = l;
  };
  for (int i = 0; i + 1 < n; ++i) push_pair(i);

  if (schedule == MergeSchedule::kPairQueue) {
    while (!queue.empty()) {
      const Candidate c = queue.top();
      queue.pop();
      if (!current(c)) continue;
      merge_at(c.pos, c.merged);
      push_pair(prev[c.pos]);
      push_pair(c.pos);
    }
  } else {
    // encoder.py: all occurrences of the lowest-ranked pair in one pass, left to
    // right; the pairs the pass creates are looked at only after it. All entries
    // of one rank are one pair (ranks are unique per pair), popped in position order.
    std::vector<Candidate> pass;
    std::vector<int> merged_nodes;
    while (!queue.empty()) {
      const int rank = queue.top().rank;
      pass.clear();
      while (!queue.empty() && queue.top().rank == rank) {
        pass.push_back(queue.top());
        queue.pop();
      }
      merged_nodes.clear();
      for (const Candidate& c : pass) {
        if (!current(c)) continue;  // stale, or consumed by the previous merge of this pass
        merge_at(c.pos, c.merged);
        merged_nodes.push_back(c.pos);
      }
      for (int l : merged_nodes) {
        if (!alive[l]) continue;
        push_pair(prev[l]);
        push_pair(l);
      }
    }
  }
  std::vector<BpeSymbol> out;
  out.reserve(n);
  for (int i = 0; i >= 0; i = next[i]) out.push_back(sym[i]);
  sym = std::move(out);
}

}  // namespace attnviz
