// Lessons: every number or curve a chapter shows, computed in core.
//
// A lesson is a plain function from parameters to a result struct (for the
// window, which draws the struct) plus a JSON form of the same result (for
// `attnviz lesson NAME --format json`, which teachers script and tests check).
// This file is the registry that the command line walks: each lesson's name,
// chapter, one-line summary, its own options (beyond the trace options that
// choose the sentence and the model), and how to print it.
//
// Adding a lesson: a header and a .cpp in core/lessons/ with
//   - a params struct and a result struct (fields with shapes in comments),
//   - XxxLesson RunXxxLesson(Engine&, const Request&, const XxxParams&, const CancelToken*)
//     (the one entry point: the registry's JSON wrapper calls it, and the
//     chapter calls it inside a ComputeService job, so both see one result),
//     on top of a pure ComputeXxx(...) that tests can feed directly,
//   - nlohmann::json ToJson(const XxxLesson&) with "lesson": "xxx";
// an entry in registry.cpp, a test in tests/unit/test-lesson-<name>.cpp
// against an independent computation, and a line in the README's lesson table.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/request.h"

namespace attnviz {

class Engine;

namespace lessons {

// One option of a lesson, e.g. --hidden D (an integer in 2..128, default 16),
// or --view rows|cols (a choice).
struct LessonOption {
  std::string name;                  // without the dashes: "hidden"
  std::string value_name;            // for help: "D"
  std::string help;                  // one line
  double min = 0, max = 0;           // numeric range (inclusive)
  double fallback = 0;               // default when not given
  bool integer = false;
  std::vector<std::string> choices;  // non-empty: a choice option (then fallback_choice is the default)
  std::string fallback_choice;
};

// What a lesson runs on: the trace options (sentence, model, mask...) and its
// own options, every one present (defaults filled in), already range-checked.
struct LessonArgs {
  Request request;
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> choices;
  std::map<std::string, bool> given;  // which of the lesson's options were on the command line
  double Num(const std::string& name) const { return numbers.at(name); }
  int Int(const std::string& name) const { return static_cast<int>(numbers.at(name)); }
  const std::string& Choice(const std::string& name) const { return choices.at(name); }
};

// What a lesson may use besides its arguments: the engine (cached weight
// sources, traces) and a cancel token (the window cancels superseded runs).
struct LessonContext {
  Engine& engine;
  const CancelToken* cancel = nullptr;
};

struct LessonInfo {
  std::string name;                  // "rnn"
  int chapter = 0;                   // the chapter that draws it (1..8)
  std::string summary;               // one line for --list
  std::vector<LessonOption> options;
  bool uses_text = true;             // whether the sentence and model matter
  // Computes the lesson and returns its JSON object ("lesson": name first).
  // Throws InputError for input the lesson cannot use (one line).
  nlohmann::json (*run)(const LessonArgs& args, LessonContext& ctx) = nullptr;
};

// Every lesson, in chapter order (registry.cpp).
const std::vector<LessonInfo>& AllLessons();
// nullptr when there is no such lesson.
const LessonInfo* FindLesson(std::string_view name);

// Fills args.numbers/choices from `--name value` / `--name=value` pairs (the
// arguments left after the trace options). Throws UsageError (core/cli) with
// one line naming the option, the value and what is allowed.
LessonArgs ParseLessonArgs(const LessonInfo& lesson, const Request& request, const std::vector<std::string>& rest);
// The defaults of every option (what the window starts a chapter with).
LessonArgs DefaultLessonArgs(const LessonInfo& lesson, const Request& request);

// JSON numbers for a person and a script: a double is written in its
// shortest round-trip form by nlohmann; a non-finite one would make the JSON
// invalid, so lessons store such values as null and say why in a field.
nlohmann::json FiniteOrNull(double v);

}  // namespace lessons
}  // namespace attnviz
