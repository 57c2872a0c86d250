#pragma once
// A channel's name as customers' consents and policies spell it ("sms", "on_site"): the key of
// Customer.consents, so planning and the visit read a consent the same way.
#include <string>

#include "huifang/common/v1/common.pb.h"

namespace huifang::events {

// "phone", "sms", "letter", "on_site", "email", "wechat"; "unspecified" otherwise.
const char* channel_name(common::v1::Channel c);

// Whether the customer's consents leave `c` open: only an explicit false closes a channel (a
// channel never asked about is not refused — planning reads it the same way).
template <typename ConsentMap>
bool consented(const ConsentMap& consents, common::v1::Channel c) {
  auto it = consents.find(channel_name(c));
  return it == consents.end() || it->second;
}

}  // namespace huifang::events
