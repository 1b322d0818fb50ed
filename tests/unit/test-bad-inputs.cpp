// The bad-input table (README.md, "Bad inputs and limits"): each row tried through the engine
// (core API) and through the real executable (ATTNVIZ_BINARY, run with
// fork/exec). The contract (attnviz brief, SPEC.md): a clear one-line message,
// never a crash, never NaN; usage errors and refused input exit 2, failures to
// write exit 1. Each TEST_CASE name is what the table cites.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/cli/options.h"
#include "core/engine.h"
#include "core/limits.h"
#include "core/model/gpt2_config.h"
#include "core/model/safetensors.h"
#include "core/model/model.h"
#include "core/text/bpe.h"
#include "core/text/tokenizer.h"
#include "core/types.h"
#include "tests/unit/process.h"
#include "tests/unit/head-matrices.h"

using namespace attnviz;

namespace {

// [SECTION] Running the executable

using CliResult = attnviz::test::ProcessResult;
using attnviz::test::ReadWhole;

// Standard input from stdin_path; with memory_cap_mb > 0 the child may use at
// most that much memory, so a bug that reads without bound fails the test
// instead of exhausting the machine.
CliResult RunAttnviz(const std::vector<std::string>& args, const std::string& stdin_path = "/dev/null",
                     int memory_cap_mb = 0) {
  attnviz::test::ProcessOptions opt;
  opt.stdin_path = stdin_path;
  opt.memory_cap_mb = memory_cap_mb;
  return attnviz::test::RunAttnviz(args, opt);
}

// Exit status 2 and exactly one error line, prefixed with the command, that
// contains `want`.
void ExpectUsageError(const CliResult& r, const std::string& command, const std::string& want) {
  INFO("stderr: " << r.err);
  CHECK(r.status == 2);
  const auto lines = r.ErrorLines();
  REQUIRE(lines.size() == 1);
  const std::string prefix = command.empty() ? "attnviz: " : "attnviz " + command + ": ";
  CHECK(lines[0].rfind(prefix, 0) == 0);
  CHECK_THAT(lines[0], Catch::Contains(want));
}

std::string TempFile(const std::string& name, const std::string& content) {
  const std::string path = "/tmp/attnviz-bad-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

std::string EngineError(const Request& r) {
  try {
    RunTrace(r);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

Request WithText(std::string text) {
  Request r;
  r.text = std::move(text);
  return r;
}

bool TraceIsFinite(const Trace& t) {
  for (int li = 0; li < static_cast<int>(t.layers.size()); ++li) {
    const LayerTrace& l = t.layers[li];
    if (!l.output.allFinite()) return false;
    for (int h = 0; h < static_cast<int>(l.heads.size()); ++h)
      if (!test::WeightsOf(t, li, h).allFinite() || !test::LogitsOf(t, li, h).allFinite() || !l.heads[h].output.allFinite())
        return false;
  }
  return true;
}

}  // namespace

// [SECTION] Text

TEST_CASE("bad input: empty text", "[bad-input]") {
  CHECK_THAT(EngineError(WithText("")), Catch::Contains("text is empty"));
  ExpectUsageError(RunAttnviz({"trace", "--text", ""}), "trace", "text is empty");
}

TEST_CASE("bad input: whitespace only", "[bad-input]") {
  CHECK_THAT(EngineError(WithText(" \t\n\r\v\f ")), Catch::Contains("only whitespace"));
  ExpectUsageError(RunAttnviz({"trace", "--text", "  \n\t  "}), "trace", "only whitespace");
}

TEST_CASE("bad input: 1 MiB of text", "[bad-input]") {
  // Exactly 1 MiB of one-letter words: within the byte limit, far past the token limit.
  std::string words;
  while (words.size() < kMaxTextBytes) words += "a ";
  REQUIRE(words.size() == kMaxTextBytes);
  CHECK_THAT(EngineError(WithText(words)), Catch::Contains("tokens; the limit is 4096"));
  // One byte more is refused before tokenizing.
  CHECK_THAT(EngineError(WithText(std::string(kMaxTextBytes + 1, 'a'))), Catch::Contains("1048576"));
  const std::string at_limit = TempFile("words.txt", words);
  const std::string over = TempFile("over.txt", std::string(kMaxTextBytes + 1, 'a'));
  ExpectUsageError(RunAttnviz({"trace", "--text-file", at_limit}), "trace", "the limit is 4096");
  ExpectUsageError(RunAttnviz({"trace", "--text-file", over}), "trace", "1048576");
  ExpectUsageError(RunAttnviz({"export", "--text-file", over, "--out", "/tmp/attnviz-bad-never.png"}), "export", "1048576");
  std::remove(at_limit.c_str());
  std::remove(over.c_str());
}

TEST_CASE("bad input: endless text file (/dev/zero, standard input)", "[bad-input]") {
  // Regression (found writing this table): --text-file read the whole file
  // before the 1 MiB check, so /dev/zero or an endless pipe on standard input
  // grew memory until the machine ran out. The child is capped at 1 GiB here,
  // so the bug fails this test instead of exhausting the machine.
  ExpectUsageError(RunAttnviz({"trace", "--text-file", "/dev/zero"}, "/dev/null", 1024), "trace", "1048576");
  ExpectUsageError(RunAttnviz({"trace", "--text-file", "-"}, "/dev/zero", 1024), "trace", "1048576");
}

TEST_CASE("bad input: invalid UTF-8", "[bad-input]") {
  for (const std::string& bad : {std::string("ok\xC3("), std::string("ab\xE2\x82"), std::string("\xC0\xAF"),
                                std::string("x\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"), std::string("\xFF")}) {
    INFO("text bytes: " << bad.size());
    CHECK_THAT(EngineError(WithText(bad)), Catch::Contains("UTF-8"));
  }
  CHECK_THAT(EngineError(WithText("ok\xC3(")), Catch::Contains("byte offset 2"));
  const CliResult r = RunAttnviz({"trace", "--text", "ok\xC3("});
  ExpectUsageError(r, "trace", "byte offset 2");
  // The message shows the bad byte as hex, never raw (a raw byte would break the terminal line).
  CHECK(r.err.find('\xC3') == std::string::npos);
}

TEST_CASE("bad input: NUL bytes", "[bad-input]") {
  const TracePtr t = RunTrace(WithText(std::string("a\0b", 3)));
  REQUIRE(t->n() == 3);
  CHECK(t->tokens[1].text == std::string("\0", 1));
  CHECK(DisplayToken(t->tokens[1].text) == "\\u{0}");
  CHECK(TraceIsFinite(*t));
  // A NUL cannot be in an argument; it arrives through --text-file.
  const std::string path = TempFile("nul.txt", std::string("a\0b", 3));
  const CliResult r = RunAttnviz({"trace", "--text-file", path});
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("\"text\":\"\\u0000\""));
  std::remove(path.c_str());
}

TEST_CASE("bad input: emoji and CJK", "[bad-input]") {
  const std::string text = "\U0001F600 \u4e2d\u6587 caf\u00e9 \U0001F44D\U0001F3FD na\u00efve";
  const TracePtr t = RunTrace(WithText(text));
  CHECK(t->n() == 5);
  for (const Token& tok : t->tokens) CHECK(FindInvalidUtf8(tok.text) == -1);  // no split code point
  CHECK(TraceIsFinite(*t));
  const CliResult r = RunAttnviz({"trace", "--text", text});
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Contains("\"format\":\"attnviz-trace/1\""));
  // The GPT-2 tokenizer splits them into bytes but the spans still tile the text.
  const BpeTokenizer bpe = BpeTokenizer::FromFiles(std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/tiny_vocab.json",
                                                   std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/tiny_merges.txt");
  std::string joined;
  for (const Token& tok : bpe.Tokenize(text)) joined += tok.text;
  CHECK(joined == text);
}

// [SECTION] Options

TEST_CASE("bad input: window 0", "[bad-input]") {
  Request r;
  r.mask.pattern = MaskPattern::Sliding;
  r.mask.window = 0;
  CHECK_THAT(EngineError(r), Catch::Contains("window 0 is not allowed"));
  CHECK_THROWS_WITH(ParseTraceOptions({"--window", "0"}, nullptr), Catch::Contains("--window: '0' is not allowed"));
  ExpectUsageError(RunAttnviz({"trace", "--mask", "sliding", "--window", "0"}), "trace", "--window: '0'");
  ExpectUsageError(RunAttnviz({"trace", "--window=-3"}), "trace", "--window: '-3'");
}

TEST_CASE("bad input: block larger than N", "[bad-input]") {
  // Allowed: one block covers the text, so block-sparse equals full (or causal)
  // attention, and the trace says so in a note.
  Request r = WithText("the cat sat");
  r.mask.pattern = MaskPattern::BlockSparse;
  r.mask.block = 100;
  const TracePtr t = RunTrace(r);
  CHECK((t->mask.array() == 1).all());
  REQUIRE(!t->notes.empty());
  CHECK_THAT(t->notes[0], Catch::Contains("block 100 >= N = 3"));
  const CliResult c = RunAttnviz({"trace", "--text", "the cat sat", "--mask", "block-sparse", "--block", "100"});
  CHECK(c.status == 0);
  CHECK_THAT(c.err, Catch::Contains("note: block 100 >= N = 3"));
  // Larger than any text is a usage error.
  ExpectUsageError(RunAttnviz({"trace", "--block", "100000"}), "trace", "--block: '100000'");
}

TEST_CASE("bad input: heads not dividing d_model", "[bad-input]") {
  Request r;
  r.model = "random";
  r.heads = 5;
  r.kv_heads = 5;
  CHECK_THAT(EngineError(r), Catch::Contains("heads 5 does not divide d_model 64"));
  ExpectUsageError(RunAttnviz({"trace", "--model", "random", "--heads", "5"}), "trace", "--heads: '5' does not divide d_model 64");
  // The built-in model has its own shape: asking it for other sizes is refused, not ignored.
  ExpectUsageError(RunAttnviz({"trace", "--d-model", "32", "--heads", "4"}), "trace", "random");
}

TEST_CASE("bad input: kv-heads not dividing heads", "[bad-input]") {
  Request r;
  r.kv_heads = 3;
  CHECK_THAT(EngineError(r), Catch::Contains("kv-heads 3 does not divide heads 8"));
  ExpectUsageError(RunAttnviz({"trace", "--kv-heads", "3"}), "trace", "--kv-heads: '3' does not divide heads 8");
  ExpectUsageError(RunAttnviz({"trace", "--kv-heads", "16"}), "trace", "--kv-heads: '16'");
  ExpectUsageError(RunAttnviz({"trace", "--kv-heads", "0"}), "trace", "--kv-heads: '0'");
}

TEST_CASE("bad input: temperature 0, negative or not a number", "[bad-input]") {
  for (float temp : {0.0f, -1.0f, std::nanf(""), INFINITY, 1e-30f, 1e30f}) {
    Request r;
    r.temperature = temp;
    INFO("temperature " << temp);
    CHECK_THAT(EngineError(r), Catch::Contains("temperature") && Catch::Contains("allowed 0.01..100"));
  }
  for (const char* v : {"0", "-1", "nan", "inf", "1e400", "", "1,5"}) {
    INFO("--temperature " << v);
    ExpectUsageError(RunAttnviz({"trace", "--temperature", v}), "trace", "--temperature: '" + std::string(v) + "'");
  }
}

TEST_CASE("bad input: malformed options", "[bad-input]") {
  ExpectUsageError(RunAttnviz({"trace", "--frobnicate"}), "trace", "--frobnicate: unknown option");
  ExpectUsageError(RunAttnviz({"trace", "--window"}), "trace", "--window: needs a value");
  ExpectUsageError(RunAttnviz({"trace", "--heads", "eight"}), "trace", "--heads: 'eight'");
  ExpectUsageError(RunAttnviz({"trace", "--heads", "99999999999999999999"}), "trace", "--heads:");
  ExpectUsageError(RunAttnviz({"trace", "--d-model", "0"}), "trace", "--d-model: '0'");
  ExpectUsageError(RunAttnviz({"trace", "--seed", "-1"}), "trace", "--seed: '-1'");
  ExpectUsageError(RunAttnviz({"trace", "--globals", "1,,2"}), "trace", "--globals: '1,,2'");
  ExpectUsageError(RunAttnviz({"trace", "--mask", "diagonal"}), "trace", "--mask: 'diagonal'");
  ExpectUsageError(RunAttnviz({"trace", "--pe", "learned"}), "trace", "learned");
  ExpectUsageError(RunAttnviz({"trace", "--layer", "3"}), "trace", "--layer: '3'");
  ExpectUsageError(RunAttnviz({"trace", "--causal=yes"}), "trace", "--causal: takes no value");
  ExpectUsageError(RunAttnviz({"trace", "--text-file", "/nonexistent/text.txt"}), "trace", "/nonexistent/text.txt");
  ExpectUsageError(RunAttnviz({"frobnicate"}), "", "unknown command 'frobnicate'");
}

TEST_CASE("bad input: control characters in an option stay on one line", "[bad-input]") {
  // Found by fuzz-cli-options: the name of an unknown option was echoed raw,
  // so "--\nmask" printed a two-line message (and a terminal escape sequence
  // in an argument would be replayed to the terminal).
  try {
    ParseTraceOptions({"--\nmask"}, nullptr);
    FAIL("no UsageError");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find('\n') == std::string::npos);
  }
  try {
    ParseTraceOptions({"--window\x1b[2J"}, nullptr);
    FAIL("no UsageError");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()).find('\x1b') == std::string::npos);
  }
  // Every command that echoes an argument: trace's and export's own options,
  // export's values, and the command name itself.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"trace", "--\nmask"}, std::vector<std::string>{"trace", "--format", "js\non"},
        std::vector<std::string>{"export", "--\nview", "--out", "/tmp/x.png"},
        std::vector<std::string>{"export", "--view", "heat\nmap", "--out", "/tmp/x.png"},
        std::vector<std::string>{"fro\nbnicate"}}) {
    const CliResult r = RunAttnviz(args);
    std::string joined;
    for (const std::string& a : args) joined += a + " ";
    INFO("args: " << joined << "; stderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(r.ErrorLines().size() == 1);
  }
}

// [SECTION] Limits

TEST_CASE("bad input: more tokens or trace memory than the limits", "[bad-input]") {
  // kMaxTokens: the built-in model (8 heads, 2 layers) fits at N = 4096 ...
  CHECK(EstimateTraceBytes(kMaxTokens, 64, 8, 8, 2) <= kMaxTraceBytes);
  // ... one token more is refused by count, before any N x N matrix exists.
  std::string words;
  for (int i = 0; i <= kMaxTokens; ++i) words += "w ";
  CHECK_THAT(EngineError(WithText(words)), Catch::Contains("4097 tokens; the limit is 4096"));
  // Per-head N x N matrices are computed on demand, so heads are cheap; what a
  // trace stores grows with N x d_model x layers. The largest random model
  // (d_model 1024, 64 heads, 48 layers) at N = 4096 would store ~5.6 GiB:
  // refused by the memory budget, with the size it would need, before computing.
  CHECK(EstimateTraceBytes(kMaxTokens, 64, 64, 64, 1) <= kMaxTraceBytes);
  Request r = WithText(words.substr(0, 2 * kMaxTokens));
  r.model = "random";
  r.d_model = 1024;
  r.heads = 64;
  r.kv_heads = 64;
  r.layers = 48;
  CHECK(EstimateTraceBytes(kMaxTokens, 1024, 64, 64, 48) > kMaxTraceBytes);
  CHECK_THAT(EngineError(r), Catch::Contains("MiB; the limit is"));
  const std::string path = TempFile("many.txt", words.substr(0, 2 * kMaxTokens));
  ExpectUsageError(RunAttnviz({"trace", "--text-file", path, "--model", "random", "--d-model", "1024", "--heads", "64",
                               "--layers", "48"}),
                   "trace", "MiB; the limit is");
  std::remove(path.c_str());
  // Sizes past the model limits are usage errors naming the range.
  ExpectUsageError(RunAttnviz({"trace", "--model", "random", "--d-model", "2048"}), "trace", "1..1024");
  ExpectUsageError(RunAttnviz({"trace", "--model", "random", "--heads", "128"}), "trace", "--heads: '128'");
  ExpectUsageError(RunAttnviz({"trace", "--model", "random", "--layers", "49"}), "trace", "--layers: '49'");
}

// [SECTION] Files

TEST_CASE("bad input: missing model files", "[bad-input]") {
  Request r;
  r.model = "/nonexistent/gpt2";
  CHECK_THROWS_WITH(MakeModel(r), Catch::Contains("'/nonexistent/gpt2' does not exist"));
  ExpectUsageError(RunAttnviz({"trace", "--model", "/nonexistent/gpt2"}), "trace", "'/nonexistent/gpt2' does not exist");
  ExpectUsageError(RunAttnviz({"trace", "--model", ""}), "trace", "--model: ''");
  // The checkpoint parsers name the missing file.
  CHECK_THROWS_WITH(ReadGpt2Config("/nonexistent/gpt2/config.json"), Catch::Contains("/nonexistent/gpt2/config.json: cannot open"));
  CHECK_THROWS_WITH(SafetensorsFile::Open("/nonexistent/gpt2/model.safetensors"), Catch::Contains("model.safetensors: cannot open"));
  CHECK_THROWS_WITH(BpeTokenizer::FromFiles("/nonexistent/gpt2/vocab.json", "/nonexistent/gpt2/merges.txt"),
                    Catch::Contains("cannot open '/nonexistent/gpt2/vocab.json'"));
  // Through the loader (MakeModel, what --model DIR uses): an empty
  // directory names the first file it lacks.
  const std::string dir = "/tmp/attnviz-bad-" + std::to_string(getpid()) + "-empty-model";
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  r.model = dir;
  CHECK_THROWS_WITH(MakeModel(r), Catch::Contains(dir + "/config.json: missing"));
  ExpectUsageError(RunAttnviz({"trace", "--model", dir}), "trace", dir + "/config.json: missing");
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("bad input: corrupt model files", "[bad-input]") {
  const std::string data = std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/";
  const std::string good = ReadWhole(data + "tiny.safetensors");
  // Truncated, header length past the end, garbage, empty.
  const std::string truncated = TempFile("trunc.safetensors", good.substr(0, good.size() - 5));
  const std::string garbage = TempFile("garbage.safetensors", std::string("\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x7F not a checkpoint", 26));
  const std::string empty = TempFile("empty.safetensors", "");
  CHECK_THROWS_WITH(SafetensorsFile::Open(truncated), Catch::Contains("past the data buffer"));
  CHECK_THROWS_WITH(SafetensorsFile::Open(garbage), Catch::Contains("header length"));
  CHECK_THROWS_WITH(SafetensorsFile::Open(empty), Catch::Contains("too short"));
  const std::string config = TempFile("config.json", "{\"n_embd\": 768, \"n_head\": 12,");
  CHECK_THROWS_WITH(ReadGpt2Config(config), Catch::Contains("not valid JSON at byte"));
  const std::string vocab = TempFile("vocab.json", "{\"a\": 0}");
  CHECK_THROWS_WITH(BpeTokenizer::FromFiles(vocab, data + "tiny_merges.txt"), Catch::Contains("no symbol for byte 0"));
  for (const std::string& p : {truncated, garbage, empty, config, vocab}) std::remove(p.c_str());

  // The same files in a model directory, through the real loader and the CLI:
  // each refused in one line naming the file and the problem, exit 2. The
  // directory is checked in the loader's order (config, tokenizer, weights).
  const std::string dir = "/tmp/attnviz-bad-" + std::to_string(getpid()) + "-model";
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  auto expect = [&](const std::string& file, const std::string& problem) {
    Request r;
    r.model = dir;
    CHECK_THROWS_WITH(MakeModel(r), Catch::Contains(dir + "/" + file) && Catch::Contains(problem));
    ExpectUsageError(RunAttnviz({"trace", "--model", dir}), "trace", dir + "/" + file);
  };
  std::ofstream(dir + "/config.json") << "{ corrupt";
  std::ofstream(dir + "/model.safetensors") << "garbage";
  std::ofstream(dir + "/vocab.json") << ReadWhole(data + "tiny_vocab.json");
  std::ofstream(dir + "/merges.txt") << ReadWhole(data + "tiny_merges.txt");
  expect("config.json", "not valid JSON");
  std::ofstream(dir + "/config.json") << ReadWhole(data + "config.json");
  std::ofstream(dir + "/vocab.json") << "{\"a\": 0}";
  expect("vocab.json", "no symbol for byte 0");
  std::ofstream(dir + "/vocab.json") << ReadWhole(data + "tiny_vocab.json");
  expect("model.safetensors", "header length");
  std::ofstream(dir + "/model.safetensors", std::ios::binary) << good.substr(0, good.size() - 5);
  expect("model.safetensors", "past the data buffer");
  // A valid safetensors file that is not a GPT-2 (tests/data's dtype samples).
  std::ofstream(dir + "/model.safetensors", std::ios::binary) << good;
  expect("model.safetensors", "no tensor 'wte.weight'");
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("bad input: unwritable export path", "[bad-input]") {
  // A failure to write is not a usage error: exit 1, one line naming the path.
  for (const std::string& out : {std::string("/nonexistent-dir/figure.png"), std::string("/proc/figure.svg")}) {
    const CliResult r = RunAttnviz({"export", "--out", out});
    INFO("stderr: " << r.err);
    CHECK(r.status == 1);
    REQUIRE(r.ErrorLines().size() == 1);
    CHECK_THAT(r.ErrorLines()[0], Catch::Contains(out));
  }
  // An extension no exporter writes is a usage error.
  ExpectUsageError(RunAttnviz({"export", "--out", "/tmp/figure.bmp"}), "export", "--out: '/tmp/figure.bmp'");
  ExpectUsageError(RunAttnviz({"export"}), "export", "--out: missing");
}
