#include "visit_service.h"

#include "huifang/edge/handle.h"
#include "huifang/events/envelope.h"

namespace huifang::visit {
namespace {

template <typename Fn, typename Resp>
grpc::Status call(grpc::ServerContext* ctx, const edge::Authenticator& auth, const char* rpc, Fn&& fn, Resp* resp) {
  return edge::handle(ctx, auth, rpc, [&](const edge::Caller&) -> core::Status {
    auto r = fn();
    if (!r) return r.error();
    *resp = std::move(*r);
    return core::ok_status();
  });
}

}  // namespace

grpc::Status VisitService::StartVisit(grpc::ServerContext* ctx, const v1::StartVisitRequest* req, v1::StartVisitResponse* resp) {
  return call(ctx, auth_, "StartVisit", [&] { return app_.start(*req); }, resp);
}
grpc::Status VisitService::RecordAttempt(grpc::ServerContext* ctx, const v1::RecordAttemptRequest* req,
                                         v1::RecordAttemptResponse* resp) {
  return call(ctx, auth_, "RecordAttempt", [&] { return app_.attempt(*req); }, resp);
}
grpc::Status VisitService::SubmitSurvey(grpc::ServerContext* ctx, const v1::SubmitSurveyRequest* req,
                                        v1::SubmitSurveyResponse* resp) {
  return call(ctx, auth_, "SubmitSurvey", [&] { return app_.survey(*req); }, resp);
}
grpc::Status VisitService::CompleteVisit(grpc::ServerContext* ctx, const v1::CompleteVisitRequest* req,
                                         v1::CompleteVisitResponse*) {
  return edge::handle(ctx, auth_, "CompleteVisit", [&](const edge::Caller&) { return app_.complete(*req); });
}
grpc::Status VisitService::GetVisit(grpc::ServerContext* ctx, const v1::GetVisitRequest* req, v1::GetVisitResponse* resp) {
  return call(ctx, auth_, "GetVisit", [&] { return app_.get(*req); }, resp);
}
grpc::Status VisitService::RepublishEvents(grpc::ServerContext* ctx, const v1::RepublishEventsRequest* req,
                                           v1::RepublishEventsResponse* resp) {
  return edge::handle(ctx, auth_, "RepublishEvents", [&](const edge::Caller&) -> core::Status {
    auto pending = relay_.republish(req->has_from() ? std::optional(events::from_proto(req->from())) : std::nullopt);
    if (!pending) return pending.error();
    resp->set_pending(*pending);
    return core::ok_status();
  });
}

}  // namespace huifang::visit
