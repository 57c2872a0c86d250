#pragma once
// Which clock a customer's visits run on: the customer's own time zone, else their org unit's,
// else the nearest ancestor's that names one (the contract: "empty = the org unit's"). A branch
// in Bangkok under a Shanghai enterprise plans its customers' calls on Bangkok's 08:00.
#include <map>
#include <string>

namespace huifang::scheduling {

struct UnitZone {
  std::string parent_id;
  std::string time_zone;  // the unit's own; empty = its parent's
};
using OrgZones = std::map<std::string, UnitZone>;  // org unit id → its parent and zone

// Empty when neither the customer nor any unit up the tree names a zone (the planner's default
// applies). A cycle or a tree deeper than 64 levels stops the walk where it is.
std::string zone_of(const std::string& customer_zone, const std::string& org_unit_id, const OrgZones& units);

}  // namespace huifang::scheduling
