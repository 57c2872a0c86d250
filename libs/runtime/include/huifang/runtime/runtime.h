#pragma once
// What every service process has in common, built once: configuration (flags + HUIFANG_*), the
// service's Redis pool and event store under its own key prefix and ACL user, the Kafka producer
// and outbox relay for its topic, consumer loops for what it consumes, the HTTP /metrics+/healthz
// endpoint and the gRPC edge; then it runs until SIGINT/SIGTERM and stops in reverse order. A
// service's main() only adds its handlers.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "huifang/bus/consumer_loop.h"
#include "huifang/bus/kafka.h"
#include "huifang/core/clock.h"
#include "huifang/core/config.h"
#include "huifang/core/ids.h"
#include "huifang/core/metrics.h"
#include "huifang/edge/caller.h"
#include "huifang/edge/http.h"
#include "huifang/edge/tls.h"
#include "huifang/runtime/audit_log.h"
#include "huifang/runtime/consume.h"
#include "huifang/events/envelope.h"
#include "huifang/outbox/relay.h"
#include "huifang/runtime/deadlines.h"
#include "huifang/store/event_store.h"
#include "huifang/store/leases.h"

namespace grpc {
class Service;
}

namespace huifang::runtime {

struct ServiceSpec {
  std::string name;         // "intake": key prefix, consumer group, log service name
  std::string topic;        // the topic its outbox publishes to, e.g. "huifang.intake.v1"
  int default_grpc_port;    // 7101.. per service
  int default_http_port;    // 8101.. per service
  std::vector<core::OptionSpec> extra_options;  // the service's own settings
};

class Runtime {
 public:
  // Parses configuration and connects; exits the process with a usage message on --help.
  static core::Result<std::unique_ptr<Runtime>> create(const ServiceSpec& spec, int argc, char** argv);
  ~Runtime();

  const core::Config& config() const { return config_; }
  // The system clock, or the shared simulated clock of --clock-file (tests, the demo).
  const core::Clock& clock() const { return *clock_; }
  core::MetricsRegistry& metrics() { return metrics_; }
  store::EventStore& store() { return *store_; }
  store::RedisPool& redis() { return *pool_; }
  const events::EnvelopeFactory& factory() const { return *factory_; }
  core::IdGenerator& ids() { return *ids_; }
  outbox::Relay& relay() { return *relay_; }
  const edge::Authenticator& auth() const { return *auth_; }
  // The transport for calls to other services (--tls-ca, and --tls-cert/--tls-key to present).
  std::shared_ptr<grpc::ChannelCredentials> client_credentials() const { return client_credentials_; }
  // Integrations' API keys (--api-keys), null when none were given.
  std::shared_ptr<auth::ApiKeyFile> api_keys() const { return api_keys_; }
  const bus::KafkaOptions& kafka() const { return kafka_; }
  // How many customers' events a consumer applies at once (--lanes). Each Redis round trip waits
  // for the fsync of whatever Redis is writing, so throughput grows with the round trips in
  // flight, not with CPU.
  size_t lanes() const { return lanes_; }

  // Consumes `topics` as the service's group, decoding envelopes; types `handles` refuses are
  // skipped without being parsed (empty = every type).
  core::Status consume(const std::vector<std::string>& topics, EnvelopeHandler handler,
                       events::TypeFilter handles = {});
  // Consumes raw messages (the inbound integration topic carries JSON as well as protobuf).
  core::Status consume_raw(const std::vector<std::string>& topics, const std::string& group, bus::BatchHandler handler);
  // Like consume(), but offsets are the caller's to store on the returned consumer once its own
  // save has made what it applied durable (a projection saved on a timer).
  core::Result<bus::Consumer*> consume_storing_offsets_myself(const std::vector<std::string>& topics,
                                                              EnvelopeHandler handler,
                                                              events::TypeFilter handles = {});

  // Every `interval`, `fire` gets the logical partitions whose sorted set `suffix` (scores: due
  // times in ms) has a deadline due on the service's clock — found without a Redis round trip
  // while nothing changed (Deadlines). A failed pass is logged as "<what> failed".
  void add_deadline_pass(std::string suffix, std::chrono::milliseconds interval, std::string what,
                         std::function<core::Status(std::vector<uint32_t> partitions)> fire);
  // Runs `loop` on its own thread from run() until stop (timers, periodic jobs).
  void add_background(std::function<void(const std::atomic<bool>& stop)> loop) { background_.push_back(std::move(loop)); }
  // Runs `pass` every `interval` until stop; a failed pass is logged as "<what> failed" and retried
  // at the next interval.
  void add_periodic(std::chrono::milliseconds interval, std::string what, std::function<core::Status()> pass);
  // Every ten minutes, forgets this service's short streams of `stream_type` whose first event
  // was recorded longer than `retention` ago on the service's clock (retention.h).
  void add_retention_pass(std::string stream_type, std::chrono::days retention);

  // Adds a GET route to the service's HTTP endpoint (beside /metrics and /healthz).
  void add_http_route(std::string path, edge::HttpHandler handler) { routes_.emplace_back(std::move(path), std::move(handler)); }
  // Adds a GET route for signed-in callers (edge::HttpServer::get_signed_in); the server then also
  // serves the login page.
  void add_signed_in_route(std::string path, edge::SignedInHandler handler, bool page) {
    signed_in_routes_.push_back({std::move(path), std::move(handler), page});
  }

  // Starts the relay, the consumers, HTTP and gRPC; blocks until SIGINT/SIGTERM; returns the
  // process exit code.
  int run(const std::vector<grpc::Service*>& services);

 private:
  Runtime() = default;
  core::Result<bus::Consumer*> add_loop(const std::vector<std::string>& topics, const std::string& group,
                                        bus::BatchHandler handler, bool store_offsets);

  ServiceSpec spec_;
  core::Config config_;
  std::unique_ptr<core::Clock> clock_;
  core::MetricsRegistry metrics_;
  std::unique_ptr<core::IdGenerator> ids_;
  std::unique_ptr<events::EnvelopeFactory> factory_;
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventStore> store_;
  bus::KafkaOptions kafka_;
  std::unique_ptr<bus::Producer> producer_;
  std::unique_ptr<outbox::Relay> relay_;
  core::SystemClock wall_clock_;  // tokens expire in real time, whatever the simulated clock says
  std::shared_ptr<edge::Authenticator> auth_;
  edge::ServerTls server_tls_;
  std::shared_ptr<grpc::ChannelCredentials> client_credentials_;
  std::shared_ptr<AuditLog> audit_log_;
  std::shared_ptr<auth::ApiKeyFile> api_keys_;
  std::unique_ptr<AuditService> audit_service_;
  struct Loop {
    std::unique_ptr<bus::Consumer> consumer;
    std::unique_ptr<bus::ConsumerLoop> loop;
  };
  std::vector<Loop> loops_;
  std::vector<std::unique_ptr<Deadlines>> deadlines_;
  // Which logical partitions this instance relays and fires timers for (several instances).
  std::unique_ptr<store::PartitionLeases> leases_;
  std::vector<std::function<void(const std::atomic<bool>&)>> background_;
  std::vector<std::pair<std::string, edge::HttpHandler>> routes_;
  struct SignedInRoute {
    std::string path;
    edge::SignedInHandler handler;
    bool page;
  };
  std::vector<SignedInRoute> signed_in_routes_;
  // Set once, by SIGINT/SIGTERM (through a pipe, so nothing polls for it); periodic passes sleep
  // on the condition instead of in slices, so an idle service is not woken just to look.
  std::atomic<bool> stop_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  void request_stop();
  size_t lanes_ = 1;
};

// Exits with a clear message when `r` is an error (boot-time configuration only).
template <typename T>
T must(core::Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", what, r.error().to_string().c_str());
    std::exit(2);
  }
  return std::move(*r);
}

}  // namespace huifang::runtime
