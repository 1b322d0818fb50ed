// safetensors header parsing and tensor decoding. See safetensors.h for the
// layout. Every number from the file is treated as hostile: sizes are compared
// before they are added or multiplied, and nothing is allocated from a size the
// file states until that size has been checked against the file's real size.
//
// Index
//   [SECTION] Dtypes
//   [SECTION] Header
//   [SECTION] Decoding
//   [SECTION] SafetensorsFile
#include "core/model/safetensors.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "core/model/json_input.h"
#include "core/types.h"

namespace attnviz {
namespace {

// [SECTION] Dtypes

struct DtypeInfo {
  SafetensorsDtype dtype;
  const char* name;
  std::size_t bytes;
};

// F8 types are one byte; BOOL is stored as one byte per element.
constexpr DtypeInfo kDtypes[] = {
    {SafetensorsDtype::Bool, "BOOL", 1}, {SafetensorsDtype::U8, "U8", 1},
    {SafetensorsDtype::I8, "I8", 1},     {SafetensorsDtype::F8_E4M3, "F8_E4M3", 1},
    {SafetensorsDtype::F8_E5M2, "F8_E5M2", 1}, {SafetensorsDtype::I16, "I16", 2},
    {SafetensorsDtype::U16, "U16", 2},   {SafetensorsDtype::F16, "F16", 2},
    {SafetensorsDtype::BF16, "BF16", 2}, {SafetensorsDtype::I32, "I32", 4},
    {SafetensorsDtype::U32, "U32", 4},   {SafetensorsDtype::F32, "F32", 4},
    {SafetensorsDtype::F64, "F64", 8},   {SafetensorsDtype::I64, "I64", 8},
    {SafetensorsDtype::U64, "U64", 8},
};

const DtypeInfo& InfoOf(SafetensorsDtype d) {
  for (const DtypeInfo& i : kDtypes) {
    if (i.dtype == d) return i;
  }
  return kDtypes[0];  // unreachable: every enumerator is in the table
}

// A name from the file, safe to print on one line.
std::string Printable(std::string_view s) {
  std::string out;
  for (char ch : s.substr(0, 120)) {
    const unsigned char c = static_cast<unsigned char>(ch);
    out += (c < 0x20 || c == 0x7F) ? '?' : ch;
  }
  if (s.size() > 120) out += "...";
  return out;
}

std::string TensorError(std::string_view source, std::string_view tensor, const std::string& what) {
  return std::string(source) + ": tensor '" + Printable(tensor) + "': " + what;
}

// A JSON value that must be a non-negative integer (shape entries, offsets).
bool AsUnsigned(const nlohmann::json& v, std::uint64_t* out) {
  if (v.is_number_unsigned()) {
    *out = v.get<std::uint64_t>();
    return true;
  }
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) {
    *out = static_cast<std::uint64_t>(v.get<std::int64_t>());
    return true;
  }
  return false;
}

}  // namespace

std::string_view ToString(SafetensorsDtype d) { return InfoOf(d).name; }
std::size_t DtypeBytes(SafetensorsDtype d) { return InfoOf(d).bytes; }

std::uint64_t SafetensorsTensor::Elements() const {
  std::uint64_t n = 1;
  for (std::uint64_t s : shape) n *= s;
  return n;
}

const SafetensorsTensor* SafetensorsHeader::Find(std::string_view name) const {
  for (const SafetensorsTensor& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// [SECTION] Header

std::uint64_t ParseSafetensorsHeaderLength(std::string_view first8, std::uint64_t file_size,
                                           std::string_view source) {
  const std::string src(source);
  if (first8.size() < 8 || file_size < 8) {
    throw InputError(src + ": " + std::to_string(file_size) +
                     " bytes is too short for a safetensors file (it starts with an 8-byte header length)");
  }
  std::uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(first8[i]);
  if (n > kMaxSafetensorsHeaderBytes) {
    throw InputError(src + ": header length " + std::to_string(n) + " is more than the " +
                     std::to_string(kMaxSafetensorsHeaderBytes) + " bytes a safetensors header may have");
  }
  if (n > file_size - 8) {
    throw InputError(src + ": header length " + std::to_string(n) + " runs past the end of the " +
                     std::to_string(file_size) + "-byte file (truncated download?)");
  }
  if (n < 2) throw InputError(src + ": header length " + std::to_string(n) + " is too short for a JSON object");
  return n;
}

SafetensorsHeader ParseSafetensorsHeader(std::string_view prefix, std::uint64_t file_size,
                                         std::string_view source) {
  const std::string src(source);
  SafetensorsHeader h;
  h.header_bytes = ParseSafetensorsHeaderLength(prefix.substr(0, 8), file_size, source);
  if (prefix.size() < 8 + h.header_bytes) {
    throw InputError(src + ": only " + std::to_string(prefix.size()) + " of the header's " +
                     std::to_string(8 + h.header_bytes) + " bytes were given");
  }
  h.data_start = 8 + h.header_bytes;
  h.data_bytes = file_size - h.data_start;
  const std::string_view json_text = prefix.substr(8, h.header_bytes);
  // The reference refuses a header that does not start with '{' (so a file that
  // merely happens to parse as a JSON number is not taken for a checkpoint).
  if (json_text.front() != '{') throw InputError(src + ": the header does not start with '{'; not a safetensors file");

  const nlohmann::json j = ParseJsonInput(json_text, src + " header", /*reject_duplicate_keys=*/true);
  if (!j.is_object()) throw InputError(src + ": the header is not a JSON object");

  for (const auto& [name, entry] : j.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) throw InputError(src + ": __metadata__ is not an object of strings");
      for (const auto& [k, v] : entry.items()) {
        if (!v.is_string()) throw InputError(src + ": __metadata__ entry '" + Printable(k) + "' is not a string");
        h.metadata.emplace(k, v.get<std::string>());
      }
      continue;
    }
    if (!entry.is_object()) throw InputError(TensorError(src, name, "expected an object with dtype, shape and data_offsets"));
    SafetensorsTensor t;
    t.name = name;

    const auto dtype = entry.find("dtype");
    if (dtype == entry.end() || !dtype->is_string()) throw InputError(TensorError(src, name, "missing dtype"));
    const std::string& dname = dtype->get_ref<const std::string&>();
    const auto known = std::find_if(std::begin(kDtypes), std::end(kDtypes),
                                    [&](const DtypeInfo& i) { return dname == i.name; });
    if (known == std::end(kDtypes)) throw InputError(TensorError(src, name, "unknown dtype '" + Printable(dname) + "'"));
    t.dtype = known->dtype;

    const auto shape = entry.find("shape");
    if (shape == entry.end() || !shape->is_array()) throw InputError(TensorError(src, name, "missing shape"));
    // Element count, refusing overflow: a dimension product past 2^64 would
    // wrap to a small number and pass the size check below.
    std::uint64_t elements = 1;
    for (const nlohmann::json& dim : *shape) {
      std::uint64_t d = 0;
      if (!AsUnsigned(dim, &d)) throw InputError(TensorError(src, name, "shape entries must be non-negative integers"));
      if (d != 0 && elements > std::numeric_limits<std::uint64_t>::max() / d) {
        throw InputError(TensorError(src, name, "shape is too large (element count overflows)"));
      }
      elements *= d;
      t.shape.push_back(d);
    }
    const std::uint64_t elem_bytes = known->bytes;
    if (elements > std::numeric_limits<std::uint64_t>::max() / elem_bytes) {
      throw InputError(TensorError(src, name, "shape is too large (byte count overflows)"));
    }

    const auto offsets = entry.find("data_offsets");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
        !AsUnsigned((*offsets)[0], &t.begin) || !AsUnsigned((*offsets)[1], &t.end)) {
      throw InputError(TensorError(src, name, "data_offsets must be [begin, end], two non-negative integers"));
    }
    if (t.end < t.begin) {
      throw InputError(TensorError(src, name, "data_offsets [" + std::to_string(t.begin) + ", " +
                                                  std::to_string(t.end) + "] end before they begin"));
    }
    if (t.end > h.data_bytes) {
      throw InputError(TensorError(src, name, "data_offsets end at " + std::to_string(t.end) +
                                                  ", past the data buffer's " + std::to_string(h.data_bytes) +
                                                  " bytes (truncated file?)"));
    }
    if (t.end - t.begin != elements * elem_bytes) {
      throw InputError(TensorError(src, name, "holds " + std::to_string(t.end - t.begin) + " bytes but its shape and " +
                                                  dname + " need " + std::to_string(elements * elem_bytes)));
    }
    for (auto it = entry.begin(); it != entry.end(); ++it) {
      if (it.key() != "dtype" && it.key() != "shape" && it.key() != "data_offsets") {
        throw InputError(TensorError(src, name, "unexpected field '" + Printable(it.key()) + "'"));
      }
    }
    h.tensors.push_back(std::move(t));
  }

  // File order: the tensors must tile the data buffer. A gap means bytes that
  // belong to nothing; an overlap means two tensors share bytes (a crafted file
  // can alias weights that way). Zero-size tensors may sit anywhere a boundary is.
  std::stable_sort(h.tensors.begin(), h.tensors.end(), [](const SafetensorsTensor& a, const SafetensorsTensor& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  std::uint64_t covered = 0;
  for (const SafetensorsTensor& t : h.tensors) {
    if (t.begin < covered) {
      throw InputError(TensorError(src, t.name, "data_offsets [" + std::to_string(t.begin) + ", " + std::to_string(t.end) +
                                                    "] overlap the previous tensor, which ends at " + std::to_string(covered)));
    }
    if (t.begin > covered) {
      throw InputError(TensorError(src, t.name, "data_offsets begin at " + std::to_string(t.begin) +
                                                    ", leaving bytes " + std::to_string(covered) + ".." +
                                                    std::to_string(t.begin) + " unused"));
    }
    covered = t.end;
  }
  if (covered != h.data_bytes) {
    throw InputError(src + ": the tensors cover " + std::to_string(covered) + " bytes of the " +
                     std::to_string(h.data_bytes) + "-byte data buffer; the file has extra bytes at the end");
  }
  return h;
}

// [SECTION] Decoding

float HalfToFloat(std::uint16_t h) {
  const std::uint32_t sign = std::uint32_t(h & 0x8000) << 16;
  const std::uint32_t exp = (h >> 10) & 0x1F;
  const std::uint32_t mant = h & 0x3FF;
  std::uint32_t bits;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);  // infinity or NaN
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);  // rebias 15 -> 127
  } else if (mant == 0) {
    bits = sign;  // signed zero
  } else {
    // Subnormal half: mant * 2^-24, normal as a float. ldexp is exact here.
    const float v = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -v : v;
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

float Bfloat16ToFloat(std::uint16_t b) {
  const std::uint32_t bits = std::uint32_t(b) << 16;  // bfloat16 is the top half of a float
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

void DecodeTensorInto(const SafetensorsTensor& t, std::string_view raw, float* out, std::string_view source) {
  const std::string src(source);
  const std::size_t eb = DtypeBytes(t.dtype);
  if (t.dtype != SafetensorsDtype::F32 && t.dtype != SafetensorsDtype::F16 && t.dtype != SafetensorsDtype::BF16) {
    throw InputError(TensorError(src, t.name, "dtype " + std::string(ToString(t.dtype)) +
                                                  " cannot be read as weights (expected F32, F16 or BF16)"));
  }
  if (raw.size() != t.end - t.begin || raw.size() % eb != 0) {
    throw InputError(TensorError(src, t.name, "got " + std::to_string(raw.size()) + " bytes, expected " +
                                                  std::to_string(t.end - t.begin)));
  }
  const std::size_t n = raw.size() / eb;
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  if (t.dtype == SafetensorsDtype::F32 && std::endian::native == std::endian::little) {
    std::memcpy(out, p, n * sizeof(float));  // the file's layout is the host's: one copy
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      const unsigned char* e = p + i * eb;  // little-endian regardless of the host (decoded byte by byte)
      if (t.dtype == SafetensorsDtype::F32) {
        const std::uint32_t bits = std::uint32_t(e[0]) | (std::uint32_t(e[1]) << 8) | (std::uint32_t(e[2]) << 16) |
                                   (std::uint32_t(e[3]) << 24);
        std::memcpy(&out[i], &bits, sizeof(float));
      } else {
        const std::uint16_t bits = static_cast<std::uint16_t>(e[0] | (e[1] << 8));
        out[i] = t.dtype == SafetensorsDtype::F16 ? HalfToFloat(bits) : Bfloat16ToFloat(bits);
      }
    }
  }
  // One branch-free pass (vectorisable) over the decoded values; only when it
  // finds something does a second pass look for the first bad element.
  bool all_finite = true;
  for (std::size_t i = 0; i < n; ++i) all_finite &= std::fabs(out[i]) <= std::numeric_limits<float>::max();
  if (!all_finite) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(out[i])) {
        throw InputError(TensorError(src, t.name, "element " + std::to_string(i) + " is " +
                                                      (std::isnan(out[i]) ? "NaN" : "infinite") +
                                                      "; the checkpoint is corrupt"));
      }
    }
  }
}

std::vector<float> DecodeTensorAsFloats(const SafetensorsTensor& t, std::string_view raw, std::string_view source) {
  const std::size_t eb = DtypeBytes(t.dtype);
  std::vector<float> out(raw.size() / eb);
  DecodeTensorInto(t, raw, out.data(), source);
  return out;
}

// [SECTION] SafetensorsFile

SafetensorsFile SafetensorsFile::Open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw InputError(path + ": cannot read");
  in.seekg(0);
  std::string first8(8, '\0');
  const std::uint64_t file_size = static_cast<std::uint64_t>(size);
  in.read(first8.data(), static_cast<std::streamsize>(std::min<std::uint64_t>(8, file_size)));
  const std::uint64_t n = ParseSafetensorsHeaderLength(first8, file_size, path);
  std::string prefix = first8;
  prefix.resize(8 + n);  // n was checked against the file size and the 100 MB cap
  if (!in.read(prefix.data() + 8, static_cast<std::streamsize>(n))) throw InputError(path + ": cannot read the header");
  SafetensorsFile f;
  f.path_ = path;
  f.header_ = ParseSafetensorsHeader(prefix, file_size, path);
  return f;
}

std::vector<float> SafetensorsFile::ReadFloats(std::string_view name) const {
  const SafetensorsTensor* t = header_.Find(name);
  if (!t) throw InputError(path_ + ": no tensor named '" + Printable(name) + "'");
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw InputError(path_ + ": cannot open");
  std::string raw(t->end - t->begin, '\0');  // within the file: checked by ParseSafetensorsHeader
  in.seekg(static_cast<std::streamoff>(header_.data_start + t->begin));
  if (!in.read(raw.data(), static_cast<std::streamsize>(raw.size()))) {
    throw InputError(TensorError(path_, t->name, "cannot read its data (file changed since it was opened?)"));
  }
  return DecodeTensorAsFloats(*t, raw, path_);
}

std::vector<float> SafetensorsFile::ReadFloats(std::string_view name, const std::vector<std::uint64_t>& expected_shape) const {
  const SafetensorsTensor* t = header_.Find(name);
  if (t && t->shape != expected_shape) {
    auto dims = [](const std::vector<std::uint64_t>& s) {
      std::string out = "[";
      for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
      return out + "]";
    };
    throw InputError(TensorError(path_, t->name, "shape " + dims(t->shape) + ", expected " + dims(expected_shape)));
  }
  return ReadFloats(name);
}

}  // namespace attnviz
