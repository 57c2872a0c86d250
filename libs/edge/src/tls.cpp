#include "huifang/edge/tls.h"

#include <fstream>
#include <optional>
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

struct KeyPair {
  std::string cert, key;
};

// The certificate and its key as PEM text; nullopt when neither is given.
core::Result<std::optional<KeyPair>> read_key_pair(const std::string& cert_file, const std::string& key_file) {
  if (auto st = check_pair(cert_file, key_file); !st) return st.error();
  if (cert_file.empty()) return std::optional<KeyPair>();
  auto cert = read_pem(cert_file, "tls-cert");
  if (!cert) return cert.error();
  auto key = read_pem(key_file, "tls-key");
  if (!key) return key.error();
  return std::optional<KeyPair>(KeyPair{std::move(*cert), std::move(*key)});
}

}  // namespace

core::Status check_pair(const std::string& cert_file, const std::string& key_file) {
  if (cert_file.empty() != key_file.empty())
    return core::invalid_argument(cert_file.empty() ? "tls-cert" : "tls-key", "is needed with the other");
  return core::ok_status();
}

core::Result<std::shared_ptr<grpc::ServerCredentials>> server_credentials(const ServerTls& tls) {
  auto pair = read_key_pair(tls.cert_file, tls.key_file);
  if (!pair) return pair.error();
  if (!*pair) {
    if (!tls.client_ca_file.empty()) return core::invalid_argument("tls-client-ca", "needs --tls-cert and --tls-key");
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({(*pair)->key, (*pair)->cert});
  if (!tls.client_ca_file.empty()) {
    auto ca = read_pem(tls.client_ca_file, "tls-client-ca");
    if (!ca) return ca.error();
    options.pem_root_certs = *ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}

core::Result<std::shared_ptr<grpc::ChannelCredentials>> channel_credentials(const ClientTls& tls) {
  auto pair = read_key_pair(tls.cert_file, tls.key_file);
  if (!pair) return pair.error();
  if (tls.ca_file.empty()) {
    if (*pair) return core::invalid_argument("tls-ca", "is needed to present a client certificate");
    return grpc::InsecureChannelCredentials();
  }
  auto ca = read_pem(tls.ca_file, "tls-ca");
  if (!ca) return ca.error();
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = *ca;
  if (*pair) {
    options.pem_cert_chain = (*pair)->cert;
    options.pem_private_key = (*pair)->key;
  }
  return grpc::SslCredentials(options);
}

}  // namespace huifang::edge
