#include "visit_service.h"

#include "huifang/edge/handle.h"
#include "huifang/outbox/republish_rpc.h"
#include "huifang/events/envelope.h"

namespace huifang::visit {

grpc::Status VisitService::StartVisit(grpc::ServerContext* ctx, const v1::StartVisitRequest* req, v1::StartVisitResponse* resp) {
  return edge::reply(ctx, auth_, "StartVisit", resp, [&](const edge::Caller&) { return app_.start(*req); });
}
grpc::Status VisitService::RecordAttempt(grpc::ServerContext* ctx, const v1::RecordAttemptRequest* req,
                                         v1::RecordAttemptResponse* resp) {
  return edge::reply(ctx, auth_, "RecordAttempt", resp, [&](const edge::Caller&) { return app_.attempt(*req); });
}
grpc::Status VisitService::SubmitSurvey(grpc::ServerContext* ctx, const v1::SubmitSurveyRequest* req,
                                        v1::SubmitSurveyResponse* resp) {
  return edge::reply(ctx, auth_, "SubmitSurvey", resp, [&](const edge::Caller&) { return app_.survey(*req); });
}
grpc::Status VisitService::CompleteVisit(grpc::ServerContext* ctx, const v1::CompleteVisitRequest* req,
                                         v1::CompleteVisitResponse*) {
  return edge::handle(ctx, auth_, "CompleteVisit", [&](const edge::Caller&) { return app_.complete(*req); });
}
grpc::Status VisitService::GetVisit(grpc::ServerContext* ctx, const v1::GetVisitRequest* req, v1::GetVisitResponse* resp) {
  return edge::reply(ctx, auth_, "GetVisit", resp, [&](const edge::Caller&) { return app_.get(*req); });
}
grpc::Status VisitService::RepublishEvents(grpc::ServerContext* ctx, const v1::RepublishEventsRequest* req,
                                           v1::RepublishEventsResponse* resp) {
  return outbox::republish_rpc(ctx, auth_, relay_, *req, resp);
}

}  // namespace huifang::visit
