// Runs the attnviz executable from a test and captures its output and status.
// Arguments go to execve as a vector (no shell), so any byte sequence is tested
// as it is. Limits (memory, file size) are set in the child only.
#pragma once
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

extern "C" char** environ;

namespace attnviz::test {

struct ProcessResult {
  int status = -1;  // exit status, or 128 + signal when killed
  std::string out;
  std::string err;
  // Standard error without "note:" lines (notes are information, not errors).
  std::vector<std::string> ErrorLines() const {
    std::vector<std::string> lines;
    std::istringstream s(err);
    for (std::string l; std::getline(s, l);)
      if (l.find(": note: ") == std::string::npos) lines.push_back(l);
    return lines;
  }
};

struct ProcessOptions {
  std::string stdin_text;              // written to a temporary file and fed as standard input
  std::string stdin_path;              // or: this file as standard input (e.g. /dev/zero); default /dev/null
  int memory_cap_mb = 0;               // > 0: a runaway allocation fails the child, not the machine
  long file_size_cap_bytes = 0;        // > 0: writes past this fail with EFBIG (a full disk, for tests)
  std::vector<std::string> unset_env;  // variables removed from the child's environment (e.g. DISPLAY)
};

inline std::string ReadWhole(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline bool UnderAddressSanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#endif
#endif
  return false;
}

inline ProcessResult RunProcess(const std::string& binary, const std::vector<std::string>& args,
                                const ProcessOptions& opt = {}) {
  char out_path[] = "/tmp/attnviz-test-out-XXXXXX";
  char err_path[] = "/tmp/attnviz-test-err-XXXXXX";
  char in_path[] = "/tmp/attnviz-test-in-XXXXXX";
  const int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
  int in_fd = -1;
  if (!opt.stdin_text.empty() || opt.stdin_path.empty()) {
    in_fd = mkstemp(in_path);
    if (::write(in_fd, opt.stdin_text.data(), opt.stdin_text.size()) < 0) {}
    lseek(in_fd, 0, SEEK_SET);
  } else {
    in_fd = open(opt.stdin_path.c_str(), O_RDONLY);
  }
  // Everything the child needs is prepared before fork: between fork and exec
  // only async-signal-safe calls.
  std::vector<std::string> argv_s = {binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  // ASan reserves terabytes of address space, so RLIMIT_AS cannot cap it: cap its RSS instead.
  const bool cap_rss = opt.memory_cap_mb > 0 && UnderAddressSanitizer();
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    const std::string_view var(*e);
    bool keep = !cap_rss || var.rfind("ASAN_OPTIONS=", 0) != 0;
    for (const std::string& name : opt.unset_env) keep = keep && var.rfind(name + "=", 0) != 0;
    if (keep) env_s.push_back(*e);
  }
  if (cap_rss) {
    const char* cur = std::getenv("ASAN_OPTIONS");
    env_s.push_back(std::string("ASAN_OPTIONS=") + (cur ? cur : "") + ":hard_rss_limit_mb=" + std::to_string(opt.memory_cap_mb));
  }
  std::vector<char*> envp;
  for (std::string& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  const rlim_t mem = static_cast<rlim_t>(opt.memory_cap_mb) << 20;
  const rlimit mem_lim{mem, mem};
  const rlimit file_lim{static_cast<rlim_t>(opt.file_size_cap_bytes), static_cast<rlim_t>(opt.file_size_cap_bytes)};
  const pid_t pid = fork();
  if (pid == 0) {
    if (in_fd < 0) _exit(127);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    if (opt.memory_cap_mb > 0 && !cap_rss) setrlimit(RLIMIT_AS, &mem_lim);
    if (opt.file_size_cap_bytes > 0) {
      signal(SIGXFSZ, SIG_IGN);  // the write fails with EFBIG instead of killing the process
      setrlimit(RLIMIT_FSIZE, &file_lim);
    }
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  ProcessResult r;
  if (pid > 0) {
    int ws = 0;
    waitpid(pid, &ws, 0);
    r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  }
  close(out_fd);
  close(err_fd);
  if (in_fd >= 0) close(in_fd);
  r.out = ReadWhole(out_path);
  r.err = ReadWhole(err_path);
  unlink(out_path);
  unlink(err_path);
  if (!opt.stdin_text.empty() || opt.stdin_path.empty()) unlink(in_path);
  return r;
}

inline ProcessResult RunAttnviz(const std::vector<std::string>& args, const ProcessOptions& opt = {}) {
  return RunProcess(ATTNVIZ_BINARY, args, opt);
}

// A usage error: status 2 and exactly one line on stderr.
inline bool IsOneLineUsageError(const ProcessResult& r) {
  return r.status == 2 && !r.err.empty() && r.err.find('\n') == r.err.size() - 1;
}

}  // namespace attnviz::test
