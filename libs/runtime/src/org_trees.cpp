#include "huifang/runtime/org_trees.h"

#include "huifang/store/errc.h"

namespace huifang::runtime {

std::string OrgTrees::key(const std::string& tenant) const {
  return store_.key(store_.partition_of("tenant:" + tenant), "org-tree:" + tenant);
}

store::Argv OrgTrees::put(const std::string& tenant, const intake::v1::OrgUnit& unit) const {
  return {"HSET", key(tenant), unit.id(), unit.parent_id()};
}

core::Status OrgTrees::keep(const std::string& tenant, const intake::v1::OrgUnit& unit) const {
  return store_.pool().lease()->write_all({put(tenant, unit)}, "org tree of " + tenant);
}

core::Result<edge::OrgTree> OrgTrees::load(const std::string& tenant) const {
  auto r = store_.pool().lease()->command({"HGETALL", key(tenant)});
  if (!r) return r.error();
  if (r->is_error()) return store::bad_reply("org tree of " + tenant + ": " + r->str);
  edge::OrgTree tree;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) tree[r->elements[i].str] = r->elements[i + 1].str;
  return tree;
}

core::Result<edge::TenantScope> OrgTrees::scope_of(const edge::Caller& caller, const google::protobuf::Message* request) const {
  edge::OrgTree tree;
  if (edge::is_unit_scoped(caller)) {
    auto loaded = load(caller.tenant_id);
    if (!loaded) return loaded.error();
    if (request)
      if (auto st = edge::check_org_fields(*request, caller, *loaded); !st) return st.error();
    tree = std::move(*loaded);
  }
  return edge::scope_of(caller, std::move(tree));
}

}  // namespace huifang::runtime
