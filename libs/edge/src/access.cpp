#include "huifang/edge/access.h"

#include <array>
#include <cstdint>
#include <string>

#include "named_fields.h"

namespace huifang::edge {
namespace {

using Roles = uint32_t;
constexpr Roles bit(Role r) { return Roles{1} << static_cast<int>(r); }

constexpr Roles kAgent = bit(Role::agent), kSupervisor = bit(Role::supervisor), kManager = bit(Role::manager),
                kExecutive = bit(Role::executive), kAnalyst = bit(Role::analyst), kAuditor = bit(Role::auditor),
                kAdmin = bit(Role::admin), kIntegration = bit(Role::integration),
                kOperator = bit(Role::platform_operator), kService = bit(Role::service);
// Who works with customers and their personal data.
constexpr Roles kFrontline = kAgent | kSupervisor | kManager | kAdmin;
// Who reads figures (no personal data in them).
constexpr Roles kFigures = kSupervisor | kManager | kExecutive | kAnalyst | kAdmin;
constexpr Roles kPeople = kFrontline | kExecutive | kAnalyst | kAuditor;

struct Rule {
  std::string_view rpc;
  Roles roles;
  bool personal = false;  // serves personal data: each successful call is audited (audit.h)
};
constexpr bool kPersonal = true;

// The table. Method names are unique across the five services, or mean the same thing where
// shared (GetAgenda, RepublishEvents).
constexpr std::array kRules = {
    // intake
    Rule{"DefineOrgUnit", kAdmin},
    Rule{"ListOrgUnits", kPeople},
    Rule{"RegisterAgent", kAdmin | kManager},
    Rule{"UpdateAgent", kAdmin | kManager},
    Rule{"ListAgents", kSupervisor | kManager | kExecutive | kAdmin},
    Rule{"CreateCustomer", kSupervisor | kManager | kAdmin},
    Rule{"UpdateCustomer", kSupervisor | kManager | kAdmin},
    Rule{"GetCustomer", kFrontline, kPersonal},
    Rule{"ListCustomers", kFrontline, kPersonal},
    Rule{"SetConsent", kFrontline},
    Rule{"EraseCustomer", kAdmin},  // a data subject's request, answered by the tenant's administrator
    Rule{"ImportCustomers", kAdmin},
    Rule{"RecordServiceEvent", kIntegration | kAdmin},
    Rule{"ImportServiceEvents", kIntegration | kAdmin},
    Rule{"RepublishEvents", kService | kOperator},
    // scheduling
    Rule{"PutPolicy", kAdmin},
    Rule{"PutHolidayCalendar", kAdmin},
    Rule{"GetPolicy", kFigures},
    Rule{"ListPolicyVersions", kFigures},
    Rule{"DiffPolicyVersions", kFigures},
    Rule{"GetHolidayCalendar", kFigures},
    Rule{"GetAgenda", kFrontline},
    Rule{"GetCustomerPlan", kFrontline},
    Rule{"ExplainVisit", kFrontline},
    Rule{"ExplainServiceEvent", kFrontline},
    // visit
    Rule{"StartVisit", kAgent | kSupervisor, kPersonal},
    Rule{"RecordAttempt", kAgent | kSupervisor},
    Rule{"SubmitSurvey", kAgent | kSupervisor},
    Rule{"CompleteVisit", kAgent | kSupervisor},
    Rule{"GetVisit", kFrontline, kPersonal},
    // complaints
    Rule{"OpenComplaint", kFrontline},
    Rule{"ListComplaints", kFrontline | kExecutive, kPersonal},
    Rule{"GetComplaint", kFrontline | kExecutive, kPersonal},
    Rule{"AssignComplaint", kSupervisor | kManager | kAdmin},
    Rule{"StartInvestigation", kFrontline},
    Rule{"AddNote", kFrontline},
    Rule{"ResolveComplaint", kFrontline},
    Rule{"EscalateComplaint", kFrontline},
    Rule{"ListRepeatFlags", kSupervisor | kManager | kExecutive | kAdmin},
    // analytics
    Rule{"GetOverview", kFigures},
    Rule{"GetVisitRates", kFigures},
    Rule{"GetSatisfaction", kFigures},
    Rule{"GetComplaintStats", kFigures},
    Rule{"GetAgentKpis", kFigures},
    Rule{"GetTrend", kFigures},
    Rule{"GetCampaignStats", kFigures},
    Rule{"ExportReport", kFigures},
    Rule{"ListOverdueVisits", kSupervisor | kManager | kExecutive | kAdmin},
    Rule{"Rebuild", kOperator},
    Rule{"GetProjectionStatus", kFigures | kOperator | kService},
    // every service: its trail of personal-data reads
    Rule{"ListAuditRecords", kAuditor},
};

core::Error denied(std::string message, std::string field = {}) {
  return core::make_error(core::make_error_code(core::errc::permission_denied), std::move(message), std::move(field));
}

}  // namespace

core::Status authorize(std::string_view rpc, const Caller& caller) {
  for (const auto& rule : kRules) {
    if (rule.rpc != rpc) continue;
    if (rule.roles & bit(caller.role)) return core::ok_status();
    return denied("role '" + std::string(role_name(caller.role)) + "' may not call " + std::string(rpc));
  }
  return denied(std::string(rpc) + " has no access rule; refused");
}

bool sees_personal_data(Role r) { return r == Role::agent || r == Role::supervisor || r == Role::admin; }

bool is_personal_read(std::string_view rpc) {
  for (const auto& rule : kRules)
    if (rule.rpc == rpc) return rule.personal;
  return false;
}

core::Status check_tenant_fields(const google::protobuf::Message& request, const Caller& caller) {
  if (is_platform_role(caller.role)) return core::ok_status();
  // Singular message fields are walked set or not: an unset filter reads as tenant "" downstream,
  // which is exactly the "every tenant" request this refuses.
  return visit_named_strings(request, "tenant_id", [&](const std::string& tenant, const std::string& path) -> core::Status {
    if (tenant != caller.tenant_id) return denied("must be your tenant '" + caller.tenant_id + "'", path);
    return core::ok_status();
  });
}

std::vector<std::string_view> listed_rpcs() {
  std::vector<std::string_view> out;
  for (const auto& rule : kRules) out.push_back(rule.rpc);
  return out;
}

}  // namespace huifang::edge
