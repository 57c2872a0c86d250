// huifang-visit: visit execution for agents — scripts, attempts, surveys, problems raised.
#include "handlers/visit_service.h"
#include "huifang/runtime/runtime.h"

int main(int argc, char** argv) {
  using namespace huifang;
  auto rt = runtime::must(runtime::Runtime::create({"visit", "huifang.visit.v1", 7103, 8103, {}}, argc, argv),
                          "huifang-visit");
  visit::VisitApp app(rt->store(), rt->factory(), rt->ids(), rt->clock());
  visit::VisitService service(app, rt->relay(), rt->auth());
  runtime::must(rt->consume({"huifang.scheduling.v1", "huifang.intake.v1"},
                            [&app](std::span<const events::Incoming> batch) { return app.apply_batch(batch); }),
                "huifang-visit: consumer");
  return rt->run({&service});
}
