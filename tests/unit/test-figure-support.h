// Helpers for the figure and export tests: decode PNG (libpng's simplified
// API, independent of our encoder), check XML well-formedness, read files.
#pragma once
#include <png.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace figure_test {

// A fresh directory under /tmp, removed with everything in it (permissions
// restored first, for tests that make it read-only).
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/attnviz-figure-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};


struct Decoded {
  int width = 0, height = 0;
  bool has_alpha = false;
  std::vector<unsigned char> rgba;  // always expanded to RGBA
  bool ok = false;
  std::string error;
  const unsigned char* At(int x, int y) const { return &rgba[(static_cast<std::size_t>(y) * width + x) * 4]; }
};

inline Decoded DecodePng(const std::string& bytes) {
  Decoded d;
  png_image img{};
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&img, bytes.data(), bytes.size())) {
    d.error = img.message;
    return d;
  }
  d.has_alpha = (img.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  img.format = PNG_FORMAT_RGBA;
  d.width = static_cast<int>(img.width);
  d.height = static_cast<int>(img.height);
  d.rgba.resize(PNG_IMAGE_SIZE(img));
  if (!png_image_finish_read(&img, nullptr, d.rgba.data(), 0, nullptr)) {
    d.error = img.message;
    png_image_free(&img);
    return d;
  }
  d.ok = true;
  return d;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

// A small XML 1.0 well-formedness check: one root element, properly nested
// and closed tags, quoted attributes, no stray '<' or '&' in text or values,
// only the five predefined entities or numeric references. Enough to catch
// what a broken SVG writer produces; not a validating parser.
inline bool WellFormedXml(const std::string& s, std::string* why) {
  std::vector<std::string> stack;
  std::size_t i = 0;
  int roots = 0;
  auto fail = [&](const std::string& m) {
    *why = m + " at byte " + std::to_string(i);
    return false;
  };
  auto entity_ok = [&](std::size_t at) {
    std::size_t semi = s.find(';', at);
    if (semi == std::string::npos || semi - at > 10) return false;
    std::string e = s.substr(at + 1, semi - at - 1);
    return e == "amp" || e == "lt" || e == "gt" || e == "quot" || e == "apos" || (!e.empty() && e[0] == '#');
  };
  auto is_name = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == ':' || c == '-' || c == '_' || c == '.'; };
  while (i < s.size()) {
    if (s[i] == '<') {
      if (s.compare(i, 5, "<?xml") == 0) {
        std::size_t e = s.find("?>", i);
        if (e == std::string::npos) return fail("unclosed declaration");
        i = e + 2;
        continue;
      }
      if (s.compare(i, 4, "<!--") == 0) {
        std::size_t e = s.find("-->", i);
        if (e == std::string::npos) return fail("unclosed comment");
        i = e + 3;
        continue;
      }
      bool closing = i + 1 < s.size() && s[i + 1] == '/';
      std::size_t j = i + (closing ? 2 : 1);
      std::size_t n0 = j;
      while (j < s.size() && is_name(s[j])) ++j;
      std::string name = s.substr(n0, j - n0);
      if (name.empty()) return fail("empty tag name");
      if (closing) {
        if (stack.empty() || stack.back() != name) return fail("mismatched </" + name + ">");
        stack.pop_back();
        if (j >= s.size() || s[j] != '>') return fail("bad closing tag");
        i = j + 1;
        continue;
      }
      // attributes
      while (true) {
        while (j < s.size() && std::isspace(static_cast<unsigned char>(s[j]))) ++j;
        if (j >= s.size()) return fail("unterminated tag");
        if (s[j] == '>' || (s[j] == '/' && j + 1 < s.size() && s[j + 1] == '>')) break;
        std::size_t a0 = j;
        while (j < s.size() && is_name(s[j])) ++j;
        if (j == a0) return fail("bad attribute name");
        if (j >= s.size() || s[j] != '=') return fail("attribute without value");
        ++j;
        if (j >= s.size() || (s[j] != '"' && s[j] != '\'')) return fail("unquoted attribute");
        char q = s[j++];
        while (j < s.size() && s[j] != q) {
          if (s[j] == '<') return fail("'<' in attribute");
          if (s[j] == '&' && !entity_ok(j)) return fail("bad entity in attribute");
          ++j;
        }
        if (j >= s.size()) return fail("unterminated attribute");
        ++j;
      }
      bool self_closing = s[j] == '/';
      if (stack.empty()) ++roots;
      if (roots > 1) return fail("second root element");
      if (!self_closing) stack.push_back(name);
      i = j + (self_closing ? 2 : 1);
    } else {
      if (s[i] == '&' && !entity_ok(i)) return fail("bad entity in text");
      if (stack.empty() && !std::isspace(static_cast<unsigned char>(s[i]))) return fail("text outside the root");
      ++i;
    }
  }
  if (!stack.empty()) return fail("unclosed <" + stack.back() + ">");
  if (roots != 1) return fail("no root element");
  return true;
}

inline std::size_t Count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + needle.size())) ++n;
  return n;
}

}  // namespace figure_test
