#pragma once
// Input validation for intake: every error names the field (as a path a client can find in its
// request, e.g. "customer.contacts[1].value") and says what is wrong. Pure: no I/O.
#include "huifang/core/result.h"
#include "huifang/intake/v1/events.pb.h"
#include "huifang/intake/v1/service.pb.h"

namespace huifang::intake {

core::Status validate_org_unit(const v1::OrgUnit& unit);
core::Status validate_agent(const v1::Agent& agent);
core::Status validate_customer(const v1::Customer& customer);
core::Status validate_service_event(const v1::RecordServiceEventRequest& request);

}  // namespace huifang::intake
