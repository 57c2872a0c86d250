#include "huifang/core/config.h"

#include <gtest/gtest.h>

namespace huifang::core {
namespace {

const std::vector<OptionSpec> kSpecs = {
    {"redis-port", "6379", "port"}, {"poll", "250ms", "poll interval"}, {"tls", "false", "use TLS"},
    {"topics", "a,b", "topics"}};

Result<Config> parse(std::vector<const char*> argv, std::map<std::string, std::string> env = {}) {
  argv.insert(argv.begin(), "prog");
  return Config::parse(kSpecs, static_cast<int>(argv.size()), argv.data(), env);
}

TEST(Config, FlagBeatsEnvironmentBeatsDefault) {
  auto def = parse({});
  ASSERT_TRUE(def);
  EXPECT_EQ(*def->get_int("redis-port", 1, 65535), 6379);
  auto env = parse({}, {{"HUIFANG_REDIS_PORT", "7000"}});
  EXPECT_EQ(*env->get_int("redis-port", 1, 65535), 7000);
  auto flag = parse({"--redis-port=7100"}, {{"HUIFANG_REDIS_PORT", "7000"}});
  EXPECT_EQ(*flag->get_int("redis-port", 1, 65535), 7100);
  auto spaced = parse({"--redis-port", "7200"});
  EXPECT_EQ(*spaced->get_int("redis-port", 1, 65535), 7200);
}

TEST(Config, BadNumberNamesTheOptionAndItsSource) {
  auto cfg = parse({}, {{"HUIFANG_REDIS_PORT", "abc"}});
  ASSERT_TRUE(cfg);
  auto port = cfg->get_int("redis-port", 1, 65535);
  ASSERT_FALSE(port);
  EXPECT_EQ(port.error().field, "redis-port");
  EXPECT_NE(port.error().message.find("env HUIFANG_REDIS_PORT"), std::string::npos);
  EXPECT_NE(port.error().message.find("'abc' is not an integer"), std::string::npos);
  EXPECT_EQ(port.error().kind(), condition::invalid_argument);
}

TEST(Config, OutOfRangeIsRejected) {
  auto cfg = parse({"--redis-port=70000"});
  auto port = cfg->get_int("redis-port", 1, 65535);
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().message.find("outside 1..65535"), std::string::npos);
}

TEST(Config, UnknownFlagIsAnError) {
  auto cfg = parse({"--redis-prot=1"});
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("unknown flag --redis-prot"), std::string::npos);
}

TEST(Config, FlagWithoutValueIsAnError) {
  auto cfg = parse({"--redis-port"});
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("needs a value"), std::string::npos);
}

TEST(Config, DurationsBooleansAndLists) {
  auto cfg = parse({"--poll=5s", "--tls=yes"});
  EXPECT_EQ(*cfg->get_duration("poll"), std::chrono::seconds(5));
  EXPECT_TRUE(*cfg->get_bool("tls"));
  EXPECT_EQ(cfg->get_list("topics"), (std::vector<std::string>{"a", "b"}));
  auto bad = parse({"--poll=5 weeks"});
  EXPECT_FALSE(bad->get_duration("poll"));
  auto badbool = parse({"--tls=maybe"});
  EXPECT_FALSE(badbool->get_bool("tls"));
}

TEST(Config, HelpIsRequestedAndUsageListsEnvNames) {
  auto cfg = parse({"--help"});
  ASSERT_TRUE(cfg);
  EXPECT_TRUE(cfg->help_requested());
  EXPECT_NE(cfg->usage("prog").find("HUIFANG_REDIS_PORT"), std::string::npos);
}

}  // namespace
}  // namespace huifang::core
