#pragma once
// FNV-1a 64: a stable, dependency-free hash for ids derived from content (idempotency keys,
// deterministic visit ids, sampling buckets, policy content hashes). Stable across processes,
// platforms and releases, which std::hash is not.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace huifang::core {

constexpr uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 14695981039346656037ull;  // the FNV-1a 64 offset basis
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// 16 lowercase hex digits.
inline std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace huifang::core
