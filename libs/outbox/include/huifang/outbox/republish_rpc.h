#pragma once
// Every service's RepublishEvents RPC: the recovery path after the embedded broker forgot its
// topics (or a consumer needs history again). Each service's request/response types differ only in
// package, so one template serves them all.
#include "huifang/edge/handle.h"
#include "huifang/events/envelope.h"
#include "huifang/outbox/relay.h"

namespace huifang::outbox {

template <typename Req, typename Resp>
grpc::Status republish_rpc(grpc::ServerContext* ctx, const edge::Authenticator& auth, Relay& relay, const Req& req,
                           Resp* resp) {
  return edge::handle(ctx, auth, "RepublishEvents", &req, [&](const edge::Caller&) -> core::Status {
    auto pending = relay.republish(req.has_from() ? std::optional(events::from_proto(req.from())) : std::nullopt);
    if (!pending) return pending.error();
    resp->set_pending(*pending);
    return core::ok_status();
  });
}

}  // namespace huifang::outbox
