#include "inbound.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>

#include "huifang/core/hash.h"
#include "huifang/edge/bounds.h"
#include "huifang/events/envelope.h"

namespace huifang::intake {

namespace {

core::Result<inbound::v1::InboundServiceEvent> decode_inbound(const std::string& payload) {
  inbound::v1::InboundServiceEvent e;
  const size_t first = payload.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && payload[first] == '{') {
    const auto st = google::protobuf::util::JsonStringToMessage(payload, &e);
    if (!st.ok())
      return core::invalid_argument("payload", "not an InboundServiceEvent in JSON: " + std::string(st.message()));
    return e;
  }
  events::Envelope env;
  if (env.ParseFromString(payload) && env.has_inbound()) return env.inbound();
  if (e.ParseFromString(payload) && !e.customer_id().empty()) return e;
  return core::invalid_argument("payload", "neither JSON nor a protobuf InboundServiceEvent/Envelope");
}

}  // namespace

// The inbound topic is an edge like the gRPC ones: what arrives is bounded before it is used.
core::Result<inbound::v1::InboundServiceEvent> parse_inbound(const std::string& payload) {
  auto e = decode_inbound(payload);
  if (!e) return e;
  if (auto st = edge::check_bounds(*e); !st) return st.error();
  return e;
}

v1::RecordServiceEventRequest to_request(const inbound::v1::InboundServiceEvent& e, const std::string& payload,
                                         bool json) {
  v1::RecordServiceEventRequest r;
  r.set_tenant_id(e.tenant_id());
  std::string key = e.idempotency_key();
  if (key.empty()) key = "content-" + core::hex64(core::fnv1a64(payload));
  r.set_idempotency_key(key);
  r.set_customer_id(e.customer_id());
  r.set_org_unit_id(e.org_unit_id());
  r.set_category(e.category());
  if (e.has_occurred_at()) *r.mutable_occurred_at() = e.occurred_at();
  *r.mutable_attributes() = e.attributes();
  r.set_responsible(e.responsible());
  r.set_source_system(e.source_system().empty() ? (json ? "inbound-json" : "inbound-proto") : e.source_system());
  return r;
}

core::Status check_bound(const bus::Message& m, const inbound::v1::InboundServiceEvent& e, auth::ApiKeyFile* keys) {
  if (!keys) return core::ok_status();
  auto refused = [](std::string why) {
    return core::make_error(core::make_error_code(core::errc::permission_denied), std::move(why), "x-api-key");
  };
  const auto h = std::find_if(m.headers.begin(), m.headers.end(), [](const bus::Header& x) { return x.key == "x-api-key"; });
  if (h == m.headers.end()) return refused("an inbound event must carry its integration's API key in the x-api-key header");
  const auto holder = keys->find(h->value);
  if (!holder) return refused("the x-api-key header holds no valid API key");
  if (holder->tenant != e.tenant_id())
    return refused("the API key is tenant '" + holder->tenant + "''s; the event claims tenant '" + e.tenant_id() + "'");
  return core::ok_status();
}

bus::BatchHandler inbound_handler(IntakeApp& app, std::shared_ptr<auth::ApiKeyFile> keys) {
  return [&app, keys](std::span<const bus::Message> msgs) -> bus::BatchOutcome {
    // Parse up to the first malformed or unbound message; record those before it together.
    std::vector<v1::RecordServiceEventRequest> requests;
    std::optional<core::Error> malformed;
    for (const auto& m : msgs) {
      auto parsed = parse_inbound(m.value);
      if (parsed)
        if (auto st = check_bound(m, *parsed, keys.get()); !st) parsed = st.error();
      if (!parsed) {
        malformed = parsed.error();
        break;
      }
      const size_t first = m.value.find_first_not_of(" \t\r\n");
      requests.push_back(to_request(*parsed, m.value, first != std::string::npos && m.value[first] == '{'));
    }
    auto out = app.record_service_events(requests);
    if (!out.error && malformed) out.error = malformed;
    return out;
  };
}

}  // namespace huifang::intake
