#pragma once
// A real redis-server for integration tests: a free loopback port, a fresh temporary directory,
// AOF on with fsync always (as in production), stopped and removed when the object dies. Tests
// talk to a real server so Lua scripts, AOF recovery and ACLs behave exactly as they will in use.
#include <sys/types.h>

#include <string>

namespace huifang::testing {

class RedisServer {
 public:
  // Starts the server; aborts the test binary with a clear message if redis-server is missing.
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  const std::string& host() const { return host_; }
  const std::string& dir() const { return dir_; }

  // SIGKILL the server (no shutdown save) and start it again on the same port and directory:
  // what survives is exactly what the AOF had.
  void kill_and_restart();
  // Runs one command through redis-cli and returns its raw output (for test setup/inspection).
  std::string cli(const std::string& args) const;
  // FLUSHALL, for per-test isolation.
  void flush() const;

 private:
  void spawn();
  void wait_ready() const;
  void kill_now();

  std::string host_ = "127.0.0.1";
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A free TCP port on 127.0.0.1 (bound then released; good enough for tests).
int free_port();

}  // namespace huifang::testing
