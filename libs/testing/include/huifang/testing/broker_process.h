#pragma once
// The embedded broker (huifang-broker) as a child process of an end-to-end suite, with the
// bootstrap address it reports once it listens.
#include <filesystem>
#include <memory>
#include <string>

#include "huifang/testing/process.h"

namespace huifang::testing {

struct BrokerProcess {
  std::unique_ptr<Process> process;
  std::string bootstrap;  // empty when it did not start within 10 s (the test then fails)
};

// Runs `program` with `partitions` per topic, logging to `dir`/broker.log.
BrokerProcess start_broker(const std::string& program, const std::filesystem::path& dir, int partitions);

}  // namespace huifang::testing
