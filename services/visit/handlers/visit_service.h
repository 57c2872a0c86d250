#pragma once
// The VisitService gRPC edge for agents.
#include "huifang/edge/caller.h"
#include "huifang/outbox/relay.h"
#include "huifang/visit/v1/service.grpc.pb.h"
#include "visit_app.h"
#include "visit_queries.h"

namespace huifang::visit {

class VisitService final : public v1::VisitService::Service {
 public:
  VisitService(VisitApp& app, VisitQueries& queries, outbox::Relay& relay, const edge::Authenticator& auth)
      : app_(app), queries_(queries), relay_(relay), auth_(auth) {}
  grpc::Status StartVisit(grpc::ServerContext*, const v1::StartVisitRequest*, v1::StartVisitResponse*) override;
  grpc::Status RecordAttempt(grpc::ServerContext*, const v1::RecordAttemptRequest*, v1::RecordAttemptResponse*) override;
  grpc::Status SubmitSurvey(grpc::ServerContext*, const v1::SubmitSurveyRequest*, v1::SubmitSurveyResponse*) override;
  grpc::Status CompleteVisit(grpc::ServerContext*, const v1::CompleteVisitRequest*, v1::CompleteVisitResponse*) override;
  grpc::Status GetVisit(grpc::ServerContext*, const v1::GetVisitRequest*, v1::GetVisitResponse*) override;
  grpc::Status GetAgenda(grpc::ServerContext*, const scheduling::v1::GetAgendaRequest*,
                         scheduling::v1::GetAgendaResponse*) override;
  grpc::Status GetCustomerPlan(grpc::ServerContext*, const scheduling::v1::GetCustomerPlanRequest*,
                               scheduling::v1::GetCustomerPlanResponse*) override;
  grpc::Status ExplainVisit(grpc::ServerContext*, const scheduling::v1::ExplainVisitRequest*,
                            scheduling::v1::ExplainResponse*) override;
  grpc::Status RepublishEvents(grpc::ServerContext*, const v1::RepublishEventsRequest*, v1::RepublishEventsResponse*) override;

 private:
  // What the caller may see and act on: their tenant; their units' visits when they work in part
  // of it; their own visits, for reads by an agent.
  core::Result<Scope> scope_of(const edge::Caller& c);

  VisitApp& app_;
  VisitQueries& queries_;
  outbox::Relay& relay_;
  const edge::Authenticator& auth_;
};

}  // namespace huifang::visit
