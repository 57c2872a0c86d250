#pragma once
// Turns Kafka messages into envelopes for a service's handler. A payload that does not parse is an
// error (retried, then dead-lettered by the consumer loop); an envelope whose body this build does
// not know (a newer producer's event type) is skipped and counted, for forward compatibility.
#include <functional>
#include <span>
#include <vector>

#include "huifang/bus/consumer_loop.h"
#include "huifang/core/metrics.h"
#include "huifang/events/envelope.h"

namespace huifang::runtime {

using events::Envelope;

struct Incoming {
  const bus::Message* message;
  Envelope envelope;
};

// The service's handler: applies `events` in order, returns how many were applied and why the
// next one was not (same contract as bus::BatchOutcome).
using EnvelopeHandler = std::function<bus::BatchOutcome(std::span<const Incoming> events)>;

// The common handler: apply each event in order with `apply`, stopping at the first failure.
EnvelopeHandler apply_each(std::function<core::Status(const Envelope&)> apply);
// The same, with `lanes` customers' events applied concurrently (each customer's in order), for
// handlers that wait on several Redis round trips per event. Needs an idempotent `apply` (the
// inbox): after a failure, events other lanes already applied are delivered again.
EnvelopeHandler apply_in_lanes(std::function<core::Status(const Envelope&)> apply, size_t lanes);

// `handles` empty = every type.
bus::BatchHandler decode_envelopes(EnvelopeHandler handler, core::MetricsRegistry& metrics, const std::string& group,
                                   events::TypeFilter handles = {});

}  // namespace huifang::runtime
