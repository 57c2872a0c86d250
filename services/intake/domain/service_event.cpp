#include "service_event.h"

#include <google/protobuf/util/message_differencer.h>

#include "huifang/core/hash.h"


namespace huifang::intake {

void evolve(ServiceEventState& s, const events::Envelope& e) {
  if (e.intake().has_service_event_recorded()) {
    s.exists = true;
    s.recorded = e.intake().service_event_recorded();
  }
}

std::string service_event_id_for_key(const std::string& tenant_id, const std::string& key) {
  if (key.empty()) return {};
  return "se-" + core::hex64(core::fnv1a64(tenant_id + '\x1f' + key));
}

v1::ServiceEventRecorded to_recorded(const v1::RecordServiceEventRequest& r, const std::string& id) {
  v1::ServiceEventRecorded e;
  e.set_service_event_id(id);
  e.set_idempotency_key(r.idempotency_key());
  e.set_customer_id(r.customer_id());
  e.set_org_unit_id(r.org_unit_id());
  e.set_category(r.category());
  *e.mutable_occurred_at() = r.occurred_at();
  *e.mutable_attributes() = r.attributes();
  e.set_responsible(r.responsible());
  e.set_source_system(r.source_system().empty() ? "grpc" : r.source_system());
  return e;
}

core::Result<RecordOutcome> decide_record(const ServiceEventState& s, const v1::ServiceEventRecorded& candidate,
                                          const std::string& tenant_id) {
  RecordOutcome out;
  out.decision.context = {tenant_id, candidate.org_unit_id(), candidate.customer_id(), candidate.service_event_id(),
                          "", events::from_proto(candidate.occurred_at())};
  if (s.exists) {
    // The source system may differ between a gRPC call and the inbound topic; the content may not.
    v1::ServiceEventRecorded a = s.recorded, b = candidate;
    a.clear_source_system();
    b.clear_source_system();
    std::string diff;
    google::protobuf::util::MessageDifferencer differ;
    differ.ReportDifferencesToString(&diff);
    if (!differ.Compare(a, b))
      return core::make_error(core::make_error_code(core::errc::already_exists),
                              "idempotency key '" + candidate.idempotency_key() +
                                  "' was already used for a different service event: " + diff);
    out.replayed = true;
    return out;
  }
  events::Envelope e;
  *e.mutable_intake()->mutable_service_event_recorded() = candidate;
  out.decision.events.push_back(std::move(e));
  return out;
}

}  // namespace huifang::intake
