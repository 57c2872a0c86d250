#include "buckets.h"

#include <cmath>

#include "figures.h"

namespace huifang::analytics {
namespace {

// Adds or takes back `v` modulo 2^64: a contribution taken back restores the counter exactly.
template <typename T>
void bump(T& field, T v, int sign) {
  field = sign > 0 ? field + v : field - v;
}

// Adds `from` into `into` entry by entry, dropping the entries that fall to zero.
template <typename Map, typename Fn>
void merge(Map& into, const Map& from, Fn&& add_value) {
  for (const auto& [k, v] : from) {
    auto& slot = into[k];
    add_value(slot, v);
    if (slot == typename Map::mapped_type{}) into.erase(k);
  }
}

}  // namespace

void Totals::add(const Totals& o, int sign) {
  for (auto [field, v] : {std::pair{&due, o.due}, {&completed, o.completed}, {&overdue, o.overdue},
                          {&unreachable, o.unreachable}, {&target_ppm, o.target_ppm}, {&surveyed, o.surveyed},
                          {&opinions, o.opinions}, {&suggestions, o.suggestions}, {&needs, o.needs},
                          {&complaints, o.complaints}, {&effective, o.effective}, {&repeats, o.repeats},
                          {&resolved, o.resolved}, {&open, o.open}, {&follow_ups_due, o.follow_ups_due},
                          {&follow_ups_done, o.follow_ups_done}, {&follow_ups_within, o.follow_ups_within}})
    bump(*field, v, sign);
  bump(resolve_us, o.resolve_us, sign);
  merge(dimensions, o.dimensions, [sign](DimensionCounts& d, const DimensionCounts& v) {
    bump(d.satisfied, v.satisfied, sign);
    bump(d.unsatisfied, v.unsatisfied, sign);
    bump(d.unrated, v.unrated, sign);
  });
  merge(per_responsible, o.per_responsible, [sign](uint64_t& n, uint64_t v) { bump(n, v, sign); });
  merge(funnel, o.funnel, [sign](uint64_t& n, uint64_t v) { bump(n, v, sign); });
}

bool Totals::empty() const {
  return due == 0 && surveyed == 0 && complaints == 0 && dimensions.empty() && funnel.empty() &&
         per_responsible.empty() && follow_ups_due == 0 && follow_ups_done == 0;
}

Totals Totals::visits_only() const {
  Totals t;
  t.due = due, t.completed = completed, t.overdue = overdue, t.unreachable = unreachable, t.target_ppm = target_ppm;
  t.dimensions = dimensions;
  t.surveyed = surveyed, t.opinions = opinions, t.suggestions = suggestions, t.needs = needs;
  return t;
}

void Buckets::add_to(BucketKey key, const Totals& t, int sign) {
  auto [it, inserted] = buckets_.try_emplace(std::move(key));
  it->second.add(t, sign);
  if (it->second.empty()) buckets_.erase(it);
}

void Buckets::add(const v1::VisitFact& v, int sign) {
  if (v.tenant_id().empty()) return;
  // Due: counted in the day it became due, once its time came (or it was completed or closed);
  // a visit called off because the customer withdrew consent was never owed.
  if ((v.due() || v.completed() || v.closed()) && !v.cancelled()) {
    Totals t;
    t.due = 1;
    t.target_ppm = static_cast<uint64_t>(std::llround((v.rate_target() > 0 ? v.rate_target() : 1.0) * 1e6));
    t.completed = v.completed();
    t.overdue = v.overdue() && !v.completed() && !v.closed();
    t.unreachable = v.closed() && !v.completed();
    add_to({v.tenant_id(), v.due_day(), v.org_unit_id(), v.agent_id(), v.category()}, t, sign);
  }
  // Surveyed: counted in the day it was completed; care messages carry no survey.
  if (v.completed() && !v.care_only()) {
    Totals t;
    t.surveyed = 1;
    t.opinions = v.has_opinion();
    t.suggestions = v.has_suggestion();
    t.needs = v.has_need();
    for (const auto& r : v.ratings()) {
      auto& d = t.dimensions[r.dimension()];
      switch (verdict(r.score())) {
        case Verdict::satisfied: ++d.satisfied; break;
        case Verdict::unsatisfied: ++d.unsatisfied; break;
        case Verdict::unrated: ++d.unrated; break;
      }
    }
    add_to({v.tenant_id(), v.completed_day(), v.org_unit_id(), v.agent_id(), v.category()}, t, sign);
  }
}

void Buckets::add(const v1::ComplaintFact& c, int sign) {
  if (c.tenant_id().empty() || c.state().empty()) return;  // only later events seen so far
  Totals t;
  t.complaints = 1;
  t.effective = c.effective();
  t.repeats = c.repeat();
  t.open = c.state() != "closed";
  if (c.resolved_us() > 0) {
    t.resolved = 1;
    t.resolve_us = c.resolved_us() - c.opened_us();
  }
  t.follow_ups_due = c.follow_ups_due();
  t.follow_ups_done = c.follow_ups_done();
  t.follow_ups_within = c.follow_ups_within();
  if (!c.responsible().empty()) t.per_responsible[c.responsible()] = 1;
  t.funnel["opened"] = 1;
  if (c.resolved_us() > 0) t.funnel["resolved"] = 1;
  if (c.follow_ups_done() > 0) t.funnel["followed_up"] = 1;
  if (c.state() == "closed") t.funnel["closed"] = 1;
  if (c.reopened() > 0) t.funnel["reopened"] = 1;
  // Complaints are not an agent's figure: their buckets have no agent.
  add_to({c.tenant_id(), c.opened_day(), c.org_unit_id(), "", c.category()}, t, sign);
}

void Buckets::for_each(const std::string& tenant, int32_t from_day, int32_t to_day,
                       const std::function<void(const BucketKey&, const Totals&)>& fn) const {
  for (auto it = buckets_.lower_bound(BucketKey{tenant, from_day, {}, {}, {}});
       it != buckets_.end() && it->first.tenant_id == tenant && it->first.day < to_day; ++it)
    fn(it->first, it->second);
}

std::set<std::string> Buckets::tenants() const {
  std::set<std::string> out;
  // One lookup per tenant: jump past each tenant's buckets.
  for (auto it = buckets_.begin(); it != buckets_.end();
       it = buckets_.lower_bound(BucketKey{it->first.tenant_id + '\0', INT32_MIN, {}, {}, {}}))
    out.insert(it->first.tenant_id);
  return out;
}

}  // namespace huifang::analytics
