#include "planning.h"

#include <algorithm>
#include <future>
#include <unordered_map>

#include "huifang/bus/lanes.h"

#include "huifang/core/log.h"
#include "huifang/store/errc.h"

namespace huifang::scheduling {
namespace {

using events::Envelope;


// The '|'-separated fields of a set or timer member.
std::vector<std::string> fields(const std::string& member) {
  std::vector<std::string> out;
  for (size_t pos = 0, next; pos != std::string::npos; pos = next == std::string::npos ? next : next + 1) {
    next = member.find('|', pos);
    out.push_back(member.substr(pos, next == std::string::npos ? std::string::npos : next - pos));
  }
  return out;
}


Envelope scheduling_event(v1::SchedulingEvent body) {
  Envelope e;
  *e.mutable_scheduling() = std::move(body);
  return e;
}

v1::PlanDecision decision_of(const PlannedVisit& v, const intake::v1::ServiceEventRecorded& rec,
                             const LoadedPolicy& lp) {
  v1::PlanDecision d;
  d.set_visit_id(v.visit_id);
  d.set_customer_id(rec.customer_id());
  d.set_org_unit_id(rec.org_unit_id());
  d.set_category(rec.category());
  d.set_service_event_id(rec.service_event_id());
  d.set_sequence(v.sequence);
  d.set_policy_id(lp.policy->id);
  d.set_policy_version(lp.version);
  d.set_rule_id(v.rule->id);
  return d;
}

v1::SuppressionReason to_proto(Suppression s) {
  switch (s) {
    case Suppression::min_gap: return v1::SUPPRESSION_REASON_MIN_GAP;
    case Suppression::max_per_period: return v1::SUPPRESSION_REASON_MAX_PER_PERIOD;
    case Suppression::do_not_contact: return v1::SUPPRESSION_REASON_DO_NOT_CONTACT;
    case Suppression::no_consent: return v1::SUPPRESSION_REASON_NO_CONSENT;
    case Suppression::none: break;
  }
  return v1::SUPPRESSION_REASON_UNSPECIFIED;
}

}  // namespace

Planning::Planning(store::EventStore& store, const events::EnvelopeFactory& factory, ReadModels& models,
                   const core::Clock& clock)
    : store_(store),
      factory_(factory),
      models_(models),
      clock_(clock),
      decisions_(store, factory, [](Appended&, const Envelope&) {}) {}

bool Planning::handles(std::string_view type) {
  return type.starts_with("intake.") || type == "visit.VisitCompleted" || type == "complaints.ComplaintResolved";
}

core::Status Planning::apply(const Envelope& e) {
  if (e.has_intake()) {
    const auto& b = e.intake();
    switch (b.event_case()) {
      case intake::v1::IntakeEvent::kCustomerRegistered: {
        if (auto st = models_.put_customer(e.tenant_id(), b.customer_registered().customer()); !st) return st;
        return start_periodic(e.tenant_id(), b.customer_registered().customer(), events::from_proto(e.occurred_at()));
      }
      case intake::v1::IntakeEvent::kCustomerUpdated: return models_.put_customer(e.tenant_id(), b.customer_updated().customer());
      case intake::v1::IntakeEvent::kConsentChanged: {
        auto c = models_.customer(e.tenant_id(), b.consent_changed().customer_id());
        if (!c) return c.error();
        if (!*c) return core::ok_status();
        (*c)->set_do_not_contact(b.consent_changed().do_not_contact());
        *(*c)->mutable_consents() = b.consent_changed().consents();
        return models_.put_customer(e.tenant_id(), **c);
      }
      case intake::v1::IntakeEvent::kCustomerErased: {  // nothing is planned for them again
        auto c = models_.customer(e.tenant_id(), b.customer_erased().customer_id());
        if (!c) return c.error();
        if (!*c) return core::ok_status();
        (*c)->set_do_not_contact(true);
        (*c)->set_erased(true);
        return models_.put_customer(e.tenant_id(), **c);
      }
      case intake::v1::IntakeEvent::kAgentRegistered:
      case intake::v1::IntakeEvent::kAgentUpdated: {
        const auto& agent = b.has_agent_registered() ? b.agent_registered().agent() : b.agent_updated().agent();
        if (auto st = models_.put_agent(e.tenant_id(), agent); !st) return st;
        return assign_waiting(e.tenant_id(), agent.org_unit_id());
      }
      case intake::v1::IntakeEvent::kOrgUnitDefined: return models_.put_org_unit(e.tenant_id(), b.org_unit_defined().org_unit());
      case intake::v1::IntakeEvent::kServiceEventRecorded: return plan_service_events({&e})[0];
      default: return core::ok_status();
    }
  }
  if (e.has_visit() && e.visit().has_visit_completed()) {
    // The visit is off the agent's hands: their workload goes down.
    const std::string& agent = e.visit().visit_completed().agent_id();
    if (!agent.empty())
      if (auto l = models_.add_load(e.tenant_id(), agent, -1); !l)
        core::log::warn("workload not decremented", {{"agent", agent}, {"error", l.error().to_string()}});
    return core::ok_status();
  }
  if (e.has_complaints() && e.complaints().has_complaint_resolved()) return plan_complaint_follow_up(e);
  return core::ok_status();
}

core::Status Planning::plan_complaint_follow_up(const Envelope& e) {
  const auto& r = e.complaints().complaint_resolved();
  intake::v1::ServiceEventRecorded rec;
  // Each resolution owes its own follow-up (a reopened case is resolved again).
  rec.set_service_event_id("complaint-" + r.complaint_id() + "-" + std::to_string(core::to_millis(events::from_proto(r.resolved_at()))));
  rec.set_customer_id(r.customer_id());
  rec.set_org_unit_id(r.org_unit_id());
  *rec.mutable_occurred_at() = r.resolved_at();
  (*rec.mutable_attributes())["complaint_id"] = r.complaint_id();
  (*rec.mutable_attributes())["severity"] = r.severity();
  // The tenant's own rule for its industry ("property.complaint_resolved"), else a generic one,
  // else the built-in: within 3 days, 100%, never sampled, merged or limited.
  std::vector<std::string> candidates;
  if (const auto dot = r.category().find('.'); dot != std::string::npos)
    candidates.push_back(r.category().substr(0, dot) + ".complaint_resolved");
  candidates.push_back("complaint_resolved");
  std::optional<LoadedPolicy> lp;
  for (const auto& category : candidates) {
    auto found = models_.policy_for(e.tenant_id(), category);
    if (!found) return found.error();
    if (*found) {
      lp = **found;
      rec.set_category(category);
      break;
    }
  }
  if (!lp) {
    static const auto builtin = [] {
      auto p = std::make_shared<Policy>();
      p->id = "builtin-complaint-follow-up";
      p->skip_weekends = false;
      p->skip_holidays = false;
      Rule rule;
      rule.id = "complaint_follow_up";
      rule.trigger = "complaint_resolved";
      rule.exempt_from_limits = true;
      // Due by two days after the first calling window, which is itself within a day (no weekends
      // or holidays skipped): always inside the 3 days.
      rule.visits = {{"within_3_days", 0, 2}};
      p->rules = {rule};
      p->categories = {rule.trigger};
      return p;
    }();
    lp = LoadedPolicy{builtin, 0};
    rec.set_category("complaint_resolved");
  }
  events::EventContext ctx{e.tenant_id(), r.org_unit_id(), r.customer_id(), e.correlation_id(), e.event_id(), {}};
  return plan_trigger(ctx, rec, *lp, *lp->policy, runtime::inbox_mark(e), {});
}

std::vector<core::Status> Planning::plan_service_events(const std::vector<const Envelope*>& recorded) {
  std::vector<core::Status> out(recorded.size(), core::ok_status());
  if (recorded.empty()) return out;
  auto fail_all = [&](const core::Error& e, const std::vector<size_t>& which) {
    for (size_t i : which) out[i] = e;
    return out;
  };
  std::vector<size_t> all(recorded.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  // One round trip for every policy, one for every input, one append for every trigger.
  std::vector<std::pair<std::string, std::string>> tenant_categories;
  for (const Envelope* e : recorded) tenant_categories.emplace_back(e->tenant_id(), e->intake().service_event_recorded().category());
  auto policies = models_.policies_for(tenant_categories);
  if (!policies) return fail_all(policies.error(), all);
  std::vector<PlanningQuery> queries;
  std::vector<size_t> with_policy;
  for (size_t i = 0; i < recorded.size(); ++i) {
    const auto& rec = recorded[i]->intake().service_event_recorded();
    if (!(*policies)[i]) {
      core::log::warn("no policy answers this category; nothing planned",
                      {{"tenant", recorded[i]->tenant_id()}, {"category", rec.category()}, {"service_event", rec.service_event_id()}});
      continue;
    }
    queries.push_back({recorded[i]->tenant_id(), rec.customer_id()});
    with_policy.push_back(i);
  }
  if (queries.empty()) return out;
  auto inputs = models_.planning_inputs(queries);
  if (!inputs) return fail_all(inputs.error(), with_policy);
  std::vector<PlannedTrigger> planned;
  std::vector<size_t> planned_of;
  for (size_t k = 0; k < with_policy.size(); ++k) {
    const size_t i = with_policy[k];
    const Envelope& e = *recorded[i];
    const auto& rec = e.intake().service_event_recorded();
    const LoadedPolicy& lp = *(*policies)[i];
    events::EventContext ctx{e.tenant_id(), rec.org_unit_id(), rec.customer_id(), e.correlation_id(), e.event_id(), {}};
    // The tenant's workload is shared by the batch: each assignment raises it for the next.
    auto p = decide_trigger(ctx, rec, lp, *lp.policy, inputs->customers[k], inputs->tenants[e.tenant_id()],
                            runtime::inbox_mark(e), {});
    if (!p) {
      out[i] = p.error();
      continue;
    }
    planned.push_back(std::move(*p));
    planned_of.push_back(i);
  }
  const auto committed = commit(planned);
  for (size_t j = 0; j < committed.size(); ++j) out[planned_of[j]] = committed[j];
  return out;
}

bus::BatchOutcome Planning::apply_batch(std::span<const runtime::Incoming> in, size_t lanes) {
  // Rounds: a customer's k-th event of the batch is in round k, so a round never holds two events
  // of one customer (each customer's events keep their order) and its service events are planned
  // together: a few round trips for the round instead of four per event.
  std::vector<std::vector<size_t>> rounds;
  std::unordered_map<std::string_view, size_t> seen;
  for (size_t i = 0; i < in.size(); ++i) {
    const size_t round = seen[in[i].envelope.customer_id()]++;
    if (round == rounds.size()) rounds.emplace_back();
    rounds[round].push_back(i);
  }
  std::vector<bool> done(in.size(), false);
  std::vector<std::optional<core::Error>> errors(in.size());  // why an event was not applied
  for (const auto& round : rounds) {
    std::vector<size_t> triggers, others;
    for (size_t i : round)
      (in[i].envelope.has_intake() && in[i].envelope.intake().has_service_event_recorded() ? triggers : others).push_back(i);
    std::vector<const Envelope*> recorded;
    for (size_t i : triggers) recorded.push_back(&in[i].envelope);
    const auto planned = plan_service_events(recorded);
    bool failed = false;
    for (size_t k = 0; k < triggers.size(); ++k) {
      if (planned[k]) done[triggers[k]] = true;
      else errors[triggers[k]] = planned[k].error(), failed = true;
    }
    // The rest wait on their own round trips: applied in lanes. Before the earliest failure,
    // every lane has applied its events.
    const auto rest = bus::apply_in_lanes(
        others.size(), [&](size_t k) -> std::string_view { return in[others[k]].envelope.customer_id(); },
        [&](size_t k) { return apply(in[others[k]].envelope); }, lanes);
    for (size_t k = 0; k < rest.done; ++k) done[others[k]] = true;
    if (rest.error) errors[others[rest.done]] = rest.error, failed = true;
    if (failed) break;  // a customer's later events must wait for this one
  }
  // Whatever after the first event not applied is delivered again; the inbox makes that harmless.
  // That event's own error goes back to the loop (none when it was only not reached yet: the loop
  // then calls again at once, and the failure comes back attached to the event that failed).
  const size_t first = static_cast<size_t>(std::find(done.begin(), done.end(), false) - done.begin());
  if (first == in.size()) return {first, std::nullopt};
  return {first, errors[first]};
}

core::Status Planning::plan_periodic(const std::string& tenant, const std::string& policy_id, const std::string& rule_id,
                                     const std::string& customer_id, core::Timestamp at) {
  auto lp = models_.policy(tenant, policy_id);
  if (!lp) return lp.error();
  if (!*lp) return core::ok_status();  // the policy is gone: the series ends
  Policy only = *(*lp)->policy;
  std::erase_if(only.rules, [&](const Rule& r) { return r.id != rule_id || r.trigger != "periodic"; });
  if (only.rules.empty()) return core::ok_status();
  auto customer = models_.customer(tenant, customer_id);
  if (!customer) return customer.error();
  if (!*customer) return core::ok_status();
  intake::v1::ServiceEventRecorded rec;
  // Unique across tenants, as the visit ids derived from it must be: a tenant name holds no ':'.
  rec.set_service_event_id("periodic-" + tenant + ":" + rule_id + "-" + customer_id + "-" + std::to_string(core::to_millis(at)));
  rec.set_customer_id(customer_id);
  rec.set_org_unit_id((*customer)->org_unit_id());
  rec.set_category("periodic");
  *rec.mutable_occurred_at() = events::to_proto(at);
  // The next occurrence: the timer member is the series, its score the next time.
  store::IndexOp next{"ZADD", keys::kTimers,
                      {std::to_string(core::to_millis(at + std::chrono::hours(24 * only.rules[0].every_days))),
                       "periodic|" + tenant + "|" + policy_id + "|" + rule_id + "|" + customer_id}};
  events::EventContext ctx{tenant, rec.org_unit_id(), customer_id, rec.service_event_id(), "", {}};
  return plan_trigger(ctx, rec, **lp, only, std::nullopt, {std::move(next)});
}

core::Status Planning::start_periodic(const std::string& tenant, const intake::v1::Customer& c, core::Timestamp at) {
  auto conn_ids = [&]() -> core::Result<std::vector<std::string>> {
    auto conn = store_.pool().lease();
    auto r = conn->command({"SMEMBERS", store_.key(store_.partition_of(keys::tenant_partition(tenant)), keys::periodic_policies(tenant))});
    if (!r) return r.error();
    std::vector<std::string> out;
    for (const auto& e : r->elements) out.push_back(e.str);
    return out;
  }();
  if (!conn_ids) return conn_ids.error();
  const CustomerProfile profile = ReadModels::profile_of(c);
  for (const auto& policy_id : *conn_ids) {
    auto lp = models_.policy(tenant, policy_id);
    if (!lp) return lp.error();
    if (!*lp) continue;
    Trigger probe{"", "periodic", at, c.org_unit_id(), {}};
    for (const auto& rule : (*lp)->policy->rules)
      if (rule.trigger == "periodic" && matches(rule, profile, probe))
        if (auto st = plan_periodic(tenant, policy_id, rule.id, c.id(), at); !st) return st;
  }
  return core::ok_status();
}

core::Status Planning::plan_trigger(const events::EventContext& ctx, const intake::v1::ServiceEventRecorded& rec,
                                    const LoadedPolicy& lp, const Policy& policy,
                                    std::optional<store::InboxMark> inbox, std::vector<store::IndexOp> extra_ops) {
  auto in = models_.planning_inputs({{ctx.tenant_id, rec.customer_id()}});
  if (!in) return in.error();
  auto planned = decide_trigger(ctx, rec, lp, policy, in->customers[0], in->tenants[ctx.tenant_id], std::move(inbox),
                                std::move(extra_ops));
  if (!planned) return planned.error();
  std::vector<PlannedTrigger> one;
  one.push_back(std::move(*planned));
  return commit(one)[0];
}

std::vector<core::Status> Planning::commit(std::vector<PlannedTrigger>& planned) {
  std::vector<store::AppendRequest> requests;
  requests.reserve(planned.size());
  for (auto& p : planned) requests.push_back(std::move(p.request));
  auto results = store_.append_batch(requests);
  std::vector<core::Status> out;
  std::vector<std::pair<std::string, std::string>> assigned;
  for (size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    // Already planned (a replay through another path) or already applied: nothing to do.
    if (!r && r.error().code != store::errc::duplicate_message && r.error().code != store::errc::version_conflict) {
      out.push_back(r.error());
      continue;
    }
    out.push_back(core::ok_status());
    if (r)
      for (const auto& agent : planned[i].assigned_agents) assigned.emplace_back(planned[i].tenant_id, agent);
  }
  if (auto st = models_.add_loads(assigned, 1); !st)
    core::log::warn("workload not counted", {{"visits", assigned.size()}, {"error", st.error().to_string()}});
  return out;
}

core::Result<PlannedTrigger> Planning::decide_trigger(const events::EventContext& ctx,
                                                      const intake::v1::ServiceEventRecorded& rec,
                                                      const LoadedPolicy& lp_value, const Policy& policy,
                                                      const CustomerInputs& in, TenantInputs& tenant_in,
                                                      std::optional<store::InboxMark> inbox,
                                                      std::vector<store::IndexOp> extra_ops) {
  const std::string& tenant = ctx.tenant_id;
  const LoadedPolicy* lp = &lp_value;
  if (!in.customer)
    return core::make_error(core::make_error_code(core::errc::not_found),
                            "customer " + rec.customer_id() + " unknown to scheduling (intake event missing?)");
  const std::string ledger_key = keys::ledger(ctx.tenant_id, rec.customer_id());
  Trigger trigger{rec.service_event_id(), rec.category(), events::from_proto(rec.occurred_at()), rec.org_unit_id(),
                  {rec.attributes().begin(), rec.attributes().end()}};
  CustomerProfile profile = ReadModels::profile_of(*in.customer);
  profile.time_zone = zone_of(profile.time_zone, profile.org_unit_id, tenant_in.zones);
  const auto outcomes = plan(policy, tenant_in.calendar, profile, trigger, in.ledger);
  const auto agents = agents_in(tenant_in.agents, rec.org_unit_id());
  auto& load = tenant_in.load;

  PlannedTrigger out{tenant, {rec.customer_id(), {}, inbox, std::move(extra_ops)}, {}};
  store::AppendRequest& req = out.request;
  std::vector<std::string>& assigned_agents = out.assigned_agents;
  store::StreamAppend decisions{{"plan", rec.service_event_id()}, store::ExpectedVersion::no_stream(), {}};
  auto stamp = [&](Envelope env, const store::StreamId& stream, uint64_t version) {
    factory_.stamp(env, ctx, stream, version);
    return events::stored_form(env);
  };
  for (const auto& v : outcomes) {
    v1::SchedulingEvent body;
    const v1::PlanDecision d = decision_of(v, rec, *lp);
    if (v.outcome != Outcome::planned) {
      if (v.outcome == Outcome::sampled_out) {
        auto* s = body.mutable_visit_sampled_out();
        *s->mutable_decision() = d;
        s->set_sample_rate(v.rule->sample_rate);
        s->set_bucket(v.bucket);
      } else if (v.outcome == Outcome::merged) {
        auto* m = body.mutable_visit_merged();
        *m->mutable_decision() = d;
        m->set_into_visit_id(v.other_visit_id);
        m->set_detail(v.reason);
      } else {
        auto* s = body.mutable_visit_suppressed();
        *s->mutable_decision() = d;
        s->set_reason(to_proto(v.suppression));
        s->set_detail(v.reason);
        s->set_conflicting_visit_id(v.other_visit_id);
      }
      decisions.events.push_back(stamp(scheduling_event(std::move(body)), decisions.stream, decisions.events.size() + 1));
      continue;
    }
    auto* p = body.mutable_visit_planned();
    *p->mutable_decision() = d;
    *p->mutable_due_from() = events::to_proto(v.due_from);
    *p->mutable_due_by() = events::to_proto(v.due_by);
    p->set_channel(v.rule->channel);
    p->set_script_id(v.rule->script);
    p->set_survey_id(v.rule->survey ? v.rule->script : "");
    for (const auto& q : v.theme_questions) p->add_theme_questions(q);
    p->set_reason(v.reason);
    p->set_complaint_threshold(v.rule->complaint_threshold);
    p->set_rate_target(v.rule->target_rate);
    p->set_complaint_id(rec.attributes().contains("complaint_id") ? rec.attributes().at("complaint_id") : "");
    // The rules the visit service runs the visit's life by, so it never asks again.
    p->set_max_attempts(static_cast<uint32_t>(policy.max_attempts));
    for (const auto c : policy.fallback) p->add_fallback_channels(c);
    p->set_retry_after_hours(static_cast<uint32_t>(policy.retry_after_hours));
    for (const auto& w : policy.windows) {
      auto* cw = p->add_calling_windows();
      cw->set_start_minute(static_cast<uint32_t>(w.start_minute));
      cw->set_end_minute(static_cast<uint32_t>(w.end_minute));
    }
    p->set_time_zone(profile.time_zone);
    p->set_skip_weekends(policy.skip_weekends);
    p->set_skip_holidays(policy.skip_holidays);
    auto choice = choose_agent(agents, load, rec.category(), v.rule->assign_manager, profile.tier == "key_account");
    if (choice) {
      p->set_agent_id(choice->agent_id);
      p->set_assignment_reason(choice->reason);
      load[choice->agent_id]++;
      assigned_agents.push_back(choice->agent_id);
    } else {
      // Agents may not have reached scheduling yet (their events travel under another key): the
      // visit waits in the org unit's unassigned set until one registers.
      core::log::warn("visit planned without an agent yet", {{"visit", v.visit_id}, {"error", choice.error().to_string()}});
      req.index_ops.push_back({"SADD", keys::unassigned(ctx.tenant_id, rec.org_unit_id()),
                               {v.visit_id + "|" + rec.customer_id() + "|" + rec.category() + "|" + rec.service_event_id()}});
    }
    decisions.events.push_back(stamp(scheduling_event(std::move(body)), decisions.stream, decisions.events.size() + 1));
    req.index_ops.push_back({"ZADD", ledger_key, {std::to_string(core::to_millis(v.due_from)), v.visit_id}});
  }
  req.streams.push_back(std::move(decisions));
  return out;
}


core::Status Planning::assign_waiting(const std::string& tenant, const std::string& org_unit_id) {
  const std::string set = keys::unassigned(tenant, org_unit_id);
  for (uint32_t p = 0; p < store_.partitions(); ++p) {
    auto waiting = store_.pool().lease()->command({"SMEMBERS", store_.key(p, set)});
    if (!waiting) return waiting.error();
    if (waiting->elements.empty()) continue;
    auto agents = models_.agents(tenant, org_unit_id);
    if (!agents) return agents.error();
    auto load = models_.load(tenant);
    if (!load) return load.error();
    for (const auto& m : waiting->elements) {
      // visit|customer|category|service event
      const std::vector<std::string> f = fields(m.str);
      if (f.size() != 4) return store::bad_reply("unassigned member '" + m.str + "'");
      const std::string &vid = f[0], &customer = f[1], &category = f[2], &service_event = f[3];
      auto c = choose_agent(*agents, *load, category, false, false);
      if (!c) continue;  // still nobody suitable: keep waiting
      v1::SchedulingEvent body;
      auto* as = body.mutable_visit_assigned();
      as->set_visit_id(vid);
      as->set_agent_id(c->agent_id);
      as->set_reason(c->reason);
      as->set_org_unit_id(org_unit_id);
      // Recorded with the decisions of the trigger that planned the visit, which explain it.
      auto appended = decisions_.execute(customer, {"plan", service_event}, [&](const auto&) -> core::Result<runtime::Change> {
        runtime::Change change(events::Decision{{tenant, org_unit_id, customer, service_event, "", {}},
                                                {scheduling_event(body)}});
        change.read_model.push_back({"SREM", set, {m.str}});
        return change;
      });
      if (!appended) return appended.error();
      (*load)[c->agent_id]++;
      if (auto l = models_.add_load(tenant, c->agent_id, 1); !l)
        core::log::warn("workload not counted", {{"agent", c->agent_id}, {"error", l.error().to_string()}});
    }
  }
  return core::ok_status();
}

core::Result<size_t> Planning::fire_timers(std::vector<uint32_t> partitions, size_t max_per_partition) {
  if (partitions.empty()) partitions = store_.all_partitions();
  // Partitions are independent (each holds its own customers' visits), so workers take every
  // kTimerWorkers-th one: Redis then commits several workers' appends with one fsync instead of
  // one fsync per visit in a row.
  const size_t workers_n = std::min<size_t>(4, partitions.size());
  const int64_t now = core::to_millis(clock_.now());
  std::vector<std::future<core::Result<size_t>>> workers;
  for (size_t w = 0; w < workers_n; ++w)
    workers.push_back(std::async(std::launch::async, [this, w, workers_n, now, max_per_partition, &partitions]() -> core::Result<size_t> {
      size_t fired = 0;
      for (size_t i = w; i < partitions.size(); i += workers_n) {
        auto n = fire_partition(partitions[i], now, max_per_partition);
        if (!n) return n.error();
        fired += *n;
      }
      return fired;
    }));
  size_t fired = 0;
  std::optional<core::Error> failed;
  for (auto& w : workers) {
    auto n = w.get();
    if (n) fired += *n;
    else failed = n.error();
  }
  if (failed) return *failed;
  return fired;
}

core::Result<size_t> Planning::fire_partition(uint32_t p, int64_t now, size_t max_per_partition) {
  auto due = store_.pool().lease()->command({"ZRANGEBYSCORE", store_.key(p, keys::kTimers), "-inf", std::to_string(now),
                                             "LIMIT", "0", std::to_string(max_per_partition)});
  if (!due) return due.error();
  size_t fired = 0;
  for (const auto& m : due->elements) {
    // periodic|tenant|policy|rule|customer: plan this occurrence, which re-arms the timer.
    const std::vector<std::string> f = fields(m.str);
    if (f.size() != 5 || f[0] != "periodic") return store::bad_reply("timer member '" + m.str + "'");
    if (auto st = plan_periodic(f[1], f[2], f[3], f[4], clock_.now()); !st) return st.error();
    ++fired;
  }
  return fired;
}

namespace {

// One decision in words: a planned visit with an agent also says to whom it went.
std::vector<v1::Explanation> explain(const Envelope& e) {
  v1::Explanation x;
  *x.mutable_decided_at() = e.recorded_at();
  const auto& b = e.scheduling();
  auto from = [&x](const v1::PlanDecision& d) {
    x.set_policy_id(d.policy_id());
    x.set_policy_version(d.policy_version());
    x.set_rule_id(d.rule_id());
  };
  auto assigned = [&](const std::string& agent, v1::AssignmentReason why) {
    v1::Explanation a;
    *a.mutable_decided_at() = e.recorded_at();
    a.set_outcome("assigned");
    a.set_text("assigned to " + agent + " (" + v1::AssignmentReason_Name(why) + ")");
    return a;
  };
  switch (b.event_case()) {
    case v1::SchedulingEvent::kVisitPlanned: {
      const auto& p = b.visit_planned();
      x.set_outcome("planned");
      x.set_text(p.reason());
      from(p.decision());
      if (p.agent_id().empty()) return {x};
      return {x, assigned(p.agent_id(), p.assignment_reason())};
    }
    case v1::SchedulingEvent::kVisitSampledOut:
      x.set_outcome("sampled_out");
      x.set_text("sampled out: bucket " + std::to_string(b.visit_sampled_out().bucket()) + " ≥ rate " +
                 std::to_string(b.visit_sampled_out().sample_rate()));
      from(b.visit_sampled_out().decision());
      break;
    case v1::SchedulingEvent::kVisitSuppressed:
      x.set_outcome("suppressed");
      x.set_text(b.visit_suppressed().detail());
      from(b.visit_suppressed().decision());
      break;
    case v1::SchedulingEvent::kVisitMerged:
      x.set_outcome("merged");
      x.set_text(b.visit_merged().detail());
      from(b.visit_merged().decision());
      break;
    case v1::SchedulingEvent::kVisitAssigned: return {assigned(b.visit_assigned().agent_id(), b.visit_assigned().reason())};
    default: x.set_outcome(e.type());
  }
  return {x};
}

// The visit a decision is about.
std::string_view visit_of(const Envelope& e) {
  const auto& b = e.scheduling();
  switch (b.event_case()) {
    case v1::SchedulingEvent::kVisitPlanned: return b.visit_planned().decision().visit_id();
    case v1::SchedulingEvent::kVisitSampledOut: return b.visit_sampled_out().decision().visit_id();
    case v1::SchedulingEvent::kVisitSuppressed: return b.visit_suppressed().decision().visit_id();
    case v1::SchedulingEvent::kVisitMerged: return b.visit_merged().decision().visit_id();
    case v1::SchedulingEvent::kVisitAssigned: return b.visit_assigned().visit_id();
    default: return {};
  }
}

}  // namespace

core::Result<std::vector<v1::Explanation>> Planning::decisions(const edge::TenantScope& scope, const std::string& customer_id,
                                                               const std::string& service_event_id,
                                                               std::string_view only_visit) {
  auto loaded = store_.load(customer_id, {"plan", service_event_id}, false);
  if (!loaded) return loaded.error();
  auto events = runtime::events_of(*loaded, {"plan", service_event_id});
  if (!events) return events.error();
  std::vector<v1::Explanation> out;
  for (const auto& e : *events) {
    if (!scope.sees(e.tenant_id(), e.org_unit_id())) continue;  // another tenant's, or another unit's
    if (!only_visit.empty() && visit_of(e) != only_visit) continue;
    for (auto& x : explain(e)) {
      x.set_service_event_id(service_event_id);
      out.push_back(std::move(x));
    }
  }
  return out;
}

core::Result<std::vector<v1::Explanation>> Planning::explain_visit(const edge::TenantScope& scope, const std::string& customer_id,
                                                                   const std::string& visit_id,
                                                                   std::string service_event_id) {
  if (service_event_id.empty()) {  // visits planned while scheduling still kept the index
    auto trigger = store_.pool().lease()->command(
        {"HGET", store_.key(store_.partition_of(customer_id), keys::kLegacyVisitTrigger), visit_id});
    if (!trigger) return trigger.error();
    if (trigger->type != store::Reply::Type::string)
      return core::make_error(core::make_error_code(core::errc::not_found),
                              "visit " + visit_id + ": no planning decision found without the service event it was "
                              "planned for (service_event_id; VisitService.ExplainVisit names it; huifangctl: policy "
                              "explain --event)");
    service_event_id = trigger->str;
  }
  auto out = decisions(scope, customer_id, service_event_id, visit_id);
  if (out && out->empty())
    return core::make_error(core::make_error_code(core::errc::not_found),
                            "visit " + visit_id + " was never planned for service event " + service_event_id);
  return out;
}

core::Result<std::vector<v1::Explanation>> Planning::explain_service_event(const edge::TenantScope& scope,
                                                                           const std::string& customer_id,
                                                                           const std::string& service_event_id) {
  auto out = decisions(scope, customer_id, service_event_id, {});
  if (out && out->empty())
    return core::make_error(core::make_error_code(core::errc::not_found),
                            "no planning decision for service event " + service_event_id);
  return out;
}

}  // namespace huifang::scheduling
