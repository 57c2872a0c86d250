#include "visit_app.h"

#include "huifang/privacy/personal.h"
#include "huifang/store/errc.h"
#include "keys.h"
#include "sealed_answers.h"
#include "visit_queries.h"
#include "visit_indexes.h"

namespace huifang::visit {
namespace {

store::StreamId stream_of(const std::string& visit_id) { return {"visit", visit_id}; }

core::Error not_found(const std::string& visit_id) {
  return core::make_error(core::make_error_code(core::errc::not_found), "visit " + visit_id + " not found");
}

// What a consent change or an erasure (do not contact, ever) asks of the customer's visits.
intake::v1::ConsentChanged consent_of(const intake::v1::IntakeEvent& b) {
  if (b.has_consent_changed()) return b.consent_changed();
  intake::v1::ConsentChanged erased;
  erased.set_customer_id(b.customer_erased().customer_id());
  erased.set_do_not_contact(true);
  erased.set_reason("personal data erased on request");
  return erased;
}

// What the visit keeps of a plan scheduling published: the body, its tenant and when it was
// decided. The rest of the envelope (ids, correlation, its stream in scheduling) is
// scheduling's record, not the visit's, and would cost a few hundred bytes per visit.
std::string kept(const events::Envelope& received) {
  events::Envelope e;
  e.set_tenant_id(received.tenant_id());
  *e.mutable_recorded_at() = received.recorded_at();
  *e.mutable_scheduling() = received.scheduling();
  return e.SerializeAsString();
}

}  // namespace

VisitApp::VisitApp(store::EventStore& store, const events::EnvelopeFactory& factory, core::IdGenerator& ids,
                   const core::Clock& clock, privacy::Keyring& keyring)
    : store_(store),
      factory_(factory),
      ids_(ids),
      clock_(clock),
      keyring_(keyring),
      org_trees_(store),
      visits_(store, factory, [](VisitState& s, const events::Envelope& e) { evolve(s, e); }) {}

store::Argv VisitApp::customer_flag(const std::string& index, const std::string& customer_id, bool set,
                                    const std::string& value) const {
  const std::string k = store_.key(store_.partition_of(customer_id), index);
  if (set) return {"HSET", k, customer_id, value};
  return {"HDEL", k, customer_id};
}

std::vector<store::Argv> VisitApp::upserts(const events::Envelope& e) const {
  const auto key = [&](const std::string& partition_key, const std::string& index) {
    return store_.key(store_.partition_of(partition_key), index);
  };
  if (e.has_scheduling() && e.scheduling().has_calendar_published()) {
    const auto& c = e.scheduling().calendar_published();
    return {{"HSET", key(keys::tenant_partition(e.tenant_id()), keys::calendars(e.tenant_id())), std::to_string(c.year()),
             c.SerializeAsString()}};
  }
  if (e.has_intake()) {
    const auto& b = e.intake();
    if (b.has_org_unit_defined()) {
      const auto& u = b.org_unit_defined().org_unit();
      return {org_trees_.put(e.tenant_id(), u)};
    }
    const intake::v1::Customer* c = b.has_customer_registered() ? &b.customer_registered().customer()
                                    : b.has_customer_updated()  ? &b.customer_updated().customer()
                                                                : nullptr;
    if (c) {
      intake::v1::Customer contacts;  // only what an agent needs to make the call, sealed as it came
      *contacts.mutable_contacts() = c->contacts();
      contacts.set_display_name(c->display_name());
      contacts.set_sealed_personal(c->sealed_personal());
      contacts.set_id(c->id());                // with the tenant: what the seal is bound to
      contacts.set_tenant_id(c->tenant_id());  // whose customer this id is, checked when shown
      return {{"HSET", key(c->id(), keys::contacts(e.tenant_id())), c->id(), contacts.SerializeAsString()},
              customer_flag(keys::withheld(e.tenant_id()), c->id(), c->do_not_contact(), "customer asked not to be contacted"),
              customer_flag(keys::sensitive_consent(e.tenant_id()), c->id(), c->sensitive_data_consent(), "1")};
    }
    if (b.has_consent_changed()) {
      const auto& c = b.consent_changed();
      std::vector<store::Argv> out{
          customer_flag(keys::withheld(e.tenant_id()), c.customer_id(), c.do_not_contact(),
                        "customer asked not to be contacted: " + c.reason())};
      if (c.has_sensitive_data_consent())
        out.push_back(customer_flag(keys::sensitive_consent(e.tenant_id()), c.customer_id(), c.sensitive_data_consent(), "1"));
      return out;
    }
    if (b.has_customer_erased()) {
      const std::string& id = b.customer_erased().customer_id();
      return {{"HDEL", key(id, keys::contacts(e.tenant_id())), id},
              customer_flag(keys::erased(e.tenant_id()), id, true, "personal data erased on request"),
              customer_flag(keys::sensitive_consent(e.tenant_id()), id, false, "")};
    }
  }
  return {};
}

store::AppendRequest VisitApp::open(const events::Envelope& planned) const {
  VisitState before, after;
  evolve(after, planned);
  const std::string& id = after.plan.decision().visit_id();
  store::AppendRequest req{after.plan.decision().customer_id(), {}, std::nullopt, {}};
  // The plan starts the stream; the expected version makes a redelivered plan a conflict that
  // changes nothing.
  req.streams.push_back({stream_of(id), store::ExpectedVersion::no_stream(), {kept(planned)}, false});
  auto follow = on_planned(after, clock_.now());
  if (!follow.empty()) {
    store::StreamAppend published{stream_of(id), store::ExpectedVersion::any(), {}, true};
    for (auto& e : follow) {
      factory_.stamp(e, context_of(after), stream_of(id), 2 + published.events.size());
      evolve(after, e);
      published.events.push_back(events::stored_form(e));
    }
    req.streams.push_back(std::move(published));
  }
  req.index_ops = index_ops(before, after);
  return req;
}

core::Status VisitApp::flush(std::vector<store::Argv>& upserts, std::vector<store::AppendRequest>& opens) {
  if (!upserts.empty()) {
    if (auto st = store_.pool().lease()->write_all(upserts, "visit upsert"); !st) return st;
    upserts.clear();
  }
  if (!opens.empty()) {
    for (auto& r : store_.append_batch(opens))
      if (!r && r.error().code != store::errc::version_conflict) return r.error();
    opens.clear();
  }
  return core::ok_status();
}

bool VisitApp::handles(std::string_view type) {
  return type == "scheduling.VisitPlanned" || type == "scheduling.VisitAssigned" ||
         type == "scheduling.CalendarPublished" || type == "intake.CustomerRegistered" ||
         type == "intake.CustomerUpdated" || type == "intake.ConsentChanged" || type == "intake.CustomerErased" ||
         type == "intake.OrgUnitDefined";
}

bus::BatchOutcome VisitApp::apply_batch(std::span<const runtime::Incoming> batch) {
  std::vector<store::Argv> pending_upserts;
  std::vector<store::AppendRequest> opens;
  size_t unwritten = 0;  // the first event whose writes are still pending
  for (size_t i = 0; i < batch.size(); ++i) {
    const events::Envelope& e = batch[i].envelope;
    if (e.has_scheduling() && e.scheduling().has_visit_planned()) {
      opens.push_back(open(e));
    } else if (e.has_intake() && (e.intake().has_consent_changed() || e.intake().has_customer_erased())) {
      // Rare, and it reads the customer's visits: write what came before, then act in order.
      for (auto& c : upserts(e)) pending_upserts.push_back(std::move(c));
      if (auto st = flush(pending_upserts, opens); !st) return {unwritten, st.error()};
      if (auto st = consent_changed(e.tenant_id(), consent_of(e.intake())); !st) return {i, st.error()};
      unwritten = i + 1;
    } else if (e.has_scheduling() && e.scheduling().has_visit_assigned()) {
      // Rare (a visit planned before its org unit had an agent): read, then write, in order.
      if (auto st = flush(pending_upserts, opens); !st) return {unwritten, st.error()};
      if (auto st = assign(e); !st) return {i, st.error()};
      unwritten = i + 1;
    } else {
      for (auto& c : upserts(e)) pending_upserts.push_back(std::move(c));
    }
  }
  if (auto st = flush(pending_upserts, opens); !st) return {unwritten, st.error()};
  return {batch.size(), std::nullopt};
}

core::Status VisitApp::assign(const events::Envelope& assigned) {
  const auto& a = assigned.scheduling().visit_assigned();
  auto ex = run(assigned.customer_id(), a.visit_id(), [&](const VisitState& s) -> core::Result<runtime::Change> {
    // Kept, not published: scheduling already published the assignment.
    runtime::Change d(events::Decision{context_of(s), {}, /*publish=*/false});
    if (s.planned && !s.closed && s.agent_id != a.agent_id()) {
      events::Envelope copy;
      *copy.mutable_scheduling() = assigned.scheduling();
      d.events.push_back(std::move(copy));
    }
    return d;
  });
  return ex ? core::ok_status() : core::Status(ex.error());
}

core::Status VisitApp::consent_changed(const std::string& tenant_id, const intake::v1::ConsentChanged& c) {
  // The customer's visits of this tenant, with their state as the agenda shows it.
  auto visits = VisitQueries(store_, clock_).customer_plan(tenant_id, c.customer_id());
  if (!visits) return visits.error();
  for (const auto& item : *visits) {
    if (item.state() == "completed" || item.state() == "closed" || item.state() == "cancelled") continue;
    auto ex = run(c.customer_id(), item.visit_id(), [&](const VisitState& s) -> core::Result<runtime::Change> {
      if (s.tenant_id != tenant_id) return runtime::Change(events::Decision{});
      return runtime::Change(events::Decision{context_of(s), on_consent_changed(s, c)});
    });
    if (!ex) return ex.error();
  }
  return core::ok_status();
}

core::Result<runtime::Executed> VisitApp::act(const Scope& scope, const std::string& customer_id,
                                             const std::string& visit_id, const Decide& decide) {
  return run(customer_id, visit_id, [&](const VisitState& s) -> core::Result<runtime::Change> {
    // Another customer's visit (named with a customer of the same partition) is not this one: the
    // customer decides whose key seals what is recorded.
    if (s.planned && (!scope.may_act(s.tenant_id, s.plan.decision().org_unit_id()) ||
                      s.plan.decision().customer_id() != customer_id))
      return not_found(visit_id);
    return decide(s);
  });
}

core::Result<runtime::Executed> VisitApp::run(const std::string& customer_id, const std::string& visit_id,
                                             const Decide& decide) {
  if (customer_id.empty()) return core::invalid_argument("customer_id", "is required");
  if (visit_id.empty()) return core::invalid_argument("visit_id", "is required");
  return visits_.execute(customer_id, stream_of(visit_id),
                         [&](const runtime::Aggregate<VisitState>& a) -> core::Result<runtime::Change> {
                           auto d = decide(a.state);
                           if (!d || d->events.empty()) return d;
                           VisitState after = a.state;
                           for (const auto& e : d->events) evolve(after, e);
                           for (auto& op : index_ops(a.state, after)) d->read_model.push_back(std::move(op));
                           return d;
                         });
}

core::Result<calendar::HolidayCalendar> VisitApp::holidays(const std::string& tenant_id) {
  auto r = store_.pool().lease()->command(
      {"HVALS", store_.key(store_.partition_of(keys::tenant_partition(tenant_id)), keys::calendars(tenant_id))});
  if (!r) return r.error();
  calendar::HolidayCalendar cal;
  for (const auto& v : r->elements) {
    scheduling::v1::CalendarPublished c;
    if (!c.ParseFromString(v.str)) return store::bad_reply("calendar of " + tenant_id + " does not parse");
    cal.holidays.insert(c.holidays().begin(), c.holidays().end());
    cal.working_days.insert(c.working_days().begin(), c.working_days().end());
  }
  return cal;
}

core::Result<size_t> VisitApp::fire_timers(const std::vector<uint32_t>& partitions, size_t max_per_partition) {
  const int64_t now = core::to_millis(clock_.now());
  size_t fired = 0;
  for (uint32_t p : partitions) {
    auto n = fire_partition(p, now, max_per_partition);
    if (!n) return n.error();
    fired += *n;
  }
  return fired;
}

core::Result<size_t> VisitApp::fire_partition(uint32_t p, int64_t now, size_t max_per_partition) {
  auto due = store_.pool().lease()->command({"ZRANGEBYSCORE", store_.key(p, keys::kTimers), "-inf", std::to_string(now),
                                             "LIMIT", "0", std::to_string(max_per_partition)});
  if (!due) return due.error();
  size_t fired = 0;
  for (const auto& m : due->elements) {
    const std::string& member = m.str;
    const auto a = member.find('|'), b = member.find('|', a + 1);
    if (a == std::string::npos || b == std::string::npos) return store::bad_reply("timer member '" + member + "'");
    const std::string kind = member.substr(0, a), vid = member.substr(a + 1, b - a - 1), customer = member.substr(b + 1);
    auto ex = run(customer, vid, [&](const VisitState& s) -> core::Result<runtime::Change> {
      runtime::Change d(events::Decision{context_of(s), on_deadline(s, kind == "due" ? Deadline::due : Deadline::overdue)});
      d.read_model.push_back({"ZREM", keys::kTimers, {member}});
      return d;
    });
    if (!ex) return ex.error();
    ++fired;
  }
  return fired;
}

core::Result<size_t> VisitApp::forget_closed_before(core::Timestamp before, size_t max_per_partition) {
  size_t forgotten = 0;
  for (uint32_t p = 0; p < store_.partitions(); ++p) {
    auto conn = store_.pool().lease();
    auto old = conn->command({"ZRANGEBYSCORE", store_.key(p, keys::kClosed), "-inf", "(" + std::to_string(core::to_millis(before)),
                              "LIMIT", "0", std::to_string(max_per_partition)});
    if (!old) return old.error();
    if (old->elements.empty()) continue;
    store::Argv hm{"HMGET", store_.key(p, keys::kVisitInfo)};
    for (const auto& m : old->elements) hm.push_back(m.str);
    auto infos = conn->command(hm);
    if (!infos) return infos.error();
    std::vector<store::Argv> forget;
    for (size_t i = 0; i < old->elements.size(); ++i) {
      const std::string& id = old->elements[i].str;
      scheduling::v1::AgendaItem item;
      const auto& info = i < infos->elements.size() ? infos->elements[i] : store::Reply{};
      if (info.type == store::Reply::Type::string && item.ParseFromString(info.str))
        forget.push_back({"ZREM", store_.key(p, keys::customer_visits(item.tenant_id(), item.customer_id())), id});
      for (auto& command : store_.forget(p, stream_of(id))) forget.push_back(std::move(command));
      forget.push_back({"HDEL", store_.key(p, keys::kVisitInfo), id});
      forget.push_back({"ZREM", store_.key(p, keys::kClosed), id});
    }
    if (auto st = conn->write_all(forget, "retention"); !st) return st.error();
    forgotten += old->elements.size();
  }
  return forgotten;
}

core::Result<v1::StartVisitResponse> VisitApp::start(const Scope& scope, const v1::StartVisitRequest& r) {
  const std::string& tenant = scope.tenant;
  std::string category;
  std::vector<std::string> theme;
  auto ex = act(scope, r.customer_id(), r.visit_id(), [&](const VisitState& s) {
    category = s.plan.decision().category();
    theme.assign(s.plan.theme_questions().begin(), s.plan.theme_questions().end());
    return decide_start(s, r);
  });
  if (!ex) return ex.error();
  const Script script = script_for(category);
  v1::StartVisitResponse resp;
  for (const auto& sec : script.sections) *resp.add_script() = sec;
  for (const auto& d : script.survey) *resp.add_survey() = d;
  for (const auto& q : theme) resp.add_theme_questions(q);
  auto contacts = contacts_of(tenant, r.customer_id());
  if (!contacts) return contacts.error();
  for (const auto& ct : contacts->contacts()) {
    auto* out = resp.add_contacts();
    out->set_kind(ct.kind() == intake::v1::CONTACT_KIND_PHONE     ? "phone"
                  : ct.kind() == intake::v1::CONTACT_KIND_ADDRESS ? "address"
                                                                  : "other");
    out->set_value(ct.value());
    out->set_relation(ct.relation());
  }
  return resp;
}

core::Result<intake::v1::Customer> VisitApp::contacts_of(const std::string& tenant, const std::string& customer_id) {
  const uint32_t p = store_.partition_of(customer_id);
  auto c = store_.pool().lease()->pipeline({{"HGET", store_.key(p, keys::contacts(tenant)), customer_id},
                                            {"HEXISTS", store_.key(p, keys::withheld(tenant)), customer_id},
                                            {"HEXISTS", store_.key(p, keys::erased(tenant)), customer_id}});
  if (!c) return c.error();
  for (const auto& reply : *c)
    if (reply.is_error()) return store::bad_reply("visit contacts: " + reply.str);
  const store::Reply& record = (*c)[0];
  intake::v1::Customer contacts;
  // The contacts of this tenant's customer only: another tenant's customer of the same id is not
  // this one (its record is left unread rather than shown). None of a customer who asked not to
  // be contacted, from the moment they asked, nor of one erased.
  if (record.type != store::Reply::Type::string || (*c)[1].integer != 0 || (*c)[2].integer != 0 ||
      !contacts.ParseFromString(record.str) || contacts.tenant_id() != tenant)
    return intake::v1::Customer{};
  if (contacts.sealed_personal().empty()) return contacts;  // recorded before sealing existed
  auto key = keyring_.find(privacy::Owner{tenant, customer_id});
  if (!key) return key.error();
  if (key->state != privacy::FoundKey::State::live) return intake::v1::Customer{};  // erased
  if (auto st = privacy::open_personal(contacts, key->key); !st) return st.error();
  return contacts;
}

core::Result<runtime::Executed> VisitApp::act_sealed(const Scope& scope, const std::string& customer_id,
                                                    const std::string& visit_id, const Decide& decide) {
  if (customer_id.empty()) return core::invalid_argument("customer_id", "is required");
  auto key = keyring_.sealing_key({scope.tenant, customer_id});
  if (!key) return key.error();
  const std::string owner = privacy::owner_binding(scope.tenant, customer_id);
  return act(scope, customer_id, visit_id, [&](const VisitState& s) -> core::Result<runtime::Change> {
    auto d = decide(s);
    if (d && *key) seal_said(d->events, **key, owner);
    return d;
  });
}

core::Result<v1::RecordAttemptResponse> VisitApp::attempt(const Scope& scope, const v1::RecordAttemptRequest& r) {
  std::optional<calendar::HolidayCalendar> cal;  // read once, only when the visit is known
  auto ex = act(scope, r.customer_id(), r.visit_id(), [&](const VisitState& s) -> core::Result<runtime::Change> {
    if (!cal && s.planned) {
      auto c = holidays(s.tenant_id);
      if (!c) return c.error();
      cal = std::move(*c);
    }
    return decide_attempt(s, r, cal ? *cal : calendar::HolidayCalendar{}, clock_.now());
  });
  if (!ex) return ex.error();
  v1::RecordAttemptResponse resp;
  resp.set_attempt(ex->events.empty() ? 0 : ex->events[0].visit().visit_attempted().attempt());
  return resp;
}

core::Result<v1::SubmitSurveyResponse> VisitApp::survey(const Scope& scope, const v1::SubmitSurveyRequest& r) {
  bool consented = false;  // to sensitive data: read only when the survey carries a finding
  if (!r.sensitive_finding().empty() && !r.customer_id().empty()) {
    auto c = store_.pool().lease()->command(
        {"HEXISTS", store_.key(store_.partition_of(r.customer_id()), keys::sensitive_consent(scope.tenant)), r.customer_id()});
    if (!c) return c.error();
    if (c->is_error()) return store::bad_reply("sensitive consent: " + c->str);
    consented = c->integer != 0;
  }
  auto ex = act_sealed(scope, r.customer_id(), r.visit_id(), [&](const VisitState& s) -> core::Result<runtime::Change> {
    std::vector<std::string> dims;
    for (const auto& d : script_for(s.plan.decision().category()).survey) dims.push_back(d.key());
    return decide_survey(s, r, dims, clock_.now(), [this] { return ids_.next(); }, consented);
  });
  if (!ex) return ex.error();
  v1::SubmitSurveyResponse resp;
  for (const auto& e : ex->events)
    if (e.visit().has_visit_completed())
      for (const auto& p : e.visit().visit_completed().problems()) resp.add_problem_ids(p.problem_id());
  return resp;
}

core::Status VisitApp::complete(const Scope& scope, const v1::CompleteVisitRequest& r) {
  auto ex = act_sealed(scope, r.customer_id(), r.visit_id(),
                       [&](const VisitState& s) -> core::Result<runtime::Change> { return decide_complete(s, r, clock_.now()); });
  if (!ex) return ex.error();
  return core::ok_status();
}

core::Result<v1::GetVisitResponse> VisitApp::get(const Scope& scope, const v1::GetVisitRequest& r) {
  if (r.customer_id().empty()) return core::invalid_argument("customer_id", "is required");
  auto loaded = store_.load(r.customer_id(), stream_of(r.visit_id()), false);
  if (!loaded) return loaded.error();
  v1::GetVisitResponse resp;
  auto events = runtime::events_of(*loaded, stream_of(r.visit_id()));
  if (!events) return events.error();
  VisitState s;
  for (const auto& e : *events) {
    evolve(s, e);
    if (e.visit().has_visit_attempted()) *resp.add_attempts() = e.visit().visit_attempted();
  }
  if (!s.planned)
    return core::make_error(core::make_error_code(core::errc::not_found), "visit " + r.visit_id() + " is not planned");
  if (!scope.may_read(s.tenant_id, s.agent_id, s.plan.decision().org_unit_id()) ||
      s.plan.decision().customer_id() != r.customer_id())
    return not_found(r.visit_id());
  resp.set_agent_id(s.agent_id);
  if (s.completed) {
    v1::VisitCompleted& c = *resp.mutable_completion() = s.completion;
    auto key = keyring_.find(privacy::Owner{s.tenant_id, r.customer_id()});
    if (!key) return key.error();
    if (key->state == privacy::FoundKey::State::live) {
      if (auto st = open_said(c, key->key, privacy::owner_binding(s.tenant_id, r.customer_id())); !st) return st.error();
    } else if (key->state == privacy::FoundKey::State::destroyed) {
      drop_said(c);  // erased: what they said is gone
    }
  }
  resp.set_state(s.completed ? "completed" : s.stage == "cancelled" ? "cancelled" : s.closed ? "closed" : s.started ? "started" : "planned");
  return resp;
}

}  // namespace huifang::visit
