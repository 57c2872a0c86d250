#include "visit_service.h"

#include "huifang/edge/handle.h"
#include "huifang/paging/paging.h"
#include "huifang/outbox/republish_rpc.h"
#include "huifang/events/envelope.h"

namespace huifang::visit {
namespace {

// The request as the verified caller may make it: an agent acts only as themself (the visit must
// be assigned to them); a supervisor may act for an agent of the tenant.
template <typename Req>
core::Result<Req> as_caller(const edge::Caller& caller, const Req& req) {
  if (caller.role != edge::Role::agent) return req;
  if (!req.agent_id().empty() && req.agent_id() != caller.subject)
    return core::make_error(core::make_error_code(core::errc::permission_denied),
                            "agents act only as themselves: you are signed in as '" + caller.subject + "'", "agent_id");
  Req mine = req;
  mine.set_agent_id(caller.subject);
  return mine;
}

}  // namespace

core::Result<Scope> VisitService::scope_of(const edge::Caller& c) {
  auto in = app_.org_trees().scope_of(c);
  if (!in) return in.error();
  Scope scope(std::move(*in));
  if (c.role == edge::Role::agent) scope.own_agent = c.subject;
  return scope;
}

grpc::Status VisitService::StartVisit(grpc::ServerContext* ctx, const v1::StartVisitRequest* req, v1::StartVisitResponse* resp) {
  return edge::reply(ctx, auth_, "StartVisit", *req, resp, [&](const edge::Caller& c) -> core::Result<v1::StartVisitResponse> {
    auto r = as_caller(c, *req);
    if (!r) return r.error();
    auto scope = scope_of(c);
    if (!scope) return scope.error();
    return app_.start(*scope, *r);
  });
}
grpc::Status VisitService::RecordAttempt(grpc::ServerContext* ctx, const v1::RecordAttemptRequest* req,
                                         v1::RecordAttemptResponse* resp) {
  return edge::reply(ctx, auth_, "RecordAttempt", *req, resp, [&](const edge::Caller& c) -> core::Result<v1::RecordAttemptResponse> {
    auto r = as_caller(c, *req);
    if (!r) return r.error();
    auto scope = scope_of(c);
    if (!scope) return scope.error();
    return app_.attempt(*scope, *r);
  });
}
grpc::Status VisitService::SubmitSurvey(grpc::ServerContext* ctx, const v1::SubmitSurveyRequest* req,
                                        v1::SubmitSurveyResponse* resp) {
  return edge::reply(ctx, auth_, "SubmitSurvey", *req, resp, [&](const edge::Caller& c) -> core::Result<v1::SubmitSurveyResponse> {
    auto r = as_caller(c, *req);
    if (!r) return r.error();
    auto scope = scope_of(c);
    if (!scope) return scope.error();
    return app_.survey(*scope, *r);
  });
}
grpc::Status VisitService::CompleteVisit(grpc::ServerContext* ctx, const v1::CompleteVisitRequest* req,
                                         v1::CompleteVisitResponse*) {
  return edge::handle(ctx, auth_, "CompleteVisit", req, [&](const edge::Caller& c) -> core::Status {
    auto r = as_caller(c, *req);
    if (!r) return r.error();
    auto scope = scope_of(c);
    if (!scope) return scope.error();
    return app_.complete(*scope, *r);
  });
}
grpc::Status VisitService::GetVisit(grpc::ServerContext* ctx, const v1::GetVisitRequest* req, v1::GetVisitResponse* resp) {
  return edge::reply(ctx, auth_, "GetVisit", *req, resp, [&](const edge::Caller& c) -> core::Result<v1::GetVisitResponse> {
    auto scope = scope_of(c);
    if (!scope) return scope.error();
    return app_.get(*scope, *req);
  });
}
grpc::Status VisitService::GetAgenda(grpc::ServerContext* ctx, const scheduling::v1::GetAgendaRequest* req,
                                     scheduling::v1::GetAgendaResponse* resp) {
  return edge::handle(ctx, auth_, "GetAgenda", req, [&](const edge::Caller& c) -> core::Status {
    auto mine = as_caller(c, *req);
    if (!mine) return mine.error();
    auto scope = scope_of(c);
    if (!scope) return scope.error();
    auto items = queries_.agenda(*scope, mine->agent_id(), mine->view());
    if (!items) return items.error();
    // Paged like every list: 50 by default, at most 1,000 at a time.
    return paging::page_into(*items, mine->page(), resp->mutable_items(), resp->mutable_page());
  });
}

grpc::Status VisitService::GetCustomerPlan(grpc::ServerContext* ctx, const scheduling::v1::GetCustomerPlanRequest* req,
                                           scheduling::v1::GetCustomerPlanResponse* resp) {
  return edge::handle(ctx, auth_, "GetCustomerPlan", req, [&](const edge::Caller& c) -> core::Status {
    auto scope = scope_of(c);
    if (!scope) return scope.error();
    auto items = queries_.customer_plan(*scope, req->customer_id());
    if (!items) return items.error();
    for (auto& i : *items) *resp->add_visits() = std::move(i);
    return core::ok_status();
  });
}

grpc::Status VisitService::ExplainVisit(grpc::ServerContext* ctx, const scheduling::v1::ExplainVisitRequest* req,
                                        scheduling::v1::ExplainResponse* resp) {
  return edge::handle(ctx, auth_, "ExplainVisit", req, [&](const edge::Caller& c) -> core::Status {
    auto scope = scope_of(c);
    if (!scope) return scope.error();
    auto xs = queries_.explain(*scope, req->customer_id(), req->visit_id());
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
