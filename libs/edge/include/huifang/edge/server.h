#pragma once
// The one place every gRPC server is built: standard health checking (grpc.health.v1), server
// reflection (so grpcurl and huifangctl can discover services), message size limits and keepalive,
// and a bound port reported back (port 0 = pick a free one, for tests).
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "huifang/core/result.h"
#include "huifang/edge/tls.h"

namespace huifang::edge {

struct ServerOptions {
  std::string listen = "127.0.0.1:0";
  int max_message_bytes = 16 << 20;
  ServerTls tls{};  // no certificate: plaintext
};

class EdgeServer {
 public:
  // Registers `services` (not owned; they must outlive the server) and starts listening.
  static core::Result<std::unique_ptr<EdgeServer>> start(const ServerOptions& options,
                                                         const std::vector<grpc::Service*>& services);
  ~EdgeServer();

  int port() const { return port_; }
  std::string address() const;
  // Marks every service NOT_SERVING, then stops accepting calls, letting in-flight calls finish
  // until `grace` passes.
  void shutdown(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
  void wait();

 private:
  EdgeServer(std::unique_ptr<grpc::Server> server, int port, std::string host);
  std::unique_ptr<grpc::Server> server_;
  int port_;
  std::string host_;
};

}  // namespace huifang::edge
