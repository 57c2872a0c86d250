#pragma once
// A child process for end-to-end tests: started with arguments and its output in a log file,
// killed with the test binary (PR_SET_PDEATHSIG) so no stray services outlive a crashed test.
#include <sys/types.h>

#include <string>
#include <vector>

namespace huifang::testing {

class Process {
 public:
  Process(std::string program, std::vector<std::string> args, std::string log_file);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // SIGTERM, then wait; returns the exit status (or -signal).
  int stop();
  // SIGKILL: a crash, nothing flushed or committed.
  void kill();
  void start();
  bool running() const;
  const std::string& log_file() const { return log_; }
  // The last `bytes` of the log, for failure messages.
  std::string log_tail(size_t bytes = 2000) const;

 private:
  std::string program_;
  std::vector<std::string> args_;
  std::string log_;
  pid_t pid_ = -1;
};

struct ShellResult {
  int exit_code;    // -1 when the command could not run or was killed
  std::string out;  // standard output
};
// Runs `command` with /bin/sh and captures its standard output (redis-cli, kcat, huifangctl ...).
ShellResult shell(const std::string& command);

}  // namespace huifang::testing
