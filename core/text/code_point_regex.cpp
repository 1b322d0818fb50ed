// The code point regex engine. See code_point_regex.h.
//
// Index
//   [SECTION] Character classes
//   [SECTION] Parser
//   [SECTION] Matcher
//
// The matcher is a recursive backtracker in continuation-passing style: to
// match node N at position p, then "the rest", it calls Run(N, p, rest) where
// `rest` is a stack-allocated linked list of what remains (the next children
// of enclosing sequences, further iterations of enclosing repeats). A repeat of
// a single-character node (\p{L}+, \s*, [^\r\n]?) counts its run first and
// then backs off one character at a time in a loop, so the recursion depth
// depends on the pattern, not on the length of a word; only a repeated group
// nests once per iteration, and that depth is bounded.
#include "core/text/code_point_regex.h"

#include <algorithm>
#include <cstdio>

#include "core/text/unicode_tables.h"
#include "core/text/utf8.h"
#include "core/types.h"

namespace attnviz {

// [SECTION] Character classes

namespace {

constexpr std::size_t kMaxPatternLength = 4000;

using Gc = GeneralCategory;

constexpr std::uint32_t Bit(Gc c) { return std::uint32_t(1) << static_cast<int>(c); }

// \p{...} names: the one- and two-letter general categories, their long
// names, and a few Oniguruma aliases. Lookup ignores case, spaces, '_' and '-'.
struct CategoryName {
  const char* name;
  std::uint32_t mask;
};
constexpr std::uint32_t kL = Bit(Gc::Lu) | Bit(Gc::Ll) | Bit(Gc::Lt) | Bit(Gc::Lm) | Bit(Gc::Lo);
constexpr std::uint32_t kM = Bit(Gc::Mn) | Bit(Gc::Mc) | Bit(Gc::Me);
constexpr std::uint32_t kN = Bit(Gc::Nd) | Bit(Gc::Nl) | Bit(Gc::No);
constexpr std::uint32_t kP = Bit(Gc::Pc) | Bit(Gc::Pd) | Bit(Gc::Ps) | Bit(Gc::Pe) | Bit(Gc::Pi) | Bit(Gc::Pf) | Bit(Gc::Po);
constexpr std::uint32_t kS = Bit(Gc::Sm) | Bit(Gc::Sc) | Bit(Gc::Sk) | Bit(Gc::So);
constexpr std::uint32_t kZ = Bit(Gc::Zs) | Bit(Gc::Zl) | Bit(Gc::Zp);
constexpr std::uint32_t kC = Bit(Gc::Cc) | Bit(Gc::Cf) | Bit(Gc::Cs) | Bit(Gc::Co) | Bit(Gc::Cn);
constexpr CategoryName kCategoryNames[] = {
    {"l", kL}, {"letter", kL}, {"lu", Bit(Gc::Lu)}, {"uppercaseletter", Bit(Gc::Lu)},
    {"ll", Bit(Gc::Ll)}, {"lowercaseletter", Bit(Gc::Ll)}, {"lt", Bit(Gc::Lt)}, {"titlecaseletter", Bit(Gc::Lt)},
    {"lm", Bit(Gc::Lm)}, {"modifierletter", Bit(Gc::Lm)}, {"lo", Bit(Gc::Lo)}, {"otherletter", Bit(Gc::Lo)},
    {"lc", Bit(Gc::Lu) | Bit(Gc::Ll) | Bit(Gc::Lt)}, {"l&", Bit(Gc::Lu) | Bit(Gc::Ll) | Bit(Gc::Lt)},
    {"casedletter", Bit(Gc::Lu) | Bit(Gc::Ll) | Bit(Gc::Lt)},
    {"m", kM}, {"mark", kM}, {"combiningmark", kM}, {"mn", Bit(Gc::Mn)}, {"nonspacingmark", Bit(Gc::Mn)},
    {"mc", Bit(Gc::Mc)}, {"spacingmark", Bit(Gc::Mc)}, {"me", Bit(Gc::Me)}, {"enclosingmark", Bit(Gc::Me)},
    {"n", kN}, {"number", kN}, {"nd", Bit(Gc::Nd)}, {"decimalnumber", Bit(Gc::Nd)},
    {"nl", Bit(Gc::Nl)}, {"letternumber", Bit(Gc::Nl)}, {"no", Bit(Gc::No)}, {"othernumber", Bit(Gc::No)},
    {"p", kP}, {"punctuation", kP}, {"pc", Bit(Gc::Pc)}, {"connectorpunctuation", Bit(Gc::Pc)},
    {"pd", Bit(Gc::Pd)}, {"dashpunctuation", Bit(Gc::Pd)}, {"ps", Bit(Gc::Ps)}, {"openpunctuation", Bit(Gc::Ps)},
    {"pe", Bit(Gc::Pe)}, {"closepunctuation", Bit(Gc::Pe)}, {"pi", Bit(Gc::Pi)}, {"initialpunctuation", Bit(Gc::Pi)},
    {"pf", Bit(Gc::Pf)}, {"finalpunctuation", Bit(Gc::Pf)}, {"po", Bit(Gc::Po)}, {"otherpunctuation", Bit(Gc::Po)},
    {"s", kS}, {"symbol", kS}, {"sm", Bit(Gc::Sm)}, {"mathsymbol", Bit(Gc::Sm)},
    {"sc", Bit(Gc::Sc)}, {"currencysymbol", Bit(Gc::Sc)}, {"sk", Bit(Gc::Sk)}, {"modifiersymbol", Bit(Gc::Sk)},
    {"so", Bit(Gc::So)}, {"othersymbol", Bit(Gc::So)},
    {"z", kZ}, {"separator", kZ}, {"zs", Bit(Gc::Zs)}, {"spaceseparator", Bit(Gc::Zs)},
    {"zl", Bit(Gc::Zl)}, {"lineseparator", Bit(Gc::Zl)}, {"zp", Bit(Gc::Zp)}, {"paragraphseparator", Bit(Gc::Zp)},
    {"c", kC}, {"other", kC}, {"cc", Bit(Gc::Cc)}, {"control", Bit(Gc::Cc)}, {"cf", Bit(Gc::Cf)}, {"format", Bit(Gc::Cf)},
    {"cs", Bit(Gc::Cs)}, {"surrogate", Bit(Gc::Cs)}, {"co", Bit(Gc::Co)}, {"privateuse", Bit(Gc::Co)},
    {"cn", Bit(Gc::Cn)}, {"unassigned", Bit(Gc::Cn)}, {"any", 0xFFFFFFFFu},
};

// Oniguruma's Unicode \w: Letter | Mark | Decimal_Number | Connector_Punctuation.
constexpr std::uint32_t kWordCategories = kL | kM | Bit(Gc::Nd) | Bit(Gc::Pc);

bool ItemHas(const CodePointRegex::SetItem& it, char32_t c, Gc gc) {
  bool in = false;
  switch (it.kind) {
    case CodePointRegex::SetItem::Range: in = c >= it.lo && c <= it.hi; break;
    case CodePointRegex::SetItem::Categories: in = (it.categories >> static_cast<int>(gc)) & 1u; break;
    case CodePointRegex::SetItem::Space: in = IsUnicodeWhiteSpace(c); break;
    case CodePointRegex::SetItem::Word: in = (kWordCategories >> static_cast<int>(gc)) & 1u; break;
    case CodePointRegex::SetItem::Digit: in = gc == Gc::Nd; break;
    case CodePointRegex::SetItem::Any: in = c != U'\n'; break;
  }
  return in != it.negated;
}

bool SetHasSlow(const CodePointRegex::CharSet& s, char32_t c) {
  const Gc gc = GeneralCategoryOf(c);
  bool in = false;
  for (const auto& it : s.items) {
    if (ItemHas(it, c, gc)) {
      in = true;
      break;
    }
  }
  if (!in && s.fold) {
    // (?i) on a class: also try the character's fold and, for ASCII, its
    // other case ([a-z] then takes 'K'; the long s takes 's'-ranges).
    char32_t alts[2] = {SimpleCaseFold(c), c};
    if (c < 128 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) alts[1] = c ^ 0x20;
    for (char32_t a : alts) {
      if (a == c) continue;
      const Gc agc = GeneralCategoryOf(a);
      for (const auto& it : s.items) {
        if (ItemHas(it, a, agc)) {
          in = true;
          break;
        }
      }
      if (in) break;
    }
  }
  return in != s.negated;
}

void PrecomputeAscii(CodePointRegex::CharSet* s) {
  s->ascii[0] = s->ascii[1] = 0;
  for (char32_t c = 0; c < 128; ++c) {
    if (SetHasSlow(*s, c)) s->ascii[c >> 6] |= std::uint64_t(1) << (c & 63);
  }
}

inline bool SetHas(const CodePointRegex::CharSet& s, char32_t c) {
  if (c < 128) return (s.ascii[c >> 6] >> (c & 63)) & 1u;
  return SetHasSlow(s, c);
}

}  // namespace

// [SECTION] Parser

class RegexParser {
 public:
  RegexParser(std::u32string p, std::string_view what, CodePointRegex* re) : p_(std::move(p)), what_(what), re_(re) {}

  void Parse() {
    re_->root_ = ParseAlt(false);
    if (i_ < p_.size()) Fail("unmatched ')'");
  }

 private:
  using Op = CodePointRegex::Op;
  using Node = CodePointRegex::Node;
  using SetItem = CodePointRegex::SetItem;
  using CharSet = CodePointRegex::CharSet;

  [[noreturn]] void Fail(const std::string& problem) const { FailAt(problem, i_); }
  [[noreturn]] void FailAt(const std::string& problem, std::size_t at) const {
    throw InputError(what_ + ": " + problem + " at character " + std::to_string(at) + " of the pattern");
  }

  bool AtEnd() const { return i_ >= p_.size(); }
  char32_t Peek(std::size_t k = 0) const { return i_ + k < p_.size() ? p_[i_ + k] : 0; }

  int Add(Node n) {
    if (re_->nodes_.size() > 100000) Fail("pattern too large");
    re_->nodes_.push_back(std::move(n));
    return static_cast<int>(re_->nodes_.size()) - 1;
  }
  int AddSet(CharSet s) {
    s.fold = fold_;
    PrecomputeAscii(&s);
    re_->sets_.push_back(std::move(s));
    Node n;
    n.op = Op::Set;
    n.set = static_cast<int>(re_->sets_.size()) - 1;
    return Add(std::move(n));
  }

  // alternation := sequence ('|' sequence)*
  int ParseAlt(bool in_group) {
    if (++depth_ > 200) Fail("groups nested more than 200 deep");
    const bool saved_fold = fold_;  // (?i) inside a group ends with the group
    std::vector<int> alts{ParseSeq(in_group)};
    while (!AtEnd() && Peek() == U'|') {
      ++i_;
      alts.push_back(ParseSeq(in_group));
    }
    fold_ = saved_fold;
    --depth_;
    if (alts.size() == 1) return alts[0];
    Node n;
    n.op = Op::Alt;
    n.kids = std::move(alts);
    return Add(std::move(n));
  }

  int ParseSeq(bool in_group) {
    std::vector<int> items;
    while (!AtEnd() && Peek() != U'|') {
      if (Peek() == U')') {
        if (!in_group) Fail("unmatched ')'");
        break;
      }
      const int atom = ParseAtom();
      if (atom < 0) continue;  // (?i) and the like: no node
      const int item = ParseQuantifiers(atom);
      // Adjacent unquantified literals of one case mode become one node: the
      // matcher's recursion depth grows with the number of nodes in a sequence.
      if (!items.empty() && item == atom && re_->nodes_[item].op == Op::Literal &&
          re_->nodes_[items.back()].op == Op::Literal && re_->nodes_[items.back()].fold == re_->nodes_[item].fold) {
        re_->nodes_[items.back()].text += re_->nodes_[item].text;
        continue;
      }
      items.push_back(item);
    }
    if (items.size() == 1) return items[0];
    Node n;
    n.op = items.empty() ? Op::Empty : Op::Seq;
    n.kids = std::move(items);
    return Add(std::move(n));
  }

  // Reads {m}, {m,}, {m,n} or {,n} at i_ (which is at '{'); false (i_
  // unchanged) when the text is not a quantifier, which Oniguruma then reads
  // as a literal '{'.
  bool ReadBraces(int* min, int* max) {
    std::size_t k = i_ + 1;
    auto number = [&](long* v) {
      const std::size_t from = k;
      *v = 0;
      while (k < p_.size() && p_[k] >= U'0' && p_[k] <= U'9') {
        *v = *v * 10 + (p_[k] - U'0');
        if (*v > 100000) FailAt("repeat count above 100000", from);
        ++k;
      }
      return k > from;
    };
    long lo = 0, hi = 0;
    const bool has_lo = number(&lo);
    if (k < p_.size() && p_[k] == U'}') {
      if (!has_lo) return false;
      *min = *max = static_cast<int>(lo);
      i_ = k + 1;
      return true;
    }
    if (k >= p_.size() || p_[k] != U',') return false;
    ++k;
    const bool has_hi = number(&hi);
    if (k >= p_.size() || p_[k] != U'}') return false;
    if (!has_lo && !has_hi) return false;
    *min = static_cast<int>(lo);
    *max = has_hi ? static_cast<int>(hi) : -1;
    if (has_hi && hi < lo) FailAt("repeat range {" + std::to_string(lo) + "," + std::to_string(hi) + "} has max < min", i_);
    i_ = k + 1;
    return true;
  }

  int ParseQuantifiers(int atom) {
    bool quantified = false;
    while (!AtEnd()) {
      int min, max;
      const char32_t c = Peek();
      const std::size_t at = i_;
      if (c == U'?') { min = 0; max = 1; ++i_; }
      else if (c == U'*') { min = 0; max = -1; ++i_; }
      else if (c == U'+') { min = 1; max = -1; ++i_; }
      else if (c == U'{') {
        if (!ReadBraces(&min, &max)) break;
      } else {
        break;
      }
      if (quantified) FailAt("a quantifier on a quantifier (possessive or nested repeats are not supported)", at);
      quantified = true;
      const Node& target = re_->nodes_[atom];
      if (target.op == Op::LineStart || target.op == Op::LineEnd || target.op == Op::TextStart ||
          target.op == Op::TextEnd || target.op == Op::LookAhead || target.op == Op::NegLookAhead) {
        FailAt("a quantifier on an anchor or a lookahead", at);
      }
      Node n;
      n.op = Op::Repeat;
      n.min = min;
      n.max = max;
      if (!AtEnd() && Peek() == U'?') {
        n.greedy = false;
        ++i_;
      } else if (!AtEnd() && Peek() == U'+') {
        FailAt("possessive quantifier '+' after a quantifier is not supported", i_);
      }
      n.kids = {atom};
      atom = Add(std::move(n));
    }
    return atom;
  }

  int Literal(char32_t c) {
    Node n;
    n.op = Op::Literal;
    n.fold = fold_;
    n.text = std::u32string(1, fold_ ? SimpleCaseFold(c) : c);
    return Add(std::move(n));
  }

  // Returns -1 for a construct that makes no node ("(?i)").
  int ParseAtom() {
    const std::size_t at = i_;
    const char32_t c = p_[i_++];
    switch (c) {
      case U'(': return ParseGroup(at);
      case U'[': return AddSet(ParseClass());
      case U'.': {
        CharSet s;
        s.items.push_back({SetItem::Any, false, 0, 0, 0});
        return AddSet(std::move(s));
      }
      case U'^': { Node n; n.op = Op::LineStart; return Add(std::move(n)); }
      case U'$': { Node n; n.op = Op::LineEnd; return Add(std::move(n)); }
      case U'*': case U'+': case U'?': FailAt("nothing to repeat before '" + std::string(1, static_cast<char>(c)) + "'", at);
      case U'{': {
        int a, b;
        --i_;
        if (ReadBraces(&a, &b)) FailAt("nothing to repeat before '{'", at);
        ++i_;
        return Literal(c);
      }
      case U'\\': return ParseEscapeAtom(at);
      default: return Literal(c);
    }
  }

  int ParseGroup(std::size_t at) {
    Op wrap = Op::Empty;  // Empty = plain group
    if (Peek() == U'?') {
      ++i_;
      const char32_t k = Peek();
      if (k == U':') {
        ++i_;
      } else if (k == U'=') {
        ++i_;
        wrap = Op::LookAhead;
      } else if (k == U'!') {
        ++i_;
        wrap = Op::NegLookAhead;
      } else if (k == U'<' && (Peek(1) == U'=' || Peek(1) == U'!')) {
        FailAt("lookbehind (?<=...) / (?<!...) is not supported", at);
      } else if (k == U'<' || k == U'P' || k == U'\'') {
        // Named group: (?<name>...), (?P<name>...), (?'name'...): only the grouping matters.
        if (k == U'P') ++i_;
        const char32_t close = Peek() == U'\'' ? U'\'' : U'>';
        ++i_;
        while (!AtEnd() && Peek() != close) ++i_;
        if (AtEnd()) FailAt("unterminated group name", at);
        ++i_;
      } else if (k == U'#') {
        while (!AtEnd() && Peek() != U')') ++i_;
        if (AtEnd()) FailAt("unterminated comment group", at);
        ++i_;
        return -1;
      } else {
        // Flags: (?i) (?-i) (?i:...) (?-i:...). Only i is supported.
        bool on = true, fold = fold_;
        while (!AtEnd() && Peek() != U':' && Peek() != U')') {
          const char32_t f = p_[i_++];
          if (f == U'-') on = false;
          else if (f == U'i') fold = on;
          else FailAt("group flag '" + EscapeForMessage(f) + "' is not supported (only i)", i_ - 1);
        }
        if (AtEnd()) FailAt("unterminated group", at);
        if (Peek() == U')') {  // (?i): applies to the rest of the enclosing group
          ++i_;
          fold_ = fold;
          return -1;
        }
        ++i_;  // ':'
        const bool saved = fold_;
        fold_ = fold;
        const int inner = ParseAlt(true);
        fold_ = saved;
        if (AtEnd() || Peek() != U')') FailAt("unterminated group", at);
        ++i_;
        return inner;
      }
    }
    const int inner = ParseAlt(true);
    if (AtEnd() || Peek() != U')') FailAt("unterminated group '('", at);
    ++i_;
    if (wrap == Op::Empty) return inner;
    Node n;
    n.op = wrap;
    n.kids = {inner};
    return Add(std::move(n));
  }

  static std::string EscapeForMessage(char32_t c) {
    std::string s;
    if (c >= 0x20 && c < 0x7F) s += static_cast<char>(c);
    else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
      s += buf;
    }
    return s;
  }

  long ReadHex(std::size_t min_digits, std::size_t max_digits, std::size_t at) {
    long v = 0;
    std::size_t k = 0;
    while (k < max_digits && !AtEnd()) {
      const char32_t h = Peek();
      int d;
      if (h >= U'0' && h <= U'9') d = static_cast<int>(h - U'0');
      else if (h >= U'a' && h <= U'f') d = static_cast<int>(h - U'a' + 10);
      else if (h >= U'A' && h <= U'F') d = static_cast<int>(h - U'A' + 10);
      else break;
      v = v * 16 + d;
      ++i_;
      ++k;
    }
    if (k < min_digits) FailAt("malformed hexadecimal escape", at);
    if (v > 0x10FFFF) FailAt("code point escape past U+10FFFF", at);
    return v;
  }

  // An escape that stands for one code point (\n, \x41, \.), or -1 after
  // filling *item for a class escape (\s, \p{L}).
  long ParseEscape(std::size_t at, SetItem* item, bool in_class) {
    if (AtEnd()) FailAt("pattern ends with '\\'", at);
    const char32_t c = p_[i_++];
    switch (c) {
      case U'n': return U'\n';
      case U'r': return U'\r';
      case U't': return U'\t';
      case U'f': return U'\f';
      case U'v': return U'\v';
      case U'a': return 0x07;
      case U'e': return 0x1B;
      case U'0': return 0;
      case U'x':
        if (Peek() == U'{') {
          ++i_;
          const long v = ReadHex(1, 8, at);
          if (AtEnd() || Peek() != U'}') FailAt("malformed \\x{...} escape", at);
          ++i_;
          return v;
        }
        return ReadHex(1, 2, at);
      case U'u': return ReadHex(4, 4, at);
      case U's': case U'S': *item = {SetItem::Space, c == U'S', 0, 0, 0}; return -1;
      case U'd': case U'D': *item = {SetItem::Digit, c == U'D', 0, 0, 0}; return -1;
      case U'w': case U'W': *item = {SetItem::Word, c == U'W', 0, 0, 0}; return -1;
      case U'p': case U'P': {
        if (Peek() != U'{') FailAt("\\p needs a {Name}", at);
        ++i_;
        bool negated = c == U'P';
        if (Peek() == U'^') {
          negated = !negated;
          ++i_;
        }
        std::string name;
        while (!AtEnd() && Peek() != U'}') {
          const char32_t ch = p_[i_++];
          if (ch == U' ' || ch == U'_' || ch == U'-') continue;
          if (ch >= 0x80 || name.size() > 40) FailAt("unknown property in \\p{...}", at);
          name += static_cast<char>(ch >= U'A' && ch <= U'Z' ? ch + 32 : ch);
        }
        if (AtEnd()) FailAt("unterminated \\p{", at);
        ++i_;
        for (const CategoryName& cn : kCategoryNames) {
          if (name == cn.name) {
            *item = {SetItem::Categories, negated, 0, 0, cn.mask};
            return -1;
          }
        }
        FailAt("\\p{" + name + "} is not a general category (scripts and other properties are not supported)", at);
      }
      case U'b':
        if (in_class) return 0x08;
        FailAt("word boundary \\b is not supported", at);
      default:
        break;
    }
    if ((c >= U'0' && c <= U'9')) FailAt("back-references are not supported", at);
    if ((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z')) {
      FailAt("escape '\\" + EscapeForMessage(c) + "' is not supported", at);
    }
    return c;  // an escaped punctuation or other character stands for itself
  }

  int ParseEscapeAtom(std::size_t at) {
    if (!AtEnd()) {
      const char32_t c = Peek();
      if (c == U'A' || c == U'z') {
        ++i_;
        Node n;
        n.op = c == U'A' ? Op::TextStart : Op::TextEnd;
        return Add(std::move(n));
      }
      if (c == U'Z') FailAt("\\Z is not supported (use $ or \\z)", at);
    }
    SetItem item;
    const long cp = ParseEscape(at, &item, false);
    if (cp >= 0) return Literal(static_cast<char32_t>(cp));
    CharSet s;
    s.items.push_back(item);
    return AddSet(std::move(s));
  }

  // At the character after '['.
  CharSet ParseClass() {
    const std::size_t at = i_ - 1;
    if (++depth_ > 200) Fail("classes nested more than 200 deep");
    CharSet s;
    if (Peek() == U'^') {
      s.negated = true;
      ++i_;
    }
    bool first = true;
    while (true) {
      if (AtEnd()) FailAt("unterminated character class '['", at);
      const std::size_t item_at = i_;
      char32_t c = p_[i_++];
      if (c == U']' && !first) break;
      first = false;
      if (c == U'[') {
        if (Peek() == U':') FailAt("POSIX bracket classes [:name:] are not supported", item_at);
        // A nested class: its members join this one (union).
        CharSet inner = ParseClass();
        if (!inner.negated) {
          for (const SetItem& it : inner.items) s.items.push_back(it);
        } else {
          FailAt("a negated class inside a class is not supported", item_at);
        }
        continue;
      }
      if (c == U'&' && Peek() == U'&') FailAt("class intersection && is not supported", item_at);
      long lo;
      if (c == U'\\') {
        SetItem item;
        lo = ParseEscape(item_at, &item, true);
        if (lo < 0) {
          s.items.push_back(item);
          continue;
        }
      } else {
        lo = c;
      }
      // A range a-b (a '-' before ']' is a literal '-').
      if (Peek() == U'-' && i_ + 1 < p_.size() && p_[i_ + 1] != U']') {
        ++i_;
        const std::size_t hi_at = i_;
        char32_t h = p_[i_++];
        long hi;
        if (h == U'\\') {
          SetItem item;
          hi = ParseEscape(hi_at, &item, true);
          if (hi < 0) FailAt("a class escape cannot end a range", hi_at);
        } else if (h == U'[') {
          FailAt("a class cannot end a range", hi_at);
        } else {
          hi = h;
        }
        if (hi < lo) FailAt("range out of order in character class", item_at);
        s.items.push_back({SetItem::Range, false, static_cast<char32_t>(lo), static_cast<char32_t>(hi), 0});
      } else {
        s.items.push_back({SetItem::Range, false, static_cast<char32_t>(lo), static_cast<char32_t>(lo), 0});
      }
    }
    --depth_;
    return s;
  }

  std::u32string p_;
  std::string what_;
  CodePointRegex* re_;
  std::size_t i_ = 0;
  int depth_ = 0;
  bool fold_ = false;
};

CodePointRegex CodePointRegex::Compile(std::string_view pattern, std::string_view what) {
  std::u32string cps;
  for (std::size_t i = 0; i < pattern.size();) {
    char32_t cp;
    const int len = DecodeUtf8(pattern, i, &cp);
    if (len == 0) throw InputError(std::string(what) + ": the pattern is not valid UTF-8 at byte " + std::to_string(i));
    cps.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
  // Real patterns are a few hundred characters; the bound keeps the matcher's
  // recursion (one level per node of a sequence) far from the stack's end.
  if (cps.size() > kMaxPatternLength) {
    throw InputError(std::string(what) + ": the pattern is " + std::to_string(cps.size()) +
                     " characters; the limit is " + std::to_string(kMaxPatternLength));
  }
  CodePointRegex re;
  re.pattern_ = std::string(pattern);
  RegexParser(std::move(cps), what, &re).Parse();
  return re;
}

CodePointRegex CodePointRegex::Literal(std::u32string_view literal) {
  CodePointRegex re;
  for (char32_t c : literal) AppendUtf8(re.pattern_, c);
  Node n;
  n.op = literal.empty() ? Op::Empty : Op::Literal;
  n.text = std::u32string(literal);
  re.nodes_.push_back(std::move(n));
  re.root_ = 0;
  return re;
}

// [SECTION] Matcher

class RegexMatcher {
 public:
  using Op = CodePointRegex::Op;
  RegexMatcher(const CodePointRegex& re, std::u32string_view text)
      : re_(re), s_(text), n_(static_cast<int>(text.size())),
        budget_(4000000 + 4000LL * static_cast<long long>(text.size())) {}

  // The end of the match of the whole pattern starting exactly at `pos`, or -1.
  int MatchAt(int pos) {
    Cont accept{nullptr, Cont::Accept, 0, 0, 0, 0};
    end_ = -1;
    return Run(re_.root_, pos, &accept) ? end_ : -1;
  }

 private:
  // What remains to match after the current node (see the file comment).
  struct Cont {
    const Cont* next;
    enum Kind { Accept, LookAccept, SeqNext, RepeatNext } kind;
    int node;   // SeqNext, RepeatNext: the sequence or repeat node
    int index;  // SeqNext: the next child to match
    int count;  // RepeatNext: iterations completed
    int start;  // RepeatNext: where the last iteration started
  };

  void Step() {
    if (++steps_ > budget_) {
      throw InputError("pattern '" + Abbrev(re_.Pattern()) + "' needs more than " + std::to_string(budget_) +
                       " backtracking steps on this text; the tokenizer's pattern is too expensive");
    }
  }
  static std::string Abbrev(const std::string& p) { return p.size() > 60 ? p.substr(0, 60) + "..." : p; }

  bool Run(int id, int pos, const Cont* k) {
    Step();
    const CodePointRegex::Node& nd = re_.nodes_[id];
    switch (nd.op) {
      case Op::Empty: return Continue(k, pos);
      case Op::Set: return pos < n_ && SetHas(re_.sets_[nd.set], s_[pos]) && Continue(k, pos + 1);
      case Op::Literal: {
        const int len = static_cast<int>(nd.text.size());
        if (pos + len > n_) return false;
        for (int j = 0; j < len; ++j) {
          const char32_t c = nd.fold ? SimpleCaseFold(s_[pos + j]) : s_[pos + j];
          if (c != nd.text[j]) return false;
        }
        return Continue(k, pos + len);
      }
      case Op::Seq: {
        const Cont c{k, Cont::SeqNext, id, 1, 0, 0};
        return Run(nd.kids[0], pos, &c);
      }
      case Op::Alt:
        for (int kid : nd.kids) {
          if (Run(kid, pos, k)) return true;
        }
        return false;
      case Op::Repeat: {
        const CodePointRegex::Node& kid = re_.nodes_[nd.kids[0]];
        if (kid.op == Op::Set) {
          // One character per iteration: count the run, then back off.
          const CodePointRegex::CharSet& set = re_.sets_[kid.set];
          const int limit = nd.max < 0 ? n_ - pos : std::min(nd.max, n_ - pos);
          int run = 0;
          if (nd.greedy) {
            while (run < limit && SetHas(set, s_[pos + run])) ++run;
            steps_ += run / 8;
            for (int t = run; t >= nd.min; --t) {
              if (Continue(k, pos + t)) return true;
              Step();
            }
            return false;
          }
          // Lazy: grow one character at a time.
          for (int t = 0;; ++t) {
            if (t >= nd.min && Continue(k, pos + t)) return true;
            if (t >= limit || !SetHas(set, s_[pos + t])) return false;
            Step();
          }
        }
        return Iterate(id, 0, pos, k);
      }
      case Op::LookAhead:
      case Op::NegLookAhead: {
        const Cont done{nullptr, Cont::LookAccept, 0, 0, 0, 0};
        const int saved_end = end_;
        const bool found = Run(nd.kids[0], pos, &done);
        end_ = saved_end;
        if (found != (nd.op == Op::NegLookAhead)) return Continue(k, pos);
        return false;
      }
      case Op::LineStart: return (pos == 0 || s_[pos - 1] == U'\n') && Continue(k, pos);
      case Op::LineEnd: return (pos == n_ || s_[pos] == U'\n') && Continue(k, pos);
      case Op::TextStart: return pos == 0 && Continue(k, pos);
      case Op::TextEnd: return pos == n_ && Continue(k, pos);
    }
    return false;
  }

  bool Iterate(int id, int count, int pos, const Cont* k) {
    if (++depth_ > kMaxDepth) {
      throw InputError("pattern '" + Abbrev(re_.Pattern()) + "' repeats a group more than " +
                       std::to_string(kMaxDepth) + " times in one match; the tokenizer's pattern is too expensive");
    }
    const CodePointRegex::Node& nd = re_.nodes_[id];
    const Cont again{k, Cont::RepeatNext, id, 0, count + 1, pos};
    const bool can_more = nd.max < 0 || count < nd.max;
    bool ok;
    if (nd.greedy) {
      ok = (can_more && Run(nd.kids[0], pos, &again)) || (count >= nd.min && Continue(k, pos));
    } else {
      ok = (count >= nd.min && Continue(k, pos)) || (can_more && Run(nd.kids[0], pos, &again));
    }
    --depth_;
    return ok;
  }

  bool Continue(const Cont* k, int pos) {
    switch (k->kind) {
      case Cont::Accept:
        end_ = pos;
        return true;
      case Cont::LookAccept:
        return true;
      case Cont::SeqNext: {
        const CodePointRegex::Node& nd = re_.nodes_[k->node];
        if (k->index == static_cast<int>(nd.kids.size())) return Continue(k->next, pos);
        const Cont c{k->next, Cont::SeqNext, k->node, k->index + 1, 0, 0};
        return Run(nd.kids[k->index], pos, &c);
      }
      case Cont::RepeatNext: {
        // An iteration that matched nothing cannot lead anywhere new once the
        // minimum is met (this is what stops (a*)* from looping forever).
        const CodePointRegex::Node& nd = re_.nodes_[k->node];
        if (pos == k->start && k->count > nd.min) return false;
        return Iterate(k->node, k->count, pos, k->next);
      }
    }
    return false;
  }

  static constexpr int kMaxDepth = 2000;
  const CodePointRegex& re_;
  std::u32string_view s_;
  int n_;
  long long budget_;
  long long steps_ = 0;
  int depth_ = 0;
  int end_ = -1;
};

std::vector<CodePointRegex::Match> CodePointRegex::FindAll(std::u32string_view text) const {
  std::vector<Match> out;
  RegexMatcher m(*this, text);
  const int n = static_cast<int>(text.size());
  int pos = 0;
  while (pos <= n) {
    int start = pos, end = -1;
    for (; start <= n; ++start) {
      end = m.MatchAt(start);
      if (end >= 0) break;
    }
    if (end < 0) break;
    out.push_back({start, end});
    pos = end > start ? end : start + 1;
  }
  return out;
}

}  // namespace attnviz
