#include "projection_store.h"

namespace huifang::analytics {
namespace {

constexpr size_t kFieldsPerCommand = 512;

// HSETs of `items` (only those named in `only`, when given) chunked so no single command carries
// a huge argument list. A save after a batch names a few facts among millions: it looks each up
// instead of walking them all.
template <typename Map>
void hsets(std::vector<store::Argv>& out, const std::string& key, const Map& items, const std::set<std::string>* only) {
  store::Argv cmd;
  auto flush = [&] {
    if (cmd.size() > 2) out.push_back(std::move(cmd));
    cmd = {"HSET", key};
  };
  auto add = [&](const std::string& id, const auto& value) {
    cmd.push_back(id);
    cmd.push_back(value.SerializeAsString());
    if (cmd.size() >= 2 + 2 * kFieldsPerCommand) flush();
  };
  flush();
  if (only) {
    for (const auto& id : *only)
      if (auto it = items.find(id); it != items.end()) add(id, it->second);
  } else {
    for (const auto& [id, value] : items) add(id, value);
  }
  flush();
}

}  // namespace

std::string ProjectionStore::key(uint64_t version, const char* what) const {
  return prefix_ + ":v" + std::to_string(version) + ":" + what;
}

core::Result<uint64_t> ProjectionStore::serving() {
  auto conn = pool_.lease();
  auto r = conn->command({"GET", prefix_ + ":serving"});
  if (!r) return r.error();
  if (r->type != store::Reply::Type::string) return uint64_t{0};
  return std::stoull(r->str);
}

core::Status ProjectionStore::load(uint64_t version, Projection& into) {
  auto conn = pool_.lease();
  auto r = conn->pipeline({{"HGETALL", key(version, "visits")},
                           {"HGETALL", key(version, "complaints")},
                           {"HGETALL", key(version, "org")},
                           {"HGETALL", key(version, "agents")},
                           {"HGETALL", key(version, "checkpoints")}});
  if (!r) return r.error();
  auto each = [](const store::Reply& h, auto&& fn) {
    for (size_t i = 0; i + 1 < h.elements.size(); i += 2) fn(h.elements[i].str, h.elements[i + 1].str);
  };
  each((*r)[0], [&](const std::string& id, const std::string& v) {
    VisitFact f;
    if (f.ParseFromString(v)) into.load_visit(id, std::move(f));
  });
  each((*r)[1], [&](const std::string& id, const std::string& v) {
    ComplaintFact f;
    if (f.ParseFromString(v)) into.load_complaint(id, std::move(f));
  });
  each((*r)[2], [&](const std::string& id, const std::string& v) {
    intake::v1::OrgUnit u;
    if (u.ParseFromString(v)) into.load_org_unit(id, std::move(u));
  });
  each((*r)[3], [&](const std::string& id, const std::string& v) {
    intake::v1::Agent a;
    if (a.ParseFromString(v)) into.load_agent(id, std::move(a));
  });
  each((*r)[4], [&](const std::string& tp, const std::string& v) { into.checkpoints()[tp] = std::stoll(v); });
  return core::ok_status();
}

std::vector<store::Argv> ProjectionStore::prepare(uint64_t version, const Projection& p,
                                                  const Projection::Dirty* dirty) const {
  std::vector<store::Argv> cmds = {{"MULTI"}};
  hsets(cmds, key(version, "visits"), p.visits(), dirty ? &dirty->visits : nullptr);
  hsets(cmds, key(version, "complaints"), p.complaints(), dirty ? &dirty->complaints : nullptr);
  hsets(cmds, key(version, "org"), p.org_units(), dirty ? &dirty->org_units : nullptr);
  hsets(cmds, key(version, "agents"), p.agents(), dirty ? &dirty->agents : nullptr);
  store::Argv cp = {"HSET", key(version, "checkpoints")};
  for (const auto& [tp, offset] : p.checkpoints()) cp.push_back(tp), cp.push_back(std::to_string(offset));
  if (cp.size() > 2) cmds.push_back(std::move(cp));
  cmds.push_back({"EXEC"});
  return cmds;
}

core::Status ProjectionStore::write(const std::vector<store::Argv>& cmds) {
  auto conn = pool_.lease();
  auto r = conn->pipeline(cmds);
  if (!r) return r.error();
  for (const auto& reply : *r)
    if (reply.is_error())
      return core::make_error(core::make_error_code(core::errc::unavailable), "projection save: " + reply.str);
  return core::ok_status();
}

store::Argv ProjectionStore::del(uint64_t version) const {
  return {"DEL", key(version, "visits"), key(version, "complaints"), key(version, "org"), key(version, "agents"),
          key(version, "checkpoints")};
}

core::Status ProjectionStore::switch_to(uint64_t version, uint64_t old) {
  std::vector<store::Argv> cmds = {{"SET", prefix_ + ":serving", std::to_string(version)}};
  if (old != 0 && old != version) cmds.push_back(del(old));
  auto conn = pool_.lease();
  auto r = conn->pipeline(cmds);
  if (!r) return r.error();
  return core::ok_status();
}

core::Status ProjectionStore::drop(uint64_t version) {
  auto r = pool_.lease()->command(del(version));
  if (!r) return r.error();
  return core::ok_status();
}

}  // namespace huifang::analytics
