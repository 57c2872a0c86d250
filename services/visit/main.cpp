// huifang-visit: visit execution — each visit from its plan to its end: due and overdue, agendas,
// scripts, attempts, callbacks, retries and fallback, surveys, problems raised.
#include "handlers/visit_service.h"
#include "huifang/runtime/runtime.h"

int main(int argc, char** argv) {
  using namespace huifang;
  auto rt = runtime::must(
      runtime::Runtime::create({"visit", "huifang.visit.v1", 7103, 8103,
                                {{"timer-interval", "200ms", "how often due and overdue timers are checked"},
                                 {"retention-days", "730", "closed visits whose window ended longer ago are forgotten (PIPL)"},
                                 privacy::master_key_option()}},
                               argc, argv),
      "huifang-visit");
  const auto interval = runtime::must(rt->config().get_duration("timer-interval"), "huifang-visit");
  auto keyring = runtime::must(privacy::open_keyring(rt->config(), rt->redis()), "huifang-visit");
  visit::VisitApp app(rt->store(), rt->factory(), rt->ids(), rt->clock(), *keyring);
  visit::VisitQueries queries(rt->store(), rt->clock());
  visit::VisitService service(app, queries, rt->relay(), rt->auth());
  runtime::must(rt->consume({"huifang.scheduling.v1", "huifang.intake.v1"},
                            [&app](std::span<const runtime::Incoming> batch) { return app.apply_batch(batch); },
                            &visit::VisitApp::handles),
                "huifang-visit: consumer");
  rt->add_deadline_pass("timers", std::chrono::duration_cast<std::chrono::milliseconds>(interval), "timer pass",
                        [&app](std::vector<uint32_t> partitions) {
                          auto fired = app.fire_timers(partitions);
                          return fired ? core::ok_status() : core::Status(fired.error());
                        });
  const auto retention = std::chrono::days(runtime::must(rt->config().get_int("retention-days", 30, 36'500), "huifang-visit"));
  rt->add_periodic(std::chrono::minutes(10), "retention pass", [&app, &rt, retention] {
    auto forgotten = app.forget_closed_before(rt->clock().now() - retention);
    return forgotten ? core::ok_status() : core::Status(forgotten.error());
  });
  return rt->run({&service});
}
