#include "huifang/testing/local_auth.h"

#include <gtest/gtest.h>

#include <fstream>

#include "huifang/auth/api_keys.h"
#include "huifang/edge/client.h"

namespace huifang::testing {

LocalAuth::LocalAuth(std::string dir) : dir_(std::move(dir)) {
  auto issuer = auth::open_local_issuer(dir_);
  if (!issuer) {
    ADD_FAILURE() << issuer.error().to_string();
    return;
  }
  issuer_ = std::move(*issuer);
}

std::string LocalAuth::token(const std::string& role, const std::string& tenant, const std::string& subject,
                             std::vector<std::string> org_units) const {
  auth::TokenRequest r;
  r.claims = {subject, tenant, role, std::move(org_units)};
  auto t = auth::mint_token(issuer_, r, core::SystemClock().now());
  if (!t) {
    ADD_FAILURE() << t.error().to_string();
    return {};
  }
  return *t;
}

std::shared_ptr<grpc::Channel> LocalAuth::channel(const std::string& address, const std::string& role,
                                                  const std::string& tenant, const std::string& subject) const {
  return edge::bearer_channel(address, token(role, tenant, subject));
}

std::string LocalAuth::api_key(const std::string& tenant, const std::string& name) const {
  auto made = auth::make_api_key(tenant, name);
  if (!made) {
    ADD_FAILURE() << made.error().to_string();
    return "";
  }
  std::ofstream(dir_ + "/api-keys", std::ios::app) << made->line << '\n';
  return made->key;
}

}  // namespace huifang::testing
