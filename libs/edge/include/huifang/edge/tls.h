#pragma once
// TLS on the gRPC edges, from PEM files the operator provides (a cluster's cert-manager, or
// ./scripts/up's local CA with HUIFANG_TLS=1). Without a certificate the edges stay plaintext:
// the embedded default listens on loopback only. With a client CA on the server, a caller must
// also present a certificate that CA signed (mutual TLS): the transport then says which
// machine calls, while the bearer token still says who.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "huifang/core/result.h"

namespace huifang::edge {

struct ServerTls {
  std::string cert_file;       // this server's certificate chain; empty = plaintext
  std::string key_file;        // its private key
  std::string client_ca_file;  // set: require and verify client certificates signed by this CA
};

struct ClientTls {
  std::string ca_file;    // trust servers whose certificates this CA signed; empty = plaintext
  std::string cert_file;  // with key_file: present this certificate (servers that require one)
  std::string key_file;
};

// A certificate and its key come together or not at all: INVALID_ARGUMENT naming the one missing.
core::Status check_pair(const std::string& cert_file, const std::string& key_file);

// INVALID_ARGUMENT naming the option (`tls-cert` …) when a file is missing, unreadable or given
// without its partner.
core::Result<std::shared_ptr<grpc::ServerCredentials>> server_credentials(const ServerTls& tls);
core::Result<std::shared_ptr<grpc::ChannelCredentials>> channel_credentials(const ClientTls& tls);

}  // namespace huifang::edge
