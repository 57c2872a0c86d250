#pragma once
// Scripts (话术) and survey dimensions per category family: the order of a follow-up call
// (greeting → introduction → small talk → status → advice → survey → related information →
// thanks), with openings for satisfied and unsatisfied customers, and the 10-point dimensions
// DOMAIN.md lists per industry. Chosen by the category's industry prefix ("hospital.", ...).
#include <string>
#include <vector>

#include "huifang/visit/v1/service.pb.h"

namespace huifang::visit {

struct Script {
  std::vector<v1::ScriptSection> sections;
  std::vector<v1::SurveyDimension> survey;
};

// The script for `category`; `inpatient` categories get the inpatient opening.
Script script_for(const std::string& category);

}  // namespace huifang::visit
