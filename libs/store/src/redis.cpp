#include "huifang/store/redis.h"

#include <hiredis/hiredis.h>

#include <thread>

#include "huifang/core/log.h"

namespace huifang::store {
namespace {

struct ReplyFree {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyFree>;

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

Reply convert(const redisReply* r) {
  Reply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = Reply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = Reply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = Reply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = Reply::Type::error;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = Reply::Type::array;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = Reply::Type::nil;
  }
  return out;
}

core::Error unavailable(std::string msg) { return core::make_error(make_error_code(errc::unavailable), std::move(msg)); }

bool is_noscript(const Reply& r) { return r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0; }

}  // namespace

struct RedisConnection::Ctx {
  redisContext* c = nullptr;
  ~Ctx() {
    if (c) redisFree(c);
  }
};

RedisConnection::RedisConnection(RedisOptions options) : options_(std::move(options)) {}
RedisConnection::~RedisConnection() = default;

void RedisConnection::drop() { ctx_.reset(); }

core::Status RedisConnection::ensure_connected() {
  if (ctx_) return core::ok_status();
  if (backoff_.count() > 0) std::this_thread::sleep_for(backoff_);
  const timeval tv = to_timeval(options_.connect_timeout);
  auto ctx = std::make_unique<Ctx>();
  ctx->c = redisConnectWithTimeout(options_.host.c_str(), options_.port, tv);
  auto grow_backoff = [this] {
    backoff_ = std::min(options_.max_backoff, backoff_.count() == 0 ? std::chrono::milliseconds(20) : backoff_ * 2);
  };
  if (!ctx->c || ctx->c->err) {
    const std::string why = ctx->c ? ctx->c->errstr : "out of memory";
    grow_backoff();
    return unavailable("connect " + options_.host + ":" + std::to_string(options_.port) + ": " + why);
  }
  const timeval cmd_tv = to_timeval(options_.command_timeout);
  redisSetTimeout(ctx->c, cmd_tv);
  redisEnableKeepAlive(ctx->c);
  if (!options_.password.empty()) {
    ReplyPtr r(static_cast<redisReply*>(
        options_.user.empty() ? redisCommand(ctx->c, "AUTH %s", options_.password.c_str())
                              : redisCommand(ctx->c, "AUTH %s %s", options_.user.c_str(), options_.password.c_str())));
    if (!r) {
      grow_backoff();
      return unavailable(std::string("AUTH: ") + ctx->c->errstr);
    }
    if (r->type == REDIS_REPLY_ERROR)
      return core::make_error(make_error_code(errc::auth_failed),
                              "AUTH as '" + options_.user + "' rejected: " + std::string(r->str, r->len));
  }
  if (reconnects_ > 0 || backoff_.count() > 0)
    core::log::info("redis reconnected", {{"host", options_.host}, {"port", options_.port}});
  ctx_ = std::move(ctx);
  backoff_ = std::chrono::milliseconds(0);
  return core::ok_status();
}

core::Result<std::vector<Reply>> RedisConnection::pipeline_once(const std::vector<Argv>& commands) {
  if (auto st = ensure_connected(); !st) return st.error();
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& cmd : commands) {
    argv.clear();
    lens.clear();
    for (const auto& a : cmd) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_->c, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
      const std::string why = ctx_->c->errstr;
      drop();
      return unavailable("send: " + why);
    }
  }
  std::vector<Reply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_->c, &raw) != REDIS_OK || !raw) {
      // The context is dead after an I/O error or timeout, and unread replies would desync it.
      const std::string why = ctx_->c->errstr;
      drop();
      return unavailable("reply: " + why);
    }
    ReplyPtr r(static_cast<redisReply*>(raw));
    replies.push_back(convert(r.get()));
    if (replies.back().is_error() && replies.back().str.rfind("LOADING", 0) == 0) {
      // Redis is replaying its AOF after a restart: read the rest, then retry the whole batch.
      for (size_t j = i + 1; j < commands.size(); ++j) {
        if (redisGetReply(ctx_->c, &raw) != REDIS_OK || !raw) break;
        freeReplyObject(raw);
      }
      return unavailable("Redis is loading its data");
    }
  }
  return replies;
}

core::Status RedisConnection::write_all(const std::vector<Argv>& commands, std::string_view what) {
  auto replies = pipeline(commands);
  if (!replies) return replies.error();
  for (const auto& r : *replies)
    if (r.is_error()) return bad_reply(std::string(what) + ": " + r.str);
  return core::ok_status();
}

core::Result<std::vector<Reply>> RedisConnection::pipeline(const std::vector<Argv>& commands) {
  core::Error last = unavailable("no attempt made");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    auto r = pipeline_once(commands);
    if (r) return r;
    last = std::move(r).error();
    if (last.code != errc::unavailable) return last;
    ++reconnects_;
    if (backoff_.count() == 0) backoff_ = std::chrono::milliseconds(20);
  }
  return last;
}

core::Result<Reply> RedisConnection::command(const Argv& argv) {
  auto r = pipeline({argv});
  if (!r) return std::move(r).error();
  return std::move((*r)[0]);
}

core::Result<std::vector<Reply>> RedisConnection::eval_pipeline(
    const Script& script, const std::vector<std::pair<Argv, Argv>>& keys_and_args) {
  for (int pass = 0; pass < 2; ++pass) {
    std::string sha = script.sha1();
    if (sha.empty()) {
      auto loaded = command({"SCRIPT", "LOAD", script.source()});
      if (!loaded) return std::move(loaded).error();
      if (loaded->type != Reply::Type::string)
        return bad_reply("SCRIPT LOAD: " + loaded->str);
      script.set_sha1(loaded->str);
      sha = loaded->str;
    }
    std::vector<Argv> cmds;
    cmds.reserve(keys_and_args.size());
    for (const auto& [keys, args] : keys_and_args) {
      Argv a{"EVALSHA", sha, std::to_string(keys.size())};
      a.insert(a.end(), keys.begin(), keys.end());
      a.insert(a.end(), args.begin(), args.end());
      cmds.push_back(std::move(a));
    }
    auto replies = pipeline(cmds);
    if (!replies) return replies;
    bool noscript = false;
    for (const auto& r : *replies) noscript = noscript || is_noscript(r);
    // Scripts that ran before the NOSCRIPT one are idempotent through their version checks and
    // the inbox, so redoing the whole batch is safe.
    if (!noscript) return replies;
    script.set_sha1("");
  }
  return bad_reply("script still unknown after SCRIPT LOAD");
}

core::Result<Reply> RedisConnection::eval(const Script& script, const std::vector<std::string>& keys,
                                          const std::vector<std::string>& args) {
  auto r = eval_pipeline(script, {{keys, args}});
  if (!r) return std::move(r).error();
  return std::move((*r)[0]);
}

RedisPool::RedisPool(RedisOptions options, int size) : options_(std::move(options)) {
  for (int i = 0; i < size; ++i) free_.push_back(std::make_unique<RedisConnection>(options_));
}

RedisPool::Lease RedisPool::lease() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !free_.empty(); });
  auto c = std::move(free_.back());
  free_.pop_back();
  return Lease(*this, std::move(c));
}

RedisPool::Lease::~Lease() {
  if (!c_) return;
  std::lock_guard lock(pool_->mu_);
  pool_->free_.push_back(std::move(c_));
  pool_->cv_.notify_one();
}

}  // namespace huifang::store
