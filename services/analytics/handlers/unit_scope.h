#pragma once
// Figures for a caller who works in part of the tenant (a token with org_units): only of their
// units and below. The whole tenant's figures ("no org unit") are not theirs to read.
#include <google/protobuf/message.h>

#include "../domain/projection.h"
#include "huifang/edge/org_scope.h"

namespace huifang::analytics {

inline core::Status check_figure_scope(const edge::Caller& caller, const google::protobuf::Message& request,
                                       const std::string& org_unit_id, const Projection& p) {
  if (!edge::is_unit_scoped(caller)) return core::ok_status();
  if (org_unit_id.empty())
    return core::make_error(core::make_error_code(core::errc::permission_denied),
                            "you work in part of the tenant: name one of your org units", "org_unit_id");
  return edge::check_org_fields(request, caller, p.org_parents(caller.tenant_id));
}

}  // namespace huifang::analytics
