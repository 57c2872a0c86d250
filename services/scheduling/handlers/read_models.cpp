#include "read_models.h"

namespace huifang::scheduling {
namespace {

// Reply parsers, shared by the one-at-a-time reads and planning_inputs' pipeline.
std::optional<intake::v1::Customer> customer_of(const store::Reply& r) {
  if (r.type != store::Reply::Type::string) return std::nullopt;
  intake::v1::Customer c;
  c.ParseFromString(r.str);
  return c;
}

std::vector<AgentInfo> agents_of(const store::Reply& r, const std::string& org_unit_id) {
  std::vector<AgentInfo> out;
  for (const auto& v : r.elements) {
    intake::v1::Agent a;
    if (!a.ParseFromString(v.str) || a.org_unit_id() != org_unit_id) continue;
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

HolidayCalendar calendar_of(const store::Reply& r) {
  HolidayCalendar cal;
  for (const auto& v : r.elements) {
    v1::CalendarPublished c;
    if (!c.ParseFromString(v.str)) continue;
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

std::string tenant_partition(const std::string& tenant_id) { return "tenant:" + tenant_id; }

store::Argv ReadModels::tenant_command(const char* command, const std::string& tenant_id, const char* index) const {
  return {command, store_.key(store_.partition_of(tenant_partition(tenant_id)), index)};
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

core::Status ReadModels::put_customer(const intake::v1::Customer& c) {
  auto r = run({"HSET", store_.key(store_.partition_of(c.id()), "customers"), c.id(), c.SerializeAsString()});
  if (!r) return r.error();
  return core::ok_status();
}

core::Result<std::optional<intake::v1::Customer>> ReadModels::customer(const std::string& id) {
  auto r = run({"HGET", store_.key(store_.partition_of(id), "customers"), id});
  if (!r) return r.error();
  return customer_of(*r);
}

core::Status ReadModels::put_agent(const std::string& tenant_id, const intake::v1::Agent& a) {
  auto cmd = tenant_command("HSET", tenant_id, "agents");
  cmd.push_back(a.id());
  cmd.push_back(a.SerializeAsString());
  auto r = run(cmd);
  if (!r) return r.error();
  return core::ok_status();
}

core::Result<std::vector<AgentInfo>> ReadModels::agents(const std::string& tenant_id, const std::string& org_unit_id) {
  auto r = run(tenant_command("HVALS", tenant_id, "agents"));
  if (!r) return r.error();
  return agents_of(*r, org_unit_id);
}

core::Result<std::map<std::string, int>> ReadModels::load(const std::string& tenant_id) {
  auto r = run(tenant_command("HGETALL", tenant_id, "load"));
  if (!r) return r.error();
  return load_of(*r);
}

core::Status ReadModels::add_load(const std::string& tenant_id, const std::string& agent_id, int delta) {
  // Advisory: workload only steers assignment, so it is counted outside the atomic append.
  auto cmd = tenant_command("HINCRBY", tenant_id, "load");
  cmd.push_back(agent_id);
  cmd.push_back(std::to_string(delta));
  auto r = run(cmd);
  if (!r) return r.error();
  return core::ok_status();
}

core::Result<std::optional<LoadedPolicy>> ReadModels::policy(const std::string& tenant_id, const std::string& policy_id) {
  auto raw = hget(tenant_partition(tenant_id), "policies", policy_id);
  if (!raw) return raw.error();
  return parsed(tenant_id, *raw);
}

core::Result<std::optional<LoadedPolicy>> ReadModels::policy_for(const std::string& tenant_id, const std::string& category) {
  // The category's policy id, then that policy, in one round trip (every trigger asks this first).
  static const store::Script kPolicyFor(R"lua(
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id then return false end
return redis.call('HGET', KEYS[2], id)
)lua");
  const uint32_t tp = store_.partition_of(tenant_partition(tenant_id));
  auto conn = store_.pool().lease();
  auto r = conn->eval(kPolicyFor, {store_.key(tp, "policy-for-category"), store_.key(tp, "policies")}, {category});
  if (!r) return r.error();
  if (r->type == store::Reply::Type::error)
    return core::make_error(store::make_error_code(store::errc::bad_reply), "policy for " + category + ": " + r->str);
  return parsed(tenant_id, r->type == store::Reply::Type::string ? r->str : std::string());
}

core::Result<std::optional<LoadedPolicy>> ReadModels::parsed(const std::string& tenant_id, const std::string& raw) {
  if (raw.empty()) return std::optional<LoadedPolicy>();
  v1::PolicyPublished published;
  if (!published.ParseFromString(raw))
    return core::make_error(store::make_error_code(store::errc::bad_reply), "unreadable published policy of " + tenant_id);
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
  auto r = run(tenant_command("HVALS", tenant_id, "calendars"));
  if (!r) return r.error();
  return calendar_of(*r);
}

core::Result<PlanningInputs> ReadModels::planning_inputs(const std::string& tenant_id, const std::string& customer_id,
                                                         const std::string& org_unit_id) {
  const uint32_t cp = store_.partition_of(customer_id);
  auto conn = store_.pool().lease();
  auto r = conn->pipeline({{"HGET", store_.key(cp, "customers"), customer_id},
                           tenant_command("HVALS", tenant_id, "calendars"),
                           {"ZRANGE", store_.key(cp, ledger_key(customer_id)), "0", "-1", "WITHSCORES"},
                           tenant_command("HVALS", tenant_id, "agents"),
                           tenant_command("HGETALL", tenant_id, "load")});
  if (!r) return r.error();
  const auto& replies = *r;
  for (const auto& reply : replies)
    if (reply.type == store::Reply::Type::error)
      return core::make_error(store::make_error_code(store::errc::bad_reply), "planning inputs of " + customer_id + ": " + reply.str);
  return PlanningInputs{customer_of(replies[0]), calendar_of(replies[1]), ledger_of(replies[2]),
                        agents_of(replies[3], org_unit_id), load_of(replies[4])};
}

CustomerProfile ReadModels::profile_of(const intake::v1::Customer& c) {
  CustomerProfile p{c.id(), c.org_unit_id(), c.tier(), c.key_household(), c.do_not_contact(), {}, c.time_zone()};
  for (const auto& [k, v] : c.consents()) p.consents[k] = v;
  return p;
}

}  // namespace huifang::scheduling
