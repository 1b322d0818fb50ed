// The built-in tokenizer: SPEC.md "Tokens".
#include <catch2/catch.hpp>

#include "core/limits.h"
#include "core/text/tokenizer.h"
#include "core/types.h"

using namespace attnviz;

namespace {
std::vector<std::string> Texts(const std::vector<Token>& t) {
  std::vector<std::string> out;
  for (const Token& k : t) out.push_back(k.text);
  return out;
}
}  // namespace

TEST_CASE("words, punctuation and apostrophes", "[tokenizer]") {
  auto t = TokenizeWords("The cat's toy, isn't it? 'Yes' -- 3.14 rock'n'roll");
  REQUIRE(Texts(t) == std::vector<std::string>{"The", "cat's", "toy", ",", "isn't", "it", "?", "'", "Yes", "'", "-", "-",
                                               "3", ".", "14", "rock'n'roll"});
  REQUIRE(t[0].start == 0);
  REQUIRE(t[0].end == 3);
  REQUIRE(t[1].start == 4);
  REQUIRE(t[1].end == 9);
}

TEST_CASE("byte spans cover exactly the token text and never split a code point", "[tokenizer]") {
  const std::string s = "café 東京 naïve 😀! x";
  auto t = TokenizeWords(s);
  REQUIRE(Texts(t) == std::vector<std::string>{"café", "東京", "naïve", "😀", "!", "x"});
  for (const Token& k : t) REQUIRE(s.substr(k.start, k.end - k.start) == k.text);
}

TEST_CASE("whitespace is dropped; empty text has no tokens", "[tokenizer]") {
  REQUIRE(TokenizeWords("").empty());
  REQUIRE(TokenizeWords(" \t\r\n\f\v ").empty());
  REQUIRE(Texts(TokenizeWords("  a\tb\n")) == std::vector<std::string>{"a", "b"});
}

TEST_CASE("invalid UTF-8 is an error naming the byte offset", "[tokenizer]") {
  const std::vector<std::pair<std::string, int>> bad = {
      {std::string("ok \xC3", 4), 3},              // truncated 2-byte sequence
      {std::string("a\x80", 2), 1},                // stray continuation byte
      {std::string("ab\xC0\xAF", 4), 2},           // overlong '/'
      {std::string("\xED\xA0\x80", 3), 0},         // UTF-16 surrogate
      {std::string("xy\xF4\x90\x80\x80", 6), 2},   // past U+10FFFF
      {std::string("\xFF", 1), 0},
  };
  for (const auto& [text, offset] : bad) {
    REQUIRE(FindInvalidUtf8(text) == offset);
    try {
      TokenizeWords(text);
      FAIL("no error for invalid UTF-8");
    } catch (const InputError& e) {
      REQUIRE_THAT(e.what(), Catch::Contains("byte offset " + std::to_string(offset)));
    }
  }
  REQUIRE(FindInvalidUtf8("plain ascii and é and 😀") == -1);
}

TEST_CASE("NUL and control characters are tokens shown escaped", "[tokenizer]") {
  auto t = TokenizeWords(std::string("a\0b", 3));
  REQUIRE(t.size() == 3);
  REQUIRE(t[1].text == std::string("\0", 1));
  REQUIRE(DisplayToken(t[1].text) == "\\u{0}");
  REQUIRE(DisplayToken("plain") == "plain");
  REQUIRE(DisplayToken("caf\xC3\xA9") == "caf\xC3\xA9");
  // Part of a code point (as a byte-level BPE token can be): escaped, never passed through.
  REQUIRE(DisplayToken("\xE2\x80") == "\\x{E2}\\x{80}");
  REQUIRE(FindInvalidUtf8(DisplayToken("a\xFF\x01b")) == -1);
}

TEST_CASE("text past 1 MiB is refused before tokenizing", "[tokenizer]") {
  std::string big(kMaxTextBytes + 1, 'a');
  REQUIRE_THROWS_AS(TokenizeWords(big), InputError);
  std::string ok(kMaxTextBytes, 'a');
  REQUIRE(TokenizeWords(ok).size() == 1);
}
