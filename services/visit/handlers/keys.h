#pragma once
// Every key the visit service keeps besides its event streams, in one place. All live under the
// service's prefix in the partition of the customer (or, for tenant-wide data, of "tenant:<id>").
// Ids are unique within a tenant only, so every key built from one carries its tenant
// (core/tenant.h); visit ids are unique across tenants.
#include <string>

#include "huifang/core/tenant.h"

namespace huifang::visit::keys {

// Sorted set of deadlines, scores in ms: "due|<visit>|<customer>", "overdue|<visit>|<customer>".
inline constexpr const char* kTimers = "timers";
inline std::string timer(const char* kind, const std::string& visit_id, const std::string& customer_id) {
  return std::string(kind) + "|" + visit_id + "|" + customer_id;
}
// Sorted set of closed visits by the end of their window (ms): what the retention pass forgets
// once that is longer ago than the retention.
inline constexpr const char* kClosed = "closed";
// Hash visit id → AgendaItem: what an agenda or a customer's plan shows of a visit.
inline constexpr const char* kVisitInfo = "visit-info";
// Sorted set of an agent's open visits by the time to call.
inline std::string agenda(const std::string& tenant_id, const std::string& agent_id) {
  return "agenda:" + core::of_tenant(tenant_id, agent_id);
}
// Sorted set of a customer's visits by due_from.
inline std::string customer_visits(const std::string& tenant_id, const std::string& customer_id) {
  return "customer-visits:" + core::of_tenant(tenant_id, customer_id);
}
// Hash customer id → what an agent needs to make the call (name and contacts).
inline std::string contacts(const std::string& tenant_id) { return "contacts:" + tenant_id; }
// Hash customer id → why their contacts are withheld (they asked not to be contacted); absent
// when they may be called. Checked before contacts are shown.
inline std::string withheld(const std::string& tenant_id) { return "withheld:" + tenant_id; }
// Hash customer id → why their personal data is gone (erased on request). Never cleared: a
// registration redelivered after the erasure cannot bring contacts back.
inline std::string erased(const std::string& tenant_id) { return "erased:" + tenant_id; }
// Hash customer id → "1" when the customer consented to sensitive (health) data being recorded.
inline std::string sensitive_consent(const std::string& tenant_id) { return "sensitive-consent:" + tenant_id; }
// Hash year → CalendarPublished, in the tenant's partition (retries skip holidays).
inline std::string calendars(const std::string& tenant_id) { return "calendars:" + tenant_id; }
inline std::string tenant_partition(const std::string& tenant_id) { return "tenant:" + tenant_id; }

}  // namespace huifang::visit::keys
