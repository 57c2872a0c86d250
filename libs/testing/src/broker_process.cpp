#include "huifang/testing/broker_process.h"

#include <gtest/gtest.h>

#include <fstream>

#include "huifang/testing/wait.h"

namespace huifang::testing {

BrokerProcess start_broker(const std::string& program, const std::filesystem::path& dir, int partitions) {
  namespace fs = std::filesystem;
  const std::string addr_file = (dir / "broker.addr").string();
  BrokerProcess b;
  b.process = std::make_unique<Process>(
      program, std::vector<std::string>{"--partitions=" + std::to_string(partitions), "--bootstrap-file=" + addr_file},
      (dir / "broker.log").string());
  if (!wait_until([&] { return fs::exists(addr_file) && fs::file_size(addr_file) > 0; }, std::chrono::seconds(10))) {
    ADD_FAILURE() << "huifang-broker did not start: " << b.process->log_tail();
    return b;
  }
  std::ifstream(addr_file) >> b.bootstrap;
  return b;
}

}  // namespace huifang::testing
