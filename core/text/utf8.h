// UTF-8, decoded strictly and encoded: the one implementation behind the
// built-in tokenizer, the GPT-2 byte-level BPE, token display and the figures'
// fonts. Strict means what Python's str and the Unicode standard accept:
// truncated sequences, stray continuation bytes, overlong forms, surrogates
// (U+D800..U+DFFF) and values past U+10FFFF are all invalid.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace attnviz {

// Decodes the code point starting at text[i] (i < text.size()): returns its
// length in bytes (1..4) and sets *cp, or returns 0 when the bytes at i are not
// valid UTF-8 (then *cp is unspecified).
int DecodeUtf8(std::string_view text, std::size_t i, char32_t* cp);

// The byte offset of the first invalid UTF-8 sequence, or -1 when the text is valid.
long FindInvalidUtf8(std::string_view text);

// Appends cp as UTF-8; cp must be a Unicode scalar value (<= U+10FFFF, not a surrogate).
void AppendUtf8(std::string& out, char32_t cp);

// Where the last code point of valid UTF-8 text starts (0 for empty text): cut
// there to drop one character from the end without splitting it.
std::size_t LastCodePointStart(std::string_view text);

}  // namespace attnviz
