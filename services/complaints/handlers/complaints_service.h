#pragma once
// ComplaintService: the handlers' edge (list, inspect, assign, investigate, note, resolve,
// escalate; repeat flags) over ComplaintsApp.
#include "complaints_app.h"
#include "huifang/complaints/v1/service.grpc.pb.h"
#include "huifang/edge/caller.h"
#include "huifang/outbox/relay.h"

namespace huifang::complaints {

class ComplaintsService final : public v1::ComplaintService::Service {
 public:
  ComplaintsService(ComplaintsApp& app, outbox::Relay& relay, const edge::Authenticator& auth)
      : app_(app), relay_(relay), auth_(auth) {}
  grpc::Status OpenComplaint(grpc::ServerContext*, const v1::OpenComplaintRequest*, v1::OpenComplaintResponse*) override;
  grpc::Status ListComplaints(grpc::ServerContext*, const v1::ListComplaintsRequest*, v1::ListComplaintsResponse*) override;
  grpc::Status GetComplaint(grpc::ServerContext*, const v1::GetComplaintRequest*, v1::GetComplaintResponse*) override;
  grpc::Status AssignComplaint(grpc::ServerContext*, const v1::AssignComplaintRequest*, v1::CaseResponse*) override;
  grpc::Status StartInvestigation(grpc::ServerContext*, const v1::CaseActionRequest*, v1::CaseResponse*) override;
  grpc::Status AddNote(grpc::ServerContext*, const v1::AddNoteRequest*, v1::CaseResponse*) override;
  grpc::Status ResolveComplaint(grpc::ServerContext*, const v1::ResolveComplaintRequest*, v1::CaseResponse*) override;
  grpc::Status EscalateComplaint(grpc::ServerContext*, const v1::EscalateComplaintRequest*, v1::CaseResponse*) override;
  grpc::Status ListRepeatFlags(grpc::ServerContext*, const v1::ListRepeatFlagsRequest*, v1::ListRepeatFlagsResponse*) override;
  grpc::Status RepublishEvents(grpc::ServerContext*, const v1::RepublishEventsRequest*, v1::RepublishEventsResponse*) override;

 private:
  // reply() with the caller's scope handed to `fn(caller, scope)`; for a caller who works in part
  // of the tenant, every unit the request names must be theirs (PERMISSION_DENIED).
  template <typename Req, typename Resp, typename Fn>
  grpc::Status scoped(grpc::ServerContext* ctx, const char* rpc, const Req& req, Resp* resp, Fn&& fn);

  ComplaintsApp& app_;
  outbox::Relay& relay_;
  const edge::Authenticator& auth_;
};

}  // namespace huifang::complaints
