#pragma once
// The walk the edge's request rules share: every singular string field of one name anywhere in a
// request (the tenant rule looks at `tenant_id`, the org-unit rule at `org_unit_id`).
#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <string_view>

#include "huifang/core/result.h"

namespace huifang::edge {

// Calls `visit(value, path)` for each singular string field named `name` in `m` and, eight levels
// deep, in its messages — singular ones walked set or not (an unset one reads as empty strings),
// repeated ones element by element; `path` is the field's ("filter.tenant_id", "rows[2].org_unit_id").
// Stops at the first error `visit` returns.
core::Status visit_named_strings(const google::protobuf::Message& m, std::string_view name,
                                 const std::function<core::Status(const std::string& value, const std::string& path)>& visit);

}  // namespace huifang::edge
