#pragma once
// Every key the visit service keeps besides its event streams, in one place. All live under the
// service's prefix in the partition of the customer (or, for tenant-wide data, of "tenant:<id>").
#include <string>

namespace huifang::visit::keys {

// Sorted set of deadlines, scores in ms: "due|<visit>|<customer>", "overdue|<visit>|<customer>".
inline constexpr const char* kTimers = "timers";
inline std::string timer(const char* kind, const std::string& visit_id, const std::string& customer_id) {
  return std::string(kind) + "|" + visit_id + "|" + customer_id;
}
// Hash visit id → AgendaItem: what an agenda or a customer's plan shows of a visit.
inline constexpr const char* kVisitInfo = "visit-info";
// Sorted set of an agent's open visits by the time to call.
inline std::string agenda(const std::string& agent_id) { return "agenda:" + agent_id; }
// Sorted set of a customer's visits by due_from.
inline std::string customer_visits(const std::string& customer_id) { return "customer-visits:" + customer_id; }
// Hash customer id → what an agent needs to make the call (name and contacts).
inline constexpr const char* kContacts = "contacts";
// Hash "<tenant>|<customer id>" → why their contacts are withheld (they asked not to be
// contacted); absent when they may be called. Checked before contacts are shown.
inline constexpr const char* kWithheld = "withheld";
inline std::string withheld(const std::string& tenant_id, const std::string& customer_id) {
  return tenant_id + "|" + customer_id;
}
// Hash year → CalendarPublished, in the tenant's partition (retries skip holidays).
inline constexpr const char* kCalendars = "calendars";
inline std::string tenant_partition(const std::string& tenant_id) { return "tenant:" + tenant_id; }

}  // namespace huifang::visit::keys
