#pragma once
// The visit service's application layer: keeps what scheduling planned (plan, assignee, closure)
// and what intake knows of contacts as its own indexes, and runs agents' commands against the
// visit aggregate (plan + the service's own events).
#include "../domain/catalog.h"
#include "../domain/visit.h"
#include <span>

#include "huifang/core/ids.h"
#include "huifang/events/consume.h"
#include "huifang/events/repository.h"
#include "huifang/store/event_store.h"

namespace huifang::visit {

class VisitApp {
 public:
  VisitApp(store::EventStore& store, const events::EnvelopeFactory& factory, core::IdGenerator& ids, const core::Clock& clock);

  // A consumed batch of scheduling's and intake's events, written in one round trip.
  bus::BatchOutcome apply_batch(std::span<const events::Incoming> batch);

  core::Result<v1::StartVisitResponse> start(const v1::StartVisitRequest& r);
  core::Result<v1::RecordAttemptResponse> attempt(const v1::RecordAttemptRequest& r);
  core::Result<v1::SubmitSurveyResponse> survey(const v1::SubmitSurveyRequest& r);
  core::Status complete(const v1::CompleteVisitRequest& r);
  core::Result<v1::GetVisitResponse> get(const v1::GetVisitRequest& r);

 private:
  // The index writes that keep what scheduling and intake said of a visit or a customer.
  std::vector<store::Argv> upserts(const events::Envelope& e) const;
  core::Status write(const std::vector<store::Argv>& cmds);
  // Runs `decide` with the plan merged into the aggregate's state.
  core::Result<events::Executed> run(const std::string& customer_id, const std::string& visit_id,
                                     const std::function<core::Result<events::Decision>(const VisitState&)>& decide);
  core::Result<VisitState> plan_of(const std::string& customer_id, const std::string& visit_id);

  store::EventStore& store_;
  core::IdGenerator& ids_;
  const core::Clock& clock_;
  events::Repository<VisitState> visits_;
};

}  // namespace huifang::visit
