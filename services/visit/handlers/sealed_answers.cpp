#include "sealed_answers.h"

#include "huifang/privacy/personal.h"

namespace huifang::visit {
namespace {

// The answers of `c` alone.
v1::VisitCompleted answers_of(const v1::VisitCompleted& c) {
  v1::VisitCompleted a;
  a.set_opinions(c.opinions());
  a.set_suggestions(c.suggestions());
  a.set_needs(c.needs());
  *a.mutable_theme_answers() = c.theme_answers();
  a.set_note(c.note());
  return a;
}

void clear_answers(v1::VisitCompleted& c) {
  c.clear_opinions();
  c.clear_suggestions();
  c.clear_needs();
  c.clear_theme_answers();
  c.clear_note();
}

void seal_problem(v1::Problem& p, const privacy::Key& key, const std::string& owner) {
  p.set_sealed_description(privacy::seal_text(key, p.description(), owner));
  if (!p.sealed_description().empty()) p.clear_description();
}

core::Status open_problem(v1::Problem& p, const privacy::Key& key, const std::string& owner) {
  if (p.sealed_description().empty()) return core::ok_status();
  auto text = privacy::open_text(key, p.sealed_description(), owner);
  if (!text) return text.error();
  p.set_description(*text);
  p.clear_sealed_description();
  return core::ok_status();
}

}  // namespace

void seal_said(std::vector<events::Envelope>& events, const privacy::Key& key, const std::string& owner) {
  for (auto& e : events) {
    if (!e.has_visit()) continue;
    auto& b = *e.mutable_visit();
    if (b.has_visit_completed()) {
      auto& c = *b.mutable_visit_completed();
      c.set_sealed_answers(privacy::seal_part(key, answers_of(c), owner));
      if (!c.sealed_answers().empty()) clear_answers(c);
      for (auto& p : *c.mutable_problems()) seal_problem(p, key, owner);
    } else if (b.has_problem_raised()) {
      seal_problem(*b.mutable_problem_raised()->mutable_problem(), key, owner);
    } else if (b.has_sensitive_finding_flagged()) {
      auto& f = *b.mutable_sensitive_finding_flagged();
      f.set_sealed_note(privacy::seal_text(key, f.note(), owner));
      if (!f.sealed_note().empty()) f.clear_note();
    }
  }
}

core::Status open_said(v1::VisitCompleted& c, const privacy::Key& key, const std::string& owner) {
  const std::string sealed = c.sealed_answers();
  c.clear_sealed_answers();
  if (auto st = privacy::open_part(key, sealed, owner, c); !st) return st;
  for (auto& p : *c.mutable_problems())
    if (auto st = open_problem(p, key, owner); !st) return st;
  return core::ok_status();
}

void drop_said(v1::VisitCompleted& c) {
  clear_answers(c);
  c.clear_sealed_answers();
  for (auto& p : *c.mutable_problems()) {
    p.clear_description();
    p.clear_sealed_description();
  }
}

}  // namespace huifang::visit
