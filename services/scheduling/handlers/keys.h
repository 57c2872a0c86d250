#pragma once
// Every key scheduling keeps besides its event streams, in one place. All live under the
// service's prefix, in the partition of the customer or, for tenant-wide data, of
// tenant_partition(tenant). Ids are unique within a tenant only, so every key or field built from
// one carries its tenant (core/tenant.h).
#include <string>

#include "huifang/core/tenant.h"

namespace huifang::scheduling::keys {

inline std::string tenant_partition(const std::string& tenant_id) { return "tenant:" + tenant_id; }

// Per tenant, in its partition.
inline std::string policies(const std::string& t) { return "policies:" + t; }                    // hash policy id → published record
inline std::string policy_for_category(const std::string& t) { return "policy-for-category:" + t; }  // hash category → policy id
inline std::string periodic_policies(const std::string& t) { return "periodic-policies:" + t; }  // set of policies with periodic rules
inline std::string calendars(const std::string& t) { return "calendars:" + t; }                  // hash year → CalendarPublished
inline std::string agents(const std::string& t) { return "agents:" + t; }                        // hash agent id → Agent
inline std::string load(const std::string& t) { return "load:" + t; }                            // hash agent id → open visits
inline std::string org_zones(const std::string& t) { return "org-zones:" + t; }  // hash unit id → OrgUnit (parent, zone)

// Per customer's partition.
inline std::string customers(const std::string& t) { return "customers:" + t; }  // hash customer id → Customer (profile)
inline constexpr const char* kTimers = "timers";            // periodic series, scored by the next time (ms)
// Hash visit id → the service event that planned it, written by earlier versions only (read for
// their visits; ExplainVisit now takes the service event).
inline constexpr const char* kLegacyVisitTrigger = "visit-trigger";
// A customer's planned visits by due time (contact limits, merging).
inline std::string ledger(const std::string& t, const std::string& customer_id) {
  return "ledger:" + core::of_tenant(t, customer_id);
}
// Visits of an org unit planned before it had an agent: "visit|customer|category|service event".
inline std::string unassigned(const std::string& t, const std::string& org_unit_id) {
  return "unassigned:" + core::of_tenant(t, org_unit_id);
}
}  // namespace huifang::scheduling::keys
