#pragma once
// Every key scheduling keeps besides its event streams, in one place. All live under the
// service's prefix, in the partition of the customer or, for tenant-wide data, of
// tenant_partition(tenant).
#include <string>

namespace huifang::scheduling::keys {

inline std::string tenant_partition(const std::string& tenant_id) { return "tenant:" + tenant_id; }

// Per tenant.
inline constexpr const char* kPolicies = "policies";                    // hash policy id → published record
inline constexpr const char* kPolicyForCategory = "policy-for-category";  // hash category → policy id
inline constexpr const char* kPeriodicPolicies = "periodic-policies";     // set of policies with periodic rules
inline constexpr const char* kCalendars = "calendars";                  // hash year → CalendarPublished
inline constexpr const char* kAgents = "agents";                        // hash agent id → Agent
inline constexpr const char* kLoad = "load";                            // hash agent id → open visits

// Per customer's partition.
inline constexpr const char* kCustomers = "customers";      // hash customer id → Customer (profile)
inline constexpr const char* kTimers = "timers";            // periodic series, scored by the next time (ms)
inline constexpr const char* kVisitTrigger = "visit-trigger";  // hash visit id → the service event that planned it
// A customer's planned visits by due time (contact limits, merging).
inline std::string ledger(const std::string& customer_id) { return "ledger:" + customer_id; }
// Visits of an org unit planned before it had an agent: "visit|customer|category|service event".
inline std::string unassigned(const std::string& org_unit_id) { return "unassigned:" + org_unit_id; }

}  // namespace huifang::scheduling::keys
