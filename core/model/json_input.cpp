// See json_input.h. nlohmann's parser is iterative (no recursion on nesting)
// and validates UTF-8 inside strings; what it lacks for untrusted input is a
// one-line, printable message and duplicate-key detection.
#include "core/model/json_input.h"

#include <cstdint>
#include <fstream>
#include <string>
#include <unordered_set>

#include "core/types.h"

namespace attnviz {
namespace {

// nlohmann's what() quotes the bytes it read last, which may be control
// characters or broken UTF-8; a message must stay one printable line.
std::string PrintableOneLine(std::string_view s, std::size_t max_len) {
  std::string out;
  for (char ch : s) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(ch);
    out += (c < 0x20 || c >= 0x7F) ? '?' : static_cast<char>(c);
  }
  return out;
}

// "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error
// while parsing value - invalid literal; last read: 'x'" -> the part after the
// position, which is what a person can act on.
std::string ParseErrorReason(const nlohmann::json::parse_error& e) {
  std::string_view what = e.what();
  const std::size_t colon = what.find(": ");
  if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  return PrintableOneLine(what, 160);
}

}  // namespace

std::string ReadInputFile(const std::string& path, std::string_view what, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(std::string(what) + ": cannot open '" + path + "'");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw InputError(std::string(what) + ": cannot read '" + path + "'");
  if (static_cast<std::uint64_t>(size) > max_bytes) {
    throw InputError(std::string(what) + ": '" + path + "' is " + std::to_string(size) + " bytes, more than the " +
                     std::to_string(max_bytes >> 20) + " MiB limit for this file");
  }
  in.seekg(0);
  std::string data(static_cast<std::size_t>(size), '\0');
  if (!in.read(data.data(), size)) throw InputError(std::string(what) + ": cannot read '" + path + "'");
  return data;
}

nlohmann::json ParseJsonInput(std::string_view text, std::string_view source, bool reject_duplicate_keys) {
  std::unordered_set<std::string> top_keys;
  std::string duplicate;
  bool too_deep = false;
  // The callback sees every event; returning true keeps the value. depth counts
  // from 0 at the top value, so keys of the top-level object arrive at depth 1.
  auto on_event = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (depth > kMaxJsonDepth) too_deep = true;
    if (reject_duplicate_keys && event == nlohmann::json::parse_event_t::key && depth == 1 &&
        duplicate.empty()) {
      const std::string& key = parsed.get_ref<const std::string&>();
      if (!top_keys.insert(key).second) duplicate = key;
    }
    return true;
  };
  nlohmann::json value;
  try {
    value = nlohmann::json::parse(text.begin(), text.end(), on_event, /*allow_exceptions=*/true,
                                  /*ignore_comments=*/false);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(std::string(source) + ": not valid JSON at byte " + std::to_string(e.byte) + " (" +
                     ParseErrorReason(e) + ")");
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string(source) + ": not valid JSON (" + PrintableOneLine(e.what(), 160) + ")");
  }
  if (too_deep) {
    throw InputError(std::string(source) + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) +
                     " levels");
  }
  if (!duplicate.empty()) {
    throw InputError(std::string(source) + ": key '" + PrintableOneLine(duplicate, 80) + "' appears twice");
  }
  return value;
}

}  // namespace attnviz
