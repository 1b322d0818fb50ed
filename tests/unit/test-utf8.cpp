// core/text/utf8.h, the one UTF-8 decoder and encoder: every Unicode scalar
// value round-trips and matches an independent encoding written out here by
// the table of RFC 3629; every kind of invalid sequence is rejected at its
// first byte; the tokenizer and the figures' font agree with it (the BPE's
// invalid-input case is in test-bpe.cpp).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/figure/font.h"
#include "core/text/tokenizer.h"
#include "core/text/utf8.h"
#include "core/types.h"

using namespace attnviz;

namespace {

// RFC 3629, section 3, by hand: the bit patterns of the 1..4 byte forms.
std::string ReferenceEncode(unsigned cp) {
  std::string s;
  if (cp <= 0x7F) {
    s += static_cast<char>(cp);
  } else if (cp <= 0x7FF) {
    s += static_cast<char>(0xC0 + cp / 64);
    s += static_cast<char>(0x80 + cp % 64);
  } else if (cp <= 0xFFFF) {
    s += static_cast<char>(0xE0 + cp / 4096);
    s += static_cast<char>(0x80 + cp / 64 % 64);
    s += static_cast<char>(0x80 + cp % 64);
  } else {
    s += static_cast<char>(0xF0 + cp / 262144);
    s += static_cast<char>(0x80 + cp / 4096 % 64);
    s += static_cast<char>(0x80 + cp / 64 % 64);
    s += static_cast<char>(0x80 + cp % 64);
  }
  return s;
}

}  // namespace

TEST_CASE("UTF-8: every scalar value encodes as RFC 3629 says and decodes back", "[utf8]") {
  long checked = 0, mismatches = 0;
  for (unsigned cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // surrogates are not scalar values
    const std::string want = ReferenceEncode(cp);
    std::string got;
    AppendUtf8(got, static_cast<char32_t>(cp));
    char32_t back = 0;
    const int len = DecodeUtf8(got, 0, &back);
    mismatches += got != want || len != static_cast<int>(want.size()) || back != cp;
    ++checked;
  }
  CHECK(checked == 0x110000 - 0x800);
  CHECK(mismatches == 0);
}

TEST_CASE("UTF-8: invalid sequences are rejected at their first byte", "[utf8]") {
  const std::pair<std::string, long> cases[] = {
      {std::string("ok \x80", 4), 3},             // stray continuation byte
      {std::string("ok \xC3", 4), 3},             // truncated 2-byte form
      {std::string("\xE2\x82", 2), 0},            // truncated 3-byte form
      {std::string("a\xC3(b", 4), 1},             // bad continuation
      {std::string("\xC0\xAF", 2), 0},            // overlong '/'
      {std::string("\xE0\x80\xAF", 3), 0},        // overlong, 3 bytes
      {std::string("\xF0\x80\x80\xAF", 4), 0},    // overlong, 4 bytes
      {std::string("x\xED\xA0\x80", 4), 1},       // U+D800, a surrogate
      {std::string("\xF4\x90\x80\x80", 4), 0},    // U+110000, past the last code point
      {std::string("ab\xF8\x88\x80\x80\x80", 7), 2},  // a 5-byte form
      {std::string("\xFF", 1), 0},
  };
  for (const auto& [text, offset] : cases) {
    INFO("offset " << offset);
    CHECK(FindInvalidUtf8(text) == offset);
    char32_t cp;
    CHECK(DecodeUtf8(text, static_cast<std::size_t>(offset), &cp) == 0);
  }
  CHECK(FindInvalidUtf8("plain, é, 東京, 😀") == -1);
}

TEST_CASE("UTF-8: the tokenizer, token display and the font decoder use the same rule", "[utf8]") {
  const std::string bad("ok \xED\xA0\x80 no");  // a surrogate at byte 3
  CHECK_THROWS_WITH(TokenizeWords(bad), Catch::Contains("at byte offset 3"));
  // The font's lossy decoder replaces each byte of the invalid sequence, keeps the rest.
  const std::vector<char32_t> lossy = figure::DecodeUtf8Lossy(bad);
  CHECK(lossy == std::vector<char32_t>{'o', 'k', ' ', 0xFFFD, 0xFFFD, 0xFFFD, ' ', 'n', 'o'});
  CHECK(figure::EncodeUtf8({0x44, 0xE9, 0x6771, 0x1F600}) == "D\xC3\xA9\xE6\x9D\xB1\xF0\x9F\x98\x80");
  // Display of a byte-level piece: bytes that are no code point on their own show as escapes.
  CHECK(DisplayToken("\xE2\x82") == "\\x{E2}\\x{82}");
}

TEST_CASE("UTF-8: LastCodePointStart never splits a code point", "[utf8]") {
  CHECK(LastCodePointStart("") == 0);
  CHECK(LastCodePointStart("ab") == 1);
  CHECK(LastCodePointStart("a\xC3\xA9") == 1);
  CHECK(LastCodePointStart("\xF0\x9F\x98\x80") == 0);
  std::string s = "naïve 東京😀";
  std::vector<std::string> prefixes;
  while (!s.empty()) {
    s.resize(LastCodePointStart(s));
    CHECK(FindInvalidUtf8(s) == -1);
    prefixes.push_back(s);
  }
  CHECK(prefixes.size() == 9);  // n, a, ï, v, e, space, 東, 京, 😀
}
