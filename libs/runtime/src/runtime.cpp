#include "huifang/runtime/runtime.h"

#include "huifang/runtime/retention.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

#include "huifang/auth/jwks_source.h"
#include "huifang/auth/local_issuer.h"
#include "huifang/core/file_clock.h"
#include "huifang/core/log.h"
#include "huifang/edge/http.h"
#include "huifang/edge/rate_limit.h"
#include "huifang/edge/server.h"

namespace huifang::runtime {
namespace {

// SIGINT/SIGTERM write a byte here (write() is safe in a handler); the main thread blocks on
// reading it.
int g_signal_pipe[2] = {-1, -1};
void on_signal(int) {
  const char b = 1;
  [[maybe_unused]] const ssize_t n = ::write(g_signal_pipe[1], &b, 1);
}

void wait_for_signal() {
  char b;
  while (::read(g_signal_pipe[0], &b, 1) < 0 && errno == EINTR) continue;
}

std::vector<core::OptionSpec> common_options(const ServiceSpec& s) {
  return {
      {"grpc-listen", "127.0.0.1:" + std::to_string(s.default_grpc_port), "gRPC listen address"},
      {"http-listen", "127.0.0.1:" + std::to_string(s.default_http_port), "HTTP /metrics and /healthz address"},
      {"redis-host", "127.0.0.1", "Redis host"},
      {"redis-port", "6390", "Redis port"},
      {"redis-user", "", "Redis ACL user (empty = default user)"},
      {"redis-password", "", "Redis password for the ACL user"},
      {"redis-pool", "32", "Redis connections (at least --lanes, which wait on them at once)"},
      {"lanes", "16", "customers whose events are applied at once per consumed batch (each customer's in order)"},
      {"key-prefix", s.name, "prefix of every Redis key this service owns"},
      {"logical-partitions", "64", "logical Redis partitions, the {pN} hash tags (fixed for the life of the data)"},
      {"snapshot-every", "50", "save an aggregate snapshot every N events"},
      {"packed-events", "16", "streams of up to N events share one hash per partition instead of a key each (0 = a key each)"},
      {"kafka-bootstrap", "", "Kafka bootstrap servers (host:port,...)"},
      {"kafka-bootstrap-file", ".huifang/broker.addr", "file with the bootstrap address (embedded broker)"},
      {"kafka-properties", "", "extra librdkafka properties k=v,k=v (security.protocol, sasl.*, ssl.*)"},
      {"outbox-retention", "7d", "how long published events stay republishable (and the inbox remembers a source stream: at least 1h)"},
      {"instance-id", "", "this instance's name among several of the service (empty = name@grpc-listen)"},
      {"lease-ttl", "5s", "how long an instance's claim on a partition's relay and timers lasts unrenewed"},
      {"jwks", "", "the identity provider's JWKS: a file (re-read when it changes) or an https:// URL (required; ./scripts/up makes a local file)"},
      {"tls-cert", "", "PEM certificate chain of this service's gRPC edge (empty = plaintext, as on loopback)"},
      {"tls-key", "", "PEM private key of that certificate"},
      {"tls-client-ca", "", "PEM CA: callers must present a certificate it signed (mutual TLS)"},
      {"tls-ca", "", "PEM CA this service trusts when it calls another (and presents --tls-cert/--tls-key)"},
      {"jwks-refresh", "5m", "how often a JWKS URL is fetched again (and early, at most every 30s, for a token signed by a key not in it)"},
      {"jwt-issuer", std::string(auth::kLocalIssuer), "the tokens' issuer (iss), e.g. https://idp.example/realms/huifang"},
      {"jwt-audience", std::string(auth::kAudience), "the audience (aud) tokens must name"},
      {"rate-limit", "200", "requests per second each caller may make of this service (0 = no limit)"},
      {"rate-burst", "400", "requests a caller may make at once above its rate"},
      {"failed-sign-in-limit", "30", "failed sign-ins a peer address may make per minute before its calls wait (0 = no limit)"},
      {"api-keys", "", "file of integrations' API keys: lines '<sha256-hex> <tenant> <name>' (huifangctl auth api-key)"},
      {"log-level", "info", "debug, info, warn or error"},
      {"clock-file", "", "simulated time: read the current instant from this file (demo, tests); empty = system clock"},
  };
}

core::Result<std::string> bootstrap_from(const core::Config& cfg) {
  if (!cfg.get("kafka-bootstrap").empty()) return cfg.get("kafka-bootstrap");
  const std::string file = cfg.get("kafka-bootstrap-file");
  std::ifstream in(file);
  std::string addr;
  if (!in || !std::getline(in, addr) || addr.empty())
    return core::invalid_argument("kafka-bootstrap",
                                  "no --kafka-bootstrap and no address in " + file + " (is huifang-broker running?)");
  return addr;
}

std::pair<std::string, int> split_host_port(const std::string& hp) {
  const auto colon = hp.rfind(':');
  return {hp.substr(0, colon), std::stoi(hp.substr(colon + 1))};
}

}  // namespace

Runtime::~Runtime() = default;

core::Result<std::unique_ptr<Runtime>> Runtime::create(const ServiceSpec& spec, int argc, char** argv) {
  std::unique_ptr<Runtime> rt(new Runtime());
  rt->spec_ = spec;
  auto options = common_options(spec);
  options.insert(options.end(), spec.extra_options.begin(), spec.extra_options.end());
  auto cfg = core::Config::parse(options, argc, argv, core::huifang_environment());
  if (!cfg) return cfg.error();
  if (cfg->help_requested()) {
    std::fputs(cfg->usage("huifang-" + spec.name).c_str(), stdout);
    std::exit(0);
  }
  rt->config_ = std::move(*cfg);
  const auto& c = rt->config_;
  core::log::set_service(spec.name);
  core::log::Level level;
  if (!core::log::parse_level(c.get("log-level"), level))
    return core::invalid_argument("log-level", "'" + c.get("log-level") + "' is not debug/info/warn/error");
  core::log::set_level(level);

  store::RedisOptions ro;
  ro.host = c.get("redis-host");
  auto port = c.get_int("redis-port", 1, 65535);
  if (!port) return port.error();
  ro.port = static_cast<int>(*port);
  ro.user = c.get("redis-user");
  ro.password = c.get("redis-password");
  auto pool = c.get_int("redis-pool", 1, 256);
  if (!pool) return pool.error();
  auto lanes = c.get_int("lanes", 1, 256);
  if (!lanes) return lanes.error();
  if (*lanes > *pool)
    return core::invalid_argument("lanes", std::to_string(*lanes) + " lanes would wait on " + std::to_string(*pool) +
                                               " Redis connections; raise --redis-pool to at least --lanes");
  rt->lanes_ = static_cast<size_t>(*lanes);
  auto partitions = c.get_int("logical-partitions", 1, 16384);
  if (!partitions) return partitions.error();
  auto snap = c.get_int("snapshot-every", 0, 1'000'000);
  if (!snap) return snap.error();
  auto packed = c.get_int("packed-events", 0, 1'000);
  if (!packed) return packed.error();
  rt->pool_ = std::make_unique<store::RedisPool>(ro, static_cast<int>(*pool));
  auto retention = c.get_duration("outbox-retention");
  if (!retention) return retention.error();
  if (*retention < std::chrono::hours(1)) return core::invalid_argument("outbox-retention", "must be at least 1h");
  store::StoreOptions store_options{c.get("key-prefix"), static_cast<uint32_t>(*partitions), static_cast<uint32_t>(*snap)};
  // Nothing older than the outboxes' retention can be delivered again (a republish resends only
  // what they hold), so the inbox remembers each source stream that long after its last message.
  store_options.inbox_period = std::chrono::duration_cast<std::chrono::seconds>(*retention);
  store_options.packed_events = static_cast<uint32_t>(*packed);
  rt->store_ = std::make_unique<store::EventStore>(*rt->pool_, std::move(store_options));
  if (c.get("clock-file").empty()) {
    rt->clock_ = std::make_unique<core::SystemClock>();
  } else {
    auto clock = core::FileClock::open(c.get("clock-file"));
    if (!clock) return clock.error();
    rt->clock_ = std::move(*clock);
  }
  rt->ids_ = std::make_unique<core::IdGenerator>(*rt->clock_);
  rt->factory_ = std::make_unique<events::EnvelopeFactory>(*rt->clock_, *rt->ids_);

  auto bootstrap = bootstrap_from(c);
  if (!bootstrap) return bootstrap.error();
  auto props = bus::parse_properties(c.get("kafka-properties"));
  if (!props) return props.error();
  rt->kafka_ = bus::KafkaOptions{*bootstrap, "huifang-" + spec.name, *props};
  auto producer = bus::Producer::create(rt->kafka_);
  if (!producer) return producer.error();
  rt->producer_ = std::move(*producer);
  outbox::RelayOptions relay_options{spec.topic};
  relay_options.retention = std::chrono::duration_cast<std::chrono::hours>(*retention);
  relay_options.to_publish = [store = rt->store_.get()](std::string_view key, uint64_t index,
                                                        std::string_view stored) -> core::Result<std::string> {
    auto stream = store->stream_of_key(key);
    if (!stream) return store::bad_reply("'" + std::string(key) + "' is not a stream of " + store->prefix());
    return events::published_form(stored, *stream, index + 1);
  };
  rt->relay_ = std::make_unique<outbox::Relay>(*rt->store_, *rt->producer_, rt->metrics_, *rt->clock_, relay_options);
  outbox::Relay* relay = rt->relay_.get();
  rt->store_->add_append_listener([relay](uint32_t partition) { relay->wake(partition); });
  auto lease_ttl = c.get_duration("lease-ttl");
  if (!lease_ttl) return lease_ttl.error();
  if (*lease_ttl < std::chrono::seconds(1)) return core::invalid_argument("lease-ttl", "must be at least 1s");
  const std::string instance = c.get("instance-id").empty() ? spec.name + "@" + c.get("grpc-listen") : c.get("instance-id");
  rt->leases_ = std::make_unique<store::PartitionLeases>(
      *rt->store_, instance, std::chrono::duration_cast<std::chrono::milliseconds>(*lease_ttl));
  rt->relay_->use_leases(*rt->leases_);
  if (c.get("jwks").empty())
    return core::invalid_argument("jwks", "every call is authenticated: give the identity provider's JWKS file or "
                                          "URL (./scripts/up makes one in .huifang/auth/jwks.json)");
  auto refresh = c.get_duration("jwks-refresh");
  if (!refresh) return refresh.error();
  if (*refresh < std::chrono::seconds(30)) return core::invalid_argument("jwks-refresh", "must be at least 30s");
  auto keys = auth::JwksSource::open(c.get("jwks"), {std::chrono::duration_cast<std::chrono::seconds>(*refresh)});
  if (!keys) return keys.error();
  std::shared_ptr<auth::ApiKeyFile> api_keys;
  if (!c.get("api-keys").empty()) {
    auto opened = auth::ApiKeyFile::open(c.get("api-keys"));
    if (!opened) return opened.error();
    api_keys = std::move(*opened);
  }
  rt->api_keys_ = api_keys;
  auto rate = c.get_int("rate-limit", 0, 1'000'000);
  if (!rate) return rate.error();
  auto burst = c.get_int("rate-burst", 1, 1'000'000);
  if (!burst) return burst.error();
  rt->server_tls_ = {c.get("tls-cert"), c.get("tls-key"), c.get("tls-client-ca")};
  if (auto checked = edge::server_credentials(rt->server_tls_); !checked) return checked.error();  // fail at start
  auto client_credentials =
      edge::channel_credentials({c.get("tls-ca"), c.get("tls-ca").empty() ? "" : c.get("tls-cert"),
                                 c.get("tls-ca").empty() ? "" : c.get("tls-key")});
  if (!client_credentials) return client_credentials.error();
  rt->client_credentials_ = std::move(*client_credentials);
  auto guesses = c.get_int("failed-sign-in-limit", 0, 1'000'000);
  if (!guesses) return guesses.error();
  rt->audit_log_ = std::make_shared<AuditLog>(*rt->store_, spec.name);
  rt->auth_ = edge::audited(
      edge::rate_limited(
          edge::guess_limited(
              edge::bearer_authenticator(std::move(*keys),
                                         {c.get("jwt-issuer"), c.get("jwt-audience")}, rt->wall_clock_, std::move(api_keys)),
              {static_cast<double>(*guesses)}),
          {static_cast<double>(*rate), static_cast<double>(*burst)}),
      rt->audit_log_, rt->wall_clock_);
  rt->audit_service_ = std::make_unique<AuditService>(*rt->audit_log_, *rt->auth_);
  return rt;
}

core::Status Runtime::consume(const std::vector<std::string>& topics, EnvelopeHandler handler,
                              events::TypeFilter handles) {
  return consume_raw(topics, spec_.name,
                     runtime::decode_envelopes(std::move(handler), metrics_, spec_.name, std::move(handles)));
}

core::Status Runtime::consume_raw(const std::vector<std::string>& topics, const std::string& group,
                                  bus::BatchHandler handler) {
  auto added = add_loop(topics, group, std::move(handler), true);
  if (!added) return added.error();
  return core::ok_status();
}

core::Result<bus::Consumer*> Runtime::consume_storing_offsets_myself(const std::vector<std::string>& topics,
                                                                     EnvelopeHandler handler,
                                                                     events::TypeFilter handles) {
  return add_loop(topics, spec_.name, runtime::decode_envelopes(std::move(handler), metrics_, spec_.name, std::move(handles)),
                  false);
}

core::Result<bus::Consumer*> Runtime::add_loop(const std::vector<std::string>& topics, const std::string& group,
                                               bus::BatchHandler handler, bool store_offsets) {
  auto consumer = bus::Consumer::create({kafka_, group, topics, &metrics_, false, bus::Consumer::Options::IdleFetch{}});
  if (!consumer) return consumer.error();
  Loop l;
  l.consumer = std::move(*consumer);
  bus::ConsumerLoopOptions options{group};
  options.store_offsets = store_offsets;
  l.loop = std::make_unique<bus::ConsumerLoop>(*l.consumer, *producer_, metrics_, options, std::move(handler));
  bus::Consumer* out = l.consumer.get();
  loops_.push_back(std::move(l));
  return out;
}

void Runtime::add_deadline_pass(std::string suffix, std::chrono::milliseconds interval, std::string what,
                                std::function<core::Status(std::vector<uint32_t>)> fire) {
  deadlines_.push_back(std::make_unique<Deadlines>(*store_, std::move(suffix)));
  Deadlines* d = deadlines_.back().get();
  store_->add_append_listener([d](uint32_t partition) { d->touched(partition); });
  add_periodic(interval, std::move(what), [this, d, fire = std::move(fire)]() -> core::Status {
    auto due = d->due(core::to_millis(clock_->now()));
    if (!due) return due.error();
    std::erase_if(*due, [this](uint32_t p) { return !leases_->holds(p); });  // another instance's
    if (due->empty()) return core::ok_status();
    return fire(std::move(*due));
  });
}

void Runtime::add_periodic(std::chrono::milliseconds interval, std::string what, std::function<core::Status()> pass) {
  add_background([this, interval, what = std::move(what), pass = std::move(pass)](const std::atomic<bool>& stop) {
    while (!stop.load()) {
      if (auto st = pass(); !st) core::log::warn(what + " failed", {{"error", st.error().to_string()}});
      std::unique_lock lock(stop_mu_);
      stop_cv_.wait_for(lock, interval, [&] { return stop.load(); });
    }
  });
}

void Runtime::add_retention_pass(std::string stream_type, std::chrono::days retention) {
  add_periodic(std::chrono::minutes(10), "retention pass", [this, type = std::move(stream_type), retention] {
    auto forgotten = forget_streams_recorded_before(*store_, type, clock_->now() - retention);
    if (!forgotten) return core::Status(forgotten.error());
    if (*forgotten > 0) core::log::info("records past their retention forgotten", {{"streams", std::to_string(*forgotten)}, {"type", type}});
    return core::ok_status();
  });
}

void Runtime::request_stop() {
  {
    std::lock_guard lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  for (auto& l : loops_) l.consumer->wake();
}

int Runtime::run(const std::vector<grpc::Service*>& services) {
  if (::pipe2(g_signal_pipe, O_CLOEXEC) != 0) {
    core::log::error("cannot create the signal pipe", {{"error", std::strerror(errno)}});
    return 1;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  const auto [http_host, http_port] = split_host_port(config_.get("http-listen"));
  auto http = edge::HttpServer::start(http_host, http_port, metrics_, server_tls_);
  if (!http) {
    core::log::error("cannot start HTTP", {{"error", http.error().to_string()}});
    return 1;
  }
  for (auto& [path, handler] : routes_) (*http)->get(path, std::move(handler));
  if (!signed_in_routes_.empty()) (*http)->use_sign_in(auth_);
  for (auto& r : signed_in_routes_) (*http)->get_signed_in(r.path, std::move(r.handler), r.page);
  (*http)->add_health_check([this]() -> std::string {
    const uint64_t n = relay_->set_aside_since_start();
    if (n == 0) return "";
    return "the relay set " + std::to_string(n) + " event(s) aside since start: Kafka can never take them (see " +
           store_->prefix() + ":{pN}:outbox-set-aside and huifang_relay_set_aside_total)";
  });
  // Every service answers for the personal-data reads it served.
  std::vector<grpc::Service*> served = services;
  served.push_back(audit_service_.get());
  edge::ServerOptions grpc_options;
  grpc_options.listen = config_.get("grpc-listen");
  grpc_options.tls = server_tls_;
  auto grpc_server = edge::EdgeServer::start(grpc_options, served);
  if (!grpc_server) {
    core::log::error("cannot start gRPC", {{"error", grpc_server.error().to_string()}});
    return 1;
  }
  // Partitions this instance relays and fires timers for: claimed before either starts, then
  // renewed three times per TTL.
  if (auto st = leases_->renew(); !st) core::log::warn("partition leases not claimed yet", {{"error", st.error().to_string()}});
  add_periodic(std::chrono::duration_cast<std::chrono::milliseconds>(leases_->ttl() / 3), "lease renewal",
               [this] { return leases_->renew(); });
  std::vector<std::thread> threads;
  threads.emplace_back([this] { relay_->run(stop_); });
  for (auto& l : loops_) threads.emplace_back([this, loop = l.loop.get()] { loop->run(stop_); });
  for (auto& b : background_) threads.emplace_back([this, &b] { b(stop_); });
  core::log::info("service up", {{"grpc", (*grpc_server)->address()}, {"http", config_.get("http-listen")},
                                 {"topic", spec_.topic}, {"consumers", loops_.size()}});

  wait_for_signal();
  request_stop();

  core::log::info("stopping");
  (*grpc_server)->shutdown(std::chrono::milliseconds(2000));
  for (auto& t : threads) t.join();  // consumers commit and leave their groups; the relay stops
  (*http)->stop();
  core::log::info("stopped");
  return 0;
}

}  // namespace huifang::runtime
