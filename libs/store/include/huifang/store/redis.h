#pragma once
// A Redis connection that production can rely on: connect/command timeouts, AUTH with an ACL user,
// reconnect with capped exponential backoff after any I/O error (a hiredis context is dead after
// one), pipelines that read exactly as many replies as they sent, and EVALSHA that reloads its
// script on NOSCRIPT (restart, failover and SCRIPT FLUSH all empty the script cache). Replies are
// copied into plain values so hiredis never leaks into our headers.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "huifang/core/result.h"
#include "huifang/store/errc.h"

namespace huifang::store {

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;      // ACL user; empty = default user
  std::string password;  // empty = no AUTH
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{5000};
  std::chrono::milliseconds max_backoff{2000};
  int max_attempts = 5;  // for one command, reconnecting in between
};

struct Reply {
  enum class Type { nil, integer, string, status, error, array };
  Type type = Type::nil;
  int64_t integer = 0;
  std::string str;  // string, status or error text
  std::vector<Reply> elements;

  bool is_error() const { return type == Type::error; }
};

using Argv = std::vector<std::string>;

// A Lua script run by EVALSHA. Its SHA1 is learnt from the server's SCRIPT LOAD the first time it
// is needed (the same source always has the same SHA1), so no hashing code is needed here.
class Script {
 public:
  explicit Script(std::string source) : source_(std::move(source)) {}
  const std::string& source() const { return source_; }
  std::string sha1() const {
    std::lock_guard lock(mu_);
    return sha1_;
  }
  void set_sha1(std::string sha) const {
    std::lock_guard lock(mu_);
    sha1_ = std::move(sha);
  }

 private:
  std::string source_;
  mutable std::mutex mu_;
  mutable std::string sha1_;
};

// One connection; not thread-safe (hiredis contexts are not). Use RedisPool across threads.
class RedisConnection {
 public:
  explicit RedisConnection(RedisOptions options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // One command. Transport failures are retried with reconnect + backoff up to max_attempts;
  // a Redis error reply is returned as a Reply of type error, not as a failure.
  core::Result<Reply> command(const Argv& argv);
  // All commands in one round trip, replies in order. Retried whole on transport failure, so only
  // pipeline idempotent commands (or scripts that are idempotent through the inbox).
  core::Result<std::vector<Reply>> pipeline(const std::vector<Argv>& commands);
  // A pipeline of writes whose replies say nothing but "done": the first error reply is the
  // failure (bad_reply "<what>: <reply>").
  core::Status write_all(const std::vector<Argv>& commands, std::string_view what);
  // EVALSHA, loading the script on NOSCRIPT and retrying once.
  core::Result<Reply> eval(const Script& script, const std::vector<std::string>& keys,
                           const std::vector<std::string>& args);
  // Several EVALSHAs of one script in one round trip (NOSCRIPT on any → load, redo the batch).
  core::Result<std::vector<Reply>> eval_pipeline(const Script& script,
                                                 const std::vector<std::pair<Argv, Argv>>& keys_and_args);

  uint64_t reconnects() const { return reconnects_; }

 private:
  core::Status ensure_connected();
  core::Result<std::vector<Reply>> pipeline_once(const std::vector<Argv>& commands);
  void drop();

  RedisOptions options_;
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
  uint64_t reconnects_ = 0;
  std::chrono::milliseconds backoff_{0};
};

// A fixed set of connections shared by threads; lease() blocks while all are in use.
class RedisPool {
 public:
  RedisPool(RedisOptions options, int size);
  class Lease {
   public:
    Lease(RedisPool& pool, std::unique_ptr<RedisConnection> c) : pool_(&pool), c_(std::move(c)) {}
    Lease(Lease&&) = default;
    ~Lease();
    RedisConnection* operator->() { return c_.get(); }
    RedisConnection& operator*() { return *c_; }

   private:
    RedisPool* pool_;
    std::unique_ptr<RedisConnection> c_;
  };
  Lease lease();
  const RedisOptions& options() const { return options_; }

 private:
  friend class Lease;
  RedisOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<RedisConnection>> free_;
};

}  // namespace huifang::store
