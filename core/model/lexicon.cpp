// The built-in model's lexicon: parsing the embedded TSV and looking words up
// with WordNet-style inflection handling. See lexicon.h for the file format.
#include "core/model/lexicon.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace attnviz {
namespace {

constexpr const char* kPosNames[kPartOfSpeechCount] = {"noun", "verb", "adj", "adv",  "det", "pron",
                                                       "adp",  "conj", "aux", "part", "num", "punct"};

int PosIndex(std::string_view tag) {
  if (tag == "intj") return static_cast<int>(PartOfSpeech::Part);
  for (int i = 0; i < kPartOfSpeechCount; ++i)
    if (tag == kPosNames[i]) return i;
  return -1;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

// "tag=0.94" -> ("tag", 0.94). from_chars for float is locale-independent,
// unlike strtof, so a German desktop parses the same lexicon.
bool ParseShare(std::string_view item, std::string_view& name, float& share) {
  const std::size_t eq = item.rfind('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  name = item.substr(0, eq);
  const char* first = item.data() + eq + 1;
  const char* last = item.data() + item.size();
  const auto res = std::from_chars(first, last, share);
  return res.ec == std::errc() && res.ptr == last && share >= 0.0f && share <= 1.0f;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Morphy's detachment rules (WordNet's morph.c), nouns, verbs and adjectives
// merged, plus the adverb rules WordNet lacks. A stem shorter than 2 letters
// is never tried ("is" -> "i" would be silly).
struct SuffixRule {
  std::string_view suffix;
  std::string_view replacement;
  int pos_override;  // -1: keep the entry's shares
};
constexpr int kVerb = static_cast<int>(PartOfSpeech::Verb);
constexpr int kAdv = static_cast<int>(PartOfSpeech::Adv);
constexpr int kAdj = static_cast<int>(PartOfSpeech::Adj);
constexpr SuffixRule kSuffixRules[] = {
    {"ically", "ic", kAdv}, {"ily", "y", kAdv}, {"bly", "ble", kAdv}, {"ly", "", kAdv},
    {"ies", "y", -1},   {"ches", "ch", -1}, {"shes", "sh", -1}, {"sses", "ss", -1},
    {"xes", "x", -1},   {"zes", "z", -1},   {"men", "man", -1}, {"es", "e", -1},
    {"es", "", -1},     {"s", "", -1},
    {"ied", "y", kVerb}, {"ed", "e", kVerb}, {"ed", "", kVerb}, {"ing", "e", kVerb}, {"ing", "", kVerb},
    {"ier", "y", kAdj},  {"iest", "y", kAdj}, {"er", "e", kAdj}, {"er", "", kAdj},   {"est", "e", kAdj},
    {"est", "", kAdj},
};

bool IsConsonant(char c) { return c >= 'a' && c <= 'z' && std::string_view("aeiou").find(c) == std::string_view::npos; }

}  // namespace

const char* ToString(PartOfSpeech p) { return kPosNames[static_cast<int>(p)]; }

Lexicon Lexicon::Parse(std::string_view tsv) {
  Lexicon lex;
  int line_no = 0;
  for (std::string_view line : Split(tsv, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // '#' starts a comment, except "#<TAB>..." which is the entry for the symbol '#'.
    if (line.empty() || (line.front() == '#' && (line.size() == 1 || line[1] != '\t'))) continue;
    const std::vector<std::string_view> f = Split(line, '\t');
    const auto fail = [&](const char* why) {
      throw std::runtime_error("lexicon line " + std::to_string(line_no) + ": " + why);
    };
    if (f.size() != 3 || f[0].empty()) fail("expected 3 tab-separated fields");
    if (f[1] == "form-of") {
      const std::vector<std::string_view> lemma_pos = Split(f[2], ' ');
      if (lemma_pos.size() > 2 || lemma_pos[0].empty()) fail("expected 'lemma [pos]' after form-of");
      IrregularForm form{std::string(lemma_pos[0]), -1};
      if (lemma_pos.size() == 2 && (form.pos = PosIndex(lemma_pos[1])) < 0) fail("unknown part-of-speech tag");
      lex.forms_[std::string(f[0])] = std::move(form);
      continue;
    }
    LexiconEntry e;
    std::string_view name;
    float share = 0;
    for (std::string_view item : Split(f[1], ' ')) {
      if (!ParseShare(item, name, share)) fail("bad part-of-speech share");
      const int p = PosIndex(name);
      if (p < 0) fail("unknown part-of-speech tag");
      e.pos[p] += share;
    }
    for (std::string_view item : Split(f[2], ' ')) {
      if (!ParseShare(item, name, share)) fail("bad class share");
      auto it = lex.class_ids_.find(std::string(name));
      if (it == lex.class_ids_.end()) {
        it = lex.class_ids_.emplace(std::string(name), static_cast<std::uint16_t>(lex.class_names_.size())).first;
        lex.class_names_.emplace_back(name);
      }
      e.classes.emplace_back(it->second, share);
    }
    std::stable_sort(e.classes.begin(), e.classes.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    lex.entries_[std::string(f[0])] = std::move(e);
  }
  // A form whose lemma is missing would make Find return nullptr for a listed
  // word: drop it here rather than check at every lookup.
  std::erase_if(lex.forms_, [&](const auto& kv) { return !lex.entries_.count(kv.second.lemma); });
  return lex;
}

const Lexicon& Lexicon::Builtin() {
  static const Lexicon lex = Parse(std::string_view(kBuiltinLexiconTsv, kBuiltinLexiconTsvSize));
  return lex;
}

int Lexicon::ClassId(std::string_view name) const {
  const auto it = class_ids_.find(std::string(name));
  return it == class_ids_.end() ? -1 : it->second;
}

const LexiconEntry* Lexicon::Find(std::string_view key) const { return FindWithForms(std::string(key)); }

const LexiconEntry* Lexicon::FindWithForms(const std::string& key) const {
  if (const auto it = entries_.find(key); it != entries_.end()) return &it->second;
  if (const auto it = forms_.find(key); it != forms_.end()) return &entries_.at(it->second.lemma);
  return nullptr;
}

LexiconMatch Lexicon::Lookup(std::string_view word) const {
  LexiconMatch m;
  // Lowercase, and the typographic apostrophe (U+2019) -> ASCII, so "don’t"
  // and "don't" agree.
  std::string w;
  w.reserve(word.size());
  const std::string lower = AsciiLower(word);
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (lower.compare(i, 3, "\xE2\x80\x99") == 0) {
      w.push_back('\'');
      i += 2;
    } else {
      w.push_back(lower[i]);
    }
  }

  const auto found = [&](const std::string& key, int pos_override) {
    const LexiconEntry* e = FindWithForms(key);
    if (!e) return false;
    m.entry = e;
    m.lemma = key;
    if (const auto it = forms_.find(key); it != forms_.end()) {
      m.lemma = it->second.lemma;
      if (pos_override < 0) pos_override = it->second.pos;
    }
    // -ly derives an adverb from anything; inflections keep the lemma's own
    // parts of speech, so they only pick one the lemma can be.
    const bool keep = pos_override == kAdv || (pos_override >= 0 && e->pos[pos_override] > 0.0f);
    m.pos_override = keep ? pos_override : -1;
    return true;
  };
  if (found(w, -1)) return m;

  // Contractions: the tokenizer keeps "don't" and "it's" whole; the host word
  // carries the part of speech that matters for the heads.
  if (const std::size_t apo = w.find('\''); apo != std::string::npos && w.size() > 1) {
    std::string host;
    if (EndsWith(w, "n't")) {
      host = w.substr(0, w.size() - 3);
      if (host == "ca") host = "can";
      else if (host == "wo") host = "will";
      else if (host == "sha") host = "shall";
      else if (host == "ai") host = "be";
    } else {
      host = w.substr(0, apo);
    }
    if (!host.empty() && host.find('\'') == std::string::npos) return Lookup(host);
    return m;
  }

  for (const SuffixRule& r : kSuffixRules) {
    if (!EndsWith(w, r.suffix) || w.size() < r.suffix.size() + 2) continue;
    std::string stem = w.substr(0, w.size() - r.suffix.size());
    if (found(stem + std::string(r.replacement), r.pos_override)) return m;
    // Doubled final consonant before -ed/-ing/-er/-est: stopped, running, bigger.
    const std::size_t n = stem.size();
    if (r.replacement.empty() && n >= 3 && stem[n - 1] == stem[n - 2] && IsConsonant(stem[n - 1]) &&
        found(stem.substr(0, n - 1), r.pos_override))
      return m;
  }
  return m;
}

}  // namespace attnviz
