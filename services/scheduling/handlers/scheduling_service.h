#pragma once
// The SchedulingService gRPC edge: policies and calendars (event-sourced, versioned), agendas,
// customer plans and explanations.
#include "huifang/edge/caller.h"
#include "huifang/runtime/repository.h"
#include "huifang/store/event_store.h"
#include "huifang/outbox/relay.h"
#include "huifang/scheduling/v1/service.grpc.pb.h"
#include "planning.h"

namespace huifang::scheduling {

class SchedulingService final : public v1::SchedulingService::Service {
 public:
  SchedulingService(store::EventStore& store, const events::EnvelopeFactory& factory, Planning& planning,
                    outbox::Relay& relay, const edge::Authenticator& auth);

  grpc::Status PutPolicy(grpc::ServerContext*, const v1::PutPolicyRequest*, v1::PutPolicyResponse*) override;
  grpc::Status GetPolicy(grpc::ServerContext*, const v1::GetPolicyRequest*, v1::GetPolicyResponse*) override;
  grpc::Status ListPolicyVersions(grpc::ServerContext*, const v1::ListPolicyVersionsRequest*,
                                  v1::ListPolicyVersionsResponse*) override;
  grpc::Status DiffPolicyVersions(grpc::ServerContext*, const v1::DiffPolicyVersionsRequest*,
                                  v1::DiffPolicyVersionsResponse*) override;
  grpc::Status PutHolidayCalendar(grpc::ServerContext*, const v1::PutHolidayCalendarRequest*,
                                  v1::PutHolidayCalendarResponse*) override;
  grpc::Status GetHolidayCalendar(grpc::ServerContext*, const v1::GetHolidayCalendarRequest*,
                                  v1::GetHolidayCalendarResponse*) override;
  grpc::Status GetAgenda(grpc::ServerContext*, const v1::GetAgendaRequest*, v1::GetAgendaResponse*) override;
  grpc::Status GetCustomerPlan(grpc::ServerContext*, const v1::GetCustomerPlanRequest*,
                               v1::GetCustomerPlanResponse*) override;
  grpc::Status ExplainVisit(grpc::ServerContext*, const v1::ExplainVisitRequest*, v1::ExplainResponse*) override;
  grpc::Status ExplainServiceEvent(grpc::ServerContext*, const v1::ExplainServiceEventRequest*,
                                   v1::ExplainResponse*) override;
  grpc::Status RepublishEvents(grpc::ServerContext*, const v1::RepublishEventsRequest*,
                               v1::RepublishEventsResponse*) override;

 private:
  core::Result<std::vector<v1::PolicyPublished>> versions(const std::string& tenant_id, const std::string& policy_id);

  store::EventStore& store_;
  Planning& planning_;
  outbox::Relay& relay_;
  const edge::Authenticator& auth_;
  runtime::Repository<std::vector<v1::PolicyPublished>> policies_;
  runtime::Repository<bool> calendars_;
};

}  // namespace huifang::scheduling
