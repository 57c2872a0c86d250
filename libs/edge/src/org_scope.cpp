#include "huifang/edge/org_scope.h"

#include <algorithm>

#include "named_fields.h"

namespace huifang::edge {
namespace {

constexpr int kMaxDepth = 32;  // deeper trees are refused by intake; a cycle must not loop

}  // namespace

bool covers(const Caller& caller, std::string_view unit, const OrgTree& tree) {
  if (!is_unit_scoped(caller)) return true;
  std::string at(unit);
  for (int hops = 0; !at.empty() && hops <= kMaxDepth; ++hops) {
    if (std::find(caller.org_units.begin(), caller.org_units.end(), at) != caller.org_units.end()) return true;
    const auto it = tree.find(at);
    if (it == tree.end()) return false;
    at = it->second;
  }
  return false;
}

core::Status check_org_fields(const google::protobuf::Message& request, const Caller& caller, const OrgTree& tree) {
  if (!is_unit_scoped(caller)) return core::ok_status();
  return visit_named_strings(request, "org_unit_id", [&](const std::string& unit, const std::string& path) -> core::Status {
    if (unit.empty() || covers(caller, unit, tree)) return core::ok_status();
    return core::make_error(core::make_error_code(core::errc::permission_denied),
                            "org unit '" + unit + "' is outside the units you work in", path);
  });
}

TenantScope scope_of(const Caller& caller, OrgTree tree) {
  TenantScope scope(caller.tenant_id);
  if (is_unit_scoped(caller))
    scope.in_units = [caller, tree = std::move(tree)](const std::string& unit) { return covers(caller, unit, tree); };
  return scope;
}

}  // namespace huifang::edge
