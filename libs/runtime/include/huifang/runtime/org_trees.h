#pragma once
// A tenant's org tree as a service keeps it from intake's OrgUnitDefined, for org-unit scope
// (edge/org_scope.h): one hash "org-tree:<tenant>" (unit → parent) in the tenant's partition,
// under the service's own prefix. Scheduling, visit execution and complaints keep it alike.
#include <google/protobuf/message.h>

#include "huifang/edge/org_scope.h"
#include "huifang/intake/v1/events.pb.h"
#include "huifang/store/event_store.h"

namespace huifang::runtime {

class OrgTrees {
 public:
  explicit OrgTrees(store::EventStore& store) : store_(store) {}

  // The write that keeps `unit` of `tenant`, for the service to send with its other writes.
  store::Argv put(const std::string& tenant, const intake::v1::OrgUnit& unit) const;
  // The same write sent on its own.
  core::Status keep(const std::string& tenant, const intake::v1::OrgUnit& unit) const;
  core::Result<edge::OrgTree> load(const std::string& tenant) const;
  // `caller`'s scope. The tree is read only for a caller who works in part of the tenant; then, with
  // `request`, every unit it names must be theirs (PERMISSION_DENIED).
  core::Result<edge::TenantScope> scope_of(const edge::Caller& caller, const google::protobuf::Message* request = nullptr) const;

 private:
  std::string key(const std::string& tenant) const;

  store::EventStore& store_;
};

}  // namespace huifang::runtime
