#include "masking.h"

#include <cctype>

namespace huifang::intake {
namespace {

constexpr const char* kWithheld = "(withheld)";

// The first character of UTF-8 text, whole (a Chinese surname is three bytes).
std::string first_character(const std::string& s) {
  if (s.empty()) return s;
  const auto lead = static_cast<unsigned char>(s[0]);
  const size_t n = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 1;
  return s.substr(0, std::min(n, s.size()));
}

std::string last_four_digits(const std::string& phone) {
  std::string out = phone;
  int keep = 4;
  for (auto it = out.rbegin(); it != out.rend(); ++it) {
    if (!std::isdigit(static_cast<unsigned char>(*it))) continue;
    if (keep > 0) --keep;
    else *it = '*';
  }
  return out;
}

}  // namespace

void mask_personal(v1::Customer& c) {
  if (!c.display_name().empty()) c.set_display_name(first_character(c.display_name()) + "*");
  for (auto& contact : *c.mutable_contacts())
    contact.set_value(contact.kind() == v1::CONTACT_KIND_PHONE ? last_four_digits(contact.value()) : kWithheld);
  if (!c.address().empty()) c.set_address(kWithheld);
  c.clear_birthday();
}

}  // namespace huifang::intake
