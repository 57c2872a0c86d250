#pragma once
// Org-unit scope: a person works in part of their tenant. A token's `org_units` name the subtrees
// the caller works in (a branch, a department); a caller without any works across the whole
// tenant. A record is in scope when its org unit is one of those units or lies below one. The
// services each know their tenant's org tree (from intake's OrgUnitDefined) and hand it in; what
// is out of scope is answered like another tenant's record: NOT_FOUND by id, left out of lists.
#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "huifang/core/result.h"
#include "huifang/edge/caller.h"

namespace huifang::edge {

// A tenant's org tree: unit id → parent id ("" for a root).
using OrgTree = std::unordered_map<std::string, std::string>;

// Whether the caller's scope needs the tree at all (callers without org_units see the tenant).
inline bool is_unit_scoped(const Caller& c) { return !c.org_units.empty(); }

// Whether `unit` is one of the caller's units or below one of them.
bool covers(const Caller& caller, std::string_view unit, const OrgTree& tree);

// Every non-empty `org_unit_id` anywhere in `request` must be in the caller's scope (a list
// filter, the unit a customer or agent is put in, a figure's unit). PERMISSION_DENIED names the
// field: the caller knows their own units, so naming another is not a lookup of a record.
core::Status check_org_fields(const google::protobuf::Message& request, const Caller& caller, const OrgTree& tree);

// What a caller may see of their tenant, in the form the application layer takes: the tenant and,
// for a caller who works in part of it, the test for a record's unit. Built from a plain tenant
// id it is the whole tenant (the services' own work: consuming, timers).
struct TenantScope {
  TenantScope(std::string tenant_id) : tenant(std::move(tenant_id)) {}
  std::string tenant;
  std::function<bool(const std::string& org_unit_id)> in_units;  // null: every unit of the tenant

  bool sees(const std::string& tenant_id, const std::string& org_unit_id) const {
    return tenant_id == tenant && (!in_units || in_units(org_unit_id));
  }
};

// `caller`'s scope, `tree` being their tenant's org tree (needed only when is_unit_scoped).
TenantScope scope_of(const Caller& caller, OrgTree tree);

}  // namespace huifang::edge
