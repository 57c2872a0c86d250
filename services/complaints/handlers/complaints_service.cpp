#include "complaints_service.h"

#include "huifang/edge/handle.h"
#include "huifang/outbox/republish_rpc.h"

namespace huifang::complaints {

using edge::Caller;
using edge::reply;

grpc::Status ComplaintsService::OpenComplaint(grpc::ServerContext* ctx, const v1::OpenComplaintRequest* req,
                                              v1::OpenComplaintResponse* resp) {
  return reply(ctx, auth_, "OpenComplaint", *req, resp, [&](const Caller& c) { return app_.open(*req, c.tenant_id); });
}
grpc::Status ComplaintsService::ListComplaints(grpc::ServerContext* ctx, const v1::ListComplaintsRequest* req,
                                               v1::ListComplaintsResponse* resp) {
  return reply(ctx, auth_, "ListComplaints", *req, resp, [&](const Caller&) { return app_.list(*req); });
}
grpc::Status ComplaintsService::GetComplaint(grpc::ServerContext* ctx, const v1::GetComplaintRequest* req,
                                             v1::GetComplaintResponse* resp) {
  return reply(ctx, auth_, "GetComplaint", *req, resp, [&](const Caller& c) { return app_.get(c.tenant_id, *req); });
}
grpc::Status ComplaintsService::AssignComplaint(grpc::ServerContext* ctx, const v1::AssignComplaintRequest* req,
                                                v1::CaseResponse* resp) {
  return reply(ctx, auth_, "AssignComplaint", *req, resp, [&](const Caller& c) { return app_.assign(c.tenant_id, *req, c.subject); });
}
grpc::Status ComplaintsService::StartInvestigation(grpc::ServerContext* ctx, const v1::CaseActionRequest* req,
                                                   v1::CaseResponse* resp) {
  return reply(ctx, auth_, "StartInvestigation", *req, resp, [&](const Caller& c) { return app_.start_investigation(c.tenant_id, *req); });
}
grpc::Status ComplaintsService::AddNote(grpc::ServerContext* ctx, const v1::AddNoteRequest* req, v1::CaseResponse* resp) {
  return reply(ctx, auth_, "AddNote", *req, resp, [&](const Caller& c) { return app_.add_note(c.tenant_id, *req, c.subject); });
}
grpc::Status ComplaintsService::ResolveComplaint(grpc::ServerContext* ctx, const v1::ResolveComplaintRequest* req,
                                                 v1::CaseResponse* resp) {
  return reply(ctx, auth_, "ResolveComplaint", *req, resp, [&](const Caller& c) { return app_.resolve(c.tenant_id, *req); });
}
grpc::Status ComplaintsService::EscalateComplaint(grpc::ServerContext* ctx, const v1::EscalateComplaintRequest* req,
                                                  v1::CaseResponse* resp) {
  return reply(ctx, auth_, "EscalateComplaint", *req, resp, [&](const Caller& c) { return app_.escalate(c.tenant_id, *req); });
}
grpc::Status ComplaintsService::ListRepeatFlags(grpc::ServerContext* ctx, const v1::ListRepeatFlagsRequest* req,
                                                v1::ListRepeatFlagsResponse* resp) {
  return reply(ctx, auth_, "ListRepeatFlags", *req, resp, [&](const Caller&) { return app_.repeat_flags(*req); });
}
grpc::Status ComplaintsService::RepublishEvents(grpc::ServerContext* ctx, const v1::RepublishEventsRequest* req,
                                                v1::RepublishEventsResponse* resp) {
  return outbox::republish_rpc(ctx, auth_, relay_, *req, resp);
}

}  // namespace huifang::complaints
