// huifangctl visit start / attempt / survey / complete / show: the visit edge, for agents.
#include <iostream>

#include "commands.h"
#include "render.h"

namespace huifang::ctl {

void add_visit_commands(CLI::App& app, Run& run) {
  using Stub = visit::v1::VisitService::Stub;
  static std::string visit_id, customer, agent, outcome = "reached", reason, callback_at, opinions, suggestions, needs, note;
  static std::vector<std::string> ratings, problems;
  auto* visit = app.add_subcommand("visit", "an agent's work on one visit (the agent is --as, or --agent)")->require_subcommand(1);
  auto common = [&](CLI::App* cmd) {
    cmd->add_option("visit", visit_id, "visit id (from `huifangctl agenda`)")->required();
    cmd->add_option("--customer", customer, "the visit's customer id")->required();
    cmd->add_option("--agent", agent, "acting agent (default: --as)");
  };
  auto who = [&run] { return agent.empty() ? run.identity.caller : agent; };
  // With the local key and no --role, the agent signs in as themself: visits are agents' work.
  auto as_agent = [&run, who] {
    Identity id = run.identity;
    if (id.role.empty()) id = {who(), "agent", run.identity.tenant};
    return run.client_as(id);
  };

  auto* start = visit->add_subcommand("start", "open the visit: script, survey and contact details (audited)");
  common(start);
  start->callback([&run, who, as_agent] {
    visit::v1::StartVisitRequest r;
    r.set_visit_id(visit_id);
    r.set_customer_id(customer);
    r.set_agent_id(who());
    auto c = as_agent();
    visit::v1::StartVisitResponse resp;
    if ((run.code = c.call("visit start", *c.visit, &Stub::StartVisit, r, &resp)) == 0) render(std::cout, resp, run.json);
  });

  auto* attempt = visit->add_subcommand("attempt", "record a contact attempt");
  common(attempt);
  attempt->add_option("--outcome", outcome, "no_answer, wrong_number, family_answered, not_convenient, refused, reached")
      ->check(CLI::IsMember({"no_answer", "wrong_number", "family_answered", "not_convenient", "refused", "reached"}))
      ->capture_default_str();
  attempt->add_option("--reason", reason, "why (required for not_convenient and refused)");
  attempt->add_option("--callback-at", callback_at, "the time the customer asked for (not_convenient)");
  attempt->callback([&run, who, as_agent] {
    visit::v1::RecordAttemptRequest r;
    r.set_visit_id(visit_id);
    r.set_customer_id(customer);
    r.set_agent_id(who());
    std::string name = "ATTEMPT_OUTCOME_";
    for (char ch : outcome) name += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    visit::v1::AttemptOutcome o = visit::v1::ATTEMPT_OUTCOME_UNSPECIFIED;
    visit::v1::AttemptOutcome_Parse(name, &o);
    r.set_outcome(o);
    r.set_reason(reason);
    if (!callback_at.empty() && !parse_time(callback_at, r.mutable_callback_at())) {
      std::cerr << "huifangctl: --callback-at: '" << callback_at << "' is not a date or time\n";
      return void(run.code = kUsage);
    }
    auto c = as_agent();
    visit::v1::RecordAttemptResponse resp;
    if ((run.code = c.call("visit attempt", *c.visit, &Stub::RecordAttempt, r, &resp)) == 0) render(std::cout, resp, run.json);
  });

  auto* survey = visit->add_subcommand("survey", "submit the 10-point survey (completes the visit)");
  common(survey);
  survey->add_option("--rate", ratings, "dimension=score, 1..10 or 0 for unrated (repeatable)")->required();
  survey->add_option("--opinions", opinions, "opinions (意见)");
  survey->add_option("--suggestions", suggestions, "suggestions (建议)");
  survey->add_option("--needs", needs, "needs (需求)");
  survey->add_option("--problem", problems, "a problem the customer raised, not solved on the spot (repeatable)");
  survey->callback([&run, who, as_agent] {
    visit::v1::SubmitSurveyRequest r;
    r.set_visit_id(visit_id);
    r.set_customer_id(customer);
    r.set_agent_id(who());
    for (const auto& kv : ratings) {
      const auto eq = kv.find('=');
      int score = -1;
      try {
        if (eq != std::string::npos) score = std::stoi(kv.substr(eq + 1));
      } catch (const std::exception&) {
      }
      if (score < 0 || score > 10) {
        std::cerr << "huifangctl: --rate: '" << kv << "' is not dimension=score with score 0..10\n";
        return void(run.code = kUsage);
      }
      auto* rt = r.add_ratings();
      rt->set_dimension(kv.substr(0, eq));
      rt->set_score(static_cast<uint32_t>(score));
    }
    r.set_opinions(opinions);
    r.set_suggestions(suggestions);
    r.set_needs(needs);
    for (const auto& p : problems) r.add_problems()->set_description(p);
    auto c = as_agent();
    visit::v1::SubmitSurveyResponse resp;
    if ((run.code = c.call("visit survey", *c.visit, &Stub::SubmitSurvey, r, &resp)) == 0) render(std::cout, resp, run.json);
  });

  auto* complete = visit->add_subcommand("complete", "complete without a survey (care messages, on-site notes)");
  common(complete);
  complete->add_option("--note", note, "what was done");
  complete->callback([&run, who, as_agent] {
    visit::v1::CompleteVisitRequest r;
    r.set_visit_id(visit_id);
    r.set_customer_id(customer);
    r.set_agent_id(who());
    r.set_note(note);
    auto c = as_agent();
    visit::v1::CompleteVisitResponse resp;
    if ((run.code = c.call("visit complete", *c.visit, &Stub::CompleteVisit, r, &resp)) == 0) std::cout << "completed\n";
  });

  auto* show = visit->add_subcommand("show", "a visit's state and attempts");
  show->add_option("visit", visit_id, "visit id")->required();
  show->add_option("--customer", customer, "the visit's customer id")->required();
  show->callback([&run] {
    visit::v1::GetVisitRequest r;
    r.set_visit_id(visit_id);
    r.set_customer_id(customer);
    auto c = run.client();
    visit::v1::GetVisitResponse resp;
    if ((run.code = c.call("visit show", *c.visit, &Stub::GetVisit, r, &resp)) == 0) render(std::cout, resp, run.json);
  });
}

}  // namespace huifang::ctl
