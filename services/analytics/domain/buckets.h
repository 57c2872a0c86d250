#pragma once
// The counters the dashboards read: one Totals per (tenant, local day, org unit, agent, category)
// bucket. A fact adds its contribution to the buckets it falls in; when the fact changes, its old
// contribution is taken back and the new one added, so the counters always equal a fold of the
// facts — and a query costs the buckets of its slice, not every visit ever recorded. Counters are
// integers so that taking a contribution back restores them exactly.
#include <climits>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "huifang/analytics/v1/projection.pb.h"

namespace huifang::analytics {

struct DimensionCounts {
  uint64_t satisfied = 0, unsatisfied = 0, unrated = 0;
  bool operator==(const DimensionCounts&) const = default;
};

// Sums over the facts of one bucket or group; the figures are derived with figures.h.
struct Totals {
  // Visits, bucketed by the day they became due.
  uint64_t due = 0, completed = 0, overdue = 0, unreachable = 0;
  uint64_t target_ppm = 0;  // Σ rate targets of due visits, in millionths
  // Surveys, bucketed by the day they were completed.
  std::map<std::string, DimensionCounts> dimensions;
  uint64_t surveyed = 0, opinions = 0, suggestions = 0, needs = 0;
  // Complaints, bucketed by the day they were opened.
  uint64_t complaints = 0, effective = 0, repeats = 0, resolved = 0, open = 0;
  int64_t resolve_us = 0;  // Σ time to resolve over resolved complaints
  uint64_t follow_ups_due = 0, follow_ups_done = 0, follow_ups_within = 0;
  std::map<std::string, uint64_t> per_responsible;
  std::map<std::string, uint64_t> funnel;  // opened, resolved, followed_up, closed, reopened

  // Adds `o` (sign +1) or takes it back (sign -1); entries that fall to zero are dropped, so a
  // dimension nobody rated any more has no bar.
  void add(const Totals& o, int sign = 1);
  bool empty() const;
  // The visit and survey counters alone (agent figures: complaints are not an agent's).
  Totals visits_only() const;
  // The visit-rate standard of the due visits (the mean of their targets).
  double standard() const { return due ? static_cast<double>(target_ppm) / 1e6 / static_cast<double>(due) : 0; }
  double mean_hours_to_resolve() const {
    return resolved ? static_cast<double>(resolve_us) / 3.6e9 / static_cast<double>(resolved) : 0;
  }
};

struct BucketKey {
  std::string tenant_id;
  int32_t day = 0;  // local days since 1970-01-01
  std::string org_unit_id, agent_id, category;  // agent empty for complaints
  auto tie() const { return std::tie(tenant_id, day, org_unit_id, agent_id, category); }
  bool operator<(const BucketKey& o) const { return tie() < o.tie(); }
};

class Buckets {
 public:
  // Adds (sign +1) or takes back (sign -1) what one fact counts for.
  void add(const v1::VisitFact& f, int sign);
  void add(const v1::ComplaintFact& f, int sign);

  // Every non-empty bucket of `tenant` with from_day <= day < to_day, in day order.
  void for_each(const std::string& tenant, int32_t from_day, int32_t to_day,
                const std::function<void(const BucketKey&, const Totals&)>& fn) const;
  std::set<std::string> tenants() const;
  size_t size() const { return buckets_.size(); }
  void clear() { buckets_.clear(); }

 private:
  void add_to(BucketKey key, const Totals& t, int sign);
  std::map<BucketKey, Totals> buckets_;
};

}  // namespace huifang::analytics
