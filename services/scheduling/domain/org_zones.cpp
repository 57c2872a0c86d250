#include "org_zones.h"

namespace huifang::scheduling {

std::string zone_of(const std::string& customer_zone, const std::string& org_unit_id, const OrgZones& units) {
  if (!customer_zone.empty()) return customer_zone;
  std::string unit = org_unit_id;
  for (int hops = 0; hops < 64 && !unit.empty(); ++hops) {
    const auto it = units.find(unit);
    if (it == units.end()) return "";
    if (!it->second.time_zone.empty()) return it->second.time_zone;
    unit = it->second.parent_id;
  }
  return "";
}

}  // namespace huifang::scheduling
