#include "customer.h"

#include <google/protobuf/util/message_differencer.h>

#include "huifang/privacy/personal.h"

namespace huifang::intake {
namespace {

core::Error not_found(const std::string& id) {
  return core::make_error(core::make_error_code(core::errc::not_found), "customer " + id + " does not exist");
}

events::Envelope with(v1::IntakeEvent body) {
  events::Envelope e;
  *e.mutable_intake() = std::move(body);
  return e;
}

}  // namespace

events::EventContext context_of(const v1::Customer& c) {
  events::EventContext ctx;
  ctx.tenant_id = c.tenant_id();
  ctx.org_unit_id = c.org_unit_id();
  ctx.customer_id = c.id();
  return ctx;
}

void evolve(CustomerState& s, const events::Envelope& e) {
  const auto& b = e.intake();
  switch (b.event_case()) {
    case v1::IntakeEvent::kCustomerRegistered:
      s.exists = true;
      s.customer = b.customer_registered().customer();
      break;
    case v1::IntakeEvent::kCustomerUpdated:
      s.customer = b.customer_updated().customer();
      break;
    case v1::IntakeEvent::kConsentChanged:
      s.customer.set_do_not_contact(b.consent_changed().do_not_contact());
      *s.customer.mutable_consents() = b.consent_changed().consents();
      if (b.consent_changed().has_sensitive_data_consent())
        s.customer.set_sensitive_data_consent(b.consent_changed().sensitive_data_consent());
      break;
    case v1::IntakeEvent::kCustomerErased:
      privacy::drop_personal(s.customer);
      s.customer.set_erased(true);
      break;
    default:
      break;
  }
}

core::Result<events::Decision> decide_create(const CustomerState& s, const v1::Customer& c) {
  events::Decision d{context_of(c), {}};
  if (s.customer.erased()) return privacy::erased_customer(c.id());
  if (s.exists) {
    if (google::protobuf::util::MessageDifferencer::Equals(s.customer, c)) return d;  // replayed create
    return core::make_error(core::make_error_code(core::errc::already_exists),
                            "customer " + c.id() + " already exists with other details (use UpdateCustomer)");
  }
  v1::IntakeEvent body;
  *body.mutable_customer_registered()->mutable_customer() = c;
  d.events.push_back(with(std::move(body)));
  return d;
}

core::Result<events::Decision> decide_update(const CustomerState& s, const v1::Customer& c) {
  if (!s.exists || s.customer.tenant_id() != c.tenant_id()) return not_found(c.id());
  if (s.customer.erased()) return privacy::erased_customer(c.id());
  events::Decision d{context_of(c), {}};
  if (google::protobuf::util::MessageDifferencer::Equals(s.customer, c)) return d;  // nothing changed
  v1::IntakeEvent body;
  *body.mutable_customer_updated()->mutable_customer() = c;
  d.events.push_back(with(std::move(body)));
  return d;
}

core::Result<events::Decision> decide_consent(const CustomerState& s, const std::string& tenant,
                                              const v1::ConsentChanged& change) {
  if (!s.exists || s.customer.tenant_id() != tenant) return not_found(change.customer_id());
  if (s.customer.erased()) return privacy::erased_customer(change.customer_id());
  events::Decision d{context_of(s.customer), {}};
  v1::IntakeEvent body;
  *body.mutable_consent_changed() = change;
  d.events.push_back(with(std::move(body)));
  return d;
}

core::Result<events::Decision> decide_erase(const CustomerState& s, const std::string& tenant, const v1::CustomerErased& erase) {
  if (!s.exists || s.customer.tenant_id() != tenant) return not_found(erase.customer_id());
  if (erase.reason().empty()) return core::invalid_argument("reason", "is required: the request the erasure answers");
  events::Decision d{context_of(s.customer), {}};
  if (s.customer.erased()) return d;  // erased before: nothing more to record
  v1::IntakeEvent body;
  *body.mutable_customer_erased() = erase;
  d.events.push_back(with(std::move(body)));
  return d;
}

}  // namespace huifang::intake
