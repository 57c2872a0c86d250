#pragma once
// Records past their retention are forgotten (PIPL: keep personal data no longer than needed).
// For the streams a service keeps one of per record — intake's service events, scheduling's
// decisions per service event — a pass over the partition's short streams of that type forgets
// each whose first event was recorded before the cutoff. The events stay on Kafka as long as its
// retention keeps them; figures already counted stay (analytics keeps no personal data).
#include <cstddef>
#include <string>

#include "huifang/core/clock.h"
#include "huifang/core/result.h"
#include "huifang/store/event_store.h"

namespace huifang::runtime {

// How many streams were forgotten. Streams kept as lists (longer than the packed form) are not
// looked at.
core::Result<size_t> forget_streams_recorded_before(store::EventStore& store, const std::string& type,
                                                    core::Timestamp before);

}  // namespace huifang::runtime
