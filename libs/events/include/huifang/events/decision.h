#pragma once
// What a domain's decide function returns: the events it decided (bodies set; the repository
// stamps their metadata) and the context they are stamped with. Pure data: domain code that builds
// it needs neither the store nor the bus.
#include <vector>

#include "huifang/events/envelope.h"

namespace huifang::events {

struct Decision {
  EventContext context;
  std::vector<Envelope> events;
  // False: the events are kept in the stream but not published (a copy of what another service
  // already published, kept because this aggregate now owns what follows from it).
  bool publish = true;
};

}  // namespace huifang::events
