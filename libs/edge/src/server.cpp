#include "huifang/edge/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "huifang/core/error.h"

namespace huifang::edge {

EdgeServer::EdgeServer(std::unique_ptr<grpc::Server> server, int port, std::string host)
    : server_(std::move(server)), port_(port), host_(std::move(host)) {}

EdgeServer::~EdgeServer() { shutdown(std::chrono::milliseconds(0)); }

core::Result<std::unique_ptr<EdgeServer>> EdgeServer::start(const ServerOptions& options,
                                                             const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  auto credentials = server_credentials(options.tls);
  if (!credentials) return credentials.error();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, *credentials, &port);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  for (auto* s : services) builder.RegisterService(s);
  auto server = builder.BuildAndStart();
  if (!server || port == 0)
    return core::make_error(core::make_error_code(core::errc::unavailable),
                            "cannot listen for gRPC on " + options.listen + " (address in use?)");
  server->GetHealthCheckService()->SetServingStatus(true);
  const std::string host = options.listen.substr(0, options.listen.rfind(':'));
  return std::unique_ptr<EdgeServer>(new EdgeServer(std::move(server), port, host));
}

std::string EdgeServer::address() const { return host_ + ":" + std::to_string(port_); }

void EdgeServer::shutdown(std::chrono::milliseconds grace) {
  if (!server_) return;
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(std::chrono::system_clock::now() + grace);
}

void EdgeServer::wait() { server_->Wait(); }

}  // namespace huifang::edge
