// GPT-2 byte-level BPE on arbitrary text, with the tiny vocabulary of
// tests/data/gpt2 (all 256 byte symbols and merges that fire often). The
// pre-tokenizer's spans must tile the text; the tokens must tile each span and
// decode back to exactly the input bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/limits.h"
#include "core/text/bpe.h"
#include "core/types.h"
#include "fuzz_invariant.h"

namespace {
const attnviz::BpeTokenizer& Tiny() {
  static const attnviz::BpeTokenizer t = attnviz::BpeTokenizer::FromFiles(
      ATTNVIZ_TEST_DATA_DIR "/gpt2/tiny_vocab.json", ATTNVIZ_TEST_DATA_DIR "/gpt2/tiny_merges.txt");
  return t;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const attnviz::BpeTokenizer& bpe = Tiny();
  try {
    const auto spans = attnviz::SplitGpt2Pieces(text);
    int pos = 0;
    for (const attnviz::TextSpan& s : spans) {
      FUZZ_CHECK(s.start == pos && s.end > s.start);
      pos = s.end;
    }
    FUZZ_CHECK(pos == static_cast<int>(size));
    const auto tokens = bpe.Tokenize(text);
    std::string decoded;
    pos = 0;
    for (const attnviz::Token& t : tokens) {
      FUZZ_CHECK(t.start == pos && t.end > t.start);
      FUZZ_CHECK(t.id >= 0 && t.id < bpe.VocabSize());
      FUZZ_CHECK(bpe.DecodeBytes(t.id) == t.text);
      decoded += t.text;
      pos = t.end;
    }
    FUZZ_CHECK(decoded == text);
  } catch (const attnviz::InputError&) {
    // Invalid UTF-8 and text past the size limit are the only reasons text is refused.
    FUZZ_CHECK(attnviz::FindInvalidUtf8(text) >= 0 || size > attnviz::kMaxTextBytes);
  }
  return 0;
}
