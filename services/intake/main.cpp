// huifang-intake: org tree, agents, customers and service events; gRPC for admins and
// integrations, plus the inbound integration topic.
#include "handlers/inbound.h"
#include "handlers/intake_service.h"
#include "huifang/runtime/runtime.h"

int main(int argc, char** argv) {
  using namespace huifang;
  auto rt = runtime::must(runtime::Runtime::create({"intake", "huifang.intake.v1", 7101, 8101, {}}, argc, argv),
                          "huifang-intake");
  intake::IntakeApp app(rt->store(), rt->factory(), rt->ids());
  intake::IntakeService service(app, rt->relay(), rt->auth());
  runtime::must(rt->consume_raw({"huifang.inbound.v1"}, "intake-inbound", intake::inbound_handler(app)),
                "huifang-intake: inbound consumer");
  return rt->run({&service});
}
