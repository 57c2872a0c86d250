#include "huifang/privacy/personal.h"

#include "huifang/core/tenant.h"

namespace huifang::privacy {
namespace {

std::string owner_of(const intake::v1::Customer& c) { return core::of_tenant(c.tenant_id(), c.id()); }

// The personal fields of `from` alone.
intake::v1::Customer personal_part(const intake::v1::Customer& from) {
  intake::v1::Customer p;
  p.set_display_name(from.display_name());
  *p.mutable_contacts() = from.contacts();
  p.set_address(from.address());
  p.set_birthday(from.birthday());
  return p;
}

void clear_plain(intake::v1::Customer& c) {
  c.clear_display_name();
  c.clear_contacts();
  c.clear_address();
  c.clear_birthday();
}

}  // namespace

void seal_personal(intake::v1::Customer& c, const Key& key) {
  const intake::v1::Customer p = personal_part(c);
  if (p.ByteSizeLong() == 0) return;
  c.set_sealed_personal(seal(key, p.SerializeAsString(), owner_of(c)));
  clear_plain(c);
}

core::Status open_personal(intake::v1::Customer& c, const Key& key) {
  if (c.sealed_personal().empty()) return core::ok_status();
  auto plain = open(key, c.sealed_personal(), owner_of(c));
  if (!plain) return plain.error();
  intake::v1::Customer p;
  if (!p.ParseFromString(*plain))
    return core::make_error(core::make_error_code(core::errc::internal), "customer " + c.id() + ": unreadable personal fields");
  c.clear_sealed_personal();
  c.MergeFrom(p);
  return core::ok_status();
}

void drop_personal(intake::v1::Customer& c) {
  clear_plain(c);
  c.clear_sealed_personal();
}

}  // namespace huifang::privacy
