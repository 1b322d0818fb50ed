// The built-in tokenizer (SPEC.md "Tokens") on arbitrary bytes. Besides "no
// crash, no out-of-bounds read", the spans must be in order, inside the text,
// never empty, hold exactly their bytes and never split a code point; invalid
// UTF-8 is an InputError and FindInvalidUtf8 agrees about it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/limits.h"
#include "core/text/tokenizer.h"
#include "core/types.h"
#include "fuzz_invariant.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const long invalid = attnviz::FindInvalidUtf8(text);
  FUZZ_CHECK(invalid >= -1 && invalid < static_cast<long>(size));
  try {
    const auto tokens = attnviz::TokenizeWords(text);
    FUZZ_CHECK(invalid == -1);
    int prev_end = 0;
    for (const attnviz::Token& t : tokens) {
      FUZZ_CHECK(t.start >= prev_end && t.end > t.start && t.end <= static_cast<int>(size));
      FUZZ_CHECK(t.text == text.substr(t.start, t.end - t.start));
      FUZZ_CHECK(attnviz::FindInvalidUtf8(t.text) == -1);  // whole code points only
      FUZZ_CHECK(!attnviz::DisplayToken(t.text).empty());
      prev_end = t.end;
    }
  } catch (const attnviz::InputError&) {
    // Invalid UTF-8 is the only input error for text within the size limit.
    FUZZ_CHECK(invalid >= 0 || size > attnviz::kMaxTextBytes);
  }
  return 0;
}
