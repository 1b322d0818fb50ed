// JSON from files a person downloaded (config.json, vocab.json, a safetensors
// header): parsed with nlohmann::json, every failure turned into a one-line
// InputError that names the file and the byte offset.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace attnviz {

// Parses `text` as one JSON value. `source` names the file in messages.
// With reject_duplicate_keys, a key that repeats in the top-level object is an
// error (nlohmann would silently keep the last one, hiding a corrupt file).
// Nesting deeper than kMaxJsonDepth is refused: nothing we read needs more
// than 3 levels, and it bounds the work a hostile file can ask for.
nlohmann::json ParseJsonInput(std::string_view text, std::string_view source, bool reject_duplicate_keys);

inline constexpr int kMaxJsonDepth = 64;

// The whole file at `path`, refused with one line ("<what>: cannot open
// '<path>'", "... is N bytes, more than the M MiB limit for this file") when it
// cannot be read or is larger than max_bytes, before anything is allocated.
std::string ReadInputFile(const std::string& path, std::string_view what, std::size_t max_bytes);

}  // namespace attnviz
