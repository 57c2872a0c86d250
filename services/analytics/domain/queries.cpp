#include "queries.h"

#include "figures.h"
#include "huifang/paging/paging.h"

namespace huifang::analytics {
namespace {

// The whole slice: ungrouped and unbucketed, totals() has at most one entry.
Totals whole(const Projection& p, const Filter& f) {
  auto all = p.totals(f);
  return all.empty() ? Totals{} : std::move(all.begin()->second);
}

double or_zero(std::optional<double> v) { return v.value_or(0.0); }

}  // namespace

Granularity granularity_of(common::v1::Granularity g) {
  switch (g) {
    case common::v1::GRANULARITY_DAY: return Granularity::day;
    case common::v1::GRANULARITY_WEEK: return Granularity::week;
    case common::v1::GRANULARITY_MONTH: return Granularity::month;
    case common::v1::GRANULARITY_QUARTER: return Granularity::quarter;
    default: return Granularity::none;
  }
}

core::Timestamp day_start(const Projection& p, int32_t day) {
  return core::Timestamp(std::chrono::duration_cast<core::Duration>(std::chrono::days(day) - std::chrono::hours(p.utc_offset_hours())));
}

core::Result<Filter> filter_of(const Projection& p, const v1::FigureQuery& q) {
  if (q.tenant_id().empty()) return core::invalid_argument("tenant_id", "is required");
  Filter f;
  f.tenant_id = q.tenant_id();
  f.org_unit_id = q.org_unit_id();
  f.category = q.category();
  if (q.has_period()) {
    if (q.period().has_from())
      if (auto st = events::check_time(q.period().from(), "period.from"); !st) return st.error();
    if (q.period().has_to())
      if (auto st = events::check_time(q.period().to(), "period.to"); !st) return st.error();
    if (q.period().has_from()) f.from_day = p.local_day(events::from_proto(q.period().from()));
    if (q.period().has_to()) f.to_day = p.local_day(events::from_proto(q.period().to()) - core::Duration(1)) + 1;
    if (f.to_day <= f.from_day) return core::invalid_argument("period", "'to' must be after 'from'");
  }
  return f;
}

v1::Satisfaction satisfaction_of(const Totals& t) {
  v1::Satisfaction s;
  std::vector<std::optional<double>> rates;
  for (const auto& [dim, c] : t.dimensions) {
    auto* d = s.add_dimensions();
    d->set_dimension(dim);
    d->set_satisfied(c.satisfied);
    d->set_unsatisfied(c.unsatisfied);
    d->set_unrated(c.unrated);
    const auto r = satisfaction_rate(c.satisfied, c.unsatisfied);
    d->set_rate(or_zero(r));
    rates.push_back(r);
  }
  s.set_overall(or_zero(overall_satisfaction(rates)));
  return s;
}

core::Result<v1::Overview> overview(const Projection& p, const v1::FigureQuery& q) {
  auto f = filter_of(p, q);
  if (!f) return f.error();
  const Totals t = whole(p, *f);
  v1::Overview o;
  o.set_due(t.due);
  o.set_completed(t.completed);
  o.set_visit_rate(or_zero(visit_rate(t.completed, t.due)));
  o.set_overall_satisfaction(satisfaction_of(t).overall());
  o.set_complaints(t.complaints);
  o.set_overdue(t.overdue);
  o.set_follow_up_within_3_days_rate(or_zero(ratio(t.follow_ups_within, t.follow_ups_due)));
  return o;
}

core::Result<v1::VisitRates> visit_rates(const Projection& p, const v1::GroupedQuery& q) {
  auto f = filter_of(p, q.filter());
  if (!f) return f.error();
  GroupBy by = GroupBy::none;
  if (q.group_by() == v1::GROUP_BY_ORG_UNIT) by = GroupBy::org_unit;
  if (q.group_by() == v1::GROUP_BY_AGENT) by = GroupBy::agent;
  if (q.group_by() == v1::GROUP_BY_CATEGORY) by = GroupBy::category;
  v1::VisitRates out;
  for (const auto& [k, t] : p.totals(*f, by, granularity_of(q.granularity()))) {
    if (t.due == 0) continue;  // complaint- or survey-only rows have no visit rate
    auto* r = out.add_rows();
    r->set_key(k.first);
    r->set_label(by == GroupBy::org_unit ? p.org_label(f->tenant_id, k.first)
                 : by == GroupBy::agent  ? p.agent_label(f->tenant_id, k.first)
                                         : k.first);
    r->set_due(t.due);
    r->set_completed(t.completed);
    r->set_rate(or_zero(visit_rate(t.completed, t.due)));
    r->set_target(t.standard());
    r->set_overdue(t.overdue);
    if (k.second != INT32_MIN) *r->mutable_bucket_start() = events::to_proto(day_start(p, k.second));
  }
  return out;
}

core::Result<v1::Satisfaction> satisfaction(const Projection& p, const v1::FigureQuery& q) {
  auto f = filter_of(p, q);
  if (!f) return f.error();
  return satisfaction_of(whole(p, *f));
}

core::Result<v1::ComplaintStats> complaint_stats(const Projection& p, const v1::FigureQuery& q) {
  auto f = filter_of(p, q);
  if (!f) return f.error();
  const Totals t = whole(p, *f);
  v1::ComplaintStats s;
  s.set_opened(t.complaints);
  s.set_effective(t.effective);
  // Per visit made: complaints (and effective ones) ÷ visits completed in the same slice.
  s.set_complaint_rate(or_zero(ratio(t.complaints, t.completed)));
  s.set_effective_complaint_rate(or_zero(ratio(t.effective, t.completed)));
  for (const auto& [r, n] : t.per_responsible) (*s.mutable_per_responsible())[r] = n;
  s.set_repeats(t.repeats);
  s.set_follow_ups_due(t.follow_ups_due);
  s.set_follow_ups_within_3_days(t.follow_ups_within);
  s.set_mean_hours_to_resolve(t.mean_hours_to_resolve());
  for (const auto& [st, n] : t.funnel) (*s.mutable_funnel())[st] = n;
  return s;
}

core::Result<v1::AgentKpis> agent_kpis(const Projection& p, const v1::FigureQuery& q) {
  auto f = filter_of(p, q);
  if (!f) return f.error();
  v1::AgentKpis out;
  for (const auto& [k, t] : p.totals(*f, GroupBy::agent)) {
    if (k.first.empty() || t.due == 0) continue;
    auto* a = out.add_agents();
    a->set_agent_id(k.first);
    a->set_label(p.agent_label(f->tenant_id, k.first));
    const double rate = or_zero(visit_rate(t.completed, t.due));
    const double standard = t.standard();
    a->set_visit_rate(rate);
    a->set_standard(standard);
    a->set_points_lost(kpi_points_lost(rate, standard));
  }
  return out;
}

core::Result<v1::Trend> trend(const Projection& p, const v1::TrendQuery& q) {
  auto f = filter_of(p, q.filter());
  if (!f) return f.error();
  const Granularity g = granularity_of(q.granularity()) == Granularity::none ? Granularity::day : granularity_of(q.granularity());
  v1::Trend out;
  for (const auto& [k, t] : p.totals(*f, GroupBy::none, g)) {
    std::optional<double> v;
    switch (q.figure()) {
      case v1::TREND_FIGURE_SATISFACTION: {
        const auto sat = satisfaction_of(t);
        if (sat.dimensions_size()) v = sat.overall();
        break;
      }
      case v1::TREND_FIGURE_COMPLAINTS: v = static_cast<double>(t.complaints); break;
      default: v = visit_rate(t.completed, t.due); break;
    }
    if (!v) continue;  // nothing to show for this bucket
    auto* pt = out.add_points();
    *pt->mutable_at() = events::to_proto(day_start(p, k.second));
    pt->set_value(*v);
  }
  return out;
}

core::Result<v1::ListOverdueVisitsResponse> overdue_visits(const Projection& p, const v1::ListOverdueVisitsRequest& r) {
  auto f = filter_of(p, r.filter());
  if (!f) return f.error();
  std::vector<v1::OverdueVisit> rows;
  for (const auto& row : p.overdue(*f)) {
    v1::OverdueVisit v;
    v.set_visit_id(row.visit_id);
    v.set_org_unit_id(row.fact->org_unit_id());
    v.set_agent_id(row.fact->agent_id());
    v.set_category(row.fact->category());
    *v.mutable_due_by() = events::to_proto(core::from_micros(row.fact->due_by_us()));
    rows.push_back(std::move(v));
  }
  v1::ListOverdueVisitsResponse out;
  if (auto st = paging::page_into(rows, r.page(), out.mutable_visits(), out.mutable_page()); !st) return st.error();
  return out;
}

}  // namespace huifang::analytics
