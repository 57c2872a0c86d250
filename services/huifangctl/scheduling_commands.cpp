// huifangctl policy / calendar / explain: the scheduling edge; agenda / plan: the visit edge.
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "render.h"

namespace huifang::ctl {

void add_scheduling_commands(CLI::App& app, Run& run) {
  using Stub = scheduling::v1::SchedulingService::Stub;
  static std::string file, policy_id, agent, customer, event, visit, view = "today";
  static uint64_t version = 0;
  auto* policy = app.add_subcommand("policy", "visit policies (YAML packs, versioned)")->require_subcommand(1);
  auto* put = policy->add_subcommand("put", "load a policy pack (a new version when its text changed)");
  put->add_option("file", file, "YAML file, e.g. services/scheduling/policies/hospital.yaml")->required()->check(CLI::ExistingFile);
  put->callback([&run] {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    scheduling::v1::PutPolicyRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_yaml(text.str());
    auto c = run.client();
    scheduling::v1::PutPolicyResponse resp;
    if ((run.code = c.call("policy put " + file, *c.scheduling, &Stub::PutPolicy, r, &resp)) == 0) render(std::cout, resp, run.json);
  });
  auto* show = policy->add_subcommand("show", "a policy's text (latest, or --version)");
  show->add_option("id", policy_id, "policy id")->required();
  show->add_option("--version", version, "a version (default: latest)");
  show->callback([&run] {
    scheduling::v1::GetPolicyRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_policy_id(policy_id);
    r.set_version(version);
    auto c = run.client();
    scheduling::v1::GetPolicyResponse resp;
    if ((run.code = c.call("policy show", *c.scheduling, &Stub::GetPolicy, r, &resp)) == 0) render(std::cout, resp, run.json);
  });
  auto* versions = policy->add_subcommand("list", "a policy's versions");
  versions->add_option("id", policy_id, "policy id")->required();
  versions->callback([&run] {
    scheduling::v1::ListPolicyVersionsRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_policy_id(policy_id);
    r.mutable_page()->set_page_size(1000);
    auto c = run.client();
    scheduling::v1::ListPolicyVersionsResponse resp;
    if ((run.code = c.call("policy list", *c.scheduling, &Stub::ListPolicyVersions, r, &resp)) == 0) render(std::cout, resp, run.json);
  });
  auto* explain = policy->add_subcommand("explain", "why a service event or a visit was planned, skipped or merged");
  explain->add_option("--customer", customer, "customer id")->required();
  auto* by_event = explain->add_option("--event", event, "service event id");
  explain->add_option("--visit", visit, "visit id")->excludes(by_event);
  explain->callback([&run] {
    auto c = run.client();
    scheduling::v1::ExplainResponse resp;
    if (!event.empty()) {
      scheduling::v1::ExplainServiceEventRequest r;
      r.set_tenant_id(run.identity.tenant);
      r.set_customer_id(customer);
      r.set_service_event_id(event);
      run.code = c.call("policy explain", *c.scheduling, &Stub::ExplainServiceEvent, r, &resp);
    } else {
      scheduling::v1::ExplainVisitRequest r;
      r.set_tenant_id(run.identity.tenant);
      r.set_customer_id(customer);
      r.set_visit_id(visit);
      // The visit service owns the visit's life and names the service event it was planned for;
      // scheduling then says why it was planned and assigned.
      scheduling::v1::ExplainResponse life;
      auto ctx = c.context();
      const grpc::Status st = c.visit->ExplainVisit(ctx.get(), r, &life);
      if (!st.ok() && st.error_code() != grpc::StatusCode::NOT_FOUND) {
        run.code = Client::failed("policy explain", st);
        return;
      }
      for (const auto& d : life.decisions())
        if (!d.service_event_id().empty()) r.set_service_event_id(d.service_event_id());
      run.code = c.call("policy explain", *c.scheduling, &Stub::ExplainVisit, r, &resp);
      // Planning and assignment are scheduling's to explain: the rest of the life is added.
      for (const auto& d : life.decisions())
        if (d.outcome() != "planned" && d.outcome() != "assigned") *resp.add_decisions() = d;
    }
    if (run.code == 0) render(std::cout, resp, run.json);
  });

  static int year = 0;
  static std::vector<std::string> holidays, working_days;
  auto* calendar = app.add_subcommand("calendar", "a tenant's holidays and make-up working days for a year");
  calendar->add_option("--year", year, "e.g. 2026")->required();
  calendar->add_option("--holidays", holidays, "YYYY-MM-DD dates")->delimiter(',');
  calendar->add_option("--working-days", working_days, "make-up working days (YYYY-MM-DD)")->delimiter(',');
  calendar->callback([&run] {
    scheduling::v1::PutHolidayCalendarRequest r;
    auto* cal = r.mutable_calendar();
    cal->set_tenant_id(run.identity.tenant);
    cal->set_year(static_cast<uint32_t>(year));
    for (const auto& d : holidays) cal->add_holidays(d);
    for (const auto& d : working_days) cal->add_working_days(d);
    auto c = run.client();
    scheduling::v1::PutHolidayCalendarResponse resp;
    if ((run.code = c.call("calendar", *c.scheduling, &Stub::PutHolidayCalendar, r, &resp)) == 0) std::cout << "calendar saved\n";
  });

  auto* agenda = app.add_subcommand("agenda", "an agent's visits: today, overdue or upcoming");
  agenda->add_option("agent", agent, "agent id")->required();
  agenda->add_option("--view", view, "today, overdue or upcoming")->check(CLI::IsMember({"today", "overdue", "upcoming"}))->capture_default_str();
  agenda->callback([&run] {
    scheduling::v1::GetAgendaRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_agent_id(agent);
    r.set_view(view == "overdue"    ? scheduling::v1::AGENDA_VIEW_OVERDUE
               : view == "upcoming" ? scheduling::v1::AGENDA_VIEW_UPCOMING
                                    : scheduling::v1::AGENDA_VIEW_TODAY);
    r.mutable_page()->set_page_size(500);
    auto c = run.client();
    scheduling::v1::GetAgendaResponse resp;
    if ((run.code = c.call("agenda", *c.visit, &visit::v1::VisitService::Stub::GetAgenda, r, &resp)) == 0) render(std::cout, resp, run.json);
  });
  auto* plan = app.add_subcommand("plan", "a customer's planned visits");
  plan->add_option("customer", customer, "customer id")->required();
  plan->callback([&run] {
    scheduling::v1::GetCustomerPlanRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_customer_id(customer);
    auto c = run.client();
    scheduling::v1::GetCustomerPlanResponse resp;
    if ((run.code = c.call("plan", *c.visit, &visit::v1::VisitService::Stub::GetCustomerPlan, r, &resp)) == 0) render(std::cout, resp, run.json);
  });
}

}  // namespace huifang::ctl
