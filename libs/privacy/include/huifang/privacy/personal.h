#pragma once
// Which of a customer's fields are personal data, and how they travel sealed: the name, contacts,
// address and birthday move into `sealed_personal` under the customer's key (keyring.h) before a
// record is written anywhere, and come back only where a reader needs them. Everything else
// (tier, org unit, consents, windows) stays readable: planning and the figures need it, and it
// identifies nobody once the personal fields are gone.
#include <google/protobuf/message.h>

#include <string>

#include "huifang/core/result.h"
#include "huifang/intake/v1/events.pb.h"
#include "huifang/privacy/sealing.h"

namespace huifang::privacy {

// What a customer's sealed values are bound to: their tenant and id (sealing.h).
std::string owner_binding(const std::string& tenant_id, const std::string& customer_id);
// `part` (a message holding only personal fields) sealed for `owner`; "" when it holds nothing.
std::string seal_part(const Key& key, const google::protobuf::Message& part, const std::string& owner);
// Merges what seal_part sealed into `into` (nothing for ""); INTERNAL when it does not open.
core::Status open_part(const Key& key, const std::string& sealed, const std::string& owner,
                       google::protobuf::Message& into);

// One personal text sealed for `owner` ("" for ""), and back (common.v1.PersonalText).
std::string seal_text(const Key& key, const std::string& text, const std::string& owner);
core::Result<std::string> open_text(const Key& key, const std::string& sealed, const std::string& owner);

// Moves the personal fields into `c.sealed_personal` (bound to c's tenant and id). A record that
// holds none is left as it is.
void seal_personal(intake::v1::Customer& c, const Key& key);
// Restores what seal_personal moved. A record never sealed (written before sealing existed) is
// left as it is; INTERNAL when the sealed value does not open with `key`.
core::Status open_personal(intake::v1::Customer& c, const Key& key);
// Removes the personal fields, sealed or not: for a service that plans or counts and for a
// customer whose key is destroyed.
void drop_personal(intake::v1::Customer& c);

}  // namespace huifang::privacy
