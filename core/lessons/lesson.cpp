#include "core/lessons/lesson.h"

#include <cmath>
#include <sstream>

#include "core/cli/options.h"

namespace attnviz::lessons {

namespace {

std::string Expected(const LessonOption& o) {
  if (!o.choices.empty()) {
    std::string s;
    for (std::size_t i = 0; i < o.choices.size(); ++i) s += (i ? i + 1 == o.choices.size() ? " or " : ", " : "") + o.choices[i];
    return s;
  }
  std::ostringstream e;
  e << (o.integer ? "an integer in " : "a number in ") << o.min << ".." << o.max;
  return e.str();
}

}  // namespace

LessonArgs DefaultLessonArgs(const LessonInfo& lesson, const Request& request) {
  LessonArgs a;
  a.request = request;
  for (const LessonOption& o : lesson.options) {
    if (!o.choices.empty()) a.choices[o.name] = o.fallback_choice;
    else a.numbers[o.name] = o.fallback;
    a.given[o.name] = false;
  }
  // --seed is a trace option (the random model's seed); a lesson that has a
  // seed of its own takes the same one, so `--seed S` means one thing.
  if (a.numbers.count("seed")) a.numbers["seed"] = static_cast<double>(request.seed);
  return a;
}

LessonArgs ParseLessonArgs(const LessonInfo& lesson, const Request& request, const std::vector<std::string>& rest) {
  LessonArgs a = DefaultLessonArgs(lesson, request);
  for (std::size_t i = 0; i < rest.size(); ++i) {
    std::string name = rest[i];
    std::string value;
    bool has_inline = false;
    if (name.rfind("--", 0) == 0) {
      const auto eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_inline = true;
      }
    }
    const LessonOption* opt = nullptr;
    for (const LessonOption& o : lesson.options)
      if (name == "--" + o.name) opt = &o;
    if (!opt)
      throw UsageError(PrintableArg(name) + ": unknown option for attnviz lesson " + lesson.name +
                       " (see attnviz lesson " + lesson.name + " --help)");
    if (!has_inline) {
      if (i + 1 >= rest.size()) throw UsageError(PrintableArg(name) + ": needs a value (see --help)");
      value = rest[++i];
    }
    a.given[opt->name] = true;
    if (!opt->choices.empty()) {
      bool ok = false;
      for (const std::string& c : opt->choices) ok = ok || c == value;
      if (!ok) throw UsageError(PrintableArg(name) + ": '" + PrintableArg(value) + "' is not allowed; expected " + Expected(*opt));
      a.choices[opt->name] = value;
    } else if (opt->integer) {
      a.numbers[opt->name] = ParseIntOption(name, value, static_cast<int>(opt->min), static_cast<int>(opt->max));
    } else {
      a.numbers[opt->name] = ParseDoubleOption(name, value, opt->min, opt->max);
    }
  }
  return a;
}

const LessonInfo* FindLesson(std::string_view name) {
  for (const LessonInfo& l : AllLessons())
    if (l.name == name) return &l;
  return nullptr;
}

nlohmann::json FiniteOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace attnviz::lessons
