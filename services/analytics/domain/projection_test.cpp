// The projection against hand-computed examples: visit rate over due visits, satisfaction with
// unrated answers left out, roll-up from region to branch, buckets, complaints and follow-ups;
// redelivery and replay in another order give identical numbers.
#include "projection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "figures.h"

namespace huifang::analytics {
namespace {

using namespace std::chrono_literals;
// 2026-11-02 09:00 +08:00, a Monday.
const core::Timestamp kMon = core::from_micros(1'793'581'200'000'000);

class Events {
 public:
  std::vector<events::Envelope> all;

  void org(const std::string& id, const std::string& parent, const std::string& name) {
    events::Envelope e = base("intake", "org");
    auto* u = e.mutable_intake()->mutable_org_unit_defined()->mutable_org_unit();
    u->set_id(id);
    u->set_parent_id(parent);
    u->set_name(name);
    all.push_back(e);
  }
  void planned(const std::string& visit, const std::string& unit, core::Timestamp due_from, double target = 1.0) {
    events::Envelope e = base("scheduling", visit);
    auto* p = e.mutable_scheduling()->mutable_visit_planned();
    p->mutable_decision()->set_visit_id(visit);
    p->mutable_decision()->set_org_unit_id(unit);
    p->mutable_decision()->set_category("hospital.discharge");
    *p->mutable_due_from() = events::to_proto(due_from);
    *p->mutable_due_by() = events::to_proto(due_from + 72h);
    p->set_rate_target(target);
    all.push_back(e);
    events::Envelope a = base("scheduling", visit);
    a.mutable_scheduling()->mutable_visit_assigned()->set_visit_id(visit);
    a.mutable_scheduling()->mutable_visit_assigned()->set_agent_id("agent-" + unit);
    all.push_back(a);
  }
  void due(const std::string& visit) {
    events::Envelope e = base("scheduling", visit);
    e.mutable_scheduling()->mutable_visit_due()->set_visit_id(visit);
    all.push_back(e);
  }
  void overdue(const std::string& visit) {
    events::Envelope e = base("scheduling", visit);
    e.mutable_scheduling()->mutable_visit_overdue()->set_visit_id(visit);
    all.push_back(e);
  }
  void completed(const std::string& visit, const std::string& unit, core::Timestamp at, std::vector<uint32_t> scores) {
    events::Envelope e = base("visit", visit);
    auto* c = e.mutable_visit()->mutable_visit_completed();
    c->set_visit_id(visit);
    c->set_org_unit_id(unit);
    c->set_category("hospital.discharge");
    *c->mutable_completed_at() = events::to_proto(at);
    const char* dims[] = {"attitude", "skill", "environment"};
    for (size_t i = 0; i < scores.size(); ++i) {
      auto* r = c->add_ratings();
      r->set_dimension(dims[i]);
      r->set_score(scores[i]);
    }
    all.push_back(e);
  }
  template <typename Fill>
  void complaint(const std::string& id, Fill fill, core::Timestamp at) {
    events::Envelope e = base("complaints", id);
    e.mutable_stream()->set_type("complaint");
    e.set_stream_version(++versions_[id]);
    *e.mutable_occurred_at() = events::to_proto(at);
    fill(*e.mutable_complaints());
    all.push_back(e);
  }

 private:
  events::Envelope base(const std::string&, const std::string& stream) {
    events::Envelope e;
    e.set_tenant_id("h");
    e.mutable_stream()->set_id(stream);
    e.set_stream_version(++versions_[stream]);
    return e;
  }
  std::map<std::string, uint64_t> versions_;
};

// Region east → branches b1, b2; region west → b3.
Events hospital() {
  Events ev;
  ev.org("east", "", "华东 East");
  ev.org("west", "", "华西 West");
  ev.org("b1", "east", "Branch 1");
  ev.org("b2", "east", "Branch 2");
  ev.org("b3", "west", "Branch 3");
  // b1: 4 due (v1..v4), 3 completed; v5 planned for next week, not due yet.
  for (const char* v : {"v1", "v2", "v3", "v4"}) ev.planned(v, "b1", kMon), ev.due(v);
  ev.planned("v5", "b1", kMon + 24h * 7);
  ev.completed("v1", "b1", kMon + 1h, {9, 7, 0});   // attitude sat, skill sat, environment unrated
  ev.completed("v2", "b1", kMon + 2h, {6, 10, 8});  // attitude unsat
  ev.completed("v3", "b1", kMon + 3h, {10, 0, 3});  // environment unsat
  ev.overdue("v4");
  // b2: 1 due, completed early (before its VisitDue): still counts as due and done.
  ev.planned("v6", "b2", kMon + 24h);
  ev.completed("v6", "b2", kMon + 2h, {8, 8, 8});
  // b3: 2 due, none completed.
  for (const char* v : {"v7", "v8"}) ev.planned(v, "b3", kMon), ev.due(v);
  // One complaint in b1: opened Monday, resolved after 10 h, followed up within 3 days, closed.
  ev.complaint("c1", [](auto& b) {
    auto* o = b.mutable_complaint_opened();
    o->set_complaint_id("c1");
    o->set_org_unit_id("b1");
    o->set_category("hospital.discharge");
    o->set_responsible("nurse-team");
    o->set_effective(true);
  }, kMon);
  ev.complaint("c1", [](auto& b) {
    auto* r = b.mutable_complaint_resolved();
    r->set_complaint_id("c1");
    r->set_effective(true);
    *r->mutable_resolved_at() = events::to_proto(kMon + 10h);
  }, kMon + 10h);
  ev.complaint("c1", [](auto& b) {
    b.mutable_complaint_followed_up()->set_complaint_id("c1");
    b.mutable_complaint_followed_up()->set_within_deadline(true);
  }, kMon + 30h);
  ev.complaint("c1", [](auto& b) { b.mutable_complaint_closed()->set_complaint_id("c1"); }, kMon + 30h);
  return ev;
}

Projection fold(const std::vector<events::Envelope>& all) {
  Projection p(8);
  for (const auto& e : all) p.apply(e);
  return p;
}

Filter tenant_h() {
  Filter f;
  f.tenant_id = "h";
  return f;
}

TEST(Projection, VisitRateCountsOnlyVisitsThatAreDue) {
  const auto p = fold(hospital().all);
  const auto t = p.totals(tenant_h()).at({"", INT32_MIN});
  EXPECT_EQ(t.due, 7u);        // v1-v4, v6, v7, v8 (v5 is not due yet)
  EXPECT_EQ(t.completed, 4u);  // v1, v2, v3, v6
  EXPECT_EQ(t.overdue, 1u);    // v4
  EXPECT_DOUBLE_EQ(*visit_rate(t.completed, t.due), 4.0 / 7.0);
}

TEST(Projection, SatisfactionPerDimensionLeavesUnratedOutAndOverallIsTheirMean) {
  const auto p = fold(hospital().all);
  const auto t = p.totals(tenant_h()).at({"", INT32_MIN});
  // attitude: 9, 6, 10, 8 → 3 of 4; skill: 7, 10, unrated, 8 → 3 of 3; environment: unrated, 8, 3, 8 → 2 of 3.
  const auto& d = t.dimensions;
  EXPECT_DOUBLE_EQ(*satisfaction_rate(d.at("attitude").satisfied, d.at("attitude").unsatisfied), 0.75);
  EXPECT_DOUBLE_EQ(*satisfaction_rate(d.at("skill").satisfied, d.at("skill").unsatisfied), 1.0);
  EXPECT_EQ(d.at("skill").unrated, 1u);
  EXPECT_DOUBLE_EQ(*satisfaction_rate(d.at("environment").satisfied, d.at("environment").unsatisfied), 2.0 / 3.0);
  const auto overall = overall_satisfaction({0.75, 1.0, 2.0 / 3.0});
  EXPECT_NEAR(*overall, (0.75 + 1.0 + 2.0 / 3.0) / 3, 1e-12);
}

TEST(Projection, RollsUpFromRegionToBranch) {
  const auto p = fold(hospital().all);
  auto by_region = p.totals(tenant_h(), GroupBy::org_unit);
  EXPECT_EQ(by_region.at({"east", INT32_MIN}).due, 5u);
  EXPECT_EQ(by_region.at({"east", INT32_MIN}).completed, 4u);
  EXPECT_EQ(by_region.at({"west", INT32_MIN}).due, 2u);
  Filter east = tenant_h();
  east.org_unit_id = "east";
  auto by_branch = p.totals(east, GroupBy::org_unit);
  EXPECT_EQ(by_branch.size(), 2u);
  EXPECT_EQ(by_branch.at({"b1", INT32_MIN}).due, 4u);
  EXPECT_EQ(by_branch.at({"b2", INT32_MIN}).completed, 1u);
  auto by_agent = p.totals(east, GroupBy::agent);
  EXPECT_EQ(by_agent.at({"agent-b1", INT32_MIN}).completed, 3u);
  EXPECT_EQ(p.children("h", ""), (std::vector<std::string>{"east", "west"}));
  EXPECT_EQ(p.org_label("h", "east"), "华东 East");
}

TEST(Projection, EmptyPeriodsHaveNoRates) {
  const auto p = fold(hospital().all);
  Filter later = tenant_h();
  later.from_day = p.local_day(kMon + 24h * 30);
  EXPECT_TRUE(p.totals(later).empty());
  EXPECT_FALSE(visit_rate(0, 0));
}

TEST(Projection, BucketsByDayWeekMonthQuarter) {
  const auto p = fold(hospital().all);
  const int32_t monday = p.local_day(kMon);
  EXPECT_EQ(p.bucket_start(monday + 3, Granularity::week), monday);
  EXPECT_EQ(p.bucket_start(monday, Granularity::month), monday - 1);   // 2026-11-01
  EXPECT_EQ(p.bucket_start(monday, Granularity::quarter), monday - 32);  // 2026-10-01
  auto by_day = p.totals(tenant_h(), GroupBy::none, Granularity::day);
  EXPECT_EQ(by_day.at({"", monday}).due, 6u);      // v1-v4, v7, v8 due from Monday
  EXPECT_EQ(by_day.at({"", monday + 1}).due, 1u);  // v6 due from Tuesday
}

TEST(Projection, ComplaintsFollowUpsAndTimeToResolve) {
  const auto p = fold(hospital().all);
  const auto t = p.totals(tenant_h()).at({"", INT32_MIN});
  EXPECT_EQ(t.complaints, 1u);
  EXPECT_EQ(t.effective, 1u);
  EXPECT_EQ(t.follow_ups_due, 1u);
  EXPECT_EQ(t.follow_ups_within, 1u);
  EXPECT_DOUBLE_EQ(t.mean_hours_to_resolve(), 10.0);
  EXPECT_EQ(t.per_responsible.at("nurse-team"), 1u);
  EXPECT_EQ(t.funnel.at("closed"), 1u);
  EXPECT_EQ(t.open, 0u);
}

bool same(const std::map<GroupKey, Totals>& a, const std::map<GroupKey, Totals>& b) {
  if (a.size() != b.size()) return false;
  for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib) {
    const Totals &x = ia->second, &y = ib->second;
    if (ia->first != ib->first || x.due != y.due || x.completed != y.completed || x.overdue != y.overdue ||
        x.unreachable != y.unreachable || x.target_ppm != y.target_ppm || x.surveyed != y.surveyed ||
        x.complaints != y.complaints || x.effective != y.effective || x.open != y.open || x.resolved != y.resolved ||
        x.resolve_us != y.resolve_us || x.follow_ups_due != y.follow_ups_due ||
        x.follow_ups_within != y.follow_ups_within || x.funnel != y.funnel || x.per_responsible != y.per_responsible ||
        x.dimensions.size() != y.dimensions.size())
      return false;
    for (const auto& [dim, c] : x.dimensions) {
      const auto& o = y.dimensions.at(dim);
      if (c.satisfied != o.satisfied || c.unsatisfied != o.unsatisfied || c.unrated != o.unrated) return false;
    }
  }
  return true;
}

TEST(Projection, RedeliveryAndReplayInAnotherInterleavingGiveIdenticalNumbers) {
  const auto ev = hospital().all;
  const auto once = fold(ev);
  // Every event delivered twice, and the topics interleaved differently (order within one
  // stream kept, as Kafka keeps it per key).
  std::vector<events::Envelope> twice;
  for (const auto& e : ev) twice.push_back(e), twice.push_back(e);
  std::stable_partition(twice.begin(), twice.end(), [](const events::Envelope& e) { return e.has_visit(); });
  Projection replayed(8);
  size_t changed = 0;
  for (const auto& e : twice) changed += replayed.apply(e);
  for (auto g : {GroupBy::none, GroupBy::org_unit, GroupBy::agent}) {
    EXPECT_TRUE(same(once.totals(tenant_h(), g, Granularity::day), replayed.totals(tenant_h(), g, Granularity::day)));
  }
  EXPECT_LE(changed, ev.size());  // the second copy of each event changed nothing
}

// Consumers skip unparsed what handles() refuses: every event type that can change the projection
// must be in it. Each body type of every area, set with an id, is applied to a fresh projection.
TEST(Projection, EveryTypeThatChangesTheProjectionIsOneItHandles) {
  const auto* envelope = events::Envelope::descriptor();
  size_t types = 0;
  for (int i = 0; i < envelope->field_count(); ++i) {
    const auto* area = envelope->field(i);
    if (!area->containing_oneof() || area->message_type() == nullptr) continue;
    const auto* oneof = area->message_type()->FindOneofByName("event");
    if (!oneof) continue;
    for (int j = 0; j < oneof->field_count(); ++j) {
      events::Envelope e;
      e.set_tenant_id("h");
      auto* body = e.GetReflection()->MutableMessage(&e, area);
      auto* event = body->GetReflection()->MutableMessage(body, oneof->field(j));
      for (int k = 0; k < event->GetDescriptor()->field_count(); ++k) {  // ids, so the event names something
        const auto* f = event->GetDescriptor()->field(k);
        if (f->type() == google::protobuf::FieldDescriptor::TYPE_STRING && !f->is_repeated())
          event->GetReflection()->SetString(event, f, "x");
      }
      Projection p(8);
      const std::string type = events::type_name(e);
      const bool changed = p.apply(e);
      EXPECT_TRUE(!changed || Projection::handles(type)) << type << " changes the projection but is skipped";
      ++types;
    }
  }
  EXPECT_GT(types, 40u);
  EXPECT_FALSE(Projection::handles("intake.ServiceEventRecorded"));
  EXPECT_FALSE(Projection::handles("visit.VisitAttempted"));
}

// Since the visit service owns the visit, the agent travels in VisitPlanned and due/overdue come
// from the visit topic; the topics' older history has them from scheduling. Both count alike.
TEST(Projection, TheVisitServicesLifecycleEventsCountLikeSchedulingsOlderOnes) {
  const auto old = hospital().all;
  std::vector<events::Envelope> now;
  for (const auto& e : old) {
    const auto& b = e.scheduling();
    if (b.has_visit_assigned()) {  // folded into the plan that precedes it
      now.back().mutable_scheduling()->mutable_visit_planned()->set_agent_id(b.visit_assigned().agent_id());
      continue;
    }
    events::Envelope moved = e;
    if (b.has_visit_due()) *moved.mutable_visit()->mutable_visit_due() = b.visit_due();
    else if (b.has_visit_overdue()) *moved.mutable_visit()->mutable_visit_overdue() = b.visit_overdue();
    now.push_back(std::move(moved));
  }
  ASSERT_LT(now.size(), old.size());
  const auto a = fold(old), b = fold(now);
  for (auto g : {GroupBy::none, GroupBy::org_unit, GroupBy::agent})
    EXPECT_TRUE(same(a.totals(tenant_h(), g, Granularity::day), b.totals(tenant_h(), g, Granularity::day)));
  EXPECT_EQ(a.totals(tenant_h()).at({"", INT32_MIN}).overdue, b.totals(tenant_h()).at({"", INT32_MIN}).overdue);
}

// The counters move with every change of a fact (its old contribution taken back, the new one
// added); counting the final facts once must give the same numbers, whatever the order.
TEST(Projection, LiveCountersEqualCountingTheFinalFactsOnce) {
  const auto ev = hospital().all;
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  for (int round = 0; round < 20; ++round) {
    // A random interleaving that keeps each stream's order, with random redeliveries.
    std::map<std::string, std::vector<events::Envelope>> streams;
    for (const auto& e : ev) streams[e.stream().id()].push_back(e);
    std::vector<events::Envelope> order;
    while (!streams.empty()) {
      auto it = std::next(streams.begin(), static_cast<long>(rng() % streams.size()));
      order.push_back(it->second.front());
      if (rng() % 4 == 0) order.push_back(it->second.front());
      it->second.erase(it->second.begin());
      if (it->second.empty()) streams.erase(it);
    }
    Projection live(8);
    Projection bulk(8, Projection::Mode::bulk);
    for (const auto& e : order) live.apply(e), bulk.apply(e);
    bulk.go_live();
    for (auto by : {GroupBy::none, GroupBy::org_unit, GroupBy::agent, GroupBy::category})
      for (auto g : {Granularity::none, Granularity::day, Granularity::month})
        EXPECT_TRUE(same(live.totals(tenant_h(), by, g), bulk.totals(tenant_h(), by, g)));
    EXPECT_TRUE(same(live.totals(tenant_h()), fold(ev).totals(tenant_h())));
    EXPECT_EQ(live.overdue(tenant_h()).size(), 1u);
  }
}

TEST(Projection, ACompletionTakesTheVisitOffTheOverdueListAndOutOfTheOverdueCount) {
  auto ev = hospital();
  ev.completed("v4", "b1", kMon + 80h, {10, 10, 10});
  const auto p = fold(ev.all);
  EXPECT_TRUE(p.overdue(tenant_h()).empty());
  const auto t = p.totals(tenant_h()).at({"", INT32_MIN});
  EXPECT_EQ(t.overdue, 0u);
  EXPECT_EQ(t.completed, 5u);
  EXPECT_EQ(t.due, 7u);
}

// A customer who withdrew consent was never owed the visit: it leaves the due count, the
// overdue count and the overdue list, and is not counted as unreachable either.
TEST(Projection, AVisitCalledOffForWithdrawnConsentIsInNoVisitFigure) {
  auto ev = hospital();
  events::Envelope e;
  e.set_tenant_id("h");
  e.mutable_stream()->set_id("v4");
  e.mutable_visit()->mutable_visit_cancelled()->set_visit_id("v4");
  ev.all.push_back(e);
  Projection live(8);
  for (const auto& x : ev.all) live.apply(x);
  EXPECT_TRUE(live.overdue(tenant_h()).empty());
  const auto t = live.totals(tenant_h()).at({"", INT32_MIN});
  EXPECT_EQ(t.due, 6u);  // 7 without the called-off one
  EXPECT_EQ(t.overdue, 0u);
  EXPECT_EQ(t.unreachable, 0u);
  EXPECT_EQ(t.completed, 4u);
  // A completed visit stays completed.
  e.mutable_visit()->mutable_visit_cancelled()->set_visit_id("v1");
  EXPECT_FALSE(live.apply(e));
}

TEST(Projection, AgentFiguresLeaveComplaintsOut) {
  const auto p = fold(hospital().all);
  for (const auto& [k, t] : p.totals(tenant_h(), GroupBy::agent)) EXPECT_EQ(t.complaints, 0u) << k.first;
  EXPECT_EQ(p.totals(tenant_h()).at({"", INT32_MIN}).complaints, 1u);
}

TEST(Projection, OverdueListHasNoPersonalData) {
  const auto p = fold(hospital().all);
  const auto rows = p.overdue(tenant_h());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].visit_id, "v4");
  EXPECT_EQ(rows[0].fact->agent_id(), "agent-b1");
}

}  // namespace
}  // namespace huifang::analytics
