#pragma once
// What a reader who does not need to reach the customer sees of them (PIPL's minimum necessary):
// enough to recognise the record — the name's first character, a phone's last four digits — and
// nothing to call, write to or visit. Who needs the full record is the access table's call
// (edge::sees_personal_data); this only says what a masked record looks like.
#include "huifang/intake/v1/events.pb.h"

namespace huifang::intake {

// "王芳" → "王*", "13800001234" → "*******1234"; addresses, e-mail and WeChat ids withheld,
// birthday dropped.
void mask_personal(v1::Customer& c);

}  // namespace huifang::intake
