#pragma once
// Intake's application layer: each command loads its aggregate, decides with the pure domain and
// appends atomically with the service's indexes (org units and agents per tenant partition,
// customers per customer partition). The gRPC service and the inbound-topic consumer both call
// it, so an event recorded either way is validated and deduplicated the same way. A customer's
// personal fields are sealed with their own key before anything is written (privacy/keyring.h)
// and opened again only for the answers of the customer reads.
#include "huifang/edge/org_scope.h"
#include <span>
#include <string>
#include <vector>

#include "huifang/bus/consumer_loop.h"

#include "huifang/core/result.h"
#include "huifang/privacy/keyring.h"
#include "huifang/runtime/repository.h"
#include "huifang/store/event_store.h"
#include "huifang/intake/v1/service.pb.h"
#include "../domain/customer.h"
#include "../domain/service_event.h"

namespace huifang::intake {

class IntakeApp {
 public:
  IntakeApp(store::EventStore& store, const events::EnvelopeFactory& factory, core::IdGenerator& ids,
            privacy::Keyring& keyring);

  core::Result<v1::OrgUnit> define_org_unit(const std::string& tenant_id, const v1::OrgUnit& unit);
  core::Result<std::vector<v1::OrgUnit>> list_org_units(const std::string& tenant_id, const std::string& under);
  // The tenant's org tree (unit → parent), for org-unit scope.
  core::Result<edge::OrgTree> org_tree(const std::string& tenant_id);
  core::Result<v1::Agent> register_agent(const std::string& tenant_id, const v1::Agent& agent, bool update);
  core::Result<std::vector<v1::Agent>> list_agents(const std::string& tenant_id, const std::string& org_unit_id);
  core::Result<v1::Customer> create_customer(const v1::Customer& c);
  core::Result<v1::Customer> update_customer(const v1::Customer& c);
  // The customer as indexed, personal fields still sealed: enough to check where they belong.
  core::Result<v1::Customer> find_customer(const std::string& tenant_id, const std::string& customer_id);
  // The same with the personal fields opened, for a reader.
  core::Result<v1::Customer> get_customer(const std::string& tenant_id, const std::string& customer_id);
  core::Result<std::vector<v1::Customer>> list_customers(const v1::ListCustomersRequest& r);
  core::Result<v1::Customer> set_consent(const v1::SetConsentRequest& r);
  // Destroys the customer's key, then records the erasure; a retry after a failure in between
  // records it then. Returns what is left of the customer.
  core::Result<v1::Customer> erase_customer(const v1::EraseCustomerRequest& r, const std::string& erased_by);
  core::Result<v1::RecordServiceEventResponse> record_service_event(const v1::RecordServiceEventRequest& r);
  // Many at once (the inbound topic's consumed batch): one round trip for their customers and org
  // units, one for their appends; redelivered keys go the one-at-a-time way (replayed or refused).
  // Stops at the first request that can never be recorded (same contract as bus::BatchOutcome).
  bus::BatchOutcome record_service_events(std::span<const v1::RecordServiceEventRequest> requests);

 private:
  core::Result<std::string> index_get(const std::string& partition_key, const std::string& index, const std::string& field);
  core::Result<std::vector<std::string>> index_values(uint32_t partition, const std::string& index);
  core::Status require_org_unit(const std::string& tenant_id, const std::string& org_unit_id, const std::string& field);
  // The customer (and named org unit) of each request, in one round trip, in request order.
  core::Result<std::vector<store::Reply>> lookups(std::span<const v1::RecordServiceEventRequest> requests);
  // The event a request records, checked against what lookups() found for it.
  core::Result<v1::ServiceEventRecorded> recorded_for(const v1::RecordServiceEventRequest& r, const store::Reply& customer,
                                                      const store::Reply* org_unit);

  // Create or update: decided with the personal fields open, written with them sealed in every
  // event and index entry.
  core::Result<v1::Customer> write_customer(const v1::Customer& c, bool update);
  // Opens the personal fields of `cs` in place: one keyring round trip for all of them.
  core::Status open_all(std::span<v1::Customer> cs);

  store::EventStore& store_;
  const events::EnvelopeFactory& factory_;
  core::IdGenerator& ids_;
  privacy::Keyring& keyring_;
  runtime::Repository<CustomerState> customers_;
  runtime::Repository<ServiceEventState> service_events_;
  runtime::Repository<bool> org_units_;  // existence is all the state an org unit or agent needs
};

// Partition key of a tenant's org tree and agents.
std::string tenant_partition(const std::string& tenant_id);

}  // namespace huifang::intake
