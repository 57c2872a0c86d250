#include "huifang/events/channels.h"

namespace huifang::events {

const char* channel_name(common::v1::Channel c) {
  switch (c) {
    case common::v1::CHANNEL_PHONE: return "phone";
    case common::v1::CHANNEL_SMS: return "sms";
    case common::v1::CHANNEL_LETTER: return "letter";
    case common::v1::CHANNEL_ON_SITE: return "on_site";
    case common::v1::CHANNEL_EMAIL: return "email";
    case common::v1::CHANNEL_WECHAT: return "wechat";
    default: return "unspecified";
  }
}

}  // namespace huifang::events
