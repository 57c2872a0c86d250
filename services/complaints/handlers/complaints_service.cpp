#include "complaints_service.h"

#include "huifang/edge/handle.h"
#include "huifang/outbox/republish_rpc.h"

namespace huifang::complaints {

using edge::Caller;
using edge::reply;

template <typename Req, typename Resp, typename Fn>
grpc::Status ComplaintsService::scoped(grpc::ServerContext* ctx, const char* rpc, const Req& req, Resp* resp, Fn&& fn) {
  return reply(ctx, auth_, rpc, req, resp, [&](const Caller& c) -> core::Result<Resp> {
    auto s = app_.org_trees().scope_of(c, &req);
    if (!s) return s.error();
    return fn(c, *s);
  });
}

grpc::Status ComplaintsService::OpenComplaint(grpc::ServerContext* ctx, const v1::OpenComplaintRequest* req,
                                              v1::OpenComplaintResponse* resp) {
  return scoped(ctx, "OpenComplaint", *req, resp, [&](const Caller& c, const edge::TenantScope&) { return app_.open(*req, c.tenant_id); });
}
grpc::Status ComplaintsService::ListComplaints(grpc::ServerContext* ctx, const v1::ListComplaintsRequest* req,
                                               v1::ListComplaintsResponse* resp) {
  return scoped(ctx, "ListComplaints", *req, resp, [&](const Caller&, const edge::TenantScope& in) { return app_.list(*req, in); });
}
grpc::Status ComplaintsService::GetComplaint(grpc::ServerContext* ctx, const v1::GetComplaintRequest* req,
                                             v1::GetComplaintResponse* resp) {
  return scoped(ctx, "GetComplaint", *req, resp, [&](const Caller&, const edge::TenantScope& in) { return app_.get(in, *req); });
}
grpc::Status ComplaintsService::AssignComplaint(grpc::ServerContext* ctx, const v1::AssignComplaintRequest* req,
                                                v1::CaseResponse* resp) {
  return scoped(ctx, "AssignComplaint", *req, resp, [&](const Caller& c, const edge::TenantScope& in) { return app_.assign(in, *req, c.subject); });
}
grpc::Status ComplaintsService::StartInvestigation(grpc::ServerContext* ctx, const v1::CaseActionRequest* req,
                                                   v1::CaseResponse* resp) {
  return scoped(ctx, "StartInvestigation", *req, resp,
                [&](const Caller&, const edge::TenantScope& in) { return app_.start_investigation(in, *req); });
}
grpc::Status ComplaintsService::AddNote(grpc::ServerContext* ctx, const v1::AddNoteRequest* req, v1::CaseResponse* resp) {
  return scoped(ctx, "AddNote", *req, resp, [&](const Caller& c, const edge::TenantScope& in) { return app_.add_note(in, *req, c.subject); });
}
grpc::Status ComplaintsService::ResolveComplaint(grpc::ServerContext* ctx, const v1::ResolveComplaintRequest* req,
                                                 v1::CaseResponse* resp) {
  return scoped(ctx, "ResolveComplaint", *req, resp, [&](const Caller&, const edge::TenantScope& in) { return app_.resolve(in, *req); });
}
grpc::Status ComplaintsService::EscalateComplaint(grpc::ServerContext* ctx, const v1::EscalateComplaintRequest* req,
                                                  v1::CaseResponse* resp) {
  return scoped(ctx, "EscalateComplaint", *req, resp, [&](const Caller&, const edge::TenantScope& in) { return app_.escalate(in, *req); });
}
grpc::Status ComplaintsService::ListRepeatFlags(grpc::ServerContext* ctx, const v1::ListRepeatFlagsRequest* req,
                                                v1::ListRepeatFlagsResponse* resp) {
  return scoped(ctx, "ListRepeatFlags", *req, resp,
                [&](const Caller&, const edge::TenantScope& in) { return app_.repeat_flags(*req, in); });
}
grpc::Status ComplaintsService::RepublishEvents(grpc::ServerContext* ctx, const v1::RepublishEventsRequest* req,
                                                v1::RepublishEventsResponse* resp) {
  return outbox::republish_rpc(ctx, auth_, relay_, *req, resp);
}

}  // namespace huifang::complaints
