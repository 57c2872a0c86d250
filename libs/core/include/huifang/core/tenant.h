#pragma once
// Ids are unique within a tenant only: two tenants may both have a customer "c1", an agent
// "agent-1", an org unit "east". Every key, hash field or stream id built from such an id carries
// its tenant, so equal ids of two tenants never meet — not even when both tenants' data hashes to
// the same logical partition. Tenant ids are names (letters, digits, '-', '_', '.': the edge
// refuses any other), so "<tenant>|<id>" is unambiguous.
#include <string>
#include <string_view>

namespace huifang::core {

inline std::string of_tenant(std::string_view tenant_id, std::string_view id) {
  std::string out;
  out.reserve(tenant_id.size() + 1 + id.size());
  out.append(tenant_id).append("|").append(id);
  return out;
}

// Whether `tenant_id` can be part of keys: 1..64 letters, digits, '-', '_' or '.'.
inline bool is_tenant_name(std::string_view tenant_id) {
  if (tenant_id.empty() || tenant_id.size() > 64) return false;
  for (char c : tenant_id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

}  // namespace huifang::core
