#include "core/request.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/limits.h"
#include "core/types.h"

namespace attnviz {

std::string_view ToString(Positional p) {
  switch (p) {
    case Positional::None: return "none";
    case Positional::Sinusoidal: return "sinusoidal";
    case Positional::Rope: return "rope";
    case Positional::Alibi: return "alibi";
    case Positional::Learned: return "learned";
  }
  return "none";
}

std::string_view ToString(MaskPattern m) {
  switch (m) {
    case MaskPattern::Full: return "full";
    case MaskPattern::Sliding: return "sliding";
    case MaskPattern::GlobalLocal: return "global-local";
    case MaskPattern::BlockSparse: return "block-sparse";
  }
  return "full";
}

std::optional<Positional> ParsePositional(std::string_view s) {
  for (Positional p : {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi, Positional::Learned})
    if (s == ToString(p)) return p;
  return std::nullopt;
}

std::optional<MaskPattern> ParseMaskPattern(std::string_view s) {
  for (MaskPattern m : {MaskPattern::Full, MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse})
    if (s == ToString(m)) return m;
  return std::nullopt;
}

std::string DescribeMask(const MaskSpec& m) {
  std::string s = m.causal ? "causal" : "bidirectional";
  switch (m.pattern) {
    case MaskPattern::Full: break;
    case MaskPattern::Sliding: s += " + sliding w=" + std::to_string(m.window); break;
    case MaskPattern::GlobalLocal: s += " + global-local w=" + std::to_string(m.window) + " G={" + FormatGlobalTokens(m.globals) + "}"; break;
    case MaskPattern::BlockSparse: s += " + block-sparse b=" + std::to_string(m.block); break;
  }
  if (m.model_window > 0) s += " (model window " + std::to_string(m.model_window) + ")";
  return s;
}

std::optional<std::vector<int>> GlobalTokensFrom(const std::vector<long long>& indices) {
  if (indices.size() > static_cast<std::size_t>(kMaxTokens)) return std::nullopt;
  std::vector<int> out;
  for (long long i : indices) {
    if (i < 0 || i >= kMaxTokens) return std::nullopt;
    if (std::find(out.begin(), out.end(), static_cast<int>(i)) == out.end()) out.push_back(static_cast<int>(i));
  }
  return out;
}

std::optional<std::vector<int>> ParseGlobalTokens(std::string_view text) {
  auto trim = [](std::string_view t) {
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    return t;
  };
  text = trim(text);
  if (text == "none") return std::vector<int>{};
  // One trailing comma is read as the end of the list, so a list being typed ("0,") reads as
  // far as it goes; any other empty item ("0,,5", ",5") is an error, not silently skipped.
  if (!text.empty() && text.back() == ',') {
    text = trim(text.substr(0, text.size() - 1));
    if (text.empty()) return std::nullopt;  // "," alone
  }
  std::vector<long long> indices;
  while (!text.empty()) {
    const std::size_t comma = std::min(text.find(','), text.size());
    std::string_view item = trim(text.substr(0, comma));
    if (item.empty()) return std::nullopt;
    // Spaces separate numbers too ("0 5"); digits only, few enough not to overflow.
    while (!item.empty()) {
      const std::size_t end = std::min(item.find(' '), item.size());
      const std::string_view number = item.substr(0, end);
      if (number.size() > 9) return std::nullopt;
      long long v = 0;
      for (char c : number) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
      }
      indices.push_back(v);
      if (indices.size() > static_cast<std::size_t>(kMaxTokens)) return std::nullopt;
      item = trim(item.substr(end));
    }
    if (comma == text.size()) break;
    text.remove_prefix(comma + 1);
    if (trim(text).empty()) return std::nullopt;  // "0, ," : an empty item before the end
  }
  return GlobalTokensFrom(indices);
}

std::string FormatGlobalTokens(const std::vector<int>& globals) {
  std::string s;
  for (std::size_t i = 0; i < globals.size(); ++i) {
    if (i) s += ',';
    s += std::to_string(globals[i]);
  }
  return s;
}

RequestProblem FindRequestProblem(const Request& r) {
  auto problem = [](RequestField f, std::string msg) { return RequestProblem{f, std::move(msg)}; };
  if (r.d_model < 1 || r.d_model > kMaxDModel)
    return problem(RequestField::DModel, "d_model " + std::to_string(r.d_model) + " is out of range; allowed 1.." +
                                             std::to_string(kMaxDModel));
  if (r.heads < 1 || r.heads > kMaxHeads)
    return problem(RequestField::Heads,
                   "heads " + std::to_string(r.heads) + " is out of range; allowed 1.." + std::to_string(kMaxHeads));
  if (r.d_model % r.heads != 0)
    return problem(RequestField::Heads, "heads " + std::to_string(r.heads) + " does not divide d_model " +
                                            std::to_string(r.d_model) + "; d_k = d_model / heads must be a whole number");
  if (r.kv_heads < 1 || r.kv_heads > r.heads || r.heads % r.kv_heads != 0)
    return problem(RequestField::KvHeads, "kv-heads " + std::to_string(r.kv_heads) + " does not divide heads " +
                                              std::to_string(r.heads) +
                                              "; each key/value head must serve the same number of query heads");
  if (r.layers < 1 || r.layers > kMaxLayers)
    return problem(RequestField::Layers, "layers " + std::to_string(r.layers) + " is out of range; allowed 1.." +
                                             std::to_string(kMaxLayers));
  if (!(r.temperature >= kMinTemperature && r.temperature <= kMaxTemperature))  // also rejects NaN
    return problem(RequestField::Temperature, "temperature " + std::to_string(r.temperature) +
                                                  " is out of range; allowed 0.01..100 (logits are divided by it)");
  if (r.positional == Positional::Rope && (r.d_model / r.heads) % 2 != 0)
    return problem(RequestField::Positional, "rope needs an even head dimension; d_k = " +
                                                 std::to_string(r.d_model / r.heads) + " (RoPE rotates dimensions in pairs)");
  if (r.mask.window < 1)
    return problem(RequestField::Window,
                   "window " + std::to_string(r.mask.window) + " is not allowed; expected an integer >= 1");
  if (r.mask.block < 1)
    return problem(RequestField::Block, "block " + std::to_string(r.mask.block) + " is not allowed; expected an integer >= 1");
  for (int g : r.mask.globals)
    if (g < 0)
      return problem(RequestField::Globals,
                     "global token " + std::to_string(g) + " is negative; expected token indices >= 0");
  return {};
}

void ValidateRequest(const Request& r) {
  if (RequestProblem p = FindRequestProblem(r)) throw InputError(p.message);
}

}  // namespace attnviz
