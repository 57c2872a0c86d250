#include "projection.h"

#include <algorithm>
#include <chrono>

#include "figures.h"

namespace huifang::analytics {
namespace {

std::string key(const std::string& tenant, const std::string& id) { return tenant + "/" + id; }

// Set-once helpers: each returns true when it changed the fact.
template <typename T>
bool set(T& field, const T& value) {
  if (field == value) return false;
  field = value;
  return true;
}

}  // namespace

int32_t Projection::local_day(core::Timestamp t) const {
  using namespace std::chrono;
  return static_cast<int32_t>(floor<days>(t + hours(offset_hours_)).time_since_epoch().count());
}

int32_t Projection::bucket_start(int32_t day, Granularity g) const {
  using namespace std::chrono;
  if (g == Granularity::none) return INT32_MIN;
  if (g == Granularity::day) return day;
  if (g == Granularity::week) return day - ((day + 3) % 7 + 7) % 7;  // Mondays (1970-01-01 was a Thursday)
  year_month_day ymd{sys_days{days{day}}};
  unsigned m = static_cast<unsigned>(ymd.month());
  if (g == Granularity::quarter) m = (m - 1) / 3 * 3 + 1;
  return static_cast<int32_t>(sys_days{ymd.year() / month{m} / 1}.time_since_epoch().count());
}

bool Projection::apply(const events::Envelope& e) {
  switch (e.body_case()) {
    case events::Envelope::kScheduling: return apply_scheduling(e);
    case events::Envelope::kVisit: return apply_visit(e);
    case events::Envelope::kComplaints: return apply_complaint(e);
    case events::Envelope::kIntake: return apply_intake(e);
    default: return false;
  }
}

void Projection::apply_at(const events::Envelope& e, const std::string& topic, int32_t partition, int64_t offset) {
  apply(e);
  ++applied_;
  auto& cp = checkpoints_[topic + "/" + std::to_string(partition)];
  cp = std::max(cp, offset);
}

bool Projection::apply_intake(const events::Envelope& e) {
  const auto& b = e.intake();
  if (b.has_org_unit_defined()) {
    const auto& u = b.org_unit_defined().org_unit();
    auto& slot = org_[key(e.tenant_id(), u.id())];
    if (slot.SerializeAsString() == u.SerializeAsString()) return false;
    slot = u;
    dirty_.org_units.insert(key(e.tenant_id(), u.id()));
    return true;
  }
  const intake::v1::Agent* a = b.has_agent_registered() ? &b.agent_registered().agent()
                               : b.has_agent_updated()  ? &b.agent_updated().agent()
                                                        : nullptr;
  if (!a) return false;
  intake::v1::Agent kept;  // staff label and unit only
  kept.set_id(a->id());
  kept.set_display_name(a->display_name());
  kept.set_org_unit_id(a->org_unit_id());
  auto& slot = agents_[key(e.tenant_id(), a->id())];
  if (slot.SerializeAsString() == kept.SerializeAsString()) return false;
  slot = kept;
  dirty_.agents.insert(key(e.tenant_id(), a->id()));
  return true;
}

bool Projection::apply_scheduling(const events::Envelope& e) {
  const auto& b = e.scheduling();
  std::string id;
  bool changed = false;
  VisitFact* v = nullptr;
  auto fact = [&](const std::string& visit_id) -> VisitFact& {
    id = visit_id;
    v = &visits_[visit_id];
    changed |= set(*v->mutable_tenant_id(), e.tenant_id());
    return *v;
  };
  if (b.has_visit_planned()) {
    const auto& p = b.visit_planned();
    auto& f = fact(p.decision().visit_id());
    changed |= set(*f.mutable_org_unit_id(), p.decision().org_unit_id());
    changed |= set(*f.mutable_category(), p.decision().category());
    if (!f.planned()) {
      f.set_planned(true);
      f.set_due_day(local_day(events::from_proto(p.due_from())));
      f.set_due_by_us(core::to_micros(events::from_proto(p.due_by())));
      f.set_rate_target(p.rate_target());
      f.set_complaint_id(p.complaint_id());
      f.set_care_only(p.care_only());
      changed = true;
    }
  } else if (b.has_visit_assigned()) {
    changed |= set(*fact(b.visit_assigned().visit_id()).mutable_agent_id(), b.visit_assigned().agent_id());
  } else if (b.has_visit_due()) {
    auto& f = fact(b.visit_due().visit_id());
    if (!f.due()) f.set_due(true), changed = true;
    if (f.agent_id().empty()) changed |= set(*f.mutable_agent_id(), b.visit_due().agent_id());
  } else if (b.has_visit_overdue()) {
    auto& f = fact(b.visit_overdue().visit_id());
    if (!f.overdue() && !f.completed()) f.set_overdue(true), f.set_due(true), changed = true;
  } else if (b.has_visit_closed_unreachable()) {
    auto& f = fact(b.visit_closed_unreachable().visit_id());
    if (!f.closed()) f.set_closed(true), changed = true;
  }
  if (changed) dirty_.visits.insert(id);
  return changed;
}

bool Projection::apply_visit(const events::Envelope& e) {
  if (!e.visit().has_visit_completed()) return false;
  const auto& c = e.visit().visit_completed();
  auto& f = visits_[c.visit_id()];
  if (f.completed()) return false;
  f.set_tenant_id(e.tenant_id());
  f.set_completed(true);
  f.set_overdue(false);
  f.set_completed_day(local_day(events::from_proto(c.completed_at())));
  if (!f.planned()) {  // completion seen before the plan (topics interleave): the plan fills these in later
    f.set_org_unit_id(c.org_unit_id());
    f.set_category(c.category());
    f.set_due_day(f.completed_day());
  }
  if (!c.agent_id().empty()) f.set_agent_id(c.agent_id());
  *f.mutable_ratings() = c.ratings();
  f.set_has_opinion(!c.opinions().empty());
  f.set_has_suggestion(!c.suggestions().empty());
  f.set_has_need(!c.needs().empty());
  dirty_.visits.insert(c.visit_id());
  return true;
}

bool Projection::apply_complaint(const events::Envelope& e) {
  const auto& b = e.complaints();
  std::string id;
  switch (b.event_case()) {
    case complaints::v1::ComplaintEvent::kComplaintOpened: id = b.complaint_opened().complaint_id(); break;
    case complaints::v1::ComplaintEvent::kComplaintAssigned: id = b.complaint_assigned().complaint_id(); break;
    case complaints::v1::ComplaintEvent::kComplaintInvestigationStarted: id = b.complaint_investigation_started().complaint_id(); break;
    case complaints::v1::ComplaintEvent::kComplaintEscalated: id = b.complaint_escalated().complaint_id(); break;
    case complaints::v1::ComplaintEvent::kComplaintResolved: id = b.complaint_resolved().complaint_id(); break;
    case complaints::v1::ComplaintEvent::kComplaintFollowedUp: id = b.complaint_followed_up().complaint_id(); break;
    case complaints::v1::ComplaintEvent::kComplaintClosed: id = b.complaint_closed().complaint_id(); break;
    case complaints::v1::ComplaintEvent::kComplaintReopened: id = b.complaint_reopened().complaint_id(); break;
    case complaints::v1::ComplaintEvent::kRepeatFlagged: id = e.stream().id(); break;
    default: return false;
  }
  auto& f = complaints_[id];
  if (e.stream_version() <= f.version()) return false;  // seen already
  f.set_version(e.stream_version());
  switch (b.event_case()) {
    case complaints::v1::ComplaintEvent::kComplaintOpened: {
      const auto& o = b.complaint_opened();
      f.set_tenant_id(e.tenant_id());
      f.set_org_unit_id(o.org_unit_id());
      f.set_category(o.category());
      f.set_responsible(o.responsible());
      f.set_opened_day(local_day(events::from_proto(e.occurred_at())));
      f.set_opened_us(core::to_micros(events::from_proto(e.occurred_at())));
      f.set_effective(o.effective());
      f.set_state("opened");
      break;
    }
    case complaints::v1::ComplaintEvent::kComplaintAssigned:
      if (f.state() == "opened" || f.state() == "reopened") f.set_state("assigned");
      break;
    case complaints::v1::ComplaintEvent::kComplaintInvestigationStarted: f.set_state("investigating"); break;
    case complaints::v1::ComplaintEvent::kComplaintEscalated:
      f.set_level(std::max<uint32_t>(f.level(), b.complaint_escalated().level()));
      break;
    case complaints::v1::ComplaintEvent::kComplaintResolved:
      f.set_state("resolved");
      f.set_resolved_us(core::to_micros(events::from_proto(b.complaint_resolved().resolved_at())));
      f.set_effective(b.complaint_resolved().effective());
      f.set_follow_ups_due(f.follow_ups_due() + 1);
      break;
    case complaints::v1::ComplaintEvent::kComplaintFollowedUp:
      f.set_follow_ups_done(f.follow_ups_done() + 1);
      if (b.complaint_followed_up().within_deadline()) f.set_follow_ups_within(f.follow_ups_within() + 1);
      break;
    case complaints::v1::ComplaintEvent::kComplaintClosed: f.set_state("closed"); break;
    case complaints::v1::ComplaintEvent::kComplaintReopened:
      f.set_state("reopened");
      f.set_reopened(f.reopened() + 1);
      break;
    case complaints::v1::ComplaintEvent::kRepeatFlagged: f.set_repeat(true); break;
    default: break;
  }
  dirty_.complaints.insert(id);
  return true;
}

bool Projection::within(const std::string& tenant, const std::string& unit, const std::string& under) const {
  if (under.empty()) return true;
  std::string u = unit;
  for (int depth = 0; depth < 32 && !u.empty(); ++depth) {
    if (u == under) return true;
    auto it = org_.find(key(tenant, u));
    if (it == org_.end()) return false;
    u = it->second.parent_id();
  }
  return false;
}

std::string Projection::group_unit(const std::string& tenant, const std::string& unit, const std::string& under) const {
  if (unit == under) return unit;
  std::string u = unit;
  for (int depth = 0; depth < 32 && !u.empty(); ++depth) {
    auto it = org_.find(key(tenant, u));
    const std::string parent = it == org_.end() ? "" : it->second.parent_id();
    if (parent == under) return u;
    u = parent;
  }
  return under.empty() ? unit : "";
}

std::map<GroupKey, Totals> Projection::totals(const Filter& f, GroupBy by, Granularity g) const {
  std::map<GroupKey, Totals> out;
  auto group = [&](const std::string& unit, const std::string& agent, const std::string& category) -> std::optional<std::string> {
    switch (by) {
      case GroupBy::none: return std::string();
      case GroupBy::agent: return agent;
      case GroupBy::category: return category;
      case GroupBy::org_unit: {
        auto u = group_unit(f.tenant_id, unit, f.org_unit_id);
        if (u.empty()) return std::nullopt;
        return u;
      }
    }
    return std::nullopt;
  };
  auto selected = [&](const std::string& tenant, const std::string& unit, const std::string& category,
                      const std::string& agent, int32_t day) {
    return tenant == f.tenant_id && day >= f.from_day && day < f.to_day && (f.category.empty() || category == f.category) &&
           (f.agent_id.empty() || agent == f.agent_id) && within(tenant, unit, f.org_unit_id);
  };
  for (const auto& [id, v] : visits_) {
    const bool due = v.due() || v.completed() || v.closed();
    if (due && selected(v.tenant_id(), v.org_unit_id(), v.category(), v.agent_id(), v.due_day())) {
      if (auto k = group(v.org_unit_id(), v.agent_id(), v.category())) {
        auto& t = out[{*k, bucket_start(v.due_day(), g)}];
        ++t.due;
        t.target_sum += v.rate_target() > 0 ? v.rate_target() : 1.0;
        t.completed += v.completed();
        t.overdue += v.overdue() && !v.completed() && !v.closed();
        t.unreachable += v.closed() && !v.completed();
      }
    }
    if (v.completed() && !v.care_only() &&
        selected(v.tenant_id(), v.org_unit_id(), v.category(), v.agent_id(), v.completed_day())) {
      if (auto k = group(v.org_unit_id(), v.agent_id(), v.category())) {
        auto& t = out[{*k, bucket_start(v.completed_day(), g)}];
        ++t.surveyed;
        t.opinions += v.has_opinion();
        t.suggestions += v.has_suggestion();
        t.needs += v.has_need();
        for (const auto& r : v.ratings()) {
          auto& d = t.dimensions[r.dimension()];
          switch (verdict(r.score())) {
            case Verdict::satisfied: ++d.satisfied; break;
            case Verdict::unsatisfied: ++d.unsatisfied; break;
            case Verdict::unrated: ++d.unrated; break;
          }
        }
      }
    }
  }
  for (const auto& [id, c] : complaints_) {
    if (c.state().empty()) continue;  // only later events seen so far
    if (!selected(c.tenant_id(), c.org_unit_id(), c.category(), "", c.opened_day())) continue;
    if (by == GroupBy::agent) continue;  // complaints are not an agent's figure
    auto k = group(c.org_unit_id(), "", c.category());
    if (!k) continue;
    auto& t = out[{*k, bucket_start(c.opened_day(), g)}];
    ++t.complaints;
    t.effective += c.effective();
    t.repeats += c.repeat();
    t.open += c.state() != "closed";
    if (c.resolved_us() > 0) {
      ++t.resolved;
      t.resolve_hours += static_cast<double>(c.resolved_us() - c.opened_us()) / 3.6e9;
    }
    t.follow_ups_due += c.follow_ups_due();
    t.follow_ups_done += c.follow_ups_done();
    t.follow_ups_within += c.follow_ups_within();
    if (!c.responsible().empty()) ++t.per_responsible[c.responsible()];
    ++t.funnel["opened"];
    if (c.resolved_us() > 0) ++t.funnel["resolved"];
    if (c.follow_ups_done() > 0) ++t.funnel["followed_up"];
    if (c.state() == "closed") ++t.funnel["closed"];
    if (c.reopened() > 0) ++t.funnel["reopened"];
  }
  return out;
}

std::vector<OverdueRow> Projection::overdue(const Filter& f) const {
  std::vector<OverdueRow> rows;
  for (const auto& [id, v] : visits_)
    if (v.overdue() && !v.completed() && !v.closed() && v.tenant_id() == f.tenant_id &&
        (f.category.empty() || v.category() == f.category) && (f.agent_id.empty() || v.agent_id() == f.agent_id) &&
        within(v.tenant_id(), v.org_unit_id(), f.org_unit_id))
      rows.push_back({id, &v});
  std::sort(rows.begin(), rows.end(), [](const OverdueRow& a, const OverdueRow& b) {
    return std::make_tuple(a.fact->due_by_us(), a.visit_id) < std::make_tuple(b.fact->due_by_us(), b.visit_id);
  });
  return rows;
}

std::string Projection::org_label(const std::string& tenant, const std::string& unit) const {
  auto it = org_.find(key(tenant, unit));
  return it == org_.end() || it->second.name().empty() ? unit : it->second.name();
}

std::string Projection::agent_label(const std::string& tenant, const std::string& agent) const {
  auto it = agents_.find(key(tenant, agent));
  return it == agents_.end() || it->second.display_name().empty() ? agent : it->second.display_name();
}

std::vector<std::string> Projection::children(const std::string& tenant, const std::string& unit) const {
  std::vector<std::string> out;
  const std::string prefix = tenant + "/";
  for (auto it = org_.lower_bound(prefix); it != org_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    if (it->second.parent_id() == unit) out.push_back(it->second.id());
  return out;
}

std::vector<std::string> Projection::tenants() const {
  std::set<std::string> t;
  for (const auto& [k, u] : org_) t.insert(k.substr(0, k.find('/')));
  for (const auto& [id, v] : visits_) t.insert(v.tenant_id());
  return {t.begin(), t.end()};
}

Projection::Dirty Projection::take_dirty() {
  Dirty d;
  std::swap(d, dirty_);
  return d;
}

void Projection::keep_dirty(const Dirty& d) {
  dirty_.visits.insert(d.visits.begin(), d.visits.end());
  dirty_.complaints.insert(d.complaints.begin(), d.complaints.end());
  dirty_.org_units.insert(d.org_units.begin(), d.org_units.end());
  dirty_.agents.insert(d.agents.begin(), d.agents.end());
}

}  // namespace huifang::analytics
