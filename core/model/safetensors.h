// safetensors (Hugging Face): the file GPT-2 checkpoints ship their weights in.
//   bytes [0, 8)        N, the header length, unsigned 64-bit little-endian
//   bytes [8, 8+N)      a JSON object: {"__metadata__": {str: str}?,
//                         "<tensor name>": {"dtype": "F32", "shape": [r, c],
//                                           "data_offsets": [begin, end]}, ...}
//                       (may be padded with trailing spaces)
//   bytes [8+N, size)   the data buffer; offsets are relative to its start
// Everything in the header is checked against the file before a byte of data is
// trusted, as the reference implementation does: each tensor's byte count is
// its element count times the dtype size (no overflow), and the tensors, sorted
// by offset, tile the buffer exactly (no gap, no overlap, nothing past the end).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

// Dtypes the format defines. Only F32, F16 and BF16 can be read as floats; the
// others are accepted in a header (so a file with an extra integer buffer still
// opens) and refused, naming the tensor, when someone reads them.
enum class SafetensorsDtype { Bool, U8, I8, F8_E4M3, F8_E5M2, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64 };

struct SafetensorsTensor {
  std::string name;
  SafetensorsDtype dtype = SafetensorsDtype::F32;
  std::vector<std::uint64_t> shape;  // empty for a scalar (one element)
  std::uint64_t begin = 0;           // byte offset in the data buffer
  std::uint64_t end = 0;             // one past the last byte
  std::uint64_t Elements() const;    // product of shape (checked not to overflow when parsed)
};

struct SafetensorsHeader {
  std::uint64_t header_bytes = 0;    // N
  std::uint64_t data_start = 0;      // 8 + N: file offset of the data buffer
  std::uint64_t data_bytes = 0;      // size of the data buffer
  std::vector<SafetensorsTensor> tensors;            // sorted by begin (file order)
  std::map<std::string, std::string> metadata;       // "__metadata__", often {"format": "pt"}
  // nullptr when absent.
  const SafetensorsTensor* Find(std::string_view name) const;
};

// Refuse headers larger than this before allocating for them (the reference
// implementation's limit is 100 MB; GPT-2 small's header is about 15 KB).
inline constexpr std::uint64_t kMaxSafetensorsHeaderBytes = 100'000'000;

std::string_view ToString(SafetensorsDtype d);   // "F32", "BF16", ...
std::size_t DtypeBytes(SafetensorsDtype d);      // 4, 2, ...

// Reads N from the first 8 bytes (which the caller must pass), validated
// against the file size and kMaxSafetensorsHeaderBytes.
std::uint64_t ParseSafetensorsHeaderLength(std::string_view first8, std::uint64_t file_size,
                                           std::string_view source);

// Parses and validates the header. `prefix` holds at least the file's first
// 8 + N bytes (more is ignored); `file_size` is the whole file's size; `source`
// names the file in messages. Throws InputError with one line naming the file,
// the tensor and what is wrong.
SafetensorsHeader ParseSafetensorsHeader(std::string_view prefix, std::uint64_t file_size,
                                         std::string_view source);

// Converts one tensor's raw little-endian bytes (exactly end - begin of them)
// to floats. F16 and BF16 are widened exactly. Throws InputError naming the
// tensor for a dtype that is not F32/F16/BF16, and for NaN or infinity in the
// data: a weight like that would put NaN on every view downstream.
std::vector<float> DecodeTensorAsFloats(const SafetensorsTensor& t, std::string_view raw, std::string_view source);
// The same into `out` (room for raw.size() / DtypeBytes(t.dtype) floats), for
// loaders that decode straight into their own storage (no second copy of a
// 150 MB embedding). Same checks and messages.
void DecodeTensorInto(const SafetensorsTensor& t, std::string_view raw, float* out, std::string_view source);

// IEEE binary16 and bfloat16 to float (exact: every such value is a float).
float HalfToFloat(std::uint16_t h);
float Bfloat16ToFloat(std::uint16_t b);

// A safetensors file on disk: the header is read and validated on Open, the
// data of a tensor when asked for.
class SafetensorsFile {
 public:
  // Throws InputError: cannot open, too short, bad header.
  static SafetensorsFile Open(const std::string& path);
  const SafetensorsHeader& Header() const { return header_; }
  // Throws InputError naming the tensor: missing, unreadable, wrong dtype, non-finite.
  std::vector<float> ReadFloats(std::string_view name) const;
  // As ReadFloats, and also checks the shape (e.g. {768, 2304} for c_attn.weight).
  std::vector<float> ReadFloats(std::string_view name, const std::vector<std::uint64_t>& expected_shape) const;

 private:
  std::string path_;
  SafetensorsHeader header_;
};

}  // namespace attnviz
