#include "huifang/edge/audit.h"

#include <google/protobuf/message.h>

#include <algorithm>

namespace huifang::edge {
namespace {

constexpr size_t kMaxPurpose = 64;

std::string named(const google::protobuf::Message* request, const char* field) {
  if (!request) return {};
  const auto* f = request->GetDescriptor()->FindFieldByName(field);
  if (!f || f->is_repeated() || f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) return {};
  return request->GetReflection()->GetString(*request, f);
}

class Audited final : public Authenticator {
 public:
  Audited(std::shared_ptr<Authenticator> inner, std::shared_ptr<AuditTrail> trail, const core::Clock& wall)
      : inner_(std::move(inner)), trail_(std::move(trail)), wall_(wall) {}

  core::Result<Caller> authenticate(const grpc::ServerContext& ctx) const override { return inner_->authenticate(ctx); }
  core::Result<Caller> verify(std::string_view token, std::string_view peer) const override {
    return inner_->verify(token, peer);
  }
  core::Status record_read(std::string_view rpc, const Caller& reader, const std::string& purpose,
                           const google::protobuf::Message* request) const override {
    PersonalRead r;
    r.at = wall_.now();
    r.tenant_id = reader.tenant_id;
    r.reader = reader.subject;
    r.role = role_name(reader.role);
    r.rpc = std::string(rpc);
    r.purpose = purpose;
    r.customer_id = named(request, "customer_id");
    r.visit_id = named(request, "visit_id");
    r.complaint_id = named(request, "complaint_id");
    if (auto st = trail_->record(r); !st)
      return core::make_error(core::make_error_code(core::errc::unavailable),
                              "the read could not be audited, so it is not served: " + st.error().message);
    return inner_->record_read(rpc, reader, purpose, request);
  }

 private:
  std::shared_ptr<Authenticator> inner_;
  std::shared_ptr<AuditTrail> trail_;
  const core::Clock& wall_;
};

}  // namespace

std::shared_ptr<Authenticator> audited(std::shared_ptr<Authenticator> inner, std::shared_ptr<AuditTrail> trail,
                                       const core::Clock& wall) {
  return std::make_shared<Audited>(std::move(inner), std::move(trail), wall);
}

core::Result<std::string> read_purpose(const grpc::ServerContext& ctx, const Caller& caller) {
  const auto& md = ctx.client_metadata();
  if (auto it = md.find("x-huifang-purpose"); it != md.end()) {
    std::string p(it->second.data(), it->second.size());
    const bool printable = std::all_of(p.begin(), p.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    if (p.empty() || p.size() > kMaxPurpose || !printable)
      return core::invalid_argument("x-huifang-purpose", "must be 1 to 64 printable ASCII characters");
    return p;
  }
  switch (caller.role) {
    case Role::agent: return std::string("execution");
    case Role::supervisor: return std::string("spot_check");
    default: return std::string("review");
  }
}

}  // namespace huifang::edge
