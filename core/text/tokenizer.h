// The built-in tokenizer (SPEC.md "Tokens"): words are runs of letters, digits,
// apostrophes inside a word and any non-ASCII code point; every other
// non-space character is a token of its own; whitespace is dropped.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

struct Token {
  std::string text;  // the bytes input[start, end)
  int start = 0;     // byte offset in the UTF-8 input
  int end = 0;       // one past the last byte
  int id = -1;       // id in a model's own vocabulary, -1 for the built-in tokenizer
};

// Decodes one code point at text[i] (i < text.size()). Returns its length in
// bytes, or 0 when the sequence is invalid (truncated, bad continuation,
// overlong, surrogate, past U+10FFFF).
int DecodeUtf8(std::string_view text, std::size_t i, char32_t* cp);

// Returns the byte offset of the first invalid UTF-8 sequence, or -1 when valid.
// Rejects overlong forms, surrogates and code points past U+10FFFF.
long FindInvalidUtf8(std::string_view text);

// Throws InputError naming the byte offset for invalid UTF-8, and for text past
// kMaxTextBytes. Does not apply the token limit (the engine does, with context).
std::vector<Token> TokenizeWords(std::string_view text);

// A token as a person should see it on a chip or a figure: control characters
// become "\u{0}"-style escapes, bytes that are not valid UTF-8 (a byte-level
// BPE piece of a code point) become "\x{E2}"; anything else is the text itself.
std::string DisplayToken(std::string_view token_text);

}  // namespace attnviz
