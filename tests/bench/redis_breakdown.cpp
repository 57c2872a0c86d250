#include "redis_breakdown.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "huifang/testing/process.h"

namespace huifang::bench {
namespace {

// The kind of a key: its segments with the "{pN}" hash tag dropped, up to the first that holds a
// digit (an id) other than a version ("v2": analytics' projection versions, a handful). `whole`
// says no id was cut: one of few keys (an index), measured every time.
std::string key_kind(const std::string& key, bool* whole = nullptr) {
  std::string kind;
  std::istringstream in(key);
  bool cut = false;
  for (std::string seg; std::getline(in, seg, ':');) {
    if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') continue;
    const bool version = seg.size() > 1 && seg[0] == 'v' &&
                         std::all_of(seg.begin() + 1, seg.end(), [](unsigned char c) { return std::isdigit(c); });
    if (!version && std::any_of(seg.begin(), seg.end(), [](unsigned char c) { return std::isdigit(c); })) {
      cut = true;
      break;
    }
    if (!kind.empty()) kind += ':';
    kind += seg;
  }
  if (whole) *whole = !cut;
  return kind.empty() ? "(other)" : kind;
}

}  // namespace

std::vector<KindBytes> redis_memory_by_kind(int port, size_t max_samples) {
  const std::string cli = "redis-cli -p " + std::to_string(port);
  const double total = std::strtod(testing::shell(cli + " DBSIZE").out.c_str(), nullptr);
  const auto step = static_cast<uint64_t>(std::max(1.0, total / static_cast<double>(max_samples)));
  // Keys holding ids are sampled every `step` and scaled; the few index keys (a partition's
  // timers, analytics' fact hashes) are each measured, so one huge hash cannot be missed or
  // multiplied.
  std::istringstream keys(testing::shell(cli + " --scan").out);
  const auto script = std::filesystem::temp_directory_path() / ("huifang-memory-" + std::to_string(port) + ".txt");
  struct Sampled {
    std::string kind;
    double weight;
  };
  std::vector<Sampled> sampled;
  {
    std::ofstream out(script);
    uint64_t seen = 0;
    for (std::string k; std::getline(keys, k);) {
      if (k.empty()) continue;
      bool whole = false;
      std::string kind = key_kind(k, &whole);
      if (!whole && ++seen % step != 0) continue;
      std::string quoted;
      for (char c : k) quoted += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      out << "MEMORY USAGE \"" << quoted << "\" SAMPLES 0\n";
      sampled.push_back({std::move(kind), whole ? 1.0 : static_cast<double>(step)});
    }
  }
  std::istringstream sizes(testing::shell(cli + " < " + script.string()).out);
  std::filesystem::remove(script);
  std::map<std::string, KindBytes> by_kind;
  for (const auto& s : sampled) {
    std::string size;
    if (!std::getline(sizes, size)) break;
    auto& kb = by_kind[s.kind];
    kb.kind = s.kind;
    kb.bytes += std::strtod(size.c_str(), nullptr) * s.weight;
    kb.keys += s.weight;
  }
  std::vector<KindBytes> out;
  for (auto& [kind, kb] : by_kind) out.push_back(std::move(kb));
  std::sort(out.begin(), out.end(), [](const KindBytes& a, const KindBytes& b) { return a.bytes > b.bytes; });
  return out;
}

}  // namespace huifang::bench
