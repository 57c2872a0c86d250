// The complaints service against a real redis-server with a fake clock: cases open from low
// ratings and unsolved problems (once, however often the visit event is redelivered), SLA breaches
// climb the ladder, handlers' commands move the case, the follow-up verdict closes or reopens it,
// and repeats are flagged.
#include <gtest/gtest.h>

#include "complaints_app.h"
#include "huifang/testing/redis_server.h"
#include "huifang/testing/redis_values.h"
#include "huifang/privacy/personal.h"

namespace huifang::complaints {
namespace {

using namespace std::chrono_literals;
const core::Timestamp kMonday10 = core::from_micros(1'767'578'400'000'000);  // 2026-01-05 10:00 +08:00

class ComplaintsTest : public ::testing::Test {
 protected:
  ComplaintsTest() {
    store::RedisOptions o;
    o.port = redis_.port();
    pool_ = std::make_unique<store::RedisPool>(o, 4);
    store_ = std::make_unique<store::EventStore>(*pool_, store::StoreOptions{"complaints", 8, 50});
    keyring_ = std::make_unique<privacy::Keyring>(*pool_, 16, privacy::random_key());
    app_ = std::make_unique<ComplaintsApp>(*store_, factory_, ids_, clock_, *keyring_);
  }

  events::Envelope visit_completed(const std::string& visit_id, std::vector<std::pair<std::string, uint32_t>> ratings,
                                   const std::string& complaint_id = "", const std::string& customer = "owner-1") {
    events::Envelope e;
    auto* c = e.mutable_visit()->mutable_visit_completed();
    c->set_visit_id(visit_id);
    c->set_category("property.repair_completed");
    c->set_org_unit_id("project-a");
    c->set_complaint_id(complaint_id);
    c->set_complaint_threshold(6);
    *c->mutable_completed_at() = events::to_proto(clock_.now());
    for (const auto& [dim, score] : ratings) {
      auto* r = c->add_ratings();
      r->set_dimension(dim);
      r->set_score(score);
    }
    factory_.stamp(e, {"t", "project-a", customer, "", "", {}}, {"visit", visit_id}, 3);
    return e;
  }
  v1::ListComplaintsResponse list(const std::string& state = "") {
    v1::ListComplaintsRequest r;
    r.set_tenant_id("t");
    r.set_state(state);
    auto l = app_->list(r, edge::TenantScope(r.tenant_id()));
    EXPECT_TRUE(l) << l.error().to_string();
    return l ? *l : v1::ListComplaintsResponse{};
  }
  v1::Complaint only_case() {
    auto l = list();
    EXPECT_EQ(l.complaints_size(), 1);
    return l.complaints_size() ? l.complaints(0) : v1::Complaint{};
  }
  void investigate(const v1::Complaint& c) {
    v1::AssignComplaintRequest a;
    a.set_customer_id(c.customer_id());
    a.set_complaint_id(c.complaint_id());
    a.set_handler_id("handler-1");
    ASSERT_TRUE(app_->assign(edge::TenantScope("t"), a, "supervisor-1"));
    v1::CaseActionRequest s;
    s.set_customer_id(c.customer_id());
    s.set_complaint_id(c.complaint_id());
    ASSERT_TRUE(app_->start_investigation(edge::TenantScope("t"), s));
  }
  v1::Complaint resolve(const v1::Complaint& c) {
    v1::ResolveComplaintRequest r;
    r.set_customer_id(c.customer_id());
    r.set_complaint_id(c.complaint_id());
    r.set_resolution("re-sealed the window frame");
    r.set_effective(true);
    auto done = app_->resolve(edge::TenantScope("t"), r);
    EXPECT_TRUE(done) << done.error().to_string();
    return done ? done->complaint() : v1::Complaint{};
  }

  testing::RedisServer redis_;
  core::ManualClock clock_{kMonday10};
  core::IdGenerator ids_{clock_, 3};
  events::EnvelopeFactory factory_{clock_, ids_};
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<privacy::Keyring> keyring_;
  std::unique_ptr<ComplaintsApp> app_;
};

TEST_F(ComplaintsTest, ALowRatingOpensOneCaseHoweverOftenTheVisitIsRedelivered) {
  const auto e = visit_completed("v-1", {{"attitude", 9}, {"quality", 5}, {"timeliness", 0}});
  ASSERT_TRUE(app_->apply(e));
  ASSERT_TRUE(app_->apply(e));
  const auto c = only_case();
  EXPECT_EQ(c.state(), "opened");
  EXPECT_EQ(c.source(), v1::COMPLAINT_SOURCE_VISIT_LOW_RATING);
  EXPECT_EQ(c.source_visit_id(), "v-1");
  EXPECT_EQ(c.description(), "low satisfaction in visit: quality=5");
  EXPECT_EQ(c.org_unit_id(), "project-a");
}

TEST_F(ComplaintsTest, SatisfiedAndUnratedAnswersOpenNothing) {
  ASSERT_TRUE(app_->apply(visit_completed("v-1", {{"attitude", 7}, {"quality", 0}})));
  EXPECT_EQ(list().complaints_size(), 0);
}

TEST_F(ComplaintsTest, AnUnsolvedProblemOpensACaseASolvedOneDoesNot) {
  auto raise = [&](const std::string& id, bool solved) {
    events::Envelope e;
    auto* p = e.mutable_visit()->mutable_problem_raised();
    p->set_visit_id("v-2");
    p->set_org_unit_id("project-a");
    p->mutable_problem()->set_problem_id(id);
    p->mutable_problem()->set_description("water stain on the ceiling");
    p->mutable_problem()->set_category("property.leak");
    p->mutable_problem()->set_responsible("crew-3");
    p->mutable_problem()->set_solved_on_the_spot(solved);
    factory_.stamp(e, {"t", "project-a", "owner-1", "", "", {}}, {"visit", "v-2"}, id == "pr-1" ? 4 : 5);
    return app_->apply(e);
  };
  ASSERT_TRUE(raise("pr-1", true));
  ASSERT_TRUE(raise("pr-2", false));
  const auto c = only_case();
  EXPECT_EQ(c.source(), v1::COMPLAINT_SOURCE_VISIT_PROBLEM);
  EXPECT_EQ(c.responsible(), "crew-3");
}

TEST_F(ComplaintsTest, SlaBreachesEscalateFromTheTimerOneStepEach) {
  ASSERT_TRUE(app_->apply(visit_completed("v-1", {{"quality", 3}})));
  ASSERT_TRUE(app_->fire_sla());
  EXPECT_EQ(only_case().level(), v1::ESCALATION_LEVEL_HANDLER);
  clock_.set(kMonday10 + 15h);  // past local midnight: not investigated the same day
  ASSERT_TRUE(app_->fire_sla());
  ASSERT_TRUE(app_->fire_sla());  // a second pass finds nothing new
  EXPECT_EQ(only_case().level(), v1::ESCALATION_LEVEL_SUPERVISOR);
  clock_.set(kMonday10 + 49h);  // the promised reply time (48 h) passed too
  ASSERT_TRUE(app_->fire_sla());
  const auto c = only_case();
  EXPECT_EQ(c.level(), v1::ESCALATION_LEVEL_MANAGER);
  v1::GetComplaintRequest g;
  g.set_customer_id(c.customer_id());
  g.set_complaint_id(c.complaint_id());
  auto full = app_->get(edge::TenantScope("t"), g);
  ASSERT_TRUE(full);
  int escalations = 0;
  for (const auto& e : full->history()) escalations += e.complaints().has_complaint_escalated();
  EXPECT_EQ(escalations, 2);
}

TEST_F(ComplaintsTest, TheFollowUpVerdictClosesOrReopens) {
  ASSERT_TRUE(app_->apply(visit_completed("v-1", {{"quality", 2}})));
  auto c = only_case();
  investigate(c);
  c = resolve(c);
  EXPECT_EQ(c.state(), "resolved");
  EXPECT_EQ(events::from_proto(c.follow_up_by()), kMonday10 + 72h);
  clock_.advance(24h);
  ASSERT_TRUE(app_->apply(visit_completed("v-fu-1", {{"quality", 4}}, c.complaint_id())));
  EXPECT_EQ(only_case().state(), "reopened");  // and no second case for the follow-up's low score
  investigate(c);
  resolve(c);
  clock_.advance(24h);
  ASSERT_TRUE(app_->apply(visit_completed("v-fu-2", {{"quality", 9}}, c.complaint_id())));
  EXPECT_EQ(only_case().state(), "closed");
  EXPECT_EQ(list("closed").complaints_size(), 1);
  EXPECT_EQ(list("opened").complaints_size(), 0);
}

TEST_F(ComplaintsTest, HandlersGetPreciseErrors) {
  v1::AssignComplaintRequest a;
  a.set_customer_id("owner-1");
  a.set_complaint_id("cmp-nope");
  a.set_handler_id("h");
  auto missing = app_->assign(edge::TenantScope("t"), a, "s");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), core::condition::not_found);
  ASSERT_TRUE(app_->apply(visit_completed("v-1", {{"quality", 2}})));
  const auto c = only_case();
  v1::ResolveComplaintRequest r;
  r.set_customer_id(c.customer_id());
  r.set_complaint_id(c.complaint_id());
  r.set_resolution("x");
  auto foreign = app_->resolve(edge::TenantScope("another-tenant"), r);  // the case exists, but not for this caller
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().kind(), core::condition::not_found);
  v1::GetComplaintRequest g;
  g.set_customer_id(c.customer_id());
  g.set_complaint_id(c.complaint_id());
  EXPECT_EQ(app_->get(edge::TenantScope("another-tenant"), g).error().kind(), core::condition::not_found);
  auto early = app_->resolve(edge::TenantScope("t"), r);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().kind(), core::condition::failed_precondition);
  EXPECT_EQ(early.error().message, "cannot resolve a complaint that is opened");
}

TEST_F(ComplaintsTest, DirectComplaintsAreIdempotentAndRepeatsAreFlagged) {
  v1::OpenComplaintRequest r;
  r.set_tenant_id("t");
  r.set_idempotency_key("hotline-0001");
  r.set_customer_id("owner-1");
  r.set_org_unit_id("project-a");
  r.set_category("property.noise");
  r.set_repair_key("lift-2");
  auto first = app_->open(r, "");
  ASSERT_TRUE(first) << first.error().to_string();
  auto again = app_->open(r, "");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->complaint_id(), first->complaint_id());
  EXPECT_EQ(list().complaints_size(), 1);

  clock_.advance(24h * 10);  // the same customer again within a month, about the same lift
  r.set_idempotency_key("letter-0002");
  r.set_source(v1::COMPLAINT_SOURCE_LETTER);
  auto second = app_->open(r, "");
  ASSERT_TRUE(second);
  v1::ListRepeatFlagsRequest f;
  f.set_tenant_id("t");
  auto flags = app_->repeat_flags(f, edge::TenantScope("t"));
  ASSERT_TRUE(flags);
  ASSERT_EQ(flags->flags_size(), 2);  // same customer within a month, same issue twice
  v1::GetComplaintRequest g;
  g.set_customer_id("owner-1");
  g.set_complaint_id(second->complaint_id());
  EXPECT_EQ(app_->get(edge::TenantScope("t"), g)->complaint().level(), v1::ESCALATION_LEVEL_MANAGER);

  r.set_idempotency_key("walk-in-0003");
  r.set_customer_id("owner-2");
  r.set_category("property.lift");
  r.set_source(v1::COMPLAINT_SOURCE_WALK_IN);
  ASSERT_TRUE(app_->open(r, ""));
  f.set_kind(v1::REPEAT_KIND_SAME_REPAIR_3X);
  flags = app_->repeat_flags(f, edge::TenantScope("t"));
  ASSERT_TRUE(flags);
  ASSERT_EQ(flags->flags_size(), 1);
  EXPECT_TRUE(flags->flags(0).corrective_action_required());
  EXPECT_EQ(flags->flags(0).occurrences(), 3u);
  // A caller who works in another project sees none of project-a's flags.
  edge::TenantScope other_project("t");
  other_project.in_units = [](const std::string& unit) { return unit == "project-b"; };
  f.set_kind(v1::REPEAT_KIND_UNSPECIFIED);
  EXPECT_EQ(app_->repeat_flags(f, other_project)->flags_size(), 0);
  EXPECT_EQ(app_->repeat_flags(f, edge::TenantScope("t"))->flags_size(), 3);
}

// A letter read a day after it arrived is a case of that day: its time, its "investigate the same
// day" (already missed, so the ladder climbs at once) and its promised reply all run from when
// it was received, not from when it was typed in.
TEST_F(ComplaintsTest, AComplaintRecordedLateRunsFromWhenItWasReceived) {
  v1::OpenComplaintRequest r;
  r.set_tenant_id("t");
  r.set_customer_id("owner-1");
  r.set_org_unit_id("project-a");
  r.set_category("property.noise");
  r.set_source(v1::COMPLAINT_SOURCE_LETTER);
  const core::Timestamp received = clock_.now() - 26h;
  *r.mutable_received_at() = events::to_proto(clock_.now() + 1h);
  EXPECT_EQ(app_->open(r, "").error().field, "received_at");  // not from the future
  *r.mutable_received_at() = events::to_proto(clock_.now() - 24h * 31);
  EXPECT_EQ(app_->open(r, "").error().field, "received_at");  // nor from long ago
  *r.mutable_received_at() = events::to_proto(received);
  auto opened = app_->open(r, "");
  ASSERT_TRUE(opened) << opened.error().to_string();

  v1::GetComplaintRequest g;
  g.set_customer_id("owner-1");
  g.set_complaint_id(opened->complaint_id());
  auto got = app_->get(edge::TenantScope("t"), g);
  ASSERT_TRUE(got);
  EXPECT_EQ(events::from_proto(got->complaint().opened_at()), received);
  EXPECT_EQ(events::from_proto(list().complaints(0).opened_at()), received);  // the list says so too
  EXPECT_EQ(events::from_proto(got->complaint().promised_reply_at()), received + 48h);
  ASSERT_TRUE(app_->fire_sla());
  EXPECT_GT(app_->get(edge::TenantScope("t"), g)->complaint().level(), v1::ESCALATION_LEVEL_HANDLER);
}

// What a customer complained of — by hotline, through a visit's problem, in a handler's note — is
// stored sealed with their key, shown opened to readers, and gone once the customer is erased.
TEST_F(ComplaintsTest, WhatTheCustomerSaidIsSealedAndGoneOnceTheyAreErased) {
  const privacy::Key key = *keyring_->key_for({"t", "owner-1"});
  v1::OpenComplaintRequest r;
  r.set_tenant_id("t");
  r.set_customer_id("owner-1");
  r.set_org_unit_id("project-a");
  r.set_category("property.noise");
  r.set_description("neighbour in 1502 drills at night");
  auto opened = app_->open(r, "");
  ASSERT_TRUE(opened) << opened.error().to_string();
  events::Envelope raised;  // visit seals a problem's description before publishing it
  auto* p = raised.mutable_visit()->mutable_problem_raised();
  p->set_visit_id("v-9");
  p->set_org_unit_id("project-a");
  p->mutable_problem()->set_problem_id("pr-9");
  p->mutable_problem()->set_sealed_description(privacy::seal_text(key, "lift stuck twice", privacy::owner_binding("t", "owner-1")));
  factory_.stamp(raised, {"t", "project-a", "owner-1", "", "", {}}, {"visit", "v-9"}, 4);
  ASSERT_TRUE(app_->apply(raised));
  v1::AddNoteRequest note;
  note.set_customer_id("owner-1");
  note.set_complaint_id(opened->complaint_id());
  note.set_text("called back, she works nights");
  ASSERT_TRUE(app_->add_note(edge::TenantScope("t"), note, "handler-1"));
  for (const char* said : {"1502", "lift stuck", "works nights"})
    EXPECT_EQ(testing::keys_holding(*pool_, "complaints:*", said), std::vector<std::string>{}) << said;

  std::map<v1::ComplaintSource, std::string> described;
  const auto before = list();
  for (const auto& c : before.complaints()) described[c.source()] = c.description();
  EXPECT_EQ(described[v1::COMPLAINT_SOURCE_HOTLINE], "neighbour in 1502 drills at night");
  EXPECT_EQ(described[v1::COMPLAINT_SOURCE_VISIT_PROBLEM], "lift stuck twice");
  v1::GetComplaintRequest g;
  g.set_customer_id("owner-1");
  g.set_complaint_id(opened->complaint_id());
  auto got = app_->get(edge::TenantScope("t"), g);
  ASSERT_TRUE(got);
  std::string history;
  for (const auto& e : got->history()) history += e.complaints().ShortDebugString();
  EXPECT_NE(history.find("works nights"), std::string::npos);

  r.set_customer_id("owner-legacy");  // registered before sealing: no key, recorded in the clear
  r.set_description("written before keys existed");
  ASSERT_TRUE(app_->open(r, ""));
  r.set_customer_id("owner-1");
  r.set_description("neighbour in 1502 drills at night");
  ASSERT_TRUE(keyring_->destroy({"t", "owner-legacy"}));  // erasing them leaves a tombstone all the same
  ASSERT_TRUE(keyring_->destroy({"t", "owner-1"}));
  const auto after = list();
  for (const auto& c : after.complaints()) EXPECT_TRUE(c.description().empty()) << c.complaint_id();
  got = app_->get(edge::TenantScope("t"), g);
  ASSERT_TRUE(got);
  history.clear();
  for (const auto& e : got->history()) history += e.complaints().ShortDebugString();
  EXPECT_EQ(history.find("works nights"), std::string::npos);
  r.set_idempotency_key("after-erasure");
  EXPECT_EQ(app_->open(r, "").error().kind(), core::condition::failed_precondition);
}

TEST_F(ComplaintsTest, VisitSourcesCannotBeOpenedByHand) {
  v1::OpenComplaintRequest r;
  r.set_tenant_id("t");
  r.set_customer_id("owner-1");
  r.set_org_unit_id("project-a");
  r.set_category("x");
  r.set_source(v1::COMPLAINT_SOURCE_VISIT_LOW_RATING);
  auto st = app_->open(r, "");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().field, "source");
}

}  // namespace
}  // namespace huifang::complaints
