// The subcommands of the attnviz executable. Each takes the arguments after
// its name and returns the process exit status (0 ok, 1 failure, 2 usage error).
#pragma once
#include <string>
#include <vector>

namespace attnviz::app {

int RunTraceCommand(const std::vector<std::string>& args);   // app/cmd_trace.cpp
int RunExportCommand(const std::vector<std::string>& args);  // app/cmd_export.cpp
int RunLessonCommand(const std::vector<std::string>& args);  // app/cmd_lesson.cpp
int RunBenchCommand(const std::vector<std::string>& args);   // app/cmd_bench.cpp
// The window (default when no subcommand is given). app/window/ when built with
// the GUI, else a one-line message.
int RunWindow(const std::vector<std::string>& args);

}  // namespace attnviz::app
