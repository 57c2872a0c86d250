#include "named_fields.h"

namespace huifang::edge {
namespace {

core::Status walk(const google::protobuf::Message& m, std::string_view name, const std::string& path, int depth,
                  const std::function<core::Status(const std::string&, const std::string&)>& visit) {
  using google::protobuf::FieldDescriptor;
  if (depth > 8) return core::ok_status();  // our contracts nest three deep; no recursive types
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->name() == name && f->cpp_type() == FieldDescriptor::CPPTYPE_STRING && !f->is_repeated()) {
      if (auto st = visit(r->GetString(m, f), path + f->name()); !st) return st;
      continue;
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (!f->is_repeated()) {
      if (auto st = walk(r->GetMessage(m, f), name, path + f->name() + ".", depth + 1, visit); !st) return st;
      continue;
    }
    for (int k = 0; k < r->FieldSize(m, f); ++k)
      if (auto st = walk(r->GetRepeatedMessage(m, f, k), name, path + f->name() + "[" + std::to_string(k) + "].", depth + 1, visit);
          !st)
        return st;
  }
  return core::ok_status();
}

}  // namespace

core::Status visit_named_strings(const google::protobuf::Message& m, std::string_view name,
                                 const std::function<core::Status(const std::string& value, const std::string& path)>& visit) {
  return walk(m, name, "", 0, visit);
}

}  // namespace huifang::edge
