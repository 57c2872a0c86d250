// The visit's life in the service that owns it, against a real redis-server with a fake clock: a
// plan from scheduling opens the visit once (and is not published again), timers make it due and
// overdue, the customer's callback time wins over calling windows, unanswered attempts retry on
// later windows (skipping the tenant's holidays), fall back, then close; a late assignment puts it
// on an agenda; completion takes it off with its timers.
#include <gtest/gtest.h>

#include "huifang/calendar/calling_slots.h"
#include "huifang/privacy/personal.h"
#include "huifang/testing/redis_server.h"
#include "huifang/testing/redis_values.h"
#include "visit_app.h"
#include "visit_queries.h"

namespace huifang::visit {
namespace {

const absl::TimeZone kShanghai = calendar::zone_or_default("Asia/Shanghai");

core::Timestamp local(int y, int mo, int d, int h, int mi) {
  return calendar::from_absl(absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, 0), kShanghai));
}
std::string text(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m-%d %H:%M %a", calendar::to_absl(events::from_proto(t)), kShanghai);
}

class VisitLifeTest : public ::testing::Test {
 protected:
  VisitLifeTest() {
    store::RedisOptions o;
    o.port = redis_.port();
    pool_ = std::make_unique<store::RedisPool>(o, 4);
    store_ = std::make_unique<store::EventStore>(*pool_, store::StoreOptions{"visit", 16, 50});
    keyring_ = std::make_unique<privacy::Keyring>(*pool_, 16, privacy::random_key());
    app_ = std::make_unique<VisitApp>(*store_, factory_, ids_, clock_, *keyring_);
    queries_ = std::make_unique<VisitQueries>(*store_, clock_);
  }

  // What scheduling publishes: due 2026-01-12 08:00 Mon, by 2026-01-19, on the policy's rules.
  // Intake's registration of customer p-1 of tenant h with a phone, its personal fields sealed
  // with `key` as intake writes them now, or in the clear as before sealing existed.
  events::Envelope registered(std::optional<privacy::Key> key) {
    events::Envelope e;
    auto* c = e.mutable_intake()->mutable_customer_registered()->mutable_customer();
    c->set_id("p-1");
    c->set_tenant_id("h");
    c->set_display_name("Wang Fang");
    auto* phone = c->add_contacts();
    phone->set_kind(intake::v1::CONTACT_KIND_PHONE);
    phone->set_value("13800000000");
    if (key) privacy::seal_personal(*c, *key);
    factory_.stamp(e, {"h", "cardiology", "p-1", "", "", {}}, {"customer", "p-1"}, 1);
    return e;
  }

  events::Envelope planned(const std::string& vid, const std::string& agent = "a-1") {
    events::Envelope e;
    auto* p = e.mutable_scheduling()->mutable_visit_planned();
    p->mutable_decision()->set_visit_id(vid);
    p->mutable_decision()->set_customer_id("p-1");
    p->mutable_decision()->set_org_unit_id("cardiology");
    p->mutable_decision()->set_category("hospital.inpatient_discharged");
    p->mutable_decision()->set_service_event_id("se-of-" + vid);
    *p->mutable_due_from() = events::to_proto(local(2026, 1, 12, 8, 0));
    *p->mutable_due_by() = events::to_proto(local(2026, 1, 19, 17, 30));
    p->set_channel(common::v1::CHANNEL_PHONE);
    p->set_agent_id(agent);
    p->set_max_attempts(3);
    p->set_retry_after_hours(4);
    p->add_fallback_channels(common::v1::CHANNEL_ON_SITE);
    for (auto [from, to] : {std::pair{480u, 720u}, std::pair{810u, 1050u}}) {
      auto* w = p->add_calling_windows();
      w->set_start_minute(from);
      w->set_end_minute(to);
    }
    p->set_time_zone("Asia/Shanghai");
    p->set_skip_weekends(true);
    p->set_skip_holidays(true);
    factory_.stamp(e, {"h", "cardiology", "p-1", "se-1", "", {}}, {"plan", "se-1"}, ++version_);
    return e;
  }
  events::Envelope scheduling_event(scheduling::v1::SchedulingEvent body, const std::string& customer = "p-1") {
    events::Envelope e;
    *e.mutable_scheduling() = std::move(body);
    factory_.stamp(e, {"h", "cardiology", customer, "", "", {}}, {"plan", "se-1"}, ++version_);
    return e;
  }
  void consume(const std::vector<events::Envelope>& es) {
    std::vector<runtime::Incoming> batch;
    for (const auto& e : es) batch.push_back({nullptr, e});
    const auto out = app_->apply_batch(batch);
    ASSERT_FALSE(out.error) << out.error->to_string();
    ASSERT_EQ(out.done, batch.size());
  }
  std::vector<scheduling::v1::AgendaItem> plan_of_customer() { return *queries_->customer_plan(Scope("h"), "p-1"); }
  size_t fire() { return *app_->fire_timers(store_->all_partitions()); }
  // Events the visit service will publish (its outbox entries).
  long long published() {
    auto r = pool_->lease()->command({"XLEN", store_->key(store_->partition_of("p-1"), "outbox")});
    EXPECT_TRUE(r);
    return r ? r->integer : -1;
  }
  core::Result<v1::RecordAttemptResponse> attempt(const std::string& vid, v1::AttemptOutcome outcome) {
    v1::RecordAttemptRequest r;
    r.set_visit_id(vid);
    r.set_customer_id("p-1");
    r.set_agent_id("a-1");
    r.set_outcome(outcome);
    if (outcome == v1::ATTEMPT_OUTCOME_REFUSED) r.set_reason("not interested");
    return app_->attempt(Scope("h"), r);
  }
  std::vector<std::string> life(const std::string& vid) {
    std::vector<std::string> out;
    const auto explained = queries_->explain(Scope("h"), "p-1", vid);
    EXPECT_TRUE(explained);
    if (explained)
      for (const auto& x : *explained) out.push_back(x.outcome());
    return out;
  }

  testing::RedisServer redis_;
  core::ManualClock clock_{local(2026, 1, 5, 10, 0)};
  core::IdGenerator ids_{clock_, 9};
  events::EnvelopeFactory factory_{clock_, ids_};
  uint64_t version_ = 0;
  std::unique_ptr<store::RedisPool> pool_;
  std::unique_ptr<store::EventStore> store_;
  std::unique_ptr<privacy::Keyring> keyring_;
  std::unique_ptr<VisitApp> app_;
  std::unique_ptr<VisitQueries> queries_;
};

TEST_F(VisitLifeTest, APlanOpensTheVisitOnceOnItsAgentsAgendaWithoutPublishingItAgain) {
  const auto plan = planned("v-1");
  consume({plan});
  consume({plan});  // redelivered
  const auto items = plan_of_customer();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].state(), "planned");
  EXPECT_EQ(text(items[0].scheduled_at()), "2026-01-12 08:00 Mon");
  EXPECT_EQ(queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_UPCOMING)->size(), 1u);
  EXPECT_EQ(published(), 0);  // scheduling already published the plan
  EXPECT_EQ(life("v-1"), std::vector<std::string>{"planned"});
}

TEST_F(VisitLifeTest, TimersMakeItDueThenOverdueOnTheFakeClock) {
  consume({planned("v-1")});
  EXPECT_EQ(fire(), 0u);
  clock_.set(local(2026, 1, 12, 9, 0));
  EXPECT_EQ(fire(), 1u);  // due
  EXPECT_EQ(queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_TODAY)->at(0).state(), "due");
  clock_.set(local(2026, 1, 20, 9, 0));
  EXPECT_EQ(fire(), 1u);  // overdue
  EXPECT_EQ(fire(), 0u);
  const auto overdue = *queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_OVERDUE);
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0].state(), "overdue");
  EXPECT_EQ(published(), 2);
  EXPECT_EQ(life("v-1"), (std::vector<std::string>{"planned", "due", "overdue"}));
}

TEST_F(VisitLifeTest, AVisitWhoseWindowIsAlreadyOpenIsDueAtOnceWithoutATimer) {
  clock_.set(local(2026, 1, 12, 10, 0));
  consume({planned("v-1")});
  EXPECT_EQ(plan_of_customer().at(0).state(), "due");
  EXPECT_EQ(published(), 1);
  EXPECT_EQ(fire(), 0u);  // no due timer left
  clock_.set(local(2026, 1, 20, 10, 0));
  EXPECT_EQ(fire(), 1u);  // only the overdue one
}

TEST_F(VisitLifeTest, TheCustomersCallbackTimeWinsOverTheCallingWindows) {
  consume({planned("v-1")});
  clock_.set(local(2026, 1, 12, 9, 0));
  v1::RecordAttemptRequest r;
  r.set_visit_id("v-1");
  r.set_customer_id("p-1");
  r.set_agent_id("a-1");
  r.set_outcome(v1::ATTEMPT_OUTCOME_NOT_CONVENIENT);
  r.set_reason("in a meeting");
  *r.mutable_callback_at() = events::to_proto(local(2026, 1, 13, 19, 30));  // outside every window
  ASSERT_TRUE(app_->attempt(Scope("h"), r));
  const auto upcoming = *queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_UPCOMING);
  ASSERT_EQ(upcoming.size(), 1u);
  EXPECT_EQ(text(upcoming[0].scheduled_at()), "2026-01-13 19:30 Tue");
  EXPECT_EQ(upcoming[0].state(), "rescheduled");
}

TEST_F(VisitLifeTest, UnansweredCallsRetryOnLaterWindowsSkippingHolidaysThenFallBackThenClose) {
  // The tenant's calendar (from scheduling's topic): Monday the 19th is a holiday.
  scheduling::v1::SchedulingEvent cal;
  cal.mutable_calendar_published()->set_tenant_id("h");
  cal.mutable_calendar_published()->set_year(2026);
  cal.mutable_calendar_published()->add_holidays("2026-01-19");
  consume({scheduling_event(cal, "tenant:h"), planned("v-1")});
  clock_.set(local(2026, 1, 16, 16, 0));  // a Friday afternoon
  auto a = attempt("v-1", v1::ATTEMPT_OUTCOME_NO_ANSWER);
  ASSERT_TRUE(a) << a.error().to_string();
  EXPECT_EQ(a->attempt(), 1u);
  // 4 hours later is Friday night; the weekend and the holiday are skipped.
  EXPECT_EQ(text(plan_of_customer().at(0).scheduled_at()), "2026-01-20 08:00 Tue");
  ASSERT_TRUE(attempt("v-1", v1::ATTEMPT_OUTCOME_NO_ANSWER));
  ASSERT_TRUE(attempt("v-1", v1::ATTEMPT_OUTCOME_WRONG_NUMBER));  // the phone is exhausted
  EXPECT_EQ(plan_of_customer().at(0).channel(), common::v1::CHANNEL_ON_SITE);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(attempt("v-1", v1::ATTEMPT_OUTCOME_NO_ANSWER));
  EXPECT_EQ(plan_of_customer().at(0).state(), "closed");
  EXPECT_TRUE(queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_UPCOMING)->empty());
  EXPECT_TRUE(queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_TODAY)->empty());
  const auto outcomes = life("v-1");
  EXPECT_EQ(outcomes.back(), "closed_unreachable");
  EXPECT_NE(std::find(outcomes.begin(), outcomes.end(), "fallback"), outcomes.end());
  EXPECT_EQ(attempt("v-1", v1::ATTEMPT_OUTCOME_NO_ANSWER).error().kind(), core::condition::failed_precondition);
  clock_.set(local(2026, 2, 1, 9, 0));
  EXPECT_EQ(fire(), 0u);  // its timers went with it
}

TEST_F(VisitLifeTest, ARefusalClosesTheVisit) {
  consume({planned("v-1")});
  ASSERT_TRUE(attempt("v-1", v1::ATTEMPT_OUTCOME_REFUSED));
  EXPECT_EQ(plan_of_customer().at(0).state(), "closed");
  EXPECT_EQ(life("v-1").back(), "closed_unreachable");
}

TEST_F(VisitLifeTest, AVisitPlannedWithoutAnAgentReachesTheAgendaOfTheOneAssignedLater) {
  consume({planned("v-1", "")});
  EXPECT_TRUE(queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_UPCOMING)->empty());
  v1::StartVisitRequest start;
  start.set_visit_id("v-1");
  start.set_customer_id("p-1");
  start.set_agent_id("a-1");
  EXPECT_EQ(app_->start(Scope("h"), start).error().kind(), core::condition::failed_precondition);
  scheduling::v1::SchedulingEvent assigned;
  assigned.mutable_visit_assigned()->set_visit_id("v-1");
  assigned.mutable_visit_assigned()->set_agent_id("a-1");
  const auto e = scheduling_event(assigned);
  consume({e});
  consume({e});  // redelivered: changes nothing
  EXPECT_EQ(queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_UPCOMING)->size(), 1u);
  EXPECT_EQ(life("v-1"), (std::vector<std::string>{"planned", "assigned"}));
  clock_.set(local(2026, 1, 12, 9, 0));
  EXPECT_TRUE(app_->start(Scope("h"), start));
  EXPECT_EQ(published(), 2);  // started and the audited read; the assignment was scheduling's to publish
}

TEST_F(VisitLifeTest, AnotherTenantsCallerFindsNoSuchVisitAndChangesNothing) {
  consume({planned("v-1")});
  clock_.set(local(2026, 1, 12, 9, 0));
  v1::StartVisitRequest start;
  start.set_visit_id("v-1");
  start.set_customer_id("p-1");
  start.set_agent_id("a-1");  // even the assigned agent's id, from another tenant
  EXPECT_EQ(app_->start(Scope("other"), start).error().kind(), core::condition::not_found);
  v1::GetVisitRequest get;
  get.set_visit_id("v-1");
  get.set_customer_id("p-1");
  EXPECT_EQ(app_->get(Scope("other"), get).error().kind(), core::condition::not_found);
  EXPECT_EQ(life("v-1"), (std::vector<std::string>{"planned"}));
  EXPECT_EQ(app_->get(Scope("h"), get)->state(), "planned");
}

TEST_F(VisitLifeTest, ACompletedVisitLeavesTheAgendaAndItsTimers) {
  consume({planned("v-1")});
  clock_.set(local(2026, 1, 12, 9, 0));
  v1::CompleteVisitRequest r;
  r.set_visit_id("v-1");
  r.set_customer_id("p-1");
  r.set_agent_id("a-1");
  r.set_note("letter sent");
  ASSERT_TRUE(app_->complete(Scope("h"), r));
  EXPECT_TRUE(queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_TODAY)->empty());
  EXPECT_EQ(plan_of_customer().at(0).state(), "completed");
  clock_.set(local(2026, 2, 1, 9, 0));
  EXPECT_EQ(fire(), 0u);
}

// PIPL: a customer who asks not to be contacted is not called again, from the moment intake
// records it — their open visits are called off with the reason (off the agenda, timers gone),
// completed ones stay as they were, another tenant's same customer id is untouched, and their
// contacts are no longer shown.
TEST_F(VisitLifeTest, DoNotContactCallsOffTheCustomersOpenVisitsAndWithholdsTheirContacts) {
  consume({registered(std::nullopt), planned("v-1"), planned("v-2"), planned("v-3")});
  clock_.set(local(2026, 1, 12, 9, 0));
  v1::StartVisitRequest start;
  start.set_visit_id("v-1");
  start.set_customer_id("p-1");
  start.set_agent_id("a-1");
  ASSERT_EQ(app_->start(Scope("h"), start)->contacts_size(), 1);
  v1::CompleteVisitRequest done;
  done.set_visit_id("v-3");
  done.set_customer_id("p-1");
  done.set_agent_id("a-1");
  done.set_note("letter sent");
  ASSERT_TRUE(app_->complete(Scope("h"), done));

  events::Envelope withdrawn;
  auto* w = withdrawn.mutable_intake()->mutable_consent_changed();
  w->set_customer_id("p-1");
  w->set_do_not_contact(true);
  w->set_reason("asked on the phone");
  factory_.stamp(withdrawn, {"other", "", "p-1", "", "", {}}, {"customer", "p-1"}, 2);
  consume({withdrawn});  // another tenant's customer of the same id: nothing of tenant h changes
  EXPECT_EQ(plan_of_customer().at(0).state(), "planned");
  EXPECT_EQ(app_->start(Scope("h"), start)->contacts_size(), 1);
  factory_.stamp(withdrawn, {"h", "cardiology", "p-1", "", "", {}}, {"customer", "p-1"}, 2);
  consume({withdrawn});
  consume({withdrawn});  // redelivered: called off once

  std::map<std::string, std::string> states;
  for (const auto& i : plan_of_customer()) states[i.visit_id()] = i.state();
  EXPECT_EQ(states, (std::map<std::string, std::string>{{"v-1", "cancelled"}, {"v-2", "cancelled"}, {"v-3", "completed"}}));
  EXPECT_EQ(life("v-2").back(), "cancelled");
  const auto explained = queries_->explain(Scope("h"), "p-1", "v-2");
  EXPECT_EQ(explained->back().text(), "customer asked not to be contacted: asked on the phone");
  EXPECT_EQ(explained->front().service_event_id(), "se-of-v-2");  // scheduling's explanation is found by it
  EXPECT_TRUE(queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_TODAY)->empty());
  EXPECT_TRUE(queries_->agenda(Scope("h"), "a-1", scheduling::v1::AGENDA_VIEW_UPCOMING)->empty());
  EXPECT_EQ(app_->start(Scope("h"), start).error().kind(), core::condition::failed_precondition);
  clock_.set(local(2026, 2, 1, 9, 0));
  EXPECT_EQ(fire(), 0u);  // no timer left to make them overdue

  // Contacts are withheld even for a visit planned before the cancellation reached it.
  consume({planned("v-4")});
  start.set_visit_id("v-4");
  auto shown = app_->start(Scope("h"), start);
  ASSERT_TRUE(shown) << shown.error().to_string();
  EXPECT_EQ(shown->contacts_size(), 0);
  // Consent given again: contacts are shown again.
  w->set_do_not_contact(false);
  factory_.stamp(withdrawn, {"h", "cardiology", "p-1", "", "", {}}, {"customer", "p-1"}, 3);
  consume({withdrawn});
  EXPECT_EQ(app_->start(Scope("h"), start)->contacts_size(), 1);
}

// Crypto-shredding: intake seals a customer's contacts with their key; the agent who starts a
// visit sees them opened; once the customer is erased their open visits are called off and their
// contacts are neither kept nor shown, though completed visits stay.
TEST_F(VisitLifeTest, SealedContactsOpenForTheAgentUntilTheCustomerIsErased) {
  const events::Envelope sealed = registered(*keyring_->key_for({"h", "p-1"}));
  ASSERT_TRUE(sealed.intake().customer_registered().customer().contacts().empty());
  consume({sealed, planned("v-1"), planned("v-2")});
  clock_.set(local(2026, 1, 12, 9, 0));
  v1::StartVisitRequest start;
  start.set_visit_id("v-1");
  start.set_customer_id("p-1");
  start.set_agent_id("a-1");
  auto shown = app_->start(Scope("h"), start);
  ASSERT_TRUE(shown) << shown.error().to_string();
  ASSERT_EQ(shown->contacts_size(), 1);
  EXPECT_EQ(shown->contacts(0).value(), "13800000000");
  v1::CompleteVisitRequest done;
  done.set_visit_id("v-1");
  done.set_customer_id("p-1");
  done.set_agent_id("a-1");
  ASSERT_TRUE(app_->complete(Scope("h"), done));

  ASSERT_TRUE(keyring_->destroy({"h", "p-1"}));  // what intake does on EraseCustomer, then it announces it
  events::Envelope erased;
  erased.mutable_intake()->mutable_customer_erased()->set_customer_id("p-1");
  erased.mutable_intake()->mutable_customer_erased()->set_reason("DSR-7");
  factory_.stamp(erased, {"h", "cardiology", "p-1", "", "", {}}, {"customer", "p-1"}, 2);
  consume({erased});
  std::map<std::string, std::string> states;
  for (const auto& i : plan_of_customer()) states[i.visit_id()] = i.state();
  EXPECT_EQ(states, (std::map<std::string, std::string>{{"v-1", "completed"}, {"v-2", "cancelled"}}));
  EXPECT_EQ(queries_->explain(Scope("h"), "p-1", "v-2")->back().text(),
            "customer asked not to be contacted: personal data erased on request");
  EXPECT_EQ(redis_.cli("HLEN '" + store_->key(store_->partition_of("p-1"), "contacts:h") + "'"), "0\n");

  // A registration redelivered after the erasure — even one from before sealing, in the clear —
  // brings nothing back.
  consume({sealed, registered(std::nullopt), planned("v-3")});
  start.set_visit_id("v-3");
  shown = app_->start(Scope("h"), start);
  ASSERT_TRUE(shown) << shown.error().to_string();
  EXPECT_EQ(shown->contacts_size(), 0);
}

// PIPL art. 29: a health finding is recorded only for a customer who gave the separate consent to
// sensitive data, as intake last said (registration, update or a consent change).
TEST_F(VisitLifeTest, ASensitiveFindingIsRecordedOnlyWithTheCustomersSeparateConsent) {
  auto registered = [&](bool consent) {
    events::Envelope e;
    auto* c = e.mutable_intake()->mutable_customer_registered()->mutable_customer();
    c->set_id("p-1");
    c->set_tenant_id("h");
    c->set_sensitive_data_consent(consent);
    factory_.stamp(e, {"h", "cardiology", "p-1", "", "", {}}, {"customer", "p-1"}, ++version_);
    return e;
  };
  consume({registered(false), planned("v-1"), planned("v-2")});
  clock_.set(local(2026, 1, 12, 9, 0));
  v1::SubmitSurveyRequest r;
  r.set_visit_id("v-1");
  r.set_customer_id("p-1");
  r.set_agent_id("a-1");
  r.set_sensitive_finding("mentions chest pain at night");
  r.set_sensitive_finding_owner("dr-li");
  auto refused = app_->survey(Scope("h"), r);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), core::condition::failed_precondition);
  EXPECT_EQ(plan_of_customer().at(0).state(), "planned");  // nothing recorded

  events::Envelope given;
  given.mutable_intake()->mutable_consent_changed()->set_customer_id("p-1");
  given.mutable_intake()->mutable_consent_changed()->set_sensitive_data_consent(true);
  factory_.stamp(given, {"h", "cardiology", "p-1", "", "", {}}, {"customer", "p-1"}, ++version_);
  consume({given});
  auto recorded = app_->survey(Scope("h"), r);
  ASSERT_TRUE(recorded) << recorded.error().to_string();

  // Consent taken back: the next visit's finding is refused again.
  given.mutable_intake()->mutable_consent_changed()->set_sensitive_data_consent(false);
  factory_.stamp(given, {"h", "cardiology", "p-1", "", "", {}}, {"customer", "p-1"}, ++version_);
  consume({given});
  r.set_visit_id("v-2");
  EXPECT_EQ(app_->survey(Scope("h"), r).error().kind(), core::condition::failed_precondition);
}

// What the customer says on a visit — answers, problems, a finding — is stored and published
// sealed with their key; the figures still count it, GetVisit shows it opened, and once the
// customer is erased it reads as nothing and nothing more is recorded about them.
TEST_F(VisitLifeTest, WhatTheCustomerSaidIsSealedAndGoneOnceTheyAreErased) {
  consume({registered(*keyring_->key_for({"h", "p-1"})), planned("v-1"), planned("v-2")});
  events::Envelope consent;
  consent.mutable_intake()->mutable_consent_changed()->set_customer_id("p-1");
  consent.mutable_intake()->mutable_consent_changed()->set_sensitive_data_consent(true);
  factory_.stamp(consent, {"h", "cardiology", "p-1", "", "", {}}, {"customer", "p-1"}, 2);
  consume({consent});
  clock_.set(local(2026, 1, 12, 9, 0));
  v1::SubmitSurveyRequest r;
  r.set_visit_id("v-1");
  r.set_customer_id("p-1");
  r.set_agent_id("a-1");
  r.set_opinions("the night nurse was rude");
  r.set_needs("a wheelchair ramp");
  r.set_sensitive_finding("chest pain at night");
  r.set_sensitive_finding_owner("dr-li");
  auto* problem = r.add_problems();
  problem->set_description("bill charged twice");
  problem->set_category("billing");
  std::string neighbour = "p-2";  // another customer whose data lives in the same partition
  for (int i = 3; store_->partition_of(neighbour) != store_->partition_of("p-1"); ++i) neighbour = "p-" + std::to_string(i);
  r.set_customer_id(neighbour);  // naming them cannot reach p-1's visit, nor seal under their key
  EXPECT_EQ(app_->survey(Scope("h"), r).error().kind(), core::condition::not_found);
  r.set_customer_id("p-1");
  ASSERT_TRUE(app_->survey(Scope("h"), r));
  for (const char* said : {"rude", "wheelchair", "chest pain", "charged twice"})
    EXPECT_EQ(testing::keys_holding(*pool_, "visit:*", said), std::vector<std::string>{}) << said;
  const auto recorded = store_->load("p-1", {"visit", "v-1"});
  ASSERT_TRUE(recorded);
  bool flagged = false;
  for (const auto& bytes : recorded->events) {
    events::Envelope e;
    ASSERT_TRUE(e.ParseFromString(bytes));
    if (!e.visit().has_visit_completed()) continue;
    EXPECT_TRUE(e.visit().visit_completed().has_opinions());  // counted without being read
    EXPECT_FALSE(e.visit().visit_completed().has_suggestions());
    flagged = true;
  }
  EXPECT_TRUE(flagged);

  v1::GetVisitRequest get;
  get.set_visit_id("v-1");
  get.set_customer_id("p-1");
  auto shown = app_->get(Scope("h"), get);
  ASSERT_TRUE(shown) << shown.error().to_string();
  EXPECT_EQ(shown->completion().opinions(), "the night nurse was rude");
  EXPECT_EQ(shown->completion().needs(), "a wheelchair ramp");
  ASSERT_EQ(shown->completion().problems_size(), 1);
  EXPECT_EQ(shown->completion().problems(0).description(), "bill charged twice");
  EXPECT_TRUE(shown->completion().sealed_answers().empty());

  ASSERT_TRUE(keyring_->destroy({"h", "p-1"}));
  shown = app_->get(Scope("h"), get);
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->state(), "completed");  // the visit stays, what was said is gone
  EXPECT_TRUE(shown->completion().opinions().empty());
  EXPECT_TRUE(shown->completion().problems(0).description().empty());
  v1::CompleteVisitRequest done;
  done.set_visit_id("v-2");
  done.set_customer_id("p-1");
  done.set_agent_id("a-1");
  done.set_note("called, wants no more calls");
  EXPECT_EQ(app_->complete(Scope("h"), done).error().kind(), core::condition::failed_precondition);
}

// Retention (PIPL): a closed visit whose window ended longer ago than the retention is forgotten —
// its stream and index entries go; open visits and visits closed within the retention stay.
TEST_F(VisitLifeTest, RetentionForgetsClosedVisitsPastItAndNothingElse) {
  consume({planned("v-1"), planned("v-2")});  // both due by 2026-01-19
  clock_.set(local(2026, 1, 12, 9, 0));
  v1::CompleteVisitRequest done;
  done.set_visit_id("v-1");
  done.set_customer_id("p-1");
  done.set_agent_id("a-1");
  done.set_note("letter sent");
  ASSERT_TRUE(app_->complete(Scope("h"), done));
  EXPECT_EQ(*app_->forget_closed_before(local(2026, 1, 19, 0, 0)), 0u);  // its window has not ended then
  ASSERT_EQ(plan_of_customer().size(), 2u);

  EXPECT_EQ(*app_->forget_closed_before(local(2026, 1, 20, 0, 0)), 1u);
  const auto left = plan_of_customer();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].visit_id(), "v-2");  // open: kept
  v1::GetVisitRequest get;
  get.set_visit_id("v-1");
  get.set_customer_id("p-1");
  EXPECT_EQ(app_->get(Scope("h"), get).error().kind(), core::condition::not_found);
  EXPECT_EQ(store_->load("p-1", {"visit", "v-1"})->version, 0u);  // its events are gone too
  EXPECT_EQ(*app_->forget_closed_before(local(2030, 1, 1, 0, 0)), 0u);  // once
  get.set_visit_id("v-2");
  EXPECT_TRUE(app_->get(Scope("h"), get));
}

}  // namespace
}  // namespace huifang::visit
