#include "visit_app.h"

namespace huifang::visit {

VisitApp::VisitApp(store::EventStore& store, const events::EnvelopeFactory& factory, core::IdGenerator& ids,
                   const core::Clock& clock)
    : store_(store), ids_(ids), clock_(clock), visits_(store, factory, [](VisitState& s, const events::Envelope& e) { evolve(s, e); }) {}

std::vector<store::Argv> VisitApp::upserts(const events::Envelope& e) const {
  // Upserts of another service's facts: idempotent, so no inbox is needed.
  const std::string& customer = e.customer_id();
  const auto key = [&](const char* index) { return store_.key(store_.partition_of(customer), index); };
  if (e.has_scheduling()) {
    const auto& b = e.scheduling();
    if (b.has_visit_planned()) {
      const std::string& id = b.visit_planned().decision().visit_id();
      return {{"HSET", key("plans"), id, b.visit_planned().SerializeAsString()}, {"HSET", key("tenants"), id, e.tenant_id()}};
    }
    if (b.has_visit_assigned()) return {{"HSET", key("assignees"), b.visit_assigned().visit_id(), b.visit_assigned().agent_id()}};
    if (b.has_visit_closed_unreachable()) return {{"HSET", key("closed"), b.visit_closed_unreachable().visit_id(), "1"}};
  } else if (e.has_intake()) {
    const auto& b = e.intake();
    const intake::v1::Customer* c = b.has_customer_registered() ? &b.customer_registered().customer()
                                    : b.has_customer_updated()  ? &b.customer_updated().customer()
                                                                : nullptr;
    if (c) {
      intake::v1::Customer contacts;  // only what an agent needs to make the call
      *contacts.mutable_contacts() = c->contacts();
      contacts.set_display_name(c->display_name());
      return {{"HSET", key("contacts"), c->id(), contacts.SerializeAsString()}};
    }
  }
  return {};
}

core::Status VisitApp::write(const std::vector<store::Argv>& cmds) {
  if (cmds.empty()) return core::ok_status();
  auto r = store_.pool().lease()->pipeline(cmds);
  if (!r) return r.error();
  for (const auto& reply : *r)
    if (reply.is_error()) return store::bad_reply("visit upsert: " + reply.str);
  return core::ok_status();
}

bus::BatchOutcome VisitApp::apply_batch(std::span<const events::Incoming> batch) {
  // In order, in one round trip: a visit's later fact overwrites its earlier one as it did.
  std::vector<store::Argv> cmds;
  for (const auto& in : batch)
    for (auto& c : upserts(in.envelope)) cmds.push_back(std::move(c));
  if (auto st = write(cmds); !st) return {0, st.error()};
  return {batch.size(), std::nullopt};
}

core::Result<VisitState> VisitApp::plan_of(const std::string& customer_id, const std::string& visit_id) {
  const uint32_t p = store_.partition_of(customer_id);
  auto conn = store_.pool().lease();
  auto r = conn->pipeline({{"HGET", store_.key(p, "plans"), visit_id},
                           {"HGET", store_.key(p, "assignees"), visit_id},
                           {"HGET", store_.key(p, "closed"), visit_id},
                           {"HGET", store_.key(p, "tenants"), visit_id}});
  if (!r) return r.error();
  VisitState s;
  if ((*r)[0].type == store::Reply::Type::string && s.plan.ParseFromString((*r)[0].str)) s.planned = true;
  s.agent_id = (*r)[1].str;
  s.closed = (*r)[2].type == store::Reply::Type::string;
  s.tenant_id = (*r)[3].str;
  return s;
}

core::Result<events::Executed> VisitApp::run(const std::string& customer_id, const std::string& visit_id,
                                             const std::function<core::Result<events::Decision>(const VisitState&)>& decide) {
  if (customer_id.empty()) return core::invalid_argument("customer_id", "is required");
  if (visit_id.empty()) return core::invalid_argument("visit_id", "is required");
  auto plan = plan_of(customer_id, visit_id);
  if (!plan) return plan.error();
  return visits_.execute(customer_id, {"visit", visit_id}, [&](const events::Aggregate<VisitState>& a) {
    VisitState s = a.state;
    s.planned = plan->planned;
    s.plan = plan->plan;
    s.agent_id = plan->agent_id;
    s.tenant_id = plan->tenant_id;
    s.closed = s.closed || plan->closed;
    return decide(s);
  });
}

core::Result<v1::StartVisitResponse> VisitApp::start(const v1::StartVisitRequest& r) {
  std::string category;
  std::vector<std::string> theme;
  auto ex = run(r.customer_id(), r.visit_id(), [&](const VisitState& s) {
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
  auto conn = store_.pool().lease();
  auto c = conn->command({"HGET", store_.key(store_.partition_of(r.customer_id()), "contacts"), r.customer_id()});
  if (!c) return c.error();
  intake::v1::Customer contacts;
  if (c->type == store::Reply::Type::string) contacts.ParseFromString(c->str);
  for (const auto& ct : contacts.contacts()) {
    auto* out = resp.add_contacts();
    out->set_kind(ct.kind() == intake::v1::CONTACT_KIND_PHONE ? "phone" : ct.kind() == intake::v1::CONTACT_KIND_ADDRESS ? "address" : "other");
    out->set_value(ct.value());
    out->set_relation(ct.relation());
  }
  return resp;
}

core::Result<v1::RecordAttemptResponse> VisitApp::attempt(const v1::RecordAttemptRequest& r) {
  auto ex = run(r.customer_id(), r.visit_id(), [&](const VisitState& s) { return decide_attempt(s, r); });
  if (!ex) return ex.error();
  v1::RecordAttemptResponse resp;
  resp.set_attempt(ex->events.empty() ? 0 : ex->events[0].visit().visit_attempted().attempt());
  return resp;
}

core::Result<v1::SubmitSurveyResponse> VisitApp::survey(const v1::SubmitSurveyRequest& r) {
  auto ex = run(r.customer_id(), r.visit_id(), [&](const VisitState& s) {
    std::vector<std::string> dims;
    for (const auto& d : script_for(s.plan.decision().category()).survey) dims.push_back(d.key());
    return decide_survey(s, r, dims, clock_.now(), [this] { return ids_.next(); });
  });
  if (!ex) return ex.error();
  v1::SubmitSurveyResponse resp;
  for (const auto& e : ex->events)
    if (e.visit().has_visit_completed())
      for (const auto& p : e.visit().visit_completed().problems()) resp.add_problem_ids(p.problem_id());
  return resp;
}

core::Status VisitApp::complete(const v1::CompleteVisitRequest& r) {
  auto ex = run(r.customer_id(), r.visit_id(), [&](const VisitState& s) { return decide_complete(s, r, clock_.now()); });
  if (!ex) return ex.error();
  return core::ok_status();
}

core::Result<v1::GetVisitResponse> VisitApp::get(const v1::GetVisitRequest& r) {
  if (r.customer_id().empty()) return core::invalid_argument("customer_id", "is required");
  auto plan = plan_of(r.customer_id(), r.visit_id());
  if (!plan) return plan.error();
  if (!plan->planned)
    return core::make_error(core::make_error_code(core::errc::not_found), "visit " + r.visit_id() + " is not planned");
  auto loaded = store_.load(r.customer_id(), {"visit", r.visit_id()}, false);
  if (!loaded) return loaded.error();
  v1::GetVisitResponse resp;
  resp.set_agent_id(plan->agent_id);
  VisitState s;
  for (const auto& bytes : loaded->events) {
    events::Envelope e;
    if (!e.ParseFromString(bytes)) continue;
    evolve(s, e);
    if (e.visit().has_visit_attempted()) *resp.add_attempts() = e.visit().visit_attempted();
  }
  if (s.completed) *resp.mutable_completion() = s.completion;
  resp.set_state(s.completed ? "completed" : (plan->closed || s.closed) ? "closed" : s.started ? "started" : "planned");
  return resp;
}

}  // namespace huifang::visit
