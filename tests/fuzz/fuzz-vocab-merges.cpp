// vocab.json + merges.txt on arbitrary bytes: the input is split at its first
// NUL into the two files (no NUL: all vocab, empty merges). An accepted pair
// must tokenize any text into ids that decode back to the text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/text/bpe.h"
#include "core/types.h"
#include "fuzz_invariant.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = all.find('\0');
  const std::string_view vocab = all.substr(0, nul);
  const std::string_view merges = nul == std::string_view::npos ? std::string_view() : all.substr(nul + 1);
  try {
    const attnviz::BpeTokenizer bpe = attnviz::BpeTokenizer::FromStrings(vocab, merges);
    FUZZ_CHECK(bpe.VocabSize() >= 256);
    // Text that exercises the merges: the merges file itself when it is valid
    // UTF-8 (its symbols' bytes), and a fixed sentence.
    for (std::string_view text : {std::string_view("Hello world, don't  stop! 123 caf\xC3\xA9 \xF0\x9F\x98\x80"),
                                  merges.substr(0, 4096)}) {
      if (attnviz::FindInvalidUtf8(text) >= 0) continue;
      std::string decoded;
      for (const attnviz::Token& t : bpe.Tokenize(text)) {
        FUZZ_CHECK(t.id >= 0 && t.id < bpe.VocabSize());
        FUZZ_CHECK(t.text == text.substr(t.start, t.end - t.start));
        decoded += t.text;
      }
      FUZZ_CHECK(decoded == text);
    }
  } catch (const attnviz::InputError&) {
  }
  return 0;
}
