#pragma once
// Which of a tenant's visits a caller may see and act on: the tenant's, and of those, for a caller
// who works in part of the tenant, the visits of their units (edge::TenantScope); for reads by an
// agent, the visits assigned to them. Anything else is answered as if it did not exist.
#include <string>

#include "huifang/edge/org_scope.h"

namespace huifang::visit {

struct Scope : edge::TenantScope {
  Scope(std::string tenant_id) : edge::TenantScope(std::move(tenant_id)) {}  // the whole tenant
  Scope(edge::TenantScope s) : edge::TenantScope(std::move(s)) {}

  std::string own_agent;  // set for agents: they read their own visits only

  // May act on a visit (commands check the assignee themselves).
  bool may_act(const std::string& tenant_id, const std::string& org_unit_id) const { return sees(tenant_id, org_unit_id); }
  // May read a visit assigned to `agent_id`.
  bool may_read(const std::string& tenant_id, const std::string& agent_id, const std::string& org_unit_id) const {
    return sees(tenant_id, org_unit_id) && (own_agent.empty() || agent_id == own_agent);
  }
};

}  // namespace huifang::visit
