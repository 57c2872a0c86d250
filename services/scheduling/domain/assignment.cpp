#include "assignment.h"

#include <algorithm>

namespace huifang::scheduling {

core::Result<Assignment> choose_agent(const std::vector<AgentInfo>& agents, const std::map<std::string, int>& load,
                                      const std::string& category, bool needs_manager, bool key_account) {
  const bool want_manager = needs_manager || key_account;
  auto eligible = [&](const AgentInfo& a, bool manager_only) {
    if (!a.active || (manager_only && !a.manager)) return false;
    return a.skills.empty() || std::find(a.skills.begin(), a.skills.end(), category) != a.skills.end();
  };
  auto pick = [&](bool manager_only) -> const AgentInfo* {
    const AgentInfo* best = nullptr;
    double best_ratio = 0;
    for (const auto& a : agents) {
      if (!eligible(a, manager_only)) continue;
      const auto it = load.find(a.id);
      const double open = it == load.end() ? 0 : it->second;
      const double ratio = a.daily_capacity == 0 ? open / 1e9 : open / a.daily_capacity;
      if (!best || ratio < best_ratio || (ratio == best_ratio && a.id < best->id)) {
        best = &a;
        best_ratio = ratio;
      }
    }
    return best;
  };
  const AgentInfo* chosen = want_manager ? pick(true) : nullptr;
  v1::AssignmentReason reason = needs_manager ? v1::ASSIGNMENT_REASON_MAJOR_COMPLAINT : v1::ASSIGNMENT_REASON_KEY_ACCOUNT;
  if (!chosen) {  // no manager there: the best agent still takes it
    chosen = pick(false);
    reason = v1::ASSIGNMENT_REASON_WORKLOAD;
  }
  if (!chosen)
    return core::make_error(core::make_error_code(core::errc::failed_precondition),
                            "no active agent for category " + category + " in this org unit");
  const auto it = load.find(chosen->id);
  const int open = it == load.end() ? 0 : it->second;
  return Assignment{chosen->id, reason, chosen->daily_capacity > 0 && open >= static_cast<int>(chosen->daily_capacity)};
}

}  // namespace huifang::scheduling
