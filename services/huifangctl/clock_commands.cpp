// huifangctl clock: the embedded cluster's simulated time, for tests and training. ./scripts/up
// keeps the services' --clock-file at real time plus an offset (<clock>.offset, microseconds),
// rewritten every second unless <clock>.frozen exists. These commands set that offset and flag
// and write the clock at once, so every service sees the change within its refresh. Time only
// ever moves forward: services ignore a clock that goes back, so nothing here asks for that.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <google/protobuf/util/time_util.h>

#include "commands.h"
#include "huifang/core/config.h"
#include "huifang/core/file_clock.h"
#include "huifang/events/envelope.h"
#include "render.h"

namespace huifang::ctl {
namespace {

using std::chrono::system_clock;
namespace fs = std::filesystem;

struct ClockFiles {
  std::string clock;
  std::string offset() const { return clock + ".offset"; }
  std::string frozen() const { return clock + ".frozen"; }
};

core::Timestamp real_now() { return std::chrono::time_point_cast<core::Duration>(system_clock::now()); }

// The simulated instant, or a message saying why there is none.
core::Result<core::Timestamp> read(const ClockFiles& f) {
  if (!fs::exists(f.clock))
    return core::invalid_argument("clock-file", "no simulated clock at " + f.clock +
                                                    " (./scripts/up keeps one in .huifang/clock; a cluster without "
                                                    "one runs on the system clock)");
  auto clock = core::FileClock::open(f.clock);
  if (!clock) return clock.error();
  return (*clock)->now();
}

// From now on scripts/up ticks on from `t`; the clock shows `t` at once.
core::Status run_from(const ClockFiles& f, core::Timestamp t) {
  const auto offset = std::chrono::duration_cast<core::Duration>(t - real_now()).count();
  const std::string tmp = f.offset() + ".tmp";
  if (!(std::ofstream(tmp) << offset << '\n')) return core::invalid_argument("clock-file", "cannot write " + tmp);
  std::error_code ec;
  fs::rename(tmp, f.offset(), ec);
  if (ec) return core::invalid_argument("clock-file", "cannot write " + f.offset() + ": " + ec.message());
  return core::FileClock::write(f.clock, t);
}

int show(const ClockFiles& f, bool json) {
  auto t = read(f);
  if (!t) return usage(t.error().message);
  const auto ahead = std::chrono::duration_cast<std::chrono::seconds>(*t - real_now()).count();
  const bool frozen = fs::exists(f.frozen());
  if (json) {
    std::cout << "{\"now\": \"" << google::protobuf::util::TimeUtil::ToString(events::to_proto(*t))
              << "\", \"seconds_ahead_of_real_time\": " << ahead
              << ", \"frozen\": " << (frozen ? "true" : "false") << "}\n";
    return 0;
  }
  std::cout << "simulated now: " << timestamp(events::to_proto(*t)) << " (UTC+8)\n"
            << "ahead of real time: " << ahead / 86400 << "d " << (ahead % 86400) / 3600 << "h " << (ahead % 3600) / 60
            << "m\n"
            << (frozen ? "frozen: it stands still until `huifangctl clock follow`\n" : "following real time\n");
  return 0;
}

}  // namespace

void add_clock_command(CLI::App& app, Run& run) {
  static ClockFiles files{".huifang/clock"};
  auto* clock = app.add_subcommand("clock", "the embedded cluster's simulated time: show, advance, freeze, follow")
                    ->require_subcommand(1);
  clock->add_option("--clock-file", files.clock, "the services' --clock-file")->envname("HUIFANG_CLOCK_FILE")->capture_default_str();

  clock->add_subcommand("show", "the simulated time and how far it is from real time")->callback([&run] {
    run.code = show(files, run.json);
  });

  static std::string by;
  auto* advance = clock->add_subcommand("advance", "move time forward for every service, e.g. 90m, 3d (at most 366d)");
  advance->add_option("by", by, "how far: 30s, 90m, 4h, 3d")->required();
  advance->callback([&run] {
    auto d = core::parse_duration(by);
    if (!d) return void(run.code = usage("advance: " + d.error().message));
    if (d->count() <= 0 || *d > std::chrono::hours(24 * 366))
      return void(run.code = usage("advance: '" + by + "' must be more than 0 and at most 366d (time never goes back)"));
    auto t = read(files);
    if (!t) return void(run.code = usage(t.error().message));
    if (auto st = run_from(files, *t + *d); !st) return void(run.code = usage(st.error().message));
    run.code = show(files, run.json);
  });

  clock->add_subcommand("freeze", "stop the clock where it is (advance still moves it)")->callback([&run] {
    auto t = read(files);
    if (!t) return void(run.code = usage(t.error().message));
    if (!std::ofstream(files.frozen())) return void(run.code = usage("cannot write " + files.frozen()));
    run.code = show(files, run.json);
  });

  clock->add_subcommand("follow", "let the clock run in real time again, on from where it stands")->callback([&run] {
    auto t = read(files);
    if (!t) return void(run.code = usage(t.error().message));
    if (auto st = run_from(files, *t); !st) return void(run.code = usage(st.error().message));
    std::error_code ec;
    fs::remove(files.frozen(), ec);
    run.code = show(files, run.json);
  });
  for (auto* sub : clock->get_subcommands({})) sub->fallthrough();  // --clock-file after the verb too
}

}  // namespace huifang::ctl
