#pragma once
// The client half of the edge seam: a channel that presents a bearer token on every call, so
// callers (huifangctl, one service calling another, the tests) never build credentials per call.
// gRPC sends call credentials only over TLS channels; on the loopback plaintext of the embedded
// default the token travels as metadata added by an interceptor instead.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace huifang::edge {

// `credentials`: the transport (edge/tls.h's channel_credentials); null = plaintext.
std::shared_ptr<grpc::Channel> bearer_channel(const std::string& target, const std::string& token,
                                              std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

}  // namespace huifang::edge
