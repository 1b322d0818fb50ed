// A small backtracking regular expression engine over code points, for the
// pre-tokenizer and normalizer patterns of Hugging Face tokenizer.json files.
// Hugging Face's tokenizers library runs those patterns with Oniguruma; this
// engine follows Oniguruma's (Perl-style) semantics for the constructs those
// files use, and refuses anything else with one line naming the construct:
//
//   alternation a|b, groups (...) (?:...) (?i:...) (?-i:...) (?i) (?<name>...)
//   lookahead (?=...) (?!...)
//   classes [...] [^...] with ranges, nested classes and escapes; '.' (not '\n')
//   \p{L} \p{Lu} \p{M} \p{N} \p{Nd} ... (every general category, short or long
//   name, \P{..} and \p{^..} negated), \s \S \d \D \w \W, \r \n \t \f \v \a \e,
//   \xHH \x{H...} \uHHHH, an escaped punctuation character
//   quantifiers ? * + {m} {m,} {m,n} {,n}, greedy or lazy (a trailing '?')
//   anchors ^ $ (line) \A \z (text)
//
// Matching is leftmost-first, greedy, with backtracking, as in Oniguruma: the
// first alternative that lets the whole pattern match wins. \s is the Unicode
// White_Space property, \d is \p{Nd}, \w is letters, marks, decimal digits and
// connector punctuation (Oniguruma's Unicode definitions). (?i) compares simple
// case folds (unicode_tables.h).
//
// The work is bounded: a match that needs more backtracking steps than a budget
// proportional to the text (or nests repeated groups too deeply) throws
// InputError instead of running for minutes on a hostile pattern.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

class CodePointRegex {
 public:
  // Compiles a UTF-8 pattern. `what` names the pattern in messages
  // ("tokenizer.json: pre_tokenizer Split pattern"). Throws InputError with
  // one line: the construct that is not supported or malformed and its
  // position (in characters from 0).
  static CodePointRegex Compile(std::string_view pattern, std::string_view what);

  // A pattern that matches the text `literal` exactly (Split's {"String": ...}).
  static CodePointRegex Literal(std::u32string_view literal);

  struct Match {
    int start = 0;  // code point indices into the text
    int end = 0;
  };

  // Every non-overlapping match, left to right, as Oniguruma's search loop
  // finds them: after an empty match the search resumes one character later.
  std::vector<Match> FindAll(std::u32string_view text) const;

  const std::string& Pattern() const { return pattern_; }

  // [SECTION] Compiled form (public for the matcher in the .cpp file only)
  enum class Op : std::uint8_t { Empty, Set, Literal, Seq, Alt, Repeat, LookAhead, NegLookAhead, LineStart, LineEnd, TextStart, TextEnd };
  struct SetItem {
    enum Kind : std::uint8_t { Range, Categories, Space, Word, Digit, Any } kind = Range;
    bool negated = false;
    char32_t lo = 0, hi = 0;      // Range
    std::uint32_t categories = 0; // Categories: bit i = GeneralCategory i
  };
  struct CharSet {
    std::vector<SetItem> items;
    bool negated = false;
    bool fold = false;            // case-insensitive
    std::uint64_t ascii[2] = {0, 0};  // membership of code points < 128, precomputed
  };
  struct Node {
    Op op = Op::Empty;
    bool greedy = true;
    bool fold = false;            // Literal: case-insensitive
    int min = 0, max = 0;         // Repeat; max < 0 = unbounded
    int set = -1;                 // Set: index into sets_
    std::u32string text;          // Literal (folded when fold)
    std::vector<int> kids;        // Seq, Alt, Repeat (one), lookaheads (one)
  };

 private:
  friend class RegexMatcher;
  friend class RegexParser;
  std::string pattern_;
  std::vector<Node> nodes_;
  std::vector<CharSet> sets_;
  int root_ = 0;
};

}  // namespace attnviz
