// The built-in model's lexicon: part of speech and semantic classes of English
// words, generated from WordNet 3.0 by assets/lexicon/make_lexicon.py and
// embedded in the library at configure time (no asset file is read at run time).
//
// File format (assets/lexicon/lexicon.tsv), one entry per line, '#' = comment
// (but "#<TAB>..." is the entry for the symbol '#'):
//   word <TAB> pos=share pos=share ... <TAB> class=share class=share ...
//   form <TAB> form-of <TAB> lemma [pos]    (irregular inflection: "went  form-of  go verb")
// pos tags: noun verb adj adv det pron adp conj aux part num punct intj
// classes: WordNet lexicographer files (noun.object, verb.motion, adj.all, ...)
// or the hand classes of function words (func.determiner, punct.end, ...).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace attnviz {

// Coarse parts of speech, in the order of the built-in model's POS dimensions.
// "intj" in the file is folded into Part: both are small words outside phrases.
enum class PartOfSpeech : int { Noun, Verb, Adj, Adv, Det, Pron, Adp, Conj, Aux, Part, Num, Punct };
inline constexpr int kPartOfSpeechCount = 12;
const char* ToString(PartOfSpeech p);  // "noun", "verb", ...

struct LexiconEntry {
  std::array<float, kPartOfSpeechCount> pos{};           // shares summing to ~1
  std::vector<std::pair<std::uint16_t, float>> classes;  // (class id, share), largest share first
};

// How a surface word was found: the entry and the lemma it was found under.
struct LexiconMatch {
  const LexiconEntry* entry = nullptr;  // nullptr: unknown word
  std::string lemma;                    // lowercase key that matched ("erode" for "Eroding")
  // Part of speech implied by the inflection ("-ly" makes an adverb, "-ed"/
  // "-ing" and "went" a verb form, "-er"/"-est" an adjective form, "mice" a
  // noun form), kept only when the lemma can be that part of speech ("barked"
  // is the verb though "bark" is mostly a noun; a "runner" is no adjective);
  // -1 to use the entry's own shares.
  int pos_override = -1;
};

class Lexicon {
 public:
  // Parses the TSV text. Throws std::runtime_error naming the line for a
  // malformed line: the text is ours, so a bad line is a build bug, not user input.
  static Lexicon Parse(std::string_view tsv);
  // The lexicon embedded in the library, parsed once on first use (thread-safe).
  static const Lexicon& Builtin();

  // Exact lookup of an already-lowercased key (irregular forms are followed).
  const LexiconEntry* Find(std::string_view key) const;
  // Lowercases (ASCII), then tries in order: the word itself; WordNet's
  // irregular forms; contractions ("don't" -> do, "it's" -> it); regular
  // inflections by suffix stripping as WordNet's morphy does (-s, -es, -ies,
  // -ed, -ing, -er, -est, doubled final consonants) and -ly / -ily adverbs.
  LexiconMatch Lookup(std::string_view word) const;

  std::size_t size() const { return entries_.size(); }          // words, not irregular forms
  const std::unordered_map<std::string, LexiconEntry>& entries() const { return entries_; }
  std::size_t irregular_forms() const { return forms_.size(); }
  const std::string& ClassName(std::uint16_t id) const { return class_names_[id]; }
  int ClassId(std::string_view name) const;                      // -1 when unknown
  std::size_t class_count() const { return class_names_.size(); }

 private:
  const LexiconEntry* FindWithForms(const std::string& key) const;

  std::unordered_map<std::string, LexiconEntry> entries_;
  struct IrregularForm {
    std::string lemma;
    int pos = -1;  // PartOfSpeech the exception list gives, -1 when none or several
  };
  std::unordered_map<std::string, IrregularForm> forms_;
  std::vector<std::string> class_names_;
  std::unordered_map<std::string, std::uint16_t> class_ids_;
};

// The embedded TSV (generated from assets/lexicon/lexicon.tsv by core/CMakeLists.txt).
extern const char kBuiltinLexiconTsv[];
extern const std::size_t kBuiltinLexiconTsvSize;

}  // namespace attnviz
