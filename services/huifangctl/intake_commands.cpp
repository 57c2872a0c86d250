// huifangctl org / agents / customers / event(s): the intake edge.
#include <fstream>
#include <functional>
#include <optional>
#include <iostream>

#include "commands.h"
#include "csv.h"
#include "render.h"

namespace huifang::ctl {
namespace {

bool parse_kind(const std::string& s, intake::v1::OrgUnitKind* out) {
  std::string name = "ORG_UNIT_KIND_";
  for (char c : s) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return intake::v1::OrgUnitKind_Parse(name, out);
}

bool parse_role(const std::string& s, common::v1::Role* out) {
  std::string name = "ROLE_";
  for (char c : s.empty() ? std::string("agent") : s) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return common::v1::Role_Parse(name, out);
}

// Prints the per-row results of an import; 1 when any row was refused.
int report_rows(const std::vector<intake::v1::ImportRowResult>& results, bool json) {
  int refused = 0;
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : results) {
    if (!r.accepted()) ++refused;
    if (json) render(std::cout, r, true);
    else if (!r.accepted()) rows.push_back({std::to_string(r.row()), r.field(), r.reason()});
  }
  if (!json) {
    std::cout << results.size() - refused << " accepted, " << refused << " refused\n";
    if (!rows.empty()) print_table(std::cout, {"line", "field", "reason"}, rows);
  }
  return refused ? kRefused : 0;
}

// Ends a streaming import (every row written) and reports its per-row results.
template <typename Stream>
int finish_import(Stream& stream, const std::string& what, bool json) {
  stream.WritesDone();
  std::vector<intake::v1::ImportRowResult> results;
  for (intake::v1::ImportRowResult res; stream.Read(&res);) results.push_back(res);
  const auto st = stream.Finish();
  if (!st.ok()) return Client::failed(what, st);
  return report_rows(results, json);
}

// A bad cell found before calling: the column and why.
using BadCell = std::optional<std::pair<std::string, std::string>>;

// One unary call per CSV row (the row's `id` column names what it made): `fill` builds the request
// or names a bad cell; a service that cannot be reached stops the import, any other refusal is that
// row's result. The exit code.
template <typename Req, typename Resp>
int import_rows(const Run& run, const std::string& what, const std::string& file, const std::vector<std::string>& required,
                grpc::Status (intake::v1::IntakeService::Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
                const std::function<BadCell(const CsvRow&, Req&)>& fill) {
  auto rows = read_csv(file, required);
  if (!rows) return usage(rows.error().message);
  auto c = run.client();
  std::vector<intake::v1::ImportRowResult> results;
  for (const auto& row : *rows) {
    intake::v1::ImportRowResult res;
    res.set_row(static_cast<uint32_t>(row.line));
    Req r;
    if (auto bad = fill(row, r)) {
      res.set_field(bad->first);
      res.set_reason(bad->second);
    } else {
      Resp resp;
      auto ctx = c.context();
      const auto st = ((*c.intake).*rpc)(ctx.get(), r, &resp);
      if (st.error_code() == grpc::StatusCode::UNAVAILABLE) return Client::failed(what, st);
      res.set_accepted(st.ok());
      res.set_id(row.get("id"));
      if (!st.ok()) res.set_reason(st.error_message());
    }
    results.push_back(res);
  }
  return report_rows(results, run.json);
}

}  // namespace

void add_intake_commands(CLI::App& app, Run& run) {
  auto* org = app.add_subcommand("org", "the org tree (regions, branches, departments, teams)")->require_subcommand(1);
  static std::string file;
  auto* org_import = org->add_subcommand("import", "define org units from a CSV: id,parent_id,kind,name[,time_zone]");
  org_import->add_option("file", file, "CSV file")->required()->check(CLI::ExistingFile);
  org_import->callback([&run] {
    run.code = import_rows<intake::v1::DefineOrgUnitRequest, intake::v1::DefineOrgUnitResponse>(
        run, "org import", file, {"id", "kind", "name"}, &intake::v1::IntakeService::Stub::DefineOrgUnit,
        [&run](const CsvRow& row, intake::v1::DefineOrgUnitRequest& r) -> BadCell {
          r.set_tenant_id(run.identity.tenant);
          auto* u = r.mutable_org_unit();
          u->set_id(row.get("id"));
          u->set_parent_id(row.get("parent_id"));
          u->set_name(row.get("name"));
          u->set_time_zone(row.get("time_zone"));
          intake::v1::OrgUnitKind kind = intake::v1::ORG_UNIT_KIND_UNSPECIFIED;
          if (!parse_kind(row.get("kind"), &kind))
            return std::pair{"kind", "'" + row.get("kind") + "' is not enterprise/region/branch/rdc/project/department/team"};
          u->set_kind(kind);
          return std::nullopt;
        });
  });
  org->add_subcommand("list", "list the tenant's org units")->callback([&run] {
    auto c = run.client();
    intake::v1::ListOrgUnitsRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.mutable_page()->set_page_size(1000);
    intake::v1::ListOrgUnitsResponse resp;
    if ((run.code = c.call("org list", *c.intake, &intake::v1::IntakeService::Stub::ListOrgUnits, r, &resp)) == 0)
      render(std::cout, resp, run.json);
  });

  auto* agents = app.add_subcommand("agents", "agents (回访员) and their capacity")->require_subcommand(1);
  auto* agents_import = agents->add_subcommand(
      "import", "register agents from a CSV: id,org_unit_id,display_name[,role,daily_capacity,skills,manager]");
  agents_import->add_option("file", file, "CSV file")->required()->check(CLI::ExistingFile);
  agents_import->callback([&run] {
    run.code = import_rows<intake::v1::RegisterAgentRequest, intake::v1::RegisterAgentResponse>(
        run, "agents import", file, {"id", "org_unit_id"}, &intake::v1::IntakeService::Stub::RegisterAgent,
        [&run](const CsvRow& row, intake::v1::RegisterAgentRequest& r) -> BadCell {
          r.set_tenant_id(run.identity.tenant);
          auto* a = r.mutable_agent();
          a->set_id(row.get("id"));
          a->set_org_unit_id(row.get("org_unit_id"));
          a->set_display_name(row.get("display_name"));
          a->set_active(true);
          a->set_manager(row.get("manager") == "yes" || row.get("manager") == "true");
          a->set_daily_capacity(row.get("daily_capacity").empty() ? 40 : static_cast<uint32_t>(std::stoul(row.get("daily_capacity"))));
          for (std::string list = row.get("skills"); !list.empty();) {
            const auto semi = list.find(';');
            a->add_skills(list.substr(0, semi));
            list = semi == std::string::npos ? "" : list.substr(semi + 1);
          }
          common::v1::Role role = common::v1::ROLE_UNSPECIFIED;
          if (!parse_role(row.get("role"), &role))
            return std::pair{"role", "'" + row.get("role") + "' is not agent/supervisor/manager/executive"};
          a->set_role(role);
          return std::nullopt;
        });
  });
  static std::string org_unit;
  auto* agents_list = agents->add_subcommand("list", "list agents");
  agents_list->add_option("--org", org_unit, "only this org unit");
  agents_list->callback([&run] {
    auto c = run.client();
    intake::v1::ListAgentsRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_org_unit_id(org_unit);
    r.mutable_page()->set_page_size(1000);
    intake::v1::ListAgentsResponse resp;
    if ((run.code = c.call("agents list", *c.intake, &intake::v1::IntakeService::Stub::ListAgents, r, &resp)) == 0)
      render(std::cout, resp, run.json);
  });

  auto* customers = app.add_subcommand("customers", "customers and their contacts")->require_subcommand(1);
  auto* customers_import = customers->add_subcommand(
      "import", "import customers from a CSV: id,org_unit_id,display_name[,phone,tier,key_household,time_zone,birthday]");
  customers_import->add_option("file", file, "CSV file")->required()->check(CLI::ExistingFile);
  customers_import->callback([&run] {
    auto rows = read_csv(file, {"id", "org_unit_id"});
    if (!rows) return void(run.code = usage(rows.error().message));
    auto c = run.client();
    auto ctx = c.context();
    auto stream = c.intake->ImportCustomers(ctx.get());
    for (const auto& row : *rows) {
      intake::v1::ImportCustomerRow r;
      r.set_row(static_cast<uint32_t>(row.line));
      auto* cu = r.mutable_customer();
      cu->set_id(row.get("id"));
      cu->set_tenant_id(run.identity.tenant);
      cu->set_org_unit_id(row.get("org_unit_id"));
      cu->set_display_name(row.get("display_name"));
      cu->set_kind(intake::v1::CUSTOMER_KIND_PERSON);
      cu->set_tier(row.get("tier"));
      cu->set_key_household(row.get("key_household") == "yes" || row.get("key_household") == "true");
      cu->set_time_zone(row.get("time_zone").empty() ? "Asia/Shanghai" : row.get("time_zone"));
      cu->set_birthday(row.get("birthday"));
      if (!row.get("phone").empty()) {
        auto* ct = cu->add_contacts();
        ct->set_kind(intake::v1::CONTACT_KIND_PHONE);
        ct->set_value(row.get("phone"));
        ct->set_relation("self");
      }
      if (!stream->Write(r)) break;
    }
    run.code = finish_import(*stream, "customers import", run.json);
  });
  static std::string list_org, list_tier, list_text, list_page;
  static bool key_households = false;
  static uint32_t list_limit = 50;
  auto* customers_list = customers->add_subcommand("list", "find customers, a page at a time (audited: it shows personal data)");
  customers_list->add_option("--org", list_org, "only this org unit");
  customers_list->add_option("--tier", list_tier, "only this tier, e.g. key_account");
  customers_list->add_option("--text", list_text, "part of the name or id");
  customers_list->add_flag("--key-households", key_households, "only key households (重点户)");
  customers_list->add_option("--limit", list_limit, "customers per page")->check(CLI::Range(1, 1000))->capture_default_str();
  customers_list->add_option("--page", list_page, "the page token the previous page printed");
  customers_list->callback([&run] {
    intake::v1::ListCustomersRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_org_unit_id(list_org);
    r.set_tier(list_tier);
    r.set_text(list_text);
    r.set_key_household_only(key_households);
    r.mutable_page()->set_page_size(list_limit);
    r.mutable_page()->set_page_token(list_page);
    auto c = run.client();
    intake::v1::ListCustomersResponse resp;
    if ((run.code = c.call("customers list", *c.intake, &intake::v1::IntakeService::Stub::ListCustomers, r, &resp)) != 0) return;
    render(std::cout, resp, run.json);
    if (!run.json && !resp.page().next_page_token().empty())
      std::cerr << "more: huifangctl customers list --page " << resp.page().next_page_token() << " (same filters)\n";
  });

  static std::string customer_id;
  auto* customers_show = customers->add_subcommand("show", "one customer");
  customers_show->add_option("id", customer_id, "customer id")->required();
  customers_show->callback([&run] {
    auto c = run.client();
    intake::v1::GetCustomerRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_customer_id(customer_id);
    intake::v1::GetCustomerResponse resp;
    if ((run.code = c.call("customers show", *c.intake, &intake::v1::IntakeService::Stub::GetCustomer, r, &resp)) == 0)
      render(std::cout, resp, run.json);
  });

  static bool do_not_contact = false;
  static std::vector<std::string> channel_consents;
  static std::string consent_reason;
  auto* consent = customers->add_subcommand(
      "consent", "set do-not-contact and channel consents; the customer's open visits that lose every channel are called off");
  consent->add_option("id", customer_id, "customer id")->required();
  consent->add_flag("--do-not-contact", do_not_contact, "the customer asked not to be contacted at all");
  consent->add_option("--channel", channel_consents, "channel=yes|no (repeatable), e.g. --channel sms=no");
  consent->add_option("--reason", consent_reason, "why (customer request, regulation ...)")->required();
  static std::string sensitive;
  consent->add_option("--sensitive", sensitive, "yes|no: separate consent to record sensitive (health) data; unchanged if not given")
      ->check(CLI::IsMember({"yes", "no"}));
  consent->callback([&run] {
    intake::v1::SetConsentRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_customer_id(customer_id);
    r.set_do_not_contact(do_not_contact);
    r.set_reason(consent_reason);
    if (!sensitive.empty()) r.set_sensitive_data_consent(sensitive == "yes");
    for (const auto& kv : channel_consents) {
      const auto eq = kv.find('=');
      const std::string v = eq == std::string::npos ? "" : kv.substr(eq + 1);
      if (v != "yes" && v != "no") return void(run.code = usage("--channel: '" + kv + "' is not channel=yes or channel=no"));
      (*r.mutable_consents())[kv.substr(0, eq)] = v == "yes";
    }
    auto c = run.client();
    intake::v1::SetConsentResponse resp;
    if ((run.code = c.call("customers consent", *c.intake, &intake::v1::IntakeService::Stub::SetConsent, r, &resp)) == 0)
      render(std::cout, resp, run.json);
  });

  static std::string erase_reason;
  auto* erase = customers->add_subcommand(
      "erase", "erase a customer's personal data on their request (their key is destroyed; cannot be undone)");
  erase->add_option("id", customer_id, "customer id")->required();
  erase->add_option("--reason", erase_reason, "the request it answers, e.g. \"DSR-2026-0142\"")->required();
  erase->callback([&run] {
    intake::v1::EraseCustomerRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_customer_id(customer_id);
    r.set_reason(erase_reason);
    auto c = run.client();
    intake::v1::EraseCustomerResponse resp;
    if ((run.code = c.call("customers erase", *c.intake, &intake::v1::IntakeService::Stub::EraseCustomer, r, &resp)) == 0)
      render(std::cout, resp, run.json);
  });

  static std::string category, key, at, event_org;
  static std::vector<std::string> attrs;
  auto* event = app.add_subcommand("event", "record one service event (a discharge, a repair, a delivery ...)");
  event->add_option("--customer", customer_id, "customer id")->required();
  event->add_option("--category", category, "e.g. hospital.inpatient_discharged")->required();
  event->add_option("--key", key, "idempotency key (a retry with the same key records nothing new)");
  event->add_option("--at", at, "when it happened: 2026-11-24 or 2026-11-24T09:30 (UTC+8) or RFC 3339; default now");
  event->add_option("--org", event_org, "org unit (default: the customer's)");
  event->add_option("--attr", attrs, "attribute k=v (repeatable), e.g. --attr severity=major");
  event->callback([&run] {
    intake::v1::RecordServiceEventRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_customer_id(customer_id);
    r.set_category(category);
    r.set_idempotency_key(key);
    r.set_org_unit_id(event_org);
    r.set_source_system("huifangctl");
    if (at.empty()) r.mutable_occurred_at()->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch()).count());
    else if (!parse_time(at, r.mutable_occurred_at()))
      return void(run.code = usage("--at: '" + at + "' is not a date or time"));
    for (const auto& kv : attrs) {
      const auto eq = kv.find('=');
      if (eq == std::string::npos) return void(run.code = usage("--attr: '" + kv + "' is not k=v"));
      (*r.mutable_attributes())[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    auto c = run.client();
    intake::v1::RecordServiceEventResponse resp;
    if ((run.code = c.call("event", *c.intake, &intake::v1::IntakeService::Stub::RecordServiceEvent, r, &resp)) == 0)
      render(std::cout, resp, run.json);
  });

  auto* events = app.add_subcommand("events", "service events in bulk")->require_subcommand(1);
  auto* events_import = events->add_subcommand(
      "import", "record service events from a CSV: idempotency_key,customer_id,category,occurred_at[,org_unit_id]");
  events_import->add_option("file", file, "CSV file")->required()->check(CLI::ExistingFile);
  events_import->callback([&run] {
    auto rows = read_csv(file, {"customer_id", "category"});
    if (!rows) return void(run.code = usage(rows.error().message));
    auto c = run.client();
    auto ctx = c.context();
    auto stream = c.intake->ImportServiceEvents(ctx.get());
    for (const auto& row : *rows) {
      intake::v1::RecordServiceEventRequest r;
      r.set_tenant_id(run.identity.tenant);
      r.set_idempotency_key(row.get("idempotency_key"));
      r.set_customer_id(row.get("customer_id"));
      r.set_category(row.get("category"));
      r.set_org_unit_id(row.get("org_unit_id"));
      r.set_source_system("huifangctl");
      if (!row.get("occurred_at").empty()) parse_time(row.get("occurred_at"), r.mutable_occurred_at());
      if (!stream->Write(r)) break;
    }
    run.code = finish_import(*stream, "events import", run.json);
  });
}

}  // namespace huifang::ctl
