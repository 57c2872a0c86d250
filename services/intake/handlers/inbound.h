#pragma once
// The inbound integration topic (huifang.inbound.v1): service events as JSON (the proto3 JSON
// mapping of InboundServiceEvent) or protobuf (an Envelope with an `inbound` body, or the bare
// message). Each is recorded exactly like RecordServiceEvent; a message without an idempotency
// key gets one from its content, so redelivery is still harmless. A malformed message or an
// unknown customer fails for good and is dead-lettered with the reason by the consumer loop.
//
// With integrations' API keys (auth::ApiKeyFile), a message speaks only for the tenant whose key
// it carries in its `x-api-key` header: one without a valid key, or claiming another tenant, is
// dead-lettered (the key itself never travels to the dead-letter topic). Kafka's own ACLs can
// bind a topic to an integration on a real cluster; the embedded broker has none, so this is
// what binds an inbound event to its tenant there.
#include <memory>

#include "huifang/auth/api_keys.h"
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

// The event's tenant must be the one whose API key the message carries (`keys` null: not checked).
core::Status check_bound(const bus::Message& m, const inbound::v1::InboundServiceEvent& e, auth::ApiKeyFile* keys);

// Records a consumed batch together, in order (redelivery after a failure is harmless: the
// idempotency key replays).
bus::BatchHandler inbound_handler(IntakeApp& app, std::shared_ptr<auth::ApiKeyFile> keys);

}  // namespace huifang::intake
