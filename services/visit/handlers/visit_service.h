#pragma once
// The VisitService gRPC edge for agents.
#include "huifang/edge/caller.h"
#include "huifang/outbox/relay.h"
#include "huifang/visit/v1/service.grpc.pb.h"
#include "visit_app.h"

namespace huifang::visit {

class VisitService final : public v1::VisitService::Service {
 public:
  VisitService(VisitApp& app, outbox::Relay& relay, const edge::Authenticator& auth) : app_(app), relay_(relay), auth_(auth) {}
  grpc::Status StartVisit(grpc::ServerContext*, const v1::StartVisitRequest*, v1::StartVisitResponse*) override;
  grpc::Status RecordAttempt(grpc::ServerContext*, const v1::RecordAttemptRequest*, v1::RecordAttemptResponse*) override;
  grpc::Status SubmitSurvey(grpc::ServerContext*, const v1::SubmitSurveyRequest*, v1::SubmitSurveyResponse*) override;
  grpc::Status CompleteVisit(grpc::ServerContext*, const v1::CompleteVisitRequest*, v1::CompleteVisitResponse*) override;
  grpc::Status GetVisit(grpc::ServerContext*, const v1::GetVisitRequest*, v1::GetVisitResponse*) override;
  grpc::Status RepublishEvents(grpc::ServerContext*, const v1::RepublishEventsRequest*, v1::RepublishEventsResponse*) override;

 private:
  VisitApp& app_;
  outbox::Relay& relay_;
  const edge::Authenticator& auth_;
};

}  // namespace huifang::visit
