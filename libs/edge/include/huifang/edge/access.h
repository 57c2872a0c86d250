#pragma once
// Who may call what, declared once (src/access.cpp): each RPC and the roles allowed to call it.
// `handle` applies it before any handler runs; an RPC not in the table is refused (deny by
// default). Object-level checks (this visit is the caller's tenant's) stay with the code that
// loads the object, which answers NOT_FOUND for another tenant's so that ids are not confirmed.
#include <google/protobuf/message.h>

#include <string_view>
#include <vector>

#include "huifang/core/result.h"
#include "huifang/edge/caller.h"

namespace huifang::edge {

// PERMISSION_DENIED unless `caller`'s role may call `rpc` (the method name, e.g. "GetVisit").
core::Status authorize(std::string_view rpc, const Caller& caller);

// Whether `rpc` serves personal data (a customer, a visit with contacts or answers, a complaint):
// `handle` has each successful call recorded in the audit trail before the answer leaves.
bool is_personal_read(std::string_view rpc);

// Who needs a customer's name and contacts in full: agents (they call), supervisors (they review
// calls) and tenant admins (they keep the records). Others allowed to read a customer — managers —
// see them masked (intake's mask_personal).
bool sees_personal_data(Role r);

// A tenant's caller names only its own tenant: every `tenant_id` field anywhere in `request` must
// be the caller's (an empty one too: "every tenant" is nobody's to ask for). Platform callers
// pass. PERMISSION_DENIED names the field.
core::Status check_tenant_fields(const google::protobuf::Message& request, const Caller& caller);

// The methods the table lists, for the test that every served RPC has a rule.
std::vector<std::string_view> listed_rpcs();

}  // namespace huifang::edge
