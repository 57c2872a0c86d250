#include "huifang/runtime/audit_log.h"

#include <algorithm>
#include <charconv>

#include "huifang/edge/handle.h"
#include "huifang/events/envelope.h"
#include "huifang/store/errc.h"

namespace huifang::runtime {
namespace {

// A stream id as Redis writes them: "<ms>-<seq>".
bool is_stream_id(const std::string& s) {
  const auto dash = s.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == s.size()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; }) &&
         s.find('-', dash + 1) == std::string::npos && s.size() <= 41;
}

// A time bound as a stream-id bound, in ms since the epoch, clamped to what a stream id can hold.
std::string millis_of(const google::protobuf::Timestamp& t) {
  constexpr int64_t kMaxSeconds = 253'402'300'799;  // 9999-12-31, far past any record
  const int64_t s = std::clamp<int64_t>(t.seconds(), 0, kMaxSeconds);
  return std::to_string(s * 1000 + std::clamp<int32_t>(t.nanos(), 0, 999'999'999) / 1'000'000);
}

}  // namespace

std::string AuditLog::key(const std::string& tenant) const {
  return store_.key(store_.partition_of("tenant:" + tenant), "audit:" + tenant);
}

core::Status AuditLog::record(const edge::PersonalRead& r) {
  store::Argv xadd{"XADD", key(r.tenant_id), "*", "at", std::to_string(core::to_millis(r.at)), "reader", r.reader,
                   "role", r.role, "rpc", r.rpc, "purpose", r.purpose};
  for (const auto& [name, value] : {std::pair{"customer_id", &r.customer_id}, std::pair{"visit_id", &r.visit_id},
                                    std::pair{"complaint_id", &r.complaint_id}})
    if (!value->empty()) xadd.insert(xadd.end(), {name, *value});
  return store_.pool().lease()->write_all({xadd}, "audit record");
}

core::Result<audit::v1::ListAuditRecordsResponse> AuditLog::list(const std::string& tenant,
                                                                  const audit::v1::ListAuditRecordsRequest& r,
                                                                  size_t max_scan) const {
  const std::string& token = r.page().page_token();
  if (!token.empty() && !is_stream_id(token))
    return core::invalid_argument("page.page_token", "'" + token + "' is not a token this list returned");
  const size_t want = r.page().page_size() == 0 ? 50 : std::min<uint32_t>(r.page().page_size(), 1000);
  std::string start = !token.empty() ? "(" + token : r.has_from() ? millis_of(r.from()) : "-";
  const std::string end = r.has_to() ? "(" + millis_of(r.to()) : "+";
  audit::v1::ListAuditRecordsResponse out;
  size_t scanned = 0;
  std::string last;        // the last record looked at: the next page starts after it
  bool ran_out = false;    // the range has nothing after `last`
  auto full = [&] { return out.records_size() >= static_cast<int>(want); };
  while (!full() && scanned < max_scan) {
    const size_t chunk = std::min<size_t>(500, max_scan - scanned);
    auto reply = store_.pool().lease()->command({"XRANGE", key(tenant), start, end, "COUNT", std::to_string(chunk)});
    if (!reply) return reply.error();
    if (reply->is_error()) return store::bad_reply("audit trail: " + reply->str);
    for (const auto& entry : reply->elements) {
      if (full()) break;
      if (entry.elements.size() != 2) return store::bad_reply("audit trail entry has no fields");
      ++scanned;
      last = entry.elements[0].str;
      auto rec = parse(last, entry.elements[1].elements);
      if (!r.reader().empty() && rec.reader() != r.reader()) continue;
      if (!r.customer_id().empty() && rec.customer_id() != r.customer_id()) continue;
      *out.add_records() = std::move(rec);
    }
    if (reply->elements.size() < chunk) {
      ran_out = reply->elements.empty() || last == reply->elements.back().elements[0].str;
      break;
    }
    start = "(" + last;
  }
  out.mutable_page()->set_next_page_token(ran_out || last.empty() ? "" : last);
  return out;
}

audit::v1::AuditRecord AuditLog::parse(const std::string& id, const std::vector<store::Reply>& fields) const {
  audit::v1::AuditRecord rec;
  rec.set_id(id);
  rec.set_service(service_);
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& k = fields[i].str;
    const std::string& v = fields[i + 1].str;
    if (k == "at") {
      int64_t ms = 0;
      std::from_chars(v.data(), v.data() + v.size(), ms);
      *rec.mutable_at() = events::to_proto(core::from_micros(ms * 1000));
    } else if (k == "reader") rec.set_reader(v);
    else if (k == "role") rec.set_role(v);
    else if (k == "rpc") rec.set_rpc(v);
    else if (k == "purpose") rec.set_purpose(v);
    else if (k == "customer_id") rec.set_customer_id(v);
    else if (k == "visit_id") rec.set_visit_id(v);
    else if (k == "complaint_id") rec.set_complaint_id(v);
  }
  return rec;
}

grpc::Status AuditService::ListAuditRecords(grpc::ServerContext* ctx, const audit::v1::ListAuditRecordsRequest* r,
                                            audit::v1::ListAuditRecordsResponse* resp) {
  return edge::reply(ctx, auth_, "ListAuditRecords", *r, resp,
                     [&](const edge::Caller& caller) { return log_.list(caller.tenant_id, *r); });
}

}  // namespace huifang::runtime
