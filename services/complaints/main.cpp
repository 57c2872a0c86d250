// huifang-complaints: complaint cases from visits and handlers, SLA escalation, repeat flags.
#include "handlers/complaints_service.h"
#include "huifang/runtime/runtime.h"

int main(int argc, char** argv) {
  using namespace huifang;
  auto rt = runtime::must(
      runtime::Runtime::create({"complaints", "huifang.complaints.v1", 7104, 8104,
                                {{"sla-interval", "500ms", "how often SLA deadlines are checked"},
                                 {"low-rating-threshold", "6", "ratings at or below open a case (when the visit names none)"},
                                 {"utc-offset-hours", "8", "the local day for 'investigate the same day'"},
                                 {"reply-within-hours", "48", "reply time promised when the source names none"},
                                 privacy::master_key_option()}},
                               argc, argv),
      "huifang-complaints");
  const auto& cfg = rt->config();
  complaints::ComplaintsOptions options;
  options.default_threshold = static_cast<uint32_t>(runtime::must(cfg.get_int("low-rating-threshold", 1, 10), "huifang-complaints"));
  options.utc_offset_hours = static_cast<int>(runtime::must(cfg.get_int("utc-offset-hours", -12, 14), "huifang-complaints"));
  options.reply_within_hours = static_cast<int>(runtime::must(cfg.get_int("reply-within-hours", 1, 24 * 30), "huifang-complaints"));
  const auto interval = runtime::must(cfg.get_duration("sla-interval"), "huifang-complaints");

  auto keyring = runtime::must(privacy::open_keyring(rt->config(), rt->redis()), "huifang-complaints");
  complaints::ComplaintsApp app(rt->store(), rt->factory(), rt->ids(), rt->clock(), *keyring, options);
  complaints::ComplaintsService service(app, rt->relay(), rt->auth());
  runtime::must(rt->consume({"huifang.visit.v1", "huifang.intake.v1"},
                            runtime::apply_in_lanes([&app](const events::Envelope& e) { return app.apply(e); }, rt->lanes()),
                            &complaints::ComplaintsApp::handles),
                "huifang-complaints: consumer");
  rt->add_deadline_pass("sla", std::chrono::duration_cast<std::chrono::milliseconds>(interval), "SLA pass",
                        [&app](std::vector<uint32_t> partitions) {
                          auto seen = app.fire_sla(std::move(partitions));
                          return seen ? core::ok_status() : core::Status(seen.error());
                        });
  return rt->run({&service});
}
