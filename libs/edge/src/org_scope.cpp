#include "huifang/edge/org_scope.h"

#include <algorithm>

namespace huifang::edge {
namespace {

constexpr int kMaxDepth = 32;  // deeper trees are refused by intake; a cycle must not loop

core::Status check(const google::protobuf::Message& m, const Caller& caller, const OrgTree& tree, const std::string& path,
                   int depth) {
  using google::protobuf::FieldDescriptor;
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  if (depth > 8) return core::ok_status();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->name() == "org_unit_id" && f->cpp_type() == FieldDescriptor::CPPTYPE_STRING && !f->is_repeated()) {
      const std::string& unit = r->GetString(m, f);
      if (!unit.empty() && !covers(caller, unit, tree))
        return core::make_error(core::make_error_code(core::errc::permission_denied),
                                "org unit '" + unit + "' is outside the units you work in", path + "org_unit_id");
      continue;
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (!f->is_repeated()) {
      if (r->HasField(m, f))
        if (auto st = check(r->GetMessage(m, f), caller, tree, path + f->name() + ".", depth + 1); !st) return st;
      continue;
    }
    for (int k = 0; k < r->FieldSize(m, f); ++k)
      if (auto st = check(r->GetRepeatedMessage(m, f, k), caller, tree, path + f->name() + "[" + std::to_string(k) + "].",
                          depth + 1);
          !st)
        return st;
  }
  return core::ok_status();
}

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
  return check(request, caller, tree, "", 0);
}

TenantScope scope_of(const Caller& caller, OrgTree tree) {
  TenantScope scope(caller.tenant_id);
  if (is_unit_scoped(caller))
    scope.in_units = [caller, tree = std::move(tree)](const std::string& unit) { return covers(caller, unit, tree); };
  return scope;
}

}  // namespace huifang::edge
