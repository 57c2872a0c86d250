#include "intake_app.h"

#include <algorithm>

#include "../domain/validation.h"
#include "huifang/core/log.h"
#include "huifang/core/tenant.h"
#include "huifang/privacy/personal.h"

namespace huifang::intake {
namespace {

// A tenant's indexes (core/tenant.h: ids are unique within a tenant only). Org units and agents
// live in the tenant's partition, customers in each customer's.
std::string org_units_of(const std::string& tenant_id) { return "org-units:" + tenant_id; }
std::string agents_of(const std::string& tenant_id) { return "agents:" + tenant_id; }
std::string customers_of(const std::string& tenant_id) { return "customers:" + tenant_id; }
store::StreamId customer_stream(const std::string& tenant_id, const std::string& customer_id) {
  return {"customer", core::of_tenant(tenant_id, customer_id)};
}

core::Error not_found(const std::string& what) {
  return core::make_error(core::make_error_code(core::errc::not_found), what);
}

// The customer as the index holds it (`raw` empty: no entry), when it belongs to `tenant_id`
// (empty: any tenant); not found names `field`.
core::Result<v1::Customer> indexed_customer(const std::string& raw, const std::string& tenant_id,
                                            const std::string& customer_id, const std::string& field) {
  v1::Customer c;
  if (!raw.empty() && !c.ParseFromString(raw)) return store::bad_reply("customer " + customer_id + ": unreadable index entry");
  if (raw.empty() || (!tenant_id.empty() && c.tenant_id() != tenant_id))
    return core::make_error(core::make_error_code(core::errc::not_found), "customer " + customer_id + " does not exist", field);
  return c;
}

core::Error org_unit_missing(const std::string& tenant_id, const std::string& org_unit_id, const std::string& field) {
  return core::make_error(core::make_error_code(core::errc::not_found),
                          "org unit '" + org_unit_id + "' does not exist in tenant '" + tenant_id + "'", field);
}

// The customer as the stream will fold `d` onto `before`, and the index entry that goes with it.
v1::Customer indexed_after(const CustomerState& before, runtime::Change& d, const std::string& tenant_id) {
  CustomerState next = before;
  for (const auto& e : d.events) evolve(next, e);
  d.read_model.push_back({"HSET", customers_of(tenant_id), {next.customer.id(), next.customer.SerializeAsString()}});
  return next.customer;
}

events::Envelope intake(v1::IntakeEvent body) {
  events::Envelope e;
  *e.mutable_intake() = std::move(body);
  return e;
}

}  // namespace

std::string tenant_partition(const std::string& tenant_id) { return "tenant:" + tenant_id; }

IntakeApp::IntakeApp(store::EventStore& store, const events::EnvelopeFactory& factory, core::IdGenerator& ids,
                     privacy::Keyring& keyring)
    : store_(store),
      factory_(factory),
      ids_(ids),
      keyring_(keyring),
      customers_(store, factory, [](CustomerState& s, const events::Envelope& e) { evolve(s, e); }),
      service_events_(store, factory, [](ServiceEventState& s, const events::Envelope& e) { evolve(s, e); }),
      org_units_(store, factory, [](bool& exists, const events::Envelope&) { exists = true; }) {}

core::Result<std::string> IntakeApp::index_get(const std::string& partition_key, const std::string& index,
                                               const std::string& field) {
  auto conn = store_.pool().lease();
  auto r = conn->command({"HGET", store_.key(store_.partition_of(partition_key), index), field});
  if (!r) return r.error();
  return r->type == store::Reply::Type::string ? r->str : std::string();
}

core::Result<std::vector<std::string>> IntakeApp::index_values(uint32_t partition, const std::string& index) {
  auto conn = store_.pool().lease();
  auto r = conn->command({"HVALS", store_.key(partition, index)});
  if (!r) return r.error();
  std::vector<std::string> out;
  for (auto& e : r->elements) out.push_back(std::move(e.str));
  return out;
}

core::Status IntakeApp::require_org_unit(const std::string& tenant_id, const std::string& org_unit_id,
                                         const std::string& field) {
  auto found = index_get(tenant_partition(tenant_id), org_units_of(tenant_id), org_unit_id);
  if (!found) return found.error();
  if (found->empty()) return org_unit_missing(tenant_id, org_unit_id, field);
  return core::ok_status();
}

core::Result<v1::OrgUnit> IntakeApp::define_org_unit(const std::string& tenant_id, const v1::OrgUnit& unit) {
  if (tenant_id.empty()) return core::invalid_argument("tenant_id", "is required");
  if (auto st = validate_org_unit(unit); !st) return st.error();
  if (!unit.parent_id().empty())
    if (auto st = require_org_unit(tenant_id, unit.parent_id(), "org_unit.parent_id"); !st) return st.error();
  const std::string pk = tenant_partition(tenant_id);
  auto r = org_units_.execute(pk, {"org_unit", core::of_tenant(tenant_id, unit.id())}, [&](const runtime::Aggregate<bool>&) -> core::Result<runtime::Change> {
    runtime::Change d(events::Decision{{tenant_id, unit.id(), pk, "", "", {}}, {}});
    v1::IntakeEvent body;
    *body.mutable_org_unit_defined()->mutable_org_unit() = unit;
    d.events.push_back(intake(std::move(body)));
    d.read_model.push_back({"HSET", org_units_of(tenant_id), {unit.id(), unit.SerializeAsString()}});
    return d;
  });
  if (!r) return r.error();
  return unit;
}

core::Result<std::vector<v1::OrgUnit>> IntakeApp::list_org_units(const std::string& tenant_id, const std::string& under) {
  auto values = index_values(store_.partition_of(tenant_partition(tenant_id)), org_units_of(tenant_id));
  if (!values) return values.error();
  std::map<std::string, v1::OrgUnit> all;
  for (const auto& v : *values) {
    v1::OrgUnit u;
    if (u.ParseFromString(v)) all[u.id()] = u;
  }
  std::vector<v1::OrgUnit> out;
  for (const auto& [id, u] : all) {
    if (!under.empty()) {  // keep units whose ancestry reaches `under`
      std::string cur = id;
      int hops = 0;
      while (!cur.empty() && cur != under && hops++ < 64) cur = all.contains(cur) ? all[cur].parent_id() : "";
      if (cur != under) continue;
    }
    out.push_back(u);
  }
  return out;
}

core::Result<edge::OrgTree> IntakeApp::org_tree(const std::string& tenant_id) {
  auto values = index_values(store_.partition_of(tenant_partition(tenant_id)), org_units_of(tenant_id));
  if (!values) return values.error();
  edge::OrgTree tree;
  for (const auto& v : *values) {
    v1::OrgUnit u;
    if (u.ParseFromString(v)) tree[u.id()] = u.parent_id();
  }
  return tree;
}

core::Result<v1::Agent> IntakeApp::register_agent(const std::string& tenant_id, const v1::Agent& agent, bool update) {
  if (tenant_id.empty()) return core::invalid_argument("tenant_id", "is required");
  if (auto st = validate_agent(agent); !st) return st.error();
  if (auto st = require_org_unit(tenant_id, agent.org_unit_id(), "agent.org_unit_id"); !st) return st.error();
  const std::string pk = tenant_partition(tenant_id);
  auto r = org_units_.execute(pk, {"agent", core::of_tenant(tenant_id, agent.id())}, [&](const runtime::Aggregate<bool>& a) -> core::Result<runtime::Change> {
    if (!update && a.state)
      return core::make_error(core::make_error_code(core::errc::already_exists), "agent " + agent.id() + " already exists");
    if (update && !a.state) return not_found("agent " + agent.id() + " does not exist");
    runtime::Change d(events::Decision{{tenant_id, agent.org_unit_id(), pk, "", "", {}}, {}});
    v1::IntakeEvent body;
    if (update) *body.mutable_agent_updated()->mutable_agent() = agent;
    else *body.mutable_agent_registered()->mutable_agent() = agent;
    d.events.push_back(intake(std::move(body)));
    d.read_model.push_back({"HSET", agents_of(tenant_id), {agent.id(), agent.SerializeAsString()}});
    return d;
  });
  if (!r) return r.error();
  return agent;
}

core::Result<std::vector<v1::Agent>> IntakeApp::list_agents(const std::string& tenant_id, const std::string& org_unit_id) {
  auto values = index_values(store_.partition_of(tenant_partition(tenant_id)), agents_of(tenant_id));
  if (!values) return values.error();
  std::vector<v1::Agent> out;
  for (const auto& v : *values) {
    v1::Agent a;
    if (a.ParseFromString(v) && (org_unit_id.empty() || a.org_unit_id() == org_unit_id)) out.push_back(a);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id() < b.id(); });
  return out;
}

core::Result<v1::Customer> IntakeApp::create_customer(const v1::Customer& c) { return write_customer(c, false); }

core::Result<v1::Customer> IntakeApp::update_customer(const v1::Customer& c) { return write_customer(c, true); }

core::Result<v1::Customer> IntakeApp::write_customer(const v1::Customer& c, bool update) {
  if (auto st = validate_customer(c); !st) return st.error();
  if (auto st = require_org_unit(c.tenant_id(), c.org_unit_id(), "customer.org_unit_id"); !st) return st.error();
  auto key = keyring_.key_for({c.tenant_id(), c.id()});
  if (!key) return key.error();
  v1::Customer sealed = c;
  privacy::seal_personal(sealed, *key);
  auto r = customers_.execute(c.id(), customer_stream(c.tenant_id(), c.id()), [&](const runtime::Aggregate<CustomerState>& a) -> core::Result<runtime::Change> {
    CustomerState opened = a.state;
    if (auto st = privacy::open_personal(opened.customer, *key); !st) return st.error();
    auto d = update ? decide_update(opened, c) : decide_create(opened, c);
    if (!d) return d.error();
    runtime::Change change(std::move(*d));
    for (auto& e : change.events) {  // what the decision records about c is c: written sealed
      auto& b = *e.mutable_intake();
      if (b.has_customer_registered()) *b.mutable_customer_registered()->mutable_customer() = sealed;
      if (b.has_customer_updated()) *b.mutable_customer_updated()->mutable_customer() = sealed;
    }
    change.read_model.push_back({"HSET", customers_of(c.tenant_id()), {c.id(), sealed.SerializeAsString()}});
    return change;
  });
  if (!r) return r.error();
  return c;
}

core::Status IntakeApp::open_all(std::span<v1::Customer> cs) {
  std::vector<privacy::Owner> owners;
  std::vector<v1::Customer*> sealed;
  for (auto& c : cs) {
    if (c.sealed_personal().empty()) continue;
    owners.push_back({c.tenant_id(), c.id()});
    sealed.push_back(&c);
  }
  auto keys = keyring_.find(owners);
  if (!keys) return keys.error();
  for (size_t i = 0; i < sealed.size(); ++i) {
    const privacy::FoundKey& k = (*keys)[i];
    if (k.state == privacy::FoundKey::State::live) {
      if (auto st = privacy::open_personal(*sealed[i], k.key); !st) return st;
    } else if (k.state == privacy::FoundKey::State::destroyed) {
      privacy::drop_personal(*sealed[i]);  // erased while this read was under way
    } else {
      return store::bad_reply("customer " + sealed[i]->id() + ": the key of their personal fields is not in the keyring");
    }
  }
  return core::ok_status();
}

core::Result<v1::Customer> IntakeApp::find_customer(const std::string& tenant_id, const std::string& customer_id) {
  if (customer_id.empty()) return core::invalid_argument("customer_id", "is required");
  // The index holds the customer as of its last event (written in the same append): one round trip.
  auto raw = index_get(customer_id, customers_of(tenant_id), customer_id);
  if (!raw) return raw.error();
  return indexed_customer(*raw, tenant_id, customer_id, "");
}

core::Result<v1::Customer> IntakeApp::get_customer(const std::string& tenant_id, const std::string& customer_id) {
  auto c = find_customer(tenant_id, customer_id);
  if (!c) return c.error();
  if (auto st = open_all({&*c, 1}); !st) return st.error();
  return c;
}

core::Result<std::vector<v1::Customer>> IntakeApp::list_customers(const v1::ListCustomersRequest& r) {
  std::vector<v1::Customer> out;
  for (uint32_t p = 0; p < store_.partitions(); ++p) {
    auto values = index_values(p, customers_of(r.tenant_id()));
    if (!values) return values.error();
    for (const auto& v : *values) {
      v1::Customer c;
      if (!c.ParseFromString(v)) {
        core::log::warn("unreadable customer record skipped", {{"bytes", std::to_string(v.size())}});
        continue;
      }
      if (!r.tenant_id().empty() && c.tenant_id() != r.tenant_id()) continue;
      if (!r.org_unit_id().empty() && c.org_unit_id() != r.org_unit_id()) continue;
      if (!r.tier().empty() && c.tier() != r.tier()) continue;
      if (r.key_household_only() && !c.key_household()) continue;
      out.push_back(std::move(c));
    }
  }
  if (auto st = open_all(out); !st) return st.error();
  if (!r.text().empty())  // names are sealed until opened: matched last
    std::erase_if(out, [&](const v1::Customer& c) {
      return c.id().find(r.text()) == std::string::npos && c.display_name().find(r.text()) == std::string::npos;
    });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id() < b.id(); });
  return out;
}

core::Result<v1::Customer> IntakeApp::set_consent(const v1::SetConsentRequest& r) {
  if (r.customer_id().empty()) return core::invalid_argument("customer_id", "is required");
  v1::ConsentChanged change;
  change.set_customer_id(r.customer_id());
  change.set_do_not_contact(r.do_not_contact());
  *change.mutable_consents() = r.consents();
  change.set_reason(r.reason());
  if (r.has_sensitive_data_consent()) change.set_sensitive_data_consent(r.sensitive_data_consent());
  v1::Customer updated;
  auto res = customers_.execute(r.customer_id(), customer_stream(r.tenant_id(), r.customer_id()), [&](const runtime::Aggregate<CustomerState>& a) {
    core::Result<runtime::Change> d = decide_consent(a.state, r.tenant_id(), change);
    if (d) updated = indexed_after(a.state, *d, r.tenant_id());
    return d;
  });
  if (!res) return res.error();
  if (auto st = open_all({&updated, 1}); !st) return st.error();
  return updated;
}

core::Result<v1::Customer> IntakeApp::erase_customer(const v1::EraseCustomerRequest& r, const std::string& erased_by) {
  v1::CustomerErased erase;
  erase.set_customer_id(r.customer_id());
  erase.set_reason(r.reason());
  erase.set_erased_by(erased_by);
  // The key goes first: once it is gone nothing of theirs opens, whatever happens next, and a
  // retry after a failure in between records the erasure. Only a customer of the caller's tenant
  // and a request the rules accept get that far.
  auto indexed = find_customer(r.tenant_id(), r.customer_id());
  if (!indexed) return indexed.error();
  if (auto allowed = decide_erase(CustomerState{true, *indexed}, r.tenant_id(), erase); !allowed) return allowed.error();
  if (auto st = keyring_.destroy({r.tenant_id(), r.customer_id()}); !st) return st.error();
  v1::Customer left;
  auto res = customers_.execute(r.customer_id(), customer_stream(r.tenant_id(), r.customer_id()), [&](const runtime::Aggregate<CustomerState>& a) {
    core::Result<runtime::Change> d = decide_erase(a.state, r.tenant_id(), erase);
    if (d) left = indexed_after(a.state, *d, r.tenant_id());
    return d;
  });
  if (!res) return res.error();
  return left;
}

core::Result<v1::ServiceEventRecorded> IntakeApp::recorded_for(const v1::RecordServiceEventRequest& r,
                                                               const store::Reply& customer, const store::Reply* org_unit) {
  if (auto st = validate_service_event(r); !st) return st.error();
  if (customer.is_error()) return store::bad_reply("customer index: " + customer.str);
  auto c = indexed_customer(customer.type == store::Reply::Type::string ? customer.str : std::string(), r.tenant_id(),
                            r.customer_id(), "customer_id");
  if (!c) return c.error();
  if (c->erased()) return privacy::erased_customer(r.customer_id());
  v1::RecordServiceEventRequest req = r;
  if (req.org_unit_id().empty()) req.set_org_unit_id(c->org_unit_id());
  else if (!org_unit || org_unit->type != store::Reply::Type::string) return org_unit_missing(r.tenant_id(), r.org_unit_id(), "org_unit_id");
  std::string id = service_event_id_for_key(r.tenant_id(), r.idempotency_key());
  if (id.empty()) id = ids_.next();
  return to_recorded(req, id);
}

core::Result<std::vector<store::Reply>> IntakeApp::lookups(std::span<const v1::RecordServiceEventRequest> rs) {
  // Per request: its customer, then its org unit when it names one.
  std::vector<store::Argv> cmds;
  for (const auto& r : rs) {
    cmds.push_back({"HGET", store_.key(store_.partition_of(r.customer_id()), customers_of(r.tenant_id())), r.customer_id()});
    if (!r.org_unit_id().empty())
      cmds.push_back({"HGET", store_.key(store_.partition_of(tenant_partition(r.tenant_id())), org_units_of(r.tenant_id())),
                      r.org_unit_id()});
  }
  return store_.pool().lease()->pipeline(cmds);
}

core::Result<v1::RecordServiceEventResponse> IntakeApp::record_service_event(const v1::RecordServiceEventRequest& r) {
  auto found = lookups({&r, 1});
  if (!found) return found.error();
  auto candidate = recorded_for(r, (*found)[0], found->size() > 1 ? &(*found)[1] : nullptr);
  if (!candidate) return candidate.error();
  const std::string id = candidate->service_event_id();
  bool replayed = false;
  auto res = service_events_.execute_expecting_new(r.customer_id(), {"service_event", id},
                                                  [&](const runtime::Aggregate<ServiceEventState>& a) -> core::Result<runtime::Change> {
    auto out = decide_record(a.state, *candidate, r.tenant_id());
    if (!out) return out.error();
    replayed = out->replayed;
    return runtime::Change(std::move(out->decision));
  });
  if (!res) return res.error();
  v1::RecordServiceEventResponse resp;
  resp.set_service_event_id(id);
  resp.set_replayed(replayed);
  return resp;
}

bus::BatchOutcome IntakeApp::record_service_events(std::span<const v1::RecordServiceEventRequest> rs) {
  auto found = lookups(rs);
  if (!found) return {0, found.error()};
  // Decided as new streams (a redelivered key is the exception) and appended in one round trip,
  // up to the first request that can never be recorded: it goes back to the consumer loop alone.
  std::vector<store::AppendRequest> appends;
  std::optional<core::Error> refused;
  size_t reply = 0;
  for (const auto& r : rs) {
    const store::Reply& customer = (*found)[reply++];
    const store::Reply* org_unit = r.org_unit_id().empty() ? nullptr : &(*found)[reply++];
    auto candidate = recorded_for(r, customer, org_unit);
    if (!candidate) {
      refused = candidate.error();
      break;
    }
    auto decided = decide_record(ServiceEventState{}, *candidate, r.tenant_id());
    if (!decided) {
      refused = decided.error();
      break;
    }
    const store::StreamId stream{"service_event", candidate->service_event_id()};
    events::Envelope& e = decided->decision.events.at(0);
    factory_.stamp(e, decided->decision.context, stream, 1);
    appends.push_back({r.customer_id(), {{stream, store::ExpectedVersion::no_stream(), {events::stored_form(e)}}}, std::nullopt, {}});
  }
  auto appended = store_.append_batch(appends);
  for (size_t i = 0; i < appended.size(); ++i) {
    if (appended[i]) continue;
    // The key was recorded before: replayed, or refused when its content differs.
    auto again = appended[i].error().code == store::errc::version_conflict ? record_service_event(rs[i])
                                                                             : core::Result<v1::RecordServiceEventResponse>(appended[i].error());
    if (!again) return {i, again.error()};
  }
  return {appends.size(), refused};
}

}  // namespace huifang::intake
