#pragma once
// The inbound integration topic (huifang.inbound.v1): service events as JSON (the proto3 JSON
// mapping of InboundServiceEvent) or protobuf (an Envelope with an `inbound` body, or the bare
// message). Each is recorded exactly like RecordServiceEvent; a message without an idempotency
// key gets one from its content, so redelivery is still harmless. A malformed message or an
// unknown customer fails for good and is dead-lettered with the reason by the consumer loop.
#include "huifang/bus/consumer_loop.h"
#include "huifang/core/result.h"
#include "huifang/inbound/v1/inbound.pb.h"
#include "intake_app.h"

namespace huifang::intake {

// Parses one inbound payload.
core::Result<inbound::v1::InboundServiceEvent> parse_inbound(const std::string& payload);
// The request an inbound event stands for (content-derived idempotency key when none was given).
v1::RecordServiceEventRequest to_request(const inbound::v1::InboundServiceEvent& e, const std::string& payload,
                                         bool json);

// Records a consumed batch together, in order (redelivery after a failure is harmless: the
// idempotency key replays).
bus::BatchHandler inbound_handler(IntakeApp& app);

}  // namespace huifang::intake
