#include "huifang/edge/tls.h"

#include <fstream>
#include <sstream>

namespace huifang::edge {
namespace {

core::Result<std::string> read_pem(const std::string& path, const char* option) {
  std::ifstream in(path);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || text.str().find("-----BEGIN ") == std::string::npos)
    return core::invalid_argument(option, "'" + path + "' is not a readable PEM file");
  return text.str();
}

}  // namespace

core::Result<std::shared_ptr<grpc::ServerCredentials>> server_credentials(const ServerTls& tls) {
  if (tls.cert_file.empty() != tls.key_file.empty())
    return core::invalid_argument(tls.cert_file.empty() ? "tls-cert" : "tls-key", "is needed with the other");
  if (tls.cert_file.empty()) {
    if (!tls.client_ca_file.empty()) return core::invalid_argument("tls-client-ca", "needs --tls-cert and --tls-key");
    return grpc::InsecureServerCredentials();
  }
  auto cert = read_pem(tls.cert_file, "tls-cert");
  if (!cert) return cert.error();
  auto key = read_pem(tls.key_file, "tls-key");
  if (!key) return key.error();
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!tls.client_ca_file.empty()) {
    auto ca = read_pem(tls.client_ca_file, "tls-client-ca");
    if (!ca) return ca.error();
    options.pem_root_certs = *ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

core::Result<std::shared_ptr<grpc::ChannelCredentials>> channel_credentials(const ClientTls& tls) {
  if (tls.cert_file.empty() != tls.key_file.empty())
    return core::invalid_argument(tls.cert_file.empty() ? "tls-cert" : "tls-key", "is needed with the other");
  if (tls.ca_file.empty()) {
    if (!tls.cert_file.empty()) return core::invalid_argument("tls-ca", "is needed to present a client certificate");
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions options;
  auto ca = read_pem(tls.ca_file, "tls-ca");
  if (!ca) return ca.error();
  options.pem_root_certs = *ca;
  if (!tls.cert_file.empty()) {
    auto cert = read_pem(tls.cert_file, "tls-cert");
    if (!cert) return cert.error();
    auto key = read_pem(tls.key_file, "tls-key");
    if (!key) return key.error();
    options.pem_cert_chain = *cert;
    options.pem_private_key = *key;
  }
  return grpc::SslCredentials(options);
}

}  // namespace huifang::edge
