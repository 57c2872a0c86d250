#include "repeats.h"

namespace huifang::complaints {

std::vector<v1::RepeatFlagged> repeat_flags(const std::vector<PastComplaint>& history, const PastComplaint& latest) {
  std::vector<v1::RepeatFlagged> out;
  auto flag = [&](v1::RepeatKind kind, const std::string& key, bool corrective, const std::vector<std::string>& ids) {
    v1::RepeatFlagged f;
    f.set_kind(kind);
    f.set_customer_id(latest.customer_id);
    f.set_key(key);
    f.set_corrective_action_required(corrective);
    for (const auto& id : ids) f.add_complaint_ids(id);
    f.add_complaint_ids(latest.complaint_id);
    out.push_back(std::move(f));
  };
  std::vector<std::string> month, issue, repair;
  for (const auto& c : history) {
    if (c.complaint_id == latest.complaint_id) continue;
    if (c.customer_id == latest.customer_id && latest.opened_at - c.opened_at <= std::chrono::hours(24 * 30) &&
        c.opened_at <= latest.opened_at)
      month.push_back(c.complaint_id);
    if (!latest.issue_key.empty() && c.issue_key == latest.issue_key) issue.push_back(c.complaint_id);
    if (!latest.repair_key.empty() && c.repair_key == latest.repair_key) repair.push_back(c.complaint_id);
  }
  // Each flag fires when the threshold is first reached, not again on every later complaint.
  if (month.size() == 1) flag(v1::REPEAT_KIND_SAME_CUSTOMER_TWICE_IN_MONTH, latest.customer_id, false, month);
  if (issue.size() == 1) flag(v1::REPEAT_KIND_SAME_ISSUE_2X, latest.issue_key, true, issue);
  if (repair.size() == 2) flag(v1::REPEAT_KIND_SAME_REPAIR_3X, latest.repair_key, true, repair);
  return out;
}

}  // namespace huifang::complaints
