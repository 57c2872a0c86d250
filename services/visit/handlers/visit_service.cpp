#include "visit_service.h"

#include "huifang/edge/handle.h"
#include "huifang/outbox/republish_rpc.h"
#include "huifang/events/envelope.h"

namespace huifang::visit {

grpc::Status VisitService::StartVisit(grpc::ServerContext* ctx, const v1::StartVisitRequest* req, v1::StartVisitResponse* resp) {
  return edge::reply(ctx, auth_, "StartVisit", *req, resp, [&](const edge::Caller&) { return app_.start(*req); });
}
grpc::Status VisitService::RecordAttempt(grpc::ServerContext* ctx, const v1::RecordAttemptRequest* req,
                                         v1::RecordAttemptResponse* resp) {
  return edge::reply(ctx, auth_, "RecordAttempt", *req, resp, [&](const edge::Caller&) { return app_.attempt(*req); });
}
grpc::Status VisitService::SubmitSurvey(grpc::ServerContext* ctx, const v1::SubmitSurveyRequest* req,
                                        v1::SubmitSurveyResponse* resp) {
  return edge::reply(ctx, auth_, "SubmitSurvey", *req, resp, [&](const edge::Caller&) { return app_.survey(*req); });
}
grpc::Status VisitService::CompleteVisit(grpc::ServerContext* ctx, const v1::CompleteVisitRequest* req,
                                         v1::CompleteVisitResponse*) {
  return edge::handle(ctx, auth_, "CompleteVisit", req, [&](const edge::Caller&) { return app_.complete(*req); });
}
grpc::Status VisitService::GetVisit(grpc::ServerContext* ctx, const v1::GetVisitRequest* req, v1::GetVisitResponse* resp) {
  return edge::reply(ctx, auth_, "GetVisit", *req, resp, [&](const edge::Caller&) { return app_.get(*req); });
}
grpc::Status VisitService::GetAgenda(grpc::ServerContext* ctx, const scheduling::v1::GetAgendaRequest* req,
                                     scheduling::v1::GetAgendaResponse* resp) {
  return edge::handle(ctx, auth_, "GetAgenda", req, [&](const edge::Caller&) -> core::Status {
    auto items = queries_.agenda(req->agent_id(), req->view());
    if (!items) return items.error();
    for (auto& i : *items) *resp->add_items() = std::move(i);
    resp->mutable_page()->set_total(resp->items_size());
    return core::ok_status();
  });
}

grpc::Status VisitService::GetCustomerPlan(grpc::ServerContext* ctx, const scheduling::v1::GetCustomerPlanRequest* req,
                                           scheduling::v1::GetCustomerPlanResponse* resp) {
  return edge::handle(ctx, auth_, "GetCustomerPlan", req, [&](const edge::Caller&) -> core::Status {
    auto items = queries_.customer_plan(req->customer_id());
    if (!items) return items.error();
    for (auto& i : *items) *resp->add_visits() = std::move(i);
    return core::ok_status();
  });
}

grpc::Status VisitService::ExplainVisit(grpc::ServerContext* ctx, const scheduling::v1::ExplainVisitRequest* req,
                                        scheduling::v1::ExplainResponse* resp) {
  return edge::handle(ctx, auth_, "ExplainVisit", req, [&](const edge::Caller&) -> core::Status {
    auto xs = queries_.explain(req->customer_id(), req->visit_id());
    if (!xs) return xs.error();
    for (auto& x : *xs) *resp->add_decisions() = std::move(x);
    return core::ok_status();
  });
}

grpc::Status VisitService::RepublishEvents(grpc::ServerContext* ctx, const v1::RepublishEventsRequest* req,
                                           v1::RepublishEventsResponse* resp) {
  return outbox::republish_rpc(ctx, auth_, relay_, *req, resp);
}

}  // namespace huifang::visit
