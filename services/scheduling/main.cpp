// huifang-scheduling: policies and calendars, planning of every follow-up visit (whether, when and
// who), periodic series.
#include "handlers/planning.h"
#include "handlers/scheduling_service.h"
#include "huifang/runtime/runtime.h"

int main(int argc, char** argv) {
  using namespace huifang;
  auto rt = runtime::must(
      runtime::Runtime::create({"scheduling", "huifang.scheduling.v1", 7102, 8102,
                                {{"timer-interval", "200ms", "how often periodic-series timers are checked"},
                                 {"retention-days", "730", "planning decisions recorded longer ago are forgotten (PIPL)"}}},
                               argc, argv),
      "huifang-scheduling");
  const auto interval = runtime::must(rt->config().get_duration("timer-interval"), "huifang-scheduling");
  scheduling::ReadModels models(rt->store());
  scheduling::Planning planning(rt->store(), rt->factory(), models, rt->clock());
  scheduling::SchedulingService service(rt->store(), rt->factory(), planning, rt->relay(), rt->auth());
  runtime::must(rt->consume({"huifang.intake.v1", "huifang.visit.v1", "huifang.complaints.v1"},
                            [&planning, lanes = rt->lanes()](std::span<const runtime::Incoming> batch) {
                              return planning.apply_batch(batch, lanes);
                            },
                            &scheduling::Planning::handles),
                "huifang-scheduling: consumer");
  rt->add_deadline_pass("timers", std::chrono::duration_cast<std::chrono::milliseconds>(interval), "timer pass",
                        [&planning](std::vector<uint32_t> partitions) {
                          auto fired = planning.fire_timers(std::move(partitions));
                          return fired ? core::ok_status() : core::Status(fired.error());
                        });
  rt->add_retention_pass("plan",
                         std::chrono::days(runtime::must(rt->config().get_int("retention-days", 30, 36'500), "huifang-scheduling")));
  return rt->run({&service});
}
