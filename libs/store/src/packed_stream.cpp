#include "packed_stream.h"

#include <cstdint>

namespace huifang::store {
namespace {

bool read_u32(std::string_view& in, uint32_t& out) {
  if (in.size() < 4) return false;
  out = 0;
  for (int i = 0; i < 4; ++i) out = out << 8 | static_cast<unsigned char>(in[static_cast<size_t>(i)]);
  in.remove_prefix(4);
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> unpack_stream(std::string_view packed) {
  uint32_t count = 0;
  if (!read_u32(packed, count)) return std::nullopt;
  std::vector<std::string> events;
  events.reserve(std::min<size_t>(count, packed.size() / 4));
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t len = 0;
    if (!read_u32(packed, len) || packed.size() < len) return std::nullopt;
    events.emplace_back(packed.substr(0, len));
    packed.remove_prefix(len);
  }
  if (!packed.empty()) return std::nullopt;
  return events;
}

}  // namespace huifang::store
