// `attnviz lesson` as a user meets it, for every lesson in the registry at once:
// each runs with its defaults, its --help names each of its options, and bad
// input (a layer the model does not have, an unknown option, a value out of
// range) is one line and exit status 2. The numbers themselves are checked in
// each lesson's own test file.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "core/lessons/lesson.h"
#include "tests/unit/process.h"

namespace attnviz::lessons {
namespace {

using test::ProcessResult;
using test::RunAttnviz;

// True when any number anywhere in j is non-finite. nlohmann writes NaN and
// infinity as null, so a parsed document has none; this also catches a lesson
// that stored them as strings.
bool HasNonFiniteText(const std::string& out) {
  return out.find("nan") != std::string::npos || out.find("inf\"") != std::string::npos;
}

TEST_CASE("attnviz lesson: every lesson runs with its defaults and prints one JSON object", "[lesson][cli]") {
  std::set<int> chapters;
  for (const LessonInfo& l : AllLessons()) {
    INFO("lesson " << l.name);
    const ProcessResult r = RunAttnviz({"lesson", l.name, "--format", "json"});
    INFO("stderr: " << r.err);
    REQUIRE(r.status == 0);
    const nlohmann::json j = nlohmann::json::parse(r.out);
    CHECK(j.at("lesson") == l.name);
    CHECK(!HasNonFiniteText(r.out));
    CHECK(r.ErrorLines().empty());
    chapters.insert(l.chapter);
  }
  // Every chapter draws at least one lesson.
  CHECK(chapters == std::set<int>{1, 2, 3, 4, 5, 6, 7, 8});
}

TEST_CASE("attnviz lesson NAME --help names each of the lesson's options", "[lesson][cli]") {
  for (const LessonInfo& l : AllLessons()) {
    INFO("lesson " << l.name);
    const ProcessResult r = RunAttnviz({"lesson", l.name, "--help"});
    REQUIRE(r.status == 0);
    CHECK(r.out.find(l.summary) != std::string::npos);
    for (const LessonOption& o : l.options) CHECK(r.out.find("--" + o.name) != std::string::npos);
    CHECK(r.out.find("--layer") != std::string::npos);  // the trace options follow
  }
}

TEST_CASE("attnviz lesson: a layer the model does not have is exit 2 with one line, for every lesson", "[lesson][cli]") {
  // The built-in model has 2 layers: 0 and 1 are fine, 2 is not.
  for (const LessonInfo& l : AllLessons()) {
    INFO("lesson " << l.name);
    const ProcessResult ok = RunAttnviz({"lesson", l.name, "--layer", "1", "--format", "json"});
    INFO("stderr: " << ok.err);
    CHECK(ok.status == 0);
    const ProcessResult bad = RunAttnviz({"lesson", l.name, "--layer", "2", "--format", "json"});
    CHECK(bad.status == 2);
    CHECK(bad.out.empty());
    CHECK(bad.err.find("--layer: '2' is not allowed; expected all or 0..1 (the model has 2 layers)") !=
          std::string::npos);
    CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
  }
}

TEST_CASE("attnviz lesson: unknown options and out-of-range values are exit 2, naming the option", "[lesson][cli]") {
  for (const LessonInfo& l : AllLessons()) {
    INFO("lesson " << l.name);
    const ProcessResult unknown = RunAttnviz({"lesson", l.name, "--no-such-option", "3"});
    CHECK(unknown.status == 2);
    CHECK(unknown.err.find("--no-such-option") != std::string::npos);
    for (const LessonOption& o : l.options) {
      if (!o.choices.empty() || o.max <= o.min) continue;  // choices; or a trace option listed for help (--seed)
      INFO("option --" << o.name);
      const std::string past = o.integer ? std::to_string(static_cast<long long>(o.max) + 1) : "1e300";
      const ProcessResult r = RunAttnviz({"lesson", l.name, "--" + o.name, past});
      CHECK(r.status == 2);
      CHECK(r.err.find("--" + o.name) != std::string::npos);
      CHECK(r.out.empty());
    }
  }
}

}  // namespace
}  // namespace attnviz::lessons
