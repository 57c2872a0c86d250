#pragma once
// Where a service keeps the audit trail of the personal-data reads it served (edge/audit.h), and
// the AuditService that lets the tenant's auditor read it. One Redis stream per tenant under the
// service's own prefix; records are never trimmed by the service (PIPL asks for at least 2 years).
#include <memory>

#include "huifang/audit/v1/audit.grpc.pb.h"
#include "huifang/edge/audit.h"
#include "huifang/store/event_store.h"

namespace huifang::runtime {

class AuditLog final : public edge::AuditTrail {
 public:
  AuditLog(store::EventStore& store, std::string service) : store_(store), service_(std::move(service)) {}

  core::Status record(const edge::PersonalRead& read) override;
  // `tenant`'s records in the request's time range, oldest first, filtered by reader and customer.
  // A page scans at most `max_scan` records: a selective filter over a long trail returns a short
  // (or empty) page with a token to go on, rather than scanning for ever.
  core::Result<audit::v1::ListAuditRecordsResponse> list(const std::string& tenant,
                                                         const audit::v1::ListAuditRecordsRequest& r,
                                                         size_t max_scan = 10'000) const;

 private:
  std::string key(const std::string& tenant) const;
  audit::v1::AuditRecord parse(const std::string& id, const std::vector<store::Reply>& fields) const;

  store::EventStore& store_;
  std::string service_;
};

class AuditService final : public audit::v1::AuditService::Service {
 public:
  AuditService(const AuditLog& log, const edge::Authenticator& auth) : log_(log), auth_(auth) {}
  grpc::Status ListAuditRecords(grpc::ServerContext* ctx, const audit::v1::ListAuditRecordsRequest* r,
                                audit::v1::ListAuditRecordsResponse* resp) override;

 private:
  const AuditLog& log_;
  const edge::Authenticator& auth_;
};

}  // namespace huifang::runtime
