// The BPE merge loop shared by GPT-2's tokenizer (core/text/bpe.h) and the
// tokenizer.json tokenizers (core/text/hf_tokenizer.h): a word starts as a
// list of symbols (bytes or characters, as vocabulary ids) and adjacent pairs
// are merged by rank until no pair has one.
//
// Two schedules exist in the wild and differ only for merge lists whose ranks
// are not in creation order (never in a trained file, possible in a
// hand-written one):
//   kRankPasses   OpenAI's encoder.py: take the lowest-ranked pair present and
//                 merge every occurrence of it, left to right, then look again.
//   kPairQueue    Hugging Face tokenizers (models/bpe/word.rs merge_all): one
//                 queue of (rank, position) entries; pop the lowest, merge it,
//                 and push the pairs it forms with its neighbours at once.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace attnviz {

// (left id, right id) -> (rank, merged id).
class BpeMergeTable {
 public:
  struct Merge {
    int rank;
    int merged;
  };
  static std::uint64_t Key(int left, int right) {
    return (std::uint64_t(std::uint32_t(left)) << 32) | std::uint32_t(right);
  }
  // Later insertions of the same pair replace earlier ones (as a Rust HashMap
  // collected from the merge list does).
  void Set(int left, int right, Merge m) { map_[Key(left, right)] = m; }
  const Merge* Find(int left, int right) const {
    const auto it = map_.find(Key(left, right));
    return it == map_.end() ? nullptr : &it->second;
  }
  bool Contains(int left, int right) const { return map_.count(Key(left, right)) != 0; }
  std::size_t Size() const { return map_.size(); }
  void Reserve(std::size_t n) { map_.reserve(n); }

 private:
  std::unordered_map<std::uint64_t, Merge> map_;
};

// One symbol of a word: its id and what it covers, [start, end) in whatever
// units the caller tracks (bytes of the piece, bytes of the original text).
// A merge keeps the left symbol's start and the right one's end.
struct BpeSymbol {
  int id;
  int start;
  int end;
};

enum class MergeSchedule { kRankPasses, kPairQueue };

// Merges `symbols` in place until no adjacent pair is in `merges`.
void ApplyBpeMerges(const BpeMergeTable& merges, MergeSchedule schedule, std::vector<BpeSymbol>* symbols);

}  // namespace attnviz
