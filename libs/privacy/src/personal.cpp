#include "huifang/privacy/personal.h"

#include <memory>

#include "huifang/common/v1/common.pb.h"
#include "huifang/core/tenant.h"

namespace huifang::privacy {
namespace {

std::string owner_of(const intake::v1::Customer& c) { return owner_binding(c.tenant_id(), c.id()); }

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

std::string owner_binding(const std::string& tenant_id, const std::string& customer_id) {
  return core::of_tenant(tenant_id, customer_id);
}

std::string seal_part(const Key& key, const google::protobuf::Message& part, const std::string& owner) {
  if (part.ByteSizeLong() == 0) return "";
  return seal(key, part.SerializeAsString(), owner);
}

core::Status open_part(const Key& key, const std::string& sealed, const std::string& owner, google::protobuf::Message& into) {
  if (sealed.empty()) return core::ok_status();
  auto plain = open(key, sealed, owner);
  if (!plain) return plain.error();
  std::unique_ptr<google::protobuf::Message> part(into.New());
  if (!part->ParseFromString(*plain))
    return core::make_error(core::make_error_code(core::errc::internal),
                            "unreadable sealed " + into.GetDescriptor()->name() + " of " + owner);
  into.MergeFrom(*part);
  return core::ok_status();
}

std::string seal_text(const Key& key, const std::string& text, const std::string& owner) {
  common::v1::PersonalText t;
  t.set_text(text);
  return seal_part(key, t, owner);
}

core::Result<std::string> open_text(const Key& key, const std::string& sealed, const std::string& owner) {
  common::v1::PersonalText t;
  if (auto st = open_part(key, sealed, owner, t); !st) return st.error();
  return t.text();
}

void seal_personal(intake::v1::Customer& c, const Key& key) {
  const std::string sealed = seal_part(key, personal_part(c), owner_of(c));
  if (sealed.empty()) return;
  c.set_sealed_personal(sealed);
  clear_plain(c);
}

core::Status open_personal(intake::v1::Customer& c, const Key& key) {
  if (c.sealed_personal().empty()) return core::ok_status();
  const std::string sealed = c.sealed_personal();
  const intake::v1::Customer before = c;
  c.clear_sealed_personal();
  clear_plain(c);  // what opens replaces, never adds to, what the record holds
  if (auto st = open_part(key, sealed, owner_of(c), c); !st) {
    c = before;
    return st;
  }
  return core::ok_status();
}

void drop_personal(intake::v1::Customer& c) {
  clear_plain(c);
  c.clear_sealed_personal();
}

}  // namespace huifang::privacy
