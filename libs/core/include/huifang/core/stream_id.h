#pragma once
// The name of one aggregate's event stream. Envelopes carry it and the store keys streams by it;
// it lives here so that neither has to know the other.
#include <string>

namespace huifang::core {

struct StreamId {
  std::string type;  // "customer", "visit", "complaint", "policy", ...
  std::string id;
};

}  // namespace huifang::core
