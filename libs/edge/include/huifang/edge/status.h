#pragma once
// The one mapping from our errors to gRPC statuses. Every library's error category names its
// canonical condition, so this switch is exhaustive and a new error cannot slip out as INTERNAL.
#include <grpcpp/support/status.h>

#include "huifang/core/error.h"

namespace huifang::edge {

grpc::StatusCode to_grpc_code(core::condition c);
// Message is the error's text; for invalid arguments it is prefixed by the field name.
grpc::Status to_grpc_status(const core::Error& e);

}  // namespace huifang::edge
