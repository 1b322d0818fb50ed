// The built-in tokenizer (SPEC.md "Tokens"): words are runs of letters, digits,
// apostrophes inside a word and any non-ASCII code point; every other
// non-space character is a token of its own; whitespace is dropped.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/text/utf8.h"  // FindInvalidUtf8

namespace attnviz {

struct Token {
  std::string text;  // what the token stands for: the bytes input[start, end) for the
                     // built-in and GPT-2 tokenizers; for a tokenizer.json one, the
                     // bytes a decoder writes for it (HfTokenizer::TokenBytes: "▁the" is
                     // " the", NFC's output for decomposed input, a special token's
                     // content, with an empty span for one the post-processor adds)
  int start = 0;     // byte offset in the UTF-8 input
  int end = 0;       // one past the last byte
  int id = -1;       // id in a model's own vocabulary, -1 for the built-in tokenizer
};

// Throws InputError naming the byte offset for invalid UTF-8, and for text past
// kMaxTextBytes. Does not apply the token limit (the engine does, with context).
std::vector<Token> TokenizeWords(std::string_view text);

// A token as a person should see it on a chip or a figure: control characters
// become "\u{0}"-style escapes, bytes that are not valid UTF-8 (a byte-level
// BPE piece of a code point) become "\x{E2}"; anything else is the text itself.
std::string DisplayToken(std::string_view token_text);

}  // namespace attnviz
