#pragma once
// Signed tokens for suites that run real services: a local issuer in a temporary directory (the
// one ./scripts/up would make), the `--jwks` flag the services need to trust it, and channels that
// present a token of the caller a test plays.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "huifang/auth/local_issuer.h"

namespace huifang::testing {

class LocalAuth {
 public:
  // Makes (or reopens) the issuer under `dir`; fails the test when it cannot.
  explicit LocalAuth(std::string dir);

  const std::string& dir() const { return dir_; }
  // "--jwks=<dir>/jwks.json", for every service's arguments.
  std::string jwks_flag() const { return "--jwks=" + dir_ + "/jwks.json"; }
  std::string token(const std::string& role, const std::string& tenant, const std::string& subject,
                    std::vector<std::string> org_units = {}) const;
  // A channel to `address` presenting token(role, tenant, subject).
  std::shared_ptr<grpc::Channel> channel(const std::string& address, const std::string& role, const std::string& tenant,
                                         const std::string& subject = "test") const;
  // Registers an integration's API key for `tenant` in <dir>/api-keys (the file ./scripts/up gives
  // intake) and returns the key.
  std::string api_key(const std::string& tenant, const std::string& name) const;
  const auth::LocalIssuer& issuer() const { return issuer_; }

 private:
  std::string dir_;
  auth::LocalIssuer issuer_;
};

}  // namespace huifang::testing
