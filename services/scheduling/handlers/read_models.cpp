#include "read_models.h"

namespace huifang::scheduling {

std::string tenant_partition(const std::string& tenant_id) { return "tenant:" + tenant_id; }

core::Result<std::string> ReadModels::hget(const std::string& pk, const std::string& index, const std::string& field) {
  auto conn = store_.pool().lease();
  auto r = conn->command({"HGET", store_.key(store_.partition_of(pk), index), field});
  if (!r) return r.error();
  return r->type == store::Reply::Type::string ? r->str : std::string();
}

core::Status ReadModels::put_customer(const intake::v1::Customer& c) {
  auto conn = store_.pool().lease();
  auto r = conn->command({"HSET", store_.key(store_.partition_of(c.id()), "customers"), c.id(), c.SerializeAsString()});
  if (!r) return r.error();
  return core::ok_status();
}

core::Result<std::optional<intake::v1::Customer>> ReadModels::customer(const std::string& id) {
  auto raw = hget(id, "customers", id);
  if (!raw) return raw.error();
  if (raw->empty()) return std::optional<intake::v1::Customer>();
  intake::v1::Customer c;
  c.ParseFromString(*raw);
  return std::optional<intake::v1::Customer>(c);
}

core::Status ReadModels::put_agent(const std::string& tenant_id, const intake::v1::Agent& a) {
  auto conn = store_.pool().lease();
  auto r = conn->command({"HSET", store_.key(store_.partition_of(tenant_partition(tenant_id)), "agents"), a.id(),
                          a.SerializeAsString()});
  if (!r) return r.error();
  return core::ok_status();
}

core::Result<std::vector<AgentInfo>> ReadModels::agents(const std::string& tenant_id, const std::string& org_unit_id) {
  auto conn = store_.pool().lease();
  auto r = conn->command({"HVALS", store_.key(store_.partition_of(tenant_partition(tenant_id)), "agents")});
  if (!r) return r.error();
  std::vector<AgentInfo> out;
  for (const auto& v : r->elements) {
    intake::v1::Agent a;
    if (!a.ParseFromString(v.str) || a.org_unit_id() != org_unit_id) continue;
    const bool manager = a.role() == common::v1::ROLE_MANAGER || a.role() == common::v1::ROLE_SUPERVISOR;
    out.push_back({a.id(), a.org_unit_id(), manager, a.daily_capacity(), a.active(),
                   std::vector<std::string>(a.skills().begin(), a.skills().end())});
  }
  return out;
}

core::Result<std::map<std::string, int>> ReadModels::load(const std::string& tenant_id) {
  auto conn = store_.pool().lease();
  auto r = conn->command({"HGETALL", store_.key(store_.partition_of(tenant_partition(tenant_id)), "load")});
  if (!r) return r.error();
  std::map<std::string, int> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) out[r->elements[i].str] = std::stoi(r->elements[i + 1].str);
  return out;
}

core::Status ReadModels::add_load(const std::string& tenant_id, const std::string& agent_id, int delta) {
  // Advisory: workload only steers assignment, so it is counted outside the atomic append.
  auto conn = store_.pool().lease();
  auto r = conn->command({"HINCRBY", store_.key(store_.partition_of(tenant_partition(tenant_id)), "load"), agent_id,
                          std::to_string(delta)});
  if (!r) return r.error();
  return core::ok_status();
}

core::Result<std::optional<LoadedPolicy>> ReadModels::policy(const std::string& tenant_id, const std::string& policy_id) {
  auto raw = hget(tenant_partition(tenant_id), "policies", policy_id);
  if (!raw) return raw.error();
  if (raw->empty()) return std::optional<LoadedPolicy>();
  v1::PolicyPublished published;
  published.ParseFromString(*raw);
  const std::string cache_key = tenant_id + "/" + policy_id + "@" + std::to_string(published.version());
  std::lock_guard lock(mu_);
  if (auto it = cache_.find(cache_key); it != cache_.end()) return std::optional<LoadedPolicy>(it->second);
  auto parsed = parse_policy(published.yaml());
  if (!parsed) return parsed.error();
  LoadedPolicy lp{std::make_shared<const Policy>(std::move(*parsed)), published.version()};
  cache_[cache_key] = lp;
  return std::optional<LoadedPolicy>(lp);
}

core::Result<std::optional<LoadedPolicy>> ReadModels::policy_for(const std::string& tenant_id, const std::string& category) {
  auto id = hget(tenant_partition(tenant_id), "policy-for-category", category);
  if (!id) return id.error();
  if (id->empty()) return std::optional<LoadedPolicy>();
  return policy(tenant_id, *id);
}

core::Result<HolidayCalendar> ReadModels::calendar(const std::string& tenant_id) {
  auto conn = store_.pool().lease();
  auto r = conn->command({"HVALS", store_.key(store_.partition_of(tenant_partition(tenant_id)), "calendars")});
  if (!r) return r.error();
  HolidayCalendar cal;
  for (const auto& v : r->elements) {
    v1::CalendarPublished c;
    if (!c.ParseFromString(v.str)) continue;
    cal.holidays.insert(c.holidays().begin(), c.holidays().end());
    cal.working_days.insert(c.working_days().begin(), c.working_days().end());
  }
  return cal;
}

CustomerProfile ReadModels::profile_of(const intake::v1::Customer& c) {
  CustomerProfile p{c.id(), c.org_unit_id(), c.tier(), c.key_household(), c.do_not_contact(), {}, c.time_zone()};
  for (const auto& [k, v] : c.consents()) p.consents[k] = v;
  return p;
}

}  // namespace huifang::scheduling
