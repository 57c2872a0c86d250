#include "huifang/bus/lanes.h"

#include <algorithm>
#include <future>
#include <optional>
#include <vector>

#include "huifang/core/hash.h"

namespace huifang::bus {

BatchOutcome apply_in_lanes(size_t n, const std::function<std::string_view(size_t)>& key_of,
                            const std::function<core::Status(size_t)>& apply, size_t lanes) {
  using Failure = std::optional<std::pair<size_t, core::Error>>;
  auto run = [&apply](const std::vector<size_t>& indexes) -> Failure {
    for (size_t i : indexes)
      if (auto st = apply(i); !st) return std::pair{i, st.error()};
    return std::nullopt;
  };
  std::vector<std::vector<size_t>> lane(std::max<size_t>(lanes, 1));
  for (size_t i = 0; i < n; ++i) lane[lane.size() == 1 ? 0 : core::fnv1a64(key_of(i)) % lane.size()].push_back(i);
  std::vector<std::future<Failure>> running;
  Failure first;
  auto keep_earliest = [&first](Failure f) {
    if (f && (!first || f->first < first->first)) first = std::move(f);
  };
  for (auto& indexes : lane) {
    if (indexes.empty()) continue;
    if (lane.size() == 1 || n < 2) keep_earliest(run(indexes));  // no thread for a lone lane
    else running.push_back(std::async(std::launch::async, run, std::cref(indexes)));
  }
  for (auto& r : running) keep_earliest(r.get());
  if (first) return {first->first, first->second};
  return {n, std::nullopt};
}

}  // namespace huifang::bus
