#include "huifang/edge/bounds.h"

#include <string>

namespace huifang::edge {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

core::Status too_long(const std::string& path, size_t size, size_t limit, const char* unit) {
  return core::invalid_argument(path, "is " + std::to_string(size) + " " + unit + " long; at most " +
                                          std::to_string(limit) + " are accepted");
}

core::Status check(const Message& m, const Bounds& b, const std::string& prefix) {
  const auto* reflection = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);  // only the fields that are set
  for (const FieldDescriptor* f : fields) {
    const std::string path = prefix.empty() ? f->name() : prefix + "." + f->name();
    const bool text = f->type() == FieldDescriptor::TYPE_STRING || f->type() == FieldDescriptor::TYPE_BYTES;
    const size_t text_limit = f->name() == "yaml" ? b.max_document : b.max_text;
    if (f->is_repeated()) {
      const int n = reflection->FieldSize(m, f);
      if (static_cast<size_t>(n) > b.max_items) return too_long(path, static_cast<size_t>(n), b.max_items, "items");
      for (int i = 0; i < n; ++i) {
        const std::string item = path + "[" + std::to_string(i) + "]";
        if (text) {
          std::string scratch;
          const std::string& v = reflection->GetRepeatedStringReference(m, f, i, &scratch);
          if (v.size() > text_limit) return too_long(item, v.size(), text_limit, "bytes");
        } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
          if (auto st = check(reflection->GetRepeatedMessage(m, f, i), b, item); !st) return st;
        }
      }
    } else if (text) {
      std::string scratch;
      const std::string& v = reflection->GetStringReference(m, f, &scratch);
      if (v.size() > text_limit) return too_long(path, v.size(), text_limit, "bytes");
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (auto st = check(reflection->GetMessage(m, f), b, path); !st) return st;
    }
  }
  return core::ok_status();
}

}  // namespace

core::Status check_bounds(const Message& request, const Bounds& bounds) { return check(request, bounds, ""); }

}  // namespace huifang::edge
