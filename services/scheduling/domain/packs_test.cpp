// Every shipped policy pack parses, and together they answer every trigger of DOMAIN.md's table
// for these industries.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "policy.h"

namespace huifang::scheduling {
namespace {

std::map<std::string, Policy> packs() {
  std::map<std::string, Policy> out;
  for (const auto& f : std::filesystem::directory_iterator(HUIFANG_POLICY_DIR)) {
    if (f.path().extension() != ".yaml") continue;
    std::ifstream in(f.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto p = parse_policy(ss.str());
    EXPECT_TRUE(p) << f.path() << ": " << p.error().to_string();
    if (p) out.emplace(f.path().stem().string(), std::move(*p));
  }
  return out;
}

TEST(PolicyPacks, EveryShippedPackParses) {
  const auto all = packs();
  for (const char* name : {"hospital", "property", "logistics", "decoration", "manufacturer"})
    EXPECT_TRUE(all.contains(name)) << name;
}

TEST(PolicyPacks, CoverEveryTriggerOfTheDomainTable) {
  std::set<std::string> triggers;
  int periodic = 0;
  for (const auto& [name, p] : packs())
    for (const auto& r : p.rules) {
      triggers.insert(r.trigger);
      periodic += r.trigger == "periodic";
    }
  for (const char* t : {"hospital.inpatient_discharged", "hospital.specialist_first_visit", "hospital.basic_first_visit",
                        "hospital.surgery_or_unclear_referral", "hospital.outpatient_surgery",
                        "property.complaint_resolved", "property.repair_completed",
                        "property.special_service_contracted", "property.emergency_aid", "property.community_event",
                        "logistics.delivery_completed", "decoration.project_started", "decoration.project_midterm",
                        "decoration.project_completed", "manufacturer.product_delivered", "care.birthday"})
    EXPECT_TRUE(triggers.contains(t)) << t;
  EXPECT_GE(periodic, 8);  // quarterly households, weekly key accounts, monthly letters, ...
}

}  // namespace
}  // namespace huifang::scheduling
