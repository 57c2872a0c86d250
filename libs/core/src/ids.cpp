#include "huifang/core/ids.h"

#include <cctype>

namespace huifang::core {

IdGenerator::IdGenerator(const Clock& clock, uint64_t seed)
    : clock_(clock), rng_(seed != 0 ? seed : (uint64_t{std::random_device{}()} << 32) ^ std::random_device{}()) {}

std::string IdGenerator::next() {
  std::array<uint8_t, 16> b{};
  uint64_t ms;
  uint64_t rand_hi, rand_lo;
  uint16_t seq;
  {
    std::lock_guard lock(mu_);
    ms = static_cast<uint64_t>(to_micros(clock_.now()) / 1000);
    if (ms <= last_ms_) {
      ms = last_ms_;
      if (++seq_ > 0x0fff) {  // sequence exhausted within one millisecond: borrow the next one
        ++ms;
        seq_ = 0;
      }
    } else {
      seq_ = static_cast<uint16_t>(rng_() & 0x03ff);  // start low so the counter has room
    }
    last_ms_ = ms;
    seq = seq_;
    rand_hi = rng_();
    rand_lo = rng_();
  }
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | ((seq >> 8) & 0x0f));
  b[7] = static_cast<uint8_t>(seq & 0xff);
  b[8] = static_cast<uint8_t>(0x80 | (rand_hi & 0x3f));
  for (int i = 9; i < 16; ++i) b[i] = static_cast<uint8_t>((i < 12 ? rand_hi : rand_lo) >> (8 * (i % 8)));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0f]);
  }
  return out;
}

bool is_uuid_v7(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  if (s[14] != '7') return false;
  const char variant = static_cast<char>(std::tolower(static_cast<unsigned char>(s[19])));
  return variant == '8' || variant == '9' || variant == 'a' || variant == 'b';
}

uint64_t uuid_v7_millis(std::string_view s) {
  uint64_t ms = 0;
  for (size_t i = 0; i < 13; ++i) {
    if (i == 8) continue;
    const char c = s[i];
    const uint64_t v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
    ms = (ms << 4) | v;
  }
  return ms;
}

}  // namespace huifang::core
