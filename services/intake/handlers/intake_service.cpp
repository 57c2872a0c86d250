#include "intake_service.h"

#include "../domain/masking.h"
#include "huifang/edge/handle.h"
#include "huifang/outbox/republish_rpc.h"
#include "huifang/events/envelope.h"
#include "huifang/paging/paging.h"

namespace huifang::intake {
namespace {

// Runs `fn` (returning Result<T>) and hands the value to `fill`.
template <typename Fn, typename Fill>
core::Status then(Fn&& fn, Fill&& fill) {
  auto r = fn();
  if (!r) return r.error();
  fill(*r);
  return core::ok_status();
}

// A customer outside the caller's units is answered as one that does not exist.
core::Error no_such_customer(const std::string& id) {
  return core::make_error(core::make_error_code(core::errc::not_found), "customer " + id + " does not exist");
}

// The customer as `caller` may see them: in full, or masked for a role that does not need to
// reach them.
v1::Customer shown_to(const edge::Caller& caller, v1::Customer c) {
  if (!edge::sees_personal_data(caller.role)) mask_personal(c);
  return c;
}

}  // namespace

core::Result<edge::OrgTree> IntakeService::scope(const edge::Caller& caller, const google::protobuf::Message& request) {
  if (!edge::is_unit_scoped(caller)) return edge::OrgTree{};
  auto tree = app_.org_tree(caller.tenant_id);
  if (!tree) return tree.error();
  if (auto st = edge::check_org_fields(request, caller, *tree); !st) return st.error();
  return tree;
}

core::Status IntakeService::customer_in_scope(const edge::Caller& caller, const edge::OrgTree& tree,
                                              const std::string& customer_id) {
  if (!edge::is_unit_scoped(caller)) return core::ok_status();
  auto c = app_.find_customer(caller.tenant_id, customer_id);  // its org unit is all this needs
  // Not there at all: the command itself says so.
  if (!c) return c.error().kind() == core::condition::not_found ? core::ok_status() : core::Status(c.error());
  if (!edge::covers(caller, c->org_unit_id(), tree)) return no_such_customer(customer_id);
  return core::ok_status();
}

v1::ImportRowResult row_result(uint32_t row, const core::Status& st, const std::string& id) {
  v1::ImportRowResult r;
  r.set_row(row);
  r.set_accepted(st.ok());
  if (st.ok()) {
    r.set_id(id);
  } else {
    r.set_field(st.error().field);
    r.set_reason(st.error().message.empty() ? st.error().code.message() : st.error().message);
  }
  return r;
}

grpc::Status IntakeService::DefineOrgUnit(grpc::ServerContext* ctx, const v1::DefineOrgUnitRequest* req,
                                          v1::DefineOrgUnitResponse* resp) {
  return edge::handle(ctx, auth_, "DefineOrgUnit", req, [&](const edge::Caller&) {
    return then([&] { return app_.define_org_unit(req->tenant_id(), req->org_unit()); },
                [&](const v1::OrgUnit& u) { *resp->mutable_org_unit() = u; });
  });
}

grpc::Status IntakeService::ListOrgUnits(grpc::ServerContext* ctx, const v1::ListOrgUnitsRequest* req,
                                         v1::ListOrgUnitsResponse* resp) {
  return edge::handle(ctx, auth_, "ListOrgUnits", req, [&](const edge::Caller&) -> core::Status {
    auto units = app_.list_org_units(req->tenant_id(), req->under_org_unit_id());
    if (!units) return units.error();
    return paging::page_into(*units, req->page(), resp->mutable_org_units(), resp->mutable_page());
  });
}

grpc::Status IntakeService::RegisterAgent(grpc::ServerContext* ctx, const v1::RegisterAgentRequest* req,
                                          v1::RegisterAgentResponse* resp) {
  return edge::handle(ctx, auth_, "RegisterAgent", req, [&](const edge::Caller& caller) -> core::Status {
    if (auto tree = scope(caller, *req); !tree) return tree.error();
    return then([&] { return app_.register_agent(req->tenant_id(), req->agent(), false); },
                [&](const v1::Agent& a) { *resp->mutable_agent() = a; });
  });
}

grpc::Status IntakeService::UpdateAgent(grpc::ServerContext* ctx, const v1::UpdateAgentRequest* req,
                                        v1::UpdateAgentResponse* resp) {
  return edge::handle(ctx, auth_, "UpdateAgent", req, [&](const edge::Caller& caller) -> core::Status {
    if (auto tree = scope(caller, *req); !tree) return tree.error();
    return then([&] { return app_.register_agent(req->tenant_id(), req->agent(), true); },
                [&](const v1::Agent& a) { *resp->mutable_agent() = a; });
  });
}

grpc::Status IntakeService::ListAgents(grpc::ServerContext* ctx, const v1::ListAgentsRequest* req,
                                       v1::ListAgentsResponse* resp) {
  return edge::handle(ctx, auth_, "ListAgents", req, [&](const edge::Caller& caller) -> core::Status {
    auto tree = scope(caller, *req);
    if (!tree) return tree.error();
    auto agents = app_.list_agents(req->tenant_id(), req->org_unit_id());
    if (!agents) return agents.error();
    std::erase_if(*agents, [&](const v1::Agent& a) { return !edge::covers(caller, a.org_unit_id(), *tree); });
    return paging::page_into(*agents, req->page(), resp->mutable_agents(), resp->mutable_page());
  });
}

grpc::Status IntakeService::CreateCustomer(grpc::ServerContext* ctx, const v1::CreateCustomerRequest* req,
                                           v1::CreateCustomerResponse* resp) {
  return edge::handle(ctx, auth_, "CreateCustomer", req, [&](const edge::Caller& caller) -> core::Status {
    if (auto tree = scope(caller, *req); !tree) return tree.error();
    return then([&] { return app_.create_customer(req->customer()); },
                [&](const v1::Customer& c) { *resp->mutable_customer() = c; });
  });
}

grpc::Status IntakeService::UpdateCustomer(grpc::ServerContext* ctx, const v1::UpdateCustomerRequest* req,
                                           v1::UpdateCustomerResponse* resp) {
  return edge::handle(ctx, auth_, "UpdateCustomer", req, [&](const edge::Caller& caller) -> core::Status {
    auto tree = scope(caller, *req);
    if (!tree) return tree.error();
    if (auto st = customer_in_scope(caller, *tree, req->customer().id()); !st) return st;
    return then([&] { return app_.update_customer(req->customer()); },
                [&](const v1::Customer& c) { *resp->mutable_customer() = c; });
  });
}

grpc::Status IntakeService::GetCustomer(grpc::ServerContext* ctx, const v1::GetCustomerRequest* req,
                                        v1::GetCustomerResponse* resp) {
  return edge::handle(ctx, auth_, "GetCustomer", req, [&](const edge::Caller& caller) -> core::Status {
    auto tree = scope(caller, *req);
    if (!tree) return tree.error();
    auto c = app_.get_customer(req->tenant_id(), req->customer_id());
    if (!c) return c.error();
    if (!edge::covers(caller, c->org_unit_id(), *tree)) return no_such_customer(req->customer_id());
    *resp->mutable_customer() = shown_to(caller, *c);
    return core::ok_status();
  });
}

grpc::Status IntakeService::ListCustomers(grpc::ServerContext* ctx, const v1::ListCustomersRequest* req,
                                          v1::ListCustomersResponse* resp) {
  return edge::handle(ctx, auth_, "ListCustomers", req, [&](const edge::Caller& caller) -> core::Status {
    auto tree = scope(caller, *req);
    if (!tree) return tree.error();
    auto customers = app_.list_customers(*req);
    if (!customers) return customers.error();
    std::erase_if(*customers, [&](const v1::Customer& c) { return !edge::covers(caller, c.org_unit_id(), *tree); });
    if (!edge::sees_personal_data(caller.role)) {
      // A masked reader finds customers by id only: a search by name would tell the name.
      if (!req->text().empty())
        std::erase_if(*customers, [&](const v1::Customer& c) { return c.id().find(req->text()) == std::string::npos; });
      for (auto& c : *customers) mask_personal(c);
    }
    return paging::page_into(*customers, req->page(), resp->mutable_customers(), resp->mutable_page());
  });
}

grpc::Status IntakeService::SetConsent(grpc::ServerContext* ctx, const v1::SetConsentRequest* req,
                                       v1::SetConsentResponse* resp) {
  return edge::handle(ctx, auth_, "SetConsent", req, [&](const edge::Caller& caller) -> core::Status {
    auto tree = scope(caller, *req);
    if (!tree) return tree.error();
    if (auto st = customer_in_scope(caller, *tree, req->customer_id()); !st) return st;
    return then([&] { return app_.set_consent(*req); },
                [&](const v1::Customer& c) { *resp->mutable_customer() = shown_to(caller, c); });
  });
}

grpc::Status IntakeService::EraseCustomer(grpc::ServerContext* ctx, const v1::EraseCustomerRequest* req,
                                          v1::EraseCustomerResponse* resp) {
  return edge::handle(ctx, auth_, "EraseCustomer", req, [&](const edge::Caller& caller) -> core::Status {
    auto tree = scope(caller, *req);
    if (!tree) return tree.error();
    if (auto st = customer_in_scope(caller, *tree, req->customer_id()); !st) return st;
    return then([&] { return app_.erase_customer(*req, caller.subject); },
                [&](const v1::Customer& c) { *resp->mutable_customer() = c; });
  });
}

grpc::Status IntakeService::RecordServiceEvent(grpc::ServerContext* ctx, const v1::RecordServiceEventRequest* req,
                                               v1::RecordServiceEventResponse* resp) {
  return edge::handle(ctx, auth_, "RecordServiceEvent", req, [&](const edge::Caller& caller) -> core::Status {
    if (auto tree = scope(caller, *req); !tree) return tree.error();
    return then([&] { return app_.record_service_event(*req); },
                [&](const v1::RecordServiceEventResponse& r) { *resp = r; });
  });
}

grpc::Status IntakeService::ImportCustomers(
    grpc::ServerContext* ctx, grpc::ServerReaderWriter<v1::ImportRowResult, v1::ImportCustomerRow>* stream) {
  return edge::handle(ctx, auth_, "ImportCustomers", nullptr, [&](const edge::Caller& caller) -> core::Status {
    v1::ImportCustomerRow row;
    while (stream->Read(&row)) {
      // A bad row is reported and the import goes on; only infrastructure failures stop it.
      if (auto st = edge::admit(row, caller); !st) {
        stream->Write(row_result(row.row(), st, ""));
        continue;
      }
      auto r = app_.create_customer(row.customer());
      if (!r && r.error().kind() == core::condition::unavailable) return r.error();
      stream->Write(row_result(row.row(), r ? core::ok_status() : core::Status(r.error()), row.customer().id()));
    }
    return core::ok_status();
  });
}

grpc::Status IntakeService::ImportServiceEvents(
    grpc::ServerContext* ctx, grpc::ServerReaderWriter<v1::ImportRowResult, v1::RecordServiceEventRequest>* stream) {
  return edge::handle(ctx, auth_, "ImportServiceEvents", nullptr, [&](const edge::Caller& caller) -> core::Status {
    v1::RecordServiceEventRequest req;
    uint32_t row = 0;
    while (stream->Read(&req)) {
      ++row;
      if (auto st = edge::admit(req, caller); !st) {
        stream->Write(row_result(row, st, ""));
        continue;
      }
      auto r = app_.record_service_event(req);
      if (!r && r.error().kind() == core::condition::unavailable) return r.error();
      stream->Write(row_result(row, r ? core::ok_status() : core::Status(r.error()), r ? r->service_event_id() : ""));
    }
    return core::ok_status();
  });
}

grpc::Status IntakeService::RepublishEvents(grpc::ServerContext* ctx, const v1::RepublishEventsRequest* req,
                                            v1::RepublishEventsResponse* resp) {
  return outbox::republish_rpc(ctx, auth_, relay_, *req, resp);
}

}  // namespace huifang::intake
