// huifang-broker: the embedded Kafka for one machine (librdkafka's mock cluster). It creates every
// Huifang topic, prints and writes its bootstrap address for the other processes, and runs until
// SIGINT/SIGTERM. It keeps everything in memory: after a restart, services republish from their
// own stores (see README, "Embedded broker limits").
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "huifang/bus/mock_cluster.h"
#include "huifang/core/config.h"
#include "huifang/core/log.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

const std::vector<huifang::core::OptionSpec> kOptions = {
    {"brokers", "1", "number of in-process brokers"},
    {"partitions", "12", "partitions per Huifang topic (more partitions = more headroom under the mock's "
                         "~5 MiB / 100k batches per partition limit)"},
    {"bootstrap-file", ".huifang/broker.addr", "file the bootstrap address is written to (empty = none)"},
    {"log-level", "info", "debug, info, warn or error"},
};

int fail(const huifang::core::Error& e) {
  std::fprintf(stderr, "huifang-broker: %s\n", e.to_string().c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace huifang;
  auto cfg = core::Config::parse(kOptions, argc, argv, core::huifang_environment());
  if (!cfg) return fail(cfg.error());
  if (cfg->help_requested()) {
    std::fputs(cfg->usage("huifang-broker").c_str(), stdout);
    return 0;
  }
  core::log::set_service("broker");
  core::log::Level level;
  if (!core::log::parse_level(cfg->get("log-level"), level))
    return fail(core::invalid_argument("log-level", "'" + cfg->get("log-level") + "' is not debug/info/warn/error"));
  core::log::set_level(level);
  auto brokers = cfg->get_int("brokers", 1, 9);
  if (!brokers) return fail(brokers.error());
  auto partitions = cfg->get_int("partitions", 1, 256);
  if (!partitions) return fail(partitions.error());

  auto cluster = bus::MockCluster::start(static_cast<int>(*brokers), bus::huifang_topics(static_cast<int>(*partitions)));
  if (!cluster) return fail(cluster.error());
  const std::string bootstrap = (*cluster)->bootstrap();

  const std::string file = cfg->get("bootstrap-file");
  if (!file.empty()) {
    std::filesystem::path p(file);
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
    const std::string tmp = file + ".tmp";
    std::ofstream(tmp) << bootstrap << "\n";
    std::filesystem::rename(tmp, file);  // readers never see a half-written address
  }
  std::printf("huifang-broker: bootstrap=%s topics=%d partitions=%lld\n", bootstrap.c_str(),
              static_cast<int>(bus::huifang_topics(1).size()), static_cast<long long>(*partitions));
  std::fflush(stdout);
  core::log::info("broker up", {{"bootstrap", bootstrap}, {"partitions", *partitions}, {"brokers", *brokers}});

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));

  core::log::info("broker stopping");
  if (!file.empty()) std::filesystem::remove(file);
  cluster->reset();
  return 0;
}
