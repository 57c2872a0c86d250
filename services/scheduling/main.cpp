// huifang-scheduling: policies and calendars, planning of every follow-up visit, agendas, timers.
#include <thread>

#include "handlers/planning.h"
#include "handlers/scheduling_service.h"
#include "huifang/core/log.h"
#include "huifang/runtime/runtime.h"

int main(int argc, char** argv) {
  using namespace huifang;
  auto rt = runtime::must(
      runtime::Runtime::create({"scheduling", "huifang.scheduling.v1", 7102, 8102,
                                {{"timer-interval", "200ms", "how often due and overdue timers are checked"}}},
                               argc, argv),
      "huifang-scheduling");
  const auto interval = runtime::must(rt->config().get_duration("timer-interval"), "huifang-scheduling");
  scheduling::ReadModels models(rt->store());
  scheduling::Planning planning(rt->store(), rt->factory(), models, rt->clock());
  scheduling::SchedulingService service(rt->store(), rt->factory(), planning, rt->relay(), rt->auth());
  runtime::must(rt->consume({"huifang.intake.v1", "huifang.visit.v1"},
                            events::apply_each([&planning](const events::Envelope& e) { return planning.apply(e); })),
                "huifang-scheduling: consumer");
  rt->add_background([&planning, interval](const std::atomic<bool>& stop) {
    while (!stop.load()) {
      if (auto fired = planning.fire_timers(); !fired)
        core::log::warn("timer pass failed", {{"error", fired.error().to_string()}});
      std::this_thread::sleep_for(interval);
    }
  });
  return rt->run({&service});
}
