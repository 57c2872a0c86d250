#pragma once
// Who makes a visit: an active agent of the customer's org unit with the skill for the category,
// the least loaded relative to their daily capacity (ties by id, so the choice is reproducible);
// key accounts and rules that say so (major complaints) go to a manager. A visit is never left
// unassigned because everyone is full: the least loaded agent is then overbooked, visibly.
#include <map>
#include <string>
#include <vector>

#include "huifang/core/result.h"
#include "huifang/scheduling/v1/events.pb.h"

namespace huifang::scheduling {

struct AgentInfo {
  std::string id;
  std::string org_unit_id;
  bool manager = false;
  uint32_t daily_capacity = 0;  // 0 = unlimited
  bool active = true;
  std::vector<std::string> skills;  // empty = any category
};

struct Assignment {
  std::string agent_id;
  v1::AssignmentReason reason;
  bool overbooked = false;
};

// `load`: open visits per agent. NOT_FOUND (failed precondition) when the org unit has no agent.
core::Result<Assignment> choose_agent(const std::vector<AgentInfo>& agents, const std::map<std::string, int>& load,
                                      const std::string& category, bool needs_manager, bool key_account);

}  // namespace huifang::scheduling
