// Runs the attnviz executable from a test and captures its output and status.
// Arguments are passed as a vector (no shell), so any byte sequence is tested as is.
#pragma once
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" char** environ;

namespace attnviz::test {

struct ProcessResult {
  int status = -1;  // exit status, or 128 + signal when killed
  std::string out;
  std::string err;
};

inline std::string ReadWhole(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs `binary args...` with optional standard input; environment is inherited.
inline ProcessResult RunProcess(const std::string& binary, const std::vector<std::string>& args,
                                const std::string& stdin_text = "") {
  char out_path[] = "/tmp/attnviz-test-out-XXXXXX";
  char err_path[] = "/tmp/attnviz-test-err-XXXXXX";
  char in_path[] = "/tmp/attnviz-test-in-XXXXXX";
  const int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path), in_fd = mkstemp(in_path);
  if (::write(in_fd, stdin_text.data(), stdin_text.size()) < 0) {}
  lseek(in_fd, 0, SEEK_SET);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  ProcessResult r;
  if (posix_spawn(&pid, binary.c_str(), &fa, nullptr, argv.data(), environ) == 0) {
    int ws = 0;
    waitpid(pid, &ws, 0);
    r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  }
  posix_spawn_file_actions_destroy(&fa);
  close(out_fd); close(err_fd); close(in_fd);
  r.out = ReadWhole(out_path);
  r.err = ReadWhole(err_path);
  unlink(out_path); unlink(err_path); unlink(in_path);
  return r;
}

inline ProcessResult RunAttnviz(const std::vector<std::string>& args, const std::string& stdin_text = "") {
  return RunProcess(ATTNVIZ_BINARY, args, stdin_text);
}

// A usage error: status 2 and exactly one line on stderr.
inline bool IsOneLineUsageError(const ProcessResult& r) {
  return r.status == 2 && !r.err.empty() && r.err.find('\n') == r.err.size() - 1;
}

}  // namespace attnviz::test
