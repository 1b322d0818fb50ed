// Unicode canonical normalization (NFC, NFD; UAX #15) of code points that
// remember where in the input they came from, for Hugging Face normalizers
// (Qwen2's tokenizer.json has {"type": "NFC"}). The data is generated from
// Python's unicodedata (unicode_tables.h); the algorithm is the standard one:
// full canonical decomposition (Hangul by arithmetic), canonical ordering of
// combining marks, then canonical composition of each starter with the
// unblocked characters that follow it.
#pragma once
#include <vector>

namespace attnviz {

// A code point and the bytes [start, end) of the original text it stands for.
// A character that normalization combines from several inputs covers all of
// them; one that a decomposition splits keeps its source's whole span.
struct SourcedCodePoint {
  char32_t cp = 0;
  int start = 0;
  int end = 0;
};

std::vector<SourcedCodePoint> NormalizeNfd(const std::vector<SourcedCodePoint>& in);
std::vector<SourcedCodePoint> NormalizeNfc(const std::vector<SourcedCodePoint>& in);

}  // namespace attnviz
