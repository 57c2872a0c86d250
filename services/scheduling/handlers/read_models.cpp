#include "read_models.h"

#include "huifang/privacy/personal.h"

#include <algorithm>

#include "huifang/core/log.h"

namespace huifang::scheduling {
namespace {

// Reply parsers, shared by the one-at-a-time reads and planning_inputs' pipeline.
std::optional<intake::v1::Customer> customer_of(const store::Reply& r) {
  if (r.type != store::Reply::Type::string) return std::nullopt;
  intake::v1::Customer c;
  if (!c.ParseFromString(r.str)) {
    core::log::warn("unreadable customer record: treated as unknown", {{"bytes", std::to_string(r.str.size())}});
    return std::nullopt;
  }
  return c;
}

std::vector<AgentInfo> agents_of(const store::Reply& r) {
  std::vector<AgentInfo> out;
  for (const auto& v : r.elements) {
    intake::v1::Agent a;
    if (!a.ParseFromString(v.str)) {
      core::log::warn("unreadable agent record skipped", {{"bytes", std::to_string(v.str.size())}});
      continue;
    }
    const bool manager = a.role() == common::v1::ROLE_MANAGER || a.role() == common::v1::ROLE_SUPERVISOR;
    out.push_back({a.id(), a.org_unit_id(), manager, a.daily_capacity(), a.active(),
                   std::vector<std::string>(a.skills().begin(), a.skills().end())});
  }
  return out;
}

std::map<std::string, int> load_of(const store::Reply& r) {
  std::map<std::string, int> out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2) out[r.elements[i].str] = std::stoi(r.elements[i + 1].str);
  return out;
}

OrgZones zones_of(const store::Reply& r) {
  OrgZones out;
  for (const auto& v : r.elements) {
    intake::v1::OrgUnit u;
    if (!u.ParseFromString(v.str)) {
      core::log::warn("unreadable org unit record skipped", {{"bytes", std::to_string(v.str.size())}});
      continue;
    }
    out[u.id()] = {u.parent_id(), u.time_zone()};
  }
  return out;
}

HolidayCalendar calendar_of(const store::Reply& r) {
  HolidayCalendar cal;
  for (const auto& v : r.elements) {
    v1::CalendarPublished c;
    if (!c.ParseFromString(v.str)) {
      core::log::warn("unreadable calendar record skipped", {{"bytes", std::to_string(v.str.size())}});
      continue;
    }
    cal.holidays.insert(c.holidays().begin(), c.holidays().end());
    cal.working_days.insert(c.working_days().begin(), c.working_days().end());
  }
  return cal;
}

std::vector<LedgerEntry> ledger_of(const store::Reply& r) {
  std::vector<LedgerEntry> out;
  for (size_t i = 0; i + 1 < r.elements.size(); i += 2)
    out.push_back({r.elements[i].str, core::from_micros(std::stoll(r.elements[i + 1].str) * 1000)});
  return out;
}

}  // namespace

std::vector<AgentInfo> agents_in(const std::vector<AgentInfo>& all, const std::string& org_unit_id) {
  std::vector<AgentInfo> out;
  for (const auto& a : all)
    if (a.org_unit_id == org_unit_id) out.push_back(a);
  return out;
}

store::Argv ReadModels::tenant_command(const char* command, const std::string& tenant_id,
                                       std::string (*index)(const std::string&)) const {
  return {command, store_.key(store_.partition_of(keys::tenant_partition(tenant_id)), index(tenant_id))};
}

core::Result<store::Reply> ReadModels::run(const store::Argv& command) {
  auto conn = store_.pool().lease();
  return conn->command(command);
}

core::Result<std::string> ReadModels::hget(const std::string& pk, const std::string& index, const std::string& field) {
  auto r = run({"HGET", store_.key(store_.partition_of(pk), index), field});
  if (!r) return r.error();
  return r->type == store::Reply::Type::string ? r->str : std::string();
}

core::Status ReadModels::put_org_unit(const std::string& tenant_id, const intake::v1::OrgUnit& unit) {
  intake::v1::OrgUnit kept;  // what planning needs of it: where it sits and its clock
  kept.set_id(unit.id());
  kept.set_parent_id(unit.parent_id());
  kept.set_time_zone(unit.time_zone());
  std::vector<store::Argv> writes{org_trees_.put(tenant_id, unit), tenant_command("HSET", tenant_id, keys::org_zones)};
  writes.back().insert(writes.back().end(), {unit.id(), kept.SerializeAsString()});
  return store_.pool().lease()->write_all(writes, "org unit");
}

core::Status ReadModels::put_customer(const std::string& tenant_id, intake::v1::Customer c) {
  privacy::drop_personal(c);  // planning needs none of it (PIPL's minimum necessary)
  auto r = run({"HSET", store_.key(store_.partition_of(c.id()), keys::customers(tenant_id)), c.id(), c.SerializeAsString()});
  if (!r) return r.error();
  return core::ok_status();
}

core::Result<std::optional<intake::v1::Customer>> ReadModels::customer(const std::string& tenant_id, const std::string& id) {
  auto r = run({"HGET", store_.key(store_.partition_of(id), keys::customers(tenant_id)), id});
  if (!r) return r.error();
  return customer_of(*r);
}

core::Status ReadModels::put_agent(const std::string& tenant_id, const intake::v1::Agent& a) {
  auto cmd = tenant_command("HSET", tenant_id, keys::agents);
  cmd.push_back(a.id());
  cmd.push_back(a.SerializeAsString());
  auto r = run(cmd);
  if (!r) return r.error();
  return core::ok_status();
}

core::Result<std::vector<AgentInfo>> ReadModels::agents(const std::string& tenant_id, const std::string& org_unit_id) {
  auto r = run(tenant_command("HVALS", tenant_id, keys::agents));
  if (!r) return r.error();
  return agents_in(agents_of(*r), org_unit_id);
}

core::Result<std::map<std::string, int>> ReadModels::load(const std::string& tenant_id) {
  auto r = run(tenant_command("HGETALL", tenant_id, keys::load));
  if (!r) return r.error();
  return load_of(*r);
}

core::Status ReadModels::add_load(const std::string& tenant_id, const std::string& agent_id, int delta) {
  return add_loads({{tenant_id, agent_id}}, delta);
}

core::Status ReadModels::add_loads(const std::vector<std::pair<std::string, std::string>>& tenant_agents, int delta) {
  // Advisory: workload only steers assignment, so it is counted outside the atomic append.
  if (tenant_agents.empty()) return core::ok_status();
  std::vector<store::Argv> cmds;
  for (const auto& [tenant, agent] : tenant_agents) {
    cmds.push_back(tenant_command("HINCRBY", tenant, keys::load));
    cmds.back().push_back(agent);
    cmds.back().push_back(std::to_string(delta));
  }
  auto r = store_.pool().lease()->pipeline(cmds);
  if (!r) return r.error();
  return core::ok_status();
}

core::Result<std::optional<LoadedPolicy>> ReadModels::policy(const std::string& tenant_id, const std::string& policy_id) {
  auto raw = hget(keys::tenant_partition(tenant_id), keys::policies(tenant_id), policy_id);
  if (!raw) return raw.error();
  return parsed(tenant_id, *raw);
}

core::Result<std::optional<LoadedPolicy>> ReadModels::policy_for(const std::string& tenant_id, const std::string& category) {
  auto one = policies_for({{tenant_id, category}});
  if (!one) return one.error();
  return std::move((*one)[0]);
}

core::Result<std::vector<std::optional<LoadedPolicy>>> ReadModels::policies_for(
    const std::vector<std::pair<std::string, std::string>>& tenant_categories) {
  // The category's policy id, then that policy, in one script (every trigger asks this first).
  static const store::Script kPolicyFor(R"lua(
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
return redis.call('HGET', KEYS[2], id)
)lua");
  std::vector<std::pair<store::Argv, store::Argv>> calls;
  for (const auto& [tenant, category] : tenant_categories) {
    const uint32_t tp = store_.partition_of(keys::tenant_partition(tenant));
    calls.push_back({{store_.key(tp, keys::policy_for_category(tenant)), store_.key(tp, keys::policies(tenant))}, {category}});
  }
  auto replies = store_.pool().lease()->eval_pipeline(kPolicyFor, calls);
  if (!replies) return replies.error();
  std::vector<std::optional<LoadedPolicy>> out;
  for (size_t i = 0; i < replies->size(); ++i) {
    const auto& r = (*replies)[i];
    if (r.type == store::Reply::Type::error)
      return store::bad_reply(
                              "policy for " + tenant_categories[i].second + ": " + r.str);
    auto lp = parsed(tenant_categories[i].first, r.type == store::Reply::Type::string ? r.str : std::string());
    if (!lp) return lp.error();
    out.push_back(std::move(*lp));
  }
  return out;
}

core::Result<std::optional<LoadedPolicy>> ReadModels::parsed(const std::string& tenant_id, const std::string& raw) {
  if (raw.empty()) return std::optional<LoadedPolicy>();
  v1::PolicyPublished published;
  if (!published.ParseFromString(raw))
    return store::bad_reply("unreadable published policy of " + tenant_id);
  const std::string cache_key = tenant_id + "/" + published.policy_id() + "@" + std::to_string(published.version());
  std::lock_guard lock(mu_);
  if (auto it = cache_.find(cache_key); it != cache_.end()) return std::optional<LoadedPolicy>(it->second);
  auto policy = parse_policy(published.yaml());
  if (!policy) return policy.error();
  LoadedPolicy lp{std::make_shared<const Policy>(std::move(*policy)), published.version()};
  cache_[cache_key] = lp;
  return std::optional<LoadedPolicy>(lp);
}

core::Result<HolidayCalendar> ReadModels::calendar(const std::string& tenant_id) {
  auto r = run(tenant_command("HVALS", tenant_id, keys::calendars));
  if (!r) return r.error();
  return calendar_of(*r);
}

core::Result<PlanningInputs> ReadModels::planning_inputs(const std::vector<PlanningQuery>& queries) {
  // Per customer: profile and ledger; per tenant, once: calendars, agents, workload.
  std::vector<store::Argv> cmds;
  std::vector<std::string> tenants;
  for (const auto& q : queries) {
    const uint32_t cp = store_.partition_of(q.customer_id);
    cmds.push_back({"HGET", store_.key(cp, keys::customers(q.tenant_id)), q.customer_id});
    cmds.push_back({"ZRANGE", store_.key(cp, keys::ledger(q.tenant_id, q.customer_id)), "0", "-1", "WITHSCORES"});
    if (std::find(tenants.begin(), tenants.end(), q.tenant_id) == tenants.end()) tenants.push_back(q.tenant_id);
  }
  for (const auto& t : tenants) {
    cmds.push_back(tenant_command("HVALS", t, keys::calendars));
    cmds.push_back(tenant_command("HVALS", t, keys::agents));
    cmds.push_back(tenant_command("HGETALL", t, keys::load));
    cmds.push_back(tenant_command("HVALS", t, keys::org_zones));
  }
  auto r = store_.pool().lease()->pipeline(cmds);
  if (!r) return r.error();
  const auto& replies = *r;
  for (const auto& reply : replies)
    if (reply.type == store::Reply::Type::error)
      return store::bad_reply("planning inputs: " + reply.str);
  PlanningInputs out;
  size_t i = 0;
  for (size_t q = 0; q < queries.size(); ++q, i += 2) out.customers.push_back({customer_of(replies[i]), ledger_of(replies[i + 1])});
  for (const auto& t : tenants) {
    out.tenants[t] = TenantInputs{calendar_of(replies[i]), agents_of(replies[i + 1]), load_of(replies[i + 2]),
                                  zones_of(replies[i + 3])};
    i += 4;
  }
  return out;
}

CustomerProfile ReadModels::profile_of(const intake::v1::Customer& c) {
  CustomerProfile p{c.id(), c.org_unit_id(), c.tier(), c.key_household(), c.do_not_contact(), {}, c.time_zone()};
  for (const auto& [k, v] : c.consents()) p.consents[k] = v;
  return p;
}

}  // namespace huifang::scheduling
