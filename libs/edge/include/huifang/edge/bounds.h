#pragma once
// Every request is bounded before a handler sees it: no text longer than Bounds::max_text bytes
// unless it is a document (a policy's YAML), no list longer than Bounds::max_items. A customer
// named with 2 MB once went through and stalled its partition; now it is an INVALID_ARGUMENT
// that names the field ("customer.display_name"). Checked by reflection, so a field added to any
// request is bounded without anyone remembering to.
#include <google/protobuf/message.h>

#include <cstddef>

#include "huifang/core/result.h"

namespace huifang::edge {

struct Bounds {
  size_t max_text = 4 * 1024;          // names, notes, reasons, descriptions, ids
  size_t max_document = 256 * 1024;    // fields named `yaml`: a tenant's policy document
  size_t max_items = 1'000;            // any repeated field
};

core::Status check_bounds(const google::protobuf::Message& request, const Bounds& bounds = {});

}  // namespace huifang::edge
