#include "visit.h"

#include <gtest/gtest.h>

#include "catalog.h"

namespace huifang::visit {
namespace {

VisitState planned() {
  VisitState s;
  s.planned = true;
  s.stage = "planned";
  s.agent_id = "a-1";
  s.tenant_id = "logi";
  s.plan.mutable_decision()->set_visit_id("v-1");
  s.plan.mutable_decision()->set_customer_id("c-1");
  s.plan.mutable_decision()->set_category("logistics.delivery_completed");
  s.plan.set_complaint_threshold(6);
  return s;
}

std::vector<std::string> dims() {
  std::vector<std::string> out;
  for (const auto& d : script_for("logistics.delivery_completed").survey) out.push_back(d.key());
  return out;
}

v1::SubmitSurveyRequest survey() {
  v1::SubmitSurveyRequest r;
  r.set_visit_id("v-1");
  r.set_customer_id("c-1");
  r.set_agent_id("a-1");
  auto* a = r.add_ratings();
  a->set_dimension("delivery_punctuality");
  a->set_score(9);
  auto* b = r.add_ratings();
  b->set_dimension("driver_attitude");
  b->set_score(0);  // unrated
  return r;
}

const core::Timestamp kNow = core::from_micros(1'767'571'200'000'000);
std::string next_id() { return "prob-1"; }

VisitState fold(VisitState s, const std::vector<events::Envelope>& es) {
  for (const auto& e : es) evolve(s, e);
  return s;
}

TEST(VisitDecide, OnlyTheAssignedAgentMayAct) {
  v1::StartVisitRequest r;
  r.set_visit_id("v-1");
  r.set_agent_id("a-2");
  auto d = decide_start(planned(), r);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind(), core::condition::permission_denied);
  r.set_agent_id("a-1");
  d = decide_start(planned(), r);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->events.size(), 2u);
  EXPECT_TRUE(d->events[1].visit().has_contact_record_read());  // the read is audited
}

TEST(VisitDecide, UnplannedVisitIsNotFound) {
  v1::StartVisitRequest r;
  r.set_visit_id("nope");
  r.set_agent_id("a-1");
  EXPECT_EQ(decide_start({}, r).error().kind(), core::condition::not_found);
}

TEST(VisitDecide, CompletingTwiceIsAFailedPrecondition) {
  auto first = decide_survey(planned(), survey(), dims(), kNow, next_id, false);
  ASSERT_TRUE(first);
  const auto s = fold(planned(), first->events);
  EXPECT_TRUE(s.completed);
  auto again = decide_survey(s, survey(), dims(), kNow, next_id, false);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), core::condition::failed_precondition);
  EXPECT_NE(again.error().message.find("already completed"), std::string::npos);
}

TEST(VisitDecide, NotConvenientNeedsTheCustomersTimeAndReasonAndRequestsACallback) {
  v1::RecordAttemptRequest r;
  r.set_visit_id("v-1");
  r.set_agent_id("a-1");
  r.set_outcome(v1::ATTEMPT_OUTCOME_NOT_CONVENIENT);
  EXPECT_EQ(decide_attempt(planned(), r, {}, kNow).error().field, "callback_at");
  r.mutable_callback_at()->set_seconds(-9'200'000'000'000'000);  // no callback in the year -291,000
  EXPECT_EQ(decide_attempt(planned(), r, {}, kNow).error().field, "callback_at");
  r.mutable_callback_at()->set_seconds(1'767'650'000);
  EXPECT_EQ(decide_attempt(planned(), r, {}, kNow).error().field, "reason");
  r.set_reason("driving");
  auto d = decide_attempt(planned(), r, {}, kNow);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->events.size(), 3u);
  EXPECT_EQ(d->events[0].visit().visit_attempted().attempt(), 1u);
  EXPECT_EQ(d->events[1].visit().callback_requested().callback_at().seconds(), 1'767'650'000);
  // The customer's time wins over calling windows.
  EXPECT_EQ(d->events[2].visit().visit_rescheduled().scheduled_at().seconds(), 1'767'650'000);
  EXPECT_EQ(fold(planned(), d->events).stage, "rescheduled");
}

TEST(VisitDecide, AttemptsAreNumberedInOrder) {
  v1::RecordAttemptRequest r;
  r.set_visit_id("v-1");
  r.set_agent_id("a-1");
  r.set_outcome(v1::ATTEMPT_OUTCOME_NO_ANSWER);
  auto s = fold(planned(), decide_attempt(planned(), r, {}, kNow)->events);
  auto second = decide_attempt(s, r, {}, kNow);
  EXPECT_EQ(second->events[0].visit().visit_attempted().attempt(), 2u);
  // No fallback channel and attempts left on the phone (3 by default): a retry, not a closure.
  EXPECT_EQ(second->events[1].visit().visit_retry_scheduled().attempt(), 3u);
  auto third = decide_attempt(fold(s, second->events), r, {}, kNow);
  EXPECT_TRUE(third->events[1].visit().has_visit_closed_unreachable());
}

TEST(VisitDecide, RatingsAreCheckedAndUnratedIsKept) {
  auto bad = survey();
  bad.mutable_ratings(0)->set_score(11);
  EXPECT_EQ(decide_survey(planned(), bad, dims(), kNow, next_id, false).error().field, "ratings[0].score");
  bad = survey();
  bad.mutable_ratings(1)->set_dimension("taste");
  EXPECT_EQ(decide_survey(planned(), bad, dims(), kNow, next_id, false).error().field, "ratings[1].dimension");
  auto d = decide_survey(planned(), survey(), dims(), kNow, next_id, false);
  ASSERT_TRUE(d);
  const auto& done = d->events[0].visit().visit_completed();
  ASSERT_EQ(done.ratings_size(), 2);
  EXPECT_EQ(done.ratings(1).score(), 0u);
  EXPECT_EQ(done.complaint_threshold(), 6u);
  EXPECT_EQ(events::from_proto(done.completed_at()), kNow);
}

TEST(VisitDecide, UnsolvedProblemsAreRaisedAndSensitiveFindingsFlaggedToTheirOwner) {
  auto r = survey();
  auto* p = r.add_problems();
  p->set_description("parcel arrived damaged");
  p->set_responsible("driver-7");
  auto* solved = r.add_problems();
  solved->set_description("asked for the invoice");
  solved->set_solved_on_the_spot(true);
  r.set_sensitive_finding("customer mentions chest pain");
  EXPECT_EQ(decide_survey(planned(), r, dims(), kNow, next_id, false).error().field, "sensitive_finding_owner");
  r.set_sensitive_finding_owner("dr-li");
  // Without the customer's separate consent to sensitive data, the finding is not recorded.
  auto refused = decide_survey(planned(), r, dims(), kNow, next_id, false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), core::condition::failed_precondition);
  EXPECT_EQ(refused.error().field, "sensitive_finding");
  auto d = decide_survey(planned(), r, dims(), kNow, next_id, /*sensitive_consent=*/true);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->events.size(), 3u);
  EXPECT_EQ(d->events[1].visit().problem_raised().problem().problem_id(), "prob-1");
  EXPECT_EQ(d->events[2].visit().sensitive_finding_flagged().owner(), "dr-li");
}

intake::v1::ConsentChanged consent(bool do_not_contact, std::map<std::string, bool> channels = {}) {
  intake::v1::ConsentChanged c;
  c.set_customer_id("c-1");
  c.set_do_not_contact(do_not_contact);
  c.set_reason("moved abroad");
  for (const auto& [k, v] : channels) (*c.mutable_consents())[k] = v;
  return c;
}

TEST(VisitConsent, DoNotContactCallsOffAnOpenVisitAndTheAgentCanNoLongerStartIt) {
  auto s = planned();
  s.channel = common::v1::CHANNEL_PHONE;
  const auto es = on_consent_changed(s, consent(true));
  ASSERT_EQ(es.size(), 1u);
  ASSERT_TRUE(es[0].visit().has_visit_cancelled());
  EXPECT_EQ(es[0].visit().visit_cancelled().reason(), "customer asked not to be contacted: moved abroad");
  EXPECT_EQ(es[0].visit().visit_cancelled().category(), "logistics.delivery_completed");
  s = fold(s, es);
  EXPECT_TRUE(s.closed);
  EXPECT_EQ(s.stage, "cancelled");
  v1::StartVisitRequest r;
  r.set_visit_id("v-1");
  r.set_agent_id("a-1");
  auto d = decide_start(s, r);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().kind(), core::condition::failed_precondition);
  EXPECT_TRUE(on_consent_changed(s, consent(true)).empty());  // once
}

TEST(VisitConsent, ALostChannelMovesTheVisitToTheNextChannelThatStillHasConsent) {
  auto s = planned();
  s.channel = common::v1::CHANNEL_PHONE;
  s.plan.add_fallback_channels(common::v1::CHANNEL_SMS);
  s.plan.add_fallback_channels(common::v1::CHANNEL_LETTER);
  // A change that leaves the channel in use open changes nothing.
  EXPECT_TRUE(on_consent_changed(s, consent(false, {{"sms", false}})).empty());
  // Phone and SMS withdrawn: the letter, skipping SMS.
  auto es = on_consent_changed(s, consent(false, {{"phone", false}, {"sms", false}}));
  ASSERT_EQ(es.size(), 1u);
  ASSERT_TRUE(es[0].visit().has_visit_channel_fallback());
  EXPECT_EQ(es[0].visit().visit_channel_fallback().to(), common::v1::CHANNEL_LETTER);
  EXPECT_EQ(es[0].visit().visit_channel_fallback().reason(), "consent for phone withdrawn: moved abroad");
  s = fold(s, es);
  EXPECT_EQ(s.channel, common::v1::CHANNEL_LETTER);
  EXPECT_FALSE(s.closed);
  // The letter withdrawn too: nothing left, called off.
  es = on_consent_changed(s, consent(false, {{"phone", false}, {"sms", false}, {"letter", false}}));
  ASSERT_EQ(es.size(), 1u);
  EXPECT_TRUE(es[0].visit().has_visit_cancelled());
}

TEST(VisitConsent, ClosedAndCompletedVisitsAreLeftAsTheyAre) {
  auto s = planned();
  s.closed = s.completed = true;
  EXPECT_TRUE(on_consent_changed(s, consent(true)).empty());
  EXPECT_TRUE(on_consent_changed(VisitState{}, consent(true)).empty());
}

TEST(Catalog, ScriptsFollowTheCallOrderAndSurveysMatchTheIndustry) {
  const auto s = script_for("hospital.inpatient_discharged");
  ASSERT_EQ(s.sections.size(), 8u);
  EXPECT_EQ(s.sections.front().key(), "greeting");
  EXPECT_EQ(s.sections.back().key(), "thanks");
  EXPECT_FALSE(s.sections[5].text_if_unsatisfied().empty());
  EXPECT_EQ(script_for("logistics.delivery_completed").survey.size(), 6u);
  EXPECT_EQ(script_for("lender.loan_disbursed").survey.front().key(), "channel");
}

}  // namespace
}  // namespace huifang::visit
