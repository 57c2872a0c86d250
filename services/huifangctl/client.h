#pragma once
// huifangctl's connection to the five edges: one channel per service, a bearer token on every call
// (given with --token, or minted from the local issuer's key that ./scripts/up keeps), a deadline
// on every call, and failures turned into a message a person can act on plus an exit code.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "huifang/analytics/v1/service.grpc.pb.h"
#include "huifang/audit/v1/audit.grpc.pb.h"
#include "huifang/auth/local_issuer.h"
#include "huifang/complaints/v1/service.grpc.pb.h"
#include "huifang/edge/tls.h"
#include "huifang/intake/v1/service.grpc.pb.h"
#include "huifang/scheduling/v1/service.grpc.pb.h"
#include "huifang/visit/v1/service.grpc.pb.h"

namespace huifang::ctl {

// Exit codes: 0 done, 1 the service refused (bad input, wrong state, not found), 2 usage,
// 3 a service could not be reached.
inline constexpr int kRefused = 1;
inline constexpr int kUsage = 2;
inline constexpr int kUnreachable = 3;

struct Endpoints {
  std::string intake = "127.0.0.1:7101";
  std::string scheduling = "127.0.0.1:7102";
  std::string visit = "127.0.0.1:7103";
  std::string complaints = "127.0.0.1:7104";
  std::string analytics = "127.0.0.1:7105";
  edge::ClientTls tls;  // --tls-ca (and --tls-cert/--tls-key): TLS to services that serve it
  std::shared_ptr<grpc::ChannelCredentials> transport;  // made from `tls` once parsed; null = plaintext
};

// Who huifangctl calls as when it mints its own token from the local key.
struct Identity {
  std::string caller;  // the token's subject (an agent id for agents)
  std::string role;    // empty: admin of --tenant, or operator without one
  std::string tenant;  // the tenant requests are for
};

struct Credentials {
  std::string api_key;  // an integration's API key, sent as is
  std::string token;    // a token from the identity provider, sent as is
  std::string key_dir;  // else: the local issuer's directory (embedded default), to mint from
  std::string purpose;  // why personal data is read (x-huifang-purpose); empty: the role's usual one
};

class Client {
 public:
  Client(const Endpoints& e, Identity id, Credentials credentials, std::chrono::seconds timeout = std::chrono::seconds(30));

  // Calls from now on as `id`, with a token minted from the local key (the demo plays its users
  // this way). False, with the reason on stderr, when there is no local key.
  bool act_as(const Identity& id);

  std::unique_ptr<intake::v1::IntakeService::Stub> intake;
  std::unique_ptr<scheduling::v1::SchedulingService::Stub> scheduling;
  std::unique_ptr<visit::v1::VisitService::Stub> visit;
  std::unique_ptr<complaints::v1::ComplaintService::Stub> complaints;
  std::unique_ptr<analytics::v1::AnalyticsService::Stub> analytics;
  // The audit trails of the services that serve personal data, by service name.
  std::vector<std::pair<std::string, std::unique_ptr<audit::v1::AuditService::Stub>>> audit;

  // A context with the deadline, the caller's token and the declared purpose.
  std::unique_ptr<grpc::ClientContext> context() const;
  // Prints why a call failed ("what: NOT_FOUND: complaint x does not exist") and returns the exit code.
  static int failed(const std::string& what, const grpc::Status& st);

  // Calls `rpc(ctx, request, response)`; 0 or the exit code of the failure.
  template <typename Stub, typename Req, typename Resp>
  int call(const std::string& what, Stub& stub, grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Req&, Resp*),
           const Req& req, Resp* resp) const {
    auto ctx = context();
    const grpc::Status st = (stub.*rpc)(ctx.get(), req, resp);
    return st.ok() ? 0 : failed(what, st);
  }

 private:
  Credentials credentials_;
  std::shared_ptr<const auth::LocalIssuer> issuer_;  // opened on first use
  std::map<std::string, std::string> minted_;        // role/tenant/subject -> token
  std::string token_;
  std::chrono::seconds timeout_;
};

}  // namespace huifang::ctl
