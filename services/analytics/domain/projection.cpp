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

bool Projection::handles(std::string_view t) {
  constexpr std::string_view kTypes[] = {
      "intake.OrgUnitDefined",   "intake.AgentRegistered",  "intake.AgentUpdated",
      "scheduling.VisitPlanned", "scheduling.VisitAssigned", "scheduling.VisitDue",
      "scheduling.VisitOverdue", "scheduling.VisitClosedUnreachable",
      "visit.VisitCompleted",    "visit.VisitDue",           "visit.VisitOverdue",
      "visit.VisitClosedUnreachable", "visit.VisitCancelled"};
  return t.starts_with("complaints.") || std::find(std::begin(kTypes), std::end(kTypes), t) != std::end(kTypes);
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
    if (live_) dirty_.org_units.insert(key(e.tenant_id(), u.id()));
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
  if (live_) dirty_.agents.insert(key(e.tenant_id(), a->id()));
  return true;
}

template <typename Change>
bool Projection::change_visit(const std::string& id, Change&& change) {
  VisitFact& f = visits_[id];
  if (!live_) return change(f);
  VisitFact before = f;
  if (!change(f)) return false;
  count(id, before, -1);
  count(id, f, +1);
  dirty_.visits.insert(id);
  return true;
}

template <typename Change>
bool Projection::change_complaint(const std::string& id, Change&& change) {
  ComplaintFact& f = complaints_[id];
  if (!live_) return change(f);
  ComplaintFact before = f;
  if (!change(f)) return false;
  buckets_.add(before, -1);
  buckets_.add(f, +1);
  dirty_.complaints.insert(id);
  return true;
}

void Projection::count(const std::string& id, const VisitFact& f, int sign) {
  buckets_.add(f, sign);
  if (f.overdue() && !f.completed() && !f.closed() && !f.cancelled() && !f.tenant_id().empty()) {
    std::tuple<std::string, int64_t, std::string> row{f.tenant_id(), f.due_by_us(), id};
    if (sign > 0) overdue_.insert(std::move(row));
    else overdue_.erase(row);
  }
}

void Projection::go_live() {
  buckets_.clear();
  overdue_.clear();
  for (const auto& [id, f] : visits_) count(id, f, +1);
  for (const auto& [id, f] : complaints_) buckets_.add(f, +1);
  live_ = true;
}

bool Projection::apply_scheduling(const events::Envelope& e) {
  const auto& b = e.scheduling();
  switch (b.event_case()) {
    case scheduling::v1::SchedulingEvent::kVisitPlanned: {
      const auto& p = b.visit_planned();
      return change_visit(p.decision().visit_id(), [&](VisitFact& f) {
        bool changed = set(*f.mutable_tenant_id(), e.tenant_id());
        changed |= set(*f.mutable_org_unit_id(), p.decision().org_unit_id());
        changed |= set(*f.mutable_category(), p.decision().category());
        if (!p.agent_id().empty()) changed |= set(*f.mutable_agent_id(), p.agent_id());
        if (!f.planned()) {
          f.set_planned(true);
          f.set_due_day(local_day(events::from_proto(p.due_from())));
          f.set_due_by_us(core::to_micros(events::from_proto(p.due_by())));
          f.set_rate_target(p.rate_target());
          f.set_complaint_id(p.complaint_id());
          f.set_care_only(p.care_only());
          changed = true;
        }
        return changed;
      });
    }
    case scheduling::v1::SchedulingEvent::kVisitAssigned:
      return change_visit(b.visit_assigned().visit_id(), [&](VisitFact& f) {
        return set(*f.mutable_tenant_id(), e.tenant_id()) | set(*f.mutable_agent_id(), b.visit_assigned().agent_id());
      });
    // Published by scheduling before the visit service owned the visit's life; still in the
    // topics' history, so a rebuild counts them as before.
    case scheduling::v1::SchedulingEvent::kVisitDue: return due(e, b.visit_due());
    case scheduling::v1::SchedulingEvent::kVisitOverdue: return overdue(e, b.visit_overdue().visit_id());
    case scheduling::v1::SchedulingEvent::kVisitClosedUnreachable: return closed(e, b.visit_closed_unreachable().visit_id());
    default: return false;
  }
}

bool Projection::due(const events::Envelope& e, const scheduling::v1::VisitDue& d) {
  return change_visit(d.visit_id(), [&](VisitFact& f) {
    bool changed = set(*f.mutable_tenant_id(), e.tenant_id());
    if (!f.due()) f.set_due(true), changed = true;
    if (f.agent_id().empty()) changed |= set(*f.mutable_agent_id(), d.agent_id());
    return changed;
  });
}

bool Projection::overdue(const events::Envelope& e, const std::string& visit_id) {
  return change_visit(visit_id, [&](VisitFact& f) {
    bool changed = set(*f.mutable_tenant_id(), e.tenant_id());
    if (!f.overdue() && !f.completed()) f.set_overdue(true), f.set_due(true), changed = true;
    return changed;
  });
}

bool Projection::closed(const events::Envelope& e, const std::string& visit_id) {
  return change_visit(visit_id, [&](VisitFact& f) {
    bool changed = set(*f.mutable_tenant_id(), e.tenant_id());
    if (!f.closed()) f.set_closed(true), changed = true;
    return changed;
  });
}

bool Projection::apply_visit(const events::Envelope& e) {
  const auto& b = e.visit();
  switch (b.event_case()) {
    case visit::v1::VisitEvent::kVisitCompleted: return completed(e, b.visit_completed());
    case visit::v1::VisitEvent::kVisitDue: return due(e, b.visit_due());
    case visit::v1::VisitEvent::kVisitOverdue: return overdue(e, b.visit_overdue().visit_id());
    case visit::v1::VisitEvent::kVisitClosedUnreachable: return closed(e, b.visit_closed_unreachable().visit_id());
    case visit::v1::VisitEvent::kVisitCancelled:
      return change_visit(b.visit_cancelled().visit_id(), [&](VisitFact& f) {
        bool changed = set(*f.mutable_tenant_id(), e.tenant_id());
        if (!f.cancelled() && !f.completed()) f.set_cancelled(true), changed = true;
        return changed;
      });
    default: return false;
  }
}

bool Projection::completed(const events::Envelope& e, const visit::v1::VisitCompleted& c) {
  return change_visit(c.visit_id(), [&](VisitFact& f) {
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
    // Counted from the flags: the answers themselves travel sealed (older visits: in the clear).
    f.set_has_opinion(c.has_opinions() || !c.opinions().empty());
    f.set_has_suggestion(c.has_suggestions() || !c.suggestions().empty());
    f.set_has_need(c.has_needs() || !c.needs().empty());
    return true;
  });
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
  return change_complaint(id, [&](ComplaintFact& f) {
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
    return true;
  });
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
  // Where each org unit's buckets go (nullopt: outside the filter's subtree); the tree walk is
  // done once per unit of the slice, not once per bucket.
  std::unordered_map<std::string, std::optional<std::string>> unit_group;
  auto group_of_unit = [&](const std::string& unit) -> const std::optional<std::string>& {
    auto [it, inserted] = unit_group.try_emplace(unit);
    if (inserted && within(f.tenant_id, unit, f.org_unit_id)) {
      if (by != GroupBy::org_unit) it->second = std::string();
      else if (auto u = group_unit(f.tenant_id, unit, f.org_unit_id); !u.empty()) it->second = std::move(u);
    }
    return it->second;
  };
  buckets_.for_each(f.tenant_id, f.from_day, f.to_day, [&](const BucketKey& k, const Totals& t) {
    if (!f.category.empty() && k.category != f.category) return;
    if (!f.agent_id.empty() && k.agent_id != f.agent_id) return;
    const auto& unit = group_of_unit(k.org_unit_id);
    if (!unit) return;
    const std::string& group = by == GroupBy::agent      ? k.agent_id
                               : by == GroupBy::category ? k.category
                                                         : *unit;
    if (by != GroupBy::agent) return out[{group, bucket_start(k.day, g)}].add(t);
    // Complaints are not an agent's figure (their buckets share the empty agent with unassigned visits).
    if (Totals visits = t.visits_only(); !visits.empty()) out[{group, bucket_start(k.day, g)}].add(visits);
  });
  return out;
}

std::vector<OverdueRow> Projection::overdue(const Filter& f) const {
  std::vector<OverdueRow> rows;
  for (auto it = overdue_.lower_bound({f.tenant_id, INT64_MIN, {}}); it != overdue_.end() && std::get<0>(*it) == f.tenant_id;
       ++it) {
    const auto& id = std::get<2>(*it);
    const VisitFact& v = visits_.at(id);
    if ((f.category.empty() || v.category() == f.category) && (f.agent_id.empty() || v.agent_id() == f.agent_id) &&
        within(v.tenant_id(), v.org_unit_id(), f.org_unit_id))
      rows.push_back({id, &v});
  }
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

std::unordered_map<std::string, std::string> Projection::org_parents(const std::string& tenant) const {
  std::unordered_map<std::string, std::string> out;
  const std::string prefix = tenant + "/";
  for (auto it = org_.lower_bound(prefix); it != org_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out[it->second.id()] = it->second.parent_id();
  return out;
}

std::vector<std::string> Projection::tenants() const {
  std::set<std::string> t = buckets_.tenants();
  for (const auto& [k, u] : org_) t.insert(k.substr(0, k.find('/')));
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
