// huifang-intake: org tree, agents, customers and service events; gRPC for admins and
// integrations, plus the inbound integration topic.
#include "handlers/inbound.h"
#include "handlers/intake_service.h"
#include "huifang/runtime/runtime.h"

int main(int argc, char** argv) {
  using namespace huifang;
  auto rt = runtime::must(
      runtime::Runtime::create({"intake", "huifang.intake.v1", 7101, 8101,
                                {{"retention-days", "730", "service events recorded longer ago are forgotten (PIPL)"},
                                 privacy::master_key_option()}},
                               argc, argv),
      "huifang-intake");
  auto keyring = runtime::must(privacy::open_keyring(rt->config(), rt->redis()), "huifang-intake");
  intake::IntakeApp app(rt->store(), rt->factory(), rt->ids(), *keyring);
  intake::IntakeService service(app, rt->relay(), rt->auth());
  // With integrations' API keys, an inbound event speaks only for the tenant whose key it carries.
  if (!rt->api_keys())
    core::log::warn("inbound events are not bound to a tenant: no --api-keys given, so any writer of the topic may claim any tenant");
  runtime::must(rt->consume_raw({"huifang.inbound.v1"}, "intake-inbound", intake::inbound_handler(app, rt->api_keys())),
                "huifang-intake: inbound consumer");
  rt->add_retention_pass("service_event",
                         std::chrono::days(runtime::must(rt->config().get_int("retention-days", 30, 36'500), "huifang-intake")));
  return rt->run({&service});
}
