#include "scheduling_service.h"

#include "huifang/core/hash.h"

#include "../domain/policy_diff.h"
#include "huifang/edge/handle.h"
#include "huifang/outbox/republish_rpc.h"

namespace huifang::scheduling {
namespace {

// An agenda or a customer's visits are served by the visit service, which owns the visit.
grpc::Status moved(const char* rpc) {
  return {grpc::StatusCode::UNIMPLEMENTED,
          std::string(rpc) + " moved to huifang.visit.v1.VisitService/" + rpc + " (the visit service owns the visit)"};
}

core::Error not_found(const std::string& what) {
  return core::make_error(core::make_error_code(core::errc::not_found), what);
}

}  // namespace

SchedulingService::SchedulingService(store::EventStore& store, const events::EnvelopeFactory& factory,
                                     Planning& planning, outbox::Relay& relay, const edge::Authenticator& auth)
    : store_(store),
      planning_(planning),
      relay_(relay),
      auth_(auth),
      policies_(store, factory,
                [](std::vector<v1::PolicyPublished>& s, const events::Envelope& e) {
                  if (e.scheduling().has_policy_published()) s.push_back(e.scheduling().policy_published());
                }),
      calendars_(store, factory, [](bool& s, const events::Envelope&) { s = true; }) {}

core::Result<std::vector<v1::PolicyPublished>> SchedulingService::versions(const std::string& tenant_id,
                                                                           const std::string& policy_id) {
  auto a = policies_.load(keys::tenant_partition(tenant_id), {"policy", tenant_id + ":" + policy_id});
  if (!a) return a.error();
  return a->state;
}

grpc::Status SchedulingService::PutPolicy(grpc::ServerContext* ctx, const v1::PutPolicyRequest* req,
                                          v1::PutPolicyResponse* resp) {
  return edge::handle(ctx, auth_, "PutPolicy", req, [&](const edge::Caller&) -> core::Status {
    if (req->tenant_id().empty()) return core::invalid_argument("tenant_id", "is required");
    auto parsed = parse_policy(req->yaml());
    if (!parsed) return core::invalid_argument("yaml." + parsed.error().field, parsed.error().message);
    const std::string id = req->policy_id().empty() ? parsed->id : req->policy_id();
    if (id != parsed->id)
      return core::invalid_argument("policy_id", "'" + id + "' differs from the pack's policy: '" + parsed->id + "'");
    const std::string pk = keys::tenant_partition(req->tenant_id());
    const std::string hash = core::hex64(core::fnv1a64(req->yaml()));
    auto r = policies_.execute(pk, {"policy", req->tenant_id() + ":" + id},
                               [&](const runtime::Aggregate<std::vector<v1::PolicyPublished>>& a) -> core::Result<runtime::Change> {
      runtime::Change d(events::Decision{{req->tenant_id(), "", pk, "", "", {}}, {}});
      if (!a.state.empty() && a.state.back().content_hash() == hash) {
        resp->set_version(a.state.back().version());
        resp->set_changed(false);
        return d;
      }
      v1::PolicyPublished p;
      p.set_policy_id(id);
      p.set_version(a.state.size() + 1);
      p.set_yaml(req->yaml());
      p.set_content_hash(hash);
      p.set_tenant_id(req->tenant_id());
      events::Envelope e;
      *e.mutable_scheduling()->mutable_policy_published() = p;
      d.events.push_back(e);
      d.read_model.push_back({"HSET", keys::policies(req->tenant_id()), {id, p.SerializeAsString()}});
      for (const auto& rule : parsed->rules) {
        if (rule.trigger != "periodic") d.read_model.push_back({"HSET", keys::policy_for_category(req->tenant_id()), {rule.trigger, id}});
        else d.read_model.push_back({"SADD", keys::periodic_policies(req->tenant_id()), {id}});
      }
      resp->set_version(p.version());
      resp->set_changed(true);
      return d;
    });
    if (!r) return r.error();
    return core::ok_status();
  });
}

grpc::Status SchedulingService::GetPolicy(grpc::ServerContext* ctx, const v1::GetPolicyRequest* req,
                                          v1::GetPolicyResponse* resp) {
  return edge::handle(ctx, auth_, "GetPolicy", req, [&](const edge::Caller&) -> core::Status {
    auto vs = versions(req->tenant_id(), req->policy_id());
    if (!vs) return vs.error();
    if (vs->empty()) return not_found("policy " + req->policy_id() + " does not exist");
    const uint64_t v = req->version() == 0 ? vs->size() : req->version();
    if (v > vs->size()) return not_found("policy " + req->policy_id() + " has no version " + std::to_string(v));
    *resp->mutable_policy() = (*vs)[v - 1];
    return core::ok_status();
  });
}

grpc::Status SchedulingService::ListPolicyVersions(grpc::ServerContext* ctx, const v1::ListPolicyVersionsRequest* req,
                                                   v1::ListPolicyVersionsResponse* resp) {
  return edge::handle(ctx, auth_, "ListPolicyVersions", req, [&](const edge::Caller&) -> core::Status {
    std::vector<std::string> ids;
    if (!req->policy_id().empty()) {
      ids.push_back(req->policy_id());
    } else {
      auto conn = store_.pool().lease();
      auto r = conn->command({"HKEYS", store_.key(store_.partition_of(keys::tenant_partition(req->tenant_id())), keys::policies(req->tenant_id()))});
      if (!r) return r.error();
      for (const auto& e : r->elements) ids.push_back(e.str);
      std::sort(ids.begin(), ids.end());
    }
    for (const auto& id : ids) {
      auto vs = versions(req->tenant_id(), id);
      if (!vs) return vs.error();
      for (auto v : *vs) {
        v.clear_yaml();
        *resp->add_versions() = v;
      }
    }
    resp->mutable_page()->set_total(resp->versions_size());
    return core::ok_status();
  });
}

grpc::Status SchedulingService::DiffPolicyVersions(grpc::ServerContext* ctx, const v1::DiffPolicyVersionsRequest* req,
                                                   v1::DiffPolicyVersionsResponse* resp) {
  return edge::handle(ctx, auth_, "DiffPolicyVersions", req, [&](const edge::Caller&) -> core::Status {
    auto vs = versions(req->tenant_id(), req->policy_id());
    if (!vs) return vs.error();
    for (uint64_t v : {req->from_version(), req->to_version()})
      if (v == 0 || v > vs->size()) return not_found("policy " + req->policy_id() + " has no version " + std::to_string(v));
    resp->set_unified_diff(line_diff((*vs)[req->from_version() - 1].yaml(), (*vs)[req->to_version() - 1].yaml()));
    return core::ok_status();
  });
}

grpc::Status SchedulingService::PutHolidayCalendar(grpc::ServerContext* ctx, const v1::PutHolidayCalendarRequest* req,
                                                   v1::PutHolidayCalendarResponse*) {
  return edge::handle(ctx, auth_, "PutHolidayCalendar", req, [&](const edge::Caller&) -> core::Status {
    const auto& c = req->calendar();
    if (c.tenant_id().empty()) return core::invalid_argument("calendar.tenant_id", "is required");
    if (c.year() < 2000 || c.year() > 2100) return core::invalid_argument("calendar.year", "must be within 2000..2100");
    const std::string year = std::to_string(c.year());
    for (const auto* list : {&c.holidays(), &c.working_days()})
      for (const auto& d : *list)
        if (d.size() != 10 || d.substr(0, 4) != year || d[4] != '-' || d[7] != '-')
          return core::invalid_argument("calendar", "'" + d + "' is not a date YYYY-MM-DD in " + year);
    const std::string pk = keys::tenant_partition(c.tenant_id());
    auto r = calendars_.execute(pk, {"calendar", c.tenant_id() + ":" + year},
                                [&](const runtime::Aggregate<bool>&) -> core::Result<runtime::Change> {
      runtime::Change d(events::Decision{{c.tenant_id(), "", pk, "", "", {}}, {}});
      events::Envelope e;
      *e.mutable_scheduling()->mutable_calendar_published() = c;
      d.events.push_back(e);
      d.read_model.push_back({"HSET", keys::calendars(c.tenant_id()), {year, c.SerializeAsString()}});
      return d;
    });
    if (!r) return r.error();
    return core::ok_status();
  });
}

grpc::Status SchedulingService::GetHolidayCalendar(grpc::ServerContext* ctx, const v1::GetHolidayCalendarRequest* req,
                                                   v1::GetHolidayCalendarResponse* resp) {
  return edge::handle(ctx, auth_, "GetHolidayCalendar", req, [&](const edge::Caller&) -> core::Status {
    auto conn = store_.pool().lease();
    auto r = conn->command({"HGET", store_.key(store_.partition_of(keys::tenant_partition(req->tenant_id())), keys::calendars(req->tenant_id())),
                            std::to_string(req->year())});
    if (!r) return r.error();
    if (r->type != store::Reply::Type::string)
      return not_found("no holiday calendar for " + req->tenant_id() + " in " + std::to_string(req->year()));
    resp->mutable_calendar()->ParseFromString(r->str);
    return core::ok_status();
  });
}

grpc::Status SchedulingService::GetAgenda(grpc::ServerContext*, const v1::GetAgendaRequest*, v1::GetAgendaResponse*) {
  return moved("GetAgenda");
}

grpc::Status SchedulingService::GetCustomerPlan(grpc::ServerContext*, const v1::GetCustomerPlanRequest*,
                                                v1::GetCustomerPlanResponse*) {
  return moved("GetCustomerPlan");
}

grpc::Status SchedulingService::ExplainVisit(grpc::ServerContext* ctx, const v1::ExplainVisitRequest* req,
                                             v1::ExplainResponse* resp) {
  return edge::handle(ctx, auth_, "ExplainVisit", req, [&](const edge::Caller& c) -> core::Status {
    if (req->customer_id().empty()) return core::invalid_argument("customer_id", "is required");
    auto scope = planning_.org_trees().scope_of(c);
    if (!scope) return scope.error();
    auto x = planning_.explain_visit(*scope, req->customer_id(), req->visit_id(), req->service_event_id());
    if (!x) return x.error();
    for (auto& d : *x) *resp->add_decisions() = std::move(d);
    return core::ok_status();
  });
}

grpc::Status SchedulingService::ExplainServiceEvent(grpc::ServerContext* ctx, const v1::ExplainServiceEventRequest* req,
                                                    v1::ExplainResponse* resp) {
  return edge::handle(ctx, auth_, "ExplainServiceEvent", req, [&](const edge::Caller& c) -> core::Status {
    if (req->customer_id().empty()) return core::invalid_argument("customer_id", "is required");
    auto scope = planning_.org_trees().scope_of(c);
    if (!scope) return scope.error();
    auto x = planning_.explain_service_event(*scope, req->customer_id(), req->service_event_id());
    if (!x) return x.error();
    for (auto& d : *x) *resp->add_decisions() = std::move(d);
    return core::ok_status();
  });
}

grpc::Status SchedulingService::RepublishEvents(grpc::ServerContext* ctx, const v1::RepublishEventsRequest* req,
                                                v1::RepublishEventsResponse* resp) {
  return outbox::republish_rpc(ctx, auth_, relay_, *req, resp);
}

}  // namespace huifang::scheduling
