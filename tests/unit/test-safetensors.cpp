// safetensors header and tensor table (core/model/safetensors.h).
// Files are built in memory byte by byte (LE length + JSON + data), so each
// test states exactly what is wrong with its file; tests/data/gpt2/tiny.safetensors
// (written by Python's struct module, independent of this code) checks a valid one.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "core/model/safetensors.h"
#include "core/types.h"

using namespace attnviz;

namespace {

std::string Le64(std::uint64_t n) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xFF);
  return s;
}

std::string File(const std::string& header_json, const std::string& data) {
  return Le64(header_json.size()) + header_json + data;
}

std::string F32Bytes(std::initializer_list<float> v) {
  std::string s;
  for (float f : v) {
    std::uint32_t b;
    std::memcpy(&b, &f, 4);
    for (int i = 0; i < 4; ++i) s += static_cast<char>((b >> (8 * i)) & 0xFF);
  }
  return s;
}

std::string HeaderError(const std::string& file) {
  try {
    ParseSafetensorsHeader(file, file.size(), "m.safetensors");
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kTwo = F32Bytes({1, 2});  // 8 bytes

}  // namespace

TEST_CASE("safetensors: the tiny file written by Python", "[safetensors]") {
  const auto f = SafetensorsFile::Open(std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/tiny.safetensors");
  const SafetensorsHeader& h = f.Header();
  REQUIRE(h.tensors.size() == 3);
  CHECK(h.metadata.at("format") == "pt");
  CHECK(h.header_bytes % 8 == 0);  // padded with spaces, which JSON allows
  CHECK(h.tensors[0].name == "a");  // file order
  CHECK(h.Find("a")->shape == std::vector<std::uint64_t>{2, 3});
  CHECK(f.ReadFloats("a") == std::vector<float>{0, 1, 2, 3, 4, 5});
  CHECK(f.ReadFloats("a", {2, 3}).size() == 6);
  CHECK(f.ReadFloats("b") == std::vector<float>{1.5f, -2.0f});  // F16 0x3E00, 0xC000
  CHECK(f.ReadFloats("c") == std::vector<float>{3.0f});         // BF16 0x4040, shape []
  CHECK(h.Find("c")->Elements() == 1);
  CHECK_THROWS_WITH(f.ReadFloats("a", {3, 2}), Catch::Contains("tensor 'a': shape [2, 3], expected [3, 2]"));
  CHECK_THROWS_WITH(f.ReadFloats("zzz"), Catch::Contains("no tensor named 'zzz'"));
}

TEST_CASE("safetensors: half and bfloat16 widen exactly", "[safetensors]") {
  CHECK(HalfToFloat(0x3C00) == 1.0f);
  CHECK(HalfToFloat(0x7BFF) == 65504.0f);                 // largest half
  CHECK(HalfToFloat(0x0400) == std::ldexp(1.0f, -14));    // smallest normal
  CHECK(HalfToFloat(0x0001) == std::ldexp(1.0f, -24));    // smallest subnormal
  CHECK(HalfToFloat(0x83FF) == -std::ldexp(1023.0f, -24));
  CHECK(std::signbit(HalfToFloat(0x8000)));
  CHECK(HalfToFloat(0xFC00) == -std::numeric_limits<float>::infinity());
  CHECK(std::isnan(HalfToFloat(0x7E00)));
  CHECK(Bfloat16ToFloat(0x3F80) == 1.0f);
  CHECK(Bfloat16ToFloat(0xC040) == -3.0f);
}

TEST_CASE("safetensors: a valid in-memory file, zero-size tensors and all dtypes", "[safetensors]") {
  const std::string hdr =
      R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
      R"("e":{"dtype":"F32","shape":[0,5],"data_offsets":[8,8]},)"
      R"("i":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}})";
  const std::string file = File(hdr, kTwo + std::string(8, '\0'));
  const SafetensorsHeader h = ParseSafetensorsHeader(file, file.size(), "m");
  REQUIRE(h.tensors.size() == 3);
  CHECK(h.data_start == 8 + hdr.size());
  CHECK(h.Find("e")->Elements() == 0);
  CHECK(ToString(h.Find("i")->dtype) == "I64");
  // Integer tensors are accepted in the table but cannot be read as weights.
  CHECK_THROWS_WITH(DecodeTensorAsFloats(*h.Find("i"), std::string(8, '\0'), "m"),
                    Catch::Contains("tensor 'i': dtype I64 cannot be read as weights"));
  CHECK(DecodeTensorAsFloats(*h.Find("w"), kTwo, "m") == std::vector<float>{1, 2});
}

TEST_CASE("safetensors: header length is checked before anything is read", "[safetensors]") {
  CHECK_THAT(HeaderError(""), Catch::Contains("0 bytes is too short"));
  CHECK_THAT(HeaderError("abc"), Catch::Contains("too short"));
  CHECK_THAT(HeaderError(Le64(1000) + "{}"), Catch::Contains("runs past the end of the 10-byte file"));
  CHECK_THAT(HeaderError(Le64(~std::uint64_t(0)) + "{}"), Catch::Contains("more than the 100000000 bytes"));
  CHECK_THAT(HeaderError(Le64(std::uint64_t(1) << 40) + "{}"), Catch::Contains("header length"));
  CHECK_THAT(HeaderError(Le64(0)), Catch::Contains("too short for a JSON object"));
  CHECK_THAT(HeaderError(File("[1,2]", "")), Catch::Contains("does not start with '{'"));
  CHECK_THAT(HeaderError(File("{\"a\":", "")), Catch::Contains("not valid JSON at byte"));
  CHECK(HeaderError(File("{}", "")) == "(no error)");
  // Only part of the header given (a caller that read too little).
  const std::string full = File(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", kTwo);
  CHECK_THROWS_WITH(ParseSafetensorsHeader(full.substr(0, 20), full.size(), "m"), Catch::Contains("were given"));
}

TEST_CASE("safetensors: every tensor entry is validated and named", "[safetensors]") {
  auto one = [](const std::string& entry, const std::string& data) {
    return HeaderError(File("{\"t.w\":" + entry + "}", data));
  };
  CHECK(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})", kTwo) == "(no error)");
  CHECK_THAT(one(R"([1])", kTwo), Catch::Contains("tensor 't.w': expected an object"));
  CHECK_THAT(one(R"({"shape":[2],"data_offsets":[0,8]})", kTwo), Catch::Contains("tensor 't.w': missing dtype"));
  CHECK_THAT(one(R"({"dtype":"F17","shape":[2],"data_offsets":[0,8]})", kTwo), Catch::Contains("unknown dtype 'F17'"));
  CHECK_THAT(one(R"({"dtype":"F32","data_offsets":[0,8]})", kTwo), Catch::Contains("missing shape"));
  CHECK_THAT(one(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})", kTwo), Catch::Contains("non-negative integers"));
  CHECK_THAT(one(R"({"dtype":"F32","shape":[2.5],"data_offsets":[0,8]})", kTwo), Catch::Contains("non-negative integers"));
  CHECK_THAT(one(R"({"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]})", kTwo),
             Catch::Contains("element count overflows"));
  CHECK_THAT(one(R"({"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,8]})", kTwo),
             Catch::Contains("byte count overflows"));
  CHECK_THAT(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0]})", kTwo), Catch::Contains("data_offsets must be [begin, end]"));
  CHECK_THAT(one(R"({"dtype":"F32","shape":[2],"data_offsets":[8,0]})", kTwo), Catch::Contains("end before they begin"));
  CHECK_THAT(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,16]})", kTwo),
             Catch::Contains("tensor 't.w': data_offsets end at 16, past the data buffer's 8 bytes"));
  CHECK_THAT(one(R"({"dtype":"F32","shape":[3],"data_offsets":[0,8]})", kTwo),
             Catch::Contains("holds 8 bytes but its shape and F32 need 12"));
  CHECK_THAT(one(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8],"x":1})", kTwo), Catch::Contains("unexpected field 'x'"));
  CHECK_THAT(HeaderError(File(R"({"__metadata__":{"a":1}})", "")), Catch::Contains("__metadata__ entry 'a' is not a string"));
  CHECK_THAT(HeaderError(File(R"({"__metadata__":[]})", "")), Catch::Contains("__metadata__ is not an object"));
}

TEST_CASE("safetensors: tensors must tile the data buffer", "[safetensors]") {
  const std::string a = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  CHECK_THAT(HeaderError(File("{" + a + R"(,"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", kTwo + F32Bytes({3}))),
             Catch::Contains("tensor 'b': data_offsets [4, 12] overlap the previous tensor, which ends at 8"));
  CHECK_THAT(HeaderError(File("{" + a + R"(,"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})", kTwo + kTwo)),
             Catch::Contains("tensor 'b': data_offsets begin at 12, leaving bytes 8..12 unused"));
  CHECK_THAT(HeaderError(File("{" + a + "}", kTwo + "xx")), Catch::Contains("cover 8 bytes of the 10-byte data buffer"));
  CHECK_THAT(HeaderError(File("{" + a + "," + a + "}", kTwo)), Catch::Contains("key 'a' appears twice"));
  // Order in the JSON does not matter; order in the buffer does.
  CHECK(HeaderError(File(R"({"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},)" + a + "}", kTwo + F32Bytes({3}))) ==
        "(no error)");
}

TEST_CASE("safetensors: NaN or infinity in weights is refused, naming the tensor", "[safetensors]") {
  SafetensorsTensor t;
  t.name = "h.0.attn.c_attn.weight";
  t.dtype = SafetensorsDtype::F32;
  t.shape = {3};
  t.end = 12;
  CHECK_THROWS_WITH(DecodeTensorAsFloats(t, F32Bytes({1, std::nanf(""), 2}), "m"),
                    Catch::Contains("tensor 'h.0.attn.c_attn.weight': element 1 is NaN"));
  CHECK_THROWS_WITH(DecodeTensorAsFloats(t, F32Bytes({1, 2, INFINITY}), "m"), Catch::Contains("element 2 is infinite"));
  t.dtype = SafetensorsDtype::F16;
  t.shape = {1};
  t.end = 2;
  CHECK_THROWS_WITH(DecodeTensorAsFloats(t, std::string("\x00\x7C", 2), "m"), Catch::Contains("infinite"));
  CHECK_THROWS_WITH(DecodeTensorAsFloats(t, std::string("\x00", 1), "m"), Catch::Contains("got 1 bytes, expected 2"));
}

TEST_CASE("safetensors: files on disk that are missing, truncated or empty", "[safetensors]") {
  CHECK_THROWS_WITH(SafetensorsFile::Open("/nonexistent/model.safetensors"), Catch::Contains("cannot open"));
  const std::string dir = std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/";
  std::ifstream in(dir + "tiny.safetensors", std::ios::binary);
  std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string path = "/tmp/attnviz-test-truncated.safetensors";
  {
    std::ofstream out(path, std::ios::binary);
    out << good.substr(0, good.size() - 3);  // a download cut short
  }
  CHECK_THROWS_WITH(SafetensorsFile::Open(path), Catch::Contains("tensor 'b': data_offsets end at 28, past the data buffer's 27 bytes"));
  { std::ofstream out(path, std::ios::binary); }
  CHECK_THROWS_WITH(SafetensorsFile::Open(path), Catch::Contains("0 bytes is too short"));
  std::remove(path.c_str());
}
