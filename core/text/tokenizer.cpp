// Built-in tokenizer. See SPEC.md "Tokens".
//
// The scan works on code points: the UTF-8 decoder (utf8.h) validates as it
// goes, so a token boundary can only fall between code points and invalid
// input is reported with the offset of the first bad byte.
#include "core/text/tokenizer.h"

#include <cstdio>

#include "core/limits.h"
#include "core/text/utf8.h"
#include "core/types.h"

namespace attnviz {
namespace {

bool IsSpace(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsAsciiAlnum(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
// Word characters: ASCII letters and digits, and every non-ASCII code point
// (so "café", "東京" and "naïve" stay whole, and emoji attach to their word).
bool IsWordChar(char32_t c) { return IsAsciiAlnum(c) || c >= 0x80; }

}  // namespace

std::vector<Token> TokenizeWords(std::string_view text) {
  if (text.size() > kMaxTextBytes) {
    throw InputError("text is " + std::to_string(text.size()) + " bytes; the limit is " +
                     std::to_string(kMaxTextBytes) + " bytes (1 MiB)");
  }
  // Decode everything first: validation errors must not depend on where tokens end.
  struct CodePoint { char32_t c; int start; int len; };
  std::vector<CodePoint> cps;
  cps.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t c;
    const int len = DecodeUtf8(text, i, &c);
    if (len == 0) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[i]));
      throw InputError("text is not valid UTF-8: bad byte " + std::string(byte) + " at byte offset " +
                       std::to_string(i));
    }
    cps.push_back({c, static_cast<int>(i), len});
    i += len;
  }
  std::vector<Token> tokens;
  auto emit = [&](std::size_t first, std::size_t last) {  // code points [first, last)
    const int start = cps[first].start;
    const int end = cps[last - 1].start + cps[last - 1].len;
    tokens.push_back({std::string(text.substr(start, end - start)), start, end, -1});
  };
  const std::size_t n = cps.size();
  std::size_t i = 0;
  while (i < n) {
    const char32_t c = cps[i].c;
    if (IsSpace(c)) { ++i; continue; }
    if (!IsWordChar(c)) { emit(i, i + 1); ++i; continue; }
    std::size_t j = i + 1;
    // An apostrophe belongs to the word only between two word characters ("don't").
    while (j < n && (IsWordChar(cps[j].c) || (cps[j].c == '\'' && j + 1 < n && IsWordChar(cps[j + 1].c)))) ++j;
    emit(i, j);
    i = j;
  }
  return tokens;
}

std::string DisplayToken(std::string_view token_text) {
  // Byte-level BPE tokens may hold part of a code point; such bytes are shown
  // as "\x{E2}" so a chip, a label or an SVG never carries invalid UTF-8.
  std::string out;
  for (std::size_t i = 0; i < token_text.size();) {
    char32_t cp;
    const int len = DecodeUtf8(token_text, i, &cp);
    char buf[16];
    if (len == 0) {
      std::snprintf(buf, sizeof buf, "\\x{%02X}", static_cast<unsigned char>(token_text[i]));
      out += buf;
      i += 1;
    } else if (cp < 0x20 || cp == 0x7F) {
      std::snprintf(buf, sizeof buf, "\\u{%X}", static_cast<unsigned>(cp));
      out += buf;
      i += 1;
    } else {
      out.append(token_text.substr(i, len));
      i += len;
    }
  }
  return out;
}

}  // namespace attnviz
