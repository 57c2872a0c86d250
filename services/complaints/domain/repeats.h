#pragma once
// Repeat rules over a customer's complaint history (DOMAIN.md, Complaints): the same customer
// with problems twice within one month → escalate to a manager; the same issue 2+ times, or the
// same repair 3+ times → an analysis report and corrective action (不合格纠正预防). Pure.
#include <string>
#include <vector>

#include "huifang/complaints/v1/events.pb.h"
#include "huifang/core/clock.h"

namespace huifang::complaints {

struct PastComplaint {
  std::string complaint_id;
  std::string customer_id;
  core::Timestamp opened_at;
  std::string issue_key;
  std::string repair_key;  // empty when not about a repair
};

// The flags the newest complaint (`latest`, last in time) raises given the earlier `history`.
std::vector<v1::RepeatFlagged> repeat_flags(const std::vector<PastComplaint>& history, const PastComplaint& latest);

}  // namespace huifang::complaints
