// attnviz lesson: the numbers behind a chapter, as JSON, without a display.
//   attnviz lesson --list [--format json]
//   attnviz lesson NAME [trace options] [lesson options] [--format json]
//   attnviz lesson NAME --help
#include <cstdio>
#include <iostream>
#include <string>

#include "app/commands.h"
#include "core/cli/options.h"
#include "core/engine.h"
#include "core/lessons/lesson.h"
#include "core/model/model.h"

namespace attnviz::app {

namespace {

std::string OptionsHelp(const lessons::LessonInfo& l) {
  std::string s;
  for (const lessons::LessonOption& o : l.options) {
    std::string left = "  --" + o.name + " " + o.value_name;
    if (left.size() < 23) left.resize(23, ' ');
    else left += "  ";
    char range[96];
    if (o.text) {
      std::snprintf(range, sizeof range, " (default \"%.40s\")", o.fallback_choice.c_str());
    } else if (!o.choices.empty()) {
      std::string c;
      for (const std::string& x : o.choices) c += (c.empty() ? "" : "|") + x;
      std::snprintf(range, sizeof range, " (%s; default %s)", c.c_str(), o.fallback_choice.c_str());
    } else if (o.name == "seed") {
      std::snprintf(range, sizeof range, " (default 1)");
    } else {
      std::snprintf(range, sizeof range, " (%g..%g; default %g)", o.min, o.max, o.fallback);
    }
    s += left + o.help + range + "\n";
  }
  return s;
}

void PrintList(bool json) {
  const auto& all = lessons::AllLessons();
  if (json) {
    nlohmann::json a = nlohmann::json::array();
    for (const lessons::LessonInfo& l : all) {
      nlohmann::json opts = nlohmann::json::array();
      for (const lessons::LessonOption& o : l.options) opts.push_back("--" + o.name);
      a.push_back({{"name", l.name}, {"chapter", l.chapter}, {"summary", l.summary}, {"options", opts}});
    }
    std::cout << nlohmann::json{{"lessons", a}}.dump() << "\n";
    return;
  }
  for (const lessons::LessonInfo& l : all) {
    std::string name = l.name;
    if (name.size() < 16) name.resize(16, ' ');
    std::printf("%s chapter %d  %s\n", name.c_str(), l.chapter, l.summary.c_str());
  }
}

void PrintUsage() {
  std::printf(
      "Usage: attnviz lesson --list [--format json]\n"
      "       attnviz lesson NAME [trace options] [lesson options] [--format json]\n"
      "Prints the numbers a chapter shows, computed by the same code the window uses,\n"
      "as one JSON object with \"lesson\": NAME. The trace options choose the sentence\n"
      "and the model (see attnviz --help); attnviz lesson NAME --help lists a lesson's own.\n");
}

}  // namespace

int RunLessonCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    PrintUsage();
    if (args.empty()) {
      std::fprintf(stderr, "attnviz lesson: name a lesson, or --list to see them\n");
      return 2;
    }
    return 0;
  }
  bool json_list = false;
  if (args[0] == "--list") {
    for (std::size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--format" && i + 1 < args.size() && args[i + 1] == "json") {
        json_list = true;
        ++i;
      } else if (args[i] == "--format=json") {
        json_list = true;
      } else {
        std::fprintf(stderr, "attnviz lesson: %s: unknown option for --list (only --format json)\n",
                     PrintableArg(args[i]).c_str());
        return 2;
      }
    }
    PrintList(json_list);
    return 0;
  }
  const lessons::LessonInfo* lesson = lessons::FindLesson(args[0]);
  if (!lesson) {
    std::string names;
    for (const lessons::LessonInfo& l : lessons::AllLessons()) names += (names.empty() ? "" : ", ") + l.name;
    std::fprintf(stderr, "attnviz lesson: '%s' is not a lesson; expected one of %s (attnviz lesson --list)\n",
                 PrintableArg(args[0]).c_str(), names.c_str());
    return 2;
  }
  std::vector<std::string> rest_args(args.begin() + 1, args.end());
  for (const std::string& a : rest_args)
    if (a == "--help" || a == "-h") {
      std::printf("Usage: attnviz lesson %s [trace options] [options] [--format json]\n%s (chapter %d)\n\nOptions:\n%s",
                  lesson->name.c_str(), lesson->summary.c_str(), lesson->chapter, OptionsHelp(*lesson).c_str());
      std::printf("\nTrace options (the sentence and the model):\n%s", TraceOptionsHelp().c_str());
      return 0;
    }
  lessons::LessonArgs largs;
  try {
    std::vector<std::string> rest, own;
    TraceOptions opts = ParseTraceOptions(rest_args, &rest);
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == "--format" || rest[i].rfind("--format=", 0) == 0) {
        std::string v = rest[i] == "--format" ? (i + 1 < rest.size() ? rest[++i] : "") : rest[i].substr(9);
        if (v != "json") throw UsageError("--format: '" + PrintableArg(v) + "' is not allowed; expected json");
      } else {
        own.push_back(rest[i]);
      }
    }
    largs = lessons::ParseLessonArgs(*lesson, opts.request, own);
    largs.layer = opts.layer;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "attnviz lesson %s: %s\n", lesson->name.c_str(), e.what());
    return 2;
  }
  nlohmann::json out;
  try {
    // A checkpoint's shape fills in what was not typed (d_model, heads, learned
    // positions, causal), as for attnviz trace.
    // The engine's cached source (keyed by the checkpoint's path) serves the
    // fit, the layer check and the lesson: the checkpoint is read once.
    Engine engine;
    if (IsCheckpointModel(largs.request.model)) {
      TraceOptions fit;
      fit.request = largs.request;
      FitRequestToModel(engine.ModelFor(fit.request)->Shape(), &fit);
      largs.request = fit.request;
    }
    // --layer is checked against the model here, once, with the same words as attnviz trace.
    if (largs.layer >= 0) {
      const int layers = engine.ModelFor(largs.request)->Shape().layers;
      if (largs.layer >= layers) {
        std::fprintf(stderr, "attnviz lesson %s: --layer: '%d' is not allowed; expected all or 0..%d (the model has %d layer%s)\n",
                     lesson->name.c_str(), largs.layer, layers - 1, layers, layers == 1 ? "" : "s");
        return 2;
      }
    }
    lessons::LessonContext ctx{engine, nullptr};
    out = lesson->run(largs, ctx);
  } catch (const InputError& e) {
    std::fprintf(stderr, "attnviz lesson %s: %s\n", lesson->name.c_str(), e.what());
    return 2;
  }
  std::ios::sync_with_stdio(false);
  std::cout << out.dump() << "\n";
  std::cout.flush();
  if (!std::cout) {
    std::fprintf(stderr, "attnviz lesson: could not write the JSON to standard output\n");
    return 1;
  }
  return 0;
}

}  // namespace attnviz::app
