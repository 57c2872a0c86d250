#pragma once
// The IntakeService gRPC edge: maps requests to IntakeApp and results to responses; every call runs
// through edge::handle (caller identity, deadlines, error → status).
#include "huifang/edge/caller.h"
#include "huifang/edge/org_scope.h"
#include "huifang/intake/v1/service.grpc.pb.h"
#include "huifang/outbox/relay.h"
#include "intake_app.h"

namespace huifang::intake {

class IntakeService final : public v1::IntakeService::Service {
 public:
  IntakeService(IntakeApp& app, outbox::Relay& relay, const edge::Authenticator& auth)
      : app_(app), relay_(relay), auth_(auth) {}

  grpc::Status DefineOrgUnit(grpc::ServerContext*, const v1::DefineOrgUnitRequest*, v1::DefineOrgUnitResponse*) override;
  grpc::Status ListOrgUnits(grpc::ServerContext*, const v1::ListOrgUnitsRequest*, v1::ListOrgUnitsResponse*) override;
  grpc::Status RegisterAgent(grpc::ServerContext*, const v1::RegisterAgentRequest*, v1::RegisterAgentResponse*) override;
  grpc::Status UpdateAgent(grpc::ServerContext*, const v1::UpdateAgentRequest*, v1::UpdateAgentResponse*) override;
  grpc::Status ListAgents(grpc::ServerContext*, const v1::ListAgentsRequest*, v1::ListAgentsResponse*) override;
  grpc::Status CreateCustomer(grpc::ServerContext*, const v1::CreateCustomerRequest*, v1::CreateCustomerResponse*) override;
  grpc::Status UpdateCustomer(grpc::ServerContext*, const v1::UpdateCustomerRequest*, v1::UpdateCustomerResponse*) override;
  grpc::Status GetCustomer(grpc::ServerContext*, const v1::GetCustomerRequest*, v1::GetCustomerResponse*) override;
  grpc::Status ListCustomers(grpc::ServerContext*, const v1::ListCustomersRequest*, v1::ListCustomersResponse*) override;
  grpc::Status SetConsent(grpc::ServerContext*, const v1::SetConsentRequest*, v1::SetConsentResponse*) override;
  grpc::Status EraseCustomer(grpc::ServerContext*, const v1::EraseCustomerRequest*, v1::EraseCustomerResponse*) override;
  grpc::Status RecordServiceEvent(grpc::ServerContext*, const v1::RecordServiceEventRequest*,
                                  v1::RecordServiceEventResponse*) override;
  grpc::Status ImportCustomers(grpc::ServerContext*,
                               grpc::ServerReaderWriter<v1::ImportRowResult, v1::ImportCustomerRow>*) override;
  grpc::Status ImportServiceEvents(grpc::ServerContext*,
                                   grpc::ServerReaderWriter<v1::ImportRowResult, v1::RecordServiceEventRequest>*) override;
  grpc::Status RepublishEvents(grpc::ServerContext*, const v1::RepublishEventsRequest*,
                               v1::RepublishEventsResponse*) override;

 private:
  // For a caller who works in part of the tenant: the org tree, with every unit the request names
  // checked against it (PERMISSION_DENIED). Others get an empty tree and no check.
  core::Result<edge::OrgTree> scope(const edge::Caller& caller, const google::protobuf::Message& request);
  // NOT_FOUND, as if it did not exist, when the customer is outside the caller's units.
  core::Status customer_in_scope(const edge::Caller& caller, const edge::OrgTree& tree, const std::string& customer_id);

  IntakeApp& app_;
  outbox::Relay& relay_;
  const edge::Authenticator& auth_;
};

// A row's result from a command's outcome.
v1::ImportRowResult row_result(uint32_t row, const core::Status& st, const std::string& id);

}  // namespace huifang::intake
