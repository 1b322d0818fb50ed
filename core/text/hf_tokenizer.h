// Tokenizers from Hugging Face `tokenizer.json` files, giving exactly the ids
// Hugging Face's tokenizers library gives with its default special tokens
// (SPEC.md "Llama-family models"). Two kinds of BPE are supported:
//
//   byte-level BPE          Llama 3/3.1/3.2, Qwen2/2.5/3, SmolLM/SmolLM2, GPT-2
//                           style files: the text is split by the file's own
//                           pattern (a Split pre-tokenizer, or ByteLevel's
//                           GPT-2 pattern), each piece's UTF-8 bytes become
//                           GPT-2's printable stand-ins, then BPE.
//   SentencePiece-style BPE Llama 2, TinyLlama, Mistral: spaces become U+2581
//                           '▁' (a Prepend + Replace normalizer or a Metaspace
//                           pre-tokenizer), BPE over characters by merge rank,
//                           and a character the vocabulary lacks becomes its
//                           UTF-8 bytes as "<0xNN>" tokens (byte fallback) or
//                           the unknown token.
//
// The pipeline is the library's (tokenizers/src/tokenizer/mod.rs, encode):
//   1. added tokens whose "normalized" is false are cut out of the raw text
//      (leftmost-longest, with their lstrip/rstrip/single_word rules);
//   2. each remaining part is normalized (NFC, NFD, Prepend, Replace, Strip,
//      Sequence), and added tokens whose "normalized" is true are cut out of it;
//   3. the pre-tokenizer splits the rest (Split, ByteLevel, Metaspace, Digits,
//      Sequence); the model (BPE) tokenizes each piece;
//   4. the post-processor adds special tokens (TemplateProcessing: Llama's
//      BOS; ByteLevel and Sequence as in the file; none at all for Qwen).
// Anything else in a file (WordPiece, Unigram, WordLevel models, other
// normalizers or pre-tokenizers) is refused with one line naming it.
//
// Every token keeps the byte span [start, end) of the input it came from, so
// the spans of the text's tokens tile it in order (text a normalizer or a
// Split removed is the only gap). Token::text is what the token stands for to
// the model, as a decoder writes it (TokenBytes): "▁the" reads " the", a byte
// fallback "<0xE6>" is the byte 0xE6, and a special token is its content.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text/tokenizer.h"

namespace attnviz {

enum class HfTokenizerKind {
  kByteLevelBpe,       // the pre-tokenizer has ByteLevel
  kSentencePieceBpe,   // '▁' for spaces, usually byte fallback
  kBpe,                // BPE over characters with neither (tokens are plain strings)
};

class HfTokenizer {
 public:
  // Parses tokenizer.json (and tokenizer_config.json when not empty: only its
  // "bos_token"/"eos_token" are read; the ids do not depend on it, as they do
  // not in the tokenizers library). `name_for_errors` names the tokenizer.json
  // in messages (the config is "<dir>/tokenizer_config.json" when the name
  // ends in tokenizer.json, else "tokenizer_config.json"). Throws InputError
  // with one line naming the file and the problem.
  static HfTokenizer FromJson(std::string_view tokenizer_json, std::string_view tokenizer_config_json,
                              std::string_view name_for_errors);
  // Reads <dir>/tokenizer.json and, when it exists, <dir>/tokenizer_config.json
  // (each at most kMaxTokenizerJsonBytes).
  static HfTokenizer FromDirectory(const std::string& dir);

  HfTokenizer(HfTokenizer&&) noexcept;
  HfTokenizer& operator=(HfTokenizer&&) noexcept;
  ~HfTokenizer();

  // Tokens with ids and byte spans, as the tokenizers library's
  // encode(text, add_special_tokens). A special token the post-processor adds
  // has an empty span (at 0 before the text, at the end after it) and its
  // content as text. Throws InputError for invalid UTF-8 (naming the byte
  // offset) and for text past kMaxTextBytes; the engine applies the token limit.
  std::vector<Token> Tokenize(std::string_view text, bool add_special_tokens = true) const;

  HfTokenizerKind Kind() const;
  // Largest id + 1, added tokens included (the embedding has at least this many rows).
  int VocabSize() const;
  // The bytes id stands for, as a decoder writes them: byte-level stand-ins
  // mapped back to bytes, '▁' -> ' ', "<0xNN>" -> that byte, an added token ->
  // its content. Empty for an id out of range or unused.
  std::string TokenBytes(int id) const;
  // The vocabulary's own string for id ("Ġworld", "▁the", "<0x0A>",
  // "<|begin_of_text|>"); empty for an id out of range or unused.
  std::string TokenString(int id) const;
  // The id of a vocabulary string or an added token's content.
  std::optional<int> IdOf(std::string_view token_string) const;
  // An added token marked "special" (BOS, EOS, chat markers...).
  bool IsSpecial(int id) const;
  // The special token the post-processor puts before the text, if any.
  std::optional<int> BosId() const;
  // tokenizer_config.json's eos_token, when given and in the vocabulary.
  std::optional<int> EosId() const;
  // "byte-level BPE, 128256 tokens, BOS <|begin_of_text|>".
  std::string Describe() const;

  struct Impl;

 private:
  explicit HfTokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The kind of tokenizer.json `json_text` holds, without building it: "byte-level
// BPE", "SentencePiece-style BPE", or a refusal naming what is not supported
// ("WordPiece (BERT-style) is not supported"). For listing a directory and for
// the model loader's errors; `name` prefixes refusals and parse errors.
struct TokenizerJsonKind {
  bool supported = false;
  std::string description;  // the kind, or the one-line reason it is refused
};
TokenizerJsonKind InspectTokenizerJson(std::string_view json_text, std::string_view name);

// tokenizer.json files larger than this are refused (Llama 3.2's is 17 MB).
inline constexpr std::size_t kMaxTokenizerJsonBytes = std::size_t(64) << 20;

}  // namespace attnviz
