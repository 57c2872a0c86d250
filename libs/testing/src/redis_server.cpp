#include "huifang/testing/redis_server.h"

#include "huifang/testing/process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

namespace huifang::testing {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("free_port: bind failed");
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

RedisServer::RedisServer() {
  char tmpl[] = "/tmp/huifang-redis-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("RedisServer: mkdtemp failed");
  dir_ = tmpl;
  port_ = free_port();
  spawn();
  wait_ready();
}

RedisServer::~RedisServer() {
  kill_now();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

void RedisServer::spawn() {
  const std::string port = std::to_string(port_);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("RedisServer: fork failed");
  if (pid_ == 0) {
    // The child dies with the test binary even if the binary is killed before its destructors run.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--dir", dir_.c_str(),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no", "--loglevel",
             "warning", "--logfile", (dir_ + "/redis.log").c_str(), static_cast<char*>(nullptr));
    std::fprintf(stderr, "RedisServer: cannot exec redis-server (apt-get install redis-server)\n");
    std::_Exit(127);
  }
}

std::string RedisServer::cli(const std::string& args) const {
  return shell("redis-cli -h 127.0.0.1 -p " + std::to_string(port_) + " " + args + " 2>&1").out;
}

void RedisServer::wait_ready() const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_)
      throw std::runtime_error("redis-server exited at start; see " + dir_ + "/redis.log");
    if (cli("PING").rfind("PONG", 0) == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("redis-server did not answer PING within 10s on port " + std::to_string(port_));
}

void RedisServer::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

void RedisServer::kill_and_restart() {
  kill_now();
  spawn();
  wait_ready();
}

void RedisServer::flush() const { cli("FLUSHALL"); }

}  // namespace huifang::testing
