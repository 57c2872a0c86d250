#pragma once
// The analytics projection: one fact per visit and per complaint, folded from the events of every
// topic, plus the org tree and agents for labels and roll-up. Applying an event again
// (redelivery, republish, rebuild) changes nothing: visit facts only ever set flags, complaint
// facts skip stream versions they have already seen. Figures are read from counters per bucket
// (buckets.h) that move only when a fact changes, so a dashboard query costs the buckets of its
// slice, never a walk over every visit. Pure: no clock, no I/O; event times decide the buckets
// (local days at a fixed UTC offset, the tenant's reporting zone).
#include <climits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "buckets.h"
#include "huifang/analytics/v1/projection.pb.h"
#include "huifang/events/envelope.h"
#include "huifang/intake/v1/events.pb.h"

namespace huifang::analytics {

using v1::ComplaintFact;
using v1::VisitFact;

// Which facts a query looks at.
struct Filter {
  std::string tenant_id;
  std::string org_unit_id;  // this unit and everything under it; empty = the whole tenant
  std::string category;     // empty = every category
  std::string agent_id;     // empty = every agent
  int32_t from_day = INT32_MIN;  // local days since 1970-01-01, [from_day, to_day)
  int32_t to_day = INT32_MAX;
};
enum class GroupBy { none, org_unit, agent, category };
enum class Granularity { none, day, week, month, quarter };

// A group key and the first local day of its bucket (INT32_MIN when not bucketed).
using GroupKey = std::pair<std::string, int32_t>;

struct OverdueRow {
  std::string visit_id;
  const VisitFact* fact;
};

class Projection {
 public:
  // live: every change updates the counters and is remembered for the next save. bulk (a rebuild,
  // a load at start): facts only, as fast as they come; go_live() then counts them all once.
  enum class Mode { live, bulk };
  explicit Projection(int utc_offset_hours = 8, Mode mode = Mode::live)
      : offset_hours_(utc_offset_hours), live_(mode == Mode::live) {}
  void go_live();

  // Folds one event in; false when it changed nothing (a redelivery, or not an event we count).
  bool apply(const events::Envelope& e);
  // The event types apply() can change anything for; consumers skip the rest unparsed (a
  // service event's ServiceEventRecorded, attempts, audit reads …). Keep it beside apply().
  static bool handles(std::string_view type);
  // The same for an event read at `offset` of a topic-partition: counted and checkpointed too.
  void apply_at(const events::Envelope& e, const std::string& topic, int32_t partition, int64_t offset);

  std::map<GroupKey, Totals> totals(const Filter& f, GroupBy by = GroupBy::none, Granularity g = Granularity::none) const;
  std::vector<OverdueRow> overdue(const Filter& f) const;

  // Labels (never personal data: org units and staff only).
  std::string org_label(const std::string& tenant, const std::string& unit) const;
  std::string agent_label(const std::string& tenant, const std::string& agent) const;
  // The units directly under `unit` (roots when empty).
  std::vector<std::string> children(const std::string& tenant, const std::string& unit) const;
  // The tenant's org tree: unit → parent ("" for a root).
  std::unordered_map<std::string, std::string> org_parents(const std::string& tenant) const;
  std::vector<std::string> tenants() const;

  int32_t local_day(core::Timestamp t) const;
  int32_t bucket_start(int32_t day, Granularity g) const;
  int utc_offset_hours() const { return offset_hours_; }

  // Persistence: what changed since the last call, and loading a saved state back.
  struct Dirty {
    std::set<std::string> visits, complaints, org_units, agents;
    bool empty() const { return visits.empty() && complaints.empty() && org_units.empty() && agents.empty(); }
  };
  Dirty take_dirty();
  // Puts back what a failed save did not write, so the next save writes it.
  void keep_dirty(const Dirty& d);
  const std::unordered_map<std::string, VisitFact>& visits() const { return visits_; }
  const std::unordered_map<std::string, ComplaintFact>& complaints() const { return complaints_; }
  // Org units and agents are keyed "tenant/id".
  const std::map<std::string, intake::v1::OrgUnit>& org_units() const { return org_; }
  const std::map<std::string, intake::v1::Agent>& agents() const { return agents_; }
  // Bulk mode only: go_live() counts what was loaded.
  void load_visit(const std::string& id, VisitFact f) { visits_[id] = std::move(f); }
  void load_complaint(const std::string& id, ComplaintFact f) { complaints_[id] = std::move(f); }
  void load_org_unit(const std::string& key, intake::v1::OrgUnit u) { org_[key] = std::move(u); }
  void load_agent(const std::string& key, intake::v1::Agent a) { agents_[key] = std::move(a); }

  // The highest offset applied per "topic/partition", for status and lag.
  std::map<std::string, int64_t>& checkpoints() { return checkpoints_; }
  const std::map<std::string, int64_t>& checkpoints() const { return checkpoints_; }
  uint64_t events_applied() const { return applied_; }

 private:
  bool apply_scheduling(const events::Envelope& e);
  bool apply_visit(const events::Envelope& e);
  // A visit's life, whichever service published it.
  bool due(const events::Envelope& e, const scheduling::v1::VisitDue& d);
  bool overdue(const events::Envelope& e, const std::string& visit_id);
  bool closed(const events::Envelope& e, const std::string& visit_id);
  bool completed(const events::Envelope& e, const visit::v1::VisitCompleted& c);
  bool apply_complaint(const events::Envelope& e);
  bool apply_intake(const events::Envelope& e);
  // The child of `under` (or the root when empty) on the path up from `unit`; "" when `unit` is
  // not under it.
  std::string group_unit(const std::string& tenant, const std::string& unit, const std::string& under) const;
  bool within(const std::string& tenant, const std::string& unit, const std::string& under) const;
  // Runs `change` on the fact with `id`; when it says it changed something, the fact's old
  // contribution to the counters is taken back and its new one added, and the fact is dirty.
  template <typename Change>
  bool change_visit(const std::string& id, Change&& change);
  template <typename Change>
  bool change_complaint(const std::string& id, Change&& change);
  void count(const std::string& id, const VisitFact& f, int sign);

  int offset_hours_;
  bool live_;
  Buckets buckets_;
  // Open overdue visits per tenant, oldest deadline first: (tenant, due_by_us, visit id).
  std::set<std::tuple<std::string, int64_t, std::string>> overdue_;
  std::unordered_map<std::string, VisitFact> visits_;
  std::unordered_map<std::string, ComplaintFact> complaints_;
  std::map<std::string, intake::v1::OrgUnit> org_;
  std::map<std::string, intake::v1::Agent> agents_;
  std::map<std::string, int64_t> checkpoints_;
  uint64_t applied_ = 0;
  Dirty dirty_;
};

}  // namespace huifang::analytics
