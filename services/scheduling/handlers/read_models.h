#pragma once
// Scheduling's own copies of what it needs from other services (customer profiles, agents) and
// its own configuration (policies, calendars), kept in its Redis under its prefix. Profiles live
// in the customer's partition, tenant-wide data in the tenant's partition.
#include "huifang/runtime/org_trees.h"
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "../domain/assignment.h"
#include "../domain/calendar.h"
#include "../domain/org_zones.h"
#include "../domain/planner.h"
#include "../domain/policy.h"
#include "keys.h"
#include "huifang/intake/v1/events.pb.h"
#include "huifang/scheduling/v1/events.pb.h"
#include "huifang/store/event_store.h"

namespace huifang::scheduling {

struct LoadedPolicy {
  std::shared_ptr<const Policy> policy;
  uint64_t version = 0;
};

// What planning reads of a tenant: read once per consumed batch, whatever its number of triggers.
struct TenantInputs {
  HolidayCalendar calendar;
  std::vector<AgentInfo> agents;    // every agent of the tenant, parsed once
  std::map<std::string, int> load;  // open visits per agent; raised in memory as a batch assigns
  OrgZones zones;                   // for customers without a zone of their own
};
// What planning reads of one customer.
struct CustomerInputs {
  std::optional<intake::v1::Customer> customer;
  std::vector<LedgerEntry> ledger;  // the customer's planned visits, by due date
};
struct PlanningQuery {
  std::string tenant_id;
  std::string customer_id;
};
// Everything planning a batch of triggers reads besides the policies, in one round trip.
struct PlanningInputs {
  std::map<std::string, TenantInputs> tenants;
  std::vector<CustomerInputs> customers;  // in query order
};
// The agents of one org unit.
std::vector<AgentInfo> agents_in(const std::vector<AgentInfo>& all, const std::string& org_unit_id);

class ReadModels {
 public:
  explicit ReadModels(store::EventStore& store) : store_(store), org_trees_(store) {}

  // Keeps what planning needs of a customer; their personal fields (sealed or not) are dropped.
  core::Status put_customer(const std::string& tenant_id, intake::v1::Customer c);
  // The tenants' org trees (unit → parent), for org-unit scope.
  const runtime::OrgTrees& org_trees() const { return org_trees_; }
  // Keeps an org unit: in the org tree, and with its time zone for planning.
  core::Status put_org_unit(const std::string& tenant_id, const intake::v1::OrgUnit& unit);
  core::Result<std::optional<intake::v1::Customer>> customer(const std::string& tenant_id, const std::string& customer_id);
  core::Status put_agent(const std::string& tenant_id, const intake::v1::Agent& a);
  core::Result<std::vector<AgentInfo>> agents(const std::string& tenant_id, const std::string& org_unit_id);
  core::Result<std::map<std::string, int>> load(const std::string& tenant_id);
  core::Status add_load(const std::string& tenant_id, const std::string& agent_id, int delta);

  // The policy answering `category` for the tenant, parsed (cached by version).
  core::Result<std::optional<LoadedPolicy>> policy_for(const std::string& tenant_id, const std::string& category);
  // The same for many (tenant, category) pairs in one round trip, in order.
  core::Result<std::vector<std::optional<LoadedPolicy>>> policies_for(
      const std::vector<std::pair<std::string, std::string>>& tenant_categories);
  core::Result<std::optional<LoadedPolicy>> policy(const std::string& tenant_id, const std::string& policy_id);
  core::Result<HolidayCalendar> calendar(const std::string& tenant_id);

  core::Result<PlanningInputs> planning_inputs(const std::vector<PlanningQuery>& queries);
  // Raises the workload of agents (one entry per visit assigned) in one round trip.
  core::Status add_loads(const std::vector<std::pair<std::string, std::string>>& tenant_agents, int delta);

  static CustomerProfile profile_of(const intake::v1::Customer& c);

 private:
  // `command` on the tenant's own `index` (keys.h), in the tenant's partition.
  store::Argv tenant_command(const char* command, const std::string& tenant_id,
                             std::string (*index)(const std::string&)) const;
  core::Result<store::Reply> run(const store::Argv& command);
  core::Result<std::string> hget(const std::string& partition_key, const std::string& index, const std::string& field);
  // A published policy record, parsed once per version (empty = no policy).
  core::Result<std::optional<LoadedPolicy>> parsed(const std::string& tenant_id, const std::string& raw);

  store::EventStore& store_;
  runtime::OrgTrees org_trees_;
  std::mutex mu_;
  std::map<std::string, LoadedPolicy> cache_;  // "tenant/policy@version"
};

}  // namespace huifang::scheduling
