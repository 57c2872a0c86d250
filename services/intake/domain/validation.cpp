#include "validation.h"

#include <cctype>

#include "huifang/events/envelope.h"

namespace huifang::intake {
namespace {

core::Status require(const std::string& value, const std::string& field) {
  if (value.empty()) return core::invalid_argument(field, "is required");
  return core::ok_status();
}

core::Status check_id(const std::string& value, const std::string& field) {
  if (auto st = require(value, field); !st) return st;
  if (value.size() > 128) return core::invalid_argument(field, "is longer than 128 characters");
  for (unsigned char c : value)
    if (std::isspace(c) || std::iscntrl(c)) return core::invalid_argument(field, "must not contain spaces or control characters");
  return core::ok_status();
}

bool is_date(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  const int m = std::stoi(s.substr(5, 2)), d = std::stoi(s.substr(8, 2));
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

bool is_phone(const std::string& s) {
  int digits = 0;
  for (unsigned char c : s) {
    if (std::isdigit(c)) ++digits;
    else if (c != '+' && c != '-' && c != ' ' && c != '(' && c != ')') return false;
  }
  return digits >= 5 && digits <= 20;
}

}  // namespace

core::Status validate_org_unit(const v1::OrgUnit& u) {
  if (auto st = check_id(u.id(), "org_unit.id"); !st) return st;
  if (auto st = require(u.name(), "org_unit.name"); !st) return st;
  if (u.kind() == v1::ORG_UNIT_KIND_UNSPECIFIED) return core::invalid_argument("org_unit.kind", "is required");
  if (u.kind() == v1::ORG_UNIT_KIND_ENTERPRISE && !u.parent_id().empty())
    return core::invalid_argument("org_unit.parent_id", "an enterprise is the root and has no parent");
  if (u.kind() != v1::ORG_UNIT_KIND_ENTERPRISE && u.parent_id().empty())
    return core::invalid_argument("org_unit.parent_id", "is required below the enterprise");
  if (u.parent_id() == u.id()) return core::invalid_argument("org_unit.parent_id", "cannot be the unit itself");
  return core::ok_status();
}

core::Status validate_agent(const v1::Agent& a) {
  if (auto st = check_id(a.id(), "agent.id"); !st) return st;
  if (auto st = require(a.org_unit_id(), "agent.org_unit_id"); !st) return st;
  if (auto st = require(a.display_name(), "agent.display_name"); !st) return st;
  if (a.role() == common::v1::ROLE_UNSPECIFIED) return core::invalid_argument("agent.role", "is required");
  if (a.daily_capacity() > 500) return core::invalid_argument("agent.daily_capacity", "must be at most 500 visits a day");
  return core::ok_status();
}

core::Status validate_customer(const v1::Customer& c) {
  if (auto st = check_id(c.id(), "customer.id"); !st) return st;
  if (auto st = require(c.tenant_id(), "customer.tenant_id"); !st) return st;
  if (auto st = require(c.org_unit_id(), "customer.org_unit_id"); !st) return st;
  if (auto st = require(c.display_name(), "customer.display_name"); !st) return st;
  if (c.kind() == v1::CUSTOMER_KIND_UNSPECIFIED) return core::invalid_argument("customer.kind", "is required (person or organisation)");
  if (c.erased()) return core::invalid_argument("customer.erased", "is set only by EraseCustomer");
  if (!c.sealed_personal().empty()) return core::invalid_argument("customer.sealed_personal", "is set only by Huifang");
  for (int i = 0; i < c.contacts_size(); ++i) {
    const auto& ct = c.contacts(i);
    const std::string f = "customer.contacts[" + std::to_string(i) + "]";
    if (ct.kind() == v1::CONTACT_KIND_UNSPECIFIED) return core::invalid_argument(f + ".kind", "is required");
    if (auto st = require(ct.value(), f + ".value"); !st) return st;
    if (ct.kind() == v1::CONTACT_KIND_PHONE && !is_phone(ct.value()))
      return core::invalid_argument(f + ".value", "is not a phone number (5-20 digits, + - ( ) and spaces allowed)");
  }
  for (int i = 0; i < c.preferred_windows_size(); ++i) {
    const auto& w = c.preferred_windows(i);
    if (w.start_minute() >= w.end_minute() || w.end_minute() > 1440)
      return core::invalid_argument("customer.preferred_windows[" + std::to_string(i) + "]",
                                    "must start before it ends, within 0..1440 minutes of the day");
  }
  if (!c.birthday().empty() && !is_date(c.birthday()))
    return core::invalid_argument("customer.birthday", "is not a date YYYY-MM-DD");
  return core::ok_status();
}

core::Status validate_service_event(const v1::RecordServiceEventRequest& r) {
  if (auto st = require(r.tenant_id(), "tenant_id"); !st) return st;
  if (auto st = check_id(r.customer_id(), "customer_id"); !st) return st;
  if (auto st = require(r.category(), "category"); !st) return st;
  if (r.category().find('.') == std::string::npos)
    return core::invalid_argument("category", "'" + r.category() + "' is not of the form industry.trigger (e.g. hospital.inpatient_discharged)");
  if (!r.has_occurred_at()) return core::invalid_argument("occurred_at", "is required");
  if (auto st = events::check_time(r.occurred_at(), "occurred_at"); !st) return st;
  if (r.idempotency_key().size() > 200) return core::invalid_argument("idempotency_key", "is longer than 200 characters");
  return core::ok_status();
}

}  // namespace huifang::intake
