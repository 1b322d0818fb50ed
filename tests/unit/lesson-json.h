// Runs `attnviz lesson NAME ... --format json` and parses its one JSON object,
// failing the test with the command's stderr when it does not succeed: the
// lesson tests check that the printed numbers are the ones core computes.
#pragma once
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/unit/process.h"

namespace attnviz::test {

inline nlohmann::json LessonJson(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"lesson"};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back("--format");
  all.push_back("json");
  const ProcessResult r = RunAttnviz(all);
  INFO("stderr: " << r.err);
  REQUIRE(r.status == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);  // throws (fails the test) on invalid JSON
  REQUIRE(j.is_object());
  REQUIRE(j["lesson"] == args.at(0));
  return j;
}

}  // namespace attnviz::test
