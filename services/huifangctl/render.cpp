#include "render.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace huifang::ctl {

std::string timestamp(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  const std::time_t s = static_cast<std::time_t>(t.seconds() + 8 * 3600);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Display width of UTF-8 text, counting CJK characters as two columns.
size_t width(const std::string& s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    w += len >= 3 ? 2 : 1;
    i += len;
  }
  return w;
}

std::string enum_name(const google::protobuf::EnumValueDescriptor* v) {
  // COMPLAINT_SOURCE_VISIT_LOW_RATING → visit_low_rating: drop the type's prefix, lower case.
  std::string name = v->name();
  const std::string& type = v->type()->name();
  std::string prefix;
  for (char c : type) {
    if (std::isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
    prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  prefix += '_';
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name;
}

std::string scalar(const Message& m, const FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v = r->GetString(m, f);
      // Opaque to a reader (a sealed value): its size, and nothing when there is none.
      if (f->type() == FieldDescriptor::TYPE_BYTES) return v.empty() ? "" : std::to_string(v.size()) + " bytes";
      return v;
    }
    case FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(m, f) ? "yes" : "no";
    case FieldDescriptor::CPPTYPE_INT32: return std::to_string(r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64: return std::to_string(r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32: return std::to_string(r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64: return std::to_string(r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4g", r->GetDouble(m, f));
      return buf;
    }
    case FieldDescriptor::CPPTYPE_FLOAT: return std::to_string(r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_ENUM: return enum_name(r->GetEnum(m, f));
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& sub = r->GetMessage(m, f);
      if (sub.GetDescriptor()->full_name() == "google.protobuf.Timestamp")
        return timestamp(static_cast<const google::protobuf::Timestamp&>(sub));
      return sub.ShortDebugString();
    }
  }
  return "";
}

bool is_scalar(const FieldDescriptor* f) {
  if (f->is_repeated()) return false;
  return f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->message_type()->full_name() == "google.protobuf.Timestamp";
}

std::string cell(const Message& m, const FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  if (is_scalar(f)) return scalar(m, f);
  if (f->is_map()) {
    std::string out;
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      const Message& e = r->GetRepeatedMessage(m, f, i);
      const auto* d = e.GetDescriptor();
      out += (i ? ", " : "") + scalar(e, d->field(0)) + "=" + scalar(e, d->field(1));
    }
    return out;
  }
  if (f->is_repeated()) {
    std::string out;
    for (int i = 0; i < r->FieldSize(m, f); ++i) {
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING) out += (i ? ", " : "") + r->GetRepeatedString(m, f, i);
      else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) out += (i ? "; " : "") + r->GetRepeatedMessage(m, f, i).ShortDebugString();
    }
    return out;
  }
  return r->HasField(m, f) ? r->GetMessage(m, f).ShortDebugString() : "";
}

}  // namespace

void print_table(std::ostream& out, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> w(header.size());
  for (size_t c = 0; c < header.size(); ++c) {
    w[c] = width(header[c]);
    for (const auto& r : rows)
      if (c < r.size()) w[c] = std::max(w[c], std::min<size_t>(width(r[c]), 60));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t c = 0; c < header.size(); ++c) {
      std::string v = c < cells.size() ? cells[c] : "";
      if (width(v) > 60) v = v.substr(0, 57) + "...";
      out << v;
      if (c + 1 < header.size()) out << std::string(w[c] - std::min(w[c], width(v)) + 2, ' ');
    }
    out << '\n';
  };
  line(header);
  std::vector<std::string> rule;
  for (size_t c = 0; c < header.size(); ++c) rule.push_back(std::string(w[c], '-'));
  line(rule);
  for (const auto& r : rows) line(r);
}

void render(std::ostream& out, const Message& m, bool json) {
  if (json) {
    google::protobuf::util::JsonPrintOptions o;
    o.add_whitespace = true;
    o.preserve_proto_field_names = true;
    o.always_print_primitive_fields = true;
    std::string s;
    (void)google::protobuf::util::MessageToJsonString(m, &s, o);
    out << s << '\n';
    return;
  }
  const auto* d = m.GetDescriptor();
  const auto* r = m.GetReflection();
  // The list a response is about: its first repeated message field that is not a map.
  const FieldDescriptor* list = nullptr;
  for (int i = 0; i < d->field_count() && !list; ++i) {
    const auto* f = d->field(i);
    if (f->is_repeated() && !f->is_map() && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) list = f;
  }
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f == list) continue;
    if (!f->is_repeated() && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !is_scalar(f)) {
      if (r->HasField(m, f)) {
        out << f->name() << ":\n";
        render(out, r->GetMessage(m, f), false);
      }
      continue;
    }
    const std::string v = cell(m, f);
    if (!v.empty()) out << f->name() << ": " << v << '\n';
  }
  if (!list) return;
  const auto* e = list->message_type();
  std::vector<std::string> header;
  std::vector<const FieldDescriptor*> cols;
  for (int i = 0; i < e->field_count(); ++i) {
    const auto* f = e->field(i);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !is_scalar(f) && !f->is_map()) continue;
    header.push_back(f->name());
    cols.push_back(f);
  }
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < r->FieldSize(m, list); ++i) {
    const Message& item = r->GetRepeatedMessage(m, list, i);
    std::vector<std::string> row;
    for (const auto* f : cols) row.push_back(cell(item, f));
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    out << "(no " << list->name() << ")\n";
    return;
  }
  print_table(out, header, rows);
}

}  // namespace huifang::ctl
