#pragma once
// What a visit records of what the customer said — a completion's answers, each problem's
// description, a sensitive finding — is sealed with the customer's key before it is written
// (privacy/personal.h), so erasing the customer leaves nothing of it readable in the visit's
// stream or on the topic. The pure decision produces the plain events; the shell seals them,
// because keys are I/O, and opens them again only for GetVisit.
#include <string>
#include <vector>

#include "huifang/core/result.h"
#include "huifang/events/envelope.h"
#include "huifang/privacy/sealing.h"
#include "huifang/visit/v1/events.pb.h"

namespace huifang::visit {

// Seals the personal text of every visit event in `events`, bound to `owner`
// (privacy::owner_binding).
void seal_said(std::vector<events::Envelope>& events, const privacy::Key& key, const std::string& owner);
// Opens what seal_said sealed in a completion (its problems included).
core::Status open_said(v1::VisitCompleted& completion, const privacy::Key& key, const std::string& owner);
// Removes what a completion says, sealed or not (the customer was erased).
void drop_said(v1::VisitCompleted& completion);

}  // namespace huifang::visit
