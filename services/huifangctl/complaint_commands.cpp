// huifangctl complaint ...: the complaints edge, for handlers.
#include <iostream>

#include "commands.h"
#include "render.h"

namespace huifang::ctl {

void add_complaint_commands(CLI::App& app, Run& run) {
  using Stub = complaints::v1::ComplaintService::Stub;
  static std::string id, customer, org, category, severity, source = "hotline", description, responsible, issue, repair, key,
      handler, text, resolution, level, detail, state, kind;
  static bool not_effective = false;
  static uint32_t min_age = 0;
  auto* complaint = app.add_subcommand("complaint", "complaint cases (投诉): list, open, handle, escalate")->require_subcommand(1);
  auto on_case = [&](CLI::App* cmd) {
    cmd->add_option("id", id, "complaint id")->required();
    cmd->add_option("--customer", customer, "the case's customer id")->required();
  };
  // Runs a command on one case and prints the case as it now stands.
  auto act = [&run](const std::string& what, auto rpc, const auto& req) {
    auto c = run.client();
    complaints::v1::CaseResponse resp;
    if ((run.code = c.call(what, *c.complaints, rpc, req, &resp)) == 0) render(std::cout, resp, run.json);
  };

  auto* list = complaint->add_subcommand("list", "cases, newest first");
  list->add_option("--state", state, "opened, assigned, investigating, resolved, reopened, closed");
  list->add_option("--org", org, "org unit");
  list->add_option("--responsible", responsible, "responsible person or handler");
  list->add_option("--category", category, "category");
  list->add_option("--min-age-hours", min_age, "only cases at least this old");
  list->callback([&run] {
    complaints::v1::ListComplaintsRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_state(state);
    r.set_org_unit_id(org);
    r.set_responsible(responsible);
    r.set_category(category);
    r.set_min_age_hours(min_age);
    r.mutable_page()->set_page_size(200);
    auto c = run.client();
    complaints::v1::ListComplaintsResponse resp;
    if ((run.code = c.call("complaint list", *c.complaints, &Stub::ListComplaints, r, &resp)) == 0) render(std::cout, resp, run.json);
  });

  auto* show = complaint->add_subcommand("show", "one case with its history");
  on_case(show);
  show->callback([&run] {
    complaints::v1::GetComplaintRequest r;
    r.set_complaint_id(id);
    r.set_customer_id(customer);
    auto c = run.client();
    complaints::v1::GetComplaintResponse resp;
    if ((run.code = c.call("complaint show", *c.complaints, &Stub::GetComplaint, r, &resp)) != 0) return;
    if (run.json) return render(std::cout, resp, true);
    render(std::cout, resp.complaint(), false);
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : resp.history()) {
      std::string body = e.complaints().ShortDebugString();
      rows.push_back({std::to_string(e.stream_version()), e.type(), body});
    }
    std::cout << '\n';
    print_table(std::cout, {"#", "event", "details"}, rows);
  });

  auto* open = complaint->add_subcommand("open", "record a complaint from the hotline, a letter or a walk-in");
  open->add_option("--customer", customer, "customer id")->required();
  open->add_option("--org", org, "org unit")->required();
  open->add_option("--category", category, "category, e.g. property.repair_quality")->required();
  open->add_option("--source", source, "hotline, letter or walk_in")->check(CLI::IsMember({"hotline", "letter", "walk_in"}))->capture_default_str();
  open->add_option("--severity", severity, "normal or major");
  open->add_option("--description", description, "what the customer said");
  open->add_option("--responsible", responsible, "responsible person or department");
  open->add_option("--issue", issue, "issue key (same issue twice → corrective action)");
  open->add_option("--repair", repair, "repair key (same repair three times → corrective action)");
  open->add_option("--key", key, "idempotency key");
  static std::string received;
  open->add_option("--received", received,
                   "when it was received, if not now: 2026-11-24T09:30 (UTC+8) or RFC 3339; at most 30 days ago");
  open->callback([&run] {
    complaints::v1::OpenComplaintRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_customer_id(customer);
    r.set_org_unit_id(org);
    r.set_category(category);
    r.set_source(source == "letter"    ? complaints::v1::COMPLAINT_SOURCE_LETTER
                 : source == "walk_in" ? complaints::v1::COMPLAINT_SOURCE_WALK_IN
                                       : complaints::v1::COMPLAINT_SOURCE_HOTLINE);
    r.set_severity(severity);
    r.set_description(description);
    r.set_responsible(responsible);
    r.set_issue_key(issue);
    r.set_repair_key(repair);
    r.set_idempotency_key(key);
    if (!received.empty() && !parse_time(received, r.mutable_received_at()))
      return void(run.code = usage("--received: '" + received + "' is not a date or time"));
    auto c = run.client();
    complaints::v1::OpenComplaintResponse resp;
    if ((run.code = c.call("complaint open", *c.complaints, &Stub::OpenComplaint, r, &resp)) == 0) render(std::cout, resp, run.json);
  });

  auto* assign = complaint->add_subcommand("assign", "give the case to a handler");
  on_case(assign);
  assign->add_option("--handler", handler, "handler id")->required();
  assign->callback([act] {
    complaints::v1::AssignComplaintRequest r;
    r.set_complaint_id(id);
    r.set_customer_id(customer);
    r.set_handler_id(handler);
    act("complaint assign", &Stub::AssignComplaint, r);
  });
  auto* investigate = complaint->add_subcommand("investigate", "start investigating (the same day)");
  on_case(investigate);
  investigate->callback([act] {
    complaints::v1::CaseActionRequest r;
    r.set_complaint_id(id);
    r.set_customer_id(customer);
    act("complaint investigate", &Stub::StartInvestigation, r);
  });
  auto* note_cmd = complaint->add_subcommand("note", "add a note to the case");
  on_case(note_cmd);
  note_cmd->add_option("--text", text, "the note")->required();
  note_cmd->callback([act] {
    complaints::v1::AddNoteRequest r;
    r.set_complaint_id(id);
    r.set_customer_id(customer);
    r.set_text(text);
    act("complaint note", &Stub::AddNote, r);
  });
  auto* resolve = complaint->add_subcommand("resolve", "record the resolution (a follow-up visit within 3 days follows)");
  on_case(resolve);
  resolve->add_option("--resolution", resolution, "what was done")->required();
  resolve->add_flag("--not-effective", not_effective, "the complaint was not substantiated");
  resolve->callback([act] {
    complaints::v1::ResolveComplaintRequest r;
    r.set_complaint_id(id);
    r.set_customer_id(customer);
    r.set_resolution(resolution);
    r.set_effective(!not_effective);
    act("complaint resolve", &Stub::ResolveComplaint, r);
  });
  auto* escalate = complaint->add_subcommand("escalate", "send the case up the ladder");
  on_case(escalate);
  escalate->add_option("--to", level, "supervisor, manager or general_manager (default: one step up)")
      ->check(CLI::IsMember({"supervisor", "manager", "general_manager"}));
  escalate->add_option("--detail", detail, "why")->required();
  escalate->callback([act] {
    complaints::v1::EscalateComplaintRequest r;
    r.set_complaint_id(id);
    r.set_customer_id(customer);
    r.set_detail(detail);
    r.set_level(level == "supervisor"        ? complaints::v1::ESCALATION_LEVEL_SUPERVISOR
                : level == "manager"         ? complaints::v1::ESCALATION_LEVEL_MANAGER
                : level == "general_manager" ? complaints::v1::ESCALATION_LEVEL_GENERAL_MANAGER
                                             : complaints::v1::ESCALATION_LEVEL_UNSPECIFIED);
    act("complaint escalate", &Stub::EscalateComplaint, r);
  });
  auto* flags = complaint->add_subcommand("flags", "repeat flags: same customer within a month, same issue, same repair");
  flags->add_option("--org", org, "org unit");
  flags->callback([&run] {
    complaints::v1::ListRepeatFlagsRequest r;
    r.set_tenant_id(run.identity.tenant);
    r.set_org_unit_id(org);
    r.mutable_page()->set_page_size(500);
    auto c = run.client();
    complaints::v1::ListRepeatFlagsResponse resp;
    if ((run.code = c.call("complaint flags", *c.complaints, &Stub::ListRepeatFlags, r, &resp)) == 0) render(std::cout, resp, run.json);
  });
}

}  // namespace huifang::ctl
