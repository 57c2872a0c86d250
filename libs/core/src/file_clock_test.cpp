#include "huifang/core/file_clock.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace huifang::core {
namespace {

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string(name) + std::to_string(::getpid()))).string();
}

TEST(FileClock, FollowsTheFileForward) {
  const auto path = temp_path("clock-forward");
  const Timestamp t0 = from_micros(1'790'000'000'000'000);
  ASSERT_TRUE(FileClock::write(path, t0));
  auto clock = FileClock::open(path, std::chrono::milliseconds(0));
  ASSERT_TRUE(clock) << clock.error().to_string();
  EXPECT_EQ((*clock)->now(), t0);
  ASSERT_TRUE(FileClock::write(path, t0 + std::chrono::hours(72)));
  EXPECT_EQ((*clock)->now(), t0 + std::chrono::hours(72));
  // Time never runs backwards for a reader, even if the file does.
  ASSERT_TRUE(FileClock::write(path, t0));
  EXPECT_EQ((*clock)->now(), t0 + std::chrono::hours(72));
  std::filesystem::remove(path);
}

TEST(FileClock, CachesBetweenRefreshes) {
  const auto path = temp_path("clock-cache");
  const Timestamp t0 = from_micros(1'790'000'000'000'000);
  ASSERT_TRUE(FileClock::write(path, t0));
  auto clock = FileClock::open(path, std::chrono::hours(1));
  ASSERT_TRUE(clock);
  ASSERT_TRUE(FileClock::write(path, t0 + std::chrono::hours(1)));
  EXPECT_EQ((*clock)->now(), t0);
  std::filesystem::remove(path);
}

TEST(FileClock, RefusesAMissingOrBadFile) {
  const auto path = temp_path("clock-bad");
  EXPECT_FALSE(FileClock::open(path));
  std::ofstream(path) << "yesterday\n";
  auto bad = FileClock::open(path);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "clock-file");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace huifang::core
