#include "complaints_app.h"

#include <algorithm>
#include <map>

#include "huifang/core/hash.h"
#include "huifang/privacy/personal.h"
#include "huifang/core/log.h"
#include "huifang/core/tenant.h"
#include "huifang/paging/paging.h"

namespace huifang::complaints {
namespace {

using namespace std::chrono_literals;


std::string tenant_partition(const std::string& tenant) { return "tenant:" + tenant; }

// Ids derived from what opened the case, so a redelivered visit event finds the same case.
std::string derived_id(std::string_view what, const std::string& source) {
  return "cmp-" + core::hex64(core::fnv1a64(std::string(what) + "|" + source));
}

core::Error not_found(const std::string& id) {
  return core::make_error(core::make_error_code(core::errc::not_found), "complaint " + id + " does not exist");
}

bool is(const core::Error& e, core::condition c) { return e.kind() == c; }

}  // namespace

v1::Complaint summary_of(const ComplaintState& s) {
  v1::Complaint c;
  const auto& o = s.opened;
  c.set_complaint_id(o.complaint_id());
  c.set_customer_id(o.customer_id());
  c.set_org_unit_id(o.org_unit_id());
  c.set_category(o.category());
  c.set_severity(o.severity());
  c.set_state(state_name(s.state));
  c.set_handler_id(s.handler_id);
  c.set_responsible(o.responsible());
  c.set_level(s.level);
  *c.mutable_opened_at() = events::to_proto(s.opened_at);
  c.set_source(o.source());
  c.set_description(o.description());
  c.set_sealed_description(o.sealed_description());
  if (o.has_promised_reply_at()) *c.mutable_promised_reply_at() = o.promised_reply_at();
  if (s.follow_up_by != core::Timestamp{}) *c.mutable_follow_up_by() = events::to_proto(s.follow_up_by);
  c.set_issue_key(o.issue_key());
  c.set_source_visit_id(o.source_visit_id());
  c.set_effective(o.effective());
  return c;
}

ComplaintsApp::ComplaintsApp(store::EventStore& store, const events::EnvelopeFactory& factory, core::IdGenerator& ids,
                             const core::Clock& clock, privacy::Keyring& keyring, ComplaintsOptions options)
    : store_(store),
      factory_(factory),
      ids_(ids),
      clock_(clock),
      keyring_(keyring),
      options_(options),
      org_trees_(store),
      cases_(store, factory, [](ComplaintState& s, const events::Envelope& e) { evolve(s, e); }) {}

std::vector<store::IndexOp> ComplaintsApp::index_ops(const ComplaintState& next) const {
  const std::string& id = next.opened.complaint_id();
  const std::string member = id + "|" + next.opened.customer_id();
  std::vector<store::IndexOp> ops = {
      {"HSET", "cases:" + next.tenant_id, {id, summary_of(next).SerializeAsString()}},
      {"SADD", "by-customer:" + core::of_tenant(next.tenant_id, next.opened.customer_id()), {id}},
  };
  if (auto at = next_sla_deadline(next)) ops.push_back({"ZADD", "sla", {std::to_string(core::to_millis(*at)), member}});
  else ops.push_back({"ZREM", "sla", {member}});
  return ops;
}

core::Result<ComplaintState> ComplaintsApp::run(const std::string& customer_id, const std::string& complaint_id,
                                                const Decide& decide, std::optional<store::InboxMark> inbox) {
  if (customer_id.empty()) return core::invalid_argument("customer_id", "is required");
  if (complaint_id.empty()) return core::invalid_argument("complaint_id", "is required");
  ComplaintState after;
  auto ex = cases_.execute(customer_id, {"complaint", complaint_id},
                           [&](const runtime::Aggregate<ComplaintState>& a) -> core::Result<runtime::Change> {
                             auto d = decide(a.state);
                             if (!d) return d;
                             after = a.state;
                             for (const auto& e : d->events) evolve(after, e);
                             if (after.state == State::none) return d;  // nothing opened (and nothing to index)
                             // Metadata is stamped at append; the summary needs it now.
                             if (after.tenant_id.empty()) after.tenant_id = d->context.tenant_id;
                             if (after.opened_at == core::Timestamp{})
                               after.opened_at = d->context.occurred_at != core::Timestamp{} ? d->context.occurred_at : clock_.now();
                             if (!d->events.empty()) {
                               auto ops = index_ops(after);
                               d->read_model.insert(d->read_model.end(), ops.begin(), ops.end());
                             }
                             return d;
                           },
                           std::move(inbox));
  if (!ex) return ex.error();
  return after;
}

core::Result<std::vector<PastComplaint>> ComplaintsApp::history(const std::string& tenant, const v1::ComplaintOpened& o) {
  std::map<std::string, PastComplaint> by_id;
  auto conn = store_.pool().lease();
  const uint32_t cp = store_.partition_of(o.customer_id()), tp = store_.partition_of(tenant_partition(tenant));
  auto ids = conn->pipeline({{"SMEMBERS", store_.key(cp, "by-customer:" + core::of_tenant(tenant, o.customer_id()))},
                             {"SMEMBERS", store_.key(tp, "issue:" + tenant + ":" + o.issue_key())},
                             {"SMEMBERS", store_.key(tp, "repair:" + tenant + ":" + o.repair_key())}});
  if (!ids) return ids.error();
  store::Argv hmget = {"HMGET", store_.key(cp, "cases:" + tenant)};
  for (const auto& m : (*ids)[0].elements) hmget.push_back(m.str);
  if (hmget.size() > 2) {
    auto cases = conn->command(hmget);
    if (!cases) return cases.error();
    for (const auto& r : cases->elements) {
      v1::Complaint c;
      if (r.type != store::Reply::Type::string) continue;  // an id whose case is not indexed yet
      if (!c.ParseFromString(r.str)) {
        core::log::warn("unreadable complaint record skipped", {{"bytes", std::to_string(r.str.size())}});
        continue;
      }
      by_id[c.complaint_id()] = {c.complaint_id(), c.customer_id(), events::from_proto(c.opened_at()), c.issue_key(), ""};
    }
  }
  for (const auto& m : (*ids)[1].elements) by_id[m.str].complaint_id = m.str, by_id[m.str].issue_key = o.issue_key();
  if (!o.repair_key().empty())
    for (const auto& m : (*ids)[2].elements) by_id[m.str].complaint_id = m.str, by_id[m.str].repair_key = o.repair_key();
  std::vector<PastComplaint> out;
  for (auto& [id, c] : by_id) out.push_back(std::move(c));
  return out;
}

core::Result<ComplaintState> ComplaintsApp::open_case(const std::string& tenant, v1::ComplaintOpened opened,
                                                      core::Timestamp received, std::optional<store::InboxMark> inbox) {
  if (tenant.empty()) return core::invalid_argument("tenant_id", "is required");
  if (opened.issue_key().empty()) opened.set_issue_key(opened.category());
  if (!opened.has_investigate_by())
    *opened.mutable_investigate_by() = events::to_proto(end_of_day(received, options_.utc_offset_hours));
  auto past = history(tenant, opened);
  if (!past) return past.error();
  const PastComplaint latest{opened.complaint_id(), opened.customer_id(), received, opened.issue_key(), opened.repair_key()};
  auto flags = complaints::repeat_flags(*past, latest);
  auto st = run(opened.customer_id(), opened.complaint_id(), [&](const ComplaintState& s) -> core::Result<runtime::Change> {
    if (s.state != State::none) return runtime::Change{};  // already open: a redelivery or a retried request
    core::Result<runtime::Change> d = decide_open(s, opened);
    if (!d) return d;
    d->context.tenant_id = tenant;
    d->context.occurred_at = received;  // the case's time: its SLA, its day in the figures
    ComplaintState next = s;
    for (const auto& e : d->events) evolve(next, e);
    next.tenant_id = tenant;
    for (auto& f : flags) {
      f.set_flag_id("flag-" + core::hex64(core::fnv1a64(std::to_string(f.kind()) + "|" + f.key() + "|" + latest.complaint_id)));
      f.set_org_unit_id(opened.org_unit_id());
      f.set_occurrences(static_cast<uint32_t>(f.complaint_ids_size()));
      d->read_model.push_back({"HSET", "flags:" + tenant, {f.flag_id(), f.SerializeAsString()}});
      events::Envelope e;
      *e.mutable_complaints()->mutable_repeat_flagged() = f;
      d->events.push_back(std::move(e));
      if (f.kind() == v1::REPEAT_KIND_SAME_CUSTOMER_TWICE_IN_MONTH) {
        // Twice within a month: a manager calls the customer's manager.
        auto up = decide_escalate(next, v1::ESCALATION_LEVEL_MANAGER, v1::ESCALATION_REASON_REPEAT_CUSTOMER,
                                  "second complaint from this customer within a month");
        if (up) d->events.insert(d->events.end(), up->events.begin(), up->events.end());
      }
    }
    return d;
  }, std::move(inbox));
  if (!st) return st.error();
  // The tenant-wide repeat indexes (another partition, so not part of the case's atomic append).
  const uint32_t tp = store_.partition_of(tenant_partition(tenant));
  std::vector<store::Argv> adds = {{"SADD", store_.key(tp, "issue:" + tenant + ":" + opened.issue_key()), opened.complaint_id()}};
  if (!opened.repair_key().empty())
    adds.push_back({"SADD", store_.key(tp, "repair:" + tenant + ":" + opened.repair_key()), opened.complaint_id()});
  auto conn = store_.pool().lease();
  if (auto r = conn->pipeline(adds); !r) return r.error();
  return st;
}

core::Status ComplaintsApp::on_visit_completed(const events::Envelope& e) {
  const auto& c = e.visit().visit_completed();
  const uint32_t threshold = c.complaint_threshold() ? c.complaint_threshold() : options_.default_threshold;
  std::string low;
  for (const auto& r : c.ratings())
    if (r.score() >= 1 && r.score() <= threshold) low += (low.empty() ? "" : ", ") + r.dimension() + "=" + std::to_string(r.score());
  if (!c.complaint_id().empty()) {
    // A complaint's follow-up visit: satisfied closes the case, anything at or below the threshold reopens it.
    auto st = run(e.customer_id(), c.complaint_id(), [&](const ComplaintState& s) {
      return decide_follow_up(s, low.empty(), c.visit_id(), events::from_proto(c.completed_at()));
    }, runtime::inbox_mark(e));
    if (!st && is(st.error(), core::condition::failed_precondition)) {
      core::log::warn("follow-up visit ignored: the case is not waiting for one",
                      {{"complaint", c.complaint_id()}, {"visit", c.visit_id()}, {"why", st.error().message}});
      return core::ok_status();
    }
    return st ? core::ok_status() : core::Status(st.error());
  }
  if (low.empty()) return core::ok_status();
  v1::ComplaintOpened o;
  o.set_complaint_id(derived_id("low-rating", c.visit_id()));
  o.set_customer_id(e.customer_id());
  o.set_org_unit_id(c.org_unit_id());
  o.set_category(c.category());
  o.set_severity("normal");
  o.set_source(v1::COMPLAINT_SOURCE_VISIT_LOW_RATING);
  o.set_description("low satisfaction in visit: " + low);
  o.set_source_visit_id(c.visit_id());
  o.set_issue_key(c.org_unit_id() + "/" + c.category());
  *o.mutable_promised_reply_at() = events::to_proto(clock_.now() + std::chrono::hours(options_.reply_within_hours));
  auto st = open_case(e.tenant_id(), std::move(o), clock_.now(), runtime::inbox_mark(e));
  return st ? core::ok_status() : core::Status(st.error());
}

core::Status ComplaintsApp::apply(const events::Envelope& e) {
  if (e.has_intake() && e.intake().has_org_unit_defined())
    return org_trees_.keep(e.tenant_id(), e.intake().org_unit_defined().org_unit());
  if (!e.has_visit()) return core::ok_status();
  if (e.visit().has_visit_completed()) return on_visit_completed(e);
  if (!e.visit().has_problem_raised()) return core::ok_status();
  const auto& raised = e.visit().problem_raised();
  const auto& p = raised.problem();
  if (p.solved_on_the_spot()) return core::ok_status();
  v1::ComplaintOpened o;
  o.set_complaint_id(derived_id("problem", p.problem_id()));
  o.set_customer_id(e.customer_id());
  o.set_org_unit_id(raised.org_unit_id());
  o.set_category(p.category().empty() ? "problem" : p.category());
  o.set_severity(p.severity().empty() ? "normal" : p.severity());
  o.set_source(v1::COMPLAINT_SOURCE_VISIT_PROBLEM);
  o.set_description(p.description());
  o.set_sealed_description(p.sealed_description());  // sealed by visit with the customer's key: carried as it is
  o.set_responsible(p.responsible());
  o.set_source_visit_id(raised.visit_id());
  o.set_source_problem_id(p.problem_id());
  o.set_issue_key(raised.org_unit_id() + "/" + o.category());
  *o.mutable_promised_reply_at() = p.has_promised_reply_at()
                                       ? p.promised_reply_at()
                                       : events::to_proto(clock_.now() + std::chrono::hours(options_.reply_within_hours));
  auto st = open_case(e.tenant_id(), std::move(o), clock_.now(), runtime::inbox_mark(e));
  return st ? core::ok_status() : core::Status(st.error());
}

core::Result<size_t> ComplaintsApp::fire_sla(std::vector<uint32_t> partitions, size_t max_per_partition) {
  if (partitions.empty()) partitions = store_.all_partitions();
  const core::Timestamp now = clock_.now();
  size_t seen = 0;
  for (uint32_t p : partitions) {
    store::Reply due;
    {
      auto conn = store_.pool().lease();
      auto r = conn->command({"ZRANGEBYSCORE", store_.key(p, "sla"), "-inf", std::to_string(core::to_millis(now)), "LIMIT", "0",
                              std::to_string(max_per_partition)});
      if (!r) return r.error();
      due = std::move(*r);
    }
    for (const auto& m : due.elements) {
      const auto bar = m.str.find('|');
      if (bar == std::string::npos) continue;
      const std::string id = m.str.substr(0, bar), customer = m.str.substr(bar + 1);
      // run() re-arms the timer at the next deadline or drops it.
      auto st = run(customer, id, [&](const ComplaintState& s) -> core::Result<runtime::Change> {
        runtime::Change d = decide_sla(s, now);
        if (d.events.empty() && s.state != State::none) d.read_model = index_ops(s);
        return d;
      });
      if (!st) return st.error();
      ++seen;
    }
  }
  return seen;
}

core::Result<v1::OpenComplaintResponse> ComplaintsApp::open(const v1::OpenComplaintRequest& r, const std::string& tenant) {
  const std::string t = r.tenant_id().empty() ? tenant : r.tenant_id();
  if (t.empty()) return core::invalid_argument("tenant_id", "is required");
  if (r.source() == v1::COMPLAINT_SOURCE_VISIT_LOW_RATING || r.source() == v1::COMPLAINT_SOURCE_VISIT_PROBLEM)
    return core::invalid_argument("source", "visit complaints are opened from the visit itself; use hotline, letter or walk-in");
  v1::ComplaintOpened o;
  o.set_complaint_id(r.idempotency_key().empty() ? "cmp-" + ids_.next() : derived_id("request", t + "|" + r.idempotency_key()));
  o.set_customer_id(r.customer_id());
  o.set_org_unit_id(r.org_unit_id());
  o.set_category(r.category());
  o.set_severity(r.severity().empty() ? "normal" : r.severity());
  o.set_source(r.source() == v1::COMPLAINT_SOURCE_UNSPECIFIED ? v1::COMPLAINT_SOURCE_HOTLINE : r.source());
  if (r.customer_id().empty()) return core::invalid_argument("customer_id", "is required");
  auto key = keyring_.sealing_key({t, r.customer_id()});
  if (!key) return key.error();
  if (*key) o.set_sealed_description(privacy::seal_text(**key, r.description(), privacy::owner_binding(t, r.customer_id())));
  if (o.sealed_description().empty()) o.set_description(r.description());
  o.set_responsible(r.responsible());
  o.set_issue_key(r.issue_key());
  o.set_repair_key(r.repair_key());
  o.set_effective(true);
  const core::Timestamp now = clock_.now();
  core::Timestamp received = now;
  if (r.has_received_at()) {
    received = events::from_proto(r.received_at());
    if (received > now + std::chrono::minutes(5)) return core::invalid_argument("received_at", "is in the future");
    if (received < now - std::chrono::days(30))
      return core::invalid_argument("received_at", "is more than 30 days ago; record older complaints with their date in the description");
  }
  *o.mutable_promised_reply_at() = r.has_promised_reply_at()
                                       ? r.promised_reply_at()
                                       : events::to_proto(received + std::chrono::hours(options_.reply_within_hours));
  auto st = open_case(t, std::move(o), received, std::nullopt);
  if (!st) return st.error();
  v1::OpenComplaintResponse resp;
  resp.set_complaint_id(st->opened.complaint_id());
  return resp;
}

core::Result<std::vector<store::Reply>> ComplaintsApp::values_everywhere(const std::string& index) {
  std::vector<store::Argv> cmds;
  for (uint32_t p = 0; p < store_.partitions(); ++p) cmds.push_back({"HVALS", store_.key(p, index)});
  auto conn = store_.pool().lease();
  return conn->pipeline(cmds);
}

core::Result<v1::ListComplaintsResponse> ComplaintsApp::list(const v1::ListComplaintsRequest& r, const edge::TenantScope& scope) {
  if (r.tenant_id().empty()) return core::invalid_argument("tenant_id", "is required");
  auto replies = values_everywhere("cases:" + r.tenant_id());
  if (!replies) return replies.error();
  const core::Timestamp now = clock_.now();
  std::vector<v1::Complaint> out;
  for (const auto& reply : *replies)
    for (const auto& v : reply.elements) {
      v1::Complaint c;
      if (!c.ParseFromString(v.str)) {
        core::log::warn("unreadable complaint record skipped", {{"bytes", std::to_string(v.str.size())}});
        continue;
      }
      const auto opened = events::from_proto(c.opened_at());
      if (!r.org_unit_id().empty() && c.org_unit_id() != r.org_unit_id()) continue;
      if (!scope.sees(r.tenant_id(), c.org_unit_id())) continue;
      if (!r.state().empty() && c.state() != r.state()) continue;
      if (!r.responsible().empty() && c.responsible() != r.responsible() && c.handler_id() != r.responsible()) continue;
      if (!r.category().empty() && c.category() != r.category()) continue;
      if (r.min_age_hours() && now - opened < std::chrono::hours(r.min_age_hours())) continue;
      if (r.has_opened_in() && r.opened_in().has_from() && opened < events::from_proto(r.opened_in().from())) continue;
      if (r.has_opened_in() && r.opened_in().has_to() && opened >= events::from_proto(r.opened_in().to())) continue;
      out.push_back(std::move(c));
    }
  std::sort(out.begin(), out.end(), [](const v1::Complaint& a, const v1::Complaint& b) {
    return std::make_tuple(b.opened_at().seconds(), b.complaint_id()) < std::make_tuple(a.opened_at().seconds(), a.complaint_id());
  });
  v1::ListComplaintsResponse resp;
  if (auto st = paging::page_into(out, r.page(), resp.mutable_complaints(), resp.mutable_page()); !st) return st.error();
  std::vector<v1::Complaint*> page;
  for (auto& c : *resp.mutable_complaints()) page.push_back(&c);
  if (auto shown = reveal(r.tenant_id(), page); !shown) return shown.error();
  return resp;
}

core::Result<v1::GetComplaintResponse> ComplaintsApp::get(const edge::TenantScope& scope, const v1::GetComplaintRequest& r) {
  if (r.customer_id().empty()) return core::invalid_argument("customer_id", "is required");
  if (r.complaint_id().empty()) return core::invalid_argument("complaint_id", "is required");
  auto loaded = store_.load(r.customer_id(), {"complaint", r.complaint_id()}, false);
  if (!loaded) return loaded.error();
  if (loaded->version == 0) return not_found(r.complaint_id());
  v1::GetComplaintResponse resp;
  auto events = runtime::events_of(*loaded, {"complaint", r.complaint_id()});
  if (!events) return events.error();
  ComplaintState s;
  for (auto& e : *events) {
    evolve(s, e);
    *resp.add_history() = std::move(e);
  }
  if (!scope.sees(s.tenant_id, s.opened.org_unit_id()) || s.opened.customer_id() != r.customer_id())
    return not_found(r.complaint_id());
  *resp.mutable_complaint() = summary_of(s);
  if (auto shown = reveal(s.tenant_id, {resp.mutable_complaint()}, resp.mutable_history()); !shown) return shown.error();
  return resp;
}

core::Result<v1::CaseResponse> ComplaintsApp::on_case(const edge::TenantScope& scope, const std::string& customer_id,
                                                      const std::string& complaint_id, const Decide& decide) {
  auto st = run(customer_id, complaint_id, [&](const ComplaintState& s) -> core::Result<runtime::Change> {
    if (s.state == State::none || !scope.sees(s.tenant_id, s.opened.org_unit_id()) || s.opened.customer_id() != customer_id)
      return not_found(complaint_id);
    return decide(s);
  });
  if (!st) return st.error();
  v1::CaseResponse resp;
  *resp.mutable_complaint() = summary_of(*st);
  if (auto shown = reveal(st->tenant_id, {resp.mutable_complaint()}); !shown) return shown.error();
  return resp;
}

core::Status ComplaintsApp::reveal(const std::string& tenant, const std::vector<v1::Complaint*>& cases,
                                   google::protobuf::RepeatedPtrField<events::Envelope>* history) {
  std::vector<privacy::Owner> owners;
  for (const auto* c : cases) owners.push_back({tenant, c->customer_id()});
  auto keys = keyring_.find(owners);
  if (!keys) return keys.error();
  // The text `sealed` holds for customer `i`'s reader: "" once they are erased.
  auto opened = [&](size_t i, const std::string& sealed) -> core::Result<std::string> {
    if ((*keys)[i].state != privacy::FoundKey::State::live) return std::string();
    return privacy::open_text((*keys)[i].key, sealed, privacy::owner_binding(tenant, cases[i]->customer_id()));
  };
  const auto erased = [&](size_t i) { return (*keys)[i].state == privacy::FoundKey::State::destroyed; };
  for (size_t i = 0; i < cases.size(); ++i) {
    if (erased(i)) cases[i]->clear_description();  // in the clear from before sealing: gone all the same
    if (cases[i]->sealed_description().empty()) continue;
    auto text = opened(i, cases[i]->sealed_description());
    if (!text) return text.error();
    cases[i]->set_description(*text);
    cases[i]->clear_sealed_description();
  }
  if (!history || cases.empty()) return core::ok_status();
  for (auto& e : *history) {  // the events of cases[0]
    auto* b = e.mutable_complaints();
    std::string* sealed = b->has_complaint_opened()       ? b->mutable_complaint_opened()->mutable_sealed_description()
                          : b->has_complaint_note_added() ? b->mutable_complaint_note_added()->mutable_sealed_text()
                                                          : nullptr;
    if (sealed && erased(0)) {  // in the clear from before sealing: gone all the same
      if (b->has_complaint_opened()) b->mutable_complaint_opened()->clear_description();
      else b->mutable_complaint_note_added()->clear_text();
    }
    if (!sealed || sealed->empty()) continue;
    auto text = opened(0, *sealed);
    if (!text) return text.error();
    if (b->has_complaint_opened()) b->mutable_complaint_opened()->set_description(*text);
    else b->mutable_complaint_note_added()->set_text(*text);
    sealed->clear();
  }
  return core::ok_status();
}

core::Result<v1::CaseResponse> ComplaintsApp::assign(const edge::TenantScope& scope, const v1::AssignComplaintRequest& r, const std::string& by) {
  return on_case(scope, r.customer_id(), r.complaint_id(), [&](const ComplaintState& s) {
    auto d = decide_assign(s, r.handler_id());
    if (d && !d->events.empty()) d->events[0].mutable_complaints()->mutable_complaint_assigned()->set_assigned_by(by);
    return d;
  });
}
core::Result<v1::CaseResponse> ComplaintsApp::start_investigation(const edge::TenantScope& scope, const v1::CaseActionRequest& r) {
  return on_case(scope, r.customer_id(), r.complaint_id(), [&](const ComplaintState& s) { return decide_start_investigation(s); });
}
core::Result<v1::CaseResponse> ComplaintsApp::add_note(const edge::TenantScope& scope, const v1::AddNoteRequest& r, const std::string& author) {
  auto key = keyring_.sealing_key({scope.tenant, r.customer_id()});
  if (!key) return key.error();
  return on_case(scope, r.customer_id(), r.complaint_id(), [&](const ComplaintState& s) -> core::Result<runtime::Change> {
    auto d = decide_note(s, author, r.text());
    if (d && *key)
      for (auto& e : d->events) {
        if (!e.complaints().has_complaint_note_added()) continue;
        auto& note = *e.mutable_complaints()->mutable_complaint_note_added();
        note.set_sealed_text(privacy::seal_text(**key, note.text(), privacy::owner_binding(s.tenant_id, r.customer_id())));
        if (!note.sealed_text().empty()) note.clear_text();
      }
    return d;
  });
}
core::Result<v1::CaseResponse> ComplaintsApp::resolve(const edge::TenantScope& scope, const v1::ResolveComplaintRequest& r) {
  return on_case(scope, r.customer_id(), r.complaint_id(),
                 [&](const ComplaintState& s) { return decide_resolve(s, r.resolution(), r.effective(), clock_.now()); });
}
core::Result<v1::CaseResponse> ComplaintsApp::escalate(const edge::TenantScope& scope, const v1::EscalateComplaintRequest& r) {
  return on_case(scope, r.customer_id(), r.complaint_id(), [&](const ComplaintState& s) {
    return decide_escalate(s, r.level(), v1::ESCALATION_REASON_MANUAL, r.detail());
  });
}

core::Result<v1::ListRepeatFlagsResponse> ComplaintsApp::repeat_flags(const v1::ListRepeatFlagsRequest& r,
                                                                     const edge::TenantScope& scope) {
  if (r.tenant_id().empty()) return core::invalid_argument("tenant_id", "is required");
  auto replies = values_everywhere("flags:" + r.tenant_id());
  if (!replies) return replies.error();
  std::vector<v1::RepeatFlagged> out;
  for (const auto& reply : *replies)
    for (const auto& v : reply.elements) {
      v1::RepeatFlagged f;
      if (!f.ParseFromString(v.str)) {
        core::log::warn("unreadable repeat flag record skipped", {{"bytes", std::to_string(v.str.size())}});
        continue;
      }
      if (r.kind() != v1::REPEAT_KIND_UNSPECIFIED && f.kind() != r.kind()) continue;
      if (!r.org_unit_id().empty() && f.org_unit_id() != r.org_unit_id()) continue;
      if (!scope.sees(r.tenant_id(), f.org_unit_id())) continue;
      out.push_back(std::move(f));
    }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.flag_id() < b.flag_id(); });
  v1::ListRepeatFlagsResponse resp;
  if (auto st = paging::page_into(out, r.page(), resp.mutable_flags(), resp.mutable_page()); !st) return st.error();
  return resp;
}

}  // namespace huifang::complaints
